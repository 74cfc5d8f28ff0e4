"""Decision boundaries of 2-D classifiers: :func:`plot_decision_boundary`."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from numnet.functional.activations import softmax_array
from numnet.nn.module import Module
from numnet.plot._figures import (
    _as_array,
    _figure_and_axes,
    _finish,
    _method,
    _predict,
    class_colors,
)


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
    probs = softmax_array(outputs, axis=1) if output == "logits" else outputs
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
    legend: bool = True,
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
    legend : bool
        Draw the legend (class colours, train/test markers); False for the
        panels of a grid that shares one legend.
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
    >>> fig = plot_decision_boundary(lambda X: X[:, :1], X, y, resolution=20, legend=False)
    >>> fig.axes[0].get_legend() is None
    True
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
    if not isinstance(legend, (bool, np.bool_)):
        raise TypeError(f"legend must be True or False, got {legend!r}")
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
    if legend:
        handles: list[Any] = [
            Patch(facecolor=colors[i], edgecolor="k", label=str(label))
            for i, label in enumerate(classes_array.tolist())
        ]
        handles.append(Line2D([], [], marker="o", ls="none", color="0.5", mec="k", label="train"))
        if X_test is not None:
            handles.append(
                Line2D([], [], marker="^", ls="none", color="0.5", mec="k", label="test")
            )
        ax.legend(handles=handles, fontsize="small", loc="best", framealpha=0.8)
    ax.set_xlim(g1[0], g1[-1])
    ax.set_ylim(g2[0], g2[-1])
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.set_title(title if title is not None else ", ".join(parts))
    return _finish(fig, path, dpi)


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
