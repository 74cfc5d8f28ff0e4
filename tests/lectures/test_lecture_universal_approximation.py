"""numnet lecture universal-approximation: seed 002's step network, staircases, Cybenko."""

from __future__ import annotations

import numpy as np
import pytest

from numnet.data import function_1d, seed002_function
from numnet.lectures import universal_approximation as ua

Image = pytest.importorskip("PIL.Image")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    lines: list[str] = []
    out = tmp_path_factory.mktemp("ua")
    return ua.run(out, fast=True, seed=0, echo=lines.append), lines


def test_lecture_network_is_the_lectures(result):
    numbers, lines = result
    assert numbers["lecture_thresholds"] == [0.35, 0.7, 0.7, 0.0, 0.35]
    assert numbers["lecture_weights"] == [0.8, -0.8, 1.5, 0.4, -0.4]
    # levels on [0, .35), [.35, .7), [.7, 1]: 0.4; 0.4 + 0.8 − 0.4; 0.8 − 0.8 + 1.5 + 0.4 − 0.4
    np.testing.assert_allclose(numbers["lecture_levels"], [0.4, 0.8, 1.5], atol=1e-12)
    # the worst point is just past 0.7, where f ≈ 0.12 and the net outputs 1.5
    assert 1.35 < numbers["lecture_max_error"] < 1.40
    assert any("0.35" in line and "0.80" in line for line in lines)  # the table is printed


def test_step_network_is_a_staircase():
    model = ua.step_network([0.2, 0.5], [1.0, -3.0])
    x = np.array([0.0, 0.19, 0.2, 0.49, 0.5, 0.9])
    np.testing.assert_array_equal(ua._predict(model, x), [0.0, 0.0, 1.0, 1.0, -2.0, -2.0])


def test_staircase_error_under_lipschitz_bound(result):
    """K steps with heights f(midpoint): |y − f| ≤ max|f'| · 1/(2K) ≤ 10.6 / (2K)."""
    numbers = result[0]
    errors = np.array(numbers["staircase_max_error"])
    bounds = np.array(numbers["staircase_bound"])
    np.testing.assert_allclose(bounds, 10.6 / (2 * np.array(numbers["staircase_steps"])))
    assert np.all(errors <= bounds)
    assert errors[-1] < errors[0] / 20  # 5 → 500 steps
    # the bound's constant really bounds |f'|
    x = np.linspace(0.0, 1.0, 100001)
    assert np.abs(np.gradient(seed002_function(x), x)).max() < ua.LIPSCHITZ_BOUND


def test_least_squares_heights_beat_the_lectures(result):
    numbers = result[0]
    assert numbers["fitted_max_error"] < numbers["lecture_max_error"] / 2


def test_max_error_falls_with_hidden_units(result):
    errors = result[0]["trained_max_error"]
    assert result[0]["hidden_units"] == [2, 5, 20, 100]
    assert all(a > b for a, b in zip(errors, errors[1:]))
    assert errors[-1] < 0.05 and errors[0] > 0.1


def test_pngs(result):
    paths = result[0]["figures"]
    assert [p.name for p in paths] == [
        "universal-approximation-steps.png",
        "universal-approximation-trained.png",
        "universal-approximation-error.png",
    ]
    for path in paths:
        with Image.open(path) as image:
            assert image.format == "PNG" and image.size[0] > 250


def test_same_seed_same_network():
    X, y = function_1d(100, seed=3)
    a = ua.sigmoid_network(5, X, y, max_iter=20, seed=3)
    b = ua.sigmoid_network(5, X, y, max_iter=20, seed=3)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p.data, q.data)
