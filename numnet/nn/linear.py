"""The dense layer ``y = x Wᵀ + b`` and ``Flatten``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from numnet.functional.layers import _dense
from numnet.nn import init
from numnet.nn.module import Module, default_dtype, float_dtype
from numnet.nn.parameter import Parameter
from numnet.tensor import Tensor, as_tensor

__all__ = ["Linear", "Flatten"]


class Linear(Module):
    """Dense layer y = x Wᵀ + b (seed 001 writes ``h = f(x wᵀ)``).

    The weight has PyTorch's layout ``(out_features, in_features)``: row j holds
    the incoming weights of unit j, so state dicts exchange with PyTorch as they
    are, and ``vec()`` in column-major order gives seed 001's vector.

    Default initialization (PyTorch's): weight and bias drawn from
    U(−1/√in_features, 1/√in_features), from ``rng``.

    Parameters
    ----------
    in_features, out_features : int
    bias : bool
        Learn an additive bias (default True).
    rng : numpy.random.Generator, int or None
        Source of the initial weights; an int seed gives the same weights every time.
    dtype : float32 or float64, default numnet's default dtype

    Shapes
    ------
    input ``(..., in_features)`` → output ``(..., out_features)``.

    An array or list is converted to the layer's dtype first, as Keras does, so
    float64 data from NumPy or scikit-learn runs a float32 model in float32. A
    ``Tensor`` keeps its dtype (NumPy's promotion rules then apply).

    Examples
    --------
    >>> import numnet
    >>> from numnet import nn
    >>> layer = nn.Linear(3, 2, rng=0)
    >>> layer.weight.shape, layer.bias.shape
    ((2, 3), (2,))
    >>> layer(numnet.ones((5, 3))).shape
    (5, 2)
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        rng: np.random.Generator | int | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"Linear: {name} must be a positive integer, got {value!r}")
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        dtype = default_dtype(dtype)
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype))
        if bias:
            self.bias = Parameter(np.empty(self.out_features, dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(rng)

    def reset_parameters(self, rng: np.random.Generator | int | None = None) -> None:
        """Draw new weights (and bias) from U(−1/√in_features, 1/√in_features)."""
        rng = np.random.default_rng(rng)
        bound = 1.0 / math.sqrt(self.in_features)
        init.uniform_(self.weight, -bound, bound, rng)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound, rng)

    def forward(self, x: Any, activation: str = "identity") -> Tensor:
        if not isinstance(x, Tensor):  # data, not a graph node: compute in the layer's dtype
            x = Tensor(np.asarray(x, dtype=self.weight.dtype))
        return _dense(x, self.weight, self.bias, activation, out_in=True)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )

    def get_config(self) -> dict[str, Any]:
        return {
            "in_features": self.in_features,
            "out_features": self.out_features,
            "bias": self.bias is not None,
            "dtype": float_dtype(self),
        }


class Flatten(Module):
    """Merge the axes ``start_dim`` … ``end_dim`` into one: ``(n, 28, 28)`` → ``(n, 784)``.

    >>> import numnet
    >>> from numnet import nn
    >>> nn.Flatten()(numnet.zeros((4, 2, 3))).shape
    (4, 6)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = int(start_dim)
        self.end_dim = int(end_dim)

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x)
        shape, ndim = x.shape, x.ndim
        start, end = self.start_dim, self.end_dim
        in_range = -ndim <= start < ndim and -ndim <= end < ndim
        if in_range:
            start, end = start % ndim, end % ndim
        if not in_range or start > end:
            raise ValueError(
                f"Flatten(start_dim={self.start_dim}, end_dim={self.end_dim}) "
                f"does not fit an input of shape {shape}"
            )
        merged = math.prod(shape[start : end + 1])
        return x.reshape(shape[:start] + (merged,) + shape[end + 1 :])

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"

    def get_config(self) -> dict[str, Any]:
        return {"start_dim": self.start_dim, "end_dim": self.end_dim}
