"""Reductions of a K-class problem to binary ones (seed 003 §2.1.11): one-vs-rest
(one-vs-all) and one-vs-one (all-vs-all)."""

from __future__ import annotations

from itertools import combinations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data


def binary_scores(estimator, X) -> np.ndarray:
    """A fitted binary classifier's confidence in its positive class, shape (n_samples,):
    its decision_function, else its probability, else its 0/1 prediction."""
    if hasattr(estimator, "decision_function"):
        return np.ravel(estimator.decision_function(X))
    if hasattr(estimator, "predict_proba"):
        return estimator.predict_proba(X)[:, 1]
    return np.ravel(estimator.predict(X)).astype(float)


def _estimators_have(name):
    def check(self):
        return hasattr(self.estimator, name)

    return check


class _Reduction(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    def __init__(self, estimator):
        self.estimator = estimator

    def _validate(self, X, y):
        X, y = validate_data(self, X, y)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes, but the data "
                f"contains only one class: {self.classes_.tolist()[0]!r}"
            )
        return X, np.searchsorted(self.classes_, y)

    def _fit_binary(self, X, positive: np.ndarray):
        """A clone of the estimator fitted to the labels 1 (positive) and 0."""
        return clone(self.estimator).fit(X, positive.astype(int))

    def _check_X(self, X):
        check_is_fitted(self)
        return validate_data(self, X, reset=False)

    def predict(self, X) -> np.ndarray:
        """The class with the largest score of :meth:`decision_function`."""
        scores = self.decision_function(X)
        index = (scores > 0).astype(int) if scores.ndim == 1 else scores.argmax(axis=1)
        return self.classes_[index]


class OneVsRestClassifier(_Reduction):
    """One-vs-rest (one-vs-all): one binary classifier per class, the most confident wins.

    Classifier k is fitted to (xᵢ, [yᵢ = k]) and the prediction is
    argmax_k s_k(x), with s_k its decision_function (else its probability of
    the positive class). With two classes a single classifier is fitted, for
    ``classes_[1]``. As seed 003 warns, the K scores come from separately
    trained models and need not be on the same scale.

    Parameters
    ----------
    estimator : classifier
        Any numnet or scikit-learn binary classifier; it is cloned per class.

    Attributes
    ----------
    estimators_ : list of fitted classifiers
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from numnet.linear_model import LogisticRegression, OneVsRestClassifier
    >>> X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 0.0], [5.1, 0.0], [0.0, 5.0], [0.0, 5.1]])
    >>> model = OneVsRestClassifier(LogisticRegression()).fit(X, [0, 0, 1, 1, 2, 2])
    >>> len(model.estimators_), model.predict([[4.0, 0.5], [0.5, 4.0]]).tolist()
    (3, [1, 2])
    """

    def fit(self, X, y):
        """Fit one classifier per class (one for two classes). Returns self."""
        X, y_index = self._validate(X, y)
        positives = [1] if len(self.classes_) == 2 else range(len(self.classes_))
        self.estimators_ = [self._fit_binary(X, y_index == k) for k in positives]
        return self

    def decision_function(self, X) -> np.ndarray:
        """Scores s_k(x): shape (n_samples,) for two classes, else (n_samples, n_classes)."""
        X = self._check_X(X)
        scores = np.column_stack([binary_scores(e, X) for e in self.estimators_])
        return scores.ravel() if scores.shape[1] == 1 else scores

    @available_if(_estimators_have("predict_proba"))
    def predict_proba(self, X) -> np.ndarray:
        """Each classifier's probability of its class, normalized to sum to 1 over classes."""
        X = self._check_X(X)
        p = np.column_stack([e.predict_proba(X)[:, 1] for e in self.estimators_])
        if p.shape[1] == 1:
            return np.hstack([1.0 - p, p])
        total = p.sum(axis=1, keepdims=True)
        return np.divide(p, total, out=np.full_like(p, 1.0 / p.shape[1]), where=total > 0)


class OneVsOneClassifier(_Reduction):
    """One-vs-one (all-vs-all): a classifier per pair of classes, then a vote.

    For every pair i < j a classifier a_ij is fitted on the samples of classes
    i and j only (label 1 for j); the prediction is the class with the most
    votes, argmax_k Σ_{i<j} [a_ij(x) = k] (seed 003 §2.1.11). Ties are broken by
    the summed confidences, squashed into (−1/3, 1/3) so they never outweigh a
    vote (scikit-learn's rule).

    Parameters
    ----------
    estimator : classifier
        Any numnet or scikit-learn binary classifier; it is cloned per pair.

    Attributes
    ----------
    estimators_ : list of fitted classifiers, one per pair, in the order of ``pairs_``
    pairs_ : list of (i, j) class-index pairs
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from numnet.linear_model import LinearSVC, OneVsOneClassifier
    >>> X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 0.0], [5.1, 0.0], [0.0, 5.0], [0.0, 5.1]])
    >>> model = OneVsOneClassifier(LinearSVC(random_state=0)).fit(X, [0, 0, 1, 1, 2, 2])
    >>> model.pairs_, model.predict([[4.0, 0.5], [0.5, 4.0]]).tolist()
    ([(0, 1), (0, 2), (1, 2)], [1, 2])
    """

    def fit(self, X, y):
        """Fit one classifier per pair of classes. Returns self."""
        X, y_index = self._validate(X, y)
        self.pairs_ = list(combinations(range(len(self.classes_)), 2))
        self.estimators_ = []
        for i, j in self.pairs_:
            rows = (y_index == i) | (y_index == j)
            self.estimators_.append(self._fit_binary(X[rows], y_index[rows] == j))
        return self

    def decision_function(self, X) -> np.ndarray:
        """Votes plus squashed confidences, (n_samples, n_classes); for two classes the
        single classifier's score, (n_samples,)."""
        X = self._check_X(X)
        if len(self.classes_) == 2:
            return binary_scores(self.estimators_[0], X)
        votes = np.zeros((len(X), len(self.classes_)))
        confidence = np.zeros_like(votes)
        for (i, j), estimator in zip(self.pairs_, self.estimators_):
            score = binary_scores(estimator, X)
            wins_j = estimator.predict(X).astype(int) == 1
            votes[:, j] += wins_j
            votes[:, i] += ~wins_j
            confidence[:, j] += score
            confidence[:, i] -= score
        return votes + confidence / (3 * (np.abs(confidence) + 1))
