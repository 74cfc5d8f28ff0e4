"""Policies for Deep CEM: the default network, acting with exploration, and the elite losses.

Discrete actions (seed 000): π(·|s) = softmax(F(s)); sessions act by sampling
from the ε-mixture ``(1 − ε) π(·|s) + ε / m``; the loss on elite pairs is
``−Σ ln π(a|s)``. Continuous actions: a deterministic π(s) plus noise of scale
ε, clipped to the action box; the loss is ``Σ ‖π(s) − a‖²``.

Acting never builds a graph: the per-step forward runs under ``numnet.no_grad()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import numnet
import numnet.functional as F
from numnet import nn
from numnet.functional.activations import softmax_array
from numnet.tensor import Tensor

__all__ = [
    "mlp_policy", "ObsScaler", "mixture_probs", "sample_from_probs", "noisy_actions",
    "discrete_loss", "continuous_loss",
]  # fmt: skip


def mlp_policy(
    in_features: int,
    out_features: int,
    hidden: Sequence[int] = (64,),
    activation: str = "relu",
    rng: np.random.Generator | int | None = None,
) -> nn.Sequential:
    """The default policy network: ``Linear → act → … → Linear`` (logits or actions).

    Parameters
    ----------
    in_features : int
        Observation size.
    out_features : int
        Number of discrete actions (logits) or the action dimension.
    hidden : sequence of int
        Hidden layer widths.
    activation : str
        A key of ``numnet.nn.ACTIVATIONS``.
    rng : Generator or int
        Source of the initial weights.

    Examples
    --------
    >>> mlp_policy(4, 2, hidden=(8,), rng=0)
    Sequential(
      (0): Linear(in_features=4, out_features=8, bias=True)
      (1): ReLU()
      (2): Linear(in_features=8, out_features=2, bias=True)
    )
    """
    return nn.mlp(in_features, hidden, out_features, activation, rng=rng)


class ObsScaler:
    """Affine observation scaling ``x' = (x − center) · scale`` from a Box's finite bounds.

    Each coordinate with finite bounds [l, h] maps to [−1, 1]; unbounded ones
    pass through. MountainCar's velocity (±0.07) otherwise barely moves a
    network's units.

    >>> ObsScaler([-1.0, -np.inf], [3.0, np.inf])(np.array([[3.0, 5.0]]))
    array([[1., 5.]], dtype=float32)
    """

    def __init__(self, low: Sequence[float], high: Sequence[float], enabled: bool = True) -> None:
        low, high = np.asarray(low, np.float64), np.asarray(high, np.float64)
        finite = enabled & np.isfinite(low) & np.isfinite(high) & (high > low)
        low, high = np.where(finite, low, -1.0), np.where(finite, high, 1.0)
        span = high - low
        self.center = ((high + low) / 2).astype(np.float32)
        self.scale = (2.0 / span).astype(np.float32)

    def __call__(self, obs: np.ndarray) -> np.ndarray:
        return ((np.asarray(obs, np.float32) - self.center) * self.scale).astype(np.float32)

    def to_json(self) -> dict[str, list[float]]:
        return {"center": self.center.tolist(), "scale": self.scale.tolist()}

    @classmethod
    def from_json(cls, data: dict[str, list[float]]) -> ObsScaler:
        scaler = cls([], [])
        scaler.center = np.asarray(data["center"], np.float32)
        scaler.scale = np.asarray(data["scale"], np.float32)
        return scaler


def mixture_probs(logits: np.ndarray, eps: float) -> np.ndarray:
    """The exploration distribution ``(1 − ε) softmax(z) + ε / m`` row by row.

    >>> mixture_probs(np.array([[0.0, 0.0]]), 0.5)
    array([[0.5, 0.5]])
    """
    p = softmax_array(np.asarray(logits, np.float64), axis=1)
    if eps:
        p = (1.0 - eps) * p + eps / p.shape[1]
    return p


def sample_from_probs(probs: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Inverse-CDF sampling: row i takes the first action whose cumulative probability exceeds u_i.

    One uniform per session and step keeps each session's actions independent of
    which other sessions share its batch (the Ray and local backends agree).

    >>> sample_from_probs(np.array([[0.2, 0.8], [0.2, 0.8]]), np.array([0.1, 0.5]))
    array([0, 1])
    """
    cdf = np.cumsum(probs, axis=1)
    actions = (u[:, None] >= cdf).sum(axis=1)
    return np.minimum(actions, probs.shape[1] - 1)


def noisy_actions(
    mean: np.ndarray, noise: np.ndarray, eps: float, low: np.ndarray, high: np.ndarray
) -> np.ndarray:
    """``clip(π(s) + ε·ξ, low, high)`` for a standard noise draw ξ (Gaussian or uniform).

    >>> noisy_actions(np.array([[0.5]]), np.array([[1.0]]), 1.0, np.array([-1.0]), np.array([1.0]))
    array([[1.]], dtype=float32)
    """
    return np.clip(mean + eps * noise, low, high).astype(np.float32)


def discrete_loss(policy: nn.Module, states: Any, actions: Any, reduction: str = "mean") -> Tensor:
    """``−Σ ln π(a|s)`` over (state, action) pairs (``reduction='sum'``; 'mean' divides by N).

    Parameters
    ----------
    policy : Module
        Maps states ``(N, obs_dim)`` to logits ``(N, n_actions)``.
    states : (N, obs_dim) array
    actions : (N,) integer array

    Examples
    --------
    >>> net = mlp_policy(2, 3, hidden=(), rng=0)
    >>> loss = discrete_loss(net, np.zeros((4, 2), np.float32), [0, 1, 2, 0], "sum")
    >>> round(loss.item(), 4) > 0
    True
    """
    return F.cross_entropy(policy(np.asarray(states)), np.asarray(actions), reduction=reduction)


def continuous_loss(
    policy: nn.Module, states: Any, actions: Any, reduction: str = "mean"
) -> Tensor:
    """``Σ ‖π(s) − a‖²`` over (state, action) pairs (``reduction='sum'``; 'mean' divides by N·m).

    Parameters
    ----------
    policy : Module
        Maps states ``(N, obs_dim)`` to actions ``(N, m)``.
    states : (N, obs_dim) array
    actions : (N, m) array

    Examples
    --------
    >>> net = mlp_policy(2, 1, hidden=(), rng=0)
    >>> loss = continuous_loss(net, np.zeros((3, 2), np.float32), np.zeros((3, 1)), "sum")
    >>> loss.shape
    ()
    """
    pred = policy(np.asarray(states))
    target = numnet.Tensor(np.asarray(actions, dtype=pred.dtype).reshape(pred.shape))
    return F.mse_loss(pred, target, reduction=reduction)
