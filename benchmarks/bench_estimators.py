"""numnet's MLPClassifier against scikit-learn's on digits: time to train and test accuracy.

    python benchmarks/bench_estimators.py [--repeats 3] [--epochs 200] [--threads 1] [--hidden 64]
                                          [--profile]

Digits (1797 × 64) standardized on an 80/20 stratified split (seed 0). Both
estimators get the same architecture, solver adam, batch size 200 ("auto"),
learning rate 1e-3, α = 1e-4 and the same number of epochs (``max_iter`` with
``tol=0`` and ``n_iter_no_change=max_iter``, so neither stops early). Rounds
alternate who goes first; each line reports the median time of the repeats.

dtypes: scikit-learn trains in the dtype of its input: float64 here, its
default (its float32 run is printed too). numnet is run with ``dtype="float32"``
and ``dtype="float64"``. The ratio is scikit-learn's float64 time over
numnet's time (above 1: numnet is faster). Target (issue 4): ≥ 3x at equal or
better test accuracy. ``--threads`` sets the BLAS threads of both sides (default
1: on matrices this small a second thread mostly adds hand-off cost, and on a
shared machine it makes every timing erratic; 0 leaves BLAS's own default).
``--profile`` instead runs cProfile over one numnet float32 fit per
architecture and prints the functions that take the most time of their own.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from numnet.estimators import MLPClassifier

ARCHITECTURES = [(64,), (128, 64)]


def digits():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def contestants(hidden: tuple[int, ...], epochs: int) -> dict:
    common = dict(
        hidden_layer_sizes=hidden, solver="adam", batch_size="auto", learning_rate_init=1e-3,
        alpha=1e-4, max_iter=epochs, tol=0.0, n_iter_no_change=epochs, random_state=0,
    )  # fmt: skip
    return {
        "sklearn float64": (lambda: SkClassifier(**common), np.float64),
        "sklearn float32": (lambda: SkClassifier(**common), np.float32),
        "numnet float32": (lambda: MLPClassifier(dtype="float32", **common), np.float64),
        "numnet float64": (lambda: MLPClassifier(dtype="float64", **common), np.float64),
    }


def run(make, X_train, X_test, y_train, y_test) -> tuple[float, float]:
    estimator = make()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        estimator.fit(X_train, y_train)
        seconds = time.perf_counter() - start
    return seconds, estimator.score(X_test, y_test)


def profile(hidden: tuple[int, ...], epochs: int, X_train, y_train) -> None:
    make, _ = contestants(hidden, epochs)["numnet float32"]
    profiler = cProfile.Profile()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        profiler.runcall(make().fit, X_train, y_train)
    print(f"\nhidden_layer_sizes={hidden}: numnet float32, {epochs} epochs under cProfile")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (0: BLAS default)")
    parser.add_argument(
        "--hidden", action="append", help="an architecture such as 128,64 (repeatable)"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile numnet's fit instead")
    args = parser.parse_args()
    X_train, X_test, y_train, y_test = digits()
    threads = args.threads or "BLAS default"
    architectures = ARCHITECTURES
    if args.hidden:
        architectures = [tuple(int(u) for u in h.split(",")) for h in args.hidden]
    if args.profile:
        with threadpool_limits(args.threads or None):
            for hidden in architectures:
                profile(hidden, args.epochs, X_train, y_train)
        return
    print(
        f"digits: {len(X_train)} train / {len(X_test)} test, adam, batch 200, "
        f"{args.epochs} epochs, {args.repeats} repeats, BLAS threads {threads}"
    )
    with threadpool_limits(args.threads or None):
        for hidden in architectures:
            runs = contestants(hidden, args.epochs)
            times: dict[str, list[float]] = {name: [] for name in runs}
            scores: dict[str, float] = {}
            order = list(runs)
            for _ in range(args.repeats):
                for name in order:
                    make, dtype = runs[name]
                    seconds, scores[name] = run(
                        make, X_train.astype(dtype), X_test.astype(dtype), y_train, y_test
                    )
                    times[name].append(seconds)
                order.reverse()
            reference = statistics.median(times["sklearn float64"])
            print(f"\nhidden_layer_sizes={hidden}")
            for name in runs:
                median = statistics.median(times[name])
                print(f"  {name:16s} {median:7.3f} s  test accuracy {scores[name]:.4f}  "
                      f"speed-up vs sklearn float64 {reference / median:5.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
