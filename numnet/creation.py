"""Making tensors: copies of data, zeros and ones, random draws from a seed or Generator."""

from __future__ import annotations

from typing import Any

import numpy as np

from numnet.tensor import Tensor, _to_array, as_tensor, get_default_dtype

__all__ = ["tensor", "zeros", "ones", "zeros_like", "ones_like", "randn", "rand"]


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """A new tensor holding a copy of ``data`` (``Tensor`` itself shares ndarrays)."""
    return Tensor(np.array(_to_array(data, dtype)), requires_grad=requires_grad)


def zeros(*shape: int, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.zeros(_shape(shape), dtype or get_default_dtype()), requires_grad)


def ones(*shape: int, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.ones(_shape(shape), dtype or get_default_dtype()), requires_grad)


def zeros_like(t: Tensor, requires_grad: bool = False) -> Tensor:
    return Tensor(np.zeros_like(as_tensor(t).data), requires_grad)


def ones_like(t: Tensor, requires_grad: bool = False) -> Tensor:
    return Tensor(np.ones_like(as_tensor(t).data), requires_grad)


def randn(
    *shape: int,
    rng: np.random.Generator | int | None = None,
    dtype: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Standard normal samples from ``rng`` (a Generator or a seed)."""
    return _draw("standard_normal", shape, rng, dtype, requires_grad)


def rand(
    *shape: int,
    rng: np.random.Generator | int | None = None,
    dtype: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Uniform samples on [0, 1) from ``rng`` (a Generator or a seed)."""
    return _draw("random", shape, rng, dtype, requires_grad)


def _draw(method: str, shape: tuple, rng: Any, dtype: Any, requires_grad: bool) -> Tensor:
    """Samples in float64 from the Generator, then cast: the same seed gives the same
    numbers in every dtype, up to rounding."""
    draws = getattr(np.random.default_rng(rng), method)(_shape(shape))
    return Tensor(draws.astype(dtype or get_default_dtype()), requires_grad)


def _shape(shape: tuple) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if not all(isinstance(n, (int, np.integer)) and n >= 0 for n in shape):
        raise ValueError(f"a shape is a sequence of non-negative ints, got {shape}")
    return tuple(int(n) for n in shape)
