"""Ordinary least squares: exact (orthogonal factorization), gradient descent, or SGD."""

from __future__ import annotations

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
    POSITIVE_INT,
    TOLERANCE,
    Options,
    check_params,
)


def lstsq(X: np.ndarray, Y: np.ndarray, fit_intercept: bool) -> tuple[np.ndarray, np.ndarray]:
    """W = argmin ‖X_c W − Y_c‖ and b = ȳ − x̄W, by LAPACK's gelsy.

    gelsy factors X_c Π = Q R with column pivoting and solves R W = Qᵀ Y_c; its
    error grows like κ(X), where the normal equations W = (XᵀX)⁻¹XᵀY pay
    κ(XᵀX) = κ(X)² (seed 003 §2.1.6, multicollinearity). For a rank-deficient X
    it returns the minimum-norm solution, as the SVD-based gelsd would, faster.
    """
    Xc, Yc, x_mean, y_mean = center(X, Y, fit_intercept)
    W = scipy.linalg.lstsq(
        Xc, Yc, lapack_driver="gelsy", check_finite=False,
        overwrite_a=fit_intercept, overwrite_b=fit_intercept,  # only our own centered copies
    )[0]  # fmt: skip
    return W, y_mean - x_mean @ W


class LinearRegression(IterativeMixin, RegressorPartialFitMixin, LinearRegressorMixin, LinearModel):
    """Ordinary least squares linear regression.

    Minimizes the mean squared error

        (1/(2n)) Σᵢ ‖yᵢ − xᵢW − b‖²,

    seed 003's ‖Xw − y‖² scaled by 1/(2n), which changes no minimizer. With no
    penalty there is no α to rescale: the solution is the one of
    :class:`sklearn.linear_model.LinearRegression`.

    Parameters
    ----------
    solver : {"lstsq", "gd", "sgd"}, default="lstsq"
        ``"lstsq"``: exact, by a column-pivoted QR factorization of the centered X
        (never by inverting XᵀX). ``"gd"``: full-batch gradient descent on the
        analytic gradient Xᵀ(Xw + b − y)/n, with Nesterov momentum and
        backtracking. ``"sgd"``: mini-batch SGD; enables :meth:`partial_fit`.
    fit_intercept : bool, default=True
        Learn the unpenalized intercept b (otherwise b = 0).
    lr : "auto" or float, default="auto"
        Step size. For ``"sgd"``, ``"auto"`` is 1/(maxᵢ‖xᵢ‖² + 1), the largest
        step that is safe for every batch. For ``"gd"`` it is the initial step
        of the backtracking line search (``"auto"`` = 1).
    max_iter : int, default=1000
        Iterations of ``"gd"``, epochs of ``"sgd"``.
    tol : float or None, default=1e-4
        ``"gd"`` stops when the ∞-norm of the gradient is ≤ tol; ``"sgd"`` when
        the epoch's mean objective has not dropped by tol for
        ``n_iter_no_change`` epochs (``None``: run all ``max_iter`` epochs).
    batch_size : int, default=128
        Rows per SGD step.
    n_iter_no_change : int, default=5
        SGD epochs without improvement before stopping.
    shuffle : bool, default=True
        Visit the samples in a new random order each SGD epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds the SGD shuffling; a fixed seed gives bit-identical fits.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : int
        Iterations (``"gd"``), epochs (``"sgd"``), or 1 for the direct solve.
    lr_ : float
        The SGD step size used (``"sgd"`` only).
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from numnet.linear_model import LinearRegression
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 3.0]])
    >>> y = X @ np.array([2.0, -1.0]) + 0.5
    >>> model = LinearRegression().fit(X, y)
    >>> model.coef_.round(6).tolist(), round(model.intercept_, 6)
    ([2.0, -1.0], 0.5)
    >>> model.predict([[1.0, 1.0]]).round(6).tolist()
    [1.5]
    """

    _loss = SquaredLoss()
    _parameter_rules = {
        "solver": Options("lstsq", "gd", "sgd"),
        "fit_intercept": BOOLEAN,
        "lr": LEARNING_RATE,
        "max_iter": POSITIVE_INT,
        "tol": TOLERANCE,
        "batch_size": POSITIVE_INT,
        "n_iter_no_change": POSITIVE_INT,
        "shuffle": BOOLEAN,
    }

    def __init__(
        self, *, solver="lstsq", fit_intercept=True, lr="auto", max_iter=1000, tol=1e-4,
        batch_size=128, n_iter_no_change=5, shuffle=True, random_state=None,
    ):  # fmt: skip
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
        return 0.0, 0.0

    def fit(self, X, y):
        """Fit the model to X of shape (n_samples, n_features) and y of shape
        (n_samples,) or (n_samples, n_targets). Returns self."""
        check_params(self)
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True, y_numeric=True)
        Y, single_output = as_2d_target(y)
        if self.solver == "lstsq":
            W, b = lstsq(X, Y, self.fit_intercept)
            self.n_iter_ = 1
        else:
            W, b = self._fit_iterative(X, Y)
        self._set_coef(W, b, single_output)
        return self
