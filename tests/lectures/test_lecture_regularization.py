"""numnet lecture regularization: one overfitting network, seven methods."""

from __future__ import annotations

import numpy as np
import pytest

import numnet
from numnet.lectures import regularization as reg

Image = pytest.importorskip("PIL.Image")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    lines: list[str] = []
    out = tmp_path_factory.mktemp("reg")
    return reg.run(out, fast=True, seed=0, echo=lines.append), lines


def test_l1_gives_exact_zeros_and_nothing_else_does(result):
    zeros = result[0]["zeros"]
    assert zeros["L1"] > 0.1 * result[0]["weights"]
    for method in ("none", "L2", "dropout classic", "max-norm", "input noise"):
        assert zeros[method] == 0, method


def test_unregularized_overfits_most(result):
    train, test = result[0]["train_loss"], result[0]["test_loss"]
    gap = {m: test[m] - train[m] for m in train}
    assert gap["none"] > 0.05  # overfitting: test well above train
    best = min(test[m] for m in test if m != "none")
    assert test["none"] > best
    for method in ("L2", "L1", "dropout inverted", "max-norm", "input noise"):
        assert gap[method] < gap["none"], method


def test_early_stopping_stops_early(result):
    assert result[0]["best_epoch"] < result[0]["stopped"] < 300


def test_dropout_modes_same_expected_activation(result):
    expectation = result[0]["dropout_expectation"]
    keep = 1 - reg.DROP_P
    assert expectation["classic"]["predict"] == pytest.approx(keep)
    assert expectation["inverted"]["predict"] == pytest.approx(1.0)
    for values in expectation.values():  # 200000 Bernoulli draws: std of the mean < 0.002
        assert values["train_mean"] == pytest.approx(values["predict"], abs=0.01)


def test_soft_threshold():
    # the demo's L1 step is the library's proximal step
    w = numnet.Tensor(np.array([[-0.3, -0.05, 0.0, 0.05, 0.3]]))
    numnet.optim.soft_threshold_([w], 0.1)
    np.testing.assert_allclose(w.data, [[-0.2, 0.0, 0.0, 0.0, 0.2]])
    assert np.count_nonzero(w.data == 0) == 3


def test_pngs(result):
    paths = result[0]["figures"]
    assert [p.name for p in paths] == ["regularization.png", "regularization-fits.png"]
    for path in paths:
        with Image.open(path) as image:
            assert image.format == "PNG" and image.size[0] > 400


def test_same_seed_same_losses():
    data = reg.make_data(10, noise=0.3, seed=4)
    a = reg.train("dropout inverted", data, width=8, epochs=20, every=5, seed=4)
    b = reg.train("dropout inverted", data, width=8, epochs=20, every=5, seed=4)
    assert a["curve"] == b["curve"]


def test_title_fits_the_list():
    assert len(reg.TITLE) < 80 and "Seed" in reg.TITLE
