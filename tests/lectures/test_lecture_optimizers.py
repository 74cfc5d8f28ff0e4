"""The ``optimizers`` lecture demo: every method lowers the loss, a too-large lr diverges."""

from __future__ import annotations

import numpy as np
import pytest

from numnet.lectures import optimizers

PIL = pytest.importorskip("PIL.Image")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    lines: list[str] = []
    out = optimizers.run(
        tmp_path_factory.mktemp("optimizers"), fast=True, seed=0, echo=lines.append
    )
    out["lines"] = lines
    return out


def test_every_method_lowers_the_loss_on_the_quadratic(result):
    assert len(result["paths"]) == 6
    for name, numbers in result["paths"].items():
        assert numbers["final"] < numbers["initial"], name
        assert numbers["final"] >= result["loss_min"] - 1e-9, name  # nothing beats least squares


def test_lbfgs_lands_on_the_least_squares_minimum(result):
    lbfgs = result["paths"]["L-BFGS"]
    assert lbfgs["final"] == pytest.approx(result["loss_min"], rel=1e-6)
    assert lbfgs["steps"] <= 6


def test_every_method_lowers_the_loss_of_the_network(result):
    assert len(result["network"]) == 6
    for name, numbers in result["network"].items():
        assert np.isfinite(numbers["final"]), name
        assert numbers["final"] < numbers["initial"], name


def test_a_learning_rate_above_two_over_lambda_max_diverges(result):
    runs = result["divergence"]
    big = runs[3.0]
    assert big["stop_reason"] is not None and "inf" in big["stop_reason"]
    assert big["loss"][-1] > 1e6 * big["loss"][0]  # it grew before the guard stopped it
    for factor in (0.5, 0.98):
        assert runs[factor]["stop_reason"] is None
        assert runs[factor]["loss"][-1] < runs[factor]["loss"][0]
    assert any("NaN guard" in line for line in result["lines"])


def test_the_decay_curves_are_finite_excess_losses(result):
    for excess in result["decay"].values():
        assert len(excess) > 0
        assert all(np.isfinite(excess)) and min(excess) >= -1e-9


def test_the_pictures_are_pngs(result):
    assert len(result["figures"]) == 3
    for path in result["figures"]:
        with PIL.open(path) as image:
            assert image.format == "PNG"
            assert image.size[0] > 400 and image.size[1] > 250


def test_same_seed_same_numbers_other_seed_other_numbers(result, tmp_path):
    again = optimizers.run(tmp_path / "a", fast=True, seed=0, echo=lambda *a: None)
    assert again["paths"] == result["paths"]
    assert again["divergence"] == result["divergence"]
    for name, numbers in result["network"].items():
        assert again["network"][name]["loss"] == numbers["loss"], name
    # Another seed draws another problem and other paths (checked without drawing again).
    problem = optimizers._quadratic_problem(np.random.default_rng(1), 32)
    other = optimizers._paths(problem, fast=True, seed=1)
    assert other["GD (full batch)"][-1].tolist() != result["gd_end"]
