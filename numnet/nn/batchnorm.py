"""Batch normalization with learnable scale and shift and running statistics."""

from __future__ import annotations

from typing import Any

import numpy as np

from numnet.functional.normalization import batch_norm
from numnet.nn.module import Module, default_dtype, float_dtype
from numnet.nn.parameter import Parameter
from numnet.tensor import Tensor

__all__ = ["BatchNorm1d"]


class BatchNorm1d(Module):
    """y = γ (x − μ) / √(σ² + ε) + β per feature (seed 001).

    In training μ and σ² are the batch's (biased variance), and the running
    statistics move toward them: r ← (1 − momentum) r + momentum · s, with the
    unbiased batch variance; ``momentum=None`` keeps a cumulative average.
    In ``eval()`` the running statistics are used. Same semantics as PyTorch.

    Parameters
    ----------
    num_features : int
        Features on axis 1 of the input.
    eps : float
        Added to the variance (1e-5).
    momentum : float or None
        Weight of the newest batch in the running statistics (0.1).
    affine : bool
        Learn γ (init 1) and β (init 0).
    track_running_stats : bool
        Keep running statistics; without them batch statistics are used in eval too.

    Shapes
    ------
    ``(n, num_features)`` or ``(n, num_features, length)``, output the same.

    Examples
    --------
    >>> import numnet
    >>> from numnet import nn
    >>> bn = nn.BatchNorm1d(2, dtype="float64")
    >>> y = bn(numnet.tensor([[1.0, 10.0], [3.0, 30.0]], dtype="float64"))
    >>> y.tolist()  # (x − μ) / √(σ² + ε) with σ² = 1 and 100
    [[-0.9999950000374997, -0.9999999500000036], [0.9999950000374997, 0.9999999500000036]]
    >>> bn.running_var.tolist()  # 0.9 · 1 + 0.1 · (unbiased batch variance 2 and 200)
    [1.1, 20.9]
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        if not isinstance(num_features, (int, np.integer)) or num_features < 1:
            raise ValueError(f"BatchNorm1d: num_features must be >= 1, got {num_features!r}")
        if momentum is not None and not 0 <= momentum <= 1:
            raise ValueError(f"BatchNorm1d: momentum must be in [0, 1] or None, got {momentum}")
        if not eps > 0:
            raise ValueError(f"BatchNorm1d: eps must be positive, got {eps}")
        self.num_features = int(num_features)
        self.eps = float(eps)
        self.momentum = None if momentum is None else float(momentum)
        self.affine = bool(affine)
        self.track_running_stats = bool(track_running_stats)
        dtype = default_dtype(dtype)
        if self.affine:
            self.weight = Parameter(np.ones(self.num_features, dtype))
            self.bias = Parameter(np.zeros(self.num_features, dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if self.track_running_stats:
            self.register_buffer("running_mean", np.zeros(self.num_features, dtype))
            self.register_buffer("running_var", np.ones(self.num_features, dtype))
            self.register_buffer("num_batches_tracked", np.zeros((), np.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def forward(self, x: Any) -> Tensor:
        momentum = self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked += 1
            if momentum is None:
                momentum = 1.0 / float(self.num_batches_tracked)
        return batch_norm(
            x,
            self.running_mean,
            self.running_var,
            self.weight,
            self.bias,
            training=self.training or not self.track_running_stats,
            momentum=momentum,
            eps=self.eps,
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats}"
        )

    def get_config(self) -> dict[str, Any]:
        return {
            "num_features": self.num_features,
            "eps": self.eps,
            "momentum": self.momentum,
            "affine": self.affine,
            "track_running_stats": self.track_running_stats,
            "dtype": float_dtype(self),
        }
