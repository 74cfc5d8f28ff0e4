"""One module per row of the seed-000 activation table, each calling its function.

The formulas and derivatives are documented in :mod:`numnet.functional`.
Modules named in ``Sequential`` right after a ``Linear`` are fused with it
into one graph node when the activation has a fused form (``fused`` below).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import numnet.functional as F
from numnet.nn.module import Module, default_dtype, float_dtype
from numnet.nn.parameter import Parameter
from numnet.tensor import Tensor, as_tensor

__all__ = [
    "Identity", "Step", "Sigmoid", "Tanh", "ArcTan", "ReLU", "PReLU", "ELU", "Softplus",
    "Softmax", "LogSoftmax", "Exp", "ACTIVATIONS", "activation",
]  # fmt: skip


class _Elementwise(Module):
    """An activation without arguments: ``forward`` is ``function``."""

    function: Any = None
    fused: str | None = None  # the name in F.DENSE_ACTIVATIONS, when Linear can fuse it

    def forward(self, x: Any) -> Tensor:
        # as_tensor: F.exp is the engine's op, which takes tensors only
        return type(self).function(as_tensor(x))

    def get_config(self) -> dict[str, Any]:
        return {}


class Identity(_Elementwise):
    """f(x) = x. Accepts and ignores any constructor arguments, as PyTorch's."""

    function = staticmethod(F.identity)
    fused = "identity"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()


class Step(_Elementwise):
    """Binary step: 1 for x ≥ 0, else 0. Its derivative is 0 everywhere (nothing flows back)."""

    function = staticmethod(F.step)


class Sigmoid(_Elementwise):
    """Logistic sigmoid σ(x) = 1 / (1 + e⁻ˣ); σ' = σ(1 − σ)."""

    function = staticmethod(F.sigmoid)
    fused = "sigmoid"


class Tanh(_Elementwise):
    """tanh x; derivative 1 − tanh² x."""

    function = staticmethod(F.tanh)
    fused = "tanh"


class ArcTan(_Elementwise):
    """arctan x; derivative 1 / (1 + x²)."""

    function = staticmethod(F.arctan)
    fused = "arctan"


class ReLU(_Elementwise):
    """max(0, x); derivative 1 for x ≥ 0 (seed 002's convention), 0 below."""

    function = staticmethod(F.relu)
    fused = "relu"


class Exp(_Elementwise):
    """eˣ, the inverse link of Poisson regression (seed 002)."""

    function = staticmethod(F.exp)


class PReLU(Module):
    """PReLU f(x) = x for x ≥ 0, αx otherwise, with α learned.

    The derivative at x = 0 is 1, as ReLU's (seed 002); PyTorch takes α there.

    Parameters
    ----------
    num_parameters : int
        1 (one α shared by all features) or the number of features (axis 1).
    init : float
        Initial α (0.25, as PyTorch).
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, dtype: Any = None) -> None:
        super().__init__()
        if not isinstance(num_parameters, (int, np.integer)) or num_parameters < 1:
            raise ValueError(f"PReLU: num_parameters must be >= 1, got {num_parameters!r}")
        self.num_parameters = int(num_parameters)
        self.init = float(init)
        self.weight = Parameter(np.full(self.num_parameters, self.init, default_dtype(dtype)))

    def forward(self, x: Any) -> Tensor:
        x = x if isinstance(x, Tensor) else Tensor(x)
        alpha = self.weight
        if self.num_parameters > 1 and x.ndim > 2:
            # one α per channel on axis 1 of (n, channels, ...)
            alpha = alpha.reshape((self.num_parameters,) + (1,) * (x.ndim - 2))
        return F.prelu(x, alpha)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"

    def get_config(self) -> dict[str, Any]:
        return {
            "num_parameters": self.num_parameters,
            "init": self.init,
            "dtype": float_dtype(self),
        }


class ELU(Module):
    """ELU f(x) = x for x > 0, α(eˣ − 1) otherwise."""

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = float(alpha)

    def forward(self, x: Any) -> Tensor:
        return F.elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"

    def get_config(self) -> dict[str, Any]:
        return {"alpha": self.alpha}


class Softplus(Module):
    """SoftPlus f(x) = ln(1 + e^(βx)) / β; derivative σ(βx).

    Exact for every x. PyTorch's ``threshold=20`` returns x once βx > 20 instead,
    which differs from this by less than e⁻²⁰ / β ≈ 2e-9 / β.
    """

    def __init__(self, beta: float = 1.0) -> None:
        super().__init__()
        if beta <= 0:
            raise ValueError(f"Softplus: beta must be positive, got {beta}")
        self.beta = float(beta)

    @property
    def fused(self) -> str | None:
        return "softplus" if self.beta == 1.0 else None

    def forward(self, x: Any) -> Tensor:
        return F.softplus(x, self.beta)

    def extra_repr(self) -> str:
        return f"beta={self.beta}"

    def get_config(self) -> dict[str, Any]:
        return {"beta": self.beta}


class _AlongAxis(Module):
    function: Any = None

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.axis = int(axis)

    def forward(self, x: Any) -> Tensor:
        return type(self).function(x, self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"

    def get_config(self) -> dict[str, Any]:
        return {"axis": self.axis}


class Softmax(_AlongAxis):
    """softmax(x)_i = e^(x_i) / Σ_j e^(x_j) along ``axis`` (default the last)."""

    function = staticmethod(F.softmax)


class LogSoftmax(_AlongAxis):
    """ln softmax(x) along ``axis``, computed stably as x − logsumexp(x)."""

    function = staticmethod(F.log_softmax)


# Hidden-layer activations by the names configuration files and scikit-learn use.
ACTIVATIONS: dict[str, type[Module]] = {
    "identity": Identity, "step": Step, "sigmoid": Sigmoid, "logistic": Sigmoid, "tanh": Tanh,
    "arctan": ArcTan, "relu": ReLU, "prelu": PReLU, "elu": ELU, "softplus": Softplus, "exp": Exp,
}  # fmt: skip


def activation(name: str) -> Module:
    """A new activation module by name (a key of ``ACTIVATIONS``), with default arguments.

    >>> activation("tanh")
    Tanh()
    """
    try:
        return ACTIVATIONS[name]()
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown activation {name!r}; expected one of {', '.join(ACTIVATIONS)}"
        ) from None
