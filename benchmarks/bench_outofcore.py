"""Out-of-core training: one epoch from a large ``.npy`` and a large Parquet file in bounded memory.

    python benchmarks/bench_outofcore.py [--size-gb 2] [--features 256] [--dir /tmp/x] [--keep]
    python benchmarks/bench_outofcore.py --size-gb 0.05          # quick smoke run

Writes a float32 feature matrix of at least ``--size-gb`` gigabytes (10^9 bytes) twice, as
``X.npy`` + ``y.npy`` and as one Parquet file with many row groups, in chunks so the writer
never holds the whole array. Then it trains one epoch of a small MLP
(features-64-2, ReLU, Adam, cross-entropy, mini-batches with shuffling across chunks) from
each file through :class:`numnet.data.NpyLoader` and :class:`numnet.data.ParquetLoader`.

Each phase runs in its own child process, so each peak is that phase's alone: the peak
resident set size from ``getrusage(RUSAGE_SELF).ru_maxrss`` and the largest ``VmRSS`` sampled
from ``/proc/self/status`` every 5 ms by a thread. Target (issue 4): under 300 MB while
training. The labels come from a fixed random linear rule, so the epoch's accuracy (well above
0.5) shows that rows and labels stayed together. Files are deleted at the end unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

TARGET_MB = 300.0
ROWS_PER_WRITE = 8192  # rows per write call and per Parquet row group (8 MiB at 256 features)


class RssSampler:
    """Largest VmRSS of this process, read from /proc/self/status by a background thread."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _read(self) -> int:
        try:
            with open("/proc/self/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, self._read())
            time.sleep(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_kb = max(self.peak_kb, self._read())


def _teacher(features: int) -> np.ndarray:
    return np.random.default_rng(12345).standard_normal(features).astype(np.float32)


def _chunks(n_rows: int, features: int):
    """Deterministic chunks of (X float32, y int64): y = [X w > 0] for a fixed random w."""
    w = _teacher(features)
    for i, lo in enumerate(range(0, n_rows, ROWS_PER_WRITE)):
        rows = min(ROWS_PER_WRITE, n_rows - lo)
        X = np.random.default_rng([7, i]).standard_normal((rows, features), dtype=np.float32)
        yield X, (X @ w > 0).astype(np.int64)


def write_npy(folder: str, n_rows: int, features: int) -> None:
    """``X.npy`` and ``y.npy`` written header first, then chunk by chunk with plain writes."""
    x_path, y_path = os.path.join(folder, "X.npy"), os.path.join(folder, "y.npy")
    header = {"descr": np.lib.format.dtype_to_descr(np.dtype(np.float32)),
              "fortran_order": False, "shape": (n_rows, features)}  # fmt: skip
    y_header = {"descr": np.lib.format.dtype_to_descr(np.dtype(np.int64)),
                "fortran_order": False, "shape": (n_rows,)}  # fmt: skip
    with open(x_path, "wb") as fx, open(y_path, "wb") as fy:
        np.lib.format.write_array_header_2_0(fx, header)
        np.lib.format.write_array_header_2_0(fy, y_header)
        for X, y in _chunks(n_rows, features):
            fx.write(X.tobytes())
            fy.write(y.tobytes())


def write_parquet(folder: str, n_rows: int, features: int) -> None:
    """One Parquet file, one row group per chunk, uncompressed so its size is the data's."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = [f"x{j}" for j in range(features)]
    schema = pa.schema([(name, pa.float32()) for name in names] + [("label", pa.int64())])
    path = os.path.join(folder, "data.parquet")
    with pq.ParquetWriter(
        path, schema, compression="none", use_dictionary=False, write_statistics=False
    ) as writer:
        for X, y in _chunks(n_rows, features):
            arrays = [pa.array(X[:, j]) for j in range(features)] + [pa.array(y)]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))


def train_one_epoch(loader, features: int, seed: int = 0) -> dict:
    """One epoch of a features-64-2 MLP with Adam; a plain loop over ``loader.batches(0)``."""
    import numnet
    from numnet import nn, optim

    model = nn.Sequential(
        nn.Linear(features, 64, rng=seed), nn.ReLU(), nn.Linear(64, 2, rng=seed + 1)
    )
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    right = seen = 0
    loss_sum = 0.0
    start = time.perf_counter()
    for X, y in loader.batches(epoch=0):
        optimizer.zero_grad()
        logits = model(numnet.Tensor(X))
        loss = loss_fn(logits, y)
        loss.backward()
        optimizer.step()
        right += int(np.count_nonzero(logits.data.argmax(axis=1) == y))
        seen += len(y)
        loss_sum += float(loss.data) * len(y)
    seconds = time.perf_counter() - start
    return {"rows": seen, "seconds": seconds, "rows_per_s": seen / seconds,
            "train_accuracy": right / seen, "train_loss": loss_sum / seen}  # fmt: skip


def run_phase(args: argparse.Namespace) -> dict:
    """One phase in this (child) process; returns its figures and peak memory."""
    n_rows = rows_for(args.size_gb, args.features)
    with RssSampler() as sampler:
        if args.phase == "baseline":
            import numnet  # noqa: F401
            import numnet.data  # noqa: F401

            result: dict = {}
        elif args.phase == "write-npy":
            start = time.perf_counter()
            write_npy(args.dir, n_rows, args.features)
            result = {"seconds": time.perf_counter() - start}
        elif args.phase == "write-parquet":
            start = time.perf_counter()
            write_parquet(args.dir, n_rows, args.features)
            result = {"seconds": time.perf_counter() - start}
        elif args.phase == "train-npy":
            from numnet.data import NpyLoader

            loader = NpyLoader(
                os.path.join(args.dir, "X.npy"), os.path.join(args.dir, "y.npy"),
                batch_size=args.batch_size, shuffle=True, seed=0, shuffle_buffer=2,
            )  # fmt: skip
            result = train_one_epoch(loader, args.features)
        elif args.phase == "train-parquet":
            from numnet.data import ParquetLoader

            loader = ParquetLoader(
                os.path.join(args.dir, "data.parquet"), target="label",
                batch_size=args.batch_size, shuffle=True, seed=0, shuffle_buffer=2,
            )  # fmt: skip
            result = train_one_epoch(loader, args.features)
        else:
            raise SystemExit(f"unknown phase {args.phase!r}")
    result["ru_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["vmrss_peak_mb"] = sampler.peak_kb / 1024
    return result


def rows_for(size_gb: float, features: int) -> int:
    """Rows so that the float32 features fill at least ``size_gb`` x 10^9 bytes."""
    return max(1, -(-int(size_gb * 1e9) // (features * 4)))


def child(phase: str, args: argparse.Namespace) -> dict:
    command = [
        sys.executable, __file__, "--phase", phase, "--dir", args.dir,
        "--size-gb", str(args.size_gb), "--features", str(args.features),
        "--batch-size", str(args.batch_size),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-gb", type=float, default=2.0)
    parser.add_argument("--features", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--dir", default=None, help="folder for the files (default: a new temp)")
    parser.add_argument("--keep", action="store_true", help="keep the files")
    parser.add_argument("--phase", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase is not None:
        print(json.dumps(run_phase(args)))
        return
    made_dir = args.dir is None
    args.dir = args.dir or tempfile.mkdtemp(prefix="numnet_outofcore_")
    os.makedirs(args.dir, exist_ok=True)
    n_rows = rows_for(args.size_gb, args.features)
    print(f"{n_rows} rows x {args.features} float32 features in {args.dir}")
    try:
        baseline = child("baseline", args)
        print(f"baseline (python + numnet imported): peak RSS {baseline['ru_maxrss_mb']:.0f} MB")
        for fmt in ("npy", "parquet"):
            written = child(f"write-{fmt}", args)
            files = ["X.npy", "y.npy"] if fmt == "npy" else ["data.parquet"]
            size = sum(os.path.getsize(os.path.join(args.dir, name)) for name in files)
            print(f"wrote {fmt}: {size / 1e9:.2f} GB in {written['seconds']:.1f} s, "
                  f"writer peak RSS {written['ru_maxrss_mb']:.0f} MB")  # fmt: skip
            trained = child(f"train-{fmt}", args)
            peak = max(trained["ru_maxrss_mb"], trained["vmrss_peak_mb"])
            verdict = "OK" if peak < TARGET_MB else "MISSED"
            print(
                f"train {fmt}: {trained['rows']} rows in {trained['seconds']:.1f} s "
                f"({trained['rows_per_s']:.0f} rows/s), accuracy {trained['train_accuracy']:.3f}, "
                f"peak RSS {trained['ru_maxrss_mb']:.0f} MB (ru_maxrss), "
                f"{trained['vmrss_peak_mb']:.0f} MB (VmRSS sampled); "
                f"target < {TARGET_MB:.0f} MB: {verdict}"
            )
    finally:
        if not args.keep:
            for name in ("X.npy", "y.npy", "data.parquet"):
                path = os.path.join(args.dir, name)
                if os.path.exists(path):
                    os.remove(path)
            if made_dir:
                shutil.rmtree(args.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
