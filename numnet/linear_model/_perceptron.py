"""Rosenblatt's perceptron, as SGD on the perceptron loss."""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import validate_data

from numnet.linear_model._base import (
    ClassifierPartialFitMixin,
    IterativeMixin,
    LinearClassifierMixin,
    LinearModel,
    label_matrix,
)
from numnet.linear_model._loss import PerceptronLoss
from numnet.linear_model._validation import (
    BOOLEAN,
    NON_NEGATIVE,
    POSITIVE,
    POSITIVE_INT,
    TOLERANCE,
    check_params,
)


class Perceptron(IterativeMixin, ClassifierPartialFitMixin, LinearClassifierMixin, LinearModel):
    """The perceptron: SGD on the perceptron loss, one-vs-rest beyond two classes.

    Minimizes, for labels yᵢ ∈ {−1, +1} (per class, one-vs-rest),

        (1/n) Σᵢ max(0, −yᵢ(xᵢw + b)) + (α/2)‖w‖²,

    seed 003's perceptron loss with its L2 term (λ = α/2, as a mean). With
    ``batch_size=1`` and α = 0 each step is Rosenblatt's rule w ← w + lr·yᵢxᵢ on
    every mistake. This is the objective of :class:`sklearn.linear_model.Perceptron`
    with ``penalty="l2"`` and the same α (α = 0 ↔ its ``penalty=None``); but since
    any separating hyperplane minimizes it, the two give different, equally
    valid, weights.

    Parameters
    ----------
    alpha : float, default=0.0
        L2 penalty strength.
    fit_intercept : bool, default=True
    lr : float, default=1.0
        Step size (irrelevant when α = 0: it only rescales w and b).
    batch_size : int, default=1
    max_iter : int, default=1000
        Maximum number of epochs.
    tol : float or None, default=1e-3
        Stop when the epoch's mean loss has not dropped by tol for
        ``n_iter_no_change`` epochs (``None``: run ``max_iter`` epochs).
    n_iter_no_change : int, default=5
    shuffle : bool, default=True
    random_state : int, RandomState instance or None, default=None

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_iter_ : int
        Epochs run.
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from numnet.linear_model import Perceptron
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> model = Perceptron(random_state=0).fit(X, [0, 0, 0, 1])  # logical AND
    >>> model.predict(X).tolist()
    [0, 0, 0, 1]
    """

    solver = "sgd"
    _loss = PerceptronLoss()
    _parameter_rules = {
        "alpha": NON_NEGATIVE,
        "fit_intercept": BOOLEAN,
        "lr": POSITIVE,
        "batch_size": POSITIVE_INT,
        "max_iter": POSITIVE_INT,
        "tol": TOLERANCE,
        "n_iter_no_change": POSITIVE_INT,
        "shuffle": BOOLEAN,
    }

    def __init__(
        self, *, alpha=0.0, fit_intercept=True, lr=1.0, batch_size=1, max_iter=1000, tol=1e-3,
        n_iter_no_change=5, shuffle=True, random_state=None,
    ):  # fmt: skip
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.lr = lr
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.shuffle = shuffle
        self.random_state = random_state

    def _penalties(self, n_samples):
        return float(self.alpha), 0.0

    def _targets(self, y_index: np.ndarray) -> np.ndarray:
        return label_matrix(y_index, len(self.classes_), negative=-1.0)

    def fit(self, X, y):
        """Fit to X of shape (n_samples, n_features) and class labels y. Returns self."""
        check_params(self)
        X, y = validate_data(self, X, y, dtype=np.float64)
        W, b = self._fit_iterative(X, self._targets(self._encode_labels(y)))
        self._set_coef(W, b, single_output=False)
        return self
