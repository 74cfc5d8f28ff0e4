"""Shared input checks for numnet.data: array conversion, finiteness, seeds."""

from __future__ import annotations

from typing import Any

import numpy as np

DEFAULT_SEED = 0
"""The seed a loader uses when given ``seed=None``, so an unseeded run is still reproducible."""


class DataError(ValueError):
    """Bad user data: one line naming the file, column or row and what was expected."""


def to_numpy(data: Any, name: str) -> np.ndarray:
    """Turn arrays, lists, pandas objects or numnet Tensors into an ndarray (no copy if possible).

    numnet Tensors expose ``__array__`` and pandas objects ``to_numpy``, so ``np.asarray``
    covers all of them without importing either library here.
    """
    try:
        array = np.asarray(data)
    except (ValueError, TypeError) as error:
        raise TypeError(f"{name} must be array-like, got {type(data).__name__}: {error}") from None
    if array.dtype.kind == "O":
        # pandas frames with mixed column types come out as object arrays; numbers must survive.
        try:
            array = array.astype(np.float64)
        except (ValueError, TypeError):
            raise TypeError(
                f"{name} must hold numbers, got {type(data).__name__} with non-numeric entries"
            ) from None
    return array


def check_X(X: Any, name: str = "X", dtype: Any = None) -> np.ndarray:
    """Validate a 2-D numeric feature matrix with no NaN or inf; convert to ``dtype`` if given.

    Integer and bool features become the numnet default float dtype, float features keep their
    own dtype unless ``dtype`` asks for another.
    """
    X = to_numpy(X, name)
    if X.ndim == 1:
        raise ValueError(
            f"{name} must be 2-D (n_samples, n_features), got shape {X.shape}; "
            f"use X.reshape(-1, 1) for a single feature or X.reshape(1, -1) for a single sample"
        )
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {X.shape}")
    if X.dtype.kind not in "fiub":
        raise TypeError(f"{name} must be numeric, got dtype {X.dtype}")
    if dtype is not None:
        X = X.astype(check_float_dtype(dtype), copy=False)
    elif X.dtype.kind != "f":
        from numnet.tensor import get_default_dtype

        X = X.astype(get_default_dtype())
    check_finite(X, name)
    return X


def check_float_dtype(dtype: Any) -> np.dtype:
    """``dtype`` as a NumPy float dtype, or a TypeError naming it."""
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"dtype must be a float dtype such as float32 or float64, got {dtype}")
    return dtype


def check_finite(X: np.ndarray, name: str = "X", row_offset: int = 0, where: str = "") -> None:
    """Raise a ValueError naming the first row and column holding NaN or inf, if any."""
    if X.dtype.kind != "f":
        return
    finite = np.isfinite(X)
    if finite.all():
        return
    bad = np.argwhere(~finite)[0]
    row = int(bad[0]) + row_offset
    value = X[tuple(bad)]
    column = f", column {int(bad[1])}" if X.ndim > 1 else ""
    raise ValueError(f"{name}{where} holds {value} at row {row}{column}; expected finite numbers")


def check_y(y: Any, n_samples: int, name: str = "y") -> np.ndarray:
    """Validate targets: 1-D or 2-D, one row per sample, finite if floating."""
    y = to_numpy(y, name)
    if y.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-D or 2-D, got shape {y.shape}")
    if y.shape[0] != n_samples:
        raise ValueError(
            f"X and {name} must have the same number of rows, got {n_samples} and {y.shape[0]}"
        )
    if y.dtype.kind not in "fiub":
        raise TypeError(
            f"{name} must be numeric, got dtype {y.dtype}; encode string labels as integers first "
            f"(e.g. sklearn.preprocessing.LabelEncoder)"
        )
    check_finite(y, name)
    return y


def check_batch_size(batch_size: Any) -> int:
    """A positive int batch size, or a TypeError/ValueError naming the bad value."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise TypeError(f"batch_size must be a positive int, got {batch_size!r}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size}")
    return int(batch_size)


def resolve_seed(seed: Any) -> int:
    """An int seed from ``None`` (:data:`DEFAULT_SEED`), an int, or a Generator (one draw)."""
    if seed is None:
        return DEFAULT_SEED
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63 - 1))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, None or a numpy Generator, got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    return int(seed)


def as_generator(seed: Any) -> np.random.Generator:
    """A Generator from an int, a Generator (returned as is) or ``None`` (:data:`DEFAULT_SEED`)."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(resolve_seed(seed))
