"""Vanishing gradients (seeds 001, 002): per-layer gradient norms of a 100-layer network.

Backpropagation multiplies one Jacobian per layer. For hₗ = σ(zₗ), zₗ = Wₗ hₗ₋₁ + bₗ,

    ∂L/∂hₗ₋₁ = Wₗᵀ (σ'(zₗ) ⊙ ∂L/∂hₗ),      ∂L/∂Wₗ = (σ'(zₗ) ⊙ ∂L/∂hₗ) hₗ₋₁ᵀ,

so the gradient reaching layer 1 carries the product of D factors Wₗᵀ diag σ'(zₗ). With
sigmoid (σ' ≤ 1/4) or tanh under PyTorch's default init (weights U(−1/√n, 1/√n), each
factor shrinks the gradient by ~0.6), the product decays geometrically: the first layers
barely learn. Remedies compared here, on the same batch:

- ReLU with He init (W ~ N(0, 2/n)): σ' is 0 or 1 and the variance 2/n keeps the norm of
  the backward signal constant on average;
- ELU with the same init: close to ReLU, smooth at 0;
- batch normalization before tanh: every layer's input is rescaled to unit variance, so
  tanh works in its steep part. (At initialization deep BN networks do the opposite of
  vanishing: the gradient grows towards the input.)

The measurement is ``numnet.plot.gradient_norms`` after one ``backward()``: ‖∂L/∂Wₗ‖₂ for
every layer l, plotted on a log scale by ``numnet.plot.plot_gradient_norms``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

TITLE = "Seeds 001/002: per-layer gradient norms, 100 layers of tanh/sigmoid/ReLU/ELU/BN"

# name -> (activation, He init?, batch norm?)
CONFIGS: dict[str, tuple[str, bool, bool]] = {
    "tanh": ("tanh", False, False),
    "sigmoid": ("sigmoid", False, False),
    "relu + He": ("relu", True, False),
    "elu + He": ("elu", True, False),
    "tanh + batch norm": ("tanh", False, True),
}


def deep_network(
    activation: str, depth: int, width: int, he_init: bool, batch_norm: bool, rng: Any
) -> Any:
    """``depth`` hidden layers ``Linear(width, width) (→ BatchNorm1d) → activation``, then a head.

    float64 throughout: a sigmoid network's first-layer gradient (~1e-85 at depth 100)
    underflows float32.
    """
    from numnet import nn

    layers: list[Any] = []
    for _ in range(depth):
        linear = nn.Linear(width, width, rng=rng, dtype=np.float64)
        if he_init:
            nn.init.kaiming_normal_(linear.weight, nonlinearity="relu", rng=rng)
            nn.init.zeros_(linear.bias)
        layers.append(linear)
        if batch_norm:
            layers.append(nn.BatchNorm1d(width, dtype=np.float64))
        layers.append(nn.activation(activation))
    layers.append(nn.Linear(width, 1, rng=rng, dtype=np.float64))
    return nn.Sequential(*layers)


def hidden_weight_norms(model: Any) -> list[float]:
    """‖∂L/∂Wₗ‖₂ of the hidden ``Linear`` layers, input side first (the head left out)."""
    from numnet import nn
    from numnet.plot import gradient_norms

    norms = gradient_norms(model)
    linear = [str(i) for i, m in enumerate(model) if isinstance(m, nn.Linear)][:-1]
    return [norms[f"{i}.weight"] for i in linear]


def run(
    out: Path,
    *,
    fast: bool = False,
    seed: int = 0,
    explain: bool = False,
    echo: Callable[..., Any] = print,
) -> dict[str, Any]:
    """Backpropagate one batch through deep networks and compare their per-layer gradient norms."""
    # constrained layout is the slow part of saving a figure; fast mode skips it
    layout = None if fast else "constrained"
    from matplotlib.figure import Figure

    from numnet import nn
    from numnet.plot import plot_gradient_norms, save_figure

    depth, width, batch = (30, 64, 64) if fast else (100, 128, 128)
    data_rng = np.random.default_rng(seed)
    X = data_rng.standard_normal((batch, width))
    y = data_rng.standard_normal((batch, 1))

    norms: dict[str, list[float]] = {}
    for name, (activation, he_init, batch_norm) in CONFIGS.items():
        rng = np.random.default_rng([seed, len(norms)])
        model = deep_network(activation, depth, width, he_init, batch_norm, rng)
        nn.MSELoss()(model(X), y).backward()
        norms[name] = hidden_weight_norms(model)

    echo(f"{depth} hidden layers of {width} units, one batch of {batch}, MSE loss")
    echo(f"{'network':<18} {'‖∂L/∂W₁‖':>10} {'‖∂L/∂W_D‖':>10} {'first/last':>11}")
    ratios = {}
    for name, values in norms.items():
        ratios[name] = values[0] / values[-1]
        echo(f"{name:<18} {values[0]:10.2e} {values[-1]:10.2e} {ratios[name]:11.2e}")
    echo(
        "What to notice: with tanh and sigmoid (default init) the first layer's gradient is\n"
        "orders of magnitude below the last one's; ReLU and ELU with He init keep it within a\n"
        "small factor; batch norm stops the vanishing but lets the gradient grow towards the input."
    )

    fig = Figure(figsize=(9, 5), layout=layout)
    ax = fig.add_subplot()
    for name, values in norms.items():
        # one "layer.weight" entry per hidden layer: plot_gradient_norms draws one line of them
        weights = {f"{i}.weight": v for i, v in enumerate(values)}
        plot_gradient_norms(weights, ax=ax, title=None, label=name)
    ax.legend(title="network", fontsize="small")
    ax.set_xlabel(f"hidden layer (0 = input side, {depth - 1} = next to the output)")
    ax.set_ylabel("‖∂L/∂W‖₂ (log scale)")
    ax.set_title(f"Gradient norm per layer, {depth}-layer networks, one batch")
    figures = [save_figure(fig, out / "vanishing-gradients.png", dpi=60 if fast else 90)]

    return {
        "depth": depth,
        "norms": norms,
        "first": {name: values[0] for name, values in norms.items()},
        "last": {name: values[-1] for name, values in norms.items()},
        "ratio": ratios,
        "figures": figures,
    }
