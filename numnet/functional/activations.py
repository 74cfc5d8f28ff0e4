"""Activation functions, each one graph node with its hand-written derivative.

The table of seed 000, row by row: f and f' side by side. All are stable for
|x| up to 1e4 in float32: no overflow, no NaN and no RuntimeWarning.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import expit

from numnet.functional._blas import relu as _relu_array
from numnet.ops.elementwise import exp
from numnet.tensor import Tensor, _result, as_tensor, unbroadcast

__all__ = [
    "identity", "step", "sigmoid", "tanh", "arctan", "relu", "prelu", "elu", "softplus",
    "softmax", "softmax_array", "log_softmax", "exp",
]  # fmt: skip


def identity(x: Any) -> Tensor:
    """f(x) = x; f' = 1."""
    return as_tensor(x)


def step(x: Any) -> Tensor:
    """Binary step f(x) = 1 if x ≥ 0 else 0; f' = 0 everywhere (taken as 0 at the jump too)."""
    x = as_tensor(x)

    def backward(g):
        return (np.zeros_like(g),)

    return _result((x.data >= 0).astype(x.data.dtype), (x,), backward, "step")


def sigmoid(x: Any) -> Tensor:
    """Logistic σ(x) = 1 / (1 + e⁻ˣ); f' = f(1 − f). Evaluated without overflow."""
    x = as_tensor(x)
    data = expit(x.data)

    def backward(g):
        return (g * data * (1 - data),)

    return _result(data, (x,), backward, "sigmoid")


def tanh(x: Any) -> Tensor:
    """tanh(x); f' = 1 − f²."""
    x = as_tensor(x)
    data = np.tanh(x.data)

    def backward(g):
        return (g * (1 - data * data),)

    return _result(data, (x,), backward, "tanh")


def arctan(x: Any) -> Tensor:
    """arctan(x); f' = 1 / (1 + x²)."""
    x = as_tensor(x)
    xd = x.data

    def backward(g):
        return (g / (1 + xd * xd),)

    return _result(np.arctan(xd), (x,), backward, "arctan")


def relu(x: Any) -> Tensor:
    """ReLU f(x) = max(0, x); f' = 1 for x ≥ 0 (seed 002's convention at 0), else 0."""
    x = as_tensor(x)
    xd = x.data

    def backward(g):
        return (g * (xd >= 0),)

    return _result(_relu_array(xd), (x,), backward, "relu")


def prelu(x: Any, alpha: Any) -> Tensor:
    """PReLU f(x) = x for x ≥ 0, αx otherwise, with a learnable α.

    ``alpha`` broadcasts against ``x``: a scalar, or shape ``(features,)`` for
    an ``(n, features)`` input. f'(x) = 1 or α; df/dα = x where x < 0.
    """
    x, alpha = as_tensor(x), as_tensor(alpha)
    xd, ad = x.data, alpha.data
    negative = xd < 0
    try:
        data = np.where(negative, ad * xd, xd)
    except ValueError:
        data = None
    if data is None or data.shape != xd.shape:
        raise ValueError(f"prelu: alpha of shape {alpha.shape} does not broadcast to {x.shape}")

    def backward(g):
        gx = g * np.where(negative, ad, 1).astype(g.dtype) if x.requires_grad else None
        ga = None
        if alpha.requires_grad:
            ga = unbroadcast(np.where(negative, g * xd, 0), ad.shape)
        return gx, ga

    return _result(data, (x, alpha), backward, "prelu")


def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """ELU f(x) = x for x > 0, α(eˣ − 1) otherwise; f' = 1 or f + α."""
    x = as_tensor(x)
    xd = x.data
    positive = xd > 0
    data = np.where(positive, xd, alpha * np.expm1(np.minimum(xd, 0)))

    def backward(g):
        return (np.where(positive, g, g * (data + alpha)),)

    return _result(data, (x,), backward, "elu")


def softplus(x: Any, beta: float = 1.0) -> Tensor:
    """SoftPlus f(x) = ln(1 + e^(βx)) / β; f' = σ(βx). Computed as logaddexp(0, βx)."""
    x = as_tensor(x)
    bx = x.data * beta if beta != 1 else x.data
    data = np.logaddexp(0, bx) / beta if beta != 1 else np.logaddexp(0, bx)

    def backward(g):
        return (g * expit(bx),)

    return _result(data, (x,), backward, "softplus")


def softmax_array(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """softmax of a NumPy array along ``axis``, max subtracted first; no graph.

    >>> softmax_array(np.array([[0.0, np.log(3.0)]])).round(6).tolist()
    [[0.25, 0.75]]
    """
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def softmax(x: Any, axis: int = -1) -> Tensor:
    """softmax(x)_i = e^(x_i) / Σ_j e^(x_j) along ``axis`` (max subtracted first).

    Backward: dL/dx = s ⊙ (g − Σ_j g_j s_j).
    """
    x = as_tensor(x)
    data = softmax_array(x.data, axis)

    def backward(g):
        return (data * (g - (g * data).sum(axis=axis, keepdims=True)),)

    return _result(data, (x,), backward, "softmax")


def log_softmax(x: Any, axis: int = -1) -> Tensor:
    """log softmax(x) = x − max − ln Σ e^(x − max) along ``axis``.

    Backward: dL/dx = g − softmax(x) · Σ_j g_j.
    """
    x = as_tensor(x)
    shifted = x.data - x.data.max(axis=axis, keepdims=True)
    data = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))

    def backward(g):
        return (g - np.exp(data) * g.sum(axis=axis, keepdims=True),)

    return _result(data, (x,), backward, "log_softmax")
