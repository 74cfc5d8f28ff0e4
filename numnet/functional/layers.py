"""The dense layer ``f(x W + b)`` as one fused node, and dropout."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import expit

from numnet.functional._blas import column_sum
from numnet.functional._blas import relu as _relu
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
    return _dense(as_tensor(x), weight, bias, "identity", out_in=False)


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
    >>> import numnet, numnet.functional as F
    >>> W = numnet.Tensor([[1.0], [-1.0]], requires_grad=True)
    >>> F.dense(numnet.Tensor([[2.0, 1.0]]), W, activation="relu")
    Tensor([[1.]], op=dense)
    """
    if activation not in DENSE_ACTIVATIONS:
        raise ValueError(
            f"dense: unknown activation {activation!r}; expected one of {sorted(DENSE_ACTIVATIONS)}"
        )
    return _dense(as_tensor(x), weight, bias, activation, out_in=False)


def _dense(x: Tensor, weight: Tensor, bias: Tensor | None, activation: str, out_in: bool):
    """f(x W + b), or f(x Wᵀ + b) when ``out_in`` (the (out, in) layout of ``nn.Linear``)."""
    z, parents = _affine(x, weight, bias, out_in)
    if activation == "identity":

        def backward(g):
            return _affine_grads(g, parents, out_in)

        return _result(z, parents, backward, "linear")
    f, chain = DENSE_ACTIVATIONS[activation]
    data = f(z)

    def backward(g):
        return _affine_grads(chain(g, z, data), parents, out_in)

    return _result(data, parents, backward, "dense")


# Each activation as (f(z), G ⊙ f'(z) written with G, z and y = f(z)), the seed 000 table.
# The products are grouped as in the activation's own backward, so fused and unfused
# layers give bit-identical gradients.
DENSE_ACTIVATIONS: dict[str, tuple[Any, Any] | None] = {
    "identity": None,
    "sigmoid": (expit, lambda g, z, y: g * y * (1 - y)),
    "tanh": (np.tanh, lambda g, z, y: g * (1 - y * y)),
    "arctan": (np.arctan, lambda g, z, y: g / (1 + z * z)),
    "relu": (_relu, lambda g, z, y: g * (z >= 0)),
    "softplus": (lambda z: np.logaddexp(0, z), lambda g, z, y: g * expit(z)),
}


def _affine(x: Tensor, weight: Tensor, bias: Tensor | None, out_in: bool) -> tuple:
    """z = x W + b (or x Wᵀ + b) with shape checks; the parents record which inputs took part."""
    xd, wd = x.data, weight.data
    if out_in:
        wd = wd.T  # a view: BLAS reads the transpose in place
    if wd.ndim != 2 or xd.ndim == 0 or xd.shape[-1] != wd.shape[0]:
        layout = "(out_features, in_features)" if out_in else "(in_features, out_features)"
        raise ValueError(
            f"linear: input of shape {x.shape} does not fit weight of shape {weight.shape}; "
            f"expected input (..., in_features) and weight {layout}"
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


def _affine_grads(g: np.ndarray, parents: tuple, out_in: bool) -> tuple:
    """dL/dx = G Wᵀ, dL/dW = xᵀ G (or Gᵀ x for (out, in)), dL/db = Σ_rows G.

    Leading axes of x are flattened into the rows.
    """
    x, weight = parents[0], parents[1]
    xd, wd = x.data, weight.data
    g2 = g if g.ndim == 2 else g.reshape(-1, g.shape[-1])
    x2 = xd if xd.ndim == 2 else xd.reshape(-1, xd.shape[-1])
    gx = None
    if x.requires_grad:
        gx = np.dot(g2, wd if out_in else wd.T)
        if g.ndim != 2:
            gx = gx.reshape(xd.shape)
    gw = None
    if weight.requires_grad:
        gw = np.dot(g2.T, x2) if out_in else np.dot(x2.T, g2)
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
    if x.dtype.kind != "f":
        raise TypeError(f"dropout needs a floating-point input, got dtype {x.dtype}")
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
