"""Every estimator, with each of its solvers, passes scikit-learn's estimator checks."""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from numnet.linear_model import (
    ElasticNet,
    Lasso,
    LinearRegression,
    LinearSVC,
    LogisticRegression,
    OneVsOneClassifier,
    OneVsRestClassifier,
    Perceptron,
    PoissonRegressor,
    Ridge,
)

ESTIMATORS = [
    LinearRegression(),
    LinearRegression(solver="gd"),
    LinearRegression(solver="sgd"),
    Ridge(),
    Ridge(solver="svd"),
    Ridge(solver="gd"),
    Ridge(solver="sgd"),
    Lasso(),
    ElasticNet(),
    LogisticRegression(),
    LogisticRegression(solver="gd"),
    LogisticRegression(solver="sgd"),
    LogisticRegression(penalty="l1", solver="gd"),
    LogisticRegression(penalty=None, solver="sgd"),
    Perceptron(),
    LinearSVC(),
    PoissonRegressor(),
    PoissonRegressor(solver="gd"),
    # The meta-estimators have no random_state of their own, so the checks cannot seed
    # the wrapped estimator: give them deterministic ones.
    OneVsRestClassifier(LogisticRegression()),
    OneVsRestClassifier(LinearSVC(random_state=0)),
    OneVsOneClassifier(LogisticRegression()),
    OneVsOneClassifier(Perceptron(random_state=0)),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
