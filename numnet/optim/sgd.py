"""Stochastic gradient descent, with momentum and Nesterov momentum."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from numnet.optim._utils import check_number
from numnet.optim.optimizer import Optimizer
from numnet.tensor import Tensor

__all__ = ["SGD"]


class SGD(Optimizer):
    """Gradient descent θ ← θ − η ∇L(θ), with optional momentum, as ``torch.optim.SGD``.

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Parameters or parameter groups (see :class:`Optimizer`).
    lr : float
        Learning rate η ≥ 0.
    momentum : float
        Momentum factor μ ≥ 0 (0: plain gradient descent).
    dampening : float
        Dampening τ of the momentum: the share 1 − τ of the new gradient.
    weight_decay : float
        L2 coefficient λ ≥ 0, added to the gradient as λθ. It equals adding
        ``l2_penalty(params, alpha=λ / 2)`` to the loss, but applies to every
        parameter of the group, biases included.
    nesterov : bool
        Nesterov momentum (needs μ > 0 and τ = 0).
    maximize : bool
        Ascend: use −∇L.

    Notes
    -----
    For each parameter with gradient gₜ at step t::

        gₜ ← gₜ + λ θₜ₋₁                    (weight decay)
        bₜ = gₜ  if t = 1,  else  μ bₜ₋₁ + (1 − τ) gₜ
        dₜ = gₜ + μ bₜ  (Nesterov)  or  bₜ  (momentum)  or  gₜ  (μ = 0)
        θₜ = θₜ₋₁ − η dₜ

    State per parameter: ``momentum_buffer`` b (only when μ ≠ 0).

    Examples
    --------
    >>> import numnet
    >>> from numnet.optim import SGD
    >>> w = numnet.Tensor([1.0, -2.0], requires_grad=True)
    >>> opt = SGD([w], lr=0.125, momentum=0.5)
    >>> for _ in range(2):
    ...     opt.zero_grad()
    ...     (w * w).sum().backward()
    ...     opt.step()
    >>> w.data  # b₁ = 2w₀ = [2, -4], w₁ = [0.75, -1.5]; b₂ = 0.5 b₁ + 2w₁ = [2.5, -5]
    array([ 0.4375, -0.875 ], dtype=float32)
    """

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[dict],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> dict[str, Any]:
        for key in ("lr", "momentum", "weight_decay"):
            group[key] = check_number("SGD", key, group[key])
        group["dampening"] = check_number("SGD", "dampening", group["dampening"], low=-np.inf)
        group["nesterov"], group["maximize"] = bool(group["nesterov"]), bool(group["maximize"])
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                f"SGD: Nesterov momentum needs momentum > 0 and dampening = 0, got "
                f"momentum={group['momentum']}, dampening={group['dampening']}"
            )
        return group

    def _state_names(self, group: dict[str, Any]) -> tuple[str, ...]:
        return ("momentum_buffer",) if group["momentum"] != 0 else ()

    def _update(self, group: dict[str, Any]) -> None:
        lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
        weight_decay, nesterov, maximize = (
            group["weight_decay"],
            group["nesterov"],
            group["maximize"],
        )
        state = self.state
        for p in group["params"]:
            g = p.grad
            if g is None:
                continue
            theta = p.data
            if maximize:
                g = -g
            if weight_decay != 0:
                g = g + weight_decay * theta
            if momentum != 0:
                entry = state.get(p)
                if entry is None:  # b₁ = g₁
                    buf = np.array(g, dtype=theta.dtype, copy=True)
                    state[p] = {"momentum_buffer": buf}
                else:  # bₜ = μ bₜ₋₁ + (1 − τ) gₜ
                    buf = entry["momentum_buffer"]
                    buf *= momentum
                    buf += g if dampening == 0 else (1 - dampening) * g
                g = g + momentum * buf if nesterov else buf
            theta -= lr * g
