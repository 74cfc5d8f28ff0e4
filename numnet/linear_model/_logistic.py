"""Logistic regression: binary (sigmoid) and multinomial (softmax)."""

from __future__ import annotations

import numpy as np
from scipy.special import expit, log_softmax, softmax
from sklearn.utils.validation import validate_data

from numnet.linear_model._base import (
    ClassifierPartialFitMixin,
    IterativeMixin,
    LinearClassifierMixin,
    LinearModel,
    label_matrix,
)
from numnet.linear_model._loss import LogisticLoss, SoftmaxLoss
from numnet.linear_model._validation import (
    BOOLEAN,
    LEARNING_RATE,
    POSITIVE,
    POSITIVE_INT,
    TOLERANCE,
    Options,
    check_params,
)

# penalty -> (l2, l1) of the mean-scale objective, for C and n: C·Σℓ + R(w) divided by C·n
_PENALTIES = {
    "l2": lambda C, n: (1.0 / (C * n), 0.0),
    "l1": lambda C, n: (0.0, 1.0 / (C * n)),
    None: lambda C, n: (0.0, 0.0),
}


class LogisticRegression(
    IterativeMixin, ClassifierPartialFitMixin, LinearClassifierMixin, LinearModel
):
    """Logistic regression: binary with the sigmoid, multinomial (softmax) beyond two classes.

    Minimizes

        C Σᵢ ℓ(xᵢW + b, yᵢ) + R(W),

    with ℓ the negative log-likelihood, ln(1 + eᶻ) − yz for two classes
    (p = σ(z), one weight vector) and ln Σₖ e^{zₖ} − z_{yᵢ} for K > 2 classes
    (p = softmax(z), K weight vectors), and R(W) = ½‖W‖² for ``penalty="l2"``,
    ‖W‖₁ for ``"l1"`` and 0 for ``None``; the intercept b is never penalized.
    This is the objective of :class:`sklearn.linear_model.LogisticRegression`
    with the same C (``penalty="l1"`` ↔ its ``l1_ratio=1``, ``None`` ↔ ``C=np.inf``).
    The solvers minimize it divided by C·n: ``l2`` or ``l1`` = 1/(C·n).

    Parameters
    ----------
    penalty : {"l2", "l1", None}, default="l2"
    C : float, default=1.0
        Inverse penalty strength, C > 0.
    fit_intercept : bool, default=True
    solver : {"lbfgs", "gd", "sgd"}, default="lbfgs"
        ``"lbfgs"``: quasi-Newton on the smooth objective (not with ``"l1"``).
        ``"gd"``: full-batch proximal gradient descent with Nesterov momentum and
        backtracking (soft thresholding for ``"l1"``, which gives exact zeros).
        ``"sgd"``: mini-batch proximal SGD; enables :meth:`partial_fit`.
    lr : "auto" or float, default="auto"
        SGD step (``"auto"``: 1/(κ(maxᵢ‖xᵢ‖² + 1) + l2) with κ = 1/4 for the
        sigmoid and 1/2 for the softmax), or the initial step of ``"gd"``.
    max_iter : int, default=100
        Iterations of ``"lbfgs"`` and ``"gd"``, epochs of ``"sgd"``.
    tol : float or None, default=1e-4
        Gradient ∞-norm at which ``"lbfgs"`` and ``"gd"`` stop; minimal epoch
        improvement for ``"sgd"``.
    batch_size : int, default=128
    n_iter_no_change : int, default=5
    shuffle : bool, default=True
    random_state : int, RandomState instance or None, default=None
        Seeds the SGD shuffling.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) for two classes, else (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_iter_ : int
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from numnet.linear_model import LogisticRegression
    >>> X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    >>> model = LogisticRegression(C=10.0).fit(X, ["no", "no", "yes", "yes"])
    >>> model.predict([[-3.0], [0.5]]).tolist()
    ['no', 'yes']
    >>> model.predict_proba([[0.0]]).round(3).tolist()
    [[0.5, 0.5]]
    """

    _parameter_rules = {
        "penalty": Options("l2", "l1", None),
        "C": POSITIVE,
        "fit_intercept": BOOLEAN,
        "solver": Options("lbfgs", "gd", "sgd"),
        "lr": LEARNING_RATE,
        "max_iter": POSITIVE_INT,
        "tol": TOLERANCE,
        "batch_size": POSITIVE_INT,
        "n_iter_no_change": POSITIVE_INT,
        "shuffle": BOOLEAN,
    }

    def __init__(
        self, penalty="l2", *, C=1.0, fit_intercept=True, solver="lbfgs", lr="auto",
        max_iter=100, tol=1e-4, batch_size=128, n_iter_no_change=5, shuffle=True,
        random_state=None,
    ):  # fmt: skip
        self.penalty = penalty
        self.C = C
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.lr = lr
        self.max_iter = max_iter
        self.tol = tol
        self.batch_size = batch_size
        self.n_iter_no_change = n_iter_no_change
        self.shuffle = shuffle
        self.random_state = random_state

    @property
    def _loss(self):
        return LogisticLoss() if len(self.classes_) == 2 else SoftmaxLoss()

    def _penalties(self, n_samples):
        return _PENALTIES[self.penalty](self.C, n_samples)

    def _check_solver(self) -> None:
        check_params(self)
        if self.penalty == "l1" and self.solver == "lbfgs":
            raise ValueError(
                "LogisticRegression: solver='lbfgs' supports penalty 'l2' or None, got "
                "penalty='l1'; use solver='gd' or 'sgd'"
            )

    def _targets(self, y_index: np.ndarray) -> np.ndarray:
        return label_matrix(y_index, len(self.classes_))

    def fit(self, X, y):
        """Fit to X of shape (n_samples, n_features) and class labels y. Returns self."""
        self._check_solver()
        X, y = validate_data(self, X, y, dtype=np.float64)
        Y = self._targets(self._encode_labels(y))
        W, b = self._fit_iterative(X, Y)
        self._set_coef(W, b, single_output=False)
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes): [1 − σ(z), σ(z)] for two
        classes, softmax(z) otherwise."""
        scores = self._decision(X)
        if scores.shape[1] == 1:
            p = expit(scores)
            return np.hstack([1.0 - p, p])
        return softmax(scores, axis=1)

    def predict_log_proba(self, X) -> np.ndarray:
        """Logarithm of :meth:`predict_proba`, computed stably."""
        scores = self._decision(X)
        if scores.shape[1] == 1:
            return np.hstack([-np.logaddexp(0.0, scores), -np.logaddexp(0.0, -scores)])
        return log_softmax(scores, axis=1)


# Multinomial (softmax) regression is LogisticRegression fitted to more than two classes.
SoftmaxRegression = LogisticRegression
