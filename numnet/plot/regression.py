"""1-D regression fits: :func:`plot_regression_1d`."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from numnet.plot._figures import _as_array, _figure_and_axes, _finish, _method, _predict


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
