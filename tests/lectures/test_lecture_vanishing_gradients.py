"""numnet lecture vanishing-gradients: per-layer gradient norms of deep networks."""

from __future__ import annotations

import numpy as np
import pytest

from numnet.lectures import vanishing_gradients as vg

Image = pytest.importorskip("PIL.Image")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    lines: list[str] = []
    out = tmp_path_factory.mktemp("vg")
    return vg.run(out, fast=True, seed=0, echo=lines.append), lines


def test_sigmoid_and_tanh_vanish(result):
    """30 layers, default init: each layer shrinks the gradient (σ' ≤ 1/4; tanh gain ~0.6)."""
    ratio = result[0]["ratio"]
    assert ratio["tanh"] < 1e-3
    assert ratio["sigmoid"] < 1e-15
    norms = result[0]["norms"]
    assert len(norms["tanh"]) == result[0]["depth"] == 30
    # the decay is steady: the input half is far below the output half
    for name in ("tanh", "sigmoid"):
        values = np.log10(norms[name])
        assert values[:15].mean() < values[15:].mean() - 2


def test_relu_elu_with_he_init_do_not_vanish(result):
    """He init keeps the backward signal's norm: first/last within 1e-1..1e1 (seen 0.15..4
    over 12 seeds at this size)."""
    ratio = result[0]["ratio"]
    for name in ("relu + He", "elu + He"):
        assert 1e-1 < ratio[name] < 1e1, (name, ratio[name])


def test_batch_norm_does_not_vanish(result):
    # BN stops the decay; at init the gradient even grows towards the input (10..30 seen)
    assert result[0]["ratio"]["tanh + batch norm"] > 1.0


def test_printed_table(result):
    lines = result[1]
    assert any(line.startswith("sigmoid") and "e-" in line for line in lines)


def test_png(result):
    (path,) = result[0]["figures"]
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size[0] > 400


def test_same_seed_same_norms(result, tmp_path):
    again = vg.run(tmp_path, fast=True, seed=0, echo=lambda *a: None)
    assert again["norms"] == result[0]["norms"]
