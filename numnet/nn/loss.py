"""Loss modules: each stores its options and calls its function in
:mod:`numnet.functional` (where the formulas and derivatives are documented).

Every loss takes ``reduction="mean" | "sum" | "none"``: seed 002 averages over
the data, seed 000 sums.

>>> import numnet
>>> from numnet import nn
>>> nn.MSELoss(reduction="sum")(numnet.tensor([1.0, 2.0]), numnet.tensor([0.0, 0.0])).item()
5.0
"""

from __future__ import annotations

from typing import Any

import numpy as np

import numnet.functional as F
from numnet.functional.losses import _check_reduction
from numnet.nn.module import Module
from numnet.tensor import Tensor

__all__ = [
    "MSELoss", "L1Loss", "MAPELoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss",
    "NLLLoss", "HingeLoss", "PerceptronLoss", "PoissonNLLLoss",
]  # fmt: skip


class _Loss(Module):
    """A loss: ``forward(input, target)`` returns a scalar tensor (or per-element with 'none')."""

    function: Any = None

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        _check_reduction(reduction)
        self.reduction = reduction

    def forward(self, input: Any, target: Any) -> Tensor:
        return type(self).function(input, target, reduction=self.reduction)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}" if self.reduction != "mean" else ""

    def get_config(self) -> dict[str, Any]:
        return {"reduction": self.reduction}


class MSELoss(_Loss):
    """Mean squared error: ℓ = (x − y)²."""

    function = staticmethod(F.mse_loss)


class L1Loss(_Loss):
    """Mean absolute error (MAE): ℓ = |x − y|."""

    function = staticmethod(F.l1_loss)


class MAPELoss(_Loss):
    """Mean absolute percentage error: ℓ = |x − y| / max(|y|, eps), a fraction (not %).

    A zero target makes the denominator ``eps`` (2.2e-16): a huge, finite
    loss, as scikit-learn's ``mean_absolute_percentage_error``.
    """

    def __init__(self, reduction: str = "mean", eps: float = float(np.finfo(np.float64).eps)):
        super().__init__(reduction)
        self.eps = float(eps)

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.mape_loss(input, target, self.reduction, self.eps)

    def get_config(self) -> dict[str, Any]:
        return {"reduction": self.reduction, "eps": self.eps}


class BCELoss(_Loss):
    """Binary cross-entropy on probabilities: ℓ = −[y ln p + (1 − y) ln(1 − p)]."""

    function = staticmethod(F.binary_cross_entropy)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy on logits (sigmoid inside, stable for any logit).

    ``pos_weight`` (a scalar or one value per output) weighs the positive class.
    """

    def __init__(self, reduction: str = "mean", pos_weight: Any = None) -> None:
        super().__init__(reduction)
        self.pos_weight = None if pos_weight is None else np.asarray(pos_weight, np.float64)

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.reduction, self.pos_weight)

    def get_config(self) -> dict[str, Any]:
        pw = None if self.pos_weight is None else self.pos_weight.tolist()
        return {"reduction": self.reduction, "pos_weight": pw}


class CrossEntropyLoss(_Loss):
    """Cross-entropy from logits and class indices: ℓ = −ln softmax(z)_y.

    Parameters
    ----------
    weight : (classes,) array, optional
        Weight per class; the mean then divides by the summed weights of the targets.
    reduction : 'mean' | 'sum' | 'none'
    label_smoothing : float in [0, 1]
        Mix the one-hot target with the uniform distribution: (1 − ε) onehot + ε / C.

    Shapes: input ``(n, classes)``, target ``(n,)`` integers.
    """

    def __init__(
        self, weight: Any = None, reduction: str = "mean", label_smoothing: float = 0.0
    ) -> None:
        super().__init__(reduction)
        if not 0.0 <= label_smoothing <= 1.0:
            raise ValueError(
                f"CrossEntropyLoss: label_smoothing must be in [0, 1], got {label_smoothing}"
            )
        self.weight = None if weight is None else np.asarray(weight, np.float64)
        self.label_smoothing = float(label_smoothing)

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.cross_entropy(input, target, self.weight, self.reduction, self.label_smoothing)

    def get_config(self) -> dict[str, Any]:
        weight = None if self.weight is None else self.weight.tolist()
        return {
            "weight": weight,
            "reduction": self.reduction,
            "label_smoothing": self.label_smoothing,
        }


class NLLLoss(_Loss):
    """Negative log-likelihood from log-probabilities: ℓ = −w_y · input[y]."""

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.weight = None if weight is None else np.asarray(weight, np.float64)

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.nll_loss(input, target, self.weight, self.reduction)

    def get_config(self) -> dict[str, Any]:
        weight = None if self.weight is None else self.weight.tolist()
        return {"weight": weight, "reduction": self.reduction}


class HingeLoss(_Loss):
    """Hinge loss ℓ = max(0, 1 − y·s) for labels ±1 or 0/1 (linear SVM)."""

    function = staticmethod(F.hinge_loss)


class PerceptronLoss(_Loss):
    """Perceptron loss ℓ = max(0, −y·s) for labels ±1 or 0/1."""

    function = staticmethod(F.perceptron_loss)


class PoissonNLLLoss(_Loss):
    """Poisson negative log-likelihood; with ``log_input`` (default) ℓ = eˣ − y·x."""

    def __init__(
        self,
        log_input: bool = True,
        full: bool = False,
        eps: float = 1e-8,
        reduction: str = "mean",
    ) -> None:
        super().__init__(reduction)
        self.log_input = bool(log_input)
        self.full = bool(full)
        self.eps = float(eps)

    def forward(self, input: Any, target: Any) -> Tensor:
        return F.poisson_nll_loss(
            input, target, self.log_input, self.full, self.eps, self.reduction
        )

    def get_config(self) -> dict[str, Any]:
        return {
            "log_input": self.log_input,
            "full": self.full,
            "eps": self.eps,
            "reduction": self.reduction,
        }
