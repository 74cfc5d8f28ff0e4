"""What the estimators promise beyond matching scikit-learn: reproducibility,
streaming, exact zeros, the perceptron rule, the reductions, the α scalings."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import multiclass as sk_multiclass
from sklearn import svm as sk_svm
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

import numnet.linear_model as nl

SEEDED = [
    lambda seed: nl.LinearRegression(solver="sgd", random_state=seed, max_iter=20),
    lambda seed: nl.Ridge(solver="sgd", random_state=seed, max_iter=20),
    lambda seed: nl.LogisticRegression(solver="sgd", random_state=seed, max_iter=20),
    lambda seed: nl.Perceptron(random_state=seed, max_iter=20),
    lambda seed: nl.LinearSVC(random_state=seed),
    lambda seed: nl.Lasso(alpha=0.01, selection="random", random_state=seed),
]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("make", SEEDED)
def test_same_seed_same_bits(make, scaled_datasets):
    X, y = scaled_datasets["breast_cancer"]
    first, second = make(7).fit(X, y), make(7).fit(X, y)
    np.testing.assert_array_equal(first.coef_, second.coef_)
    np.testing.assert_array_equal(first.intercept_, second.intercept_)
    assert not np.array_equal(make(8).fit(X, y).coef_, first.coef_)


def test_streaming_partial_fit_from_disk_equals_fit(tmp_path, scaled_datasets):
    """Chunks of an on-disk .npy read through a memory map, fed to partial_fit pass after
    pass, make exactly the updates of fit (chunk edges on batch edges, no shuffling)."""
    X, y = scaled_datasets["diabetes"]
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", y)
    X_disk, y_disk = np.load(tmp_path / "X.npy", mmap_mode="r"), np.load(tmp_path / "y.npy")
    params = {"solver": "sgd", "lr": 0.01, "batch_size": 16, "shuffle": False}

    stream = nl.LinearRegression(**params)
    for _ in range(3):
        for start in range(0, len(X_disk), 64):
            stream.partial_fit(X_disk[start : start + 64], y_disk[start : start + 64])
    full = nl.LinearRegression(**params, max_iter=3, tol=None).fit(X, y)
    np.testing.assert_array_equal(stream.coef_, full.coef_)
    assert stream.intercept_ == full.intercept_
    assert stream.n_samples_seen_ == 3 * len(X)


def test_partial_fit_classifier_streams_towards_the_optimum(scaled_datasets):
    X, y = scaled_datasets["iris"]
    model = nl.LogisticRegression(solver="sgd", batch_size=8, random_state=0)
    for _ in range(50):
        for start in range(0, len(X), 30):
            model.partial_fit(X[start : start + 30], y[start : start + 30], classes=[0, 1, 2])
    assert model.coef_.shape == (3, 4)
    assert model.score(X, y) > 0.9


def test_lasso_exact_zeros_grow_with_alpha(raw_datasets):
    X, y = raw_datasets["diabetes"]
    zeros = [int((nl.Lasso(alpha).fit(X, y).coef_ == 0.0).sum()) for alpha in (0.01, 0.3, 3.0)]
    assert zeros[0] < zeros[1] < zeros[2]
    model = nl.Lasso(alpha=100.0).fit(X, y)  # α ≥ max|Xcᵀyc|/n: everything is zeroed
    assert np.all(model.coef_ == 0.0)
    assert model.intercept_ == pytest.approx(y.mean())


def test_l1_logistic_zeros_from_both_proximal_solvers(scaled_datasets):
    X, y = scaled_datasets["breast_cancer"]
    for solver in ("gd", "sgd"):
        model = nl.LogisticRegression("l1", C=0.05, solver=solver, max_iter=500, random_state=0)
        model.fit(X, y)
        assert 0 < (model.coef_ == 0.0).sum() < X.shape[1]


def test_alpha_scalings_agree_across_estimators(scaled_datasets):
    """ElasticNet(α, ρ=0) minimizes (1/(2n))‖r‖² + (α/2)‖w‖², which is Ridge(α·n)'s
    ‖r‖² + αn‖w‖² divided by 2n: the docstrings' scaling claims, checked."""
    X, y = scaled_datasets["diabetes"]
    alpha = 0.01
    enet = nl.ElasticNet(alpha, l1_ratio=0.0, tol=1e-12, max_iter=100_000).fit(X, y)
    ridge = nl.Ridge(alpha * len(X)).fit(X, y)
    np.testing.assert_allclose(enet.coef_, ridge.coef_, rtol=1e-8)
    ridge_gd = nl.Ridge(alpha * len(X), solver="gd", tol=1e-10, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ridge_gd.coef_, ridge.coef_, rtol=1e-6)


def test_perceptron_is_rosenblatts_rule(rng):
    X = rng.normal(size=(30, 4))
    y = np.where(X @ np.array([1.0, -2.0, 0.5, 1.0]) + 0.3 > 0, 1, -1)
    w, b = np.zeros(4), 0.0
    for _ in range(5):
        for xi, yi in zip(X, y):
            if yi * (xi @ w + b) <= 0:  # a mistake (or a tie): move towards yᵢxᵢ
                w, b = w + yi * xi, b + yi
    model = nl.Perceptron(shuffle=False, max_iter=5, tol=None).fit(X, y)
    np.testing.assert_allclose(model.coef_[0], w, rtol=1e-12, atol=1e-12)
    assert model.intercept_[0] == pytest.approx(b)


def test_perceptron_separates_separable_data(rng):
    X = rng.normal(size=(200, 3))
    y = (X @ np.array([1.0, 1.0, -1.0]) > 0).astype(int)
    model = nl.Perceptron(random_state=0, tol=None, max_iter=100).fit(X, y)
    assert model.score(X, y) == 1.0


def test_logistic_probabilities(scaled_datasets):
    assert nl.SoftmaxRegression is nl.LogisticRegression
    for name, n_columns in [("breast_cancer", 1), ("iris", 3)]:
        X, y = scaled_datasets[name]
        model = nl.LogisticRegression().fit(X, y)
        proba = model.predict_proba(X)
        assert model.coef_.shape == (n_columns, X.shape[1])
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
        np.testing.assert_allclose(np.log(proba), model.predict_log_proba(X), atol=1e-12)
        np.testing.assert_array_equal(model.classes_[proba.argmax(axis=1)], model.predict(X))


def test_multi_output_regression_is_per_column(raw_datasets):
    X, y = raw_datasets["diabetes"]
    Y = np.column_stack([y, -2 * y + 1])
    for make in (nl.LinearRegression, lambda: nl.Lasso(0.1, tol=1e-10, max_iter=10_000)):
        both = make().fit(X, Y)
        for k in range(2):
            alone = make().fit(X, Y[:, k])
            np.testing.assert_allclose(both.coef_[k], alone.coef_, rtol=1e-9, atol=1e-12)
            assert both.intercept_[k] == pytest.approx(alone.intercept_)


def test_without_intercept(raw_datasets):
    X, y = raw_datasets["diabetes"]
    for model in (nl.LinearRegression(fit_intercept=False), nl.Ridge(fit_intercept=False)):
        model.fit(X, y)
        assert model.intercept_ == 0.0
    w = np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose(nl.LinearRegression(fit_intercept=False).fit(X, y).coef_, w)


def test_reductions_wrap_sklearn_classifiers_like_sklearn(scaled_datasets):
    X, y = scaled_datasets["iris"]
    base = sk_svm.LinearSVC(random_state=0)
    ovr = nl.OneVsRestClassifier(base).fit(X, y)
    sk_ovr = sk_multiclass.OneVsRestClassifier(base).fit(X, y)
    np.testing.assert_allclose(ovr.decision_function(X), sk_ovr.decision_function(X))
    base = SkLogisticRegression()
    ovo = nl.OneVsOneClassifier(base).fit(X, y)
    sk_ovo = sk_multiclass.OneVsOneClassifier(base).fit(X, y)
    np.testing.assert_allclose(ovo.decision_function(X), sk_ovo.decision_function(X))
    np.testing.assert_array_equal(ovo.predict(X), sk_ovo.predict(X))
    assert len(ovo.estimators_) == 3


def test_reductions_wrap_numnet_classifiers(scaled_datasets):
    X, y = scaled_datasets["digits"]
    ovr = nl.OneVsRestClassifier(nl.LogisticRegression(C=0.1)).fit(X, y)
    ovo = nl.OneVsOneClassifier(nl.LinearSVC(C=0.1, random_state=0)).fit(X, y)
    assert len(ovr.estimators_) == 10 and len(ovo.estimators_) == 45
    assert ovr.score(X, y) > 0.95 and ovo.score(X, y) > 0.95
    np.testing.assert_allclose(ovr.predict_proba(X).sum(axis=1), 1.0)


def test_linear_svc_minimizes_its_stated_objective(scaled_datasets):
    """The fitted (w, b) minimizes the docstring's objective ½‖w‖² + ½b² + C Σ hinge
    (intercept_scaling = 1): no nearby point does better."""
    X, y = scaled_datasets["breast_cancer"]
    C = 0.1
    model = nl.LinearSVC(C=C, tol=1e-6, max_iter=10_000, random_state=0).fit(X, y)
    w, b = model.coef_[0], model.intercept_[0]
    signs = np.where(y == 1, 1.0, -1.0)

    def objective(w, b):
        return 0.5 * w @ w + 0.5 * b * b + C * np.maximum(0, 1 - signs * (X @ w + b)).sum()

    best = objective(w, b)
    rng = np.random.default_rng(0)
    for _ in range(20):
        dw, db = 1e-3 * rng.normal(size=w.shape), 1e-3 * rng.normal()
        assert objective(w + dw, b + db) >= best - 1e-9


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_auto_step_is_safe_on_unscaled_features(raw_datasets):
    """lr="auto" = 1/(κ(maxᵢ‖xᵢ‖² + 1) + l2): no divergence on the raw breast-cancer
    features, whose scales run from 1e-3 to 4e3."""
    X, y = raw_datasets["breast_cancer"]
    for model in (
        nl.LinearRegression(solver="sgd", max_iter=5, random_state=0),
        nl.Ridge(solver="sgd", max_iter=5, random_state=0),
        nl.LogisticRegression(solver="sgd", max_iter=5, random_state=0),
    ):
        model.fit(X, y)
        assert np.isfinite(model.coef_).all()
        assert model.lr_ * (np.einsum("ij,ij->i", X, X).max() + 1) <= 4.0 + 1e-12


def test_partial_fit_counts_samples_for_the_penalty(scaled_datasets):
    X, y = scaled_datasets["diabetes"]
    model = nl.Ridge(alpha=10.0, solver="sgd", random_state=0)
    model.partial_fit(X[:100], y[:100]).partial_fit(X[100:], y[100:])
    assert model.n_samples_seen_ == len(X)
    assert model.n_iter_ == 2
    assert model._penalties(model.n_samples_seen_) == (10.0 / len(X), 0.0)
