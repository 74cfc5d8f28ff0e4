"""Shape and selection: reshape, transpose, flatten, indexing, concatenate, stack.

These move numbers around without changing them, so backward moves g back:
reshape it, transpose it by the inverse permutation, scatter it into the
selected positions (adding where an index repeats), or split it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from numnet.tensor import Tensor, _result, as_tensor


def _shape_arg(shape: tuple) -> tuple:
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape


def reshape(x: Tensor, *shape: int) -> Tensor:
    """The same elements in a new shape (one axis may be -1)."""
    shape = _shape_arg(shape)
    try:
        data = x.data.reshape(shape)
    except (ValueError, TypeError):
        raise ValueError(
            f"cannot reshape a tensor of shape {x.shape} ({x.size} elements) into {shape}"
        ) from None
    source = x.shape

    def backward(g):
        return (g.reshape(source),)

    return _result(data, (x,), backward, "reshape")


def transpose(x: Tensor, *axes: int) -> Tensor:
    """Permute axes; with no arguments reverse them (``x.T``)."""
    axes = _shape_arg(axes) or tuple(reversed(range(x.ndim)))
    if sorted(int(a) % max(x.ndim, 1) for a in axes) != list(range(x.ndim)):
        raise ValueError(f"transpose: {axes} is not a permutation of the axes of shape {x.shape}")
    inverse = tuple(np.argsort([int(a) % x.ndim for a in axes]))

    def backward(g):
        return (g.transpose(inverse),)

    return _result(x.data.transpose(axes), (x,), backward, "transpose")


def swapaxes(x: Tensor, axis1: int, axis2: int) -> Tensor:
    """Exchange two axes (``swapaxes(-1, -2)`` transposes a batch of matrices)."""
    order = list(range(x.ndim))
    order[axis1], order[axis2] = order[axis2], order[axis1]
    return transpose(x, *order)


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge axes ``start_dim..end_dim`` (inclusive) into one, as ``torch.flatten``."""
    if x.ndim == 0:
        return reshape(x, 1)
    start, end = start_dim % x.ndim, end_dim % x.ndim
    if start > end:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    merged = int(np.prod(x.shape[start : end + 1], dtype=np.int64))
    return reshape(x, *x.shape[:start], merged, *x.shape[end + 1 :])


def _plain_index(index: Any) -> Any:
    """Tensors inside an index become their arrays."""
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, tuple):
        return tuple(i.data if isinstance(i, Tensor) else i for i in index)
    return index


def _is_basic(index: Any) -> bool:
    """Slices, ints, None and Ellipsis select each element at most once."""
    items = index if isinstance(index, tuple) else (index,)
    return all(i is None or i is Ellipsis or isinstance(i, (slice, int, np.integer)) for i in items)


def getitem(x: Tensor, index: Any) -> Tensor:
    """``x[index]`` with NumPy semantics: slices, ints, integer arrays, boolean masks.

    Backward scatters g into zeros; with integer arrays an element picked k
    times receives the sum of its k gradients (``np.add.at``).
    """
    index = _plain_index(index)
    try:
        data = x.data[index]
    except IndexError as error:
        raise IndexError(
            f"index {index!r} is invalid for a tensor of shape {x.shape}: {error}"
        ) from None
    basic = _is_basic(index)

    def backward(g):
        grad = np.zeros(x.shape, dtype=g.dtype)
        if basic:
            grad[index] = g
        else:
            np.add.at(grad, index, g)
        return (grad,)

    return _result(data, (x,), backward, "getitem")


def concatenate(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis; backward splits g at the same places."""
    tensors = _sequence(tensors, "concatenate")
    try:
        data = np.concatenate([t.data for t in tensors], axis=axis)
    except (ValueError, np.exceptions.AxisError):
        shapes = [t.shape for t in tensors]
        raise ValueError(f"concatenate along axis {axis}: incompatible shapes {shapes}") from None
    ends = np.cumsum([t.shape[axis] for t in tensors])[:-1]

    def backward(g):
        return tuple(np.split(g, ends, axis=axis))

    return _result(data, tuple(tensors), backward, "concatenate")


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join same-shaped tensors along a new axis; backward hands slice k of g to tensor k."""
    tensors = _sequence(tensors, "stack")
    try:
        data = np.stack([t.data for t in tensors], axis=axis)
    except (ValueError, np.exceptions.AxisError):
        shapes = [t.shape for t in tensors]
        raise ValueError(f"stack along axis {axis}: shapes must be equal, got {shapes}") from None

    def backward(g):
        return tuple(np.moveaxis(g, axis, 0))

    return _result(data, tuple(tensors), backward, "stack")


def _sequence(tensors: Sequence[Any], op: str) -> list[Tensor]:
    if isinstance(tensors, Tensor) or not len(tensors):
        raise ValueError(f"{op} needs a non-empty list of tensors")
    return [as_tensor(t) for t in tensors]
