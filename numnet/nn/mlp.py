"""The multilayer perceptron every front end builds: layers from a list of widths."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from numnet.nn.activation import activation as make_activation
from numnet.nn.container import Sequential
from numnet.nn.dropout import Dropout
from numnet.nn.linear import Linear

__all__ = ["mlp"]


def mlp(
    in_features: int,
    hidden: Sequence[int],
    out_features: int,
    activation: str = "relu",
    dropout: float = 0.0,
    rng: np.random.Generator | int | None = None,
    dtype: Any = None,
) -> Sequential:
    """``Linear → activation (→ Dropout)`` per hidden width, then a ``Linear`` head.

    Parameters
    ----------
    in_features, out_features : int
    hidden : sequence of int
        Hidden layer widths; empty for a single ``Linear``.
    activation : str
        A key of ``numnet.nn.ACTIVATIONS`` (``"relu"``, ``"tanh"``, ``"logistic"``...).
    dropout : float
        Drop probability of the ``Dropout`` after each activation (none when 0).
    rng : Generator or int
        Draws the weights (PyTorch's default init) in layer order; each
        ``Dropout`` gets a generator spawned from it.
    dtype : float dtype, optional

    Examples
    --------
    >>> mlp(4, [8], 2, activation="tanh", rng=0)
    Sequential(
      (0): Linear(in_features=4, out_features=8, bias=True)
      (1): Tanh()
      (2): Linear(in_features=8, out_features=2, bias=True)
    )
    """
    widths = [int(in_features), *(int(h) for h in hidden), int(out_features)]
    if min(widths) < 1:
        raise ValueError(f"mlp: layer widths must be positive, got {widths}")
    make_activation(activation)  # an unknown name fails before any weight is drawn
    rng = np.random.default_rng(rng)
    layers: list[Any] = []
    for i, (fan_in, fan_out) in enumerate(zip(widths[:-1], widths[1:])):
        layers.append(Linear(fan_in, fan_out, rng=rng, dtype=dtype))
        if i < len(widths) - 2:
            layers.append(make_activation(activation))
            if dropout:
                layers.append(Dropout(dropout, rng=rng.spawn(1)[0]))
    return Sequential(*layers)
