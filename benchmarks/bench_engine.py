"""Engine overhead and small-network speed, numnet against NumPy and PyTorch, in one run.

    python benchmarks/bench_engine.py [--repeats 7] [--threads 1]

1. Overhead of one small Tensor op over the same raw NumPy op (target < 3 µs).
2. Forward + backward of a 2-8-8-2 tanh MLP with cross-entropy on a batch of
   32, numnet against PyTorch eager (target: numnet at least 3x faster).

Timings interleave the contestants and report the best of ``--repeats``
rounds, so a noisy neighbour hurts both alike. Both run on the same number of
BLAS/intra-op threads.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from threadpoolctl import threadpool_limits

import numnet as nn
import numnet.functional as F

try:
    import torch
except ImportError:  # the comparison is skipped, the numnet figures still print
    torch = None


def per_call_us(fn, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls * 1e6


def interleaved(contestants: dict, calls: int, repeats: int) -> dict[str, float]:
    """Best-of-rounds µs per call of each contestant, the rounds alternating between them."""
    for fn in contestants.values():
        per_call_us(fn, max(calls // 10, 1))  # warm-up
    rounds: dict[str, list[float]] = {name: [] for name in contestants}
    order = list(contestants)
    for _ in range(repeats):
        for name in order:
            rounds[name].append(per_call_us(contestants[name], calls))
        order.reverse()  # whoever runs second in a round gets warmer caches: take turns
    return {name: min(times) for name, times in rounds.items()}


def op_overhead(repeats: int) -> None:
    rng = np.random.default_rng(0)
    a_np = rng.standard_normal((32, 8)).astype(np.float32)
    b_np = rng.standard_normal((32, 8)).astype(np.float32)
    w_np = rng.standard_normal((8, 8)).astype(np.float32)
    a, b, w = nn.Tensor(a_np), nn.Tensor(b_np), nn.Tensor(w_np)
    ag, bg = nn.Tensor(a_np, requires_grad=True), nn.Tensor(b_np, requires_grad=True)
    cases = {
        "add": (lambda: a_np + b_np, lambda: a + b, lambda: ag + bg),
        "mul": (lambda: a_np * b_np, lambda: a * b, lambda: ag * bg),
        "matmul": (lambda: a_np @ w_np, lambda: a @ w, lambda: ag @ w),
        "sum": (lambda: a_np.sum(), lambda: a.sum(), lambda: ag.sum()),
        "tanh": (lambda: np.tanh(a_np), lambda: F.tanh(a), lambda: F.tanh(ag)),
    }
    print("1. Overhead of one Tensor op on (32, 8) float32 over raw NumPy (target < 3 µs)")
    header = ("op", "numpy µs", "tensor µs", "overhead", "with grad", "overhead")
    print("   " + "".join(f"{h:>11}" if i else f"{h:<8}" for i, h in enumerate(header)))
    for name, (raw, plain, graph) in cases.items():
        t = interleaved({"raw": raw, "plain": plain, "graph": graph}, 20000, repeats)
        print(
            f"   {name:<8}{t['raw']:>11.2f}{t['plain']:>11.2f}{t['plain'] - t['raw']:>11.2f}"
            f"{t['graph']:>11.2f}{t['graph'] - t['raw']:>11.2f}"
        )


def mlp_numnet(x: np.ndarray, y: np.ndarray, weights: list[np.ndarray], fused: bool = False):
    """The MLP written with one node per layer (``F.dense``) or two (``F.linear`` + ``F.tanh``)."""
    params = [nn.Tensor(w.copy(), requires_grad=True) for w in weights]
    x_t = nn.Tensor(x)
    w1, b1, w2, b2, w3, b3 = params

    def step():
        for p in params:
            p.grad = None
        if fused:
            h = F.dense(x_t, w1, b1, activation="tanh")
            h = F.dense(h, w2, b2, activation="tanh")
        else:
            h = F.tanh(F.linear(x_t, w1, b1))
            h = F.tanh(F.linear(h, w2, b2))
        loss = F.cross_entropy(F.linear(h, w3, b3), y)
        loss.backward()
        return loss

    return step, params


def mlp_torch(x: np.ndarray, y: np.ndarray, weights: list[np.ndarray]):
    """The same MLP in PyTorch eager, weights stored (out, in) as nn.Linear keeps them."""
    params = [torch.tensor(w.T.copy() if w.ndim == 2 else w, requires_grad=True) for w in weights]
    x_t, y_t = torch.from_numpy(x), torch.from_numpy(y)
    w1, b1, w2, b2, w3, b3 = params
    linear = torch.nn.functional.linear

    def step():
        for p in params:
            p.grad = None
        h = torch.tanh(linear(x_t, w1, b1))
        h = torch.tanh(linear(h, w2, b2))
        loss = torch.nn.functional.cross_entropy(linear(h, w3, b3), y_t)
        loss.backward()
        return loss

    return step, params


def small_mlp(repeats: int) -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 2)).astype(np.float32)
    y = rng.integers(0, 2, 32)
    sizes = [(2, 8), (8,), (8, 8), (8,), (8, 2), (2,)]
    weights = [rng.standard_normal(s).astype(np.float32) * 0.5 for s in sizes]
    contestants, grads = {}, {}
    for name, fused in (("numnet linear+tanh", False), ("numnet dense(tanh)", True)):
        step, params = mlp_numnet(x, y, weights, fused)
        step()
        contestants[name], grads[name] = step, [p.grad for p in params]
    if torch is not None:
        step, params = mlp_torch(x, y, weights)
        step()
        contestants["torch"] = step
        grads["torch"] = [p.grad.numpy().T if p.ndim == 2 else p.grad.numpy() for p in params]
    reference = grads.pop("numnet linear+tanh")
    for other in grads.values():  # the same computation gives the same numbers
        for mine, theirs in zip(reference, other):
            np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-6)
    t = interleaved(contestants, 3000, repeats)
    print("\n2. Forward + backward, 2-8-8-2 tanh MLP, cross-entropy, batch 32, float32")
    for name, us in t.items():
        print(f"   {name:<20}{us:8.1f} µs/step")
    if torch is None:
        print("   torch not installed: no comparison (pip install torch==2.13.0)")
        return
    print(f"   (torch {torch.__version__}, F.linear + tanh + F.cross_entropy)")
    for name in ("numnet linear+tanh", "numnet dense(tanh)"):
        print(f"   {name} is {t['torch'] / t[name]:.2f}x faster than PyTorch eager (target ≥ 3x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    if torch is not None:
        torch.set_num_threads(args.threads)
    with threadpool_limits(args.threads):
        print(f"numnet {nn.__version__}, numpy {np.__version__}, {args.threads} thread(s)\n")
        op_overhead(args.repeats)
        small_mlp(args.repeats)


if __name__ == "__main__":
    main()
