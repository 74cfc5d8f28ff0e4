"""From identical initial weights, numnet's estimators follow scikit-learn's step for step.

Both sides start from the same arrays (scikit-learn's ``coefs_``/``intercepts_``
copied in), run with ``shuffle=False`` in float64, and must produce the same
loss curve and coefficients to ~1e-10: this pins the loss, the L2 scaling
α/(2n)·Σ‖W‖² per batch, the multi-output reporting, the momentum update and
the learning-rate schedules to scikit-learn's. Activations are smooth (tanh,
logistic): at exactly 0 numnet's ReLU derivative is 1 (seed 002), scikit-learn's 0.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkClassifier
from sklearn.neural_network import MLPRegressor as SkRegressor
from sklearn.preprocessing import StandardScaler

from numnet.estimators import MLPClassifier, MLPRegressor

ITERATIONS = 6


def _data(task: str):
    if task.startswith("regression"):
        X, y = load_diabetes(return_X_y=True)
        X, y = StandardScaler().fit_transform(X[:120]), y[:120] / 100.0
        if task == "regression-2":
            y = np.column_stack([y, -0.5 * y + X[:, 0]])
        return X, y
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    if task == "binary":
        return X, (y == 2).astype(int)
    if task == "multilabel":
        return X, np.column_stack([y == 2, X[:, 0] > 0, y == 0]).astype(int)
    return X, y


def _run_both(task: str, sk_params=None, **params):
    """Fit scikit-learn, copy its initial weights into numnet, fit numnet; return both.

    ``sk_params`` override ``params`` on scikit-learn's side only.
    """
    X, y = _data(task)
    params = dict(hidden_layer_sizes=(5, 3), random_state=0, shuffle=False, tol=0.0, **params)
    sk_cls, nn_cls = (SkRegressor, MLPRegressor) if task.startswith("regression") else (
        SkClassifier, MLPClassifier)  # fmt: skip
    sk = sk_cls(max_iter=1, warm_start=True, **{**params, **(sk_params or {})})
    ours = nn_cls(max_iter=1, warm_start=True, dtype="float64", **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk.fit(X, y)  # builds the network: now overwrite both with one set of weights
        ours.fit(X, y)
        rng = np.random.default_rng(1)
        for i, layer in enumerate(ours._linears):
            W = rng.uniform(-0.7, 0.7, sk.coefs_[i].shape)
            b = rng.uniform(-0.7, 0.7, sk.intercepts_[i].shape)
            sk.coefs_[i][...], sk.intercepts_[i][...] = W, b
            layer.weight.data[...], layer.bias.data[...] = W.T, b
        sk.set_params(max_iter=ITERATIONS)
        ours.set_params(max_iter=ITERATIONS)
        sk.fit(X, y)
        ours.fit(X, y)
    return sk, ours


def _assert_same(sk, ours, rtol=1e-10):
    if hasattr(sk, "loss_curve_"):
        # the first entry is each side's own warm-up epoch, before the common weights
        assert len(ours.loss_curve_) == len(sk.loss_curve_) == ITERATIONS + 1
        np.testing.assert_allclose(ours.loss_curve_[1:], sk.loss_curve_[1:], rtol=rtol, atol=0)
    np.testing.assert_allclose(ours.loss_, sk.loss_, rtol=rtol)
    for mine, theirs in zip(ours.coefs_ + ours.intercepts_, sk.coefs_ + sk.intercepts_):
        np.testing.assert_allclose(mine, theirs, rtol=rtol, atol=rtol * np.abs(theirs).max())


@pytest.mark.parametrize(
    "task", ["multiclass", "binary", "multilabel", "regression", "regression-2"]
)
@pytest.mark.parametrize("activation", ["tanh", "logistic"])
def test_est_sgd_matches_sklearn(task, activation):
    sk, ours = _run_both(
        task, solver="sgd", activation=activation, momentum=0.0, batch_size=32, alpha=0.01,
        learning_rate_init=0.05,
    )  # fmt: skip
    _assert_same(sk, ours)


@pytest.mark.parametrize("nesterov", [True, False])
@pytest.mark.parametrize("schedule", ["constant", "invscaling"])
def test_est_sgd_momentum_and_schedule_match_sklearn(nesterov, schedule):
    sk, ours = _run_both(
        "multiclass", solver="sgd", activation="tanh", momentum=0.9, nesterovs_momentum=nesterov,
        learning_rate=schedule, power_t=0.25, batch_size=40, alpha=0.1, learning_rate_init=0.05,
    )  # fmt: skip
    _assert_same(sk, ours)


@pytest.mark.parametrize("task", ["multiclass", "regression-2"])
def test_est_gd_is_sklearn_sgd_on_the_full_batch(task):
    """numnet's gd (gradient summed over chunks of 32 rows) = scikit-learn's sgd with one batch."""
    X, _ = _data(task)
    sk, ours = _run_both(
        task, sk_params=dict(solver="sgd", batch_size=len(X)), solver="gd", batch_size=32,
        activation="tanh", momentum=0.5, alpha=0.05, learning_rate_init=0.1,
    )  # fmt: skip
    _assert_same(sk, ours)


def test_est_lbfgs_matches_sklearn():
    sk, ours = _run_both("multiclass", solver="lbfgs", activation="tanh", alpha=0.01)
    assert ours.n_iter_ == sk.n_iter_
    _assert_same(sk, ours, rtol=1e-8)


def test_est_adam_matches_sklearn_up_to_epsilon_placement():
    """Adam adds ε to √v̂ (PyTorch's form), scikit-learn ε√(1 − β₂ᵗ) in effect: a tiny ε
    makes the two rules equal, so everything else must agree."""
    sk, ours = _run_both(
        "multiclass", solver="adam", activation="tanh", batch_size=32, alpha=0.01,
        learning_rate_init=0.01, epsilon=1e-16,
    )  # fmt: skip
    _assert_same(sk, ours, rtol=1e-9)
