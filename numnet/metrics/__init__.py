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

from numnet.metrics._functions import (
    accuracy_score,
    confusion_matrix,
    log_loss,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    r2_score,
    root_mean_squared_error,
)
from numnet.metrics.streaming import (
    MAE,
    MAPE,
    MSE,
    R2,
    RMSE,
    Accuracy,
    FunctionMetric,
    LogLoss,
    Metric,
    get_metric,
    metric_names,
)

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
