"""The dense layer ``f(x W + b)`` as one fused node, and dropout."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import expit

from numnet.functional._blas import column_sum
from numnet.tensor import Tensor, _result, as_tensor

__all__ = ["linear", "dense", "dropout", "DENSE_ACTIVATIONS"]


def linear(x: Any, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """Dense layer y = x W + b as one node.

    Parameters
    ----------
    x : (..., in_features)
    weight : (in_features, out_features)
    bias : (out_features,), optional

    Backward: dL/dx = G Wᵀ, dL/dW = xᵀ G, dL/db = Σ_rows G.
    """
    x = as_tensor(x)
    data, parents = _affine(x, weight, bias)

    def backward(g):
        return _affine_grads(g, parents)

    return _result(data, parents, backward, "linear")


def dense(
    x: Any, weight: Tensor, bias: Tensor | None = None, activation: str = "identity"
) -> Tensor:
    """The dense layer of the lectures, y = f(x W + b), as one node.

    Equal to ``activation(linear(x, weight, bias))`` but one graph node instead
    of two, which is what a small network's speed is made of. Backward:
    G_z = G ⊙ f'(z), then the rule of :func:`linear` with G_z.

    Parameters
    ----------
    x : (..., in_features)
    weight : (in_features, out_features)
    bias : (out_features,), optional
    activation : one of ``DENSE_ACTIVATIONS``: identity, sigmoid, tanh, arctan, relu, softplus

    Examples
    --------
    >>> import numnet as nn, numnet.functional as F
    >>> W = nn.Tensor([[1.0], [-1.0]], requires_grad=True)
    >>> F.dense(nn.Tensor([[2.0, 1.0]]), W, activation="relu")
    Tensor([[1.]], op=dense)
    """
    if activation not in DENSE_ACTIVATIONS:
        raise ValueError(
            f"dense: unknown activation {activation!r}; expected one of {sorted(DENSE_ACTIVATIONS)}"
        )
    x = as_tensor(x)
    if activation == "identity":
        return linear(x, weight, bias)
    f, derivative = DENSE_ACTIVATIONS[activation]
    z, parents = _affine(x, weight, bias)
    data = f(z)

    def backward(g):
        return _affine_grads(g * derivative(z, data), parents)

    return _result(data, parents, backward, "dense")


# Each activation as (f(z), f'(z) written with z and y = f(z)), the seed 000 table.
DENSE_ACTIVATIONS: dict[str, tuple[Any, Any] | None] = {
    "identity": None,
    "sigmoid": (expit, lambda z, y: y * (1 - y)),
    "tanh": (np.tanh, lambda z, y: 1 - y * y),
    "arctan": (np.arctan, lambda z, y: 1 / (1 + z * z)),
    "relu": (lambda z: np.maximum(z, 0), lambda z, y: z >= 0),
    "softplus": (lambda z: np.logaddexp(0, z), lambda z, y: expit(z)),
}


def _affine(x: Tensor, weight: Tensor, bias: Tensor | None) -> tuple[np.ndarray, tuple]:
    """z = x W + b with shape checks; the parents tuple records which inputs took part."""
    xd, wd = x.data, weight.data
    if wd.ndim != 2 or xd.ndim == 0 or xd.shape[-1] != wd.shape[0]:
        raise ValueError(
            f"linear: input of shape {x.shape} does not fit weight of shape {weight.shape}; "
            "expected input (..., in_features) and weight (in_features, out_features)"
        )
    z = np.dot(xd, wd) if xd.ndim == 2 else xd @ wd
    if bias is None:
        return z, (x, weight)
    bd = bias.data
    if bd.shape != (wd.shape[1],):
        raise ValueError(f"linear: bias of shape {bias.shape}, expected ({wd.shape[1]},)")
    if bd.dtype is z.dtype:
        z += bd
    else:
        z = z + bd
    return z, (x, weight, bias)


def _affine_grads(g: np.ndarray, parents: tuple) -> tuple:
    """dL/dx = G Wᵀ, dL/dW = xᵀ G, dL/db = Σ_rows G (leading axes of x flattened)."""
    x, weight = parents[0], parents[1]
    xd, wd = x.data, weight.data
    g2 = g if g.ndim == 2 else g.reshape(-1, g.shape[-1])
    x2 = xd if xd.ndim == 2 else xd.reshape(-1, xd.shape[-1])
    gx = None
    if x.requires_grad:
        gx = np.dot(g2, wd.T) if g.ndim == 2 else np.dot(g2, wd.T).reshape(xd.shape)
    gw = np.dot(x2.T, g2) if weight.requires_grad else None
    if len(parents) == 2:
        return gx, gw
    return gx, gw, (column_sum(g2) if parents[2].requires_grad else None)


def dropout(
    x: Any,
    p: float = 0.5,
    training: bool = True,
    rng: np.random.Generator | int | None = None,
    mode: str = "inverted",
) -> Tensor:
    """Zero each element with probability ``p`` (the drop probability, as PyTorch).

    Two modes of seed 001, with keep probability q = 1 − p:

    - ``"inverted"``: training multiplies the kept elements by 1/q, so the
      expectation is unchanged; prediction is the identity.
    - ``"classic"``: training keeps elements unscaled; prediction multiplies by q.

    ``rng`` is a NumPy Generator or a seed; the same seed drops the same elements.
    """
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability p must be in [0, 1], got {p}")
    if mode not in ("inverted", "classic"):
        raise ValueError(f"dropout mode must be 'inverted' or 'classic', got {mode!r}")
    x = as_tensor(x)
    keep = 1.0 - p
    if not training:
        return x if mode == "inverted" or p == 0 else x * keep
    if p == 0:
        return x
    scale = 1.0 if mode == "classic" else (1.0 / keep if keep > 0 else 0.0)
    mask = (np.random.default_rng(rng).random(x.shape) < keep) * np.asarray(scale, x.data.dtype)

    def backward(g):
        return (g * mask,)

    return _result(x.data * mask, (x,), backward, "dropout")
