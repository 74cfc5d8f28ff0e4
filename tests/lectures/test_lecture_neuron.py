"""numnet lecture neuron: linear, logistic and Poisson regression as one neuron."""

from __future__ import annotations

import numpy as np
import pytest

from numnet.lectures import neuron

Image = pytest.importorskip("PIL.Image")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    lines: list[str] = []
    numbers = neuron.run(tmp_path_factory.mktemp("neuron"), fast=True, seed=0, echo=lines.append)
    return numbers, lines


@pytest.mark.parametrize("kind", ["linear", "logistic", "poisson"])
def test_neuron_matches_estimator(result, kind):
    numbers = result[0][kind]
    (w, b), (we, be) = numbers["neuron"], numbers["estimator"]
    np.testing.assert_allclose(w, we, atol=1e-5)
    assert b == pytest.approx(be, abs=1e-5)
    assert numbers["max_abs_diff"] < 1e-5


@pytest.mark.parametrize("kind", ["linear", "logistic", "poisson"])
def test_weights_near_the_truth(result, kind):
    w, b = result[0][kind]["neuron"]
    true_w, true_b = neuron.TRUTH[kind]
    np.testing.assert_allclose(w, true_w, atol=0.5)
    assert b == pytest.approx(true_b, abs=0.5)


def test_logistic_neuron_matches_sklearn(result):
    linear_model = pytest.importorskip("sklearn.linear_model")
    rng = np.random.default_rng(0)
    # regenerate the demo's data: the linear model's draws come first
    X_linear, y_linear = neuron._data("linear", 150, rng)
    neuron._train_neuron("linear", X_linear, y_linear, 1, rng)  # draws the initial weights
    X, y = neuron._data("logistic", 150, rng)
    reference = linear_model.LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(X, y)
    w, b = result[0]["logistic"]["neuron"]
    np.testing.assert_allclose(w, reference.coef_[0], atol=1e-4)
    assert b == pytest.approx(reference.intercept_[0], abs=1e-4)


def test_table_and_png(result):
    numbers, lines = result
    assert sum("max |neuron − estimator|" in line for line in lines) == 3
    (path,) = numbers["figures"]
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size[0] > 600


def test_same_seed_same_numbers(tmp_path):
    a = neuron.run(tmp_path / "a", fast=True, seed=4, echo=lambda *x: None)
    b = neuron.run(tmp_path / "b", fast=True, seed=4, echo=lambda *x: None)
    np.testing.assert_array_equal(a["poisson"]["neuron"][0], b["poisson"]["neuron"][0])
    assert a["logistic"]["neuron"][1] == b["logistic"]["neuron"][1]
