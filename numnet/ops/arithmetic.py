"""Arithmetic: ``+ - * / ** @``, negation and comparisons, with NumPy broadcasting.

Each function computes its output, then defines ``backward(g)``: given
g = dL/d(output), it returns dL/d(input) for each input, summed back to the
input's shape where broadcasting copied it (``unbroadcast``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from numnet.tensor import Tensor, _constant, _result, unbroadcast


def _operands(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """Both operands as tensors, an integer one cast to the other's float dtype (as PyTorch)."""
    if not isinstance(a, Tensor):
        a = _constant(a, like=b)
    if not isinstance(b, Tensor):
        b = _constant(b, like=a)
    da, db = a.data.dtype, b.data.dtype
    if da is not db and (da.kind == "f") != (db.kind == "f"):
        if da.kind == "f":
            b = _constant(b.data.astype(da))
        else:
            a = _constant(a.data.astype(db))
    return a, b


def _broadcast_error(op: str, a: Tensor, b: Tensor) -> ValueError:
    return ValueError(f"{op}: shapes {a.shape} and {b.shape} cannot be broadcast together")


def add(a: Any, b: Any) -> Tensor:
    """a + b. d/da = 1, d/db = 1."""
    a, b = _operands(a, b)
    try:
        data = a.data + b.data
    except ValueError:
        raise _broadcast_error("add", a, b) from None
    sa, sb = a.shape, b.shape

    def backward(g):
        return unbroadcast(g, sa), unbroadcast(g, sb)

    return _result(data, (a, b), backward, "add")


def sub(a: Any, b: Any) -> Tensor:
    """a - b. d/da = 1, d/db = -1."""
    a, b = _operands(a, b)
    try:
        data = a.data - b.data
    except ValueError:
        raise _broadcast_error("sub", a, b) from None
    sa, sb = a.shape, b.shape

    def backward(g):
        return unbroadcast(g, sa), (unbroadcast(-g, sb) if b.requires_grad else None)

    return _result(data, (a, b), backward, "sub")


def mul(a: Any, b: Any) -> Tensor:
    """a * b. d/da = b, d/db = a."""
    a, b = _operands(a, b)
    ad, bd = a.data, b.data
    try:
        data = ad * bd
    except ValueError:
        raise _broadcast_error("mul", a, b) from None

    def backward(g):
        ga = unbroadcast(g * bd, ad.shape) if a.requires_grad else None
        gb = unbroadcast(g * ad, bd.shape) if b.requires_grad else None
        return ga, gb

    return _result(data, (a, b), backward, "mul")


def div(a: Any, b: Any) -> Tensor:
    """a / b. d/da = 1/b, d/db = -a/b²."""
    a, b = _operands(a, b)
    ad, bd = a.data, b.data
    try:
        data = ad / bd
    except ValueError:
        raise _broadcast_error("div", a, b) from None

    def backward(g):
        ga = unbroadcast(g / bd, ad.shape) if a.requires_grad else None
        gb = unbroadcast(-g * data / bd, bd.shape) if b.requires_grad else None
        return ga, gb

    return _result(data, (a, b), backward, "div")


def neg(a: Tensor) -> Tensor:
    """-a."""

    def backward(g):
        return (-g,)

    return _result(-a.data, (a,), backward, "neg")


def pow(a: Any, b: Any) -> Tensor:
    """a ** b. d/da = b·a^(b−1); d/db = a^b·ln a (taken as 0 where a = 0, as PyTorch)."""
    if isinstance(a, Tensor) and isinstance(b, (int, float)) and not isinstance(b, bool):
        return _pow_scalar(a, b)
    a, b = _operands(a, b)
    ad, bd = a.data, b.data
    try:
        data = ad**bd
    except ValueError:
        raise _broadcast_error("pow", a, b) from None

    def backward(g):
        ga = unbroadcast(g * bd * ad ** (bd - 1), ad.shape) if a.requires_grad else None
        gb = None
        if b.requires_grad:
            with np.errstate(divide="ignore", invalid="ignore"):
                log_a = np.where(ad == 0, 0, np.log(np.where(ad == 0, 1, ad)))
            gb = unbroadcast(g * data * log_a, bd.shape)
        return ga, gb

    return _result(data, (a, b), backward, "pow")


def _pow_scalar(a: Tensor, p: float) -> Tensor:
    ad = a.data
    data = ad**p

    def backward(g):
        if p == 2:
            return (g * 2 * ad,)
        return (g * p * ad ** (p - 1),)

    return _result(data, (a,), backward, "pow")


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product ``a @ b``, 2-D or batched (leading axes broadcast), 1-D as in NumPy.

    For C = A B: dL/dA = G Bᵀ and dL/dB = Aᵀ G.
    """
    a, b = _operands(a, b)
    ad, bd = a.data, b.data
    if ad.ndim == 0 or bd.ndim == 0:
        raise ValueError(
            f"matmul needs tensors with at least 1 axis, got shapes {a.shape} and {b.shape}"
        )
    inner = bd.shape[0] if bd.ndim == 1 else bd.shape[-2]
    if ad.shape[-1] != inner:
        raise ValueError(
            f"matmul: shapes {a.shape} and {b.shape} are not aligned: the last axis of the first "
            f"({ad.shape[-1]}) must equal the {'only' if bd.ndim == 1 else 'second-to-last'} axis "
            f"of the second ({inner})"
        )
    try:
        data = ad @ bd
    except ValueError:
        raise ValueError(
            f"matmul: the batch axes of shapes {a.shape} and {b.shape} cannot be broadcast together"
        ) from None

    if ad.ndim == 2 and bd.ndim == 2:

        def backward(g):
            ga = g @ bd.T if a.requires_grad else None
            gb = ad.T @ g if b.requires_grad else None
            return ga, gb

    else:

        def backward(g):
            # Promote 1-D operands to matrices as NumPy does, then use the 2-D rule.
            a2 = ad[None, :] if ad.ndim == 1 else ad
            b2 = bd[:, None] if bd.ndim == 1 else bd
            if ad.ndim == 1 and bd.ndim == 1:  # inner product: g is a scalar
                return (g * bd if a.requires_grad else None), (g * ad if b.requires_grad else None)
            g2 = np.expand_dims(g, -2) if ad.ndim == 1 else g
            g2 = np.expand_dims(g2, -1) if bd.ndim == 1 else g2
            ga = gb = None
            if a.requires_grad:
                ga = unbroadcast(g2 @ np.swapaxes(b2, -1, -2), a2.shape).reshape(ad.shape)
            if b.requires_grad:
                gb = unbroadcast(np.swapaxes(a2, -1, -2) @ g2, b2.shape).reshape(bd.shape)
            return ga, gb

    return _result(data, (a, b), backward, "matmul")


def _compare(ufunc: np.ufunc, name: str):
    def compare(a: Any, b: Any) -> Tensor:
        a, b = _operands(a, b)
        try:
            data = ufunc(a.data, b.data)
        except ValueError:
            raise _broadcast_error(name, a, b) from None
        return _constant(data)

    compare.__name__ = name
    compare.__doc__ = f"Elementwise ``{name}`` as a bool tensor (no gradient)."
    return compare


lt = _compare(np.less, "lt")
le = _compare(np.less_equal, "le")
gt = _compare(np.greater, "gt")
ge = _compare(np.greater_equal, "ge")
eq = _compare(np.equal, "eq")
ne = _compare(np.not_equal, "ne")
