"""Gaussian noise added to the gradients (seed 001), optionally annealed (Neelakantan et al.)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from numnet.optim._utils import check_number, tensor_list
from numnet.tensor import Tensor

__all__ = ["add_grad_noise_", "GradientNoise"]


def add_grad_noise_(
    params: Tensor | Iterable[Tensor], std: float, rng: np.random.Generator | int | None = None
) -> None:
    """Add independent N(0, std²) noise to every gradient element, in place: g ← g + σ ε.

    Parameters
    ----------
    params : Tensor or iterable of Tensor
        Parameters without a gradient are skipped.
    std : float
        σ ≥ 0.
    rng : numpy.random.Generator or int, optional
        Source of ε (a seed makes a new Generator). The draws are float64,
        cast to the gradient's dtype, so a seed gives the same noise in
        float32 and float64.

    Examples
    --------
    >>> import numpy as np
    >>> import numnet
    >>> from numnet.optim import add_grad_noise_
    >>> w = numnet.Tensor(np.zeros(3), requires_grad=True)
    >>> w.grad = np.zeros(3)
    >>> add_grad_noise_([w], std=0.1, rng=np.random.default_rng(0))
    >>> w.grad.round(4)
    array([ 0.0126, -0.0132,  0.064 ])
    """
    std = check_number("add_grad_noise_", "std", std)
    rng = np.random.default_rng(rng)
    for t in tensor_list(params, "add_grad_noise_"):
        g = t.grad
        if g is not None:
            noise = rng.standard_normal(g.shape)
            noise *= std
            g += noise.astype(g.dtype, copy=False)


class GradientNoise:
    """Annealed gradient noise: g ← g + N(0, σₜ²) with σₜ² = η / (1 + t)^γ.

    The schedule of Neelakantan et al., "Adding gradient noise improves
    learning for very deep networks" (2015), who use η ∈ {0.01, 0.3, 1} and
    γ = 0.55. Call :meth:`step` after ``backward()`` and before
    ``optimizer.step()``; t counts the calls, from 0.

    Parameters
    ----------
    params : Tensor or iterable of Tensor
        E.g. ``model.parameters()``.
    eta : float
        η ≥ 0, the variance at t = 0.
    gamma : float
        γ ≥ 0, the decay exponent.
    rng : numpy.random.Generator or int, optional
        Source of the noise (a seed makes a new Generator).

    Examples
    --------
    >>> import numpy as np
    >>> import numnet
    >>> from numnet.optim import GradientNoise
    >>> w = numnet.Tensor(np.zeros(2), requires_grad=True)
    >>> noise = GradientNoise([w], eta=0.3, gamma=0.55, rng=0)
    >>> round(noise.std, 4), noise.t
    (0.5477, 0)
    >>> w.grad = np.zeros(2)
    >>> noise.step()
    >>> round(noise.std, 4), noise.t
    (0.4527, 1)
    """

    def __init__(
        self,
        params: Tensor | Iterable[Tensor],
        eta: float = 0.01,
        gamma: float = 0.55,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        self.params = tensor_list(params, "GradientNoise")
        self.eta = check_number("GradientNoise", "eta", eta)
        self.gamma = check_number("GradientNoise", "gamma", gamma)
        self.rng = np.random.default_rng(rng)
        self.t = 0

    @property
    def std(self) -> float:
        """σₜ = √(η / (1 + t)^γ), used by the next :meth:`step`."""
        return math.sqrt(self.eta / (1 + self.t) ** self.gamma)

    def step(self) -> None:
        """Add N(0, σₜ²) noise to the gradients, then advance t."""
        add_grad_noise_(self.params, self.std, self.rng)
        self.t += 1

    def state_dict(self) -> dict[str, Any]:
        """η, γ, t and the Generator's state: JSON-able Python values."""
        return {
            "eta": self.eta,
            "gamma": self.gamma,
            "t": self.t,
            "rng": self.rng.bit_generator.state,
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned; the noise then continues bit for bit."""
        missing = {"eta", "gamma", "t", "rng"} - set(state_dict)
        if missing:
            raise ValueError(f"GradientNoise.load_state_dict: missing entries {sorted(missing)}")
        eta = check_number("GradientNoise", "eta", state_dict["eta"])
        gamma = check_number("GradientNoise", "gamma", state_dict["gamma"])
        t = state_dict["t"]
        if isinstance(t, bool) or not isinstance(t, int) or t < 0:
            raise ValueError(f"GradientNoise.load_state_dict: t must be an int >= 0, got {t!r}")
        try:
            self.rng.bit_generator.state = state_dict["rng"]
        except (TypeError, ValueError, KeyError) as error:
            raise ValueError(
                f"GradientNoise.load_state_dict: 'rng' is not a state of this Generator's "
                f"{type(self.rng.bit_generator).__name__}: {error}"
            ) from None
        self.eta, self.gamma, self.t = eta, gamma, t
