"""Network size against problem shape (seed 000's TensorFlow Playground slides).

A network of L hidden layers of N tanh units (written L×N) computes

    F(x) = W_{L+1} tanh(W_L ⋯ tanh(W_1 x + b_1) ⋯ + b_L) + b_{L+1},   P(y = k | x) = softmax(F(x))ₖ

and is trained on the cross-entropy −ln P(yᵢ | xᵢ). The lecture's point is what the decision
boundary {x : P(1 | x) = ½} can look like: one tanh unit gives a straight line (1×1), three
units a polygon (1×3: enough for the circle), two layers bend it further (2×3), and the two
interleaved arms of the spiral need more depth and width (4×8). The demo trains the four
networks of the slides on Playground's circle, XOR and spiral (``numnet.data``) with
``numnet.train.fit`` and draws the 3×4 grid with ``numnet.plot.plot_decision_boundary``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

TITLE = "Seed 000's Playground: 1x1, 1x3, 2x3, 4x8 tanh nets on circle, XOR, spiral"

ARCHITECTURES: dict[str, tuple[int, ...]] = {
    "1x1": (1,),
    "1x3": (3,),
    "2x3": (3, 3),
    "4x8": (8, 8, 8, 8),
}
DATASETS = ("circle", "xor", "spiral")


def train_network(
    hidden: tuple[int, ...], X: np.ndarray, y: np.ndarray, epochs: int, seed: int
) -> Any:
    """A tanh MLP with two logits, trained full-batch by Adam (lr 0.03) on the cross-entropy."""
    from numnet import nn, optim
    from numnet.train import fit

    model = nn.mlp(2, hidden, 2, activation="tanh", rng=seed)
    optimizer = optim.Adam(model.parameters(), lr=0.03)
    fit(
        model,
        nn.CrossEntropyLoss(),
        optimizer,
        (X, y),
        epochs=epochs,
        batch_size=len(X),
        regime="full",
        progress=False,
        seed=seed,
    )
    return model


def accuracy(model: Any, X: np.ndarray, y: np.ndarray) -> float:
    """Share of points whose larger logit is their class."""
    import numnet

    with numnet.no_grad():
        logits = model.eval()(X).data
    return float(np.mean(np.argmax(logits, axis=1) == y))


def run(
    out: Path,
    *,
    fast: bool = False,
    seed: int = 0,
    explain: bool = False,
    echo: Callable[..., Any] = print,
) -> dict[str, Any]:
    """Train four architectures on three Playground data sets; draw the grid of boundaries."""
    # constrained layout is the slow part of saving a figure; fast mode skips it
    layout = None if fast else "constrained"
    from matplotlib.figure import Figure

    from numnet import data
    from numnet.plot import plot_decision_boundary, save_figure

    n_samples, epochs = (200, 150) if fast else (400, 600)
    # Playground's coordinates span [-6, 6]; a scale of ~1 keeps tanh out of saturation at init
    scale = 1.0 / 3.0

    fig = Figure(figsize=(13, 9.6), layout=layout)
    axes = fig.subplots(len(DATASETS), len(ARCHITECTURES))
    table: dict[str, dict[str, float]] = {}
    train_table: dict[str, dict[str, float]] = {}
    for row, name in enumerate(DATASETS):
        X, y = getattr(data, name)(n_samples, noise=0.0 if name == "spiral" else 0.1, seed=seed)
        X_train, X_test, y_train, y_test = data.train_test_split(
            X * scale, y, test_size=0.5, stratify=y, random_state=seed
        )
        table[name], train_table[name] = {}, {}
        for col, (arch, hidden) in enumerate(ARCHITECTURES.items()):
            model = train_network(hidden, X_train, y_train, epochs, seed)
            test_acc = accuracy(model, X_test, y_test)
            table[name][arch] = test_acc
            train_table[name][arch] = accuracy(model, X_train, y_train)
            plot_decision_boundary(
                model,
                X_train,
                y_train,
                X_test=X_test,
                y_test=y_test,
                ax=axes[row, col],
                resolution=60 if fast else 150,
                title=f"{name}, {arch}: test accuracy {test_acc:.2f}",
                legend=(row, col) == (0, 0),  # one legend for the grid
            )
            # Playground's look; faster too
            axes[row, col].set(xticks=[], yticks=[], xlabel="", ylabel="")
    fig.suptitle("Decision boundaries: rows data sets, columns layers × neurons (tanh)")
    figures = [save_figure(fig, out / "architectures.png", dpi=50 if fast else 80)]

    echo(f"Accuracy train / test (half of {n_samples} points held out), tanh, layers x neurons")
    echo(f"{'data':<8}" + "".join(f"{arch:>12}" for arch in ARCHITECTURES))
    for name in DATASETS:
        cells = (f"{train_table[name][a]:.2f} / {table[name][a]:.2f}" for a in ARCHITECTURES)
        echo(f"{name:<8}" + "".join(f"{cell:>12}" for cell in cells))
    echo(
        "What to notice: one unit draws one straight line (about 0.5-0.75 everywhere);\n"
        "three units close a polygon around the circle; the spiral needs the 4x8 network."
    )
    return {"accuracy": table, "train_accuracy": train_table, "figures": figures}
