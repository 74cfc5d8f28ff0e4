"""Losses, fused and numerically stable, with ``reduction="mean" | "sum" | "none"``.

Seed 000 writes losses as sums over the data, seed 002 as means; both are here.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from scipy.special import expit

from numnet.functional._blas import row_sum
from numnet.tensor import Tensor, _result, as_tensor

__all__ = ["cross_entropy", "binary_cross_entropy_with_logits", "mse_loss"]

_REDUCTIONS = ("mean", "sum", "none")


def _reduce(loss: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "mean":
        return np.add.reduce(loss, axis=None) / loss.size
    if reduction == "sum":
        return np.add.reduce(loss, axis=None)
    return loss


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _reduction_grad(g: np.ndarray, n: int, reduction: str) -> np.ndarray | float:
    """dL/d(loss_i): g/n for a mean, g for a sum (as Python floats: a scalar
    multiplies fastest and keeps the loss's dtype), g_i for 'none'."""
    if reduction == "none":
        return g
    return float(g) / n if reduction == "mean" else float(g)


def cross_entropy(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Cross-entropy from logits and class indices: ℓ_i = −ln softmax(z_i)[y_i].

    Computed as ln Σ_j e^(z_ij − m_i) − (z_iy − m_i) with m_i the row maximum,
    so logits of any size are safe. Backward: (softmax(z_i) − onehot(y_i)) · g.

    Parameters
    ----------
    input : (n, classes) logits
    target : (n,) integer class indices in [0, classes)
    reduction : 'mean' | 'sum' | 'none'
    """
    _check_reduction(reduction)
    z = as_tensor(input)
    if z.ndim != 2:
        raise ValueError(f"cross_entropy: input must be (n, classes) logits, got shape {z.shape}")
    y = _class_indices(target, z.shape)
    n, classes = z.shape
    picked = _row_starts(n, classes) + y  # flat index of each row's target logit
    shifted = z.data - np.maximum.reduce(z.data, axis=1, keepdims=True)
    e = np.exp(shifted)
    total = row_sum(e)
    loss = np.log(total)
    loss -= shifted.take(picked)

    def backward(g):
        grad = e / total[:, None]
        grad.ravel()[picked] -= 1  # a view: grad is a fresh C-ordered array
        scale = _reduction_grad(g, n, reduction)
        grad *= scale[:, None] if reduction == "none" else scale
        return (grad,)

    return _result(_reduce(loss, reduction), (z,), backward, "cross_entropy")


def _class_indices(target: Any, shape: tuple[int, int]) -> np.ndarray:
    """Targets as ``intp`` indices, checked to lie in [0, classes)."""
    y = target.data if isinstance(target, Tensor) else np.asarray(target)
    if y.dtype.kind not in "iu":
        raise TypeError(
            f"cross_entropy: target must hold integer class indices, got dtype {y.dtype}"
        )
    if y.shape != (shape[0],):
        raise ValueError(
            f"cross_entropy: target of shape {y.shape} for input {shape}; expected ({shape[0]},)"
        )
    y = y.astype(np.intp, copy=False)
    # bincount rejects negative values and grows past minlength for too large ones:
    # both ends checked in one cheap pass.
    try:
        in_range = len(np.bincount(y, minlength=shape[1])) == shape[1]
    except ValueError:
        in_range = False
    if not in_range:
        raise _bad_class(y, shape[1])
    return y


@functools.lru_cache(maxsize=64)
def _row_starts(n: int, classes: int) -> np.ndarray:
    """Flat index of the first element of each row of an (n, classes) array."""
    starts = np.arange(0, n * classes, classes)
    starts.flags.writeable = False
    return starts


def _bad_class(y: np.ndarray, classes: int) -> ValueError:
    bad = y[(y < 0) | (y >= classes)][0]
    return ValueError(f"cross_entropy: class index {bad} is outside [0, {classes})")


def _same_shape(name: str, a: Tensor, b: Tensor) -> None:
    if a.shape != b.shape:
        raise ValueError(
            f"{name}: input of shape {a.shape} and target of shape {b.shape} must have the same "
            "shape (a (n, 1) prediction against an (n,) target is a common slip: reshape one)"
        )


def binary_cross_entropy_with_logits(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy on logits: ℓ = −[y ln σ(x) + (1 − y) ln(1 − σ(x))].

    Computed as softplus(x) − x·y = logaddexp(0, x) − x·y, stable for any x.
    Backward: dℓ/dx = σ(x) − y, dℓ/dy = −x.
    """
    _check_reduction(reduction)
    x, y = as_tensor(input), as_tensor(target)
    _same_shape("binary_cross_entropy_with_logits", x, y)
    xd, yd = x.data, y.data
    loss = np.logaddexp(0, xd) - xd * yd

    def backward(g):
        scale = _reduction_grad(g, xd.size, reduction)
        gx = (expit(xd) - yd) * scale if x.requires_grad else None
        gy = -xd * scale if y.requires_grad else None
        return gx, gy

    return _result(_reduce(loss, reduction), (x, y), backward, "binary_cross_entropy_with_logits")


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Squared error ℓ = (x − y)²; dℓ/dx = 2(x − y), dℓ/dy = −2(x − y)."""
    _check_reduction(reduction)
    x, y = as_tensor(input), as_tensor(target)
    _same_shape("mse_loss", x, y)
    diff = x.data - y.data

    def backward(g):
        gx = 2 * diff * _reduction_grad(g, diff.size, reduction)
        return gx, (-gx if y.requires_grad else None)

    return _result(_reduce(diff * diff, reduction), (x, y), backward, "mse_loss")
