"""Dropout in both of seed 001's forms, and Gaussian input noise."""

from __future__ import annotations

from typing import Any

import numpy as np

import numnet.functional as F
from numnet.nn.module import Module
from numnet.tensor import Tensor, _result, as_tensor

__all__ = ["Dropout", "GaussianNoise"]


class Dropout(Module):
    """Zero each input with probability ``p`` while training.

    ``p`` is the DROP probability, as in PyTorch and Keras (seed 004's 0.1);
    seed 001 writes the keep probability, which here is ``1 − p``.

    Modes (seed 001):

    - ``"inverted"`` (default): in training the kept inputs are divided by
      the keep probability 1 − p, so expectations are unchanged; in ``eval()``
      the layer is the identity.
    - ``"classic"``: in training the kept inputs pass unscaled; in ``eval()``
      every input is multiplied by 1 − p.

    ``rng`` (Generator or seed) draws the masks; the module keeps it, so a
    checkpoint restores the exact masks to come.

    Examples
    --------
    >>> import numnet
    >>> from numnet import nn
    >>> drop = nn.Dropout(0.5, rng=0)
    >>> drop(numnet.ones((1, 6))).tolist()
    [[0.0, 2.0, 2.0, 2.0, 0.0, 0.0]]
    >>> drop.eval()(numnet.ones((1, 2))).tolist()
    [[1.0, 1.0]]
    """

    def __init__(
        self, p: float = 0.5, mode: str = "inverted", rng: np.random.Generator | int | None = None
    ) -> None:
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(f"Dropout: p (the drop probability) must be in [0, 1], got {p}")
        if mode not in ("inverted", "classic"):
            raise ValueError(f"Dropout: mode must be 'inverted' or 'classic', got {mode!r}")
        self.p = float(p)
        self.mode = mode
        self.rng = np.random.default_rng(rng)

    def forward(self, x: Any) -> Tensor:
        return F.dropout(x, self.p, self.training, self.rng, self.mode)

    def extra_repr(self) -> str:
        return f"p={self.p}, mode={self.mode!r}"

    def get_config(self) -> dict[str, Any]:
        return {"p": self.p, "mode": self.mode}


class GaussianNoise(Module):
    """Add N(0, std²) noise to the input while training (seed 001); identity in ``eval()``.

    >>> import numnet
    >>> from numnet import nn
    >>> noise = nn.GaussianNoise(0.1, rng=0).eval()
    >>> noise(numnet.ones(2)).tolist()
    [1.0, 1.0]
    """

    def __init__(self, std: float, rng: np.random.Generator | int | None = None) -> None:
        super().__init__()
        if not std >= 0:
            raise ValueError(f"GaussianNoise: std must be non-negative, got {std}")
        self.std = float(std)
        self.rng = np.random.default_rng(rng)

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x)
        if not self.training or self.std == 0:
            return x
        if x.dtype.kind != "f":
            # the noise cast to an integer dtype would be silently truncated
            raise TypeError(f"GaussianNoise needs a floating-point input, got dtype {x.dtype}")
        noise = self.rng.normal(0.0, self.std, x.shape).astype(x.dtype, copy=False)

        def backward(g):
            return (g,)

        return _result(x.data + noise, (x,), backward, "gaussian_noise")

    def extra_repr(self) -> str:
        return f"std={self.std}"

    def get_config(self) -> dict[str, Any]:
        return {"std": self.std}
