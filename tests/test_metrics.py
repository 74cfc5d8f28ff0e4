"""numnet.metrics against scikit-learn, and streaming metrics against the one-shot functions."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import numnet
from numnet import metrics

skm = pytest.importorskip("sklearn.metrics")


def _sk_log_loss(y_true, proba, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn 1.9 renames y_pred to y_proba
        try:
            return skm.log_loss(y_true, y_proba=proba, **kwargs)
        except TypeError:
            return skm.log_loss(y_true, proba, **kwargs)


REGRESSION = ["mean_absolute_error", "mean_squared_error", "root_mean_squared_error",
              "mean_absolute_percentage_error", "r2_score"]  # fmt: skip


@pytest.mark.parametrize("name", REGRESSION)
@pytest.mark.parametrize("outputs", [None, 1, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_metrics_regression_match_sklearn(name, outputs, weighted):
    rng = np.random.default_rng(0)
    shape = (40,) if outputs is None else (40, outputs)
    y_true = rng.standard_normal(shape) * 3
    y_pred = y_true + rng.standard_normal(shape)
    weight = rng.uniform(0.1, 2, 40) if weighted else None
    ours = getattr(metrics, name)(numnet.Tensor(y_true), y_pred.tolist(), sample_weight=weight)
    theirs = getattr(skm, name)(y_true, y_pred, sample_weight=weight)
    assert isinstance(ours, float)
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-12)
    if outputs == 3:
        for multioutput in ["raw_values", [0.2, 0.3, 0.5]]:
            np.testing.assert_allclose(
                getattr(metrics, name)(y_true, y_pred, multioutput=multioutput),
                getattr(skm, name)(y_true, y_pred, multioutput=multioutput),
                rtol=1e-12,
            )


def test_metrics_r2_constant_target_and_variance_weighted():
    assert metrics.r2_score([2.0, 2.0], [2.0, 2.0]) == skm.r2_score([2.0, 2.0], [2.0, 2.0]) == 1
    assert metrics.r2_score([2.0, 2.0], [2.0, 3.0]) == skm.r2_score([2.0, 2.0], [2.0, 3.0]) == 0
    rng = np.random.default_rng(1)
    y, p = rng.standard_normal((30, 2)) * [1, 5], rng.standard_normal((30, 2))
    assert metrics.r2_score(y, p, multioutput="variance_weighted") == pytest.approx(
        skm.r2_score(y, p, multioutput="variance_weighted"), rel=1e-12
    )


def test_metrics_mape_zero_target_matches_sklearn():
    y, p = [0.0, 1.0, -2.0], [0.1, 1.5, -2.0]
    assert metrics.mean_absolute_percentage_error(y, p) == pytest.approx(
        skm.mean_absolute_percentage_error(y, p), rel=1e-12
    )


def test_metrics_accuracy_matches_sklearn():
    rng = np.random.default_rng(2)
    y, p = rng.integers(0, 4, 57), rng.integers(0, 4, 57)
    w = rng.uniform(0, 1, 57)
    assert metrics.accuracy_score(y, numnet.Tensor(p)) == skm.accuracy_score(y, p)
    assert metrics.accuracy_score(y, p, normalize=False) == skm.accuracy_score(
        y, p, normalize=False
    )
    assert metrics.accuracy_score(y, p, sample_weight=w) == pytest.approx(
        skm.accuracy_score(y, p, sample_weight=w), rel=1e-12
    )
    labels = np.array(["a", "b", "c"])
    assert metrics.accuracy_score(labels[y % 3], labels[p % 3]) == skm.accuracy_score(
        labels[y % 3], labels[p % 3]
    )


@pytest.mark.parametrize("k", [2, 4])
@pytest.mark.parametrize("weighted", [False, True])
def test_metrics_log_loss_matches_sklearn(k, weighted):
    rng = np.random.default_rng(k)
    logits = rng.standard_normal((50, k)) * 4
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    proba[0] = np.eye(k)[1]  # a certain (and wrong, for y = 0) prediction tests the clipping
    y = rng.integers(0, k, 50)
    y[0] = 0
    w = rng.uniform(0.1, 1, 50) if weighted else None
    for normalize in (True, False):
        ours = metrics.log_loss(y, proba, normalize=normalize, sample_weight=w)
        theirs = _sk_log_loss(y, proba, normalize=normalize, sample_weight=w)
        assert ours == pytest.approx(theirs, rel=1e-12)
    if k == 2:
        assert metrics.log_loss(y, proba[:, 1]) == pytest.approx(
            _sk_log_loss(y, proba[:, 1]), rel=1e-12
        )
    names = np.array(["ant", "bee", "cat", "dog"])[:k]
    assert metrics.log_loss(names[y], proba) == pytest.approx(
        _sk_log_loss(names[y], proba), rel=1e-12
    )


def test_metrics_log_loss_errors():
    with pytest.raises(ValueError, match="single label"):
        metrics.log_loss([1, 1], [[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match=r"3 columns but there are 2 classes"):
        metrics.log_loss([0, 1], np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError, match="probabilities"):
        metrics.log_loss([0, 1], [[1.5, -0.5], [0.5, 0.5]])


@pytest.mark.parametrize("normalize", [None, "true", "pred", "all"])
def test_metrics_confusion_matrix_matches_sklearn(normalize):
    rng = np.random.default_rng(3)
    y, p = rng.integers(0, 4, 80), rng.integers(0, 4, 80)
    p[p == 3] = 2  # an empty column
    np.testing.assert_allclose(
        metrics.confusion_matrix(y, p, normalize=normalize),
        skm.confusion_matrix(y, p, normalize=normalize),
        rtol=1e-12,
    )
    w = rng.uniform(0, 2, 80)
    np.testing.assert_allclose(
        metrics.confusion_matrix(y, p, sample_weight=w, labels=[3, 1, 0], normalize=normalize),
        skm.confusion_matrix(y, p, sample_weight=w, labels=[3, 1, 0], normalize=normalize),
        rtol=1e-12,
    )
    counts = metrics.confusion_matrix(y, p)
    assert counts.dtype == skm.confusion_matrix(y, p).dtype


def _random_splits(n, rng):
    cuts = np.sort(rng.choice(np.arange(1, n), size=rng.integers(1, 8), replace=False))
    return np.split(np.arange(n), cuts)


STREAMING = [
    ("mae", "mean_absolute_error"),
    ("mse", "mean_squared_error"),
    ("rmse", "root_mean_squared_error"),
    ("mape", "mean_absolute_percentage_error"),
    ("r2", "r2_score"),
]


@pytest.mark.parametrize("name, function", STREAMING)
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("outputs", [None, 1, 2])
def test_metrics_streaming_regression_equals_one_shot(name, function, seed, outputs):
    rng = np.random.default_rng(seed)
    shape = (97,) if outputs is None else (97, outputs)
    y_true = rng.standard_normal(shape) * 2 + 1e3 * (seed == 3)  # large mean: R² cancellation
    y_pred = y_true + rng.standard_normal(shape)
    metric = metrics.get_metric(name)
    assert metric.name == name
    for part in _random_splits(97, rng):
        # a model outputs (n, 1) where the target is (n,): the shapes must be aligned
        pred = y_pred[part][:, None] if outputs is None else y_pred[part]
        metric.update(y_true[part], numnet.Tensor(pred))
    expected = getattr(skm, function)(y_true, y_pred)
    assert metric.result() == pytest.approx(expected, rel=1e-12, abs=1e-12)
    metric.reset()
    assert np.isnan(metric.result())


@pytest.mark.parametrize("seed", range(4))
def test_metrics_streaming_accuracy_and_log_loss(seed):
    rng = np.random.default_rng(seed)
    k = 3
    logits = rng.standard_normal((80, k)) * 3
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y = rng.integers(0, k, 80)
    acc, acc_logits = metrics.Accuracy(), metrics.get_metric("acc", from_logits=True)
    loss, loss_logits = metrics.get_metric("log_loss"), metrics.LogLoss(from_logits=True)
    for part in _random_splits(80, rng):
        acc.update(y[part], proba[part])
        acc_logits.update(np.eye(k)[y[part]], logits[part])  # one-hot targets too
        loss.update(y[part], proba[part])
        loss_logits.update(y[part], logits[part])
    assert acc.result() == acc_logits.result() == skm.accuracy_score(y, proba.argmax(axis=1))
    expected = _sk_log_loss(y, proba, labels=list(range(k)))
    assert loss.result() == pytest.approx(expected, rel=1e-12)
    assert loss_logits.result() == pytest.approx(expected, rel=1e-10)


def test_metrics_streaming_binary_probabilities_and_logits():
    rng = np.random.default_rng(5)
    z = rng.standard_normal(60) * 2
    p = 1 / (1 + np.exp(-z))
    y = rng.integers(0, 2, 60)
    for shape in [(60,), (60, 1)]:
        acc, acc_z = metrics.Accuracy(), metrics.Accuracy(from_logits=True)
        ll, ll_z = metrics.LogLoss(), metrics.LogLoss(from_logits=True)
        for part in np.array_split(np.arange(60), 4):
            acc.update(y[part], p[part].reshape(-1, *shape[1:]))
            acc_z.update(y[part], z[part].reshape(-1, *shape[1:]))
            ll.update(y[part], p[part].reshape(-1, *shape[1:]))
            ll_z.update(y[part], z[part].reshape(-1, *shape[1:]))
        assert acc.result() == acc_z.result() == skm.accuracy_score(y, (p > 0.5).astype(int))
        assert ll.result() == pytest.approx(_sk_log_loss(y, p), rel=1e-12)
        assert ll_z.result() == pytest.approx(_sk_log_loss(y, p), rel=1e-10)


def test_metrics_streaming_log_loss_clips_like_sklearn():
    metric = metrics.LogLoss()
    proba = np.array([[1.0, 0.0], [0.0, 1.0]])
    metric.update([1, 1], proba)
    assert metric.result() == pytest.approx(_sk_log_loss([1, 1], proba, labels=[0, 1]), rel=1e-12)
    extreme = metrics.LogLoss(from_logits=True)
    extreme.update([0], [[0.0, 1e4]])
    assert np.isfinite(extreme.result()) and extreme.result() == pytest.approx(-np.log(2**-52))


def test_metrics_streaming_accuracy_on_integer_labels():
    metric = metrics.Accuracy()
    metric.update(np.array([0, 2, 1]), np.array([0, 2, 2]))
    assert metric.result() == pytest.approx(2 / 3)


def test_metrics_get_metric_fresh_instances_aliases_and_errors():
    for alias, name in [("ACC", "accuracy"), ("mean_squared_error", "mse"), ("r2_score", "r2"),
                        ("root_mean_squared_error", "rmse"), ("logloss", "log_loss")]:  # fmt: skip
        assert metrics.get_metric(alias).name == name
    used = metrics.MSE()
    used.update([1.0], [3.0])
    fresh = metrics.get_metric(used)
    assert fresh is not used and np.isnan(fresh.result()) and used.result() == 4.0
    assert metrics.get_metric(metrics.LogLoss, from_logits=True).from_logits
    assert metrics.get_metric("mae").greater_is_better is False
    assert metrics.get_metric("r2").greater_is_better is True
    custom = metrics.get_metric(lambda t, p: float(np.median(np.abs(t - p))))
    custom.update(np.array([1.0, 2.0]), np.array([1.0, 5.0]))
    custom.update(np.array([0.0]), np.array([1.0]))
    assert custom.result() == 1.0
    with pytest.raises(
        ValueError, match=r"'acuracy' \(did you mean 'accuracy'\?\); valid names: accuracy, acc"
    ):
        metrics.get_metric("acuracy")
    with pytest.raises(TypeError):
        metrics.get_metric(3)


def test_metrics_streaming_shape_errors():
    metric = metrics.MSE()
    with pytest.raises(ValueError, match="same shape"):
        metric.update(np.zeros(4), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="class indices 0..1"):
        metrics.LogLoss().update([0, 2], [[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match="from_logits=True"):
        metrics.LogLoss().update([0, 1], [[2.0, -1.0], [0.5, 0.5]])
