"""What ``numnet.train.fit`` costs over a hand-written training loop on the same model.

Both train the same MLP from the same weights with Adam and cross-entropy for
one epoch over the same data in float32. The hand loop is what a user would
write: permute the rows, slice a batch, zero_grad, forward, loss, backward,
step. ``fit`` adds the loader, loss and metric bookkeeping (accuracy), the
NaN guard, callbacks, and the progress display (off, and plain lines).
Rounds are interleaved and the best of each is kept; the ratio fit/hand is
printed (target: under 1.10).

    python benchmarks/bench_fit.py [--rows 20000] [--batch 32 128] [--repeats 7]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import time

import numpy as np

from numnet import nn, optim
from numnet.train import fit


def make_model(shape: list[int], seed: int = 0) -> nn.Sequential:
    rng = np.random.default_rng(seed)
    layers: list = []
    for a, b in zip(shape[:-1], shape[1:]):
        layers += [nn.Linear(a, b, rng=rng), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def hand_loop(model, X, y, batch_size, seed):
    loss_fn = nn.CrossEntropyLoss()
    opt = optim.Adam(model.parameters(), lr=1e-3)
    order = np.random.default_rng(seed).permutation(len(X))
    for start in range(0, len(X), batch_size):
        index = order[start : start + batch_size]
        opt.zero_grad()
        loss = loss_fn(model(X[index]), y[index])
        loss.backward()
        opt.step()


def with_fit(model, X, y, batch_size, seed, progress):
    opt = optim.Adam(model.parameters(), lr=1e-3)
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink):
        fit(model, nn.CrossEntropyLoss(), opt, (X, y), epochs=1, batch_size=batch_size,
            metrics=["accuracy"], seed=seed, progress=progress)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--batch", type=int, nargs="+", default=[32, 128])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--shape", default="64,128,64,10")
    args = parser.parse_args()
    shape = [int(s) for s in args.shape.split(",")]
    rng = np.random.default_rng(0)
    X = rng.normal(size=(args.rows, shape[0])).astype(np.float32)
    y = rng.integers(0, shape[-1], size=args.rows)
    print(f"MLP {args.shape}, {args.rows} rows, one epoch, best of {args.repeats} (interleaved)")
    print("| batch | hand loop | fit | fit + progress lines | fit/hand | fit+progress/hand |")
    print("|---|---|---|---|---|---|")
    for batch in args.batch:
        runs = {
            "hand": lambda m, b=batch: hand_loop(m, X, y, b, 0),
            "fit": lambda m, b=batch: with_fit(m, X, y, b, 0, False),
            "fit+progress": lambda m, b=batch: with_fit(m, X, y, b, 0, True),
        }
        best = dict.fromkeys(runs, np.inf)
        for _ in range(args.repeats):
            for name, run in runs.items():
                model = make_model(shape)
                start = time.perf_counter()
                run(model)
                best[name] = min(best[name], time.perf_counter() - start)
        print(
            f"| {batch} | {best['hand'] * 1e3:.1f} ms | {best['fit'] * 1e3:.1f} ms | "
            f"{best['fit+progress'] * 1e3:.1f} ms | {best['fit'] / best['hand']:.3f} | "
            f"{best['fit+progress'] / best['hand']:.3f} |"
        )


if __name__ == "__main__":
    main()
