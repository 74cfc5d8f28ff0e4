"""numnet lecture architectures: Playground networks 1x1 .. 4x8 on circle, XOR, spiral."""

from __future__ import annotations

import numpy as np
import pytest

from numnet import data
from numnet.lectures import architectures

Image = pytest.importorskip("PIL.Image")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    lines: list[str] = []
    out = tmp_path_factory.mktemp("arch")
    return architectures.run(out, fast=True, seed=0, echo=lines.append), lines


def test_grid_covers_every_cell(result):
    accuracy = result[0]["accuracy"]
    assert list(accuracy) == ["circle", "xor", "spiral"]
    for row in accuracy.values():
        assert list(row) == ["1x1", "1x3", "2x3", "4x8"]
        assert all(0.0 <= a <= 1.0 for a in row.values())


def test_big_network_beats_one_unit(result):
    test, train = result[0]["accuracy"], result[0]["train_accuracy"]
    # circle: one line cannot enclose a disc (about 0.5-0.7); 4x8 can (0.98 seen)
    assert test["circle"]["4x8"] > test["circle"]["1x1"] + 0.2
    # spiral: capacity shows on the training points (0.91 vs 0.64 seen at 100 points)
    assert train["spiral"]["4x8"] > train["spiral"]["1x1"] + 0.15
    assert test["spiral"]["4x8"] > test["spiral"]["1x1"]


def test_printed_table(result):
    lines = result[1]
    assert any(line.startswith("spiral") for line in lines)


def test_grid_png(result):
    (path,) = result[0]["figures"]
    assert path.name == "architectures.png"
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size[0] > 500


def test_same_seed_same_network():
    X, y = data.xor(60, seed=1)
    a = architectures.train_network((3,), X / 3, y, epochs=5, seed=1)
    b = architectures.train_network((3,), X / 3, y, epochs=5, seed=1)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p.data, q.data)
