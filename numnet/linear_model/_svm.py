"""Linear support vector machine (hinge loss + L2) by dual coordinate descent."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import validate_data

from numnet.linear_model._base import LinearClassifierMixin, LinearModel, label_matrix
from numnet.linear_model._validation import BOOLEAN, POSITIVE, POSITIVE_INT, check_params


def hinge_dual_coordinate_descent(X, y, C, *, max_iter, tol, rng):
    """Solve min_w ½‖w‖² + C Σᵢ max(0, 1 − yᵢxᵢw) through its dual (Hsieh et al., 2008):

        min_a ½ Σᵢⱼ aᵢaⱼyᵢyⱼxᵢxⱼ − Σᵢ aᵢ   subject to 0 ≤ aᵢ ≤ C,   w = Σᵢ aᵢyᵢxᵢ.

    Each step minimizes over one aᵢ exactly: with the gradient gᵢ = yᵢxᵢw − 1,
    aᵢ ← clip(aᵢ − gᵢ/‖xᵢ‖², 0, C), and w follows. The samples with aᵢ > 0 are
    the support vectors (seed 003 §2.1.9). Samples stuck at a bound whose
    gradient pushes further out are set aside ("shrinking"), and all are
    checked again before stopping, when the projected gradients of a sweep span
    ≤ tol (liblinear's algorithm and criterion). Returns (w, n_iter, converged).
    """
    n = len(X)
    a = [0.0] * n
    w = np.zeros(X.shape[1])
    rows = list(X)  # row views, built once: indexing X[i] in the loop costs more
    sq_norms = np.einsum("ij,ij->i", X, X).tolist()
    labels = y.tolist()
    active = [i for i in range(n) if sq_norms[i] > 0.0]
    everyone = len(active)
    pg_max_old, pg_min_old = np.inf, -np.inf
    for n_iter in range(1, max_iter + 1):
        pg_max, pg_min = -np.inf, np.inf
        kept = []
        for i in rng.permutation(active).tolist():
            yi, ai = labels[i], a[i]
            g = yi * float(rows[i] @ w) - 1.0
            if ai == 0.0:
                if g > pg_max_old:  # at the lower bound and pushed down: shrink
                    continue
                pg = min(g, 0.0)
            elif ai == C:
                if g < pg_min_old:  # at the upper bound and pushed up: shrink
                    continue
                pg = max(g, 0.0)
            else:
                pg = g
            kept.append(i)
            pg_max, pg_min = max(pg_max, pg), min(pg_min, pg)
            if abs(pg) > 1e-12:
                new = min(max(ai - g / sq_norms[i], 0.0), C)
                w += ((new - ai) * yi) * rows[i]
                a[i] = new
        active = kept
        if pg_max - pg_min <= tol:
            if len(active) == everyone:
                return w, n_iter, True
            # converged on the active set: bring everyone back for a final check
            active = [i for i in range(n) if sq_norms[i] > 0.0]
            pg_max_old, pg_min_old = np.inf, -np.inf
            continue
        pg_max_old = pg_max if pg_max > 0 else np.inf
        pg_min_old = pg_min if pg_min < 0 else -np.inf
    return w, max_iter, False


class LinearSVC(LinearClassifierMixin, LinearModel):
    """Linear support vector classifier: hinge loss with an L2 penalty, one-vs-rest
    beyond two classes.

    Minimizes, for labels yᵢ ∈ {−1, +1} (per class, one-vs-rest),

        ½‖w‖² + ½(b/s)² + C Σᵢ max(0, 1 − yᵢ(xᵢw + b)),   s = intercept_scaling,

    seed 003's hinge objective λ‖w‖² + Σᵢ max(0, 1 − Mᵢ) with λ = 1/(2C). As in
    liblinear, b is learned as the weight of a constant feature of value s and
    so is lightly penalized. This is exactly the objective of
    :class:`sklearn.svm.LinearSVC` with ``loss="hinge"`` and the same C and s.

    Parameters
    ----------
    C : float, default=1.0
        Weight of the hinge losses, C > 0 (larger: a harder margin).
    fit_intercept : bool, default=True
    intercept_scaling : float, default=1.0
        The value s of the constant feature; a larger s penalizes b less.
    tol : float, default=1e-4
        Stop when the projected dual gradients of a sweep span ≤ tol.
    max_iter : int, default=1000
        Maximum number of sweeps over the samples.
    random_state : int, RandomState instance or None, default=None
        Seeds the order in which the dual variables are visited.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_iter_ : int
        Sweeps done (the most over the one-vs-rest problems).
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from numnet.linear_model import LinearSVC
    >>> X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    >>> model = LinearSVC(C=10.0, random_state=0).fit(X, [0, 0, 1, 1])
    >>> model.predict([[-0.5], [0.5]]).tolist()
    [0, 1]
    """

    _parameter_rules = {
        "C": POSITIVE,
        "fit_intercept": BOOLEAN,
        "intercept_scaling": POSITIVE,
        "tol": POSITIVE,
        "max_iter": POSITIVE_INT,
    }

    def __init__(
        self, *, C=1.0, fit_intercept=True, intercept_scaling=1.0, tol=1e-4, max_iter=1000,
        random_state=None,
    ):  # fmt: skip
        self.C = C
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.tol = tol
        self.max_iter = max_iter
        self.random_state = random_state

    def fit(self, X, y):
        """Fit to X of shape (n_samples, n_features) and class labels y. Returns self."""
        check_params(self)
        X, y = validate_data(self, X, y, dtype=np.float64)
        Y = label_matrix(self._encode_labels(y), len(self.classes_), negative=-1.0)
        s = float(self.intercept_scaling)
        if self.fit_intercept:
            X = np.hstack([X, np.full((len(X), 1), s)])
        rng = check_random_state(self.random_state)
        weights, n_iters = [], []
        for k in range(Y.shape[1]):
            w, n_iter, converged = hinge_dual_coordinate_descent(
                X, Y[:, k], float(self.C), max_iter=self.max_iter, tol=self.tol, rng=rng
            )
            weights.append(w)
            n_iters.append(n_iter)
            if not converged:
                warnings.warn(
                    f"LinearSVC did not converge in max_iter={self.max_iter} sweeps; increase "
                    "max_iter or scale the data",
                    ConvergenceWarning,
                    stacklevel=2,
                )
        W = np.array(weights)
        if self.fit_intercept:
            self.coef_, self.intercept_ = W[:, :-1].copy(), W[:, -1] * s
        else:
            self.coef_, self.intercept_ = W, np.zeros(len(W))
        self.n_iter_ = max(n_iters)
        return self
