"""Gradient clipping, as ``torch.nn.utils.clip_grad_norm_`` and ``clip_grad_value_``."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from numnet.optim._utils import check_number, tensor_list
from numnet.tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def clip_grad_norm_(
    params: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
) -> float:
    """Rescale gradients in place so that their joint norm is at most ``max_norm``.

    The total norm is that of all gradients concatenated into one vector,
    ‖g‖ₚ = ‖(‖g₁‖ₚ, …, ‖gₖ‖ₚ)‖ₚ. Every gradient is multiplied by
    ``min(1, max_norm / (‖g‖ₚ + 1e-6))``, as in PyTorch. Parameters without a
    gradient are skipped.

    Parameters
    ----------
    params : Tensor or iterable of Tensor
    max_norm : float
        Largest allowed total norm (≥ 0).
    norm_type : float or "inf"
        p of the p-norm; ``inf`` for the largest absolute value.
    error_if_nonfinite : bool
        Raise instead of clipping when the total norm is nan or ±inf (by
        default a nan norm makes every gradient nan, as in PyTorch).

    Returns
    -------
    float
        The total norm before clipping (0.0 when no parameter has a gradient).

    Raises
    ------
    RuntimeError
        The total norm is not finite and ``error_if_nonfinite`` is set.

    Examples
    --------
    >>> import numpy as np
    >>> import numnet
    >>> from numnet.optim import clip_grad_norm_
    >>> w = numnet.Tensor([0.0, 0.0], requires_grad=True)
    >>> w.grad = np.array([3.0, 4.0], dtype=np.float32)
    >>> clip_grad_norm_([w], max_norm=1.0)
    5.0
    >>> w.grad.round(6)
    array([0.6, 0.8], dtype=float32)
    """
    max_norm = check_number("clip_grad_norm_", "max_norm", max_norm)
    p = float(norm_type)
    grads = [t.grad for t in tensor_list(params, "clip_grad_norm_") if t.grad is not None]
    if not grads:
        return 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        norms = np.array([np.linalg.norm(g.ravel(), p) for g in grads])
        total = float(np.linalg.norm(norms, p))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total {norm_type}-norm of the gradients is {total}, so they "
            f"cannot be clipped; set error_if_nonfinite=False to scale them by it anyway"
        )
    coef = max_norm / (total + 1e-6)
    if not coef >= 1.0:  # a nan coefficient propagates, as torch.clamp does
        for g in grads:
            g *= coef
    return total


def clip_grad_value_(params: Tensor | Iterable[Tensor], clip_value: float) -> None:
    """Clip every gradient element into ``[-clip_value, clip_value]``, in place.

    Parameters
    ----------
    params : Tensor or iterable of Tensor
        Parameters without a gradient are skipped.
    clip_value : float
        Bound c ≥ 0.

    Examples
    --------
    >>> import numpy as np
    >>> import numnet
    >>> from numnet.optim import clip_grad_value_
    >>> w = numnet.Tensor([0.0, 0.0, 0.0], requires_grad=True)
    >>> w.grad = np.array([-3.0, 0.5, 2.0], dtype=np.float32)
    >>> clip_grad_value_([w], 1.0)
    >>> w.grad
    array([-1. ,  0.5,  1. ], dtype=float32)
    """
    c = check_number("clip_grad_value_", "clip_value", clip_value)
    for t in tensor_list(params, "clip_grad_value_"):
        if t.grad is not None:
            np.clip(t.grad, -c, c, out=t.grad)
