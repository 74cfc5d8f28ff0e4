"""Training throughput of MLPs, numnet against PyTorch, interleaved in one run.

    python benchmarks/bench_mlp.py [--threads 2] [--repeats 5] [--seconds 0.3] [--quick]

Each case trains the same network from identical float32 weights with Adam
and cross-entropy on the same random batches: one step is zero_grad, forward,
loss, backward and the optimizer update. Reported: samples per second of
each, the ratio numnet / PyTorch (above 1 means numnet is faster), and the
achieved GFLOP/s of each beside this machine's measured float32 matmul peak
(the matrix products of a step: forward, weight gradients, and input gradients
of every layer but the first).

Targets (issue 3): ≥ 3x on 2-8-8-2, ≥ 1.0x on 784-256-128-10, ≥ 0.9x on
1024-1024-1024-10. Both libraries use the same number of threads. Rounds
alternate who goes first and the best round of each counts, so a noisy
neighbour hurts both alike. ``--threads`` sets PyTorch's intra-op threads and
NumPy's BLAS threads (NumPy's elementwise work runs on one core).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from threadpoolctl import threadpool_limits

import numnet
from numnet import nn, optim

try:
    import torch
except ImportError:
    raise SystemExit("bench_mlp compares against PyTorch: pip install torch==2.13.0") from None

SHAPES = [(2, 8, 8, 2), (784, 256, 128, 10), (1024, 1024, 1024, 10)]
BATCHES = [32, 128, 512]


def numnet_model(sizes: tuple[int, ...], seed: int) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(n_in, n_out, rng=seed + i, dtype=np.float32))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def torch_copy(model: nn.Sequential) -> torch.nn.Sequential:
    layers = []
    for module in model:
        if isinstance(module, nn.Linear):
            layer = torch.nn.Linear(module.in_features, module.out_features)
            with torch.no_grad():
                layer.weight.copy_(torch.from_numpy(module.weight.data))
                layer.bias.copy_(torch.from_numpy(module.bias.data))
            layers.append(layer)
        else:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def batches(sizes: tuple[int, ...], batch: int, count: int, seed: int):
    rng = np.random.default_rng(seed)
    xs = rng.standard_normal((count, batch, sizes[0])).astype(np.float32)
    ys = rng.integers(0, sizes[-1], size=(count, batch))
    return xs, ys


def numnet_trainer(model, xs, ys):
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def run(steps: int) -> None:
        for i in range(steps):
            j = i % len(xs)
            optimizer.zero_grad()
            loss = loss_fn(model(xs[j]), ys[j])
            loss.backward()
            optimizer.step()

    return run


def torch_trainer(model, xs, ys):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    txs = [torch.from_numpy(x) for x in xs]
    tys = [torch.from_numpy(y) for y in ys]

    def run(steps: int) -> None:
        for i in range(steps):
            j = i % len(txs)
            optimizer.zero_grad()
            loss = loss_fn(model(txs[j]), tys[j])
            loss.backward()
            optimizer.step()

    return run


def seconds_for(run, steps: int) -> float:
    start = time.perf_counter()
    run(steps)
    return time.perf_counter() - start


def compare(runs: dict, seconds: float, repeats: int) -> dict[str, float]:
    """Best seconds per step of each contestant over alternating rounds."""
    # Calibrate: enough steps for about ``seconds`` per round on the slower contestant.
    probe = {name: seconds_for(run, 2) / 2 for name, run in runs.items()}
    steps = max(3, int(seconds / max(probe.values())))
    best = {name: float("inf") for name in runs}
    order = list(runs)
    for _ in range(repeats):
        for name in order:
            best[name] = min(best[name], seconds_for(runs[name], steps) / steps)
        order.reverse()
    return best


def matmul_peak(threads: int) -> float:
    """Measured float32 GFLOP/s of a 1024³ matrix product on ``threads`` threads (best of 20)."""
    a = np.random.default_rng(0).standard_normal((1024, 1024)).astype(np.float32)
    with threadpool_limits(threads):
        for _ in range(3):  # wake the BLAS threads and the clock up
            np.dot(a, a)
        best = min(seconds_for(lambda _: np.dot(a, a), 1) for _ in range(20))
    return 2 * 1024**3 / best / 1e9


def step_flops(sizes: tuple[int, ...], batch: int) -> float:
    """Multiply-adds ×2 of one training step: forward x Wᵀ, backward Gᵀ x for every layer
    and G W for every layer but the first (no gradient for the data)."""
    products = [a * b for a, b in zip(sizes[:-1], sizes[1:])]
    return 2.0 * batch * (2 * sum(products) + sum(products[1:]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.3, help="per round and contestant")
    parser.add_argument("--quick", action="store_true", help="first shape, batch 32 only")
    parser.add_argument(
        "--shape", choices=["-".join(map(str, s)) for s in SHAPES], help="only this"
    )
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    peak = matmul_peak(args.threads)
    print(f"numnet {numnet.__version__}, torch {torch.__version__}, numpy {np.__version__}")
    print(f"threads {args.threads}; measured float32 matmul peak {peak:.1f} GFLOP/s\n")
    header = (
        f"{'shape':<20}{'batch':>6}{'numnet/s':>12}{'torch/s':>12}{'ratio':>8}"
        f"{'numnet GF/s':>13}{'torch GF/s':>12}"
    )
    print(header)
    print("-" * len(header))
    shapes = [s for s in SHAPES if args.shape in (None, "-".join(map(str, s)))]
    cases = [(SHAPES[0], 32)] if args.quick else [(s, b) for s in shapes for b in BATCHES]
    with threadpool_limits(args.threads):
        for sizes, batch in cases:
            model = numnet_model(sizes, seed=0)
            xs, ys = batches(sizes, batch, count=8, seed=1)
            runs = {
                "numnet": numnet_trainer(model, xs, ys),
                "torch": torch_trainer(torch_copy(model), xs, ys),
            }
            best = compare(runs, args.seconds, args.repeats)
            flops = step_flops(sizes, batch)
            name = "-".join(map(str, sizes))
            print(
                f"{name:<20}{batch:>6}{batch / best['numnet']:>12,.0f}"
                f"{batch / best['torch']:>12,.0f}{best['torch'] / best['numnet']:>7.2f}x"
                f"{flops / best['numnet'] / 1e9:>13.1f}{flops / best['torch'] / 1e9:>12.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
