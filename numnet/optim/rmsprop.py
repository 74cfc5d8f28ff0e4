"""RMSprop (Hinton's lecture 6e), optionally centered and with momentum."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from numnet.optim._utils import check_number
from numnet.optim.optimizer import Optimizer
from numnet.tensor import Tensor

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop: divide the gradient by a running root mean square of its past values.

    Follows ``torch.optim.RMSprop`` exactly (ε outside the square root).

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Parameters or parameter groups (see :class:`Optimizer`).
    lr : float
        Learning rate η ≥ 0.
    alpha : float
        Smoothing constant α ≥ 0 of the running mean of g².
    eps : float
        ε ≥ 0 added to the denominator.
    weight_decay : float
        L2 coefficient λ ≥ 0 added to the gradient as λθ.
    momentum : float
        Momentum factor μ ≥ 0.
    centered : bool
        Divide by an estimate of the gradient's standard deviation, √(E[g²] − E[g]²),
        instead of its root mean square.
    maximize : bool
        Ascend: use −∇L.

    Notes
    -----
    For each parameter with gradient gₜ::

        gₜ ← gₜ + λ θₜ₋₁                      (weight decay)
        sₜ = α sₜ₋₁ + (1 − α) gₜ²
        aₜ = α aₜ₋₁ + (1 − α) gₜ               (centered only)
        dₜ = √(sₜ − aₜ²) + ε  (centered)  or  √sₜ + ε
        bₜ = μ bₜ₋₁ + gₜ / dₜ,  θₜ = θₜ₋₁ − η bₜ     (μ > 0)
        θₜ = θₜ₋₁ − η gₜ / dₜ                         (μ = 0)

    with s₀ = a₀ = b₀ = 0. State per parameter: ``step``, ``square_avg`` s,
    ``grad_avg`` a (centered) and ``momentum_buffer`` b (μ > 0).

    Examples
    --------
    >>> import numnet
    >>> from numnet.optim import RMSprop
    >>> w = numnet.Tensor([1.0, -2.0], requires_grad=True)
    >>> opt = RMSprop([w], lr=0.01, alpha=0.75)
    >>> (w * w).sum().backward()
    >>> opt.step()  # s₁ = g²/4, so the step is η g / (|g|/2) = 2η sign(g)
    >>> w.data
    array([ 0.98, -1.98], dtype=float32)
    """

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[dict],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> dict[str, Any]:
        for key in ("lr", "alpha", "eps", "weight_decay", "momentum"):
            group[key] = check_number("RMSprop", key, group[key])
        group["centered"], group["maximize"] = bool(group["centered"]), bool(group["maximize"])
        return group

    def _state_names(self, group: dict[str, Any]) -> tuple[str, ...]:
        names = ("step", "square_avg")
        if group["momentum"] > 0:
            names += ("momentum_buffer",)
        return names + ("grad_avg",) if group["centered"] else names

    def _update(self, group: dict[str, Any]) -> None:
        lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
        weight_decay, momentum = group["weight_decay"], group["momentum"]
        centered, maximize = group["centered"], group["maximize"]
        flat = self._flat(group)
        if flat is not None:  # the whole group in one go
            flat.advance()
            g = flat.gather_grads(maximize, weight_decay)
            _rmsprop_step(g, flat.state, flat.buf, lr, alpha, eps, momentum, centered)
            flat.apply_step()
            return
        state = self.state
        for p in group["params"]:
            g = p.grad
            if g is None:
                continue
            theta = p.data
            entry = state.get(p)
            if entry is None:
                entry = state[p] = {"step": 0, "square_avg": np.zeros_like(theta)}
                if momentum > 0:
                    entry["momentum_buffer"] = np.zeros_like(theta)
                if centered:
                    entry["grad_avg"] = np.zeros_like(theta)
            entry["step"] += 1
            if maximize:
                g = -g
            if weight_decay != 0:
                g = g + weight_decay * theta
            buf = np.empty_like(theta)
            _rmsprop_step(g, entry, buf, lr, alpha, eps, momentum, centered)
            theta -= buf


def _rmsprop_step(g, state, out, lr, alpha, eps, momentum, centered) -> None:
    """Update the averages in ``state`` in place and write the step Δ into ``out``: θ ← θ − Δ.

    ``state`` maps names to arrays: one parameter's entry, or a whole group's flat arrays.
    """
    s = state["square_avg"]
    # sₜ = α sₜ₋₁ + (1 − α) gₜ²
    s *= alpha
    np.multiply(g, 1 - alpha, out=out)
    out *= g
    s += out
    if centered:  # aₜ = aₜ₋₁ + (1 − α)(gₜ − aₜ₋₁);  dₜ = √(sₜ − aₜ²) + ε
        a = state["grad_avg"]
        np.subtract(g, a, out=out)
        out *= 1 - alpha
        a += out
        np.multiply(a, a, out=out)
        np.subtract(s, out, out=out)
        np.sqrt(out, out=out)
    else:  # dₜ = √sₜ + ε
        np.sqrt(s, out=out)
    out += eps
    np.divide(g, out, out=out)
    if momentum > 0:  # bₜ = μ bₜ₋₁ + gₜ / dₜ;  Δ = η bₜ
        b = state["momentum_buffer"]
        b *= momentum
        b += out
        np.multiply(b, lr, out=out)
    else:  # Δ = η gₜ / dₜ
        out *= lr
