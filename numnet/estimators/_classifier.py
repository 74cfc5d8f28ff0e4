"""MLPClassifier: a multi-layer perceptron trained on the log-loss, scikit-learn compatible."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import expit, softmax
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import column_or_1d, validate_data

from numnet.estimators._base import BaseMLP

__all__ = ["MLPClassifier"]

_TINY, _BELOW_ONE = np.finfo(np.float64).tiny, np.nextafter(1.0, 0.0)


class MLPClassifier(ClassifierMixin, BaseMLP):
    """Multi-layer perceptron classifier on numnet, with scikit-learn's parameters and objective.

    The network is ``Linear → [BatchNorm1d →] f → [Dropout →] ... → Linear`` (an
    ``nn.Sequential``, fitted as ``model_``), and its output z goes through
    softmax (multiclass) or the logistic function (binary, one column; and
    multilabel, one column per label). Each step minimizes, on a batch B of n samples,

        L(B) = (1/n) Σᵢ ℓ(zᵢ, yᵢ) + (α/2 ‖W‖² + l1 ‖W‖₁) / n,

    with ℓ = −ln softmax(z)_y or the binary log-loss summed over the outputs,
    ‖W‖² and ‖W‖₁ summed over every weight matrix (never the biases): exactly
    scikit-learn's ``alpha`` scaling, with the L1 rate scaled the same way.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(100,)
        Units of each hidden layer.
    activation : {"identity", "logistic", "tanh", "relu", "elu", "softplus", "arctan"}
        Hidden activation f (default "relu"; its derivative at 0 is 1, seed 002).
    solver : {"adam", "sgd", "gd", "lbfgs"}, default="adam"
        ``adam``: ``numnet.optim.Adam`` (ε is added to √v̂ₜ as in PyTorch; scikit-learn
        adds ε√(1 − β₂ᵗ) instead, a difference below 1e-8 relative for the default ε).
        ``sgd``: mini-batches with (Nesterov) momentum, exactly scikit-learn's update.
        ``gd``: one full-batch step per iteration, the gradient accumulated over
        chunks of ``batch_size`` rows, same update as ``sgd``. ``lbfgs``:
        ``numnet.optim.LBFGS`` (SciPy's L-BFGS-B) on the full-batch objective.
    alpha : float, default=1e-4
        L2 strength α (see the objective).
    batch_size : int or "auto", default="auto"
        Mini-batch size, ``min(200, n_samples)`` for "auto"; the chunk size of ``gd``.
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Schedule of the ``sgd``/``gd`` step: constant, ηₜ = η₀ / (t + 1)^power_t with
        t the samples seen, or η / 5 whenever ``n_iter_no_change`` epochs do not improve.
    learning_rate_init : float, default=1e-3
        η₀.
    power_t : float, default=0.5
    max_iter : int, default=200
        Epochs (``sgd``, ``adam``, ``gd``) or L-BFGS iterations.
    shuffle : bool, default=True
        Reshuffle the samples every epoch.
    random_state : None, int, RandomState or Generator
        Seeds one ``numpy.random.Generator`` that draws the initial weights, the
        shuffles, the dropout masks and the validation split: the same int gives
        bit-identical coefficients.
    tol, n_iter_no_change : float, int
        Stop when the training loss (or validation accuracy, with ``early_stopping``)
        has not improved by ``tol`` for more than ``n_iter_no_change`` epochs.
        L-BFGS uses ``tol`` as its gradient tolerance.
    verbose : bool
        Print the loss of every epoch.
    warm_start : bool
        ``fit`` continues from the current weights (with a fresh optimizer).
    momentum : float in [0, 1], default=0.9
    nesterovs_momentum : bool, default=True
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` (stratified) and keep the weights of the
        best validation accuracy.
    validation_fraction : float, default=0.1
    beta_1, beta_2, epsilon : float
        Adam's β₁, β₂ and ε.
    max_fun : int, default=15000
        Loss evaluations allowed to L-BFGS.
    dropout : float in [0, 1), default=0.0
        Drop probability after each hidden activation (inverted dropout: kept
        units are scaled by 1/(1 − p) in training, nothing changes at prediction).
    batch_norm : bool, default=False
        ``BatchNorm1d`` between each hidden ``Linear`` and its activation.
    l1 : float, default=0.0
        L1 rate (see the objective): each batch step adds (l1 / n) sign(W) to the gradient.
    dtype : None, "float32" or "float64", default=None
        Arithmetic of the network. None (default): float32 input stays float32,
        other input is float64, as scikit-learn, so results match scikit-learn's
        to rounding. "float32" trained digits 1.3x (64 hidden) to 1.75x (128, 64)
        faster than float64 (``benchmarks/bench_estimators.py``). Predictions of a
        float32 network are computed in float64 from its weights, so that they do
        not depend on how rows are batched.

    Attributes
    ----------
    classes_ : ndarray
        The class labels (for multilabel input: 0, 1, ... per column).
    model_ : numnet.nn.Sequential
        The trained network (``numnet.save(est.model_, path)`` stores it).
    coefs_, intercepts_ : list of ndarray
        Copies of the weights in scikit-learn's (fan_in, fan_out) orientation and the biases.
    loss_ : float
        The loss of the last epoch: mean batch loss, penalty included.
    loss_curve_, best_loss_, validation_scores_, best_validation_score_ :
        As in scikit-learn (not set by ``lbfgs``, like scikit-learn).
    n_iter_, t_, n_outputs_, n_layers_, out_activation_, n_features_in_, feature_names_in_

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from numnet.estimators import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier((16,), solver="lbfgs", max_iter=500, random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.95
    True
    >>> clf.predict_proba(X[:2]).sum(axis=1).round(6)
    array([1., 1.])
    """

    def _validate_input(self, X: Any, y: Any, incremental: bool, reset: bool):
        X, y = validate_data(
            self, X, y, multi_output=True, dtype=(np.float64, np.float32), reset=reset
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            classes = unique_labels(y)
            if self.warm_start and not incremental and set(classes) != set(self.classes_):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes as in the "
                    f"previous call to fit. Previously got {self.classes_}, `y` has {classes}"
                )
            if len(np.setdiff1d(classes, self.classes_)):
                raise ValueError(
                    f"`y` has classes not in `self.classes_`. `self.classes_` has "
                    f"{self.classes_}. 'y' has {classes}."
                )
        kind = self._label_binarizer.y_type_
        if kind != "multilabel-indicator" and len(self.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes; the data contains "
                f"only one class: {self.classes_[0]!r}"
            )
        self.out_activation_ = "softmax" if kind == "multiclass" else "logistic"
        if kind == "multiclass":
            target = np.searchsorted(self.classes_, y)
        elif kind == "binary":
            target = (y == self.classes_[1]).astype(np.float64)[:, None]
        else:
            target = self._label_binarizer.transform(y).astype(np.float64)
        return X, target, y

    def _stratify(self, labels) -> bool:
        return labels.ndim == 1

    def _validation_score(self, X: np.ndarray, y: np.ndarray) -> float:
        z = self._forward(X)
        if not np.isfinite(z).all():
            return np.nan
        return accuracy_score(y, self._labels(z))

    def _labels(self, z: np.ndarray) -> np.ndarray:
        if self.n_outputs_ == 1:
            z = z.ravel()
        return self._label_binarizer.inverse_transform(z, threshold=0.0)

    def fit(self, X: Any, y: Any) -> MLPClassifier:
        """Fit the network to X of shape (n_samples, n_features) and labels y.

        y is (n_samples,) labels (numbers or strings) or an (n_samples, n_labels)
        0/1 indicator matrix (multilabel). Returns ``self``.
        """
        return self._fit(X, y, incremental=False)

    @available_if(lambda est: est._check_solver())
    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> MLPClassifier:
        """One epoch over (X, y), continuing from the current weights and optimizer state.

        ``classes`` (all labels that will ever appear) is required on the first
        call unless y is a multilabel indicator matrix.
        """
        if not hasattr(self, "classes_"):
            if classes is None and not type_of_target(y).startswith("multilabel"):
                raise ValueError("classes must be passed on the first call to partial_fit.")
            self._label_binarizer = LabelBinarizer()
            self._label_binarizer.fit(y if classes is None else classes)
            self.classes_ = self._label_binarizer.classes_
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(
                f"`classes={classes!r}` is not the same as on the first call to partial_fit, "
                f"which was {self.classes_!r}"
            )
        return self._fit(X, y, incremental=True)

    def decision_function(self, X: Any) -> np.ndarray:
        """The logits z: (n_samples,) for two classes (z > 0 means ``classes_[1]``), else
        (n_samples, n_outputs_)."""
        z = self._logits(X)
        return z.ravel() if self.n_outputs_ == 1 else z

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class (binary: ``classes_[1]`` when p > 0.5; multilabel: each
        label with p > 0.5)."""
        return self._labels(self._logits(X))

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, (n_samples, n_classes), ordered as ``classes_``.

        softmax(z) for multiclass, [1 − σ(z), σ(z)] for two classes, σ(z) per label.
        """
        z = self._logits(X)
        if self.out_activation_ == "softmax":
            return softmax(z, axis=1)
        p = np.hstack([expit(-z), expit(z)]) if self.n_outputs_ == 1 else expit(z)
        # σ(z) lies strictly inside (0, 1) for finite z; keep the rounded values there.
        return np.clip(p, _TINY, _BELOW_ONE, out=p)

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """ln of :meth:`predict_proba` (−inf where a probability underflows to 0, as
        scikit-learn's, so that the two stay consistent)."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
