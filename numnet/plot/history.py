"""Learning curves: :func:`plot_history`."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from numnet.plot._figures import _finish, _root_figure

# Metrics whose best value is the smallest; every other metric is best when largest.
_LOWER_IS_BETTER = ("loss", "error", "mae", "mse", "rmse", "mape", "nll", "entropy")


# -------------------------------------------------------------------- history
def _history_dict(history: Any) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """``({metric: values}, epochs)`` from a History-like object or a dict of lists."""
    if isinstance(history, Mapping):
        values = dict(history)
        epochs = values.pop("epoch", None)
    elif isinstance(getattr(history, "history", None), Mapping):
        values = dict(history.history)
        epochs = getattr(history, "epoch", None)
    else:
        raise TypeError(
            "history must be a History (with .history: dict[str, list[float]]) or a dict of "
            f"lists, got {type(history).__name__}"
        )
    if not values:
        raise ValueError("history has no metrics: it records nothing to plot")
    arrays: dict[str, np.ndarray] = {}
    for key, series in values.items():
        array = np.asarray(series, dtype=np.float64)
        if array.ndim != 1:
            raise ValueError(f"history[{key!r}] must be a list of numbers, got shape {array.shape}")
        arrays[key] = array
    lengths = {key: len(array) for key, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"history's lists differ in length: {lengths}")
    n_epochs = next(iter(lengths.values()))
    if epochs is None or len(epochs) == 0:
        epochs = np.arange(n_epochs)
    epochs = np.asarray(epochs, dtype=np.int64)
    if epochs.shape != (n_epochs,):
        raise ValueError(f"history has {n_epochs} values per metric but {len(epochs)} epochs")
    return arrays, epochs


def _lower_is_better(metric: str) -> bool:
    name = metric.removeprefix("val_").lower()
    return any(word in name for word in _LOWER_IS_BETTER)


def _best_index(values: np.ndarray, mode: str) -> int | None:
    finite = np.isfinite(values)
    if not finite.any():
        return None
    masked = np.where(finite, values, np.inf if mode == "min" else -np.inf)
    return int(np.argmin(masked) if mode == "min" else np.argmax(masked))


def plot_history(
    history: Any,
    metrics: Sequence[str] | str | None = None,
    path: str | os.PathLike | None = None,
    *,
    ax: Axes | Sequence[Axes] | None = None,
    log_loss: bool = False,
    monitor: str | None = "auto",
    mode: str = "auto",
    title: str | None = None,
    dpi: int = 120,
) -> Figure:
    """Learning curves: one panel per metric, training and validation lines.

    For each metric ``m`` the panel draws ``history[m]`` (training, solid) and
    ``history["val_" + m]`` (validation, dashed) against the epoch number.
    Epochs are shown 1-based (epoch 1 is the state after the first pass over
    the data), i.e. ``History.epoch + 1``. NaN values (a metric not computed
    that epoch) leave gaps. The best epoch of the monitored validation metric
    is marked by a dotted vertical line in every panel and a star on its curve.

    Parameters
    ----------
    history : History or dict of lists
        An object with ``history: dict[str, list[float]]`` and optionally
        ``epoch: list[int]`` (0-based), or a plain dict (an ``"epoch"`` key is used
        as the epoch list if present).
    metrics : sequence of str, str or None
        Panels to draw, by base name (``"loss"``, ``"accuracy"``); a name may also
        exist only as ``"val_" + name``. Default: every base name in order of first
        appearance, ``"loss"`` first, without ``"lr"`` (ask for it explicitly).
    path : str or path-like, optional
        Save the figure there as a PNG, atomically.
    ax : Axes or sequence of Axes, optional
        Draw into these (one per metric) instead of a new figure.
    log_loss : bool
        Use a log y-axis for metrics whose name contains "loss".
    monitor : str or None
        Validation metric whose best epoch is marked. ``"auto"``: ``"val_loss"``
        when recorded, else none. ``None`` marks nothing.
    mode : {"auto", "min", "max"}
        Whether the monitored metric is best when smallest or largest; ``"auto"``
        picks "min" for loss/error-like names (loss, mae, mse, ...), else "max".
    title : str, optional
        Figure title.
    dpi : int
        Resolution of the saved PNG.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        A requested metric (or the monitor) is not in the history (the message lists
        the keys there are), or the lists differ in length.

    Examples
    --------
    >>> history = {"loss": [0.9, 0.5, 0.45], "val_loss": [1.0, 0.6, 0.7],
    ...            "accuracy": [0.6, 0.8, 0.85], "val_accuracy": [0.55, 0.75, 0.7]}
    >>> fig = plot_history(history, log_loss=True)
    >>> [(ax.get_title(), ax.get_yscale()) for ax in fig.axes]
    [('loss', 'log'), ('accuracy', 'linear')]
    >>> fig.axes[0].lines[0].get_ydata().tolist()
    [0.9, 0.5, 0.45]
    """
    values, epochs = _history_dict(history)
    available = sorted(values)
    if metrics is None:
        bases: list[str] = []
        for key in values:
            base = key.removeprefix("val_")
            if base not in bases and base != "lr":
                bases.append(base)
        if "loss" in bases:
            bases.remove("loss")
            bases.insert(0, "loss")
        if not bases:
            raise ValueError(f"history has no metric to plot besides 'lr'; keys: {available}")
    else:
        bases = [metrics] if isinstance(metrics, str) else list(metrics)
        if not bases:
            raise ValueError("metrics is empty: name at least one metric to plot")
        missing = [m for m in bases if m not in values and f"val_{m}" not in values]
        if missing:
            raise ValueError(f"metrics {missing} are not in the history; its keys are {available}")
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"mode must be 'auto', 'min' or 'max', got {mode!r}")
    if monitor == "auto":
        monitor = "val_loss" if "val_loss" in values else None
    elif monitor is not None and monitor not in values:
        raise ValueError(f"monitor {monitor!r} is not in the history; its keys are {available}")

    if ax is None:
        n = len(bases)
        columns = min(n, 3)
        rows = math.ceil(n / columns)
        fig = Figure(figsize=(4.6 * columns, 3.4 * rows), layout="constrained")
        axes = list(np.atleast_1d(fig.subplots(rows, columns, squeeze=False)).ravel())
        for extra in axes[n:]:
            fig.delaxes(extra)
        axes = axes[:n]
    else:
        axes = [ax] if isinstance(ax, Axes) else list(ax)
        if len(axes) != len(bases):
            raise ValueError(
                f"got {len(axes)} Axes for {len(bases)} metrics {bases}: pass one Axes per metric"
            )
        fig = _root_figure(axes[0])

    x = epochs + 1
    best = None
    if monitor is not None:
        direction = mode if mode != "auto" else ("min" if _lower_is_better(monitor) else "max")
        best = _best_index(values[monitor], direction)

    for panel, base in zip(axes, bases):
        if base in values:
            panel.plot(x, values[base], color="#1f77b4", marker=".", label="train")
        if f"val_{base}" in values:
            panel.plot(
                x, values[f"val_{base}"], color="#d62728", marker=".", ls="--", label="validation"
            )
        if best is not None:
            panel.axvline(x[best], color="0.4", ls=":", lw=1.2)
            if monitor in (base, f"val_{base}"):
                panel.plot(
                    x[best],
                    values[monitor][best],
                    marker="*",
                    ms=13,
                    color="#2ca02c",
                    ls="none",
                    label=f"best {monitor} {values[monitor][best]:.4g} (epoch {x[best]})",
                )
        if log_loss and "loss" in base.lower():
            panel.set_yscale("log")
        panel.set_title(base)
        panel.set_xlabel("epoch")
        panel.set_ylabel(base)
        panel.grid(True, alpha=0.3)
        # Integer epochs: no 2.5 ticks on short runs.
        panel.xaxis.get_major_locator().set_params(integer=True)
        panel.legend(fontsize="small")
    if title is not None:
        fig.suptitle(title)
    return _finish(fig, path, dpi)
