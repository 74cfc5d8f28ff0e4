"""Hyperparameter checks shared by the linear models.

Each estimator declares ``_parameter_rules``, a mapping from a parameter name
to a rule; :func:`check_params` runs at the start of ``fit`` (never in
``__init__``, the scikit-learn convention) and raises a ``ValueError`` that
names the estimator, the parameter, the bad value and what was expected.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Options:
    """The value must be one of ``choices`` (compared with ``==``, so ``None`` works)."""

    choices: tuple

    def __init__(self, *choices: Any) -> None:
        object.__setattr__(self, "choices", choices)

    def accepts(self, value: Any) -> bool:
        return any(value is c or (isinstance(value, str) and value == c) for c in self.choices)

    def describe(self) -> str:
        return "one of " + ", ".join(repr(c) for c in self.choices)


@dataclass(frozen=True)
class Interval:
    """A real (or, with ``integer=True``, whole) number in the given interval."""

    low: float
    high: float = np.inf
    closed: str = "left"  # which ends belong to the interval: 'left', 'right', 'both', 'neither'
    integer: bool = False

    def accepts(self, value: Any) -> bool:
        kinds = numbers.Integral if self.integer else numbers.Real
        if isinstance(value, bool) or not isinstance(value, kinds) or np.isnan(value):
            return False
        above = value >= self.low if self.closed in ("left", "both") else value > self.low
        below = value <= self.high if self.closed in ("right", "both") else value < self.high
        return bool(above and below)

    def describe(self) -> str:
        left = "[" if self.closed in ("left", "both") else "("
        right = "]" if self.closed in ("right", "both") else ")"
        kind = "an integer" if self.integer else "a number"
        return f"{kind} in {left}{self.low}, {self.high}{right}"


@dataclass(frozen=True)
class AnyOf:
    """The value must satisfy at least one of the rules."""

    rules: tuple

    def __init__(self, *rules: Options | Interval) -> None:
        object.__setattr__(self, "rules", rules)

    def accepts(self, value: Any) -> bool:
        return any(rule.accepts(value) for rule in self.rules)

    def describe(self) -> str:
        return " or ".join(rule.describe() for rule in self.rules)


POSITIVE = Interval(0.0, closed="neither")
NON_NEGATIVE = Interval(0.0, closed="left")
POSITIVE_INT = Interval(1, closed="left", integer=True)
LEARNING_RATE = AnyOf(Options("auto"), POSITIVE)
TOLERANCE = AnyOf(Options(None), NON_NEGATIVE)
BOOLEAN = Options(True, False)


def check_params(estimator: Any) -> None:
    """Raise ``ValueError`` for the first hyperparameter that breaks its rule."""
    for name, rule in estimator._parameter_rules.items():
        value = getattr(estimator, name)
        if isinstance(value, np.bool_):
            value = bool(value)
        if not rule.accepts(value):
            raise ValueError(
                f"{type(estimator).__name__}: {name} must be {rule.describe()}, got {value!r}"
            )
