"""The ``linear-models`` lecture demo: three least-squares routes agree, ridge = closed form,
lasso's exact zeros grow with α, the multiclass reductions classify iris."""

from __future__ import annotations

import numpy as np
import pytest

from numnet.lectures import linear_models

PIL = pytest.importorskip("PIL.Image")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    lines: list[str] = []
    folder = tmp_path_factory.mktemp("linear-models")
    out = linear_models.run(folder, fast=True, seed=0, echo=lines.append)
    out["lines"] = lines
    return out


def test_gd_and_sgd_find_the_exact_least_squares_coefficients(result):
    exact = result["coef"]["exact (lstsq)"]
    np.testing.assert_allclose(result["coef"]["GD"], exact, atol=1e-5)
    np.testing.assert_allclose(result["coef"]["SGD (B=16)"], exact, atol=0.05)
    assert result["intercept"]["GD"] == pytest.approx(
        result["intercept"]["exact (lstsq)"], abs=1e-5
    )
    # ... and the exact solution is near the weights the data were drawn with.
    np.testing.assert_allclose(exact, result["w_true"], atol=0.3)


def test_ridge_equals_the_closed_form_without_penalizing_the_intercept(result):
    assert result["ridge_closed_form_gap"] < 1e-8
    norms = np.linalg.norm(result["ridge_coefs"], axis=1)
    assert np.all(np.diff(norms) < 0)  # more penalty, smaller weights
    assert not np.any(result["ridge_coefs"] == 0.0)  # ridge shrinks, it does not select


def test_lasso_exact_zeros_grow_with_alpha(result):
    zeros = np.array(result["lasso_zeros"])
    assert np.all(np.diff(zeros) >= 0)
    assert zeros[-1] > zeros[0]
    assert zeros[-1] >= np.sum(result["w_true"] == 0)
    assert zeros.tolist() == (result["lasso_coefs"] == 0.0).sum(axis=1).tolist()


def test_classifiers_are_accurate(result):
    assert result["logistic"]["accuracy"] > 0.85
    assert set(result["iris"]) == {"one-vs-all", "all-vs-all", "softmax"}
    for name, accuracy in result["iris"].items():
        assert accuracy["train"] > 0.85, name
        assert accuracy["test"] > 0.85, name
        assert accuracy["test_2d"] > 0.85, name


def test_the_pictures_are_pngs(result):
    assert len(result["figures"]) == 3
    for path in result["figures"]:
        with PIL.open(path) as image:
            assert image.format == "PNG"
            assert image.size[0] > 300 and image.size[1] > 250


def test_same_seed_same_numbers(result, tmp_path):
    again = linear_models.run(tmp_path, fast=True, seed=0, echo=lambda *a: None)
    for name, coef in result["coef"].items():
        assert np.array_equal(again["coef"][name], coef), name
    assert np.array_equal(again["lasso_coefs"], result["lasso_coefs"])
    assert again["iris"] == result["iris"]
    other = linear_models._regression_data(np.random.default_rng(1), 100, 8, informative=4)
    assert not np.array_equal(other[2], result["w_true"])
