"""All parameters as one vector and back: the vec() of seed 001."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from numnet.optim._utils import tensor_list
from numnet.tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_order(order: str, where: str) -> None:
    if order not in ("F", "C"):
        raise ValueError(
            f"{where}: order must be 'F' (column-major, vec() of seed 001) or 'C' (row-major), "
            f"got {order!r}"
        )


def parameters_to_vector(params: Iterable[Tensor | np.ndarray], order: str = "F") -> np.ndarray:
    """Stack tensors into one 1-D array (a copy), in the order given.

    ``vec(W)`` stacks a matrix by columns (``order="F"``, column-major, as in
    seed 001); ``order="C"`` stacks it by rows, as ``torch.nn.utils.parameters_to_vector``.
    Seed 001's vector W = (vec(w₁), …, vec(wₙ), b₁, …) is
    ``parameters_to_vector([w1, ..., wn, b1, ...])``: pass the tensors in the order wanted.

    Parameters
    ----------
    params : iterable of Tensor or ndarray
        Their ``.data`` is read (ndarrays as they are), so
        ``parameters_to_vector([p.grad for p in params])`` vectorizes gradients.
    order : {"F", "C"}
        Column-major or row-major flattening of each tensor.

    Returns
    -------
    ndarray of shape (total number of elements,)
        In the common dtype of the tensors.

    Examples
    --------
    >>> import numpy as np
    >>> from numnet.optim import parameters_to_vector
    >>> w1 = np.array([[-0.1, 0.2], [0.3, -0.4], [-0.5, 0.6]])
    >>> parameters_to_vector([w1])
    array([-0.1,  0.3, -0.5,  0.2, -0.4,  0.6])
    >>> parameters_to_vector([w1], order="C")
    array([-0.1,  0.2,  0.3, -0.4, -0.5,  0.6])
    """
    _check_order(order, "parameters_to_vector")
    arrays = [_array(t) for t in tensor_list(params, "parameters_to_vector", arrays=True)]
    if not arrays:
        return np.zeros(0)
    return np.concatenate([np.ravel(a, order=order) for a in arrays])


def vector_to_parameters(vec: Any, params: Iterable[Tensor | np.ndarray], order: str = "F") -> None:
    """Write a vector back into tensors, in place: the inverse of :func:`parameters_to_vector`.

    Each tensor's array is overwritten (not replaced), so models that hold it
    see the new values; values are cast to each tensor's dtype. With the same
    ``order`` and dtypes the round trip is exact.

    Parameters
    ----------
    vec : array_like or Tensor of shape (total number of elements,)
    params : iterable of Tensor or ndarray
        The tensors to fill, in the order used to make ``vec``.
    order : {"F", "C"}
        Column-major or row-major, as given to :func:`parameters_to_vector`.

    Raises
    ------
    ValueError
        ``vec`` is not 1-D or its length differs from the total number of elements.

    Examples
    --------
    >>> import numpy as np
    >>> from numnet.optim import vector_to_parameters
    >>> w, b = np.zeros((3, 2)), np.zeros(2)
    >>> vector_to_parameters(np.arange(8.0), [w, b])
    >>> w
    array([[0., 3.],
           [1., 4.],
           [2., 5.]])
    >>> b
    array([6., 7.])
    """
    _check_order(order, "vector_to_parameters")
    arrays = [_array(t) for t in tensor_list(params, "vector_to_parameters", arrays=True)]
    vec = np.asarray(vec.data if isinstance(vec, Tensor) else vec)
    total = sum(a.size for a in arrays)
    if vec.ndim != 1 or vec.size != total:
        raise ValueError(
            f"vector_to_parameters: got a vector of shape {vec.shape}; the {len(arrays)} "
            f"tensors hold {total} elements, so it must have shape ({total},)"
        )
    offset = 0
    for a in arrays:
        a[...] = vec[offset : offset + a.size].reshape(a.shape, order=order)
        offset += a.size


def _array(t: Tensor | np.ndarray) -> np.ndarray:
    return t.data if isinstance(t, Tensor) else t
