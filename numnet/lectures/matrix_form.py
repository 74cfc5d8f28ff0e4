"""Seed 001's worked example in matrix form: every value, the loss 0.75, vec(w1), every gradient.

The lecture writes a network for a whole batch ``x`` (n × m₀) at once, no biases:

    h1 = tanh(x w1ᵀ),   h2 = ReLU(h1 w2ᵀ),   o = σ(h2 w3ᵀ),
    I_i = −y_i ln o_i − (1 − y_i) ln(1 − o_i),   L = (1/n) Σ_i I_i,

with x = [[1,2],[3,4],[5,6]], y = (1, 0, 1), w1 (3×2), w2 (2×3), w3 (1×2), and
finds h1 ≈ [[.29,−.46,.60],...], o ≈ (.45, .43, .41), I ≈ (.81, .56, .88), L ≈ 0.75.
All parameters form one vector W = (vec(w1), vec(w2), vec(w3)), where vec stacks
a matrix by columns: vec(w1) = (−.1, .3, −.5, .2, −.4, .6).

Backpropagation in matrix form (a ⊙ b is the elementwise product):

    δ3 = o − y                      (n × 1; σ and the log-loss cancel)
    ∂L/∂w3 = δ3ᵀ h2 / n
    δ2 = (δ3 w3) ⊙ [h1 w2ᵀ ≥ 0]      (ReLU' = 1 at 0, seed 002's convention)
    ∂L/∂w2 = δ2ᵀ h1 / n
    δ1 = (δ2 w2) ⊙ (1 − h1²)         (tanh' = 1 − tanh²)
    ∂L/∂w1 = δ1ᵀ x / n

The demo computes the forward pass with numnet tensors, the gradients with
numnet's autodiff (or with ``numnet.explain``, which prints the backward pass
node by node, when ``explain=True``) and with the formulas above, and shows
that they agree.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

TITLE = "Seed 001's worked example in matrix form: every value and gradient"
SUPPORTS_EXPLAIN = True

X = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
Y = [1.0, 0.0, 1.0]
W1 = [[-0.1, 0.2], [0.3, -0.4], [-0.5, 0.6]]
W2 = [[0.7, 0.8, 0.9], [1.0, 1.1, 1.2]]
W3 = [[1.3, -1.4]]


def run(
    out: Path,
    *,
    fast: bool = False,
    seed: int = 0,
    explain: bool = False,
    echo: Callable[..., Any] = print,
) -> dict[str, Any]:
    """Compute seed 001's example, print it, draw ``matrix-form.png``; return the numbers.

    ``fast`` and ``seed`` change nothing: the example has fixed numbers and no randomness.
    """
    import numnet
    import numnet.functional as F
    from numnet.explain import explain as explain_backward
    from numnet.optim import parameters_to_vector

    def f64(values: Any, requires_grad: bool = False) -> numnet.Tensor:
        return numnet.Tensor(np.array(values, np.float64), requires_grad=requires_grad)

    x, y = f64(X), f64(Y)
    w1, w2, w3 = f64(W1, True), f64(W2, True), f64(W3, True)

    # ---------------------------------------------------------------- forward
    h1 = F.tanh(x @ w1.T)
    h2 = F.relu(h1 @ w2.T)
    o = F.sigmoid(h2 @ w3.T).reshape(-1)
    losses = -(y * numnet.log(o) + (1 - y) * numnet.log(1 - o))
    loss = losses.mean()

    echo("Seed 001: h1 = tanh(x w1ᵀ), h2 = ReLU(h1 w2ᵀ), o = σ(h2 w3ᵀ), mean log-loss\n")
    echo(_matrix("x", x.data, 0))
    echo(_matrix("h1", h1.data))
    echo(_matrix("h2", h2.data))
    echo(_matrix("o", o.data[:, None]))
    echo(_matrix("I", losses.data[:, None]))
    echo(f"L = mean(I) = {loss.item():.4f}  (the slide: (0.81 + 0.56 + 0.88)/3 ≈ 0.75)\n")

    vec_w1 = parameters_to_vector([w1])  # column-major, as seed 001's vec()
    echo(f"vec(w1) = {_row(vec_w1, 1)}   (w1 stacked by columns)")
    echo(f"W = (vec(w1), vec(w2), vec(w3)) has {parameters_to_vector([w1, w2, w3]).size} entries\n")

    # --------------------------------------------------------------- backward
    explained = None
    if explain:
        names = {"x": x, "y": y, "w1": w1, "w2": w2, "w3": w3, "h1": h1, "h2": h2, "o": o}
        explained = explain_backward(loss, names=names, file=False)
        echo(explained + "\n")
    else:
        loss.backward()

    hand = _hand_gradients(x.data, y.data, w1.data, w2.data, w3.data)
    autodiff = {"w1": w1.grad, "w2": w2.grad, "w3": w3.grad}
    echo("Matrix-form backprop: δ3 = o − y, ∂L/∂w3 = δ3ᵀh2/n, δ2 = (δ3 w3)⊙[h1w2ᵀ ≥ 0],")
    echo("∂L/∂w2 = δ2ᵀh1/n, δ1 = (δ2 w2)⊙(1 − h1²), ∂L/∂w1 = δ1ᵀx/n\n")
    differences = {}
    for name in ("w1", "w2", "w3"):
        differences[name] = float(np.max(np.abs(hand[name] - autodiff[name])))
        echo(_side_by_side(f"∂L/∂{name}", hand[name], autodiff[name]))
        echo(f"  max |by hand − autodiff| = {differences[name]:.1e}\n")
    gradient_vector = parameters_to_vector([autodiff["w1"], autodiff["w2"], autodiff["w3"]])
    echo(f"∇L as vec: {_row(gradient_vector, 4)}")
    echo("Notice: the hand formulas and autodiff agree to round-off (~1e-17).")

    figure = _draw(out / "matrix-form.png", h1.data, h2.data, o.data, autodiff)
    return {
        "h1": h1.data.copy(),
        "h2": h2.data.copy(),
        "o": o.data.copy(),
        "losses": losses.data.copy(),
        "loss": loss.item(),
        "vec_w1": vec_w1,
        "gradients": {k: v.copy() for k, v in autodiff.items()},
        "hand_gradients": hand,
        "max_abs_difference": max(differences.values()),
        "explain": explained,
        "figures": [figure],
    }


def _hand_gradients(x, y, w1, w2, w3) -> dict[str, np.ndarray]:
    """The matrix-form backward pass of the module docstring, in plain NumPy."""
    n = x.shape[0]
    h1 = np.tanh(x @ w1.T)
    a2 = h1 @ w2.T
    h2 = np.maximum(a2, 0)
    o = 1 / (1 + np.exp(-(h2 @ w3.T)))
    delta3 = o - y[:, None]
    delta2 = (delta3 @ w3) * (a2 >= 0)
    delta1 = (delta2 @ w2) * (1 - h1**2)
    return {"w1": delta1.T @ x / n, "w2": delta2.T @ h1 / n, "w3": delta3.T @ h2 / n}


def _row(values: np.ndarray, decimals: int) -> str:
    return "(" + ", ".join(f"{v:.{decimals}f}" for v in np.ravel(values)) + ")"


def _matrix(name: str, array: np.ndarray, decimals: int = 4) -> str:
    rows = [" ".join(f"{v:8.{decimals}f}" for v in row) for row in np.atleast_2d(array)]
    pad = " " * (len(name) + 3)
    return "\n".join([f"{name} = {rows[0]}"] + [pad + r for r in rows[1:]])


def _side_by_side(name: str, hand: np.ndarray, autodiff: np.ndarray) -> str:
    lines = [f"{name:<8} {'by hand':>{9 * hand.shape[1]}}   {'autodiff':>{9 * hand.shape[1]}}"]
    for a, b in zip(hand, autodiff, strict=True):
        left = " ".join(f"{v:8.5f}" for v in a)
        right = " ".join(f"{v:8.5f}" for v in b)
        lines.append(f"{'':<8} {left}   {right}")
    return "\n".join(lines)


def _draw(path: Path, h1, h2, o, grads: dict[str, np.ndarray]) -> Path:
    """Heat tables: the forward values (top) and the gradients of the loss (bottom)."""
    from matplotlib.figure import Figure

    from numnet.plot import save_figure

    fig = Figure(figsize=(9.5, 5.6), layout="constrained")
    axes = fig.subplots(2, 3, gridspec_kw={"width_ratios": [3, 2.3, 2]})
    panels = [
        ("h1 = tanh(x w1ᵀ)", h1),
        ("h2 = ReLU(h1 w2ᵀ)", h2),
        ("o = σ(h2 w3ᵀ)", o[:, None]),
        ("∂L/∂w1  (3×2)", grads["w1"]),
        ("∂L/∂w2  (2×3)", grads["w2"]),
        ("∂L/∂w3  (1×2)", grads["w3"]),
    ]
    for ax, (title, values) in zip(axes.ravel(), panels, strict=True):
        # a wider colour range than the data keeps every cell light enough to read
        limit = 1.6 * float(np.max(np.abs(values))) or 1.0
        ax.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
        for (i, j), v in np.ndenumerate(values):
            ax.text(j, i, f"{v:.3f}", ha="center", va="center", fontsize=10)
        ax.set_title(title, fontsize=10)
        ax.set_xticks(range(values.shape[1]), [f"col {j + 1}" for j in range(values.shape[1])])
        ax.set_yticks(range(values.shape[0]), [f"row {i + 1}" for i in range(values.shape[0])])
        ax.tick_params(labelsize=8)
    axes[0, 0].set_ylabel("sample i", fontsize=9)
    axes[1, 0].set_ylabel("unit of the layer", fontsize=9)
    fig.suptitle("Seed 001 worked example: values (top) and gradients of L ≈ 0.75 (bottom)")
    return save_figure(fig, path, dpi=90)
