"""MLPRegressor: a multi-layer perceptron trained on the squared error, scikit-learn compatible."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import column_or_1d, validate_data

from numnet.estimators._base import BaseMLP

__all__ = ["MLPRegressor"]


class MLPRegressor(RegressorMixin, BaseMLP):
    """Multi-layer perceptron regressor on numnet, with scikit-learn's parameters and objective.

    The network is ``Linear → [BatchNorm1d →] f → [Dropout →] ... → Linear`` with an
    identity output (``model_``), one unit per target column. Each step
    minimizes, on a batch B of n samples with targets yᵢ ∈ ℝᵏ,

        L(B) = (1/(2n)) Σᵢ ‖zᵢ − yᵢ‖² + (α/2 ‖W‖² + l1 ‖W‖₁) / n,

    scikit-learn's half squared error and ``alpha`` scaling (weight matrices
    only, never biases). As in scikit-learn, the reported ``loss_`` divides the
    squared-error part by k (a mean over outputs), the gradient does not.

    Parameters
    ----------
    All parameters and their meanings are those of :class:`MLPClassifier`;
    with ``early_stopping`` the validation score is R² (split unstratified).

    Attributes
    ----------
    model_ : numnet.nn.Sequential
    coefs_, intercepts_, loss_, loss_curve_, best_loss_, validation_scores_,
    best_validation_score_, n_iter_, t_, n_outputs_, n_layers_, out_activation_,
    n_features_in_, feature_names_in_
        As in :class:`MLPClassifier`; ``out_activation_`` is "identity".

    Examples
    --------
    >>> import numpy as np
    >>> from numnet.estimators import MLPRegressor
    >>> X = np.linspace(0, 1, 50)[:, None]
    >>> y = 0.2 + 0.4 * X[:, 0] ** 2
    >>> reg = MLPRegressor((8,), activation="tanh", solver="lbfgs", random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.99
    True
    >>> reg.predict(X[:3]).shape
    (3,)
    """

    def _validate_input(self, X: Any, y: Any, incremental: bool, reset: bool):
        X, y = validate_data(
            self,
            X,
            y,
            multi_output=True,
            y_numeric=True,
            dtype=(np.float64, np.float32),
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        Y = y.reshape(len(y), -1).astype(np.float64, copy=False)
        if not reset and Y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {Y.shape[1]} output(s), but {type(self).__name__} was fitted with "
                f"{self.n_outputs_}"
            )
        self.out_activation_ = "identity"
        return X, Y, Y

    def _validation_score(self, X: np.ndarray, y: np.ndarray) -> float:
        z = self._forward(X)
        if not np.isfinite(z).all():
            return np.nan
        return r2_score(y, z)

    def fit(self, X: Any, y: Any) -> MLPRegressor:
        """Fit the network to X of shape (n_samples, n_features) and y of shape
        (n_samples,) or (n_samples, n_targets). Returns ``self``."""
        return self._fit(X, y, incremental=False)

    @available_if(lambda est: est._check_solver())
    def partial_fit(self, X: Any, y: Any) -> MLPRegressor:
        """One epoch over (X, y), continuing from the current weights and optimizer state."""
        return self._fit(X, y, incremental=True)

    def predict(self, X: Any) -> np.ndarray:
        """Predictions, (n_samples,) for one target, else (n_samples, n_targets)."""
        z = self._logits(X)
        return z.ravel() if z.shape[1] == 1 else z

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
