"""The lectures, runnable: one small demo per idea of the lecture notes.

Each demo is a module of this package with a one-line ``TITLE`` and a function
``run(out, *, fast=False, seed=0, explain=False, echo=print) -> dict``. It prints
what matters through ``echo``, writes its pictures (PNG) into the folder ``out``,
and returns its key numbers, which the tests check. ``fast=True`` shrinks every
size so the demo takes a second or two (the tests and CI use it); the full demo
finishes in under a minute on two cores.

``numnet lecture`` lists the demos; ``numnet lecture NAME`` runs one and writes
its pictures to ``runs/lecture-NAME/``. The guide ``docs/lectures.md`` walks the
lecture notes in order and points at the demo and picture for each concept.

>>> names()[:3]
['neuron', 'matrix-form', 'backprop-by-hand']
>>> title("matrix-form").startswith("Seed 001")
True
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["LECTURES", "MissingExtraError", "names", "title", "load", "run"]


class MissingExtraError(RuntimeError):
    """A demo needs an optional extra that is not installed; the message names the pip command."""


# Lecture name -> module in this package, in the order of the lecture notes.
LECTURES: dict[str, str] = {
    "neuron": "neuron",
    "matrix-form": "matrix_form",
    "backprop-by-hand": "backprop_by_hand",
    "finite-differences": "finite_differences",
    "universal-approximation": "universal_approximation",
    "vanishing-gradients": "vanishing_gradients",
    "architectures": "architectures",
    "regularization": "regularization",
    "optimizers": "optimizers",
    "linear-models": "linear_models",
    "deep-cem": "deep_cem",
}


def names() -> list[str]:
    """The demo names, in lecture order."""
    return list(LECTURES)


def load(name: str) -> ModuleType:
    """Import the module of demo ``name``; an unknown name raises ``ValueError``."""
    if name not in LECTURES:
        import difflib

        close = difflib.get_close_matches(name, LECTURES, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"unknown lecture {name!r}: expected one of {', '.join(LECTURES)}{hint}")
    return importlib.import_module(f"numnet.lectures.{LECTURES[name]}")


def title(name: str) -> str:
    """The one-line description of demo ``name``."""
    return load(name).TITLE


def run(
    name: str,
    out: str | os.PathLike | None = None,
    *,
    fast: bool = False,
    seed: int = 0,
    explain: bool = False,
    echo: Callable[..., Any] = print,
) -> dict[str, Any]:
    """Run demo ``name``, writing its pictures to ``out`` (default ``runs/lecture-NAME``).

    Returns the demo's key numbers as a dict.
    """
    module = load(name)
    folder = Path(out) if out is not None else Path("runs") / f"lecture-{name}"
    folder.mkdir(parents=True, exist_ok=True)
    return module.run(folder, fast=fast, seed=seed, explain=explain, echo=echo)
