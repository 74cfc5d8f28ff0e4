"""train_test_split: scikit-learn's semantics on numnet inputs, stratification."""

from __future__ import annotations

import numpy as np
import pytest

import numnet
from numnet.data import train_test_split


def test_data_split_matches_sklearn_and_returns_numpy():
    sk = pytest.importorskip("sklearn.model_selection")
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((50, 3)), rng.integers(0, 3, 50)
    ours = train_test_split(numnet.Tensor(X), numnet.Tensor(y), test_size=0.3, random_state=4)
    theirs = sk.train_test_split(X, y, test_size=0.3, random_state=4)
    assert all(type(part) is np.ndarray for part in ours)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("test_size", [0.2, 0.25, 0.5, 17])
def test_data_stratified_split_keeps_proportions(seed, test_size):
    rng = np.random.default_rng(seed)
    y = rng.choice(4, size=101, p=[0.5, 0.25, 0.15, 0.1])
    X = np.arange(101.0)[:, None]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, stratify=y, random_state=seed
    )
    n_test = len(y_test)
    assert len(y_train) + n_test == 101
    assert sorted(np.concatenate([X_train, X_test])[:, 0].tolist()) == list(range(101))
    for label in np.unique(y):
        exact = np.sum(y == label) * n_test / 101
        assert abs(np.sum(y_test == label) - exact) <= 1


def test_data_split_sizes_and_no_shuffle():
    X = np.arange(10)
    train, test = train_test_split(X, shuffle=False, test_size=0.3)
    assert train.tolist() == list(range(7)) and test.tolist() == [7, 8, 9]
    a = train_test_split(X, random_state=np.random.default_rng(3))
    b = train_test_split(X, random_state=np.random.default_rng(3))
    assert all((p == q).all() for p, q in zip(a, b))


def test_data_split_errors():
    with pytest.raises(ValueError, match="same number of rows, got 5, 4"):
        train_test_split(np.zeros((5, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="at least one array"):
        train_test_split()
