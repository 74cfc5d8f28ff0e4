"""Small helpers shared by the optimizer modules: reading lists of tensors, checking numbers."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from numnet.tensor import Tensor


def tensor_list(params: Any, where: str, arrays: bool = False) -> list:
    """``params`` as a list: one Tensor, or any iterable of Tensors (of ndarrays too if ``arrays``).

    Generators (``model.parameters()``) are consumed once, here.
    """
    kinds = (Tensor, np.ndarray) if arrays else Tensor
    what = "Tensors or ndarrays" if arrays else "Tensors"
    if isinstance(params, kinds):
        return [params]
    try:
        items = list(params)
    except TypeError:
        raise TypeError(
            f"{where}: expected a Tensor or an iterable of {what}, got {type(params).__name__}"
        ) from None
    for i, item in enumerate(items):
        if not isinstance(item, kinds):
            raise TypeError(
                f"{where}: element {i} is a {type(item).__name__}; expected an iterable of {what}"
            )
    return items


def check_number(
    where: str,
    name: str,
    value: Any,
    low: float = 0.0,
    high: float | None = None,
    high_open: bool = False,
) -> float:
    """``float(value)`` after checking ``low <= value`` and ``value <= high`` (``<`` if open)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{where}: {name} must be a number, got {value!r}") from None
    if (
        math.isnan(number)
        or number < low
        or (high is not None and (number >= high if high_open else number > high))
    ):
        upper = "" if high is None else f" and {'<' if high_open else '<='} {high}"
        raise ValueError(f"{where}: invalid {name}={value!r}; expected {name} >= {low}{upper}")
    return number
