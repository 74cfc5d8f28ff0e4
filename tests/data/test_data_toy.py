"""Toy data: Playground's formulas, label mapping, noise, seeds; seed 002's function."""

from __future__ import annotations

import numpy as np
import pytest

from numnet.data import toy

CLASSIFIERS = [toy.circle, toy.xor, toy.gauss, toy.spiral]
REGRESSORS = [toy.plane, toy.multi_gauss]


@pytest.mark.parametrize("make", CLASSIFIERS + REGRESSORS)
def test_data_toy_shapes_dtypes_and_seeds(make):
    X, y = make(101, noise=0.2, seed=3)
    assert X.shape == (101, 2) and X.dtype == np.float64 and y.shape == (101,)
    if make in CLASSIFIERS:
        assert y.dtype == np.int64 and set(y.tolist()) <= {0, 1}
    else:
        assert y.dtype == np.float64
    X2, y2 = make(101, noise=0.2, seed=3)
    assert X.tobytes() == X2.tobytes() and y.tobytes() == y2.tobytes()
    X3, _ = make(101, noise=0.2, seed=4)
    assert not np.array_equal(X, X3)
    with pytest.raises(ValueError, match="noise"):
        make(10, noise=0.6)
    with pytest.raises(ValueError, match="n_samples"):
        make(0)


def test_data_circle_geometry_and_noise_flips_labels():
    X, y = toy.circle(1000, seed=0, shuffle=False)
    r = np.hypot(X[:, 0], X[:, 1])
    assert (r[:500] <= 2.5).all() and ((r[500:] >= 3.5) & (r[500:] <= 5)).all()
    assert y[:500].all() and not y[500:].any()
    _, noisy = toy.circle(1000, noise=0.5, seed=0, shuffle=False)
    assert 0 < np.sum(noisy != y) < 500


def test_data_xor_padding_and_labels():
    X, y = toy.xor(2000, seed=1)
    assert (np.abs(X) >= 0.3).all() and (np.abs(X) <= 5.3).all()
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] >= 0).astype(int))


def test_data_gauss_variance_follows_noise():
    for noise, variance in [(0.0, 0.5), (0.5, 4.0), (0.25, 2.25)]:
        X, y = toy.gauss(20000, noise=noise, seed=2)
        pos = X[y == 1]
        np.testing.assert_allclose(pos.mean(axis=0), [2, 2], atol=0.05)
        np.testing.assert_allclose(pos.var(axis=0), [variance, variance], rtol=0.05)


def test_data_spiral_formula_without_noise():
    X, y = toy.spiral(8, seed=0, shuffle=False)
    i = np.arange(4)
    r, t = i / 4 * 5, 1.75 * i / 4 * 2 * np.pi
    np.testing.assert_allclose(X[:4], np.column_stack([r * np.sin(t), r * np.cos(t)]))
    np.testing.assert_allclose(X[4:], -X[:4], atol=1e-12)  # second arm turned by π
    assert y.tolist() == [1] * 4 + [0] * 4


def test_data_regression_targets():
    X, y = toy.plane(500, seed=0)
    np.testing.assert_allclose(y, X.sum(axis=1) / 10)
    assert (np.abs(X) <= 6).all()
    X, y = toy.multi_gauss(3000, seed=0)
    centres = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1],
                        [4, -2.5, -1]])  # fmt: skip
    for i in range(0, 3000, 97):  # the loop of dataset.ts, point by point
        label = 0.0
        for cx, cy, sign in centres:
            value = sign * min(max(1 - np.hypot(X[i, 0] - cx, X[i, 1] - cy) / 2, 0), 1)
            if abs(value) > abs(label):
                label = value
        assert y[i] == pytest.approx(label, abs=1e-15)


def test_data_seed002_function_and_sampler():
    x = np.linspace(0, 1, 7)
    expected = 0.2 + 0.4 * x**2 + 0.3 * x * np.sin(15 * x) + 0.1 * np.cos(50 * x)
    np.testing.assert_array_equal(toy.seed002_function(x), expected)
    X, y = toy.function_1d(300, seed=0)
    assert X.shape == (300, 1) and (0 <= X).all() and (X <= 1).all()
    np.testing.assert_array_equal(y, toy.seed002_function(X[:, 0]))
    _, noisy = toy.function_1d(300, noise=0.1, seed=0)
    assert 0.07 < np.std(noisy - y) < 0.13
