"""Shared pytest helpers for the numnet test suite (fixtures only, no tests)."""

from __future__ import annotations

import numpy as np
import pytest

import numnet


@pytest.fixture
def rng() -> np.random.Generator:
    """A NumPy Generator with a fixed seed, fresh for every test."""
    return np.random.default_rng(0)


@pytest.fixture(autouse=True)
def _restore_default_dtype():
    """Undo any ``numnet.set_default_dtype`` a test makes, so tests cannot leak into each other."""
    previous = numnet.get_default_dtype()
    yield
    numnet.set_default_dtype(previous)
