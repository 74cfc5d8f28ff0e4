"""Backpropagation by hand next to autodiff: seeds 002, 000 and 003, equal to round-off.

1. Seed 002's exercise, ŷ = tanh(ReLU(X W1 + b1) W2 + b2) with L = mean (ŷ − y)²:

       Z1 = X W1 + b1,  H = ReLU(Z1),  ŷ = tanh(H W2 + b2)
       δ2 = 2(ŷ − y)/n ⊙ (1 − ŷ²)        ∂L/∂W2 = Hᵀ δ2,   ∂L/∂b2 = Σ_rows δ2
       δ1 = (δ2 W2ᵀ) ⊙ [Z1 ≥ 0]          ∂L/∂W1 = Xᵀ δ1,   ∂L/∂b1 = Σ_rows δ1

2. Seed 000's 3-3-2 network F_j = f_out(b_j + Σ_k w_{j,k} f(b̂_k + Σ_i ŵ_{k,i} x_i)):

       ∂F_j/∂ŵ_{2,3} = f'_out(b_j + Σ_k w_{j,k} f(·)) · w_{j,2} · f'(b̂_2 + Σ_i ŵ_{2,i} x_i) · x_3

   and for Loss = Σ_i ‖F(X_i) − Y_i‖²:  ∂Loss/∂ŵ_{2,3} = 2 Σ_i ⟨F(X_i) − Y_i, ∂F(X_i)/∂ŵ_{2,3}⟩.

3. Seed 003's chain of three neurons (input a⁽ᴸ⁻²⁾, hidden a⁽ᴸ⁻¹⁾, output a⁽ᴸ⁾),
   z⁽ᴸ⁾ = w⁽ᴸ⁻¹⁾ a⁽ᴸ⁻¹⁾ + b⁽ᴸ⁻¹⁾, a⁽ᴸ⁾ = σ(z⁽ᴸ⁾), C = (a⁽ᴸ⁾ − y)², with the lecture's
   a⁽ᴸ⁾ = 0.68 and y = 1:

       ∂C/∂w⁽ᴸ⁻¹⁾ = a⁽ᴸ⁻¹⁾ σ'(z⁽ᴸ⁾) 2(a⁽ᴸ⁾ − y),   ∂C/∂b⁽ᴸ⁻¹⁾ = σ'(z⁽ᴸ⁾) 2(a⁽ᴸ⁾ − y),
       ∂C/∂a⁽ᴸ⁻¹⁾ = w⁽ᴸ⁻¹⁾ σ'(z⁽ᴸ⁾) 2(a⁽ᴸ⁾ − y),
       ∂C/∂w⁽ᴸ⁻²⁾ = a⁽ᴸ⁻²⁾ σ'(z⁽ᴸ⁻¹⁾) ∂C/∂a⁽ᴸ⁻¹⁾,  ∂C/∂b⁽ᴸ⁻²⁾ = σ'(z⁽ᴸ⁻¹⁾) ∂C/∂a⁽ᴸ⁻¹⁾.

Every hand formula is written in NumPy; numnet's autodiff computes the same
gradients from the forward pass alone. The numbers are drawn from ``seed``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

TITLE = "Seeds 002, 000, 003: gradients by hand next to autodiff, equal"


def run(
    out: Path,
    *,
    fast: bool = False,
    seed: int = 0,
    explain: bool = False,
    echo: Callable[..., Any] = print,
) -> dict[str, Any]:
    """Run the three exercises, print hand vs autodiff, draw ``backprop-by-hand.png``."""
    rng = np.random.default_rng(seed)
    seed002 = _seed002(rng, n=6 if fast else 20, echo=echo)
    seed000 = _seed000(rng, n=3 if fast else 8, echo=echo)
    seed003 = _seed003(rng, echo=echo)
    echo("Notice: every hand formula equals autodiff to round-off (differences ~1e-16).")
    figure = _draw(out / "backprop-by-hand.png", seed002, seed000, seed003)
    return {"seed002": seed002, "seed000": seed000, "seed003": seed003, "figures": [figure]}


# ------------------------------------------------------------------ seed 002
def _seed002(rng: np.random.Generator, n: int, echo: Callable[..., Any]) -> dict[str, Any]:
    import numnet
    import numnet.functional as F

    d, hidden = 3, 5
    X = rng.standard_normal((n, d))
    y = rng.uniform(-1, 1, (n, 1))
    W1, b1 = rng.standard_normal((d, hidden)), rng.standard_normal(hidden)
    W2, b2 = rng.standard_normal((hidden, 1)), rng.standard_normal(1)

    # by hand
    Z1 = X @ W1 + b1
    H = np.maximum(Z1, 0)
    y_hat = np.tanh(H @ W2 + b2)
    delta2 = 2 * (y_hat - y) / n * (1 - y_hat**2)
    delta1 = (delta2 @ W2.T) * (Z1 >= 0)
    hand = {"W1": X.T @ delta1, "b1": delta1.sum(0), "W2": H.T @ delta2, "b2": delta2.sum(0)}

    # autodiff
    names = ("W1", "b1", "W2", "b2")
    params = {
        k: numnet.Tensor(v.copy(), requires_grad=True) for k, v in zip(names, (W1, b1, W2, b2))
    }
    hidden_out = F.relu(numnet.Tensor(X) @ params["W1"] + params["b1"])
    loss = F.mse_loss(F.tanh(hidden_out @ params["W2"] + params["b2"]), numnet.Tensor(y))
    loss.backward()
    auto = {k: p.grad for k, p in params.items()}

    echo(f"Seed 002: ŷ = tanh(ReLU(X W1 + b1) W2 + b2), MSE, n = {n}, L = {loss.item():.6f}")
    header = f"{'param':<6} {'shape':<8} {'first entry by hand':>20} {'autodiff':>12}"
    echo(f"  {header} {'max |diff|':>11}")
    diffs = {}
    for k in hand:
        diffs[k] = float(np.max(np.abs(hand[k] - auto[k])))
        echo(
            f"  {k:<6} {str(hand[k].shape):<8} {hand[k].ravel()[0]:>20.8f} "
            f"{auto[k].ravel()[0]:>12.8f} {diffs[k]:>11.1e}"
        )
    echo("")
    return {"hand": hand, "autodiff": auto, "max_abs_diff": diffs, "loss": loss.item()}


# ------------------------------------------------------------------ seed 000
def _seed000(rng: np.random.Generator, n: int, echo: Callable[..., Any]) -> dict[str, Any]:
    import numnet
    import numnet.functional as F
    from numnet import nn

    # f = tanh in the hidden layer, f_out = sigmoid; ŵ_{k,i} = hidden.weight[k-1, i-1]
    # (numnet's Linear stores weights as (out, in), exactly the lecture's ŵ_{k,i}).
    hidden = nn.Linear(3, 3, rng=rng, dtype=np.float64)
    output = nn.Linear(3, 2, rng=rng, dtype=np.float64)
    X = rng.standard_normal((n, 3))
    Y = rng.uniform(0, 1, (n, 2))

    def f_prime(z):
        return 1 - np.tanh(z) ** 2

    def f_out_prime(z):
        s = 1 / (1 + np.exp(-z))
        return s * (1 - s)

    W_hat, b_hat = hidden.weight.data, hidden.bias.data
    W, b = output.weight.data, output.bias.data
    x = X[0]
    z_hat = W_hat @ x + b_hat  # b̂_k + Σ_i ŵ_{k,i} x_i
    z = W @ np.tanh(z_hat) + b  # b_j + Σ_k w_{j,k} f(·)
    # the slide's formula, with its 1-based indices: w_{j,2} = W[j-1, 1], x_3 = x[2]
    formula = np.array([f_out_prime(z[j]) * W[j, 1] * f_prime(z_hat[1]) * x[2] for j in (0, 1)])

    autodiff = np.empty(2)
    for j in (0, 1):
        hidden.zero_grad()
        F_x = F.sigmoid(output(F.tanh(hidden(numnet.Tensor(x[None, :])))))
        F_x[0, j].backward()
        autodiff[j] = hidden.weight.grad[1, 2]

    # ∂Loss/∂ŵ_{2,3} over a batch, Loss = Σ_i ‖F(X_i) − Y_i‖²
    Z_hat = X @ W_hat.T + b_hat
    Z = np.tanh(Z_hat) @ W.T + b
    F_np = 1 / (1 + np.exp(-Z))
    dF = f_out_prime(Z) * W[:, 1][None, :] * (f_prime(Z_hat[:, 1]) * X[:, 2])[:, None]
    loss_formula = float(2 * np.sum((F_np - Y) * dF))
    hidden.zero_grad()
    F_batch = F.sigmoid(output(F.tanh(hidden(numnet.Tensor(X)))))
    ((F_batch - numnet.Tensor(Y)) ** 2).sum().backward()
    loss_autodiff = float(hidden.weight.grad[1, 2])

    echo("Seed 000: 3-3-2 network, f = tanh, f_out = sigmoid")
    echo("  ∂F_j/∂ŵ_{2,3} = f'_out(z_j) · w_{j,2} · f'(ẑ_2) · x_3")
    echo(f"  {'':<22} {'chain rule':>13} {'autodiff':>13} {'|diff|':>9}")
    for j in (0, 1):
        echo(
            f"  {f'∂F_{j + 1}/∂ŵ_2,3':<22} {formula[j]:>13.9f} {autodiff[j]:>13.9f} "
            f"{abs(formula[j] - autodiff[j]):>9.1e}"
        )
    echo(
        f"  {f'∂Loss/∂ŵ_2,3 (n={n})':<22} {loss_formula:>13.9f} {loss_autodiff:>13.9f} "
        f"{abs(loss_formula - loss_autodiff):>9.1e}\n"
    )
    return {
        "formula": formula,
        "autodiff": autodiff,
        "loss_formula": loss_formula,
        "loss_autodiff": loss_autodiff,
    }


# ------------------------------------------------------------------ seed 003
def _seed003(rng: np.random.Generator, echo: Callable[..., Any]) -> dict[str, Any]:
    import numnet
    import numnet.functional as F

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    y, target_output = 1.0, 0.68  # the lecture: the output is 0.68, the desired output 1
    a0 = float(rng.uniform(0.2, 1.0))  # a⁽ᴸ⁻²⁾: the one-pixel input
    w0, b0, w1 = (float(v) for v in rng.uniform(-1.5, 1.5, 3))  # w⁽ᴸ⁻²⁾, b⁽ᴸ⁻²⁾, w⁽ᴸ⁻¹⁾
    z1 = w0 * a0 + b0
    a1 = sigmoid(z1)
    # b⁽ᴸ⁻¹⁾ is chosen so that the output is the lecture's 0.68
    b1 = float(np.log(target_output / (1 - target_output)) - w1 * a1)
    z2 = w1 * a1 + b1
    a2 = sigmoid(z2)

    dC_da2 = 2 * (a2 - y)
    da2_dz2 = a2 * (1 - a2)
    dC_da1 = w1 * da2_dz2 * dC_da2
    da1_dz1 = a1 * (1 - a1)
    hand = {
        "w(L-1)": a1 * da2_dz2 * dC_da2,
        "b(L-1)": da2_dz2 * dC_da2,
        "a(L-1)": dC_da1,
        "w(L-2)": a0 * da1_dz1 * dC_da1,
        "b(L-2)": da1_dz1 * dC_da1,
    }

    def leaf(v):
        return numnet.Tensor(np.array(v, np.float64), requires_grad=True)

    tw0, tb0, tw1, tb1 = leaf(w0), leaf(b0), leaf(w1), leaf(b1)
    ta1 = F.sigmoid(tw0 * a0 + tb0)
    ta1.retain_grad()  # keep ∂C/∂a⁽ᴸ⁻¹⁾ on this intermediate node
    ta2 = F.sigmoid(tw1 * ta1 + tb1)
    cost = (ta2 - y) ** 2
    cost.backward()
    auto = {
        "w(L-1)": float(tw1.grad),
        "b(L-1)": float(tb1.grad),
        "a(L-1)": float(ta1.grad),
        "w(L-2)": float(tw0.grad),
        "b(L-2)": float(tb0.grad),
    }

    echo(f"Seed 003: three neurons, a(L) = {a2:.2f}, y = 1, C = (a(L) − y)² = {cost.item():.4f}")
    echo(f"  {'':<10} {'by hand':>13} {'autodiff':>13} {'|diff|':>9}")
    for k in hand:
        echo(f"  {'∂C/∂' + k:<10} {hand[k]:>13.9f} {auto[k]:>13.9f} {abs(hand[k] - auto[k]):>9.1e}")
    echo("")
    return {"hand": hand, "autodiff": auto, "output": float(ta2.item()), "cost": cost.item()}


# ------------------------------------------------------------------ picture
def _draw(path: Path, seed002: dict, seed000: dict, seed003: dict) -> Path:
    """Bars: the hand gradients; black dots: autodiff's. They coincide."""
    from matplotlib.figure import Figure

    from numnet.plot import save_figure

    fig = Figure(figsize=(11, 3.8), layout="constrained")
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [3.2, 1.4, 1.6]})

    hand = np.concatenate([seed002["hand"][k].ravel() for k in ("W1", "b1", "W2", "b2")])
    auto = np.concatenate([seed002["autodiff"][k].ravel() for k in ("W1", "b1", "W2", "b2")])
    sizes = [seed002["hand"][k].size for k in ("W1", "b1", "W2", "b2")]
    colors = np.repeat(["C0", "C1", "C2", "C3"], sizes)
    _bars(axes[0], hand, auto, colors)
    starts = np.cumsum([0] + sizes[:-1])
    axes[0].set_xticks(starts + (np.array(sizes) - 1) / 2, ["W1", "b1", "W2", "b2"])
    axes[0].set_title("seed 002: ∂L/∂θ of tanh(ReLU(XW1+b1)W2+b2)", fontsize=10)
    axes[0].set_ylabel("gradient entry")

    values = [*seed000["formula"], seed000["loss_formula"]]
    dots = [*seed000["autodiff"], seed000["loss_autodiff"]]
    _bars(axes[1], np.array(values), np.array(dots), ["C0", "C0", "C4"])
    axes[1].set_xticks([0, 1, 2], ["∂F₁/∂ŵ₂₃", "∂F₂/∂ŵ₂₃", "∂Loss/∂ŵ₂₃"], fontsize=8)
    axes[1].set_title("seed 000: 3-3-2 network", fontsize=10)

    keys = list(seed003["hand"])
    _bars(
        axes[2],
        np.array([seed003["hand"][k] for k in keys]),
        np.array([seed003["autodiff"][k] for k in keys]),
        ["C2"] * len(keys),
    )
    axes[2].set_xticks(range(len(keys)), [f"∂C/∂{k}" for k in keys], fontsize=8, rotation=35)
    axes[2].set_title("seed 003: three-neuron chain", fontsize=10)
    axes[0].legend(loc="lower right", fontsize=8)
    fig.suptitle("Backprop by hand (bars) equals numnet autodiff (dots)")
    return save_figure(fig, path, dpi=90)


def _bars(ax: Any, hand: np.ndarray, auto: np.ndarray, colors: Any) -> None:
    positions = np.arange(len(hand))
    ax.bar(positions, hand, color=colors, alpha=0.6, label="by hand")
    ax.plot(positions, auto, "k.", markersize=7, label="autodiff")
    ax.axhline(0, color="0.5", linewidth=0.8)
