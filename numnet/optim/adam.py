"""Adam (Kingma & Ba, 2015), its AMSGrad variant, and AdamW's decoupled weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from numnet.optim._utils import check_number
from numnet.optim.optimizer import Optimizer
from numnet.tensor import Tensor

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """Adam: steps scaled by running estimates of the gradient's first and second moments.

    Follows ``torch.optim.Adam`` exactly, including the order of operations.

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Parameters or parameter groups (see :class:`Optimizer`).
    lr : float
        Learning rate η ≥ 0.
    betas : (float, float)
        Decay rates β₁, β₂ in [0, 1) of the moment estimates.
    eps : float
        ε ≥ 0 added to the denominator.
    weight_decay : float
        λ ≥ 0: L2 added to the gradient (``g + λθ``), or with
        ``decoupled_weight_decay`` (AdamW) a shrink ``θ(1 − ηλ)`` before the step.
    amsgrad : bool
        AMSGrad (Reddi et al., 2018): divide by the running maximum of v̂.
    maximize : bool
        Ascend: use −∇L.
    decoupled_weight_decay : bool
        Apply weight decay as AdamW does (see :class:`AdamW`).

    Notes
    -----
    For each parameter with gradient gₜ at its t-th update::

        gₜ ← gₜ + λ θₜ₋₁                     (weight decay; AdamW: θₜ₋₁ ← θₜ₋₁ (1 − ηλ))
        mₜ = β₁ mₜ₋₁ + (1 − β₁) gₜ
        vₜ = β₂ vₜ₋₁ + (1 − β₂) gₜ²
        v̂ₜ = max(v̂ₜ₋₁, vₜ)  with AMSGrad,  else  vₜ
        θₜ = θₜ₋₁ − η / (1 − β₁ᵗ) · mₜ / (√v̂ₜ / √(1 − β₂ᵗ) + ε)

    with m₀ = v₀ = v̂₀ = 0. State per parameter: ``step`` t, ``exp_avg`` m,
    ``exp_avg_sq`` v and, with AMSGrad, ``max_exp_avg_sq`` v̂.

    Examples
    --------
    >>> import numnet
    >>> from numnet.optim import Adam
    >>> w = numnet.Tensor([1.0, -2.0], requires_grad=True)
    >>> opt = Adam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()  # the first step moves each weight by about η against its gradient's sign
    >>> w.data.round(6)
    array([ 0.9, -1.9], dtype=float32)
    """

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[dict],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
            decoupled_weight_decay=decoupled_weight_decay,
        )
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> dict[str, Any]:
        name = type(self).__name__
        for key in ("lr", "eps", "weight_decay"):
            group[key] = check_number(name, key, group[key])
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"{name}: betas must be a pair (beta1, beta2), got {betas!r}")
        group["betas"] = tuple(
            check_number(name, f"betas[{i}]", b, high=1.0, high_open=True)
            for i, b in enumerate(betas)
        )
        for key in ("amsgrad", "maximize", "decoupled_weight_decay"):
            group[key] = bool(group[key])
        return group

    def _state_names(self, group: dict[str, Any]) -> tuple[str, ...]:
        names = ("step", "exp_avg", "exp_avg_sq")
        return names + ("max_exp_avg_sq",) if group["amsgrad"] else names

    def _update(self, group: dict[str, Any]) -> None:
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        weight_decay, amsgrad = group["weight_decay"], group["amsgrad"]
        decoupled, maximize = group["decoupled_weight_decay"], group["maximize"]
        coupled_decay = 0.0 if decoupled else weight_decay
        flat = self._flat(group)
        if flat is not None:  # the whole group in one go
            t = flat.advance()
            if decoupled and weight_decay != 0:
                flat.scale_params(1 - lr * weight_decay)
            g = flat.gather_grads(maximize, coupled_decay)
            _adam_step(g, flat.state, t, flat.buf, lr, beta1, beta2, eps)
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
                entry = state[p] = {
                    "step": 0,
                    "exp_avg": np.zeros_like(theta),
                    "exp_avg_sq": np.zeros_like(theta),
                }
                if amsgrad:
                    entry["max_exp_avg_sq"] = np.zeros_like(theta)
            t = entry["step"] = entry["step"] + 1
            if maximize:
                g = -g
            if decoupled and weight_decay != 0:
                theta *= 1 - lr * weight_decay
            if coupled_decay != 0:
                g = g + coupled_decay * theta
            buf = np.empty_like(theta)
            _adam_step(g, entry, t, buf, lr, beta1, beta2, eps)
            theta -= buf


def _adam_step(g, state, t, out, lr, beta1, beta2, eps) -> None:
    """Update the moments in ``state`` in place and write the step Δ into ``out``: θ ← θ − Δ.

    ``state`` maps names to arrays: one parameter's entry, or a whole group's flat arrays.
    """
    m, v, v_max = state["exp_avg"], state["exp_avg_sq"], state.get("max_exp_avg_sq")
    # mₜ = β₁ mₜ₋₁ + (1 − β₁) gₜ, computed as torch's lerp mₜ₋₁ + (1 − β₁)(gₜ − mₜ₋₁)
    np.subtract(g, m, out=out)
    out *= 1 - beta1
    m += out
    # vₜ = β₂ vₜ₋₁ + (1 − β₂) gₜ²
    v *= beta2
    np.multiply(g, 1 - beta2, out=out)
    out *= g
    v += out
    if v_max is not None:  # AMSGrad: v̂ₜ = max(v̂ₜ₋₁, vₜ)
        v = np.maximum(v_max, v, out=v_max)
    # Δ = η / (1 − β₁ᵗ) · mₜ / (√v̂ₜ / √(1 − β₂ᵗ) + ε)
    np.sqrt(v, out=out)
    out /= (1 - beta2**t) ** 0.5
    out += eps
    np.divide(m, out, out=out)
    out *= lr / (1 - beta1**t)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019), as ``torch.optim.AdamW``.

    The decay shrinks the weights directly, θ ← θ (1 − ηλ), before the Adam
    step, instead of adding λθ to the gradient where Adam's scaling would
    weaken it. Note the default λ = 0.01.

    Parameters
    ----------
    params, lr, betas, eps, amsgrad, maximize
        As in :class:`Adam`.
    weight_decay : float
        Decoupled decay λ ≥ 0.

    Notes
    -----
    For each parameter with gradient gₜ at its t-th update::

        θₜ₋₁ ← θₜ₋₁ (1 − ηλ)
        mₜ = β₁ mₜ₋₁ + (1 − β₁) gₜ
        vₜ = β₂ vₜ₋₁ + (1 − β₂) gₜ²
        v̂ₜ = max(v̂ₜ₋₁, vₜ)  with AMSGrad,  else  vₜ
        θₜ = θₜ₋₁ − η / (1 − β₁ᵗ) · mₜ / (√v̂ₜ / √(1 − β₂ᵗ) + ε)

    Examples
    --------
    >>> import numnet
    >>> from numnet.optim import AdamW
    >>> w = numnet.Tensor([1.0, -2.0], requires_grad=True)
    >>> opt = AdamW([w], lr=0.1, weight_decay=0.5)
    >>> (w * w).sum().backward()
    >>> opt.step()  # θ (1 − 0.05) − 0.1 sign(g)
    >>> w.data
    array([ 0.85, -1.8 ], dtype=float32)
    """

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[dict],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            maximize=maximize,
            decoupled_weight_decay=True,
        )

    def _check_group(self, group: dict[str, Any]) -> dict[str, Any]:
        group["decoupled_weight_decay"] = True
        return super()._check_group(group)
