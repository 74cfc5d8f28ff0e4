"""What all linear models share: prediction, label encoding, centering, and the
bridge from an estimator's hyperparameters to the iterative solvers."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from numnet.linear_model._batch_solvers import BATCH_SOLVERS
from numnet.linear_model._objective import Objective
from numnet.linear_model._sgd import auto_lr, check_finite, sgd, sgd_epoch
from numnet.linear_model._validation import check_params


class LinearModel(BaseEstimator):
    """Base of the linear models: z = X·coef_ᵀ + intercept_."""

    def _decision(self, X) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return X @ self.coef_.T + self.intercept_

    def _set_coef(self, W: np.ndarray, b: np.ndarray, single_output: bool) -> None:
        """Store W (n_features, k) and b (k,) the scikit-learn way: coef_ of shape
        (n_features,) and a float intercept_ for a 1-D regression target, else
        (k, n_features) and (k,)."""
        if single_output:
            self.coef_, self.intercept_ = W[:, 0].copy(), float(b[0])
        else:
            self.coef_, self.intercept_ = np.ascontiguousarray(W.T), np.asarray(b, dtype=float)


def center(X: np.ndarray, Y: np.ndarray, fit_intercept: bool):
    """Xc = X − x̄, Yc = Y − ȳ (or no change without an intercept).

    For the squared loss with an unpenalized intercept the optimal intercept is
    ȳ − x̄·W, so solving for W on centered data and then setting b = ȳ − x̄W
    gives the intercept without penalizing it (seed 003 §2.1.6: w₀ is not regularized).
    """
    if not fit_intercept:
        return X, Y, np.zeros(X.shape[1]), np.zeros(Y.shape[1])
    x_mean, y_mean = X.mean(axis=0), Y.mean(axis=0)
    return X - x_mean, Y - y_mean, x_mean, y_mean


def as_2d_target(y: np.ndarray) -> tuple[np.ndarray, bool]:
    """y as an (n, k) matrix, and whether it was a single 1-D target."""
    return (y[:, None], True) if y.ndim == 1 else (y, False)


class LinearClassifierMixin(ClassifierMixin):
    """decision_function / predict for classifiers with one score column per class
    (or a single column for two classes), and the label bookkeeping."""

    def decision_function(self, X) -> np.ndarray:
        """Confidence scores z = X·coef_ᵀ + intercept_: shape (n_samples,) for two
        classes (positive means ``classes_[1]``), else (n_samples, n_classes)."""
        scores = self._decision(X)
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict(self, X) -> np.ndarray:
        """The class with the largest score (for two classes: ``classes_[1]`` when z > 0)."""
        scores = self.decision_function(X)
        index = (scores > 0).astype(int) if scores.ndim == 1 else scores.argmax(axis=1)
        return self.classes_[index]

    def _encode_labels(self, y, classes=None) -> np.ndarray:
        """Set ``classes_`` and return y as indices into it."""
        check_classification_targets(y)
        classes = np.unique(y if classes is None else classes)
        if len(classes) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes, but the data "
                f"contains only one class: {classes.tolist()[0]!r}"
            )
        unknown = np.setdiff1d(np.unique(y), classes)
        if len(unknown):
            raise ValueError(f"labels {unknown.tolist()} are not in classes {classes.tolist()}")
        self.classes_ = classes
        return np.searchsorted(classes, y)


def label_matrix(y_index: np.ndarray, n_classes: int, negative: float = 0.0) -> np.ndarray:
    """Targets for k score columns: one column (1 for ``classes_[1]``) for two classes,
    else one column per class (1 for the sample's class); ``negative`` elsewhere."""
    columns = 1 if n_classes == 2 else n_classes
    Y = np.full((len(y_index), columns), negative)
    if n_classes == 2:
        Y[y_index == 1, 0] = 1.0
    else:
        Y[np.arange(len(y_index)), y_index] = 1.0
    return Y


class IterativeMixin:
    """Fits W, b by ``self.solver`` in {'gd', 'lbfgs', 'sgd'}; provides ``partial_fit``'s core.

    An estimator using it defines ``_loss`` (a loss of :mod:`._loss`) and
    ``_penalties(n_samples) -> (l2, l1)``, the map from its hyperparameters to the
    terms of :class:`~numnet.linear_model._objective.Objective`.
    """

    def _initial_intercept(self, Y: np.ndarray) -> np.ndarray:
        return np.zeros(Y.shape[1])

    def _check_solver(self) -> None:
        """Hyperparameter checks; estimators add the rules that tie two parameters."""
        check_params(self)

    def _fit_iterative(self, X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        l2, l1 = self._penalties(len(X))
        W = np.zeros((X.shape[1], Y.shape[1]))
        b = self._initial_intercept(Y) if self.fit_intercept else np.zeros(Y.shape[1])
        if self.solver == "sgd":
            obj = Objective(self._loss, X, Y, l2=l2, l1=l1, fit_intercept=self.fit_intercept)
            self.lr_ = auto_lr(obj) if self.lr == "auto" else float(self.lr)
            self._rng = check_random_state(self.random_state)
            self.n_iter_, converged = sgd(
                obj, W, b, lr=self.lr_, batch_size=self.batch_size, max_iter=self.max_iter,
                tol=self.tol, n_iter_no_change=self.n_iter_no_change, shuffle=self.shuffle,
                rng=self._rng,
            )  # fmt: skip
            self.n_samples_seen_ = len(X)
        else:
            # Centering X is a change of variables b' = b + x̄W (the intercept is free),
            # which leaves the minimizer in W unchanged and conditions the problem better.
            Xc, _, x_mean, _ = center(X, Y, self.fit_intercept)
            obj = Objective(self._loss, Xc, Y, l2=l2, l1=l1, fit_intercept=self.fit_intercept)
            theta, self.n_iter_, converged = BATCH_SOLVERS[self.solver](
                obj, obj.pack(W, b + x_mean @ W), lr=self.lr, max_iter=self.max_iter, tol=self.tol
            )
            W, b = obj.unpack(theta)
            b = b - x_mean @ W
        if not converged:
            warnings.warn(
                f"{type(self).__name__} (solver={self.solver!r}) did not converge in "
                f"max_iter={self.max_iter} iterations; increase max_iter or scale the data",
                ConvergenceWarning,
                stacklevel=3,
            )
        return W, b

    def _partial_fit_step(self, X: np.ndarray, Y: np.ndarray, first_call: bool):
        """One SGD epoch over (X, Y), continuing from the current coefficients.

        The penalty's n is ``n_samples_seen_``, the running count of samples: a
        stream has no final n to divide by, and over one pass this tends to it.
        With ``lr="auto"`` the step is the safe step of the worst chunk seen so far.
        """
        if first_call:
            W = np.zeros((X.shape[1], Y.shape[1]))
            b = self._initial_intercept(Y) if self.fit_intercept else np.zeros(Y.shape[1])
        else:  # continuing a stream, or a model fitted by `fit`
            W, b = self._current_weights()
        if first_call or not hasattr(self, "_rng"):  # `fit` by sgd leaves this state too
            self.n_samples_seen_, self.n_iter_, self.lr_ = 0, 0, np.inf
            self._rng = check_random_state(self.random_state)
        self.n_samples_seen_ += len(X)
        l2, l1 = self._penalties(self.n_samples_seen_)
        obj = Objective(self._loss, X, Y, l2=l2, l1=l1, fit_intercept=self.fit_intercept)
        self.lr_ = min(self.lr_, auto_lr(obj)) if self.lr == "auto" else float(self.lr)
        order = self._rng.permutation(len(X)) if self.shuffle else None
        value = sgd_epoch(obj, W, b, lr=self.lr_, batch_size=self.batch_size, order=order)
        self.n_iter_ += 1
        check_finite(value, W, b, self.n_iter_)
        return W, b

    def _current_weights(self) -> tuple[np.ndarray, np.ndarray]:
        coef = np.atleast_2d(self.coef_)
        return np.array(coef.T), np.atleast_1d(np.array(self.intercept_, dtype=float))


def uses_sgd(estimator) -> bool:
    """``available_if`` condition for ``partial_fit``."""
    return estimator.solver == "sgd"


class LinearRegressorMixin(RegressorMixin):
    """``predict`` for the regressors, which all accept several targets."""

    def predict(self, X) -> np.ndarray:
        """Predictions X·coef_ᵀ + intercept_, of shape (n_samples,) or (n_samples, n_targets)."""
        scores = self._decision(X)
        return scores.ravel() if np.ndim(self.coef_) == 1 else scores

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


class RegressorPartialFitMixin:
    """``partial_fit`` for regressors whose solver is SGD."""

    @available_if(uses_sgd)
    def partial_fit(self, X, y):
        """One SGD epoch over (X, y), starting from the current coefficients.

        Available when ``solver="sgd"``. Call it repeatedly on chunks of a dataset
        too large for memory (e.g. slices of ``np.load(path, mmap_mode="r")``).

        Returns
        -------
        self
        """
        first_call = not hasattr(self, "coef_")
        if first_call:
            check_params(self)
        X, y = validate_data(
            self, X, y, reset=first_call, dtype=np.float64, multi_output=True, y_numeric=True
        )
        Y, single_output = as_2d_target(y)
        if not first_call and Y.shape[1] != np.atleast_2d(self.coef_).shape[0]:
            raise ValueError(
                f"y has {Y.shape[1]} targets, but {type(self).__name__} was fitted with "
                f"{np.atleast_2d(self.coef_).shape[0]}"
            )
        W, b = self._partial_fit_step(X, Y, first_call)
        self._set_coef(W, b, single_output)
        return self


class ClassifierPartialFitMixin:
    """``partial_fit`` for classifiers whose solver is SGD."""

    @available_if(uses_sgd)
    def partial_fit(self, X, y, classes=None):
        """One SGD epoch over (X, y), starting from the current coefficients.

        Available when ``solver="sgd"``. ``classes``, all the labels the stream
        will contain, is required on the first call (scikit-learn's convention).

        Returns
        -------
        self
        """
        first_call = not hasattr(self, "coef_")
        if first_call:
            self._check_solver()
            if classes is None:
                raise ValueError(
                    f"{type(self).__name__}.partial_fit: classes must be passed on the first "
                    "call (every label the stream may contain)"
                )
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(
                f"classes={np.unique(classes).tolist()} differs from the classes of the first "
                f"call, {self.classes_.tolist()}"
            )
        X, y = validate_data(self, X, y, reset=first_call, dtype=np.float64)
        y_index = self._encode_labels(y, classes if first_call else self.classes_)
        W, b = self._partial_fit_step(X, self._targets(y_index), first_call)
        self._set_coef(W, b, single_output=False)
        return self
