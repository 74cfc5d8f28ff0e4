"""numnet lecture backprop-by-hand: seeds 002, 000 and 003, hand formulas against autodiff."""

from __future__ import annotations

import numpy as np
import pytest

from numnet.lectures import backprop_by_hand

Image = pytest.importorskip("PIL.Image")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    lines: list[str] = []
    numbers = backprop_by_hand.run(
        tmp_path_factory.mktemp("backprop"), fast=True, seed=3, echo=lines.append
    )
    return numbers, lines


def test_seed002_hand_gradients_equal_autodiff(result):
    seed002 = result[0]["seed002"]
    for name in ("W1", "b1", "W2", "b2"):
        hand, auto = seed002["hand"][name], seed002["autodiff"][name]
        assert hand.shape == auto.shape
        np.testing.assert_allclose(hand, auto, rtol=0, atol=1e-12)
        assert seed002["max_abs_diff"][name] < 1e-12
    assert np.abs(seed002["hand"]["W2"]).max() > 1e-4


def test_seed000_chain_rule_formula(result):
    seed000 = result[0]["seed000"]
    np.testing.assert_allclose(seed000["formula"], seed000["autodiff"], rtol=1e-12, atol=1e-14)
    assert np.all(np.abs(seed000["formula"]) > 1e-6)
    assert seed000["loss_formula"] == pytest.approx(seed000["loss_autodiff"], rel=1e-12)


def test_seed003_three_neuron_chain(result):
    seed003 = result[0]["seed003"]
    assert seed003["output"] == pytest.approx(0.68, abs=1e-12)  # the lecture's a(L)
    assert seed003["cost"] == pytest.approx((0.68 - 1) ** 2, abs=1e-12)
    assert set(seed003["hand"]) == {"w(L-1)", "b(L-1)", "a(L-1)", "w(L-2)", "b(L-2)"}
    for key, value in seed003["hand"].items():
        assert value == pytest.approx(seed003["autodiff"][key], rel=1e-12, abs=1e-15)
    # ∂C/∂b(L-1) = σ'(z) · 2(a − y) = 0.68 · 0.32 · 2 · (0.68 − 1)
    assert seed003["hand"]["b(L-1)"] == pytest.approx(0.68 * 0.32 * 2 * (0.68 - 1), rel=1e-12)


def test_output_and_png(result):
    numbers, lines = result
    assert any("Seed 002" in line for line in lines)
    assert any("Seed 003" in line for line in lines)
    (path,) = numbers["figures"]
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size[0] > 500


def test_same_seed_same_numbers(tmp_path):
    a = backprop_by_hand.run(tmp_path / "a", fast=True, seed=5, echo=lambda *x: None)
    b = backprop_by_hand.run(tmp_path / "b", fast=True, seed=5, echo=lambda *x: None)
    c = backprop_by_hand.run(tmp_path / "c", fast=True, seed=6, echo=lambda *x: None)
    np.testing.assert_array_equal(a["seed002"]["autodiff"]["W1"], b["seed002"]["autodiff"]["W1"])
    np.testing.assert_array_equal(a["seed000"]["autodiff"], b["seed000"]["autodiff"])
    assert not np.array_equal(a["seed002"]["autodiff"]["W1"], c["seed002"]["autodiff"]["W1"])
