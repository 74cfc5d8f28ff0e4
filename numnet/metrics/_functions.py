"""The metric functions, scikit-learn style, and the input checks they share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

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
