"""Bad input gets scikit-learn-style errors that name the value and what was expected."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

import numnet.linear_model as nl

REGRESSORS = [nl.LinearRegression, nl.Ridge, nl.Lasso, nl.ElasticNet, nl.PoissonRegressor]
CLASSIFIERS = [nl.LogisticRegression, nl.Perceptron, nl.LinearSVC]
ALL = REGRESSORS + CLASSIFIERS


def _data(rng, n=20, d=3):
    X = rng.normal(size=(n, d))
    return X, np.arange(n) % 2


@pytest.mark.parametrize("estimator", ALL)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_X(estimator, bad, rng):
    X, y = _data(rng)
    X[3, 1] = bad
    with pytest.raises(ValueError, match="Input X contains (NaN|infinity)"):
        estimator().fit(X, y)


@pytest.mark.parametrize("estimator", ALL)
def test_non_finite_y(estimator, rng):
    X, y = _data(rng)
    y = y.astype(float)
    y[0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        estimator().fit(X, y)


@pytest.mark.parametrize("estimator", ALL)
def test_one_dimensional_X(estimator, rng):
    X, y = _data(rng)
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array instead"):
        estimator().fit(X[:, 0], y)


@pytest.mark.parametrize("estimator", ALL)
def test_mismatched_lengths(estimator, rng):
    X, y = _data(rng)
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples: \[20, 19\]"):
        estimator().fit(X, y[:-1])


@pytest.mark.parametrize(
    "estimator",
    [*CLASSIFIERS, lambda: nl.OneVsRestClassifier(nl.LogisticRegression())],
)
def test_single_class(estimator, rng):
    X, _ = _data(rng)
    with pytest.raises(ValueError, match="at least 2 classes.*only one class: 'a'"):
        estimator().fit(X, ["a"] * len(X))


@pytest.mark.parametrize(
    ("estimator", "param", "value", "expected"),
    [
        (nl.LinearRegression, "solver", "normal", "one of 'lstsq', 'gd', 'sgd'"),
        (nl.Ridge, "solver", "auto", "one of 'cholesky', 'svd', 'gd', 'sgd'"),
        (nl.LogisticRegression, "solver", "newton", "one of 'lbfgs', 'gd', 'sgd'"),
        (nl.LogisticRegression, "penalty", "elasticnet", "one of 'l2', 'l1', None"),
        (nl.PoissonRegressor, "solver", "sgd", "one of 'lbfgs', 'gd'"),
        (nl.Lasso, "selection", "greedy", "one of 'cyclic', 'random'"),
        (nl.Ridge, "alpha", -1.0, "a number in [0.0, inf)"),
        (nl.LogisticRegression, "C", 0.0, "a number in (0.0, inf)"),
        (nl.ElasticNet, "l1_ratio", 1.5, "a number in [0.0, 1.0]"),
        (nl.LinearRegression, "batch_size", 0, "an integer in [1, inf)"),
        (nl.LinearRegression, "max_iter", 2.5, "an integer in [1, inf)"),
        (nl.LinearRegression, "lr", -0.1, "one of 'auto' or a number in (0.0, inf)"),
        (nl.LinearSVC, "C", "big", "a number in (0.0, inf)"),
    ],
)
def test_unknown_or_out_of_range_hyperparameter(estimator, param, value, expected, rng):
    X, y = _data(rng)
    model = estimator().set_params(**{param: value})  # __init__ and set_params never validate
    message = f"{estimator.__name__}: {param} must be {expected}, got {value!r}"
    with pytest.raises(ValueError, match=re.escape(message)):
        model.fit(X, y + 1)


def test_error_message_names_value_and_choices(rng):
    X, y = _data(rng)
    with pytest.raises(ValueError) as info:
        nl.LinearRegression(solver="normal").fit(X, y)
    assert str(info.value) == (
        "LinearRegression: solver must be one of 'lstsq', 'gd', 'sgd', got 'normal'"
    )


def test_l1_needs_a_solver_that_handles_it(rng):
    X, y = _data(rng)
    with pytest.raises(ValueError, match="solver='lbfgs' supports penalty 'l2' or None"):
        nl.LogisticRegression(penalty="l1").fit(X, y)


def test_poisson_rejects_negative_counts(rng):
    X, _ = _data(rng)
    with pytest.raises(ValueError, match="non-negative counts.*min\\(y\\)=-1.0"):
        nl.PoissonRegressor().fit(X, -np.ones(len(X)))


@pytest.mark.parametrize("estimator", ALL)
def test_predict_before_fit(estimator, rng):
    with pytest.raises(NotFittedError):
        estimator().predict(rng.normal(size=(3, 3)))


@pytest.mark.parametrize("estimator", ALL)
def test_wrong_number_of_features_at_predict(estimator, rng):
    X, y = _data(rng)
    model = estimator().fit(X, y + 1)
    with pytest.raises(ValueError, match="X has 2 features, but .* is expecting 3 features"):
        model.predict(X[:, :2])


def test_partial_fit_only_with_sgd_and_classes_first(rng):
    X, y = _data(rng)
    assert not hasattr(nl.LogisticRegression(), "partial_fit")
    assert not hasattr(nl.Ridge(solver="svd"), "partial_fit")
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        nl.LogisticRegression(solver="sgd").partial_fit(X, y)
    model = nl.LogisticRegression(solver="sgd").partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match=r"labels \[7\] are not in classes \[0, 1\]"):
        model.partial_fit(X, np.full(len(X), 7))


def test_sgd_divergence_is_reported(rng):
    X, y = _data(rng)
    with pytest.raises(ValueError, match="SGD diverged at epoch .*smaller lr"):
        nl.LinearRegression(solver="sgd", lr=1e3, tol=None, max_iter=200).fit(100 * X, y)
