"""Seed 003's linear models with ``numnet.linear_model``.

* Least squares ``min_w ‖Xw − y‖²``: exactly (a QR solve, never an inverse of
  XᵀX), by gradient descent on ``∇L = 2Xᵀ(Xw − y)/n``, and by SGD on
  mini-batches: three routes to the same coefficients.
* Ridge ``min ‖y − Xw − b‖² + λ‖w‖²`` has the closed form
  ``(XᵀX + λI)⁻¹Xᵀy`` with the intercept left out of the penalty; as λ grows
  every coefficient shrinks smoothly towards 0 (the ridge path).
* Lasso ``min (1/2n)‖y − Xw − b‖² + α‖w‖₁`` sets coefficients to exactly 0,
  more of them as α grows: it selects features.
* Logistic regression ``p(y = 1 | x) = σ(xw + b)``: its decision boundary
  ``xw + b = 0`` is a straight line.
* K classes (seed 003 §2.1.11): one-vs-all (K binary classifiers, the most
  confident wins), all-vs-all (K(K − 1)/2 classifiers on pairs, a vote), and
  softmax regression ``p(k | x) = softmax(xW + b)ₖ``, compared on iris.

Ridge by hand, with A = [X, 1] and the intercept's diagonal entry left at 0:

>>> import numpy as np
>>> from numnet.linear_model import Ridge
>>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([1.0, 3.0, 4.0, 8.0])
>>> A = np.column_stack([X, np.ones(4)]); D = np.diag([1.0, 0.0])
>>> w, b = np.linalg.solve(A.T @ A + 2.0 * D, A.T @ y)
>>> model = Ridge(alpha=2.0).fit(X, y)
>>> bool(np.isclose(model.coef_[0], w) and np.isclose(model.intercept_, b))
True
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

TITLE = "Seed 003's linear models: exact/GD/SGD, ridge and lasso paths, iris three ways"


# ------------------------------------------------- least squares, 3 routes
def _regression_data(rng: np.random.Generator, n: int, d: int, informative: int) -> tuple:
    """y = X w_true + 1.5 + noise, with only the first ``informative`` weights non-zero."""
    X = rng.normal(size=(n, d))
    X[:, 1] += 0.6 * X[:, 0]  # some correlation, as real features have
    w_true = np.zeros(d)
    w_true[:informative] = rng.uniform(1.0, 3.0, informative) * rng.choice([-1, 1], informative)
    y = X @ w_true + 1.5 + 0.5 * rng.normal(size=n)
    return X, y, w_true


def _three_solvers(X: np.ndarray, y: np.ndarray, seed: int) -> dict[str, Any]:
    from numnet.linear_model import LinearRegression

    models = {
        "exact (lstsq)": LinearRegression(solver="lstsq"),
        "GD": LinearRegression(solver="gd", tol=1e-8, max_iter=5000),
        "SGD (B=16)": LinearRegression(
            solver="sgd", batch_size=16, max_iter=200, tol=1e-6, random_state=seed
        ),
    }
    return {name: model.fit(X, y) for name, model in models.items()}


# ------------------------------------------------------------- ridge path
def _ridge_closed_form(X: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    """[w, b] = (AᵀA + λD)⁻¹Aᵀy with A = [X, 1] and D = diag(1, …, 1, 0): b is not penalized."""
    A = np.column_stack([X, np.ones(len(X))])
    D = np.eye(A.shape[1])
    D[-1, -1] = 0.0
    return np.linalg.solve(A.T @ A + lam * D, A.T @ y)


def _ridge_path(X: np.ndarray, y: np.ndarray, lams: np.ndarray) -> dict[str, Any]:
    from numnet.linear_model import Ridge

    coefs, gaps = [], []
    for lam in lams:
        model = Ridge(alpha=lam).fit(X, y)
        closed = _ridge_closed_form(X, y, lam)
        coefs.append(model.coef_)
        gaps.append(
            max(np.abs(model.coef_ - closed[:-1]).max(), abs(model.intercept_ - closed[-1]))
        )
    return {"coefs": np.array(coefs), "max_gap": float(max(gaps))}


# ------------------------------------------------------------- lasso path
def _lasso_path(X: np.ndarray, y: np.ndarray, alphas: np.ndarray) -> dict[str, Any]:
    from numnet.linear_model import Lasso

    coefs = np.array([Lasso(alpha=a, tol=1e-8, max_iter=10000).fit(X, y).coef_ for a in alphas])
    return {"coefs": coefs, "zeros": (coefs == 0.0).sum(axis=1).tolist()}


def _draw_paths(lams, ridge, alphas, lasso, w_true, path: Path) -> Path:
    from matplotlib.figure import Figure

    from numnet.plot import save_figure

    fig = Figure(figsize=(11, 4.2), layout="constrained")
    left, right = fig.subplots(1, 2)
    for j in range(ridge["coefs"].shape[1]):
        style = "-" if w_true[j] != 0 else "--"
        left.plot(lams, ridge["coefs"][:, j], style, color=f"C{j % 10}", label=f"$w_{{{j + 1}}}$")
        right.plot(alphas, lasso["coefs"][:, j], style, color=f"C{j % 10}")
    left.set_title("ridge: (XᵀX + λI)⁻¹Xᵀy shrinks every weight smoothly")
    left.set_xlabel("λ (log scale)")
    right.set_title("lasso: weights hit exactly 0 one by one")
    right.set_xlabel("α (log scale)")
    twin = right.twinx()
    twin.step(alphas, lasso["zeros"], where="mid", color="k", lw=1.5, alpha=0.6)
    twin.set_ylabel("number of exact zeros (black)")
    twin.set_ylim(-0.3, ridge["coefs"].shape[1] + 0.3)
    for ax in (left, right):
        ax.set_xscale("log")
        ax.set_ylabel("coefficient")
        ax.axhline(0.0, color="0.5", lw=0.8)
        ax.grid(alpha=0.3)
    left.legend(fontsize=8, ncol=2, title="solid: informative, dashed: noise", title_fontsize=8)
    return save_figure(fig, path, dpi=90)


# ------------------------------------------------ classification, 2 and 3 classes
def _logistic_boundary(seed: int, n: int, path: Path) -> dict[str, Any]:
    from numnet import data
    from numnet.linear_model import LogisticRegression
    from numnet.plot import plot_decision_boundary

    X, y = data.gauss(n, noise=0.35, seed=seed)
    model = LogisticRegression().fit(X, y)
    accuracy = float(model.score(X, y))
    title = f"logistic regression, accuracy {accuracy:.3f}:\nthe boundary xw + b = 0 is a line"
    fig = plot_decision_boundary(model, X, y, title=title)
    fig.set_size_inches(5.5, 4.6)
    from numnet.plot import save_figure

    return {
        "coef": model.coef_.ravel().tolist(),
        "intercept": float(model.intercept_[0]),
        "accuracy": accuracy,
        "figure": save_figure(fig, path, dpi=90),
    }


def _iris(seed: int) -> dict[str, Any]:
    """Train/test accuracy of one-vs-all, all-vs-all and softmax on iris (standardized)."""
    from sklearn.preprocessing import StandardScaler

    from numnet import data
    from numnet.linear_model import LogisticRegression, OneVsOneClassifier, OneVsRestClassifier

    X, y = data.load_iris()
    X_train, X_test, y_train, y_test = data.train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=seed
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    methods = {
        "one-vs-all": lambda: OneVsRestClassifier(LogisticRegression()),
        "all-vs-all": lambda: OneVsOneClassifier(LogisticRegression()),
        "softmax": lambda: LogisticRegression(),
    }
    petals = [2, 3]  # petal length and width: the two features the boundaries are drawn on
    results = {}
    for name, make in methods.items():
        full = make().fit(X_train, y_train)
        two = make().fit(X_train[:, petals], y_train)
        results[name] = {
            "train": float(full.score(X_train, y_train)),
            "test": float(full.score(X_test, y_test)),
            "test_2d": float(two.score(X_test[:, petals], y_test)),
            "model_2d": two,
        }
    return {"results": results, "X": X_train[:, petals], "y": y_train,
            "X_test": X_test[:, petals], "y_test": y_test}  # fmt: skip


def _draw_iris(iris: dict[str, Any], path: Path) -> Path:
    from matplotlib.figure import Figure

    from numnet.plot import plot_decision_boundary, save_figure

    fig = Figure(figsize=(12, 4.2), layout="constrained")
    axes = fig.subplots(1, 3, sharey=True)
    names = ("petal length (standardized)", "petal width (standardized)")
    for ax, (name, result) in zip(axes, iris["results"].items()):
        plot_decision_boundary(
            result["model_2d"], iris["X"], iris["y"], X_test=iris["X_test"],
            y_test=iris["y_test"], output="labels", discretize=True, ax=ax,
            title=f"{name}: test accuracy {result['test_2d']:.3f}",
            feature_names=names, resolution=150,
        )  # fmt: skip
    fig.suptitle("Iris, three classes, three linear reductions (● train, ▲ test)")
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
    """Run the demo; return the coefficients, paths and accuracies, and ``"figures"``."""
    out = Path(out)
    rng = np.random.default_rng(seed)
    X, y, w_true = _regression_data(rng, 100 if fast else 400, 8, informative=4)

    echo("1. Least squares three ways (numnet.linear_model.LinearRegression, solver=...):")
    fits = _three_solvers(X, y, seed)
    echo(f"  {'':<10}" + "".join(f"{name:>15}" for name in fits) + f"{'true':>10}")
    for j in range(X.shape[1]):
        row = "".join(f"{m.coef_[j]:>15.4f}" for m in fits.values())
        echo(f"  {'w' + str(j + 1):<10}{row}{w_true[j]:>10.4f}")
    echo(f"  {'b':<10}" + "".join(f"{m.intercept_:>15.4f}" for m in fits.values())
         + f"{1.5:>10.4f}")  # fmt: skip
    exact = fits["exact (lstsq)"].coef_
    gaps = {name: float(np.abs(m.coef_ - exact).max()) for name, m in fits.items()}
    echo(f"  max |w − w_exact|: GD {gaps['GD']:.1e}, SGD {gaps['SGD (B=16)']:.1e}"
         f" (after {fits['SGD (B=16)'].n_iter_} epochs); GD converges to the exact solution,"
         " SGD to its neighbourhood.")  # fmt: skip

    lams = np.logspace(-2, 4, 12 if fast else 40)
    ridge = _ridge_path(X, y, lams)
    echo("\n2. Ridge path: numnet.linear_model.Ridge(alpha=λ) against the closed form")
    echo(f"  (AᵀA + λD)⁻¹Aᵀy, A = [X, 1], D = diag(1, …, 1, 0): max difference over {len(lams)}"
         f" λ = {ridge['max_gap']:.1e}")  # fmt: skip
    norms = np.linalg.norm(ridge["coefs"], axis=1)
    echo(f"  ‖w‖ shrinks from {norms[0]:.3f} (λ = {lams[0]:g}) to {norms[-1]:.3f} "
         f"(λ = {lams[-1]:g}); exact zeros on the whole path: "
         f"{int((ridge['coefs'] == 0.0).sum())}.")  # fmt: skip

    alphas = np.logspace(-3, 0.8, 10 if fast else 40)
    lasso = _lasso_path(X, y, alphas)
    echo("\n3. Lasso (numnet.linear_model.Lasso): exact zeros as α grows")
    step = max(1, len(alphas) // 8)
    echo("  α      " + "".join(f"{a:>8.3f}" for a in alphas[::step]))
    echo("  zeros  " + "".join(f"{z:>8d}" for z in lasso["zeros"][::step]))
    noise = w_true == 0
    first = next(i for i, c in enumerate(lasso["coefs"]) if (c[noise] == 0).all())
    dropped = int((lasso["coefs"][first][~noise] == 0).sum())
    echo(
        f"  All {int(noise.sum())} noise weights are 0 from α = {alphas[first]:.3f} on, where "
        f"{dropped} of the {int((~noise).sum())} informative weights are 0."
    )
    figures = [_draw_paths(lams, ridge, alphas, lasso, w_true, out / "linear-models-paths.png")]

    echo("\n4. Logistic regression on two Gaussian clouds (linear_model.LogisticRegression):")
    logistic = _logistic_boundary(seed, 100 if fast else 300, out / "linear-models-logistic.png")
    w1, w2 = logistic["coef"]
    echo(f"  boundary {w1:.3f}·x1 + {w2:.3f}·x2 + {logistic['intercept']:.3f} = 0, "
         f"training accuracy {logistic['accuracy']:.3f}")  # fmt: skip
    figures.append(logistic["figure"])

    echo("\n5. Iris, 3 classes: OneVsRestClassifier, OneVsOneClassifier (on LogisticRegression)")
    echo("   and LogisticRegression itself, which is softmax regression for K > 2 classes:")
    iris = _iris(seed)
    echo(f"  {'method':<12}{'train':>8}{'test':>8}{'test, 2 petal features':>25}")
    for name, result in iris["results"].items():
        echo(f"  {name:<12}{result['train']:>8.3f}{result['test']:>8.3f}"
             f"{result['test_2d']:>25.3f}")  # fmt: skip
    figures.append(_draw_iris(iris, out / "linear-models-iris.png"))
    return {
        "w_true": w_true,
        "coef": {name: m.coef_.copy() for name, m in fits.items()},
        "intercept": {name: float(m.intercept_) for name, m in fits.items()},
        "lambdas": lams,
        "ridge_coefs": ridge["coefs"],
        "ridge_closed_form_gap": ridge["max_gap"],
        "alphas": alphas,
        "lasso_coefs": lasso["coefs"],
        "lasso_zeros": lasso["zeros"],
        "logistic": {k: v for k, v in logistic.items() if k != "figure"},
        "iris": {
            name: {k: v for k, v in r.items() if k != "model_2d"}
            for name, r in iris["results"].items()
        },  # fmt: skip
        "figures": figures,
    }
