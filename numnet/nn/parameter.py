"""Parameter: a tensor that a :class:`~numnet.nn.Module` learns."""

from __future__ import annotations

from typing import Any

from numnet.tensor import Tensor

__all__ = ["Parameter"]


class Parameter(Tensor):
    """A leaf tensor that requires gradients and that modules register as learnable.

    Assigning a ``Parameter`` to a module attribute registers it, so it appears
    in ``parameters()``, ``named_parameters()`` and ``state_dict()``.

    Parameters
    ----------
    data : array_like
        Initial values (floating point). An ndarray is used as is, without a copy.
    requires_grad : bool
        ``False`` freezes the parameter: optimizers skip it, backward leaves it alone.

    Examples
    --------
    >>> import numpy as np
    >>> from numnet.nn import Parameter
    >>> w = Parameter(np.zeros((2, 3)))
    >>> w.requires_grad, w.shape
    (True, (2, 3))
    """

    __slots__ = ()

    def __init__(self, data: Any, requires_grad: bool = True, dtype: Any = None) -> None:
        super().__init__(data, requires_grad=False, dtype=dtype)
        if self.data.dtype.kind != "f":
            raise TypeError(f"a Parameter must be floating point, got dtype {self.data.dtype}")
        self.requires_grad = bool(requires_grad)

    def __repr__(self) -> str:
        return "Parameter" + super().__repr__()[len("Tensor") :]
