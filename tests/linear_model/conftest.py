"""Fixtures for the linear-model tests: the four scikit-learn datasets (offline
loaders), raw and standardized, and a relative-error measure."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris
from sklearn.preprocessing import StandardScaler

_LOADERS = {
    "diabetes": load_diabetes,
    "breast_cancer": load_breast_cancer,
    "iris": load_iris,
    "digits": load_digits,
}


@pytest.fixture(scope="session")
def raw_datasets() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """name -> (X, y) as the loaders give them."""
    return {name: load(return_X_y=True) for name, load in _LOADERS.items()}


@pytest.fixture(scope="session")
def scaled_datasets(raw_datasets) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """name -> (X standardized to zero mean and unit variance, y).

    The iterative solvers are compared on these: on the raw breast-cancer
    features (scales from 1e-3 to 1e3) no first-order method, ours or
    scikit-learn's, converges in a reasonable number of steps.
    """
    return {name: (StandardScaler().fit_transform(X), y) for name, (X, y) in raw_datasets.items()}


@pytest.fixture(scope="session")
def rel_error():
    """max|a − b| / max|b|: the error relative to the size of the reference coefficients."""

    def measure(actual, expected) -> float:
        actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
        return float(np.abs(actual - expected).max() / np.abs(expected).max())

    return measure
