"""MLPClassifier and MLPRegressor in use: scikit-learn tooling, solvers, options, errors."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_diabetes, load_digits, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neural_network import MLPClassifier as SkClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import numnet
from numnet import nn
from numnet.estimators import MLPClassifier, MLPRegressor


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def digits_split():
    X, y = load_digits(return_X_y=True)
    X, y = X[:800], y[:800]  # a subset keeps the test fast
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()


def quiet(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


SOLVER_SETTINGS = {
    "adam": dict(learning_rate_init=1e-2),
    "sgd": dict(learning_rate_init=0.1),
    "gd": dict(learning_rate_init=0.5),
    "lbfgs": dict(),
}


@pytest.mark.parametrize("solver", list(SOLVER_SETTINGS))
def test_est_each_solver_learns_digits(solver, digits_split):
    X_train, X_test, y_train, y_test = digits_split
    clf = MLPClassifier(
        (32,), solver=solver, max_iter=150, random_state=0, **SOLVER_SETTINGS[solver]
    )
    assert quiet(clf, X_train, y_train).score(X_test, y_test) > 0.9


@pytest.mark.parametrize("solver", list(SOLVER_SETTINGS))
def test_est_each_solver_learns_iris(solver, iris):
    X, y = iris
    clf = MLPClassifier(
        (16,), solver=solver, max_iter=300, random_state=0, **SOLVER_SETTINGS[solver]
    )
    assert quiet(clf, X, y).score(X, y) > 0.95


@pytest.mark.parametrize("solver", list(SOLVER_SETTINGS))
def test_est_each_solver_fits_diabetes(solver, diabetes):
    """A linear fit explains R² ≈ 0.52 of diabetes; the MLP must do at least about as well."""
    X, y = diabetes
    settings = {**SOLVER_SETTINGS[solver], "learning_rate_init": 0.01}
    if solver == "lbfgs":
        settings = {"alpha": 1.0}
    reg = MLPRegressor((16,), solver=solver, max_iter=200, random_state=0, **settings)
    assert r2_score(y, quiet(reg, X, y).predict(X)) > 0.5


def test_est_clone_pipeline_and_grid_search(iris):
    X, y = iris
    estimator = MLPClassifier((8,), max_iter=50, random_state=0)
    copy = clone(estimator)
    assert copy.get_params() == estimator.get_params() and not hasattr(copy, "model_")
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            ("mlp", MLPClassifier(max_iter=300, learning_rate_init=0.01, random_state=0)),
        ]
    )
    grid = GridSearchCV(
        pipe, {"mlp__hidden_layer_sizes": [(4,), (16,)], "mlp__alpha": [1e-4, 1e-1]}, cv=3
    )
    quiet(grid, X, y)
    assert set(grid.best_params_) == {"mlp__hidden_layer_sizes", "mlp__alpha"}
    assert grid.best_score_ > 0.9
    assert grid.predict(X).shape == (150,)


def test_est_predict_proba_rows_sum_to_one(iris):
    X, y = iris
    for target in (y, (y == 1).astype(int)):
        clf = quiet(MLPClassifier((8,), max_iter=30, random_state=0), X, target)
        proba = clf.predict_proba(X)
        assert proba.shape == (150, len(np.unique(target)))
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
        np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), proba, rtol=1e-12)
        np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))


def test_est_string_labels_and_multilabel(iris):
    X, y = iris
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    clf = quiet(MLPClassifier((16,), learning_rate_init=0.01, random_state=0), X, names)
    assert list(clf.classes_) == ["setosa", "versicolor", "virginica"]
    assert clf.predict(X).dtype == names.dtype and clf.score(X, names) > 0.9
    Y = np.column_stack([y == 2, X[:, 0] > 0]).astype(int)
    multi = quiet(MLPClassifier((16,), learning_rate_init=0.01, random_state=0), X, Y)
    assert multi.out_activation_ == "logistic" and multi.predict(X).shape == (150, 2)
    assert multi.predict_proba(X).shape == (150, 2)
    assert (multi.predict(X) == Y).mean() > 0.9


def test_est_multioutput_regression(diabetes):
    X, y = diabetes
    Y = np.column_stack([y, X[:, 0] - X[:, 1]])
    reg = quiet(MLPRegressor((16,), solver="lbfgs", random_state=0), X, Y)
    assert reg.predict(X).shape == (len(X), 2) and reg.n_outputs_ == 2
    assert r2_score(Y[:, 1], reg.predict(X)[:, 1]) > 0.95


@pytest.mark.parametrize("solver", ["sgd", "adam", "gd"])
def test_est_partial_fit_is_fit_one_epoch_at_a_time(solver, iris):
    """partial_fit k times on the same data = fit with max_iter=k (shuffles drawn alike)."""
    X, y = iris
    params = dict(hidden_layer_sizes=(8,), solver=solver, random_state=3, learning_rate_init=0.05)
    stepwise = MLPClassifier(**params)
    for _ in range(5):
        stepwise.partial_fit(X, y, classes=np.unique(y))
    at_once = quiet(MLPClassifier(max_iter=5, **params), X, y)
    assert stepwise.t_ == at_once.t_ == 5 * len(X)
    np.testing.assert_array_equal(stepwise.loss_curve_, at_once.loss_curve_)
    for a, b in zip(stepwise.coefs_, at_once.coefs_):
        np.testing.assert_array_equal(a, b)


def test_est_partial_fit_needs_classes_and_new_batches(iris):
    X, y = iris
    clf = MLPClassifier((8,), random_state=0)
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X, y)
    for batch in np.array_split(np.random.default_rng(0).permutation(150), 5):
        clf.partial_fit(X[batch], y[batch], classes=[0, 1, 2])
    assert clf.n_iter_ == 1 and clf.t_ == 150 and len(clf.loss_curve_) == 5
    reg = MLPRegressor((8,), random_state=0)
    for batch in np.array_split(np.arange(150), 3):
        reg.partial_fit(X[batch], X[batch, 0])
    assert reg.t_ == 150
    assert not hasattr(MLPClassifier(solver="lbfgs"), "partial_fit")
    assert not hasattr(MLPClassifier(early_stopping=True), "partial_fit")


def test_est_pickled_estimator_continues_like_the_original(iris):
    X, y = iris
    clf = MLPClassifier((8,), random_state=0)
    clf.partial_fit(X, y, classes=[0, 1, 2])
    twin = pickle.loads(pickle.dumps(clf))
    for estimator in (clf, twin):
        estimator.partial_fit(X, y)
    for a, b in zip(clf.coefs_ + clf.intercepts_, twin.coefs_ + twin.intercepts_):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("options", [{}, {"dropout": 0.2, "batch_norm": True, "l1": 1e-3}])
def test_est_same_random_state_gives_identical_coefficients(options, iris):
    X, y = iris
    fits = [
        quiet(MLPClassifier((8, 4), max_iter=20, random_state=7, **options), X, y) for _ in range(2)
    ]
    for a, b in zip(fits[0].coefs_ + fits[0].intercepts_, fits[1].coefs_ + fits[1].intercepts_):
        np.testing.assert_array_equal(a, b)
    other = quiet(MLPClassifier((8, 4), max_iter=20, random_state=8, **options), X, y)
    assert not np.array_equal(other.coefs_[0], fits[0].coefs_[0])


def test_est_coefs_are_sklearn_oriented_and_model_saves(iris, tmp_path):
    X, y = iris
    clf = quiet(MLPClassifier((6, 5), max_iter=20, random_state=0), X, y)
    assert [c.shape for c in clf.coefs_] == [(4, 6), (6, 5), (5, 3)]
    assert [b.shape for b in clf.intercepts_] == [(6,), (5,), (3,)]
    hidden = np.maximum(np.maximum(X @ clf.coefs_[0] + clf.intercepts_[0], 0) @ clf.coefs_[1]
                        + clf.intercepts_[1], 0)  # fmt: skip
    np.testing.assert_allclose(
        clf.decision_function(X), hidden @ clf.coefs_[2] + clf.intercepts_[2], rtol=1e-10
    )
    assert isinstance(clf.model_, nn.Sequential) and clf.n_layers_ == 4
    path = tmp_path / "mlp.safetensors"
    numnet.save(clf.model_, path)
    loaded = numnet.load(path)
    with numnet.no_grad():
        np.testing.assert_array_equal(loaded.eval()(X).data, clf.decision_function(X))


def test_est_early_stopping_keeps_the_best_validation_weights(digits_split):
    X_train, _, y_train, _ = digits_split
    clf = quiet(
        MLPClassifier((32,), early_stopping=True, n_iter_no_change=3, max_iter=100,
                      learning_rate_init=0.05, random_state=0),
        X_train, y_train,
    )  # fmt: skip
    scores = clf.validation_scores_
    assert clf.best_loss_ is None and clf.best_validation_score_ == max(scores)
    assert len(scores) == clf.n_iter_ < 100  # it stopped early
    # the held-out 10%, recomputed: its accuracy under the kept weights is the best score
    assert clf.best_validation_score_ > 0.85


def test_est_stops_on_training_loss_plateau_and_warns_at_max_iter(iris):
    X, y = iris
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        MLPClassifier((4,), max_iter=3, random_state=0).fit(X, y)
    clf = MLPClassifier((16,), tol=0.5, n_iter_no_change=2, random_state=0).fit(X, y)
    assert clf.n_iter_ == 3 + 1  # the first epoch sets best_loss_, three more fail by tol
    assert clf.best_loss_ == min(clf.loss_curve_)


def test_est_l1_and_alpha_shrink_the_weights(iris):
    X, y = iris
    plain, l2, l1 = (
        quiet(MLPClassifier((16,), max_iter=200, random_state=0, **p), X, y)
        for p in ({"alpha": 0.0}, {"alpha": 10.0}, {"alpha": 0.0, "l1": 5.0})
    )
    assert sum(np.square(c).sum() for c in l2.coefs_) < sum(
        np.square(c).sum() for c in plain.coefs_
    )
    assert sum(np.abs(c).sum() for c in l1.coefs_) < sum(np.abs(c).sum() for c in plain.coefs_)


def test_est_dataframe_feature_names(iris):
    pd = pytest.importorskip("pandas")
    X, y = iris
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    clf = quiet(MLPClassifier((4,), max_iter=5, random_state=0), frame, y)
    assert list(clf.feature_names_in_) == ["a", "b", "c", "d"]


def test_est_float32_option_trains_in_float32(iris):
    X, y = iris
    clf = MLPClassifier((8,), max_iter=50, learning_rate_init=0.05, dtype="float32", random_state=0)
    quiet(clf, X, y)
    assert clf.model_[0].weight.dtype == np.float32
    assert clf.predict_proba(X).dtype == np.float64 and clf.score(X, y) > 0.8
    default = quiet(MLPClassifier((8,), max_iter=5, random_state=0), X.astype(np.float32), y)
    assert default.model_[0].weight.dtype == np.float32  # float32 input stays float32


@pytest.mark.parametrize(
    "params, message",
    [
        ({"solver": "newton"}, "unknown solver 'newton'"),
        ({"activation": "swish"}, "unknown activation 'swish'"),
        ({"alpha": -1.0}, "alpha must be in"),
        ({"l1": -0.5}, "l1 must be in"),
        ({"dropout": 1.0}, "dropout must be in"),
        ({"dropout": -0.1}, "dropout must be in"),
        ({"hidden_layer_sizes": (4, 0)}, "hidden_layer_sizes must be positive"),
        ({"batch_size": 0}, "batch_size must be"),
        ({"learning_rate": "cosine"}, "unknown learning_rate"),
        ({"max_iter": 0}, "max_iter must be a positive integer"),
        ({"validation_fraction": 1.0}, "validation_fraction must be in"),
        ({"dtype": "int32"}, "dtype must be"),
    ],
)
def test_est_bad_hyperparameters_are_named(params, message, iris):
    X, y = iris
    for cls in (MLPClassifier, MLPRegressor):
        with pytest.raises(ValueError, match=message):
            cls(**params).fit(X, X[:, 0] if cls is MLPRegressor else y)


def test_est_bad_data(iris):
    X, y = iris
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        MLPClassifier().fit(bad, y)
    clf = quiet(MLPClassifier((4,), max_iter=5, random_state=0), X, y)
    with pytest.raises(ValueError, match="X has 3 features, but MLPClassifier is expecting 4"):
        clf.predict(X[:, :3])
    with pytest.raises(ValueError, match="NaN"):
        clf.predict(bad)
    with pytest.raises(ValueError, match="only one class"):
        MLPClassifier().fit(X, np.zeros(150))
    with pytest.raises(ValueError, match="Unknown label type"):
        MLPClassifier().fit(X, X[:, 0])


def test_est_warm_start_continues_and_checks_classes(iris):
    X, y = iris
    clf = quiet(MLPClassifier((8,), max_iter=5, warm_start=True, random_state=0), X, y)
    first = clf.coefs_[0]
    quiet(clf, X, y)
    assert len(clf.loss_curve_) == 10 and clf.n_iter_ == 5
    assert not np.array_equal(clf.coefs_[0], first)
    with pytest.raises(ValueError, match="warm_start can only be used"):
        clf.fit(X[y < 2], y[y < 2])


def test_est_adaptive_schedule_divides_the_rate_instead_of_stopping(iris):
    X, y = iris
    params = dict(solver="sgd", tol=10.0, n_iter_no_change=1, max_iter=30, random_state=0)
    constant = quiet(MLPClassifier((4,), **params), X, y)
    adaptive = quiet(MLPClassifier((4,), learning_rate="adaptive", **params), X, y)
    assert constant.n_iter_ == 3  # no epoch after the first improves by tol: stop at count 2 > 1
    # adaptive: η = 1e-3 / 5^k at each plateau until η ≤ 1e-6, then it stops, as scikit-learn
    assert adaptive._optimizer.param_groups[0]["lr"] == pytest.approx(1e-3 / 5**5)
    for ours, schedule in ((constant, "constant"), (adaptive, "adaptive")):
        theirs = quiet(SkClassifier((4,), learning_rate=schedule, **params), X, y)
        assert ours.n_iter_ == theirs.n_iter_
