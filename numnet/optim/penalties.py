"""L1 (lasso) and L2 (ridge) penalties on the weights, to add to the loss (seed 003).

Which tensors are penalized: by default those with ``ndim >= 2``, the weight
matrices. Biases and the scale and shift of normalization layers are 1-D and
are left alone, since seed 003 never regularizes the intercept ω₀ (shrinking
it would pull the predictions towards 0, not make the model simpler). Pass
``min_ndim=0`` to penalize every tensor given, e.g. an explicit list.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from numnet.optim._utils import check_number, tensor_list
from numnet.tensor import Tensor, _constant, _result

__all__ = ["l1_penalty", "l2_penalty"]


def _weights(params: Tensor | Iterable[Tensor], min_ndim: int, where: str) -> list[Tensor]:
    """The tensors a penalty or a constraint applies to: those with ``ndim >= min_ndim``."""
    if isinstance(min_ndim, bool) or not isinstance(min_ndim, (int, np.integer)) or min_ndim < 0:
        raise ValueError(f"{where}: min_ndim must be an int >= 0, got {min_ndim!r}")
    return [t for t in tensor_list(params, where) if t.ndim >= min_ndim]


def l2_penalty(params: Tensor | Iterable[Tensor], alpha: float, *, min_ndim: int = 2) -> Tensor:
    """The ridge penalty R = α Σ w², summed over every element of every weight tensor.

    This is seed 003's λ‖ω‖₂² (no factor ½), with gradient ∂R/∂w = 2αw. Adding
    it to the loss of plain SGD equals ``weight_decay = 2α`` on the same tensors.

    Parameters
    ----------
    params : Tensor or iterable of Tensor
        E.g. ``model.parameters()``.
    alpha : float
        α ≥ 0.
    min_ndim : int
        Only tensors with at least this many dimensions are penalized
        (default 2: weight matrices, not biases or normalization parameters;
        0: every tensor given).

    Returns
    -------
    Tensor
        A 0-d tensor, one node of the graph; add it to the loss before ``backward()``.

    Examples
    --------
    >>> import numnet
    >>> from numnet.optim import l2_penalty
    >>> W = numnet.Tensor([[1.0, -2.0]], requires_grad=True)
    >>> b = numnet.Tensor([3.0], requires_grad=True)
    >>> R = l2_penalty([W, b], alpha=0.1)  # 0.1 · (1 + 4); b is left alone
    >>> R.item()
    0.5
    >>> R.backward()
    >>> W.grad, b.grad
    (array([[ 0.2, -0.4]], dtype=float32), None)
    """
    alpha = _check_alpha(alpha, "l2_penalty")
    weights = _weights(params, min_ndim, "l2_penalty")
    if not weights:
        return _constant(0.0)
    arrays = [w.data for w in weights]
    dtype = np.result_type(*arrays)
    value = alpha * sum(np.vdot(a, a) for a in arrays)

    def backward(g):  # ∂/∂w α Σ w² = 2α w
        scale = g * (2 * alpha)
        return tuple(scale * a for a in arrays)

    return _result(np.asarray(value, dtype=dtype), tuple(weights), backward, "l2_penalty")


def l1_penalty(params: Tensor | Iterable[Tensor], alpha: float, *, min_ndim: int = 2) -> Tensor:
    """The lasso penalty R = α Σ |w|, summed over every element of every weight tensor.

    Its (sub)gradient is ∂R/∂w = α sign(w), 0 at w = 0. It drives unimportant
    weights to exactly zero (seed 003), though plain gradient steps only make
    them oscillate around 0.

    Parameters
    ----------
    params : Tensor or iterable of Tensor
        E.g. ``model.parameters()``.
    alpha : float
        α ≥ 0.
    min_ndim : int
        Only tensors with at least this many dimensions are penalized
        (default 2: weight matrices, not biases or normalization parameters;
        0: every tensor given).

    Returns
    -------
    Tensor
        A 0-d tensor, one node of the graph; add it to the loss before ``backward()``.

    Examples
    --------
    >>> import numnet
    >>> from numnet.optim import l1_penalty
    >>> W = numnet.Tensor([[1.0, -2.0], [0.0, 4.0]], requires_grad=True)
    >>> R = l1_penalty([W], alpha=0.5)
    >>> R.item()
    3.5
    >>> R.backward()
    >>> W.grad
    array([[ 0.5, -0.5],
           [ 0. ,  0.5]], dtype=float32)
    """
    alpha = _check_alpha(alpha, "l1_penalty")
    weights = _weights(params, min_ndim, "l1_penalty")
    if not weights:
        return _constant(0.0)
    arrays = [w.data for w in weights]
    dtype = np.result_type(*arrays)
    value = alpha * sum(np.abs(a).sum() for a in arrays)

    def backward(g):  # ∂/∂w α Σ |w| = α sign(w)
        scale = g * alpha
        return tuple(scale * np.sign(a) for a in arrays)

    return _result(np.asarray(value, dtype=dtype), tuple(weights), backward, "l1_penalty")


def _check_alpha(alpha: float, where: str) -> float:
    alpha = check_number(where, "alpha", alpha)
    if not math.isfinite(alpha):
        raise ValueError(f"{where}: alpha must be finite, got {alpha}")
    return alpha
