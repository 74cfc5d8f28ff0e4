"""Check backpropagation against finite differences (seed 000), in float64.

The lecture's forward difference (F(θ + Δ) − F(θ)) / Δ has error O(Δ); the
central difference used here, (F(θ + Δ) − F(θ − Δ)) / 2Δ, has error O(Δ²).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from numnet.autograd import no_grad
from numnet.tensor import Tensor

__all__ = ["gradcheck", "GradcheckError", "numerical_gradient"]


class GradcheckError(AssertionError):
    """Backpropagation and finite differences disagree."""


def gradcheck(
    fn: Callable[..., Tensor],
    *inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-4,
    seed: int = 0,
) -> bool:
    """Compare the gradients of ``fn`` from ``backward()`` with central differences.

    Every input that is a float tensor with ``requires_grad=True`` is checked;
    other inputs are passed through (float tensors as float64 copies). A
    non-scalar output is reduced to ``Σ vᵢ outᵢ`` with fixed random weights
    ``v``, which checks the whole Jacobian in one backward pass (a wrong
    entry goes unnoticed only with probability zero).

    Parameters
    ----------
    fn : callable
        Takes the inputs, returns a Tensor. Must be deterministic.
    eps : float
        Step Δ of the central difference.
    atol, rtol : float
        Passed when |analytic − numerical| ≤ atol + rtol · |numerical|.
    seed : int
        Seed of the projection weights ``v``.

    Returns
    -------
    True when every element agrees; otherwise raises :class:`GradcheckError`
    naming the input, the element and both values.

    Examples
    --------
    >>> import numnet
    >>> x = numnet.Tensor([0.5, -1.0], requires_grad=True)
    >>> numnet.gradcheck(lambda t: (t * t.exp()).sum(), x)
    True
    """
    args = [_float64(x) for x in inputs]
    checked = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input is a float tensor with requires_grad=True")
    out = _evaluate(fn, args)
    weights = np.random.default_rng(seed).standard_normal(out.shape)
    (out * Tensor(weights)).sum().backward()

    for i in checked:
        analytic = args[i].grad if args[i].grad is not None else np.zeros_like(args[i].data)
        numeric = numerical_gradient(lambda: _projection(fn, args, weights), args[i].data, eps)
        bad = np.abs(analytic - numeric) > atol + rtol * np.abs(numeric)
        if bad.any():
            where = tuple(int(k) for k in np.argwhere(bad)[0])
            raise GradcheckError(
                f"gradcheck: input {i} (shape {args[i].shape}), element {where}: backward gives "
                f"{analytic[where]!r}, finite differences give {numeric[where]!r} "
                f"(atol={atol}, rtol={rtol}, eps={eps})"
            )
    return True


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar ``f()`` with respect to ``x``, perturbed in place."""
    grad = np.zeros_like(x, dtype=np.float64)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        above = f()
        x[index] = original - eps
        below = f()
        x[index] = original
        grad[index] = (above - below) / (2 * eps)
    return grad


def _float64(x: Any) -> Any:
    if isinstance(x, Tensor) and x.dtype.kind == "f":
        return Tensor(x.data.astype(np.float64), requires_grad=x.requires_grad)
    return x


def _evaluate(fn: Callable[..., Tensor], args: list) -> Tensor:
    out = fn(*args)
    if not isinstance(out, Tensor) or out.dtype.kind != "f":
        raise TypeError(f"gradcheck: fn must return a float Tensor, got {type(out).__name__}")
    return out


def _projection(fn: Callable[..., Tensor], args: list, weights: np.ndarray) -> float:
    with no_grad():
        return float(np.sum(_evaluate(fn, args).data * weights))
