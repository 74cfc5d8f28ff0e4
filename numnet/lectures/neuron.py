"""One neuron, three regressions: linear, logistic and Poisson as y = f(⟨x, w⟩ + b).

Seed 002 introduces the neuron y = f(⟨x, w⟩ + b) and notes that the classic
linear models are single neurons that differ only in the activation f and the
loss, which is the negative log-likelihood of the noise model:

    linear:    f(z) = z,            L = (1/n) Σ (f(zᵢ) − yᵢ)²            (Gaussian y)
    logistic:  f(z) = σ(z),         L = −(1/n) Σ yᵢ ln f(zᵢ) + (1−yᵢ) ln(1 − f(zᵢ))   (y ∈ {0,1})
    Poisson:   f(z) = exp(z),       L = (1/n) Σ f(zᵢ) − yᵢ ln f(zᵢ)      (counts y)

Each is trained here as a numnet network of one ``Linear(d, 1)`` layer and an
activation module, with autodiff and L-BFGS (``numnet.train.fit`` with
``numnet.optim.LBFGS``, one full-batch epoch) on seeded synthetic data, and
compared with the matching numnet.linear_model estimator (LinearRegression,
LogisticRegression without penalty, PoissonRegressor with α = 0): the weights
agree.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

TITLE = "Seed 002's neuron y = f(<x,w>+b): linear, logistic, Poisson regression"

# true weights and bias of the synthetic data of each model
TRUTH = {
    "linear": (np.array([1.5, -2.0]), 0.5),
    "logistic": (np.array([2.0, -1.0]), 0.3),
    "poisson": (np.array([0.5, -0.3]), 1.0),
}


def run(
    out: Path,
    *,
    fast: bool = False,
    seed: int = 0,
    explain: bool = False,
    echo: Callable[..., Any] = print,
) -> dict[str, Any]:
    """Train the three neurons, compare with the estimators, draw ``neuron.png``."""
    n, steps = (150, 100) if fast else (400, 200)
    rng = np.random.default_rng(seed)
    results = {}
    echo(f"One neuron y = f(<x,w> + b), trained by autodiff + L-BFGS (n = {n} samples)")
    echo(f"{'model':<9} {'f':<8} {'':<10} {'w1':>9} {'w2':>9} {'b':>9}")
    for kind in ("linear", "logistic", "poisson"):
        X, y = _data(kind, n, rng)
        neuron = _train_neuron(kind, X, y, steps, rng)
        estimator = _fit_estimator(kind, X, y)
        true_w, true_b = TRUTH[kind]
        for label, (w, b) in (
            ("true", (true_w, true_b)),
            ("neuron", neuron),
            ("estimator", estimator),
        ):
            name = kind if label == "true" else ""
            f = {"linear": "identity", "logistic": "sigmoid", "poisson": "exp"}[kind]
            echo(f"{name:<9} {f if label == 'true' else '':<8} {label:<10} "
                 f"{w[0]:9.4f} {w[1]:9.4f} {b:9.4f}")  # fmt: skip
        difference = float(
            np.max(np.abs(np.append(neuron[0] - estimator[0], neuron[1] - estimator[1])))
        )
        echo(f"{'':<19}max |neuron − estimator| = {difference:.1e}")
        results[kind] = {
            "X": X,
            "y": y,
            "neuron": neuron,
            "estimator": estimator,
            "max_abs_diff": difference,
        }
    echo("Notice: the same neuron with another activation and loss is another classic model.")
    figure = _draw(out / "neuron.png", results)
    return {
        **{
            k: {key: v[key] for key in ("neuron", "estimator", "max_abs_diff")}
            for k, v in results.items()
        },
        "figures": [figure],
    }


def _data(kind: str, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    w, b = TRUTH[kind]
    X = rng.standard_normal((n, 2))
    z = X @ w + b
    if kind == "linear":
        y = z + 0.5 * rng.standard_normal(n)
    elif kind == "logistic":
        y = (rng.uniform(size=n) < 1 / (1 + np.exp(-z))).astype(np.float64)
    else:
        y = rng.poisson(np.exp(z)).astype(np.float64)
    return X, y


def _train_neuron(
    kind: str, X: np.ndarray, y: np.ndarray, steps: int, rng: np.random.Generator
) -> tuple[np.ndarray, float]:
    """y = f(⟨x, w⟩ + b) as Linear(2, 1) + activation, minimizing its negative log-likelihood."""
    import numnet.functional as F
    from numnet import nn
    from numnet.optim import LBFGS
    from numnet.train import fit

    activation = {"linear": nn.Identity(), "logistic": nn.Sigmoid(), "poisson": nn.Exp()}[kind]
    neuron = nn.Sequential(nn.Linear(2, 1, rng=rng, dtype=np.float64), activation)
    loss_fn = {
        "linear": F.mse_loss,
        "logistic": F.binary_cross_entropy,
        "poisson": lambda rate, t: F.poisson_nll_loss(rate, t, log_input=False, eps=0.0),
    }[kind]
    optimizer = LBFGS(neuron.parameters(), max_iter=steps, gtol=1e-10, ftol=1e-14)
    # One full-batch epoch = one L-BFGS run; fit's closure gives it the loss and, by
    # autodiff, the gradient at every point it asks for.
    fit(neuron, loss_fn, optimizer, (X, y), epochs=1, batch_size=len(X), regime="full",
        shuffle=False, progress=False)  # fmt: skip
    layer = neuron[0]
    return layer.weight.data[0].copy(), float(layer.bias.data[0])


def _fit_estimator(kind: str, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    from numnet.linear_model import LinearRegression, LogisticRegression, PoissonRegressor

    if kind == "linear":
        model = LinearRegression().fit(X, y)
        return np.ravel(model.coef_), float(np.ravel(model.intercept_)[0])
    if kind == "logistic":
        model = LogisticRegression(penalty=None, tol=1e-10, max_iter=1000).fit(X, y)
        return np.ravel(model.coef_), float(np.ravel(model.intercept_)[0])
    model = PoissonRegressor(alpha=0.0, tol=1e-10, max_iter=1000).fit(X, y)
    return np.ravel(model.coef_), float(model.intercept_)


def _draw(path: Path, results: dict[str, Any]) -> Path:
    """Each model: the data against the fitted ⟨x, w⟩ + b, with the neuron's curve f."""
    from matplotlib.figure import Figure

    from numnet.plot import save_figure

    fig = Figure(figsize=(12, 3.9), layout="constrained")
    axes = fig.subplots(1, 3)
    curves = {
        "linear": ("identity: y = z", lambda z: z),
        "logistic": ("sigmoid: P(y=1) = σ(z)", lambda z: 1 / (1 + np.exp(-z))),
        "poisson": ("exp: E[y] = eᶻ", np.exp),
    }
    for ax, (kind, r) in zip(axes, results.items(), strict=True):
        label, f = curves[kind]
        w, b = r["neuron"]
        z = r["X"] @ w + b
        y = r["y"]
        if kind == "logistic":  # jitter 0/1 labels so the points do not overlap
            y = y + np.random.default_rng(0).uniform(-0.04, 0.04, y.shape)
        ax.scatter(z, y, s=9, alpha=0.45, color="C0", label="data")
        grid = np.linspace(z.min(), z.max(), 200)
        ax.plot(grid, f(grid), color="C3", lw=2, label=f"neuron, {label}")
        we, be = r["estimator"]
        ax.plot(r["X"] @ we + be, f(r["X"] @ we + be), "k.", ms=2.5, label="estimator's prediction")
        ax.set_xlabel("z = ⟨x, w⟩ + b (fitted)")
        ax.set_ylabel({"linear": "y", "logistic": "y (0/1, jittered)", "poisson": "count y"}[kind])
        ax.set_title(
            f"{kind.capitalize()} regression (max |Δweight| {r['max_abs_diff']:.0e})", fontsize=10
        )
        ax.legend(fontsize=8, loc="center right" if kind == "logistic" else "upper left")
    fig.suptitle("One neuron y = f(⟨x, w⟩ + b) with three activations = three linear models")
    return save_figure(fig, path, dpi=90)
