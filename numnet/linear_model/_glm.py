"""Poisson regression: a generalized linear model with the log link."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils.validation import validate_data

from numnet.linear_model._base import IterativeMixin, LinearModel
from numnet.linear_model._loss import PoissonLoss
from numnet.linear_model._validation import (
    BOOLEAN,
    LEARNING_RATE,
    NON_NEGATIVE,
    POSITIVE_INT,
    Options,
    check_params,
)


class PoissonRegressor(IterativeMixin, RegressorMixin, LinearModel):
    """Poisson regression: counts y ~ Poisson(μ) with μ = exp(xw + b).

    Minimizes the mean negative log-likelihood with an L2 penalty,

        (1/n) Σᵢ (exp(xᵢw + b) − yᵢ(xᵢw + b)) + (α/2)‖w‖²,

    which differs from the objective of :class:`sklearn.linear_model.PoissonRegressor`,
    (1/(2n)) Σᵢ deviance(yᵢ, μᵢ) + (α/2)‖w‖², only by a constant: the same α gives
    the same solution. b is not penalized.

    Parameters
    ----------
    alpha : float, default=1.0
        L2 penalty strength α ≥ 0.
    fit_intercept : bool, default=True
    solver : {"lbfgs", "gd"}, default="lbfgs"
        ``"lbfgs"``: quasi-Newton. ``"gd"``: gradient descent with Nesterov
        momentum and backtracking (needed: exp has no global Lipschitz bound).
    lr : "auto" or float, default="auto"
        Initial step of ``"gd"``'s line search (``"auto"`` = 1).
    max_iter : int, default=100
    tol : float, default=1e-4
        Stop when the ∞-norm of the gradient is ≤ tol.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_iter_ : int
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from numnet.linear_model import PoissonRegressor
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> y = np.array([1.0, 3.0, 7.0, 20.0])
    >>> model = PoissonRegressor(alpha=0.0, tol=1e-8).fit(X, y)
    >>> round(float(model.coef_[0]), 3), model.predict([[4.0]]).round(1).tolist()
    (0.986, [53.1])
    """

    _loss = PoissonLoss()
    _parameter_rules = {
        "alpha": NON_NEGATIVE,
        "fit_intercept": BOOLEAN,
        "solver": Options("lbfgs", "gd"),
        "lr": LEARNING_RATE,
        "max_iter": POSITIVE_INT,
        "tol": NON_NEGATIVE,
    }

    def __init__(
        self, *, alpha=1.0, fit_intercept=True, solver="lbfgs", lr="auto", max_iter=100, tol=1e-4
    ):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.lr = lr
        self.max_iter = max_iter
        self.tol = tol

    def _penalties(self, n_samples):
        return float(self.alpha), 0.0

    def _initial_intercept(self, Y):
        return np.log(Y.mean(axis=0))  # the optimum when w = 0

    def fit(self, X, y):
        """Fit to X of shape (n_samples, n_features) and counts y ≥ 0. Returns self."""
        check_params(self)
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        if y.min() < 0 or y.sum() <= 0:
            raise ValueError(
                "PoissonRegressor: y must be non-negative counts with a positive sum, got "
                f"min(y)={float(y.min())!r}, sum(y)={float(y.sum())!r}"
            )
        W, b = self._fit_iterative(X, y[:, None])
        self._set_coef(W, b, single_output=True)
        return self

    def predict(self, X) -> np.ndarray:
        """Predicted means μ = exp(X·coef_ + intercept_), shape (n_samples,)."""
        return np.exp(self._decision(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = True
        return tags
