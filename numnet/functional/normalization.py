"""Batch normalization as one node (seed 001)."""

from __future__ import annotations

from typing import Any

import numpy as np

from numnet.tensor import Tensor, _result, as_tensor

__all__ = ["batch_norm"]


def batch_norm(
    x: Any,
    running_mean: np.ndarray | None,
    running_var: np.ndarray | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float | None = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalize each feature (axis 1) by batch or running statistics, then scale and shift.

    Training: x̂ = (x − μ_B) / √(σ²_B + ε) with the batch mean and biased
    variance, y = γ x̂ + β, and the running statistics (if given) move toward
    the batch ones in place: r ← (1 − momentum) r + momentum · s, the variance
    taken unbiased (n / (n − 1)) as PyTorch does; ``momentum=None`` makes a
    cumulative average, which needs the caller to pass the factor 1/t as
    ``momentum``. Prediction (``training=False``) uses the running statistics.

    Backward (training), with ĝ = γ g summed over the m values per feature:
    dL/dx = (m ĝ − Σ ĝ − x̂ Σ ĝ x̂) / (m √(σ²_B + ε)), dL/dγ = Σ g x̂, dL/dβ = Σ g.

    Shapes: x is ``(n, features)`` or ``(n, features, length)``.
    """
    x = as_tensor(x)
    if x.ndim not in (2, 3):
        raise ValueError(
            f"batch_norm: input must be (n, features) or (n, features, length), got {x.shape}"
        )
    features = x.shape[1]
    for name, value in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        if value is not None and value.shape != (features,):
            raise ValueError(f"batch_norm: {name} of shape {value.shape}, expected ({features},)")
    axes = (0,) if x.ndim == 2 else (0, 2)
    view = (1, features) if x.ndim == 2 else (1, features, 1)
    xd = x.data
    use_batch = training or running_mean is None or running_var is None
    if use_batch:
        m = xd.size // features
        if m < 2 and training:
            raise ValueError(
                f"batch_norm: training needs more than one value per feature, got input {x.shape}"
            )
        mean = xd.mean(axis=axes)
        centered = xd - mean.reshape(view)
        var = np.mean(centered * centered, axis=axes)
        if training and running_mean is not None and running_var is not None:
            rate = 0.0 if momentum is None else momentum
            running_mean *= 1 - rate
            running_mean += rate * mean
            running_var *= 1 - rate
            running_var += rate * var * (m / (m - 1))
    else:
        centered = xd - running_mean.reshape(view).astype(xd.dtype, copy=False)
        var = running_var.astype(xd.dtype, copy=False)
    invstd = (1.0 / np.sqrt(var + eps)).astype(xd.dtype, copy=False)
    xhat = centered * invstd.reshape(view)
    out = xhat
    if weight is not None:
        out = out * weight.data.reshape(view)
    if bias is not None:
        out = out + bias.data.reshape(view)
    parents = (x,) + tuple(p for p in (weight, bias) if p is not None)

    def backward(g):
        grads = []
        gxhat = g * weight.data.reshape(view) if weight is not None else g
        if x.requires_grad:
            if use_batch:
                m = xd.size // features
                total = gxhat.sum(axis=axes, keepdims=True)
                dot = (gxhat * xhat).sum(axis=axes, keepdims=True)
                gx = (m * gxhat - total - xhat * dot) * (invstd.reshape(view) / m)
            else:
                gx = gxhat * invstd.reshape(view)
            grads.append(gx)
        else:
            grads.append(None)
        if weight is not None:
            grads.append((g * xhat).sum(axis=axes) if weight.requires_grad else None)
        if bias is not None:
            grads.append(g.sum(axis=axes) if bias.requires_grad else None)
        return tuple(grads)

    return _result(out, parents, backward, "batch_norm")
