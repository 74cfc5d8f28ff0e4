"""Coefficients equal scikit-learn's on the same objective, on diabetes, breast
cancer, iris and digits.

Tolerances (relative to the largest reference coefficient):
- exact solvers (lstsq, cholesky, svd) and coordinate descent: rtol 1e-6 (observed ~1e-12);
- lbfgs: rtol 1e-6 at tol=1e-10 on both sides;
- gd (stops at gradient ∞-norm ≤ 1e-10): rtol 1e-5; it stops closer to the optimum
  than scikit-learn's lbfgs, whose own stopping point is what bounds the agreement;
- LinearSVC (dual coordinate descent, stopping at a projected-gradient spread ≤ tol
  on both sides): rtol 1e-3 at tol=1e-5;
- constant-step SGD ends in a noise ball around the optimum: rtol 5e-2 with a
  small step on a well-conditioned (strongly penalized) problem.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import linear_model as sk
from sklearn import svm as sk_svm

import numnet.linear_model as nl

ALL = ["diabetes", "breast_cancer", "iris", "digits"]
CLASSIFICATION = ["breast_cancer", "iris", "digits"]


@pytest.mark.parametrize("name", ALL)
def test_least_squares_exact(raw_datasets, rel_error, name):
    X, y = raw_datasets[name]
    ours, ref = nl.LinearRegression().fit(X, y), sk.LinearRegression().fit(X, y)
    assert rel_error(ours.coef_, ref.coef_) < 1e-6
    assert ours.intercept_ == pytest.approx(ref.intercept_, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("solver", ["cholesky", "svd"])
@pytest.mark.parametrize("name", ALL)
def test_ridge_exact(raw_datasets, rel_error, name, solver):
    X, y = raw_datasets[name]
    ours, ref = nl.Ridge(0.5, solver=solver).fit(X, y), sk.Ridge(0.5, solver=solver).fit(X, y)
    assert rel_error(ours.coef_, ref.coef_) < 1e-6
    assert ours.intercept_ == pytest.approx(ref.intercept_, rel=1e-6, abs=1e-9)


def test_ridge_multi_target(raw_datasets, rel_error):
    X, y = raw_datasets["diabetes"]
    Y = np.column_stack([y, np.log(y)])
    ours, ref = nl.Ridge(2.0).fit(X, Y), sk.Ridge(2.0).fit(X, Y)
    assert ours.coef_.shape == ref.coef_.shape == (2, X.shape[1])
    assert rel_error(ours.coef_, ref.coef_) < 1e-6
    assert rel_error(ours.intercept_, ref.intercept_) < 1e-6


@pytest.mark.parametrize("name", ALL)
def test_lasso_and_elastic_net(raw_datasets, rel_error, name):
    X, y = raw_datasets[name]
    for ours, ref in [
        (nl.Lasso(0.05, tol=1e-10, max_iter=100_000), sk.Lasso(0.05, tol=1e-10, max_iter=100_000)),
        (
            nl.ElasticNet(0.05, l1_ratio=0.3, tol=1e-10, max_iter=100_000),
            sk.ElasticNet(0.05, l1_ratio=0.3, tol=1e-10, max_iter=100_000),
        ),
    ]:
        ours.fit(X, y.astype(float))
        ref.fit(X, y.astype(float))
        assert rel_error(ours.coef_, ref.coef_) < 1e-6
        np.testing.assert_array_equal(ours.coef_ == 0, ref.coef_ == 0)  # the same exact zeros


@pytest.mark.parametrize("solver", ["lbfgs", "gd"])
@pytest.mark.parametrize("name", CLASSIFICATION)
def test_logistic_l2(scaled_datasets, rel_error, name, solver):
    X, y = scaled_datasets[name]
    ref = sk.LogisticRegression(C=0.5, tol=1e-10, max_iter=10_000).fit(X, y)
    # gd to a gradient of 1e-10 takes ~3,000 passes over digits (~30 s); at 1e-8 it
    # stops after ~800, and the coefficients are then within 1e-4 of the optimum
    slow = solver == "gd" and name == "digits"
    tol = 1e-8 if slow else 1e-10
    ours = nl.LogisticRegression(C=0.5, solver=solver, tol=tol, max_iter=100_000).fit(X, y)
    rtol = 1e-6 if solver == "lbfgs" else 1e-4 if slow else 1e-5
    assert ours.coef_.shape == ref.coef_.shape
    assert rel_error(ours.coef_, ref.coef_) < rtol
    assert np.abs(ours.intercept_ - ref.intercept_).max() < rtol * np.abs(ref.coef_).max()


def test_logistic_unpenalized(scaled_datasets, rel_error):
    X, y = scaled_datasets["breast_cancer"]
    X = X[:, :4]  # few features, so that the classes overlap and the optimum is finite
    ref = sk.LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(X, y)
    ours = nl.LogisticRegression(penalty=None, tol=1e-10, max_iter=10_000).fit(X, y)
    assert rel_error(ours.coef_, ref.coef_) < 1e-6


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_logistic_l1_matches_saga_with_the_same_zeros(scaled_datasets, rel_error):
    X, y = scaled_datasets["iris"]
    ref = sk.LogisticRegression(C=0.5, l1_ratio=1.0, solver="saga", tol=1e-10, max_iter=20_000)
    ref.fit(X, y)
    ours = nl.LogisticRegression("l1", C=0.5, solver="gd", tol=1e-10, max_iter=100_000).fit(X, y)
    assert rel_error(ours.coef_, ref.coef_) < 1e-5
    np.testing.assert_array_equal(ours.coef_ == 0, ref.coef_ == 0)
    assert (ours.coef_ == 0).sum() > 0


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_linear_svc(scaled_datasets, rel_error, name):
    X, y = scaled_datasets[name]
    kwargs = {"C": 0.01 if name == "digits" else 0.1, "tol": 1e-5, "max_iter": 100_000}
    ours = nl.LinearSVC(random_state=0, **kwargs).fit(X, y)
    ref = sk_svm.LinearSVC(loss="hinge", dual=True, random_state=0, **kwargs).fit(X, y)
    assert rel_error(ours.coef_, ref.coef_) < 1e-3
    assert np.abs(ours.intercept_ - ref.intercept_).max() < 1e-3 * np.abs(ref.coef_).max()


@pytest.mark.parametrize("solver", ["lbfgs", "gd"])
@pytest.mark.parametrize("alpha", [0.0, 0.5])
def test_poisson(scaled_datasets, rel_error, solver, alpha):
    X, y = scaled_datasets["diabetes"]  # disease progression: a positive target
    ref = sk.PoissonRegressor(alpha=alpha, tol=1e-10, max_iter=10_000).fit(X, y)
    ours = nl.PoissonRegressor(alpha=alpha, solver=solver, tol=1e-10, max_iter=100_000).fit(X, y)
    rtol = 1e-6 if solver == "lbfgs" else 1e-5
    assert rel_error(ours.coef_, ref.coef_) < rtol
    assert ours.intercept_ == pytest.approx(ref.intercept_, rel=rtol)


@pytest.mark.parametrize("estimator", ["LinearRegression", "Ridge"])
def test_gradient_descent_regression(scaled_datasets, rel_error, estimator):
    X, y = scaled_datasets["diabetes"]
    ref = getattr(sk, estimator)().fit(X, y)
    ours = getattr(nl, estimator)(solver="gd", tol=1e-8, max_iter=100_000).fit(X, y)
    assert rel_error(ours.coef_, ref.coef_) < 1e-5


def test_sgd_regression_reaches_the_noise_ball(scaled_datasets, rel_error):
    X, y = scaled_datasets["diabetes"]
    ref = sk.Ridge(100.0).fit(X, y)
    ours = nl.Ridge(100.0, solver="sgd", lr=0.01, batch_size=16, max_iter=500, tol=None)
    ours.fit(X, y)
    assert rel_error(ours.coef_, ref.coef_) < 5e-2


@pytest.mark.parametrize("name", ["breast_cancer", "iris"])
def test_sgd_logistic_reaches_the_noise_ball(scaled_datasets, rel_error, name):
    X, y = scaled_datasets[name]
    C = 10.0 / len(X)  # l2 = 1/(C·n) = 0.1: well conditioned
    ref = sk.LogisticRegression(C=C, tol=1e-10).fit(X, y)
    ours = nl.LogisticRegression(
        C=C, solver="sgd", lr=0.05, batch_size=16, max_iter=300, tol=None, random_state=0
    ).fit(X, y)
    assert rel_error(ours.coef_, ref.coef_) < 5e-2


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_perceptron_accuracy_is_on_par(scaled_datasets, name):
    """Any separating hyperplane minimizes the perceptron loss, so weights cannot be
    compared; the training accuracies can."""
    X, y = scaled_datasets[name]
    ours = nl.Perceptron(random_state=0).fit(X, y).score(X, y)
    ref = sk.Perceptron(random_state=0).fit(X, y).score(X, y)
    assert ours > ref - 0.1
    assert ours > 0.8
