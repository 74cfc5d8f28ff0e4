"""Plots of training: learning curves, decision boundaries, 1-D fits and gradient norms.

Every function builds a :class:`matplotlib.figure.Figure` directly (no
``pyplot``), so nothing here picks a backend, opens a window or touches a
user's notebook state: it works the same on a headless server and in Jupyter
(where a returned Figure displays itself). Each one

* returns the Figure it drew on,
* draws into an existing Axes when given ``ax=...`` (then returns that Axes' figure),
* saves a PNG when given ``path=...``, atomically: the image is written to a
  temporary file in the same folder and moved over ``path`` with ``os.replace``,
  so a reader never sees half a file and a failed save leaves no debris.

>>> from numnet.plot import plot_history
>>> fig = plot_history({"loss": [1.0, 0.5, 0.4], "val_loss": [1.1, 0.7, 0.8]})
>>> [ax.get_title() for ax in fig.axes]
['loss']
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

import numnet
from numnet._atomic import write_atomic
from numnet.nn.module import Module
from numnet.tensor import Tensor

__all__ = [
    "plot_history",
    "plot_decision_boundary",
    "plot_regression_1d",
    "gradient_norms",
    "plot_gradient_norms",
    "save_figure",
    "class_colors",
]

# TensorFlow Playground's orange (negative class) and blue (positive class), then tab10.
_BINARY_COLORS = ("#f59322", "#0877bd")
_MANY_COLORS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip
# Metrics whose best value is the smallest; every other metric is best when largest.
_LOWER_IS_BETTER = ("loss", "error", "mae", "mse", "rmse", "mape", "nll", "entropy")
_PREDICT_CHUNK = 16384


# --------------------------------------------------------------------- saving
def save_figure(fig: Figure, path: str | os.PathLike, dpi: int = 120) -> Path:
    """Save ``fig`` to ``path`` atomically and return the path.

    The image goes to a temporary file in the destination folder, which is then
    moved over ``path`` with :func:`os.replace` (atomic on POSIX and Windows), so
    an existing file is either kept whole or replaced whole. Missing parent
    folders are created. The format follows the suffix (``.png`` when there is none).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : str or path-like
        Destination file, e.g. ``runs/2024-01-01/learning_curves.png``.
    dpi : int
        Resolution in dots per inch.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> _ = fig.add_subplot().plot([0, 1], [1, 0])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     out = save_figure(fig, pathlib.Path(folder) / "line.png")
    ...     sorted(p.name for p in pathlib.Path(folder).iterdir())
    ['line.png']
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"save_figure needs a matplotlib Figure, got {type(fig).__name__}")
    path = Path(path)
    fmt = path.suffix[1:].lower() or "png"
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=dpi)
    return write_atomic(path, buffer.getvalue())


def _figure_and_axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is None:
        fig = Figure(figsize=figsize, layout="constrained")
        return fig, fig.add_subplot()
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return _root_figure(ax), ax


def _root_figure(ax: Axes) -> Figure:
    try:
        return ax.get_figure(root=True)  # matplotlib >= 3.10: skip sub-figures
    except TypeError:
        return ax.figure


def _finish(fig: Figure, path: str | os.PathLike | None, dpi: int) -> Figure:
    if path is not None:
        save_figure(fig, path, dpi=dpi)
    return fig


def class_colors(n_classes: int) -> list[tuple[float, float, float]]:
    """The RGB colour (floats in [0, 1]) that these plots give to each class index.

    Two classes get TensorFlow Playground's orange and blue; more get
    Matplotlib's ``tab10`` cycle (repeating after ten).

    Examples
    --------
    >>> [tuple(round(c, 3) for c in rgb) for rgb in class_colors(2)]
    [(0.961, 0.576, 0.133), (0.031, 0.467, 0.741)]
    """
    if n_classes < 1:
        raise ValueError(f"n_classes must be at least 1, got {n_classes}")
    palette = _BINARY_COLORS if n_classes <= 2 else _MANY_COLORS
    return [to_rgb(palette[i % len(palette)]) for i in range(n_classes)]


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


# ------------------------------------------------------------------ predicting
def _predict(model: Any, X: np.ndarray, method: str | None = None) -> np.ndarray:
    """The model's outputs on ``X`` as a float array, evaluated without a graph.

    A numnet Module runs in eval mode (dropout off, batch norm on running
    statistics) and is put back into the modes it had, so plotting mid-training
    changes nothing.
    """
    if isinstance(model, Module):
        modes = [(module, module.training) for module in model.modules()]
        model.eval()
        try:
            with numnet.no_grad():
                chunks = [
                    _as_array(model(X[i : i + _PREDICT_CHUNK]))
                    for i in range(0, len(X), _PREDICT_CHUNK)
                ]
        finally:
            for module, training in modes:
                object.__setattr__(module, "training", training)
        return np.concatenate(chunks, axis=0)
    if method is not None:
        return _as_array(getattr(model, method)(X))
    if callable(model):
        return _as_array(model(X))
    raise TypeError(
        "model must be a numnet Module, an object with predict/predict_proba, or a callable "
        f"X -> array, got {type(model).__name__}"
    )


def _as_array(output: Any) -> np.ndarray:
    if isinstance(output, Tensor):
        output = output.data
    return np.asarray(output)


def _softmax(z: np.ndarray) -> np.ndarray:
    shifted = np.exp(z - z.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # exp of a negative number only: no overflow warnings for large |z|.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _check_points(X: Any, name: str) -> np.ndarray:
    X = _as_array(X)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_samples, 2) (two features, one per axis), "
            f"got shape {X.shape}"
        )
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric, got dtype {X.dtype}")
    X = X.astype(np.float64)
    if not np.isfinite(X).all():
        raise ValueError(f"{name} contains NaN or infinity")
    if len(X) == 0:
        raise ValueError(f"{name} is empty")
    return X


def _class_indices(y: Any, classes: np.ndarray, name: str, n_rows: int) -> np.ndarray:
    y = _as_array(y).ravel()
    if len(y) != n_rows:
        raise ValueError(f"{name} has {len(y)} labels for {n_rows} points")
    index = np.searchsorted(classes, y)
    index = np.clip(index, 0, len(classes) - 1)
    unknown = classes[index] != y
    if unknown.any():
        raise ValueError(f"{name} has labels {np.unique(y[unknown]).tolist()} not in classes")
    return index


def _decide(
    outputs: np.ndarray, output: str, threshold: float | None, classes: np.ndarray
) -> tuple[np.ndarray, np.ndarray | None]:
    """Class index per row and class probabilities (or None when the model gives labels)."""
    if output == "labels":
        return _class_indices(outputs, classes, "the model's predicted labels", len(outputs)), None
    outputs = outputs.reshape(len(outputs), -1).astype(np.float64)
    if outputs.shape[1] == 1:
        if output == "logits":
            cut = 0.0 if threshold is None else threshold
            positive = outputs[:, 0] > cut
            p = _sigmoid(outputs[:, 0])
        else:
            cut = 0.5 if threshold is None else threshold
            positive = outputs[:, 0] > cut
            p = np.clip(outputs[:, 0], 0.0, 1.0)
        return positive.astype(np.int64), np.stack([1.0 - p, p], axis=1)
    probs = _softmax(outputs) if output == "logits" else outputs
    return np.argmax(outputs, axis=1), probs


def plot_decision_boundary(
    model: Any,
    X: Any,
    y: Any,
    path: str | os.PathLike | None = None,
    *,
    resolution: int = 200,
    padding: float = 0.1,
    X_test: Any = None,
    y_test: Any = None,
    discretize: bool = False,
    output: str = "auto",
    threshold: float | None = None,
    classes: Sequence[Any] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    feature_names: Sequence[str] = ("$x_1$", "$x_2$"),
    dpi: int = 120,
) -> Figure:
    """Decision regions of a 2-D classifier, with the data coloured by class.

    The model is evaluated on a ``resolution × resolution`` grid covering the
    data (training and test points) plus ``padding`` times its range on each
    side. Each grid cell is painted in the colour of its predicted class
    (:func:`class_colors`); unless ``discretize``, the colour fades to white as
    the model grows unsure: the cell's colour is ``w + (c − w)·s`` with ``c`` the
    class colour, ``w`` white and ``s = (p_max − 1/k)/(1 − 1/k)``, the top class
    probability ``p_max`` rescaled from [1/k, 1] to [0, 1] (k classes). A black
    line traces the boundary. Training points are circles, test points
    triangles, both filled with their true class's colour; the title gives the
    accuracy on each.

    How the model's outputs ``o`` (shape ``(n, k)``) become classes:

    * ``output="logits"`` (default for a numnet Module): k > 1 columns are
      class scores, class = argmax, p = softmax(o); one column is a logit,
      class 1 when ``o > threshold`` (default 0), p = sigmoid(o).
    * ``output="proba"`` (default for an object with ``predict_proba``, which is
      then called): k > 1 columns are probabilities, class = argmax; one column
      is P(class 1), class 1 when ``o > threshold`` (default 0.5).
    * ``output="labels"`` (default for an object with only ``predict``): the
      outputs are labels from ``classes``; the regions are then solid.

    Class index i means the i-th entry of ``classes`` (default: the sorted
    distinct values of ``y`` and ``y_test``), so labels like -1/+1 or strings work.

    Parameters
    ----------
    model : Module, estimator or callable
        A numnet Module mapping an ``(n, 2)`` array to ``(n, k)`` outputs (run in
        eval mode, without a graph, then put back in its mode), a scikit-learn-style
        estimator, or a callable ``X -> array``.
    X : array of shape (n_samples, 2)
        Training points.
    y : array of shape (n_samples,)
        Their labels.
    path : str or path-like, optional
        Save the figure there as a PNG, atomically.
    resolution : int
        Grid cells per axis (at least 2).
    padding : float
        Margin around the data, as a fraction of its range per axis.
    X_test, y_test : arrays, optional
        Test points, drawn as triangles.
    discretize : bool
        Paint solid class colours instead of confidence shades.
    output : {"auto", "logits", "proba", "labels"}
        How to read the model's outputs (see above).
    threshold : float, optional
        Cut for a single output column (0 for logits, 0.5 for probabilities).
    classes : sequence, optional
        The label of each class index.
    ax : Axes, optional
        Draw into this Axes instead of a new figure.
    title : str, optional
        Replaces the default title (the accuracies).
    feature_names : (str, str)
        Axis labels.
    dpi : int
        Resolution of the saved PNG.

    Returns
    -------
    matplotlib.figure.Figure
        Its first Axes holds the region image (``ax.images[0]``, RGB in [0, 1],
        row 0 at the bottom).

    Raises
    ------
    ValueError
        ``X`` is not ``(n, 2)``, holds NaN, or ``y`` does not match it; a label is
        not in ``classes``; the model's output has the wrong number of rows.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[-1.0, 0.0], [1.0, 0.0], [-0.5, 1.0], [0.5, -1.0]])
    >>> y = np.array([0, 1, 0, 1])
    >>> fig = plot_decision_boundary(lambda X: X[:, :1], X, y, resolution=20)
    >>> fig.axes[0].get_title()
    'train accuracy 1.000'
    """
    X = _check_points(X, "X")
    if (X_test is None) != (y_test is None):
        raise ValueError("pass X_test and y_test together, or neither")
    if X_test is not None:
        X_test = _check_points(X_test, "X_test")
    if not isinstance(resolution, (int, np.integer)) or resolution < 2:
        raise ValueError(f"resolution must be an integer of at least 2, got {resolution!r}")
    if padding < 0:
        raise ValueError(f"padding must be non-negative, got {padding}")
    if output == "auto":
        if isinstance(model, Module):
            output = "logits"
        elif hasattr(model, "predict_proba"):
            output = "proba"
        elif hasattr(model, "predict"):
            output = "labels"
        else:
            output = "logits"
    if output not in ("logits", "proba", "labels"):
        raise ValueError(f"output must be 'auto', 'logits', 'proba' or 'labels', got {output!r}")
    method = _method(model, output)

    labels = [_as_array(y).ravel()] + ([_as_array(y_test).ravel()] if y_test is not None else [])
    if classes is None:
        classes_array = np.unique(np.concatenate(labels))
    else:
        classes_array = np.asarray(classes)
        if len(np.unique(classes_array)) != len(classes_array):
            raise ValueError(f"classes must be distinct, got {list(classes)}")
        order = np.argsort(classes_array)
        if not np.array_equal(order, np.arange(len(classes_array))):
            raise ValueError(f"classes must be sorted ascending, got {list(classes)}")
    y_index = _class_indices(y, classes_array, "y", len(X))
    test_index = (
        _class_indices(y_test, classes_array, "y_test", len(X_test)) if X_test is not None else None
    )

    everything = X if X_test is None else np.concatenate([X, X_test])
    low, high = everything.min(axis=0), everything.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    low, high = low - padding * span, high + padding * span
    g1 = np.linspace(low[0], high[0], resolution)
    g2 = np.linspace(low[1], high[1], resolution)
    G1, G2 = np.meshgrid(g1, g2)
    grid = np.column_stack([G1.ravel(), G2.ravel()])

    raw = _predict(model, grid, method)
    if len(raw) != len(grid):
        raise ValueError(f"the model returned {len(raw)} rows for {len(grid)} grid points")
    grid_class, probs = _decide(raw, output, threshold, classes_array)
    k = max(len(classes_array), 2)
    if grid_class.max(initial=0) >= len(classes_array):
        raise ValueError(
            f"the model predicts class index {int(grid_class.max())} but there are only "
            f"{len(classes_array)} classes {classes_array.tolist()}: pass classes="
        )
    colors = np.asarray(class_colors(len(classes_array)))
    rgb = colors[grid_class]
    if probs is not None and not discretize:
        p_max = probs[np.arange(len(probs)), grid_class]
        strength = np.clip((p_max - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)[:, None]
        # Keep some colour even at p = 1/k so that regions stay distinguishable.
        strength = 0.15 + 0.75 * strength
    else:
        strength = np.full((len(rgb), 1), 0.6)
    image = 1.0 + (rgb - 1.0) * strength

    fig, ax = _figure_and_axes(ax, (6.0, 5.2))
    ax.imshow(
        image.reshape(resolution, resolution, 3),
        origin="lower",
        extent=(g1[0], g1[-1], g2[0], g2[-1]),
        interpolation="nearest",
        aspect="auto",
    )
    if len(classes_array) > 1:
        ax.contour(
            G1,
            G2,
            grid_class.reshape(resolution, resolution),
            levels=np.arange(len(classes_array) - 1) + 0.5,
            colors="k",
            linewidths=1.0,
        )
    ax.scatter(X[:, 0], X[:, 1], c=colors[y_index], marker="o", s=22, edgecolors="k", lw=0.5)
    acc = _accuracy(model, X, y_index, output, threshold, classes_array, method)
    parts = [f"train accuracy {acc:.3f}"]
    if X_test is not None:
        ax.scatter(
            X_test[:, 0], X_test[:, 1], c=colors[test_index], marker="^", s=36,
            edgecolors="k", lw=0.8,
        )  # fmt: skip
        acc = _accuracy(model, X_test, test_index, output, threshold, classes_array, method)
        parts.append(f"test accuracy {acc:.3f}")
    handles: list[Any] = [
        Patch(facecolor=colors[i], edgecolor="k", label=str(label))
        for i, label in enumerate(classes_array.tolist())
    ]
    handles.append(Line2D([], [], marker="o", ls="none", color="0.5", mec="k", label="train"))
    if X_test is not None:
        handles.append(Line2D([], [], marker="^", ls="none", color="0.5", mec="k", label="test"))
    ax.legend(handles=handles, fontsize="small", loc="best", framealpha=0.8)
    ax.set_xlim(g1[0], g1[-1])
    ax.set_ylim(g2[0], g2[-1])
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.set_title(title if title is not None else ", ".join(parts))
    return _finish(fig, path, dpi)


def _method(model: Any, output: str) -> str | None:
    """Which method of a non-Module model to call (``None``: call the model itself)."""
    if isinstance(model, Module):
        return None
    if output == "proba" and hasattr(model, "predict_proba"):
        return "predict_proba"
    if hasattr(model, "predict"):
        return "predict"
    return None


def _accuracy(
    model: Any,
    X: np.ndarray,
    y_index: np.ndarray,
    output: str,
    threshold: float | None,
    classes: np.ndarray,
    method: str | None,
) -> float:
    predicted, _ = _decide(_predict(model, X, method), output, threshold, classes)
    return float(np.mean(predicted == y_index))


# ----------------------------------------------------------------- regression
def _column(values: Any, name: str) -> np.ndarray:
    array = _as_array(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"{name} must have shape (n,) or (n, 1), got {array.shape}")
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric, got dtype {array.dtype}")
    array = array.astype(np.float64)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} contains NaN or infinity")
    return array


def plot_regression_1d(
    model: Any,
    x: Any,
    y: Any,
    target: Callable[[np.ndarray], Any] | None = None,
    path: str | os.PathLike | None = None,
    *,
    resolution: int = 1000,
    domain: tuple[float, float] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    dpi: int = 120,
) -> Figure:
    """A 1-D regression fit: the model on a dense grid, the data and the true function.

    The model is evaluated on ``resolution`` evenly spaced points of ``domain``
    (fed as an ``(resolution, 1)`` array; its output must have one column).
    The legend gives the maximum absolute error ``max |ŷ(x) − f(x)|`` over the
    grid when ``target`` f is given, else ``max |ŷ(xᵢ) − yᵢ|`` over the data.

    Parameters
    ----------
    model : Module or callable
        A numnet Module mapping ``(n, 1)`` to ``(n, 1)`` (run in eval mode without
        a graph), an object with ``predict``, or a callable ``X -> array``.
    x, y : arrays of shape (n,) or (n, 1)
        The data points.
    target : callable, optional
        The true function, called on a 1-D array of grid points (e.g. seed 002's
        ``f(x) = 0.2 + 0.4x² + 0.3x·sin(15x) + 0.1·cos(50x)``).
    path : str or path-like, optional
        Save the figure there as a PNG, atomically.
    resolution : int
        Number of grid points (at least 2).
    domain : (float, float), optional
        The grid's interval; default the range of ``x``.
    ax : Axes, optional
        Draw into this Axes instead of a new figure.
    title : str, optional
    dpi : int

    Returns
    -------
    matplotlib.figure.Figure
        Lines in drawing order: the target (when given), then the model.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.linspace(0.0, 1.0, 5)
    >>> fig = plot_regression_1d(lambda X: 2 * X, x, 2 * x + 0.1, target=lambda t: 2 * t,
    ...                          resolution=11)
    >>> fig.axes[0].lines[-1].get_label()
    'model (max |error| vs target 0)'
    """
    x = _column(x, "x")
    y = _column(y, "y")
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} points but y has {len(y)}")
    if len(x) == 0:
        raise ValueError("x is empty")
    if not isinstance(resolution, (int, np.integer)) or resolution < 2:
        raise ValueError(f"resolution must be an integer of at least 2, got {resolution!r}")
    if domain is None:
        domain = (float(x.min()), float(x.max()))
    if not (len(domain) == 2 and np.isfinite(domain).all() and domain[0] < domain[1]):
        raise ValueError(f"domain must be (low, high) with low < high, got {domain}")
    method = _method(model, "values")

    def predict(points: np.ndarray) -> np.ndarray:
        out = _predict(model, points[:, None], method).astype(np.float64)
        if out.ndim == 2 and out.shape[1] == 1:
            out = out[:, 0]
        if out.shape != points.shape:
            raise ValueError(
                f"the model must return one value per point, shape ({len(points)},) or "
                f"({len(points)}, 1); got {out.shape}"
            )
        return out

    grid = np.linspace(domain[0], domain[1], resolution)
    fitted = predict(grid)
    fig, ax = _figure_and_axes(ax, (7.0, 4.5))
    ax.scatter(x, y, s=12, color="0.45", alpha=0.6, label=f"data ({len(x)} points)", zorder=2)
    if target is not None:
        truth = _column(target(grid), "target(grid)")
        if truth.shape != grid.shape:
            raise ValueError(f"target returned shape {truth.shape} for {len(grid)} grid points")
        error, against = float(np.max(np.abs(fitted - truth))), "target"
        ax.plot(grid, truth, color="k", ls="--", lw=1.4, label="target f(x)", zorder=3)
    else:
        error, against = float(np.max(np.abs(predict(x) - y))), "data"
    ax.plot(
        grid, fitted, color="#d62728", lw=2.0, zorder=4,
        label=f"model (max |error| vs {against} {error:.3g})",
    )  # fmt: skip
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small", loc="best")
    if title is not None:
        ax.set_title(title)
    return _finish(fig, path, dpi)


# ------------------------------------------------------------ gradient norms
def gradient_norms(model: Module) -> dict[str, float]:
    """The L2 norm of each parameter's gradient, by dotted parameter name.

    ``‖∂L/∂θ‖₂ = sqrt(Σᵢ (∂L/∂θᵢ)²)`` over all entries of the parameter (the
    Frobenius norm of a weight matrix), read from ``.grad`` after a backward
    pass. Frozen parameters and those without a gradient are left out. Comparing
    the first layers with the last shows vanishing or exploding gradients.

    Parameters
    ----------
    model : Module

    Returns
    -------
    dict of str to float
        In ``named_parameters()`` order.

    Raises
    ------
    ValueError
        No parameter has a gradient (``backward()`` not called yet).

    Examples
    --------
    >>> import numnet
    >>> from numnet import nn
    >>> model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.Tanh(), nn.Linear(3, 1, rng=1))
    >>> model(numnet.ones((4, 2))).sum().backward()
    >>> list(gradient_norms(model))
    ['0.weight', '0.bias', '2.weight', '2.bias']
    """
    if not isinstance(model, Module):
        raise TypeError(f"gradient_norms needs a numnet Module, got {type(model).__name__}")
    norms = {
        name: float(np.linalg.norm(np.asarray(parameter.grad, dtype=np.float64).ravel()))
        for name, parameter in model.named_parameters()
        if parameter.grad is not None
    }
    if not norms:
        raise ValueError(
            f"no parameter of this {type(model).__name__} has a gradient: "
            "call loss.backward() before gradient_norms"
        )
    return norms


def plot_gradient_norms(
    norms_or_model: Mapping[str, float] | Module,
    path: str | os.PathLike | None = None,
    log: bool = True,
    *,
    ax: Axes | None = None,
    title: str | None = "gradient L2 norm per layer",
    dpi: int = 120,
) -> Figure:
    """Gradient norm per layer: the vanishing/exploding-gradient picture.

    Parameter names ``"<layer>.<kind>"`` (``"4.weight"``) are grouped by layer
    (everything before the last dot), layers numbered 0, 1, ... from the input
    side in order of appearance. Each kind (weight, bias, ...) is one line with
    markers over the layer index, on a log y-axis by default, so a 100-layer
    tanh network's decay over orders of magnitude reads as a straight slope.
    Zero norms cannot sit on a log axis; they are left out and counted in the
    legend. With at most 16 layers each x tick also names its module.

    Parameters
    ----------
    norms_or_model : dict of str to float, or Module
        Norms from :func:`gradient_norms`, or a model after ``backward()``.
    path : str or path-like, optional
        Save the figure there as a PNG, atomically.
    log : bool
        Log-scale y-axis.
    ax : Axes, optional
        Draw into this Axes instead of a new figure.
    title : str or None
    dpi : int

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> norms = {"0.weight": 1e-3, "0.bias": 2e-4, "2.weight": 0.1, "2.bias": 0.05}
    >>> fig = plot_gradient_norms(norms)
    >>> [(line.get_label(), line.get_ydata().tolist()) for line in fig.axes[0].lines]
    [('weight', [0.001, 0.1]), ('bias', [0.0002, 0.05])]
    """
    if isinstance(norms_or_model, Module):
        norms = gradient_norms(norms_or_model)
    elif isinstance(norms_or_model, Mapping):
        norms = dict(norms_or_model)
    else:
        raise TypeError(
            "plot_gradient_norms needs a dict of norms or a numnet Module, "
            f"got {type(norms_or_model).__name__}"
        )
    if not norms:
        raise ValueError("no gradient norms to plot (the dict is empty)")
    layers: list[str] = []
    kinds: dict[str, dict[int, float]] = {}
    for name, value in norms.items():
        value = float(value)
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"gradient norm of {name!r} must be finite and >= 0, got {value}")
        layer, _, kind = name.rpartition(".")
        if layer not in layers:
            layers.append(layer)
        kinds.setdefault(kind, {})[layers.index(layer)] = value

    fig, ax = _figure_and_axes(ax, (max(6.0, min(14.0, 0.12 * len(layers) + 5)), 4.2))
    markers = "os^Dv<>p"
    for number, (kind, by_layer) in enumerate(kinds.items()):
        index = np.array(sorted(by_layer))
        value = np.array([by_layer[i] for i in index])
        zeros = int(np.sum(value == 0)) if log else 0
        if zeros:
            index, value = index[value > 0], value[value > 0]
        label = kind + (f" ({zeros} zero norms not shown)" if zeros else "")
        ax.plot(index, value, marker=markers[number % len(markers)], ms=4, lw=1.2, label=label)
    if log:
        ax.set_yscale("log")
    xlabel = "layer index (0 = input side)"
    if len(layers) <= 16:
        names = [name or "(root)" for name in layers]
        long = max(len(name) for name in names) > 6
        ax.set_xticks(range(len(layers)))
        ax.set_xticklabels(
            [f"{i}\n{name}" for i, name in enumerate(names)],
            rotation=30 if long else 0,
            ha="right" if long else "center",
            fontsize="small",
        )
        xlabel += ", module name below"
    else:
        ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("‖gradient‖₂")
    ax.grid(True, which="both" if log else "major", alpha=0.3)
    ax.legend(fontsize="small", title="parameter")
    if title is not None:
        ax.set_title(title)
    return _finish(fig, path, dpi)
