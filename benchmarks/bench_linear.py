"""numnet.linear_model against scikit-learn on a synthetic n × d problem (default 200,000 × 100).

    python benchmarks/bench_linear.py [--quick] [--n-samples N] [--n-features D]
                                      [--repeats 5] [--epochs 5] [--threads 1]

1. Exact solvers: LinearRegression (numnet: gelsy QR; scikit-learn: gelsd SVD) and
   Ridge with the cholesky and svd solvers, full ``fit`` time (target: within 1.5x).
2. SGD, time per epoch of ``fit`` with ``tol=None`` (validation included, divided
   by the epochs) for the same loss and penalty: squared error against
   SGDRegressor, L2 logistic against SGDClassifier(loss="log_loss"). numnet steps
   on mini-batches of ``batch_size`` rows (default 128), scikit-learn on single
   samples: the same O(n·d) work per epoch, in far fewer Python-level steps
   (target: at least as fast).
3. Streaming: one ``partial_fit`` pass over an on-disk .npy read with
   ``np.load(mmap_mode="r")`` in chunks, both libraries; peak memory (tracemalloc
   peak of Python/NumPy allocations, and the largest anonymous RSS seen) stays
   near one chunk while the file is many chunks.

Contestants alternate within each round (who goes first swaps every round) and
the median of ``--repeats`` rounds is reported, so a noisy neighbour hurts both
alike. Both run on the same number of BLAS threads (threadpoolctl).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
from sklearn import linear_model as sk
from threadpoolctl import threadpool_limits

import numnet.linear_model as nl


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleaved(ours, theirs, repeats: int) -> tuple[float, float]:
    """Median seconds of each contestant over rounds that alternate who runs first."""
    times = {"ours": [], "theirs": []}
    order = [("ours", ours), ("theirs", theirs)]
    for _ in range(repeats):
        for name, fn in order:
            times[name].append(timed(fn))
        order.reverse()
    return statistics.median(times["ours"]), statistics.median(times["theirs"])


def make_data(n: int, d: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w = rng.standard_normal(d)
    z = X @ w
    y_reg = z + 0.5 * rng.standard_normal(n)
    y_clf = (z + rng.standard_normal(n) > 0).astype(np.int64)
    return X, y_reg, y_clf


def exact_solvers(X, y, repeats):
    cases = {
        "LinearRegression lstsq (fit)": (nl.LinearRegression(), sk.LinearRegression()),
        "Ridge cholesky (fit)": (
            nl.Ridge(1.0, solver="cholesky"),
            sk.Ridge(1.0, solver="cholesky"),
        ),
        "Ridge svd (fit)": (nl.Ridge(solver="svd"), sk.Ridge(solver="svd")),
    }
    rows = []
    for label, (ours, theirs) in cases.items():
        np.testing.assert_allclose(ours.fit(X, y).coef_, theirs.fit(X, y).coef_, rtol=1e-6)
        t_ours, t_theirs = interleaved(
            lambda o=ours: o.fit(X, y), lambda t=theirs: t.fit(X, y), repeats
        )
        rows.append((label, t_ours, t_theirs, "<= 1.5"))
    return rows


def sgd_epochs(X, y_reg, y_clf, repeats, epochs):
    n = len(X)
    alpha = 1e-4  # scikit-learn's per-sample L2 strength; numnet's C = 1/(alpha·n) is the same
    cases = {
        "SGD squared, per epoch (B=128|1)": (
            nl.LinearRegression(solver="sgd", lr=0.001, max_iter=epochs, tol=None, random_state=0),
            sk.SGDRegressor(
                penalty=None, learning_rate="constant", eta0=0.001, max_iter=epochs, tol=None,
                random_state=0,
            ),
            y_reg,
        ),
        "SGD logistic+L2, epoch (B=128|1)": (
            nl.LogisticRegression(
                C=1 / (alpha * n), solver="sgd", lr=0.01, max_iter=epochs, tol=None, random_state=0
            ),
            sk.SGDClassifier(
                loss="log_loss", alpha=alpha, learning_rate="constant", eta0=0.01,
                max_iter=epochs, tol=None, random_state=0,
            ),
            y_clf,
        ),
    }  # fmt: skip
    rows = []
    for label, (ours, theirs, y) in cases.items():
        t_ours, t_theirs = interleaved(
            lambda o=ours, y=y: o.fit(X, y), lambda t=theirs, y=y: t.fit(X, y), repeats
        )
        rows.append((label, t_ours / epochs, t_theirs / epochs, "<= 1.0"))
    return rows


def anon_rss_mb() -> float:
    """Resident anonymous memory (not file pages mapped from the .npy) in MB; Linux only."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def stream(path_X: Path, path_y: Path, model, chunk: int, classes=None):
    """One partial_fit pass over the memory-mapped file: (seconds, tracemalloc peak MB,
    largest anonymous-RSS growth MB)."""
    X_disk = np.load(path_X, mmap_mode="r")
    y_disk = np.load(path_y, mmap_mode="r")
    extra = {} if classes is None else {"classes": classes}
    base_rss, peak_rss = anon_rss_mb(), 0.0
    tracemalloc.start()
    start = time.perf_counter()
    for lo in range(0, len(X_disk), chunk):
        model.partial_fit(X_disk[lo : lo + chunk], y_disk[lo : lo + chunk], **extra)
        peak_rss = max(peak_rss, anon_rss_mb() - base_rss)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 2**20, peak_rss


def streaming(X, y_reg, chunk):
    with tempfile.TemporaryDirectory() as tmp:
        path_X, path_y = Path(tmp) / "X.npy", Path(tmp) / "y.npy"
        np.save(path_X, X)
        np.save(path_y, y_reg)
        file_mb = path_X.stat().st_size / 2**20
        ours = stream(
            path_X, path_y, nl.LinearRegression(solver="sgd", lr=0.001, random_state=0), chunk
        )
        theirs = stream(
            path_X, path_y,
            sk.SGDRegressor(penalty=None, learning_rate="constant", eta0=0.001, random_state=0),
            chunk,
        )  # fmt: skip
    chunk_mb = chunk * X.shape[1] * 8 / 2**20
    return ours, theirs, file_mb, chunk_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 × 100, 2 repeats")
    parser.add_argument("--n-samples", type=int, default=200_000)
    parser.add_argument("--n-features", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--chunk", type=int, default=10_000, help="rows per partial_fit call")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    if args.quick:
        args.n_samples, args.repeats, args.chunk = 20_000, 2, 2_000

    X, y_reg, y_clf = make_data(args.n_samples, args.n_features)
    print(
        f"n={args.n_samples:,} d={args.n_features} threads={args.threads} "
        f"repeats={args.repeats} (median) sgd epochs={args.epochs}"
    )
    with threadpool_limits(limits=args.threads):
        rows = exact_solvers(X, y_reg, args.repeats)
        rows += sgd_epochs(X, y_reg, y_clf, args.repeats, args.epochs)
        (t_o, mem_o, rss_o), (t_t, mem_t, rss_t), file_mb, chunk_mb = streaming(
            X, y_reg, args.chunk
        )
    rows.append(("streaming partial_fit, 1 pass", t_o, t_t, "-"))

    print(f"\n{'benchmark':34} {'numnet s':>10} {'sklearn s':>10} {'ratio':>7} {'target':>7}")
    for label, ours, theirs, target in rows:
        print(f"{label:34} {ours:10.4f} {theirs:10.4f} {ours / theirs:7.2f} {target:>7}")
    print(
        f"\nstreaming: file {file_mb:.0f} MB, chunks of {args.chunk:,} rows ({chunk_mb:.1f} MB)\n"
        f"  numnet : tracemalloc peak {mem_o:6.1f} MB, anonymous RSS growth {rss_o:6.1f} MB\n"
        f"  sklearn: tracemalloc peak {mem_t:6.1f} MB, anonymous RSS growth {rss_t:6.1f} MB"
    )


if __name__ == "__main__":
    main()
