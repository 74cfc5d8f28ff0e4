"""Both estimators, with each solver and option, pass scikit-learn's estimator checks in full.

Nothing is skipped or marked as an expected failure.
"""

from __future__ import annotations

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks
from threadpoolctl import threadpool_limits

from numnet.estimators import MLPClassifier, MLPRegressor

ESTIMATORS = [
    MLPClassifier(),
    MLPClassifier(solver="sgd"),
    MLPClassifier(solver="gd"),
    MLPClassifier(solver="lbfgs"),
    MLPClassifier(dropout=0.1, batch_norm=True, l1=1e-4, early_stopping=True),
    MLPRegressor(),
    MLPRegressor(solver="sgd"),
    MLPRegressor(solver="lbfgs"),
    MLPRegressor(dtype="float32", activation="tanh"),
]


@pytest.fixture(autouse=True)
def one_blas_thread():
    """The checks' data are tiny: there, handing BLAS calls (SciPy's L-BFGS-B makes
    thousands of them) to a second thread costs up to 10x on a busy machine."""
    with threadpool_limits(1):
        yield


@parametrize_with_checks(ESTIMATORS)
def test_est_sklearn_compatible(estimator, check):
    check(estimator)
