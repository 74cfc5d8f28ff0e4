"""Universal approximation (seed 002): steps by hand, then trained sigmoid networks.

Cybenko (1989): for a continuous sigmoid σ and any continuous f on [0, 1]ᵈ there are H and
weights such that the one-hidden-layer network

    y(x) = Σₕ w₂ₕ · σ(w₁ₕ x + bₕ)

is uniformly within ε of f. Seed 002 shows it on

    f(x) = 0.2 + 0.4x² + 0.3x·sin(15x) + 0.1·cos(50x),   x ∈ [0, 1],

with the step activation I{z ≥ 0}: a hidden unit switches on at its threshold s = −b/w, so
the network is a staircase Σₕ w₂ₕ · I{x ≥ sₕ}. The lecture's construction: thresholds
s = (0.35, 0.7, 0.7, 0, 0.35) with output weights (0.8, −0.8, 1.5, 0.4, −0.4).

The demo, in four parts:

1. the lecture's network, weight for weight, and its levels and maximum error;
2. the same three thresholds with the best heights (least squares on the step features);
3. a finer staircase: K steps at sₖ = k/K with heights f(midpoint), so
   ``max |y − f| ≤ L / (2K)`` with ``L = max |f'| ≤ 0.8 + 0.3 + 4.5 + 5 = 10.6``;
4. trained networks with H = 2, 5, 20, 100 sigmoid units: thresholds spread over [0, 1]
   (Cybenko's staircase, smoothed), output layer by least squares, then L-BFGS on all
   weights. The maximum error falls with H.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

TITLE = "Seed 002's step network for f(x), then sigmoid nets with H = 2..100 (Cybenko)"

# Seed 002's hand-built network: hidden unit h switches on at x = s_h, adds w_h to the output.
LECTURE_THRESHOLDS = (0.35, 0.7, 0.7, 0.0, 0.35)
LECTURE_WEIGHTS = (0.8, -0.8, 1.5, 0.4, -0.4)
# |f'(x)| = |0.8x + 0.3 sin 15x + 4.5x cos 15x − 5 sin 50x| ≤ 0.8 + 0.3 + 4.5 + 5 on [0, 1]
LIPSCHITZ_BOUND = 10.6


def step_network(thresholds: Any, weights: Any) -> Any:
    """The network ``y(x) = Σₕ wₕ · I{x − sₕ ≥ 0}`` as numnet layers (w₁ = 1, b = −s).

    >>> model = step_network(LECTURE_THRESHOLDS, LECTURE_WEIGHTS)
    >>> _predict(model, np.array([0.1, 0.5, 0.9])).round(6).tolist()
    [0.4, 0.8, 1.5]
    """
    from numnet import nn

    thresholds = np.asarray(thresholds, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    model = nn.Sequential(
        nn.Linear(1, len(thresholds), dtype=np.float64),
        nn.Step(),
        nn.Linear(len(thresholds), 1, bias=False, dtype=np.float64),
    )
    model[0].weight.data[:] = 1.0
    model[0].bias.data[:] = -thresholds  # s = −b/w with w = 1
    model[2].weight.data[:] = weights[None, :]
    return model


def staircase(f: Callable[[np.ndarray], np.ndarray], n_steps: int) -> tuple[np.ndarray, ...]:
    """Thresholds sₖ = k/K and weights wₖ = f(mₖ) − f(mₖ₋₁) (mₖ the midpoints, f(m₋₁) = 0).

    >>> thresholds, weights = staircase(lambda x: 2 * x, 4)
    >>> thresholds.tolist(), weights.tolist()
    ([0.0, 0.25, 0.5, 0.75], [0.25, 0.5, 0.5, 0.5])
    """
    thresholds = np.arange(n_steps) / n_steps
    heights = f(thresholds + 0.5 / n_steps)
    return thresholds, np.diff(heights, prepend=0.0)


def _predict(model: Any, x: np.ndarray) -> np.ndarray:
    import numnet

    with numnet.no_grad():
        return model.eval()(x[:, None]).data[:, 0].astype(np.float64)


def sigmoid_network(H: int, X: np.ndarray, y: np.ndarray, max_iter: int, seed: int) -> Any:
    """One hidden sigmoid layer of H units fitted to (X, y).

    Start: unit h has slope 2H and threshold (h + ½)/H, so neighbouring sigmoids overlap by
    about one spacing; the output layer is the least-squares solution on the hidden
    activations. Then L-BFGS minimizes the mean squared error over all 3H + 1 weights.
    """
    import numnet
    from numnet import nn, optim
    from numnet.linear_model import LinearRegression

    model = nn.Sequential(
        nn.Linear(1, H, rng=seed, dtype=np.float64),
        nn.Sigmoid(),
        nn.Linear(H, 1, rng=seed, dtype=np.float64),
    )
    slope = 2.0 * H
    model[0].weight.data[:] = slope
    model[0].bias.data[:] = -slope * (np.arange(H) + 0.5) / H
    with numnet.no_grad():
        hidden = model[:2](X).data
    head = LinearRegression().fit(hidden, y)
    model[2].weight.data[:] = head.coef_[None, :]
    model[2].bias.data[:] = head.intercept_

    optimizer = optim.LBFGS(model.parameters(), max_iter=max_iter, history_size=20)
    mse = nn.MSELoss()

    def closure():
        optimizer.zero_grad()
        loss = mse(model(X), y[:, None])
        loss.backward()
        return loss

    optimizer.step(closure)
    return model


def run(
    out: Path,
    *,
    fast: bool = False,
    seed: int = 0,
    explain: bool = False,
    echo: Callable[..., Any] = print,
) -> dict[str, Any]:
    """Build the lecture's step network, a finer staircase, and trained sigmoid networks."""
    # constrained layout is the slow part of saving a figure; fast mode skips it
    layout = None if fast else "constrained"
    from matplotlib.figure import Figure

    from numnet.data import function_1d, seed002_function
    from numnet.linear_model import LinearRegression
    from numnet.plot import plot_regression_1d, save_figure

    f = seed002_function
    grid = np.linspace(0.0, 1.0, 4001 if fast else 20001)
    truth = f(grid)
    X, y = function_1d(400, seed=seed)
    x = X[:, 0]

    def max_error(model: Any) -> float:
        return float(np.max(np.abs(_predict(model, grid) - truth)))

    # 1. The lecture's network, weight for weight.
    lecture = step_network(LECTURE_THRESHOLDS, LECTURE_WEIGHTS)
    echo("Seed 002's step network  y(x) = Σ w_h · I{x ≥ s_h},  s = −b/w")
    echo("  h   threshold s   output weight w")
    for h, (s, w) in enumerate(zip(LECTURE_THRESHOLDS, LECTURE_WEIGHTS), start=1):
        echo(f"  {h}   {s:11.2f}   {w:15.2f}")
    edges = (0.0, 0.35, 0.7, 1.0)
    levels = [float(_predict(lecture, np.array([a]))[0]) for a in edges[:-1]]
    echo("  interval       net output   f on the interval")
    for a, b, level in zip(edges[:-1], edges[1:], levels):
        last = b == edges[-1]
        inside = truth[(grid >= a) & ((grid < b) | last)]
        interval = f"[{a:.2f}, {b:.2f}{']' if last else ')'}"
        echo(f"  {interval}   {level:10.2f}   {inside.min():.2f} .. {inside.max():.2f}")
    lecture_error = max_error(lecture)
    echo(
        f"  max |y − f| = {lecture_error:.3f}: the lecture's heights sketch the staircase's shape;"
    )
    echo("  past 0.7 its output 1.5 overshoots f (< 0.9), so the heights are illustrative.")

    # 2. The same thresholds, heights by least squares on the step features.
    distinct = np.array(sorted(set(LECTURE_THRESHOLDS)))
    features = (x[:, None] >= distinct[None, :]).astype(np.float64)
    heights = LinearRegression(fit_intercept=False).fit(features, y).coef_
    fitted = step_network(distinct, heights)
    fitted_error = max_error(fitted)
    echo(
        f"\nSame thresholds {distinct.tolist()}, least-squares weights "
        f"{np.round(heights, 3).tolist()}: max |y − f| = {fitted_error:.3f}"
    )

    # 3. A finer staircase: error ≤ L / (2K).
    steps = (5, 10, 20, 50, 100, 200, 500)
    stair_errors = []
    echo("\nStaircase with K steps at k/K, heights f(midpoint)")
    echo("     K   max |y − f|   bound L/(2K)")
    for K in steps:
        error = max_error(step_network(*staircase(f, K)))
        stair_errors.append(error)
        echo(f"  {K:4d}   {error:11.4f}   {LIPSCHITZ_BOUND / (2 * K):12.4f}")

    # 4. Trained one-hidden-layer sigmoid networks (Cybenko).
    widths = (2, 5, 20, 100)
    trained, trained_errors = {}, []
    echo("\nTrained sigmoid networks y = W₂ σ(W₁x + b₁) + b₂ (least-squares start, then L-BFGS)")
    echo("    H   parameters   max |y − f|   train MSE")
    for H in widths:
        model = sigmoid_network(H, X, y, max_iter=100 if fast else 2000, seed=seed)
        trained[H] = model
        error = max_error(model)
        trained_errors.append(error)
        mse = float(np.mean((_predict(model, x) - y) ** 2))
        echo(f"  {H:3d}   {3 * H + 1:10d}   {error:11.4f}   {mse:9.2e}")
    echo("What to notice: more units, smaller maximum error, as Cybenko promises.")

    # Pictures.
    figures, dpi, resolution = [], 50 if fast else 90, 1001 if fast else 4001
    fig = Figure(figsize=(11, 7.5), layout=layout)
    axes = fig.subplots(2, 2)
    stair_k = 20
    panels = (
        (lecture, "seed 002's step network (s, w as in the lecture)"),
        (fitted, "same thresholds, least-squares heights"),
        (step_network(*staircase(f, stair_k)), f"staircase, K = {stair_k} steps"),
    )
    for ax, (model, title) in zip(axes.flat, panels):
        plot_regression_1d(
            model, x, y, target=f, domain=(0.0, 1.0), resolution=resolution, ax=ax, title=title
        )
    for s in distinct:
        axes[0, 0].axvline(s, color="0.6", lw=0.8, ls=":")
    ax = axes[1, 1]
    ax.loglog(steps, stair_errors, "o-", label="measured max |y − f|")
    ax.loglog(steps, [LIPSCHITZ_BOUND / (2 * K) for K in steps], "k--", label="bound L/(2K)")
    ax.set_xlabel("number of steps K")
    ax.set_ylabel("max |y − f| on [0, 1]")
    ax.set_title("finer staircase, smaller error")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")
    figures.append(save_figure(fig, out / "universal-approximation-steps.png", dpi=dpi))

    fig = Figure(figsize=(11, 7.5), layout=layout)
    for ax, H in zip(fig.subplots(2, 2).flat, widths):
        plot_regression_1d(
            trained[H],
            x,
            y,
            target=f,
            domain=(0.0, 1.0),
            resolution=resolution,
            ax=ax,
            title=f"H = {H} sigmoid units",
        )
    figures.append(save_figure(fig, out / "universal-approximation-trained.png", dpi=dpi))

    fig = Figure(figsize=(6, 4), layout=layout)
    ax = fig.add_subplot()
    ax.loglog(widths, trained_errors, "o-", color="#d62728")
    for H, error in zip(widths, trained_errors):
        ax.annotate(f"{error:.3g}", (H, error), textcoords="offset points", xytext=(5, 5))
    ax.set_xlabel("hidden units H")
    ax.set_ylabel("max |y − f| on [0, 1]")
    ax.set_title("Cybenko: one sigmoid layer, error falls with H")
    ax.grid(True, which="both", alpha=0.3)
    figures.append(save_figure(fig, out / "universal-approximation-error.png", dpi=dpi))

    return {
        "lecture_thresholds": list(LECTURE_THRESHOLDS),
        "lecture_weights": list(LECTURE_WEIGHTS),
        "lecture_levels": levels,
        "lecture_max_error": lecture_error,
        "fitted_heights": heights.tolist(),
        "fitted_max_error": fitted_error,
        "staircase_steps": list(steps),
        "staircase_max_error": stair_errors,
        "staircase_bound": [LIPSCHITZ_BOUND / (2 * K) for K in steps],
        "hidden_units": list(widths),
        "trained_max_error": trained_errors,
        "figures": figures,
    }
