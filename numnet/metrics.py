"""Metrics: scikit-learn's functions, and streaming versions to update batch by batch.

The functions (:func:`accuracy_score`, :func:`mean_absolute_error`,
:func:`mean_squared_error`, :func:`root_mean_squared_error`,
:func:`mean_absolute_percentage_error`, :func:`r2_score`, :func:`log_loss`,
:func:`confusion_matrix`) take ``(y_true, y_pred)`` like scikit-learn's and agree with them to
1e-12. They accept NumPy arrays, lists, pandas objects and numnet Tensors.

The streaming metrics (:class:`Accuracy`, :class:`MAE`, :class:`MSE`, :class:`RMSE`,
:class:`MAPE`, :class:`R2`, :class:`LogLoss`) are what the fit loop uses: ``reset()``, then
``update(y_true, y_pred)`` once per batch, then ``result()``. They accumulate sums in float64
(not means of batch means), so the result over any split into batches equals the function on
the whole data. :func:`get_metric` makes one from a name such as ``"accuracy"`` or ``"rmse"``.

Predictions for the classification metrics: ``y_pred`` of shape (n, k) with k > 1 holds class
scores or probabilities (the class is the argmax; with ``from_logits=True`` :class:`LogLoss`
applies a softmax); shape (n,) or (n, 1) holds the probability of class 1 (class 1 when above
0.5), or its logit with ``from_logits=True`` (class 1 when above 0); integer ``y_pred`` holds
class labels. ``y_true`` holds class labels, or one-hot rows of shape (n, k).

>>> import numpy as np
>>> acc = get_metric("accuracy")
>>> acc.update([0, 1, 1], np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]]))
>>> acc.update([1], np.array([[0.3, 0.7]]))
>>> acc.result()
0.75
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "accuracy_score",
    "mean_absolute_error",
    "mean_squared_error",
    "root_mean_squared_error",
    "mean_absolute_percentage_error",
    "r2_score",
    "log_loss",
    "confusion_matrix",
    "Metric",
    "Accuracy",
    "MAE",
    "MSE",
    "RMSE",
    "MAPE",
    "R2",
    "LogLoss",
    "FunctionMetric",
    "get_metric",
    "metric_names",
]

_EPS64 = np.finfo(np.float64).eps  # MAPE's floor on |y| (scikit-learn's)


def _array(values: Any, name: str) -> np.ndarray:
    """An ndarray from arrays, lists, pandas objects or numnet Tensors (``__array__``)."""
    array = np.asarray(values)
    if array.ndim == 0:
        raise ValueError(f"{name} must be an array of values, got a scalar {array!r}")
    return array


def _check_length(y_true: np.ndarray, y_pred: np.ndarray, sample_weight: Any = None) -> Any:
    if y_true.shape[0] != y_pred.shape[0]:
        raise ValueError(
            f"y_true and y_pred must have the same number of samples, got "
            f"{y_true.shape[0]} and {y_pred.shape[0]}"
        )
    if sample_weight is None:
        return None
    weight = np.asarray(sample_weight, dtype=np.float64)
    if weight.shape != (y_true.shape[0],):
        raise ValueError(f"sample_weight must have shape ({y_true.shape[0]},), got {weight.shape}")
    return weight


# ---------------------------------------------------------------- regression functions


def _regression_pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    """Both as float64 (n, k); a 1-D target and an (n, 1) prediction are the same shape."""
    y_true = _array(y_true, "y_true").astype(np.float64)
    y_pred = _array(y_pred, "y_pred").astype(np.float64)
    y_true = y_true.reshape(-1, 1) if y_true.ndim == 1 else y_true
    y_pred = y_pred.reshape(-1, 1) if y_pred.ndim == 1 else y_pred
    if y_true.ndim != 2 or y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape (n,) or (n, n_outputs), got "
            f"{y_true.shape} and {y_pred.shape}"
        )
    return y_true, y_pred


def _combine_outputs(errors: np.ndarray, multioutput: Any) -> float | np.ndarray:
    if isinstance(multioutput, str):
        if multioutput == "raw_values":
            return errors
        if multioutput == "uniform_average":
            return float(np.mean(errors))
        raise ValueError(
            f"multioutput must be 'uniform_average', 'raw_values' or weights, got {multioutput!r}"
        )
    weights = np.asarray(multioutput, dtype=np.float64)
    if weights.shape != errors.shape:
        raise ValueError(f"multioutput weights must have shape {errors.shape}, got {weights.shape}")
    return float(np.average(errors, weights=weights))


def _regression(
    per_sample: Callable[[np.ndarray, np.ndarray], np.ndarray],
    y_true: Any,
    y_pred: Any,
    sample_weight: Any,
    multioutput: Any,
    root: bool = False,
) -> float | np.ndarray:
    y_true, y_pred = _regression_pair(y_true, y_pred)
    weight = _check_length(y_true, y_pred, sample_weight)
    errors = np.average(per_sample(y_true, y_pred), weights=weight, axis=0)
    return _combine_outputs(np.sqrt(errors) if root else errors, multioutput)


def mean_absolute_error(
    y_true: Any, y_pred: Any, *, sample_weight: Any = None, multioutput: Any = "uniform_average"
) -> float | np.ndarray:
    """Mean absolute error ``(1/n) Σ |y_i - ŷ_i|`` (per output, then averaged).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
    sample_weight : array-like of shape (n_samples,), optional
    multioutput : "uniform_average", "raw_values" or array of output weights

    Examples
    --------
    >>> mean_absolute_error([3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0])
    0.5
    """
    return _regression(lambda t, p: np.abs(p - t), y_true, y_pred, sample_weight, multioutput)


def mean_squared_error(
    y_true: Any, y_pred: Any, *, sample_weight: Any = None, multioutput: Any = "uniform_average"
) -> float | np.ndarray:
    """Mean squared error ``(1/n) Σ (y_i - ŷ_i)²`` (per output, then averaged).

    Parameters as :func:`mean_absolute_error`.

    Examples
    --------
    >>> mean_squared_error([3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0])
    0.375
    """
    return _regression(lambda t, p: (p - t) ** 2, y_true, y_pred, sample_weight, multioutput)


def root_mean_squared_error(
    y_true: Any, y_pred: Any, *, sample_weight: Any = None, multioutput: Any = "uniform_average"
) -> float | np.ndarray:
    """Root mean squared error ``sqrt((1/n) Σ (y_i - ŷ_i)²)`` per output, then averaged.

    Parameters as :func:`mean_absolute_error`.

    Examples
    --------
    >>> root_mean_squared_error([1.0, 2.0], [1.0, 4.0])
    1.4142135623730951
    """
    return _regression(
        lambda t, p: (p - t) ** 2, y_true, y_pred, sample_weight, multioutput, root=True
    )


def mean_absolute_percentage_error(
    y_true: Any, y_pred: Any, *, sample_weight: Any = None, multioutput: Any = "uniform_average"
) -> float | np.ndarray:
    """Mean absolute percentage error ``(1/n) Σ |y_i - ŷ_i| / max(|y_i|, ε)`` (a fraction).

    ``ε`` is float64's machine epsilon, as in scikit-learn: a zero target gives a huge error
    instead of a division by zero. The result is a fraction, not a percentage.

    Parameters as :func:`mean_absolute_error`.

    Examples
    --------
    >>> mean_absolute_percentage_error([1.0, 2.0, 4.0], [1.5, 2.0, 3.0])
    0.25
    """
    return _regression(
        lambda t, p: np.abs(p - t) / np.maximum(np.abs(t), _EPS64),
        y_true,
        y_pred,
        sample_weight,
        multioutput,
    )


def _r2_from_sums(ss_res: np.ndarray, ss_tot: np.ndarray) -> np.ndarray:
    """``1 - SS_res / SS_tot``; a constant target scores 1 if fitted exactly, else 0 (sklearn)."""
    safe = np.where(ss_tot == 0, 1.0, ss_tot)
    scores = 1.0 - ss_res / safe
    return np.where(ss_tot == 0, np.where(ss_res == 0, 1.0, 0.0), scores)


def r2_score(
    y_true: Any, y_pred: Any, *, sample_weight: Any = None, multioutput: Any = "uniform_average"
) -> float | np.ndarray:
    """Coefficient of determination ``R² = 1 - Σ (y_i - ŷ_i)² / Σ (y_i - ȳ)²``.

    Per output, then averaged (``multioutput="variance_weighted"`` weights outputs by
    ``Σ (y_i - ȳ)²``). A constant target scores 1.0 if predicted exactly and 0.0 otherwise, as
    scikit-learn's ``force_finite=True``.

    Parameters as :func:`mean_absolute_error`.

    Examples
    --------
    >>> r2_score([3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0])
    0.9486081370449679
    """
    y_true, y_pred = _regression_pair(y_true, y_pred)
    weight = _check_length(y_true, y_pred, sample_weight)
    w = np.ones((y_true.shape[0], 1)) if weight is None else weight[:, None]
    ss_res = np.sum(w * (y_true - y_pred) ** 2, axis=0)
    mean = np.average(y_true, axis=0, weights=w[:, 0])
    ss_tot = np.sum(w * (y_true - mean) ** 2, axis=0)
    scores = _r2_from_sums(ss_res, ss_tot)
    if isinstance(multioutput, str) and multioutput == "variance_weighted":
        if not np.any(ss_tot):
            return float(np.mean(scores))
        return float(np.average(scores, weights=ss_tot))
    return _combine_outputs(scores, multioutput)


# ---------------------------------------------------------------- classification functions


def accuracy_score(
    y_true: Any, y_pred: Any, *, normalize: bool = True, sample_weight: Any = None
) -> float:
    """Fraction (or with ``normalize=False``, weighted count) of exactly right predictions.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) labels, or (n_samples, n_labels) indicators
        Labels (a row of a 2-D input counts as right only if all its entries match).
    normalize : bool, default True
    sample_weight : array-like of shape (n_samples,), optional

    Examples
    --------
    >>> accuracy_score([0, 1, 2, 3], [0, 2, 1, 3])
    0.5
    """
    y_true, y_pred = _array(y_true, "y_true"), _array(y_pred, "y_pred")
    y_true = y_true.ravel() if y_true.ndim == 2 and y_true.shape[1] == 1 else y_true
    y_pred = y_pred.ravel() if y_pred.ndim == 2 and y_pred.shape[1] == 1 else y_pred
    weight = _check_length(y_true, y_pred, sample_weight)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape, got {y_true.shape} and {y_pred.shape}"
        )
    right = y_true == y_pred
    right = right.all(axis=1) if right.ndim == 2 else right
    if not normalize:
        return float(right.sum() if weight is None else np.dot(right, weight))
    return float(np.average(right, weights=weight))


def log_loss(
    y_true: Any,
    y_pred: Any,
    *,
    normalize: bool = True,
    sample_weight: Any = None,
    labels: Any = None,
) -> float:
    """Cross-entropy of predicted probabilities: ``-(1/n) Σ_i Σ_k [y_i = k] ln p_ik``.

    Probabilities are clipped to ``[ε, 1 - ε]`` with ``ε`` the machine epsilon of their
    dtype, so a confident mistake costs ``-ln ε`` (about 36 in float64) instead of infinity.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels; column ``k`` of ``y_pred`` belongs to the k-th sorted label (of ``labels``
        when given, else of ``y_true``).
    y_pred : array-like of shape (n_samples, n_classes) or (n_samples,)
        Probabilities; 1-D means the probability of the larger of two labels.
    normalize : bool, default True
        The mean (True) or the sum (False) over samples.
    sample_weight : array-like of shape (n_samples,), optional
    labels : array-like, optional
        All class labels, when ``y_true`` misses some.

    Examples
    --------
    >>> round(log_loss(["spam", "ham", "ham", "spam"],
    ...                [[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]]), 5)
    0.21616
    """
    y_true = _array(y_true, "y_true").ravel()
    proba = _array(y_pred, "y_pred")
    if proba.dtype.kind != "f":
        proba = proba.astype(np.float64)
    weight = _check_length(y_true, proba, sample_weight)
    if proba.max() > 1 or proba.min() < 0:
        raise ValueError(
            f"y_pred must hold probabilities in [0, 1], got values in "
            f"[{proba.min()}, {proba.max()}]"
        )
    classes = np.unique(y_true if labels is None else np.asarray(labels))
    if len(classes) < 2:
        raise ValueError(
            f"y_true holds a single label {classes.tolist()}; pass all class labels with "
            f"labels=[...]"
        )
    if proba.ndim == 1:
        proba = proba[:, None]
    if proba.shape[1] == 1:
        proba = np.concatenate([1 - proba, proba], axis=1)
    if proba.shape[1] != len(classes):
        raise ValueError(
            f"y_pred has {proba.shape[1]} columns but there are {len(classes)} classes "
            f"{classes.tolist()}; pass the class labels with labels=[...]"
        )
    index = np.searchsorted(classes, y_true)
    if np.any(index >= len(classes)) or np.any(
        classes[np.minimum(index, len(classes) - 1)] != y_true
    ):
        raise ValueError(f"y_true holds labels not in labels={classes.tolist()}")
    eps = np.finfo(proba.dtype).eps
    picked = np.clip(proba, eps, 1 - eps)[np.arange(len(y_true)), index]
    losses = -np.log(picked.astype(np.float64))
    if not normalize:
        return float(losses.sum() if weight is None else np.dot(losses, weight))
    return float(np.average(losses, weights=weight))


def confusion_matrix(
    y_true: Any,
    y_pred: Any,
    *,
    labels: Any = None,
    sample_weight: Any = None,
    normalize: str | None = None,
) -> np.ndarray:
    """``C[i, j]``: the number of samples of true class ``i`` predicted as class ``j``.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
    labels : array-like, optional
        The classes, in the order of rows and columns; by default the sorted labels of both.
        Samples with other labels are left out.
    sample_weight : array-like of shape (n_samples,), optional
    normalize : {"true", "pred", "all"}, optional
        Divide by row sums, column sums or the total (an empty row or column stays 0).

    Returns
    -------
    ndarray of shape (n_classes, n_classes): int64 counts, float64 with weights or normalize.

    Examples
    --------
    >>> confusion_matrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2])
    array([[2, 0, 0],
           [0, 0, 1],
           [1, 0, 2]])
    """
    y_true = _array(y_true, "y_true").ravel()
    y_pred = _array(y_pred, "y_pred").ravel()
    weight = _check_length(y_true, y_pred, sample_weight)
    if normalize not in (None, "true", "pred", "all"):
        raise ValueError(f"normalize must be None, 'true', 'pred' or 'all', got {normalize!r}")
    if labels is None:
        classes = np.unique(np.concatenate([y_true, y_pred]))
    else:
        classes = np.asarray(labels)
        if classes.size == 0:
            raise ValueError("labels must hold at least one label")
    order = np.argsort(classes, kind="stable")
    sorted_classes = classes[order]
    k = len(classes)

    def positions(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        found = np.minimum(np.searchsorted(sorted_classes, values), k - 1)
        return order[found], sorted_classes[found] == values

    rows, known_true = positions(y_true)
    cols, known_pred = positions(y_pred)
    keep = known_true & known_pred
    counts = np.ones(keep.sum(), dtype=np.int64) if weight is None else weight[keep]
    matrix = np.zeros((k, k), dtype=counts.dtype)
    np.add.at(matrix, (rows[keep], cols[keep]), counts)
    if weight is not None and np.asarray(sample_weight).dtype.kind in "iub":
        matrix = matrix.astype(np.int64)
    if normalize is None:
        return matrix
    matrix = matrix.astype(np.float64)
    axis = {"true": 1, "pred": 0, "all": None}[normalize]
    total = matrix.sum(axis=axis, keepdims=axis is not None)
    return np.divide(matrix, total, out=np.zeros_like(matrix), where=total != 0)


# ---------------------------------------------------------------- streaming metrics


class Metric:
    """A metric accumulated batch by batch: ``reset()``, ``update(y_true, y_pred)``, ``result()``.

    ``name`` is the key used in logs and ``History``; ``greater_is_better`` tells early
    stopping and checkpoints which way is better. ``result()`` before any update is NaN.
    """

    name: str = "metric"
    greater_is_better: bool = False

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget every update."""
        raise NotImplementedError

    def update(self, y_true: Any, y_pred: Any) -> None:
        """Add one batch of targets and predictions."""
        raise NotImplementedError

    def result(self) -> float:
        """The metric over every sample seen since :meth:`reset`."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class _OutputSums(Metric):
    """Per-output float64 sums of a per-sample error (MAE, MSE, RMSE, MAPE)."""

    def reset(self) -> None:
        self._sum: np.ndarray | None = None
        self._count = 0

    def _error(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def update(self, y_true: Any, y_pred: Any) -> None:
        y_true, y_pred = _regression_pair(y_true, y_pred)
        total = self._error(y_true, y_pred).sum(axis=0)
        if self._sum is not None and self._sum.shape != total.shape:
            raise ValueError(
                f"{self.name}: batches have {total.shape[0]} outputs, earlier ones had "
                f"{self._sum.shape[0]}"
            )
        self._sum = total if self._sum is None else self._sum + total
        self._count += y_true.shape[0]

    def _per_output(self) -> np.ndarray:
        return self._sum / self._count

    def result(self) -> float:
        if self._sum is None or self._count == 0:
            return float("nan")
        return float(np.mean(self._per_output()))


class MAE(_OutputSums):
    """Streaming :func:`mean_absolute_error`.

    Examples
    --------
    >>> metric = MAE()
    >>> metric.update([3.0, -0.5], [2.5, 0.0]); metric.update([2.0, 7.0], [2.0, 8.0])
    >>> metric.result()
    0.5
    """

    name = "mae"

    def _error(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        return np.abs(y_pred - y_true)


class MSE(_OutputSums):
    """Streaming :func:`mean_squared_error`.

    Examples
    --------
    >>> metric = MSE()
    >>> metric.update([3.0, -0.5], [2.5, 0.0]); metric.update([2.0, 7.0], [2.0, 8.0])
    >>> metric.result()
    0.375
    """

    name = "mse"

    def _error(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        return (y_pred - y_true) ** 2


class RMSE(MSE):
    """Streaming :func:`root_mean_squared_error` (root of each output's MSE, then averaged).

    Examples
    --------
    >>> metric = RMSE()
    >>> metric.update([1.0], [1.0]); metric.update([2.0], [4.0])
    >>> metric.result()
    1.4142135623730951
    """

    name = "rmse"

    def _per_output(self) -> np.ndarray:
        return np.sqrt(self._sum / self._count)


class MAPE(_OutputSums):
    """Streaming :func:`mean_absolute_percentage_error` (a fraction, not a percentage).

    Examples
    --------
    >>> metric = MAPE()
    >>> metric.update([1.0, 2.0], [1.5, 2.0]); metric.update([4.0], [3.0])
    >>> metric.result()
    0.25
    """

    name = "mape"

    def _error(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        return np.abs(y_pred - y_true) / np.maximum(np.abs(y_true), _EPS64)


class R2(Metric):
    """Streaming :func:`r2_score`, from running per-output statistics in float64.

    ``SS_res = Σ (y - ŷ)²`` is a plain sum; ``SS_tot = Σ (y - ȳ)²`` is merged batch by batch
    from each batch's count, mean and sum of squared deviations (Chan et al.'s parallel
    update ``M2 = M2_a + M2_b + δ² n_a n_b / n``), which stays exact where the textbook
    ``Σy² - (Σy)²/n`` loses digits to cancellation.

    Examples
    --------
    >>> metric = R2()
    >>> metric.update([3.0, -0.5], [2.5, 0.0]); metric.update([2.0, 7.0], [2.0, 8.0])
    >>> metric.result()
    0.9486081370449679
    """

    name = "r2"
    greater_is_better = True

    def reset(self) -> None:
        self._count = 0
        self._mean: np.ndarray | None = None
        self._m2: np.ndarray | None = None
        self._ss_res: np.ndarray | None = None

    def update(self, y_true: Any, y_pred: Any) -> None:
        y_true, y_pred = _regression_pair(y_true, y_pred)
        n_b = y_true.shape[0]
        if n_b == 0:
            return
        mean_b = y_true.mean(axis=0)
        m2_b = ((y_true - mean_b) ** 2).sum(axis=0)
        res_b = ((y_true - y_pred) ** 2).sum(axis=0)
        if self._mean is None:
            self._count, self._mean, self._m2, self._ss_res = n_b, mean_b, m2_b, res_b
            return
        if self._mean.shape != mean_b.shape:
            raise ValueError(
                f"r2: batches have {mean_b.shape[0]} outputs, earlier ones had "
                f"{self._mean.shape[0]}"
            )
        n_a, n = self._count, self._count + n_b
        delta = mean_b - self._mean
        self._mean = self._mean + delta * (n_b / n)
        self._m2 = self._m2 + m2_b + delta**2 * (n_a * n_b / n)
        self._ss_res = self._ss_res + res_b
        self._count = n

    def result(self) -> float:
        if self._mean is None:
            return float("nan")
        return float(np.mean(_r2_from_sums(self._ss_res, self._m2)))


def _class_targets(y_true: Any) -> np.ndarray:
    """Labels from labels (n,) / (n, 1) or from one-hot rows (n, k)."""
    y_true = _array(y_true, "y_true")
    if y_true.ndim == 2:
        return y_true[:, 0] if y_true.shape[1] == 1 else np.argmax(y_true, axis=1)
    if y_true.ndim != 1:
        raise ValueError(f"y_true must be labels (n,) or one-hot (n, k), got shape {y_true.shape}")
    return y_true


class Accuracy(Metric):
    """Streaming :func:`accuracy_score` on scores, probabilities, logits or labels.

    Parameters
    ----------
    from_logits : bool, default False
        For a one-column ``y_pred``: a logit (class 1 when > 0) instead of a probability
        (class 1 when > 0.5). Scores of shape (n, k > 1) use the argmax either way.

    Examples
    --------
    >>> metric = Accuracy(from_logits=True)
    >>> metric.update([1, 0, 0], [2.0, -1.0, 0.5])
    >>> round(metric.result(), 4)
    0.6667
    """

    name = "accuracy"
    greater_is_better = True

    def __init__(self, from_logits: bool = False) -> None:
        self.from_logits = bool(from_logits)
        super().__init__()

    def reset(self) -> None:
        self._right = 0
        self._count = 0

    def predictions(self, y_pred: Any) -> np.ndarray:
        """Class labels from ``y_pred`` (see the module docstring)."""
        y_pred = _array(y_pred, "y_pred")
        if y_pred.ndim == 2 and y_pred.shape[1] > 1:
            return np.argmax(y_pred, axis=1)
        if y_pred.ndim == 2:
            y_pred = y_pred[:, 0]
        if y_pred.ndim != 1:
            raise ValueError(f"y_pred must be (n,), (n, 1) or (n, k), got shape {y_pred.shape}")
        if y_pred.dtype.kind in "iub":
            return y_pred
        return (y_pred > (0.0 if self.from_logits else 0.5)).astype(np.int64)

    def update(self, y_true: Any, y_pred: Any) -> None:
        labels = _class_targets(y_true)
        predicted = self.predictions(y_pred)
        _check_length(labels, predicted)
        self._right += int(np.count_nonzero(labels == predicted))
        self._count += labels.shape[0]

    def result(self) -> float:
        return self._right / self._count if self._count else float("nan")

    def __repr__(self) -> str:
        return f"Accuracy(from_logits={self.from_logits})"


class LogLoss(Metric):
    """Streaming :func:`log_loss`, for class indices ``0..k-1`` (or one-hot rows).

    Column ``k`` of ``y_pred`` is class ``k`` (a batch need not contain every class). Clipping
    follows scikit-learn: ``p`` is clipped to ``[ε, 1 - ε]`` with ``ε`` the machine epsilon of
    ``y_pred``'s dtype; with ``from_logits`` the clipping applies to ``ln p`` computed stably
    (log-softmax, or log-sigmoid for one column), which is the same where ``p`` is representable.

    Parameters
    ----------
    from_logits : bool, default False
        ``y_pred`` holds logits (softmax over k > 1 columns, sigmoid for one) instead of
        probabilities.

    Examples
    --------
    >>> metric = LogLoss()
    >>> metric.update([1, 0], [[0.1, 0.9], [0.9, 0.1]]); metric.update([0], [[0.8, 0.2]])
    >>> round(metric.result(), 6)
    0.144622
    """

    name = "log_loss"

    def __init__(self, from_logits: bool = False) -> None:
        self.from_logits = bool(from_logits)
        super().__init__()

    def reset(self) -> None:
        self._sum = 0.0
        self._count = 0

    def _log_proba(self, y_pred: np.ndarray) -> tuple[np.ndarray, float]:
        """ln p of every class, shape (n, k), and the clipping epsilon."""
        eps = float(np.finfo(y_pred.dtype if y_pred.dtype.kind == "f" else np.float64).eps)
        scores = y_pred.astype(np.float64)
        if scores.ndim == 1:
            scores = scores[:, None]
        if scores.shape[1] == 1:
            z = scores[:, 0]
            if self.from_logits:
                return np.column_stack([-np.logaddexp(0.0, z), -np.logaddexp(0.0, -z)]), eps
            scores = np.column_stack([1.0 - z, z])
        elif self.from_logits:
            shifted = scores - scores.max(axis=1, keepdims=True)
            return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)), eps
        with np.errstate(divide="ignore"):
            return np.log(np.clip(scores, eps, 1 - eps)), eps

    def update(self, y_true: Any, y_pred: Any) -> None:
        labels = _class_targets(y_true)
        y_pred = _array(y_pred, "y_pred")
        if y_pred.dtype.kind not in "f":
            y_pred = y_pred.astype(np.float64)
        _check_length(labels, y_pred)
        if not self.from_logits and (y_pred.min(initial=0) < 0 or y_pred.max(initial=0) > 1):
            raise ValueError(
                "log_loss: y_pred must hold probabilities in [0, 1]; pass from_logits=True "
                "for raw scores"
            )
        log_p, eps = self._log_proba(y_pred)
        k = log_p.shape[1]
        index = labels.astype(np.int64)
        if labels.size and (np.any(index != labels) or index.min() < 0 or index.max() >= k):
            raise ValueError(
                f"log_loss: y_true must hold class indices 0..{k - 1} matching y_pred's "
                f"columns, got values {np.unique(labels)[:10].tolist()}"
            )
        picked = np.clip(log_p[np.arange(len(index)), index], np.log(eps), np.log1p(-eps))
        self._sum += float(-picked.sum())
        self._count += len(index)

    def result(self) -> float:
        return self._sum / self._count if self._count else float("nan")

    def __repr__(self) -> str:
        return f"LogLoss(from_logits={self.from_logits})"


class FunctionMetric(Metric):
    """Any ``fn(y_true, y_pred) -> float`` as a metric: batches are kept, ``fn`` runs once.

    Exact for every function, at the cost of holding the epoch's targets and predictions.

    Examples
    --------
    >>> metric = FunctionMetric(lambda t, p: float(np.max(np.abs(t - p))), name="max_error")
    >>> metric.update(np.array([1.0, 2.0]), np.array([1.5, 2.0])); metric.result()
    0.5
    """

    def __init__(self, fn: Callable[[np.ndarray, np.ndarray], float], name: str | None = None):
        if not callable(fn):
            raise TypeError(f"fn must be callable, got {type(fn).__name__}")
        self.fn = fn
        self.name = name or getattr(fn, "__name__", "metric")
        super().__init__()

    def reset(self) -> None:
        self._true: list[np.ndarray] = []
        self._pred: list[np.ndarray] = []

    def update(self, y_true: Any, y_pred: Any) -> None:
        self._true.append(np.array(y_true))
        self._pred.append(np.array(y_pred))

    def result(self) -> float:
        if not self._true:
            return float("nan")
        return float(self.fn(np.concatenate(self._true), np.concatenate(self._pred)))

    def __repr__(self) -> str:
        return f"FunctionMetric({self.name!r})"


_REGISTRY: dict[str, type[Metric]] = {
    "accuracy": Accuracy,
    "acc": Accuracy,
    "accuracy_score": Accuracy,
    "mae": MAE,
    "mean_absolute_error": MAE,
    "mse": MSE,
    "mean_squared_error": MSE,
    "rmse": RMSE,
    "root_mean_squared_error": RMSE,
    "mape": MAPE,
    "mean_absolute_percentage_error": MAPE,
    "r2": R2,
    "r2_score": R2,
    "log_loss": LogLoss,
    "logloss": LogLoss,
    "cross_entropy": LogLoss,
}


def metric_names() -> list[str]:
    """Every name :func:`get_metric` accepts, aliases included."""
    return list(_REGISTRY)


def get_metric(name_or_metric: str | Metric | type | Callable, from_logits: bool = False) -> Metric:
    """A fresh streaming metric from a name, a :class:`Metric` (copied, reset) or a function.

    Parameters
    ----------
    name_or_metric : str, Metric, Metric subclass or callable
        A name: "accuracy", "mae", "mse", "rmse", "mape", "r2", "log_loss" or an alias
        ("acc", "mean_squared_error", "r2_score", ...; case-insensitive). A function
        ``fn(y_true, y_pred)`` becomes a :class:`FunctionMetric`.
    from_logits : bool, default False
        For :class:`Accuracy` and :class:`LogLoss` made from a name: predictions are logits.

    Raises
    ------
    ValueError
        An unknown name, listing the valid ones.

    Examples
    --------
    >>> get_metric("acc").name, get_metric("mean_squared_error").name
    ('accuracy', 'mse')
    >>> get_metric("accuracy", from_logits=True)
    Accuracy(from_logits=True)
    """
    if isinstance(name_or_metric, Metric):
        fresh = copy.deepcopy(name_or_metric)
        fresh.reset()
        return fresh
    if isinstance(name_or_metric, type) and issubclass(name_or_metric, Metric):
        if issubclass(name_or_metric, (Accuracy, LogLoss)):
            return name_or_metric(from_logits=from_logits)
        return name_or_metric()
    if isinstance(name_or_metric, str):
        key = name_or_metric.strip().lower()
        if key not in _REGISTRY:
            close = difflib.get_close_matches(key, _REGISTRY, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(
                f"unknown metric {name_or_metric!r}{hint}; valid names: {', '.join(_REGISTRY)}"
            )
        cls = _REGISTRY[key]
        if cls in (Accuracy, LogLoss):
            return cls(from_logits=from_logits)
        return cls()
    if callable(name_or_metric):
        return FunctionMetric(name_or_metric)
    raise TypeError(
        f"a metric must be a name, a Metric or a function, got {type(name_or_metric).__name__}"
    )
