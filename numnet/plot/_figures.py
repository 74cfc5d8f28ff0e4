"""Shared pieces of the plots: colours, saving, figure handling and model predictions."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from numnet._atomic import write_atomic
from numnet.nn.module import Module
from numnet.tensor import Tensor

# TensorFlow Playground's orange (negative class) and blue (positive class), then tab10.
_BINARY_COLORS = ("#f59322", "#0877bd")
_MANY_COLORS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip
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


# ------------------------------------------------------------------ predicting
def _predict(model: Any, X: np.ndarray, method: str | None = None) -> np.ndarray:
    """The model's outputs on ``X`` as a float array, evaluated without a graph.

    A numnet Module runs in eval mode (dropout off, batch norm on running
    statistics) and is put back into the modes it had, so plotting mid-training
    changes nothing.
    """
    if isinstance(model, Module):
        from numnet.train import predict

        return _as_array(predict(model, X, batch_size=_PREDICT_CHUNK))
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


def _method(model: Any, output: str) -> str | None:
    """Which method of a non-Module model to call (``None``: call the model itself)."""
    if isinstance(model, Module):
        return None
    if output == "proba" and hasattr(model, "predict_proba"):
        return "predict_proba"
    if hasattr(model, "predict"):
        return "predict"
    return None
