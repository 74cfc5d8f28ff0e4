"""Train/test split with scikit-learn's semantics, for NumPy arrays, lists, pandas and Tensors."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["train_test_split"]


def train_test_split(
    *arrays: Any,
    test_size: float | int | None = None,
    train_size: float | int | None = None,
    stratify: Any = None,
    shuffle: bool = True,
    random_state: int | np.random.Generator | np.random.RandomState | None = None,
) -> list[np.ndarray]:
    """Split arrays into random train and test subsets (``sklearn.model_selection``'s rules).

    Delegates to :func:`sklearn.model_selection.train_test_split` after turning every input
    (NumPy arrays, lists, pandas objects, numnet Tensors) into a NumPy array, so the result
    is always NumPy arrays: ``X_train, X_test, y_train, y_test, ...``.

    Parameters
    ----------
    *arrays : array-like
        Arrays with the same number of rows.
    test_size : float or int, optional
        A fraction in (0, 1) or a number of rows; 0.25 when both sizes are ``None``.
    train_size : float or int, optional
        Likewise for the training part; by default the complement of the test part.
    stratify : array-like, optional
        Class labels: both parts then keep the class proportions (each class count is within
        one sample of its exact share).
    shuffle : bool, default True
        Shuffle before splitting; ``False`` keeps the order (cannot be stratified).
    random_state : int, Generator, RandomState or None
        Seed of the shuffle. A ``numpy.random.Generator`` gives one integer draw. ``None``
        follows scikit-learn (NumPy's global state: not reproducible).

    Returns
    -------
    list of ndarray
        Twice as many arrays as given: the train and test part of each.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.arange(20.0).reshape(10, 2), np.array([0] * 6 + [1] * 4)
    >>> X_train, X_test, y_train, y_test = train_test_split(
    ...     X, y, test_size=0.5, stratify=y, random_state=0)
    >>> X_train.shape, X_test.shape, int(y_test.sum())
    ((5, 2), (5, 2), 2)
    """
    from sklearn.model_selection import train_test_split as sk_split

    if not arrays:
        raise ValueError("train_test_split needs at least one array")
    converted = [np.asarray(array) for array in arrays]
    for i, array in enumerate(converted):
        if array.ndim == 0:
            raise ValueError(f"array {i} must have at least one dimension, got a scalar")
    n_rows = {array.shape[0] for array in converted}
    if len(n_rows) > 1:
        lengths = ", ".join(str(array.shape[0]) for array in converted)
        raise ValueError(f"arrays must have the same number of rows, got {lengths}")
    if stratify is not None:
        stratify = np.asarray(stratify)
    if isinstance(random_state, np.random.Generator):
        random_state = int(random_state.integers(0, 2**32 - 1))
    return sk_split(
        *converted,
        test_size=test_size,
        train_size=train_size,
        stratify=stratify,
        shuffle=shuffle,
        random_state=random_state,
    )
