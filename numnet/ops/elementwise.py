"""Elementwise math: exp, log, sqrt, abs, clip, maximum, minimum, where.

Activation functions (sigmoid, tanh, relu, ...) are in :mod:`numnet.functional`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from numnet.ops.arithmetic import _broadcast_error, _operands
from numnet.tensor import Tensor, _result, as_tensor, unbroadcast


def exp(x: Any) -> Tensor:
    """eˣ; d/dx = eˣ. Beyond float range (x > 88 in float32) the value is inf, without a warning."""
    x = as_tensor(x)
    with np.errstate(over="ignore"):
        data = np.exp(x.data)

    def backward(g):
        return (g * data,)

    return _result(data, (x,), backward, "exp")


def log(x: Any) -> Tensor:
    """Natural logarithm; d/dx = 1/x."""
    x = as_tensor(x)
    xd = x.data

    def backward(g):
        return (g / xd,)

    return _result(np.log(xd), (x,), backward, "log")


def sqrt(x: Any) -> Tensor:
    """√x; d/dx = 1 / (2√x)."""
    x = as_tensor(x)
    data = np.sqrt(x.data)

    def backward(g):
        return (g / (2 * data),)

    return _result(data, (x,), backward, "sqrt")


def abs(x: Any) -> Tensor:
    """|x|; d/dx = sign(x), 0 at x = 0."""
    x = as_tensor(x)
    xd = x.data

    def backward(g):
        return (g * np.sign(xd),)

    return _result(np.abs(xd), (x,), backward, "abs")


def clip(x: Any, min: float | None = None, max: float | None = None) -> Tensor:
    """Limit values to [min, max]; the gradient passes where min ≤ x ≤ max."""
    x = as_tensor(x)
    if min is None and max is None:
        raise ValueError("clip needs min, max or both")
    if min is not None and max is not None and min > max:
        raise ValueError(f"clip: min {min} is larger than max {max}")
    xd = x.data
    data = np.clip(xd, min, max)

    def backward(g):
        inside = np.ones(xd.shape, dtype=bool)
        if min is not None:
            inside &= xd >= min
        if max is not None:
            inside &= xd <= max
        return (g * inside,)

    return _result(data, (x,), backward, "clip")


def _select(a: Any, b: Any, ufunc: np.ufunc, name: str) -> Tensor:
    a, b = _operands(a, b)
    ad, bd = a.data, b.data
    try:
        data = ufunc(ad, bd)
    except ValueError:
        raise _broadcast_error(name, a, b) from None

    def backward(g):
        # Where a == b the gradient is split in halves, as PyTorch does.
        share_a = np.where(ad == bd, 0.5, ad == data).astype(g.dtype)
        ga = unbroadcast(g * share_a, ad.shape) if a.requires_grad else None
        gb = unbroadcast(g * (1 - share_a), bd.shape) if b.requires_grad else None
        return ga, gb

    return _result(data, (a, b), backward, name)


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise larger of a and b (broadcast); ties split the gradient evenly."""
    return _select(a, b, np.maximum, "maximum")


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise smaller of a and b (broadcast); ties split the gradient evenly."""
    return _select(a, b, np.minimum, "minimum")


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """``a`` where ``condition`` is true, else ``b``; the gradient follows the choice."""
    cond = as_tensor(condition).data.astype(bool, copy=False)
    a, b = _operands(a, b)
    ad, bd = a.data, b.data
    try:
        data = np.where(cond, ad, bd)
    except ValueError:
        raise ValueError(
            f"where: shapes {cond.shape}, {a.shape} and {b.shape} cannot be broadcast together"
        ) from None

    def backward(g):
        ga = unbroadcast(np.where(cond, g, 0), ad.shape) if a.requires_grad else None
        gb = unbroadcast(np.where(cond, 0, g), bd.shape) if b.requires_grad else None
        return ga, gb

    return _result(data, (a, b), backward, "where")
