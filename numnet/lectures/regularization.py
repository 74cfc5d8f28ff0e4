"""Regularization (seeds 001, 003, 004): one overfitting network, seven cures, side by side.

A wide two-hidden-layer tanh network fitted to a handful of noisy points learns the noise:
its training loss keeps falling while its test loss rises. Each cure changes one thing:

- L2 (ridge, seed 003): minimize L(θ) + α Σ w² over the weight matrices (not the biases);
- L1 (lasso, seed 003): L(θ) + α Σ |w|. A (sub)gradient step only makes weights oscillate
  around 0, so after each optimizer step the weights take the proximal (soft-threshold)
  step of the penalty, ``w ← sign(w) · max(|w| − η α, 0)``, which sets small weights to
  exactly 0;
- dropout (seed 001) after each hidden layer, drop probability p, in both of the lecture's
  forms: classic (train unscaled, multiply by the keep probability 1 − p at prediction)
  and inverted (divide by 1 − p in training, plain prediction). Both give the next layer
  the same expected input: E[train output] = prediction-time output;
- max-norm (seed 001): after each step, every unit's incoming weights are projected back
  onto ‖w‖₂ ≤ c;
- input noise (seed 001): x + N(0, σ²) in training;
- early stopping: hold out part of the training points, stop when their loss has not
  improved for a while and keep the best weights.

Library pieces: ``numnet.optim.l2_penalty``, ``numnet.optim.soft_threshold_`` (the L1
proximal step; ``numnet.optim.l1_penalty`` gives the subgradient only),
``numnet.optim.max_norm_``, ``numnet.nn.Dropout(p, mode=...)``, ``numnet.nn.GaussianNoise``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

TITLE = "Seeds 001/003: overfit vs L2, L1 zeros, dropout, max-norm, noise, early stop"

METHODS = (
    "none",
    "L2",
    "L1",
    "dropout classic",
    "dropout inverted",
    "max-norm",
    "input noise",
    "early stopping",
)
L2_ALPHA = 1e-3
L1_ALPHA = 0.03
DROP_P = 0.2
MAX_NORM = 1.0  # seed 001's c in (3, 4) barely binds on this one-input network
NOISE_STD = 0.05
LR = 0.01


def target(x: np.ndarray) -> np.ndarray:
    """The smooth function behind the noisy points: sin(2πx)."""
    return np.sin(2 * np.pi * x)


def make_data(n_train: int, noise: float, seed: int) -> tuple[np.ndarray, ...]:
    """``n_train`` noisy training points and 500 test points of sin(2πx) on [0, 1]."""
    rng = np.random.default_rng(seed)
    x_train = rng.uniform(0.0, 1.0, n_train)
    x_test = rng.uniform(0.0, 1.0, 500)
    y_train = target(x_train) + noise * rng.standard_normal(n_train)
    y_test = target(x_test) + noise * rng.standard_normal(500)
    return x_train[:, None], y_train[:, None], x_test[:, None], y_test[:, None]


def build(method: str, width: int, seed: int) -> Any:
    """``1 → width → width → 1`` tanh network, with the method's noise or dropout layers."""
    from numnet import nn

    rng = np.random.default_rng(seed)  # the same initial weights for every method
    first, second, head = (
        nn.Linear(a, b, rng=rng) for a, b in ((1, width), (width, width), (width, 1))
    )
    layers: list[Any] = []
    if method == "input noise":
        layers.append(nn.GaussianNoise(NOISE_STD, rng=seed))
    layers += [first, nn.Tanh()]
    if method.startswith("dropout"):
        layers.append(nn.Dropout(DROP_P, mode=method.split()[1], rng=seed))
    layers += [second, nn.Tanh()]
    if method.startswith("dropout"):
        layers.append(nn.Dropout(DROP_P, mode=method.split()[1], rng=seed + 1))
    layers.append(head)
    return nn.Sequential(*layers)


def weight_matrices(model: Any) -> list[Any]:
    """The weight matrices (the tensors penalized, constrained and counted)."""
    return [p for p in model.parameters() if p.ndim >= 2]


def train(
    method: str, data: tuple[np.ndarray, ...], width: int, epochs: int, every: int, seed: int
) -> dict[str, Any]:
    """Full-batch Adam on the MSE with ``method``; losses in eval mode every ``every`` steps."""
    import numnet
    from numnet import nn, optim

    X, y, X_test, y_test = data
    X_val = y_val = None
    if method == "early stopping":  # hold out a quarter of the training points
        n_val = max(2, len(X) // 4)
        X, X_val, y, y_val = X[n_val:], X[:n_val], y[n_val:], y[:n_val]
    model = build(method, width, seed)
    optimizer = optim.Adam(model.parameters(), lr=LR)
    mse = nn.MSELoss()

    def loss_on(A: np.ndarray, b: np.ndarray) -> float:
        with numnet.no_grad():
            return mse(model.eval()(A), b).item()

    curve: dict[str, list[float]] = {"epoch": [], "train": [], "test": []}
    best, best_val, patience, stopped = None, np.inf, epochs // 5, None
    best_epoch = epochs
    for epoch in range(1, epochs + 1):
        model.train()
        optimizer.zero_grad()
        loss = mse(model(X), y)
        if method == "L2":
            loss = loss + optim.l2_penalty(model.parameters(), L2_ALPHA)
        loss.backward()
        optimizer.step()
        if method == "L1":
            # proximal step of η·α·Σ|w| after the gradient step (ISTA; the usual heuristic for Adam)
            optim.soft_threshold_(model.parameters(), LR * L1_ALPHA)
        elif method == "max-norm":
            optim.max_norm_(model.parameters(), MAX_NORM)
        if method == "early stopping":
            val = loss_on(X_val, y_val)
            if val < best_val:
                best, best_val, since = copy.deepcopy(model.state_dict()), val, 0
                best_epoch = epoch
            else:
                since += 1
                if since >= patience:
                    stopped = epoch
        if epoch % every == 0 or epoch == 1 or stopped:
            curve["epoch"].append(epoch)
            curve["train"].append(loss_on(X, y))
            curve["test"].append(loss_on(X_test, y_test))
        if stopped:
            break
    if best is not None:
        model.load_state_dict(best)
    zeros = int(sum(np.count_nonzero(w.data == 0) for w in weight_matrices(model)))
    total = int(sum(w.data.size for w in weight_matrices(model)))
    return {
        "model": model,
        "curve": curve,
        "train_loss": loss_on(X, y),
        "test_loss": loss_on(X_test, y_test),
        "zeros": zeros,
        "weights": total,
        "stopped": stopped or epochs,
        "best_epoch": best_epoch,
    }


def dropout_expectation(p: float, n: int, seed: int) -> dict[str, dict[str, float]]:
    """Mean training output of ``Dropout(p)`` over ``n`` draws of an all-ones input, and its
    prediction-time output, in both modes: equal in each mode (E over the mask)."""
    import numnet
    from numnet import nn

    result = {}
    for mode in ("classic", "inverted"):
        layer = nn.Dropout(p, mode=mode, rng=seed)
        ones = numnet.ones((n, 1))
        result[mode] = {
            "train_mean": float(layer.train()(ones).data.mean()),
            "predict": float(layer.eval()(ones).data.mean()),
        }
    return result


def run(
    out: Path,
    *,
    fast: bool = False,
    seed: int = 0,
    explain: bool = False,
    echo: Callable[..., Any] = print,
) -> dict[str, Any]:
    """Train the same overfitting network with each method; plot and tabulate the losses."""
    # constrained layout is the slow part of saving a figure; fast mode skips it
    layout = None if fast else "constrained"
    from matplotlib.figure import Figure

    from numnet.plot import plot_regression_1d, save_figure

    n_train, width, epochs, every = (20, 32, 300, 10) if fast else (30, 64, 2000, 20)
    data = make_data(n_train, noise=0.3, seed=seed)
    results = {method: train(method, data, width, epochs, every, seed) for method in METHODS}

    echo(f"{n_train} noisy points of sin(2πx), 1-{width}-{width}-1 tanh net, full-batch Adam")
    echo("(early stopping trains on 3/4 of the points and validates on the rest)")
    echo(f"{'method':<17} {'train MSE':>9} {'test MSE':>9} {'zero weights':>13} {'epochs':>7}")
    for method, r in results.items():
        zeros = f"{r['zeros']}/{r['weights']}"
        echo(
            f"{method:<17} {r['train_loss']:9.4f} {r['test_loss']:9.4f} {zeros:>13} "
            f"{r['stopped']:7d}"
        )
    expectation = dropout_expectation(DROP_P, 200_000, seed)
    echo(f"\nDropout p = {DROP_P} (drop probability) on an input of ones, 200000 draws:")
    for mode, values in expectation.items():
        echo(
            f"  {mode:<8}  mean in training {values['train_mean']:.4f}   "
            f"at prediction {values['predict']:.4f}"
        )
    echo(
        "What to notice: without regularization the training loss falls far below the test\n"
        "loss; each method narrows that gap; only L1's proximal step gives exact zeros."
    )

    dpi = 50 if fast else 80
    fig = Figure(figsize=(13, 6), layout=layout)
    axes = fig.subplots(2, 4, sharex=True, sharey=True)
    for ax, (method, r) in zip(axes.flat, results.items()):
        curve = r["curve"]
        ax.semilogy(curve["epoch"], curve["train"], label="train")
        ax.semilogy(curve["epoch"], curve["test"], label="test")
        ax.set_title(f"{method}: test {r['test_loss']:.3f}")
        if method == "early stopping":
            ax.axvline(r["best_epoch"], color="k", ls=":", label="weights kept")
            ax.legend(fontsize="small", loc="upper right")
        ax.grid(True, which="both", alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel("epoch (full-batch Adam step)")
    for ax in axes[:, 0]:
        ax.set_ylabel("MSE")
    axes[0, 0].legend()
    fig.suptitle("Train and test loss of one overfitting network, per regularization method")
    figures = [save_figure(fig, out / "regularization.png", dpi=dpi)]

    fig = Figure(figsize=(12, 4), layout=layout)
    X, y = data[0][:, 0], data[1][:, 0]
    for ax, method in zip(fig.subplots(1, 3), ("none", "L2", "early stopping")):
        plot_regression_1d(
            results[method]["model"],
            X,
            y,
            target=target,
            domain=(0.0, 1.0),
            ax=ax,
            title=f"fit: {method}",
        )
    figures.append(save_figure(fig, out / "regularization-fits.png", dpi=dpi))

    return {
        "train_loss": {m: r["train_loss"] for m, r in results.items()},
        "test_loss": {m: r["test_loss"] for m, r in results.items()},
        "zeros": {m: r["zeros"] for m, r in results.items()},
        "weights": results["none"]["weights"],
        "stopped": results["early stopping"]["stopped"],
        "best_epoch": results["early stopping"]["best_epoch"],
        "dropout_expectation": expectation,
        "figures": figures,
    }
