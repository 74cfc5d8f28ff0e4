"""Sums written as products with a ones vector.

On the small arrays of small networks one BLAS call beats a ufunc reduction
by about 2x; the result is the same up to the order of rounding.
"""

from __future__ import annotations

import functools

import numpy as np


@functools.lru_cache(maxsize=64)
def ones(n: int, dtype: np.dtype) -> np.ndarray:
    """A read-only vector of n ones, cached per (n, dtype)."""
    vector = np.ones(n, dtype)
    vector.flags.writeable = False
    return vector


def column_sum(a: np.ndarray) -> np.ndarray:
    """Σ over the rows of a 2-D array: 1ᵀ a."""
    return np.dot(ones(a.shape[0], a.dtype), a)


def row_sum(a: np.ndarray) -> np.ndarray:
    """Σ over the columns of a 2-D array: a 1."""
    return np.dot(a, ones(a.shape[1], a.dtype))
