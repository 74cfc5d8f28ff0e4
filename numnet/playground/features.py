"""TensorFlow Playground's input features: x1, x2, x1², x2², x1·x2, sin x1, sin x2."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["FEATURES", "feature_matrix"]

FEATURES = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1x2": lambda x1, x2: x1 * x2,
    "sin_x1": lambda x1, x2: np.sin(x1),
    "sin_x2": lambda x1, x2: np.sin(x2),
}


def feature_matrix(X: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """The network's input: one column per feature name, in the order given.

    Parameters
    ----------
    X : ndarray of shape (n, 2)
        The points (x1, x2).
    names : sequence of str
        Keys of :data:`FEATURES`.

    Returns
    -------
    ndarray of shape (n, len(names)), float64

    Examples
    --------
    >>> feature_matrix(np.array([[2.0, 3.0]]), ["x1", "x1^2", "x1x2"]).tolist()
    [[2.0, 4.0, 6.0]]
    """
    X = np.asarray(X, dtype=np.float64)
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([FEATURES[name](x1, x2) for name in names])
