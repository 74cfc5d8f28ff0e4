"""The dense layer ``x W + b`` as one fused node, and dropout."""

from __future__ import annotations

from typing import Any

import numpy as np

from numnet.functional._blas import column_sum
from numnet.tensor import Tensor, _result, as_tensor

__all__ = ["linear", "dropout"]


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
    xd, wd = x.data, weight.data
    if wd.ndim != 2 or xd.ndim == 0 or xd.shape[-1] != wd.shape[0]:
        raise ValueError(
            f"linear: input of shape {x.shape} does not fit weight of shape {weight.shape}; "
            "expected input (..., in_features) and weight (in_features, out_features)"
        )
    data = np.dot(xd, wd) if xd.ndim == 2 else xd @ wd
    if bias is not None:
        bd = bias.data
        if bd.shape != (wd.shape[1],):
            raise ValueError(f"linear: bias of shape {bias.shape}, expected ({wd.shape[1]},)")
        if bd.dtype is data.dtype:
            data += bd
        else:
            data = data + bd
        parents = (x, weight, bias)
    else:
        parents = (x, weight)

    def backward(g):
        g2 = g if g.ndim == 2 else g.reshape(-1, g.shape[-1])
        x2 = xd if xd.ndim == 2 else xd.reshape(-1, xd.shape[-1])
        gx = None
        if x.requires_grad:
            gx = np.dot(g2, wd.T) if g.ndim == 2 else np.dot(g2, wd.T).reshape(xd.shape)
        gw = np.dot(x2.T, g2) if weight.requires_grad else None
        if bias is None:
            return gx, gw
        return gx, gw, (column_sum(g2) if bias.requires_grad else None)

    return _result(data, parents, backward, "linear")


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
