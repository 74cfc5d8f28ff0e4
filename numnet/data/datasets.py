"""scikit-learn's bundled data sets as ``(X, y)`` arrays, and every built-in data set by name."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

import numpy as np

from numnet.data import toy

__all__ = [
    "load_digits",
    "load_iris",
    "load_breast_cancer",
    "load_diabetes",
    "load_wine",
    "load_builtin",
    "builtin_names",
    "builtin_task",
]


def _bundled(name: str, target_dtype: type) -> tuple[np.ndarray, np.ndarray]:
    import sklearn.datasets

    X, y = getattr(sklearn.datasets, f"load_{name}")(return_X_y=True)
    return np.asarray(X, dtype=np.float64), np.asarray(y, dtype=target_dtype)


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 8 x 8 handwritten digits (1797 images, 64 pixel features 0..16, 10 classes).

    Returns
    -------
    X : ndarray of shape (1797, 64), float64
    y : ndarray of shape (1797,), int64 in 0..9

    Examples
    --------
    >>> X, y = load_digits()
    >>> X.shape, X.dtype.name, sorted(set(y.tolist())) == list(range(10))
    ((1797, 64), 'float64', True)
    """
    return _bundled("digits", np.int64)


def load_iris() -> tuple[np.ndarray, np.ndarray]:
    """Fisher's iris (150 flowers, 4 measurements in cm, 3 classes).

    Returns
    -------
    X : ndarray of shape (150, 4), float64
    y : ndarray of shape (150,), int64 in 0..2

    Examples
    --------
    >>> X, y = load_iris()
    >>> X.shape, np.bincount(y).tolist()
    ((150, 4), [50, 50, 50])
    """
    return _bundled("iris", np.int64)


def load_breast_cancer() -> tuple[np.ndarray, np.ndarray]:
    """Wisconsin breast cancer (569 samples, 30 features, 0 = malignant, 1 = benign).

    Returns
    -------
    X : ndarray of shape (569, 30), float64
    y : ndarray of shape (569,), int64 in {0, 1}

    Examples
    --------
    >>> X, y = load_breast_cancer()
    >>> X.shape, np.bincount(y).tolist()
    ((569, 30), [212, 357])
    """
    return _bundled("breast_cancer", np.int64)


def load_diabetes() -> tuple[np.ndarray, np.ndarray]:
    """Diabetes progression (442 patients, 10 scaled features, a float target 25..346).

    Returns
    -------
    X : ndarray of shape (442, 10), float64
    y : ndarray of shape (442,), float64

    Examples
    --------
    >>> X, y = load_diabetes()
    >>> X.shape, y.dtype.name, float(y.min()), float(y.max())
    ((442, 10), 'float64', 25.0, 346.0)
    """
    return _bundled("diabetes", np.float64)


def load_wine() -> tuple[np.ndarray, np.ndarray]:
    """Wine recognition (178 wines, 13 chemical features, 3 cultivars).

    Returns
    -------
    X : ndarray of shape (178, 13), float64
    y : ndarray of shape (178,), int64 in 0..2

    Examples
    --------
    >>> X, y = load_wine()
    >>> X.shape, np.bincount(y).tolist()
    ((178, 13), [59, 71, 48])
    """
    return _bundled("wine", np.int64)


_BUILTINS: dict[str, tuple[Callable[..., tuple[np.ndarray, np.ndarray]], str]] = {
    "digits": (load_digits, "classification"),
    "iris": (load_iris, "classification"),
    "breast_cancer": (load_breast_cancer, "classification"),
    "diabetes": (load_diabetes, "regression"),
    "wine": (load_wine, "classification"),
    "circle": (toy.circle, "classification"),
    "xor": (toy.xor, "classification"),
    "gauss": (toy.gauss, "classification"),
    "spiral": (toy.spiral, "classification"),
    "plane": (toy.plane, "regression"),
    "multi_gauss": (toy.multi_gauss, "regression"),
    "function_1d": (toy.function_1d, "regression"),
}


def builtin_names() -> list[str]:
    """Names :func:`load_builtin` accepts: the bundled scikit-learn sets, then the toy sets.

    Examples
    --------
    >>> builtin_names()[:5]
    ['digits', 'iris', 'breast_cancer', 'diabetes', 'wine']
    """
    return list(_BUILTINS)


def _lookup(name: str) -> tuple[Callable[..., tuple[np.ndarray, np.ndarray]], str]:
    if not isinstance(name, str):
        raise TypeError(f"a data set name must be a str, got {type(name).__name__}")
    key = name.strip().lower().replace("-", "_")
    if key in _BUILTINS:
        return _BUILTINS[key]
    close = difflib.get_close_matches(key, _BUILTINS, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ValueError(f"unknown data set {name!r}{hint}; built-in data sets: {', '.join(_BUILTINS)}")


def builtin_task(name: str) -> str:
    """``"classification"`` or ``"regression"``: the task of the built-in data set ``name``.

    Examples
    --------
    >>> builtin_task("digits"), builtin_task("diabetes")
    ('classification', 'regression')
    """
    return _lookup(name)[1]


def load_builtin(name: str, **options: Any) -> tuple[np.ndarray, np.ndarray]:
    """Load a built-in data set by name (see :func:`builtin_names`) as ``(X, y)``.

    Parameters
    ----------
    name : str
        Case-insensitive; ``-`` and ``_`` are the same (``"breast-cancer"``).
    **options
        Passed to a toy generator (``n_samples``, ``noise``, ``seed``); the bundled sets take
        none.

    Raises
    ------
    ValueError
        An unknown name: the message suggests the closest name and lists all of them.

    Examples
    --------
    >>> X, y = load_builtin("iris")
    >>> X.shape
    (150, 4)
    >>> load_builtin("digts")
    Traceback (most recent call last):
    ...
    ValueError: unknown data set 'digts' (did you mean 'digits'?); built-in data sets: digits, ...
    """
    loader, _ = _lookup(name)
    return loader(**options)
