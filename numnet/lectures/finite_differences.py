"""Seed 000's finite differences against backprop: accuracy as Δ shrinks, cost as P grows.

Seed 000 estimates a derivative by nudging one parameter:

    ∂F/∂θ ≈ (F(θ + Δ) − F(θ)) / Δ                 forward difference, error O(Δ)
    ∂F/∂θ ≈ (F(θ + Δ) − F(θ − Δ)) / (2Δ)          central difference, error O(Δ²)

Taylor's formula gives the truncation error: F''Δ/2 for the forward and F'''Δ²/6
for the central difference, so on log-log axes the error falls with slope 1
and 2. But F is computed in floating point with relative precision ε (2.2e-16
in float64, 1.2e-7 in float32): the difference of two nearly equal numbers
carries an error of about ε|F|, divided by Δ. Below an optimal Δ (about √ε for
forward, ∛ε for central) round-off wins and the error rises again as ε/Δ.

Cost: a gradient over P parameters needs P + 1 forward passes (forward
differences) or 2P (central), while backpropagation gives all P partial
derivatives with one forward and one backward pass, whatever P.

The network is seed 000's: one hidden layer, Loss = Σ_i ‖F(X_i) − Y_i‖², and
the parameter nudged is the hidden weight ŵ_{2,3}.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

TITLE = "Seed 000's (F(θ+Δ) − F(θ))/Δ vs backprop: truncation, round-off, cost"


def run(
    out: Path,
    *,
    fast: bool = False,
    seed: int = 0,
    explain: bool = False,
    echo: Callable[..., Any] = print,
) -> dict[str, Any]:
    """Measure the error against Δ and the cost against P; draw ``finite-differences.png``."""
    accuracy = _error_versus_step(seed, points=14 if fast else 40, echo=echo)
    widths = [2, 4, 8] if fast else [2, 4, 8, 16, 32, 64, 128]
    cost = _cost_versus_parameters(seed, widths, repeats=1 if fast else 3, echo=echo)
    figure = _draw(out / "finite-differences.png", accuracy, cost)
    return {**accuracy, **cost, "figures": [figure]}


def _network(seed: int, hidden: int, dtype: Any = np.float64):
    """Seed 000's network F(X) = W f(Ŵ X + b̂) + b with f = tanh, and its data."""
    from numnet import nn

    rng = np.random.default_rng(seed)
    model = nn.Sequential(
        nn.Linear(3, hidden, rng=rng, dtype=dtype),
        nn.Tanh(),
        nn.Linear(hidden, 2, rng=rng, dtype=dtype),
    )
    X = rng.standard_normal((10, 3))
    Y = rng.standard_normal((10, 2))
    return model, X, Y


def _loss(model: Any, X: np.ndarray, Y: np.ndarray):
    import numnet

    dtype = model[0].weight.dtype
    diff = model(numnet.Tensor(X.astype(dtype))) - numnet.Tensor(Y.astype(dtype))
    return (diff * diff).sum()  # Σ_i ‖F(X_i) − Y_i‖²


# ------------------------------------------------------------------ accuracy
def _error_versus_step(seed: int, points: int, echo: Callable[..., Any]) -> dict[str, Any]:
    import numnet

    model, X, Y = _network(seed, hidden=3)
    _loss(model, X, Y).backward()
    exact = float(model[0].weight.grad[1, 2])  # backprop's ∂Loss/∂ŵ_{2,3}, float64

    steps = np.logspace(-14, -0.5, points)
    errors: dict[str, np.ndarray] = {}
    for dtype in (np.float64, np.float32):
        copy, _, _ = _network(seed, hidden=3, dtype=dtype)
        weight = copy[0].weight.data

        def loss_at(value: float, weight=weight, copy=copy) -> float:
            weight[1, 2] = value
            with numnet.no_grad():
                return float(_loss(copy, X, Y).item())

        theta = float(weight[1, 2])
        base = loss_at(theta)
        forward = np.array([(loss_at(theta + d) - base) / d for d in steps])
        central = np.array([(loss_at(theta + d) - loss_at(theta - d)) / (2 * d) for d in steps])
        loss_at(theta)
        name = np.dtype(dtype).name
        errors[f"forward_{name}"] = np.abs(forward - exact)
        errors[f"central_{name}"] = np.abs(central - exact)

    slopes = {
        "forward": _slope(steps, errors["forward_float64"], 1e-6, 1e-2),
        "central": _slope(steps, errors["central_float64"], 1e-4, 3e-2),
    }
    best = {k: float(steps[np.argmin(v)]) for k, v in errors.items()}

    echo(f"Seed 000: ∂Loss/∂ŵ_2,3 by backprop = {exact:.12f} (float64)")
    echo(f"  {'Δ':>8} " + " ".join(f"{k.replace('_', ' '):>17}" for k in errors))
    for i in np.linspace(0, len(steps) - 1, min(8, len(steps))).astype(int):
        echo(f"  {steps[i]:8.1e} " + " ".join(f"{v[i]:17.2e}" for v in errors.values()))
    echo(
        f"  truncation slope (float64): forward {slopes['forward']:.2f} (theory 1), "
        f"central {slopes['central']:.2f} (theory 2)"
    )
    echo(
        "  best Δ: "
        + ", ".join(
            f"{k.replace('_', ' ')} {best[k]:.0e} (error {errors[k].min():.1e})" for k in errors
        )
    )
    echo(
        "  Notice: below the best Δ the error grows again as ε/Δ (round-off), sooner in float32.\n"
    )
    return {"exact": exact, "steps": steps, "errors": errors, "slopes": slopes, "best_step": best}


def _slope(steps: np.ndarray, errors: np.ndarray, low: float, high: float) -> float:
    """Least-squares slope of log10(error) against log10(Δ) for Δ in [low, high]."""
    inside = (steps >= low) & (steps <= high) & (errors > 0)
    return float(np.polyfit(np.log10(steps[inside]), np.log10(errors[inside]), 1)[0])


# ------------------------------------------------------------------ cost
def _cost_versus_parameters(
    seed: int, widths: list[int], repeats: int, echo: Callable[..., Any]
) -> dict[str, Any]:
    import numnet
    from numnet.gradcheck import numerical_gradient

    rows = []
    for hidden in widths:
        model, X, Y = _network(seed, hidden)
        params = list(model.parameters())
        count = 0

        def loss_value(model=model, X=X, Y=Y) -> float:
            nonlocal count
            count += 1
            with numnet.no_grad():
                return float(_loss(model, X, Y).item())

        def backprop(model=model, X=X, Y=Y) -> None:
            model.zero_grad()
            _loss(model, X, Y).backward()

        def central(params=params, loss_value=loss_value) -> list[np.ndarray]:
            return [numerical_gradient(loss_value, p.data, eps=1e-6) for p in params]

        def forward(params=params, loss_value=loss_value) -> None:
            base = loss_value()
            for p in params:
                for index in np.ndindex(p.shape):
                    original = p.data[index]
                    p.data[index] = original + 1e-7
                    loss_value()
                    p.data[index] = original
            return base

        n_params = sum(p.size for p in params)
        count = 0
        forward()
        forward_passes = count
        count = 0
        numeric = central()
        central_passes = count
        backprop()
        agreement = max(float(np.max(np.abs(g - p.grad))) for g, p in zip(numeric, params))
        # interleaved repeats, keep the fastest of each: the machine is shared and noisy
        times = {"backprop": [], "central": []}
        for _ in range(repeats):
            for key, fn in (("backprop", backprop), ("central", central)):
                start = time.perf_counter()
                fn()
                times[key].append(time.perf_counter() - start)
        rows.append(
            (n_params, forward_passes, central_passes, min(times["backprop"]),
             min(times["central"]), agreement)
        )  # fmt: skip

    table = np.array(rows)
    echo("Cost of a whole gradient (seed 000 network, widths " + ", ".join(map(str, widths)) + ")")
    echo(f"  {'P':>6} {'forward passes':>15} {'central passes':>15} {'backprop s':>11} "
         f"{'central FD s':>13} {'ratio':>7} {'max |FD − bp|':>14}")  # fmt: skip
    for p, fp, cp, tb, tc, agree in rows:
        echo(f"  {p:6.0f} {fp:15.0f} {cp:15.0f} {tb:11.2e} {tc:13.2e} {tc / tb:7.0f} {agree:14.1e}")
    echo("  Notice: finite differences cost P + 1 or 2P forward passes; backprop one pass back.\n")
    return {
        "parameters": table[:, 0].astype(int),
        "forward_passes": table[:, 1].astype(int),
        "central_passes": table[:, 2].astype(int),
        "backprop_seconds": table[:, 3],
        "central_seconds": table[:, 4],
        "central_vs_backprop_error": table[:, 5],
    }


# ------------------------------------------------------------------ picture
def _draw(path: Path, accuracy: dict[str, Any], cost: dict[str, Any]) -> Path:
    from matplotlib.figure import Figure
    from matplotlib.ticker import NullFormatter

    from numnet.plot import save_figure

    fig = Figure(figsize=(13, 4.3), layout="constrained")
    ax_err, ax_passes, ax_time = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.5, 1, 1]})

    steps, errors = accuracy["steps"], accuracy["errors"]
    styles = {
        "forward_float64": ("C0", "-", "forward, float64"),
        "central_float64": ("C1", "-", "central, float64"),
        "forward_float32": ("C0", ":", "forward, float32"),
        "central_float32": ("C1", ":", "central, float32"),
    }
    floor = 1e-17
    for key, (color, line, label) in styles.items():
        ax_err.loglog(
            steps, np.maximum(errors[key], floor), line, color=color, label=label, marker="."
        )
    anchor = 1e-2
    e_f = errors["forward_float64"][np.argmin(np.abs(steps - anchor))]
    e_c = errors["central_float64"][np.argmin(np.abs(steps - anchor))]
    guide = np.array([1e-5, 3e-1])
    slopes = accuracy["slopes"]
    ax_err.loglog(guide, e_f * 3 * guide / anchor, "--", color="0.5", lw=0.9,
                  label=f"slope 1 (fitted {slopes['forward']:.2f})")  # fmt: skip
    ax_err.loglog(guide, e_c / 3 * (guide / anchor) ** 2, "-.", color="0.5", lw=0.9,
                  label=f"slope 2 (fitted {slopes['central']:.2f})")  # fmt: skip
    ax_err.text(1e-12, 3e-1, "round-off ∝ ε/Δ", fontsize=9)
    ax_err.text(1e-2, 1e-11, "truncation\nO(Δ), O(Δ²)", fontsize=9, ha="center")
    ax_err.set_xlabel("step Δ")
    ax_err.set_ylabel("|finite difference − backprop|")
    ax_err.set_title("error of ∂Loss/∂ŵ₂,₃ as Δ shrinks", fontsize=10)
    ax_err.legend(fontsize=8, loc="lower left")
    ax_err.set_ylim(1e-13, None)

    P = cost["parameters"]
    ax_passes.plot(P, cost["central_passes"], "o-", color="C1", label="central: 2P")
    ax_passes.plot(P, cost["forward_passes"], "o-", color="C0", label="forward: P + 1")
    ax_passes.plot(P, np.ones_like(P), "o-", color="C2", label="backprop: 1 forward + 1 backward")
    ax_passes.set_xscale("log")
    ax_passes.set_yscale("log")
    ax_passes.set_xlabel("number of parameters P")
    ax_passes.set_ylabel("forward passes per gradient (counted)")
    ax_passes.set_title("cost in forward passes", fontsize=10)
    ax_passes.legend(fontsize=8)

    ax_time.loglog(P, cost["central_seconds"], "o-", color="C1", label="central differences")
    ax_time.loglog(P, cost["backprop_seconds"], "o-", color="C2", label="backprop")
    ax_time.set_xlabel("number of parameters P")
    ax_time.set_ylabel("seconds per gradient (measured)")
    ax_time.set_title("measured time", fontsize=10)
    ax_time.legend(fontsize=8)
    for ax in (ax_passes, ax_time):
        ax.xaxis.set_minor_formatter(NullFormatter())
    fig.suptitle("Seed 000: finite differences against backpropagation")
    return save_figure(fig, path, dpi=90)
