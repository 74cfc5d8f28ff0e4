"""Optimizers on one problem: GD, SGD, mini-batch, momentum, Adam, L-BFGS (seeds 000-003).

Every method moves the parameters θ against the gradient of the loss L:

* full-batch gradient descent (seed 002: accumulate the gradient over all the
  data, then step once): ``θₜ = θₜ₋₁ − η ∇(1/n Σᵢ ℓᵢ)``;
* stochastic gradient descent, one sample per step: ``θₜ = θₜ₋₁ − η ∇ℓᵢ``;
* mini-batch (seed 001): split the data into batches of B rows, step once per
  batch, reshuffle after every epoch: ``θₜ = θₜ₋₁ − η ∇(1/B Σ_b ℓ_b)``;
* momentum: ``bₜ = μ bₜ₋₁ + gₜ``, ``θₜ = θₜ₋₁ − η bₜ``;
* Adam: ``mₜ = β₁mₜ₋₁ + (1 − β₁)gₜ``, ``vₜ = β₂vₜ₋₁ + (1 − β₂)gₜ²``,
  ``θₜ = θₜ₋₁ − η m̂ₜ / (√v̂ₜ + ε)``;
* L-BFGS (seed 001 names BFGS): a quasi-Newton step ``θₖ₊₁ = θₖ − αₖ Hₖ ∇L(θₖ)``
  on θ = vec(all parameters), Hₖ built from the last gradient differences.

Part 1 draws the six paths on the contours of a two-weight least-squares loss
whose Hessian is ill-conditioned. Part 2 trains one small network with each
method and plots the loss against epochs and against wall time. Part 3 shows
the learning rate: on a quadratic, gradient descent diverges once η > 2/λ_max
(the training loop's NaN guard stops it and says why), and decaying η
("η may be decreased during training", seed 000) lets SGD settle closer to the
minimum than a constant η does.

On L(w) = w², λ = L'' = 2: η = 0.25 < 2/λ shrinks w, η = 1.5 > 2/λ makes it grow.

>>> import numnet
>>> from numnet.optim import SGD
>>> for lr in (0.25, 1.5):
...     w = numnet.Tensor([1.0], requires_grad=True)
...     opt = SGD([w], lr=lr)
...     for _ in range(4):
...         opt.zero_grad()
...         (w * w).sum().backward()
...         opt.step()
...     print(lr, w.data)
0.25 [0.0625]
1.5 [16.]
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

TITLE = "Seeds 001-002: GD, SGD, mini-batch, momentum, Adam, L-BFGS; lr too big, decay"


# ---------------------------------------------------------------- recording
def _recorder(weight: Any = None) -> Any:
    """A training callback recording the weight after every step and the time of every epoch."""
    from numnet.train import Callback

    class Recorder(Callback):
        def __init__(self) -> None:
            self.points = [] if weight is None else [weight.data.ravel().astype(float)]
            self.epoch_points: list[np.ndarray] = []
            self.seconds: list[float] = []

        def on_train_begin(self, trainer: Any) -> None:
            self.start = time.perf_counter()

        def on_batch_end(self, trainer: Any, batch: int, logs: dict) -> None:
            if weight is not None:
                self.points.append(weight.data.ravel().astype(float))

        def on_epoch_end(self, trainer: Any, epoch: int, logs: dict) -> None:
            self.seconds.append(time.perf_counter() - self.start)
            if weight is not None:
                self.epoch_points.append(weight.data.ravel().astype(float))

    return Recorder()


def _lbfgs_losses(model: Any, loss_fn: Any, X: np.ndarray, y: Any, max_eval: int) -> tuple:
    """Run L-BFGS on the full data; the loss and the elapsed time at every evaluation.

    A hand-written closure rather than ``fit``: ``fit`` logs once per step, this
    records every evaluation, line-search trials included.
    """
    from numnet.optim import LBFGS

    optimizer = LBFGS(model.parameters(), max_iter=max_eval, max_eval=max_eval, gtol=1e-9)
    losses, seconds = [], []
    start = time.perf_counter()

    def closure() -> Any:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        losses.append(loss.item())
        seconds.append(time.perf_counter() - start)
        return loss

    optimizer.step(closure)
    return losses, seconds


# ------------------------------------------------------- part 1: 2-D paths
def _quadratic_problem(rng: np.random.Generator, n: int) -> dict[str, Any]:
    """y = X w + noise with correlated features: L(w) = (1/n)‖Xw − y‖² has long thin contours."""
    z = rng.normal(size=(n, 2))
    X = np.column_stack([z[:, 0], 0.95 * z[:, 0] + 0.31 * z[:, 1]])
    y = X @ np.array([1.0, 1.0]) + 0.3 * rng.normal(size=n)
    w_hat = np.linalg.lstsq(X, y, rcond=None)[0]
    hessian = 2.0 * X.T @ X / n
    return {
        "X": X, "y": y, "w_hat": w_hat, "lam": np.linalg.eigvalsh(hessian),
        "loss_min": float(np.mean((X @ w_hat - y) ** 2)), "w0": np.array([-1.5, 3.0]),
    }  # fmt: skip


def _loss_at(problem: dict[str, Any], w: np.ndarray) -> np.ndarray:
    """L(w) for points w of shape (..., 2)."""
    residual = np.einsum("nd,...d->...n", problem["X"], w) - problem["y"]
    return np.mean(residual**2, axis=-1)


def _linear_model(problem: dict[str, Any], dtype: Any = np.float64) -> Any:
    from numnet import nn

    model = nn.Sequential(nn.Linear(2, 1, bias=False, dtype=dtype))
    model[0].weight.data[...] = problem["w0"]
    return model


def _paths(problem: dict[str, Any], fast: bool, seed: int) -> dict[str, np.ndarray]:
    """The weights after every step of each method, from the same start w0."""
    from numnet import nn, optim
    from numnet.train import fit

    X, y = problem["X"], problem["y"]
    eta = 1.6 / problem["lam"][-1]  # below 2/λ_max: stable, but zigzags across the valley
    epochs = 8 if fast else 40
    runs = {
        "GD (full batch)": (lambda p: optim.SGD(p, lr=eta), "full", epochs, len(X)),
        "SGD (one sample)": (lambda p: optim.SGD(p, lr=eta / 4), "stochastic", 2, 1),
        "mini-batch (B=8)": (lambda p: optim.SGD(p, lr=eta / 2), "minibatch", epochs // 4, 8),
        "momentum (μ=0.9)": (
            lambda p: optim.SGD(p, lr=eta / 8, momentum=0.9),
            "full",
            epochs,
            len(X),
        ),
        "Adam (η=0.3)": (lambda p: optim.Adam(p, lr=0.3), "full", epochs, len(X)),
    }
    paths = {}
    for name, (make, regime, n_epochs, batch) in runs.items():
        model = _linear_model(problem)
        record = _recorder(model[0].weight)
        optimizer = make(model.parameters())
        fit(model, nn.MSELoss(), optimizer, (X, y), epochs=n_epochs, batch_size=batch,
            regime=regime, callbacks=[record], progress=False, seed=seed)  # fmt: skip
        paths[name] = np.array(record.points)
    paths["L-BFGS"] = _lbfgs_path(problem, n_iter=6)
    return paths


def _lbfgs_path(problem: dict[str, Any], n_iter: int) -> np.ndarray:
    """L-BFGS's iterates: iterate k is where k iterations from w0 end (SciPy is deterministic)."""
    points = [problem["w0"]]
    for k in range(1, n_iter + 1):
        points.append(_lbfgs_iterate(problem, k))
        if np.allclose(points[-1], points[-2], atol=1e-10):
            points.pop()
            break
    return np.array(points)


def _lbfgs_iterate(problem: dict[str, Any], k: int) -> np.ndarray:
    from numnet import nn
    from numnet.optim import LBFGS
    from numnet.train import fit

    model = _linear_model(problem)
    # Enough evaluations for every line search: only the iteration count limits the run.
    optimizer = LBFGS(model.parameters(), max_iter=k, max_eval=25 * k)
    fit(model, nn.MSELoss(), optimizer, (problem["X"], problem["y"]), epochs=1,
        batch_size=len(problem["X"]), regime="full", shuffle=False, progress=False)  # fmt: skip
    return model[0].weight.data.ravel().copy()


def _draw_paths(problem: dict[str, Any], paths: dict[str, np.ndarray], path: Path) -> Path:
    from matplotlib.figure import Figure

    from numnet.plot import save_figure

    w_hat, w0 = problem["w_hat"], problem["w0"]
    a = np.linspace(-2.5, 3.5, 160)
    b = np.linspace(-1.5, 3.5, 160)
    grid = np.stack(np.meshgrid(a, b), axis=-1)
    surface = _loss_at(problem, grid)
    levels = problem["loss_min"] + np.geomspace(0.01, surface.max(), 14)
    fig = Figure(figsize=(11, 6.4), layout="constrained")
    axes = fig.subplots(2, 3, sharex=True, sharey=True)
    for ax, (name, points) in zip(axes.ravel(), paths.items()):
        ax.contour(a, b, surface, levels=levels, colors="0.7", linewidths=0.7)
        ax.plot(points[:, 0], points[:, 1], ".-", color="C3", lw=1, ms=3)
        ax.plot(*w0, "o", color="k", ms=5)
        ax.plot(*w_hat, "*", color="C2", ms=12)
        final = float(_loss_at(problem, points[-1]))
        ax.set_title(f"{name}: {len(points) - 1} steps, L = {final:.3f}", fontsize=10)
    for ax in axes[-1]:
        ax.set_xlabel("$w_1$")
    for ax in axes[:, 0]:
        ax.set_ylabel("$w_2$")
    fig.suptitle(
        "Paths on the contours of L(w) = (1/n)‖Xw − y‖²  (● start, ★ least-squares minimum)"
    )
    return save_figure(fig, path, dpi=80)


# ------------------------------------------------------- part 2: a network
def _network_runs(fast: bool, seed: int) -> dict[str, dict[str, list[float]]]:
    """Train the same small tanh network on the spiral with each method."""
    from numnet import data, nn, optim
    from numnet.train import fit

    X, y = data.spiral(40 if fast else 200, noise=0.1, seed=seed)
    epochs = 4 if fast else 150

    def network() -> Any:  # the same initial weights for every method
        return nn.mlp(2, [16, 16], 2, activation="tanh", rng=seed)

    runs = {
        "GD (full batch)": (lambda p: optim.SGD(p, lr=0.5), "full", len(X)),
        "SGD (one sample)": (lambda p: optim.SGD(p, lr=0.02), "stochastic", 1),
        "mini-batch (B=16)": (lambda p: optim.SGD(p, lr=0.2), "minibatch", 16),
        "momentum (B=16)": (lambda p: optim.SGD(p, lr=0.05, momentum=0.9), "minibatch", 16),
        "Adam (B=16)": (lambda p: optim.Adam(p, lr=0.01), "minibatch", 16),
    }
    results = {}
    for name, (make, regime, batch) in runs.items():
        model = network()
        initial = float(nn.CrossEntropyLoss()(model(X), y).item())
        record = _recorder()
        history = fit(model, "cross_entropy", make(model.parameters()), (X, y), epochs=epochs,
                      batch_size=batch, regime=regime, callbacks=[record], progress=False,
                      seed=seed)  # fmt: skip
        # The logged loss averages the epoch's batches; the full-data loss is comparable.
        final = float(nn.CrossEntropyLoss()(model(X), y).item())
        results[name] = {
            "loss": [initial, *history["loss"]], "seconds": [0.0, *record.seconds],
            "final": final,
        }  # fmt: skip
    model = network()
    losses, seconds = _lbfgs_losses(model, nn.CrossEntropyLoss(), X, y, max_eval=epochs + 1)
    final = float(nn.CrossEntropyLoss()(model(X), y).item())
    results["L-BFGS (full batch)"] = {"loss": losses, "seconds": seconds, "final": final}
    return results


def _draw_network(results: dict[str, dict[str, Any]], path: Path) -> Path:
    from matplotlib.figure import Figure

    from numnet.plot import save_figure

    fig = Figure(figsize=(11, 4.2), layout="constrained")
    by_epoch, by_time = fig.subplots(1, 2, sharey=True)
    for i, (name, run) in enumerate(results.items()):
        by_epoch.plot(np.arange(len(run["loss"])), run["loss"], color=f"C{i}", label=name)
        seconds = np.asarray(run["seconds"])
        later = seconds > 0  # the log axis has no 0: the start point is left out
        by_time.plot(seconds[later], np.asarray(run["loss"])[later], color=f"C{i}", label=name)
    by_epoch.set_xlabel("epoch = one pass over the data (L-BFGS: one evaluation, line search too)")
    by_time.set_xlabel("wall time (s, log scale)")
    by_time.set_xscale("log")
    by_epoch.set_ylabel("training loss (cross-entropy)")
    by_epoch.set_title("loss against epochs")
    by_time.set_title("loss against wall time")
    for ax in (by_epoch, by_time):
        ax.set_yscale("log")
        ax.grid(alpha=0.3)
    by_epoch.legend(fontsize=8)
    fig.suptitle("A 2-16-16-2 tanh network on the spiral, trained six ways from the same weights")
    return save_figure(fig, path, dpi=90)


# ------------------------------------------------- part 3: the learning rate
def _divergence(problem: dict[str, Any], seed: int) -> dict[str, Any]:
    """Full-batch GD with η below, near and above 2/λ_max; the NaN guard stops the last."""
    from numnet import nn, optim
    from numnet.train import fit

    limit = 2.0 / problem["lam"][-1]
    runs = {}
    for factor in (0.5, 0.98, 3.0):
        # float32, the library's default: the diverging loss overflows to inf within 30 epochs.
        model = _linear_model(problem, dtype=np.float32)
        history = fit(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=factor * limit),
                      (problem["X"], problem["y"]), epochs=40, regime="full", progress=False,
                      seed=seed)  # fmt: skip
        runs[factor] = {"loss": history["loss"], "stop_reason": history.stop_reason}
    return {"limit": limit, "runs": runs}


def _decay(problem: dict[str, Any], fast: bool, seed: int) -> dict[str, list[float]]:
    """SGD (one sample) with a constant η against η multiplied by 0.8 every epoch."""
    from numnet import nn, optim
    from numnet.optim.lr_scheduler import ExponentialLR
    from numnet.train import LearningRateScheduler, fit

    eta = 0.5 / problem["lam"][-1]
    epochs = 5 if fast else 25
    curves = {}
    for name in ("constant η", "η·0.8^epoch"):
        model = _linear_model(problem)
        optimizer = optim.SGD(model.parameters(), lr=eta)
        callbacks = [_recorder(model[0].weight)]
        if name != "constant η":
            callbacks.append(LearningRateScheduler(ExponentialLR(optimizer, gamma=0.8)))
        fit(model, nn.MSELoss(), optimizer, (problem["X"], problem["y"]), epochs=epochs,
            regime="stochastic", callbacks=callbacks, progress=False, seed=seed)  # fmt: skip
        excess = _loss_at(problem, np.array(callbacks[0].epoch_points)) - problem["loss_min"]
        curves[name] = excess.tolist()
    return curves


def _draw_learning_rate(div: dict[str, Any], decay: dict[str, list[float]], path: Path) -> Path:
    from matplotlib.figure import Figure

    from numnet.plot import save_figure

    fig = Figure(figsize=(11, 4.2), layout="constrained")
    left, right = fig.subplots(1, 2)
    for i, (factor, run) in enumerate(div["runs"].items()):
        eta = factor * div["limit"]
        label = f"η = {factor:g}·2/λ_max = {eta:.3f}"
        epochs = np.arange(1, len(run["loss"]) + 1)
        left.plot(epochs, run["loss"], color=f"C{i}", label=label)
        if run["stop_reason"]:
            left.annotate(
                f"loss = inf at epoch {len(run['loss']) + 1}:\nfit's NaN guard stops",
                (epochs[np.searchsorted(run["loss"], 1e6) - 1], 1e6), xytext=(20, -40),
                textcoords="offset points", arrowprops={"arrowstyle": "->"}, fontsize=8,
            )  # fmt: skip
    lowest = min(min(run["loss"]) for run in div["runs"].values())
    left.set_yscale("log")
    left.set_ylim(0.8 * lowest, 1e6)  # the diverging run leaves the frame on its way to inf
    left.set_xlabel("epoch")
    left.set_ylabel("training loss (MSE)")
    left.set_title("full-batch GD on the quadratic: η > 2/λ_max diverges")
    left.legend(fontsize=8)
    for i, (name, excess) in enumerate(decay.items()):
        right.plot(np.arange(1, len(excess) + 1), excess, "o-", ms=3, color=f"C{i + 3}", label=name)
    right.set_yscale("log")
    right.set_xlabel("epoch")
    right.set_ylabel("L(w) − L(ŵ)")
    right.set_title("SGD, one sample per step: decaying η settles closer")
    right.legend(fontsize=8)
    for ax in (left, right):
        ax.grid(alpha=0.3)
    return save_figure(fig, path, dpi=90)


# --------------------------------------------------------------------- run
def run(
    out: Path,
    *,
    fast: bool = False,
    seed: int = 0,
    explain: bool = False,
    echo: Callable[..., Any] = print,
) -> dict[str, Any]:
    """Run the demo: paths on a 2-D loss, a network trained six ways, the learning rate.

    Returns the initial and final losses of every method (``"paths"`` on the
    quadratic, ``"network"`` on the spiral), the divergence runs and the
    decay curves, and ``"figures"``.
    """
    out = Path(out)
    rng = np.random.default_rng(seed)
    problem = _quadratic_problem(rng, 32 if fast else 64)
    lam = problem["lam"]
    echo("Part 1. L(w) = (1/n)‖Xw − y‖² with two correlated features:")
    echo(f"  Hessian eigenvalues λ = {lam[0]:.3f}, {lam[1]:.3f} (condition number "
         f"{lam[1] / lam[0]:.0f}); least squares ŵ = {np.round(problem['w_hat'], 3).tolist()}, "
         f"L(ŵ) = {problem['loss_min']:.4f}")  # fmt: skip
    paths = _paths(problem, fast, seed)
    echo(f"  {'method':<20} {'steps':>6} {'L(start)':>9} {'L(end)':>9} {'|w − ŵ|':>9}")
    path_numbers = {}
    for name, points in paths.items():
        start, end = (float(v) for v in _loss_at(problem, points[[0, -1]]))
        gap = float(np.linalg.norm(points[-1] - problem["w_hat"]))
        path_numbers[name] = {"initial": start, "final": end, "steps": len(points) - 1}
        echo(f"  {name:<20} {len(points) - 1:>6} {start:>9.4f} {end:>9.4f} {gap:>9.4f}")
    echo("  GD bounces across the narrow valley, then crawls along it (the small λ sets its pace);")
    echo("  one-sample SGD jumps around, mini-batches less; momentum gathers speed along the")
    echo("  valley; Adam scales each coordinate by its own gradient size; L-BFGS, which models")
    echo(f"  the curvature, lands on ŵ in {path_numbers['L-BFGS']['steps']} iterations.")
    figures = [_draw_paths(problem, paths, out / "optimizers-paths.png")]

    echo("\nPart 2. A 2-16-16-2 tanh network on the spiral (cross-entropy), same initial weights:")
    network = _network_runs(fast, seed)
    echo(f"  {'method':<20} {'L(start)':>9} {'L(end)':>9} {'seconds':>8}")
    for name, result in network.items():
        echo(f"  {name:<20} {result['loss'][0]:>9.4f} {result['final']:>9.4f} "
             f"{result['seconds'][-1]:>8.2f}")  # fmt: skip
    best = min(network, key=lambda name: network[name]["final"])
    sgd, gd = network["SGD (one sample)"], network["GD (full batch)"]
    echo(f"  Lowest final loss: {best}. An epoch is one step for GD and n steps for one-sample")
    echo(f"  SGD: {gd['seconds'][-1]:.2f} s against {sgd['seconds'][-1]:.2f} s, same epochs.")
    figures.append(_draw_network(network, out / "optimizers-network.png"))

    echo("\nPart 3. The learning rate. GD on a quadratic is stable only for η < 2/λ_max:")
    div = _divergence(problem, seed)
    echo(f"  2/λ_max = {div['limit']:.4f}")
    for factor, result in div["runs"].items():
        losses = result["loss"]
        last = f"{losses[-1]:.3g}" if losses else "none"
        echo(f"  η = {factor:>4g}·2/λ_max: {len(losses):>3} epochs, last finite loss {last}")
        if result["stop_reason"]:
            echo(f"    fit's NaN guard: {result['stop_reason']}")
    decay = _decay(problem, fast, seed)
    for name, excess in decay.items():
        echo(f"  SGD, {name:<12}: L(w) − L(ŵ) after the last epoch = {excess[-1]:.2e}")
    echo("  With a constant η, SGD keeps jumping around ŵ; shrinking η lets it settle.")
    figures.append(_draw_learning_rate(div, decay, out / "optimizers-learning-rate.png"))
    return {
        "paths": path_numbers,
        "loss_min": problem["loss_min"],
        "gd_end": paths["GD (full batch)"][-1].tolist(),
        "network": {
            name: {"initial": r["loss"][0], "final": r["final"], "loss": r["loss"]}
            for name, r in network.items()
        },
        "limit": div["limit"],
        "divergence": {
            factor: {"loss": r["loss"], "stop_reason": r["stop_reason"]}
            for factor, r in div["runs"].items()
        },
        "decay": decay,
        "figures": figures,
    }
