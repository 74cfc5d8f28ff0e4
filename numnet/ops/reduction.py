"""Reductions: sum, mean, var, max, min over ``axis`` (None, an int or a tuple), ``keepdims``.

Backward re-inserts the reduced axes into g and broadcasts it over the input.
"""

from __future__ import annotations

import numpy as np

from numnet.tensor import Tensor, _result


def _axes(x: Tensor, axis, op: str) -> tuple[int, ...] | None:
    """``axis`` as a tuple of non-negative ints; None (every axis) stays None."""
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    normal = []
    for ax in axes:
        if not isinstance(ax, (int, np.integer)) or not -x.ndim <= ax < x.ndim:
            raise ValueError(f"{op}: axis {ax!r} is out of range for a tensor of shape {x.shape}")
        normal.append(int(ax) % x.ndim)
    if len(set(normal)) != len(normal):
        raise ValueError(f"{op}: repeated axis in {axis!r}")
    return tuple(normal)


def _keep(g: np.ndarray, axes: tuple[int, ...], keepdims: bool) -> np.ndarray:
    """g with the reduced axes back as size-1 axes, ready to broadcast over the input."""
    return g if keepdims or axes is None else np.expand_dims(g, axes)


def _count(x: Tensor, axes: tuple[int, ...] | None) -> int:
    if axes is None:
        return x.size
    return int(np.prod([x.shape[ax] for ax in axes], dtype=np.int64))


def sum(x: Tensor, axis=None, keepdims: bool = False) -> Tensor:
    """Sum of elements. d/dx_i = 1."""
    axes = _axes(x, axis, "sum")
    shape = x.shape

    def backward(g):
        return (np.broadcast_to(_keep(g, axes, keepdims), shape),)

    return _result(np.add.reduce(x.data, axis=axes, keepdims=keepdims), (x,), backward, "sum")


def mean(x: Tensor, axis=None, keepdims: bool = False) -> Tensor:
    """Arithmetic mean. d/dx_i = 1/n."""
    axes = _axes(x, axis, "mean")
    n = _count(x, axes)
    if n == 0:
        raise ValueError(f"mean over an empty axis of a tensor of shape {x.shape}")
    shape = x.shape

    def backward(g):
        return (np.broadcast_to(_keep(g, axes, keepdims) / n, shape),)

    data = np.add.reduce(x.data, axis=axes, keepdims=keepdims) / n
    return _result(data, (x,), backward, "mean")


def var(x: Tensor, axis=None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    """Variance Σ(x − x̄)² / (n − ddof); ``ddof=0`` as NumPy, 1 for the unbiased estimate.

    d/dx_i = 2(x_i − x̄) / (n − ddof).
    """
    axes = _axes(x, axis, "var")
    n = _count(x, axes)
    if n - ddof <= 0:
        raise ValueError(f"var: {n} elements with ddof={ddof} leaves no degrees of freedom")
    centered = x.data - np.mean(x.data, axis=axes, keepdims=True)
    data = np.sum(centered * centered, axis=axes, keepdims=keepdims) / (n - ddof)

    def backward(g):
        return (_keep(g, axes, keepdims) * centered * (2.0 / (n - ddof)),)

    return _result(data, (x,), backward, "var")


def _extremum(x: Tensor, axis, keepdims: bool, ufunc, name: str) -> Tensor:
    axes = _axes(x, axis, name)
    if _count(x, axes) == 0:
        raise ValueError(f"{name} over an empty axis of a tensor of shape {x.shape}")
    kept = ufunc.reduce(x.data, axis=axes, keepdims=True)
    data = kept if keepdims else np.squeeze(kept, axis=axes)

    def backward(g):
        # Ties share the gradient equally, as torch.amax/amin do.
        winners = x.data == kept
        ties = winners.sum(axis=axes, keepdims=True, dtype=g.dtype)
        return (_keep(g, axes, keepdims) * winners / ties,)

    return _result(data, (x,), backward, name)


def max(x: Tensor, axis=None, keepdims: bool = False) -> Tensor:
    """Largest element; the gradient goes to the maximal elements (split evenly on ties)."""
    return _extremum(x, axis, keepdims, np.maximum, "max")


def min(x: Tensor, axis=None, keepdims: bool = False) -> Tensor:
    """Smallest element; the gradient goes to the minimal elements (split evenly on ties)."""
    return _extremum(x, axis, keepdims, np.minimum, "min")
