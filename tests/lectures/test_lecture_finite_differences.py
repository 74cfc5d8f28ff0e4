"""numnet lecture finite-differences: truncation vs round-off, and cost in forward passes."""

from __future__ import annotations

import numpy as np
import pytest

from numnet.lectures import finite_differences

Image = pytest.importorskip("PIL.Image")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    lines: list[str] = []
    out = tmp_path_factory.mktemp("fd")
    return finite_differences.run(out, fast=True, seed=0, echo=lines.append), lines


def test_truncation_slopes(result):
    slopes = result[0]["slopes"]
    assert slopes["forward"] == pytest.approx(1.0, abs=0.15)
    assert slopes["central"] == pytest.approx(2.0, abs=0.2)


def test_round_off_rises_at_small_steps(result):
    numbers = result[0]
    steps, errors = numbers["steps"], numbers["errors"]
    for key in ("forward_float64", "central_float64"):
        best = np.argmin(errors[key])
        assert 1e-11 < steps[best] < 1e-3  # an interior optimum: neither end wins
        assert errors[key][0] > 100 * errors[key][best]  # Δ = 1e-14: round-off dominates
    # float32 has a far worse best error than float64
    assert errors["central_float32"].min() > 100 * errors["central_float64"].min()
    # central differences beat forward differences at their best step
    assert errors["central_float64"].min() < errors["forward_float64"].min()


def test_forward_pass_counts(result):
    numbers = result[0]
    P = numbers["parameters"]
    np.testing.assert_array_equal(numbers["forward_passes"], P + 1)
    np.testing.assert_array_equal(numbers["central_passes"], 2 * P)
    assert np.all(np.diff(P) > 0)
    assert np.all(numbers["central_vs_backprop_error"] < 1e-6)  # FD agrees with backprop


def test_png(result):
    (path,) = result[0]["figures"]
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size[0] > 800


def test_same_seed_same_errors(tmp_path):
    a = finite_differences.run(tmp_path / "a", fast=True, seed=2, echo=lambda *x: None)
    b = finite_differences.run(tmp_path / "b", fast=True, seed=2, echo=lambda *x: None)
    for key in a["errors"]:
        np.testing.assert_array_equal(a["errors"][key], b["errors"][key])
    assert a["exact"] == b["exact"]
