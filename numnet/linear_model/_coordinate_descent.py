"""Lasso and elastic net by cyclic coordinate descent with covariance updates."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import validate_data

from numnet.linear_model._base import LinearModel, LinearRegressorMixin, as_2d_target, center
from numnet.linear_model._validation import (
    BOOLEAN,
    NON_NEGATIVE,
    POSITIVE_INT,
    Interval,
    Options,
    check_params,
)


def enet_coordinate_descent(G, c, yy, l1, l2, w, *, max_iter, tol, rng=None):
    """Minimize ½wᵀGw − cᵀw + l1‖w‖₁ + (l2/2)‖w‖² over w, in place.

    With G = XcᵀXc/n, c = Xcᵀyc/n and yy = ycᵀyc/n this is the elastic-net
    objective (1/(2n))‖yc − Xcw‖² + l1‖w‖₁ + (l2/2)‖w‖² minus the constant yy/2.
    Coordinate j is minimized exactly, in closed form (Friedman et al., 2010):

        w_j ← S(c_j − Σ_{k≠j} G_jk w_k, l1) / (G_jj + l2),   S(z, t) = sign(z)·max(|z| − t, 0),

    and q = Gw is kept up to date, so a sweep costs O(d²) whatever n is. The soft
    threshold S is what sets weak features to exactly zero (seed 003 §2.1.7).

    Stops when the duality gap is ≤ tol·yy (scikit-learn's criterion, checked
    when the largest coordinate change is ≤ tol·max|w|). ``rng`` given: visit
    the coordinates in a fresh random order each sweep. Returns (n_iter, gap).
    """
    d = len(w)
    q = G @ w
    diag = np.diag(G).tolist()
    gap = np.inf
    for n_iter in range(1, max_iter + 1):
        max_change = max_weight = 0.0
        for j in range(d) if rng is None else rng.permutation(d):
            if diag[j] == 0.0:  # a constant feature after centering
                continue
            old = w[j]
            rho = c[j] - q[j] + diag[j] * old
            shrunk = rho - l1 if rho > l1 else rho + l1 if rho < -l1 else 0.0
            new = shrunk / (diag[j] + l2)
            if new != old:
                q += G[j] * (new - old)  # G is symmetric: row j is column j, contiguous
                w[j] = new
            max_change = max(max_change, abs(new - old))
            max_weight = max(max_weight, abs(new))
        if max_weight == 0.0 or max_change <= tol * max_weight or n_iter == max_iter:
            gap = duality_gap(c, q, yy, l1, l2, w)
            if gap <= tol * yy:
                return n_iter, gap
    return max_iter, gap


def duality_gap(c, q, yy, l1, l2, w) -> float:
    """Primal minus dual objective at w, from the Gram quantities alone.

    With r = yc − Xcw: ‖r‖²/n = yy − 2cᵀw + wᵀq, rᵀyc/n = yy − cᵀw and Xcᵀr/n = c − q.
    These are scikit-learn's three cases, divided by n: for l1 > 0 the dual point
    is r scaled so that ‖Xcᵀr/n − l2·w‖_∞ ≤ l1; for l1 = 0 < l2, the ridge dual;
    for l1 = l2 = 0 there is no dual, and ‖Xcᵀr/n‖² (the gradient) stands in.
    """
    r_norm2 = yy - 2 * (c @ w) + w @ q
    r_dot_y = yy - c @ w
    w_norm2 = w @ w
    if l1 == 0.0:
        xtr_norm2 = (c - q) @ (c - q)
        if l2 == 0.0:
            return float(xtr_norm2)
        return float(r_norm2 + 0.5 * l2 * w_norm2 - r_dot_y + xtr_norm2 / (2 * l2))
    dual_norm = np.max(np.abs(c - q - l2 * w), initial=0.0)
    scale = l1 / dual_norm if dual_norm > l1 else 1.0
    primal = 0.5 * (r_norm2 + l2 * w_norm2) + l1 * np.abs(w).sum()
    dual = -0.5 * scale**2 * (r_norm2 + l2 * w_norm2) + scale * r_dot_y
    return float(primal - dual)


class _CoordinateDescent(LinearRegressorMixin, LinearModel):
    """Shared fit of :class:`ElasticNet` and :class:`Lasso`."""

    def fit(self, X, y):
        """Fit to X of shape (n_samples, n_features) and y of shape (n_samples,) or
        (n_samples, n_targets). Returns self."""
        check_params(self)
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True, y_numeric=True)
        Y, single_output = as_2d_target(y)
        n = len(X)
        Xc, Yc, x_mean, y_mean = center(X, Y, self.fit_intercept)
        G = Xc.T @ Xc / n
        C = Xc.T @ Yc / n
        l1 = self.alpha * self._l1_ratio()
        l2 = self.alpha * (1.0 - self._l1_ratio())
        rng = check_random_state(self.random_state) if self.selection == "random" else None
        W = np.zeros((X.shape[1], Y.shape[1]))
        n_iters, gaps = [], []
        for k in range(Y.shape[1]):
            yy = float(Yc[:, k] @ Yc[:, k]) / n
            n_iter, gap = enet_coordinate_descent(
                G, C[:, k], yy, l1, l2, W[:, k], max_iter=self.max_iter, tol=self.tol, rng=rng
            )
            n_iters.append(n_iter)
            gaps.append(gap)
            if gap > self.tol * yy:
                warnings.warn(
                    f"{type(self).__name__} did not converge: duality gap {gap:.3g} > "
                    f"tol·‖y‖²/n = {self.tol * yy:.3g} after {n_iter} sweeps; increase "
                    "max_iter or tol, or scale the data",
                    ConvergenceWarning,
                    stacklevel=2,
                )
        self._set_coef(W, y_mean - x_mean @ W, single_output)
        self.n_iter_ = max(n_iters)
        self.dual_gap_ = gaps[0] if single_output else np.array(gaps)
        return self


_RULES = {
    "alpha": NON_NEGATIVE,
    "fit_intercept": BOOLEAN,
    "max_iter": POSITIVE_INT,
    "tol": NON_NEGATIVE,
    "selection": Options("cyclic", "random"),
}


class ElasticNet(_CoordinateDescent):
    """Linear regression with a mixed L1 and L2 penalty, fitted by coordinate descent.

    Minimizes

        (1/(2n))‖y − Xw − b‖² + α·ρ‖w‖₁ + (α(1 − ρ)/2)‖w‖²,   ρ = l1_ratio,

    exactly the objective of :class:`sklearn.linear_model.ElasticNet` (same α and
    ρ); b is not penalized (X and y are centered). Note the 1/(2n): this α is
    :class:`Ridge`'s α divided by n when ρ = 0.

    Parameters
    ----------
    alpha : float, default=1.0
    l1_ratio : float in [0, 1], default=0.5
    fit_intercept : bool, default=True
    max_iter : int, default=1000
        Maximum number of sweeps over the coordinates.
    tol : float, default=1e-4
        Stop when the duality gap is ≤ tol·‖y − ȳ‖²/n.
    selection : {"cyclic", "random"}, default="cyclic"
        Visit coordinates in order, or in a random order each sweep.
    random_state : int, RandomState instance or None, default=None
        Seeds ``selection="random"``.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : int
        Sweeps done (the most over targets).
    dual_gap_ : float or ndarray of shape (n_targets,)
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from numnet.linear_model import ElasticNet
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0], [3.0, 1.0]])
    >>> model = ElasticNet(alpha=0.1, l1_ratio=0.5).fit(X, 2 * X[:, 0])
    >>> model.coef_.round(3).tolist()
    [1.885, 0.0]
    """

    _parameter_rules = {**_RULES, "l1_ratio": Interval(0.0, 1.0, closed="both")}

    def __init__(
        self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, max_iter=1000, tol=1e-4,
        selection="cyclic", random_state=None,
    ):  # fmt: skip
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.selection = selection
        self.random_state = random_state

    def _l1_ratio(self) -> float:
        return float(self.l1_ratio)


class Lasso(_CoordinateDescent):
    """Linear regression with an L1 penalty, fitted by coordinate descent; weak
    features get weights of exactly zero.

    Minimizes

        (1/(2n))‖y − Xw − b‖² + α‖w‖₁,

    exactly the objective of :class:`sklearn.linear_model.Lasso` (same α); b is
    not penalized. It is :class:`ElasticNet` with ``l1_ratio=1``.

    Parameters
    ----------
    alpha : float, default=1.0
    fit_intercept : bool, default=True
    max_iter : int, default=1000
        Maximum number of sweeps over the coordinates.
    tol : float, default=1e-4
        Stop when the duality gap is ≤ tol·‖y − ȳ‖²/n.
    selection : {"cyclic", "random"}, default="cyclic"
    random_state : int, RandomState instance or None, default=None

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : int
    dual_gap_ : float or ndarray of shape (n_targets,)
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from numnet.linear_model import Lasso
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0], [3.0, 1.0]])
    >>> model = Lasso(alpha=0.1).fit(X, 2 * X[:, 0])
    >>> model.coef_.round(3).tolist()  # the useless second feature is exactly zero
    [1.92, 0.0]
    """

    _parameter_rules = _RULES

    def __init__(
        self, alpha=1.0, *, fit_intercept=True, max_iter=1000, tol=1e-4, selection="cyclic",
        random_state=None,
    ):  # fmt: skip
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.selection = selection
        self.random_state = random_state

    def _l1_ratio(self) -> float:
        return 1.0
