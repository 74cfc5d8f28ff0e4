"""Streaming metrics, updated batch by batch, and :func:`get_metric` to make one by name."""

from __future__ import annotations

import copy
import difflib
from collections.abc import Callable
from typing import Any

import numpy as np

from numnet.metrics._functions import _EPS64, _array, _check_length, _r2_from_sums, _regression_pair

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
