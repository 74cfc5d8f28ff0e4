"""Ridge regression: least squares with an L2 penalty on the weights, not the intercept."""

from __future__ import annotations

import warnings

import numpy as np
import scipy.linalg
from sklearn.utils.validation import validate_data

from numnet.linear_model._base import (
    IterativeMixin,
    LinearModel,
    LinearRegressorMixin,
    RegressorPartialFitMixin,
    as_2d_target,
    center,
)
from numnet.linear_model._loss import SquaredLoss
from numnet.linear_model._validation import (
    BOOLEAN,
    LEARNING_RATE,
    NON_NEGATIVE,
    POSITIVE_INT,
    TOLERANCE,
    Options,
    check_params,
)


def solve_cholesky(Xc: np.ndarray, Yc: np.ndarray, alpha: float) -> np.ndarray:
    """W = (XcᵀXc + αI)⁻¹XcᵀYc, by a Cholesky factorization of the SPD matrix XcᵀXc + αI."""
    A = Xc.T @ Xc
    A.flat[:: A.shape[0] + 1] += alpha
    factor = scipy.linalg.cho_factor(A, overwrite_a=True, check_finite=False)
    return scipy.linalg.cho_solve(factor, Xc.T @ Yc, check_finite=False)


def solve_svd(Xc: np.ndarray, Yc: np.ndarray, alpha: float) -> np.ndarray:
    """W = V diag(sᵢ/(sᵢ² + α)) UᵀYc from the thin SVD Xc = U diag(s) Vᵀ.

    Directions with sᵢ at rounding level are dropped (the pseudo-inverse), so
    α = 0 on a rank-deficient X gives the minimum-norm least-squares solution.
    """
    U, s, Vt = scipy.linalg.svd(Xc, full_matrices=False, check_finite=False)
    keep = s > s.max(initial=0.0) * max(Xc.shape) * np.finfo(float).eps
    shrink = np.divide(s, s * s + alpha, out=np.zeros_like(s), where=keep)
    return Vt.T @ (shrink[:, None] * (U.T @ Yc))


def _solve_cholesky_or_svd(Xc, Yc, alpha):
    try:
        return solve_cholesky(Xc, Yc, alpha)
    except np.linalg.LinAlgError:
        warnings.warn(
            "Ridge: XᵀX + αI is singular (alpha=0 on collinear features); "
            "using the SVD solver's minimum-norm solution instead",
            UserWarning,
            stacklevel=4,
        )
        return solve_svd(Xc, Yc, alpha)


EXACT_SOLVERS = {"cholesky": _solve_cholesky_or_svd, "svd": solve_svd}


class Ridge(IterativeMixin, RegressorPartialFitMixin, LinearRegressorMixin, LinearModel):
    """Linear least squares with an L2 penalty on the weights (Tikhonov regularization).

    Minimizes

        ‖y − Xw − b‖² + α‖w‖²,

    exactly the objective of :class:`sklearn.linear_model.Ridge` (same α). The
    intercept b is not penalized: X and y are centered, w = (XcᵀXc + αI)⁻¹Xcᵀyc
    and b = ȳ − x̄w. The iterative solvers minimize the same objective divided
    by 2n, i.e. ``l2 = α/n`` in :mod:`numnet.linear_model._objective`.

    Parameters
    ----------
    alpha : float, default=1.0
        Penalty strength α ≥ 0.
    solver : {"cholesky", "svd", "gd", "sgd"}, default="cholesky"
        ``"cholesky"``: factor the centered Gram matrix XcᵀXc + αI (falls back to
        ``"svd"`` with a warning if it is singular). ``"svd"``: thin SVD of Xc,
        slower and the most stable. ``"gd"``: full-batch gradient descent with
        Nesterov momentum and backtracking. ``"sgd"``: mini-batch SGD; enables
        :meth:`partial_fit`, where n is the running count ``n_samples_seen_``.
    fit_intercept : bool, default=True
    lr : "auto" or float, default="auto"
        SGD step (``"auto"``: 1/(maxᵢ‖xᵢ‖² + 1 + α/n)), or the initial
        backtracking step of ``"gd"``.
    max_iter : int, default=1000
        Iterations of ``"gd"``, epochs of ``"sgd"``.
    tol : float or None, default=1e-4
        Gradient ∞-norm for ``"gd"``; minimal epoch improvement for ``"sgd"``.
    batch_size : int, default=128
    n_iter_no_change : int, default=5
    shuffle : bool, default=True
    random_state : int, RandomState instance or None, default=None

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : int
        Iterations or epochs (1 for the direct solvers).
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from numnet.linear_model import Ridge
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> y = np.array([1.0, 3.0, 5.0, 7.0])
    >>> model = Ridge(alpha=5.0).fit(X, y)  # w = Σxcyc/(Σxc² + α) = 10/10
    >>> round(float(model.coef_[0]), 6), round(model.intercept_, 6)
    (1.0, 2.5)
    """

    _loss = SquaredLoss()
    _parameter_rules = {
        "alpha": NON_NEGATIVE,
        "solver": Options("cholesky", "svd", "gd", "sgd"),
        "fit_intercept": BOOLEAN,
        "lr": LEARNING_RATE,
        "max_iter": POSITIVE_INT,
        "tol": TOLERANCE,
        "batch_size": POSITIVE_INT,
        "n_iter_no_change": POSITIVE_INT,
        "shuffle": BOOLEAN,
    }

    def __init__(
        self, alpha=1.0, *, solver="cholesky", fit_intercept=True, lr="auto", max_iter=1000,
        tol=1e-4, batch_size=128, n_iter_no_change=5, shuffle=True, random_state=None,
    ):  # fmt: skip
        self.alpha = alpha
        self.solver = solver
        self.fit_intercept = fit_intercept
        self.lr = lr
        self.max_iter = max_iter
        self.tol = tol
        self.batch_size = batch_size
        self.n_iter_no_change = n_iter_no_change
        self.shuffle = shuffle
        self.random_state = random_state

    def _penalties(self, n_samples):
        return self.alpha / n_samples, 0.0

    def fit(self, X, y):
        """Fit to X of shape (n_samples, n_features) and y of shape (n_samples,) or
        (n_samples, n_targets). Returns self."""
        check_params(self)
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True, y_numeric=True)
        Y, single_output = as_2d_target(y)
        if self.solver in EXACT_SOLVERS:
            Xc, Yc, x_mean, y_mean = center(X, Y, self.fit_intercept)
            W = EXACT_SOLVERS[self.solver](Xc, Yc, float(self.alpha))
            b = y_mean - x_mean @ W
            self.n_iter_ = 1
        else:
            W, b = self._fit_iterative(X, Y)
        self._set_coef(W, b, single_output)
        return self
