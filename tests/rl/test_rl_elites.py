"""Elite selection: ties at the threshold, all-equal returns, percentile validation."""

from __future__ import annotations

import numpy as np
import pytest

from numnet.rl import select_elites


def test_ties_at_threshold_are_all_elite():
    returns = np.array([10.0, 500.0, 500.0, 20.0, 500.0, 500.0, 30.0])
    elite, threshold, update = select_elites(returns, 70)
    assert threshold == 500.0
    assert elite.tolist() == (returns >= 500.0).tolist()
    assert elite.sum() == 4  # a strict '>' would keep none of them
    assert update


def test_threshold_is_numpy_percentile_and_selection_is_ge():
    returns = np.random.default_rng(0).integers(0, 20, size=101).astype(float)
    for q in (10, 50, 70, 95):
        elite, threshold, _ = select_elites(returns, q)
        assert threshold == np.percentile(returns, q)
        np.testing.assert_array_equal(elite, returns >= np.percentile(returns, q))


def test_all_equal_returns_skip_the_update():
    elite, threshold, update = select_elites([3.0] * 8, 70)
    assert elite.all() and threshold == 3.0 and not update


@pytest.mark.parametrize("q", [0, 100, -5, 150, float("nan")])
def test_percentile_outside_open_interval_is_rejected(q):
    with pytest.raises(ValueError, match="percentile"):
        select_elites([1.0, 2.0], q)


def test_percentile_must_be_a_number():
    with pytest.raises(TypeError, match="percentile"):
        select_elites([1.0, 2.0], "high")
