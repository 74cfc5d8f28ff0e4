"""Dropout in seed 001's two forms, and GaussianNoise.

``p`` is the drop probability; the keep probability is q = 1 − p.
Inverted: training keeps with probability q and divides by q; eval is the identity.
Classic: training keeps unscaled; eval multiplies by q.
"""

from __future__ import annotations

import numpy as np
import pytest

import numnet
import numnet.functional as F
from numnet import nn

SHAPE = (500, 400)  # 200,000 draws: the standard error of a mean is tiny


def _x(shape=SHAPE, seed: int = 12345, dtype=np.float64) -> numnet.Tensor:
    # a seed none of the layers below uses: the data must not correlate with the masks
    return numnet.tensor(np.random.default_rng(seed).uniform(0.5, 1.5, shape).astype(dtype))


# ------------------------------------------------------------------ inverted
def test_inverted_keeps_the_mean_in_training():
    x = _x()
    p = 0.3
    y = nn.Dropout(p, rng=0)(x).data
    kept = y != 0
    # kept fraction ~ Binomial(n, 0.7)/n: sd = 1.0e-3; 0.01 is 10 sd, and the seed is fixed
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(y[kept], x.data[kept] / 0.7, rtol=1e-15)
    # E[y] = E[x]: relative sd of the ratio is about sqrt(p / (q n)) = 1.5e-3
    assert abs(y.mean() / x.data.mean() - 1) < 0.015


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_inverted_mean_for_several_p(p):
    y = nn.Dropout(p, rng=1)(numnet.ones(SHAPE, dtype=np.float64)).data
    assert set(np.unique(y)) <= {0.0, 1 / (1 - p)}
    sd = np.sqrt(p / ((1 - p) * y.size))
    assert abs(y.mean() - 1) < 8 * sd


def test_inverted_eval_is_the_identity():
    drop = nn.Dropout(0.4, rng=0)
    x = _x((3, 4))
    assert drop.eval() is drop and not drop.training
    np.testing.assert_array_equal(drop(x).data, x.data)
    drop.train()
    assert (drop(x).data == 0).any()


# ------------------------------------------------------------------- classic
def test_classic_training_is_unscaled_and_eval_multiplies_by_keep_probability():
    x = _x()
    p = 0.25
    drop = nn.Dropout(p, mode="classic", rng=0)
    y = drop(x).data
    kept = y != 0
    np.testing.assert_array_equal(y[kept], x.data[kept])  # unscaled
    assert abs(kept.mean() - 0.75) < 0.01
    drop.eval()
    np.testing.assert_array_equal(drop(x).data, x.data * 0.75)
    # the prediction's scale is training's expectation
    assert abs(y.mean() / drop(x).data.mean() - 1) < 0.015


def test_model_eval_turns_both_modes_off():
    model = nn.Sequential(
        nn.Dropout(0.5, rng=0), nn.Linear(4, 4, rng=0), nn.Dropout(0.5, mode="classic", rng=1)
    )
    x = _x((3, 4), dtype=np.float32)
    model.eval()
    expected = model[1](x).data * 0.5
    np.testing.assert_array_equal(model(x).data, expected)
    model.train()
    assert (model(x).data == 0).any()


# ----------------------------------------------------------------- p = 0, 1
@pytest.mark.parametrize("mode", ["inverted", "classic"])
def test_p_zero_is_the_identity(mode):
    x = _x((5, 5))
    drop = nn.Dropout(0.0, mode=mode, rng=0)
    np.testing.assert_array_equal(drop(x).data, x.data)
    np.testing.assert_array_equal(drop.eval()(x).data, x.data)


@pytest.mark.parametrize("mode", ["inverted", "classic"])
def test_p_one_drops_everything(mode):
    x = numnet.tensor(_x((5, 5)).data, requires_grad=True)
    drop = nn.Dropout(1.0, mode=mode, rng=0)
    y = drop(x)
    assert np.array_equal(y.data, np.zeros((5, 5))) and np.isfinite(y.data).all()
    y.sum().backward()
    assert np.array_equal(x.grad, np.zeros((5, 5)))
    expected = x.data if mode == "inverted" else np.zeros((5, 5))
    np.testing.assert_array_equal(drop.eval()(x).data, expected)


@pytest.mark.parametrize("mode", ["inverted", "classic"])
def test_a_fully_dropped_layer_passes_only_its_bias(mode):
    """Seed 001: with every input dropped, the next layer outputs its bias alone."""
    linear = nn.Linear(4, 3, rng=0, dtype=np.float64)
    model = nn.Sequential(nn.Dropout(1.0, mode=mode, rng=0), linear)
    x = _x((6, 4))
    out = model(x)
    np.testing.assert_array_equal(out.data, np.broadcast_to(linear.bias.data, (6, 3)))
    out.sum().backward()
    np.testing.assert_array_equal(linear.weight.grad, np.zeros((3, 4)))
    np.testing.assert_array_equal(linear.bias.grad, np.full(3, 6.0))
    if mode == "classic":  # prediction scales by q = 0 as well
        np.testing.assert_array_equal(model.eval()(x).data, out.data)


# ------------------------------------------------------------ randomness
@pytest.mark.parametrize("mode", ["inverted", "classic"])
def test_same_seed_same_mask(mode):
    x = _x((50, 40))
    a, b = nn.Dropout(0.5, mode=mode, rng=7), nn.Dropout(0.5, mode=mode, rng=7)
    first = a(x).data
    np.testing.assert_array_equal(first, b(x).data)
    second = a(x).data
    assert not np.array_equal(first, second)  # the generator moves on
    np.testing.assert_array_equal(second, b(x).data)  # in step
    c = nn.Dropout(0.5, mode=mode, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(c(x).data, first)  # a seed or its Generator alike
    assert not np.array_equal(nn.Dropout(0.5, mode=mode, rng=8)(x).data, first)


def test_a_shared_generator_is_advanced_not_copied():
    rng = np.random.default_rng(0)
    a, b = nn.Dropout(0.5, rng=rng), nn.Dropout(0.5, rng=rng)
    x = numnet.ones((10, 10))
    assert not np.array_equal(a(x).data, b(x).data)


# ----------------------------------------------------------------- backward
@pytest.mark.parametrize("mode, scale", [("inverted", 1 / 0.6), ("classic", 1.0)])
def test_backward_masks_the_gradient(mode, scale):
    x = numnet.tensor(_x((20, 30)).data, requires_grad=True)
    upstream = np.random.default_rng(1).normal(size=(20, 30))
    y = nn.Dropout(0.4, mode=mode, rng=3)(x)
    y.backward(upstream)
    kept = y.data != 0
    assert 0 < kept.mean() < 1
    np.testing.assert_array_equal(x.grad[~kept], 0.0)
    np.testing.assert_allclose(x.grad[kept], upstream[kept] * scale, rtol=1e-15)


def test_classic_eval_backward_scales_by_keep_probability():
    x = numnet.tensor(_x((4, 5)).data, requires_grad=True)
    nn.Dropout(0.2, mode="classic").eval()(x).sum().backward()
    np.testing.assert_allclose(x.grad, np.full((4, 5), 0.8), rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mode", ["inverted", "classic"])
def test_dtype_is_kept(dtype, mode):
    x = _x((4, 5), dtype=dtype)
    drop = nn.Dropout(0.3, mode=mode, rng=0)
    assert drop(x).dtype == dtype and drop.eval()(x).dtype == dtype


# ------------------------------------------------------------- arguments
@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan")])
def test_bad_probability(p):
    with pytest.raises(ValueError, match=r"p \(the drop probability\) must be in \[0, 1\]"):
        nn.Dropout(p)


def test_bad_mode():
    with pytest.raises(ValueError, match="mode must be 'inverted' or 'classic', got 'keep'"):
        nn.Dropout(0.5, mode="keep")


def test_repr_and_config():
    drop = nn.Dropout(0.1, mode="classic", rng=0)
    assert repr(drop) == "Dropout(p=0.1, mode='classic')"
    assert drop.get_config() == {"p": 0.1, "mode": "classic"}
    assert list(drop.state_dict()) == [] and list(drop.parameters()) == []


# ------------------------------------------------------------ GaussianNoise
def test_gaussian_noise_in_training_has_the_given_std():
    x = _x()
    y = nn.GaussianNoise(0.2, rng=0)(x).data
    noise = y - x.data
    # the sample sd of 200,000 normals is within 1% of 0.2 with overwhelming probability
    assert abs(noise.std() / 0.2 - 1) < 0.01
    assert abs(noise.mean()) < 0.005


def test_gaussian_noise_only_in_training():
    noise = nn.GaussianNoise(0.5, rng=0)
    x = _x((3, 4))
    assert not np.array_equal(noise(x).data, x.data)
    noise.eval()
    assert noise(x) is x or np.array_equal(noise(x).data, x.data)
    model = nn.Sequential(nn.GaussianNoise(0.5, rng=0), nn.Tanh()).eval()
    np.testing.assert_array_equal(model(x).data, np.tanh(x.data))


def test_gaussian_noise_is_seeded():
    x = _x((30, 20))
    a, b = nn.GaussianNoise(0.1, rng=5), nn.GaussianNoise(0.1, rng=5)
    first = a(x).data
    np.testing.assert_array_equal(first, b(x).data)
    assert not np.array_equal(first, a(x).data)
    assert not np.array_equal(first, nn.GaussianNoise(0.1, rng=6)(x).data)


def test_gaussian_noise_passes_the_gradient_unchanged():
    x = numnet.tensor(_x((4, 3)).data, requires_grad=True)
    upstream = np.random.default_rng(2).normal(size=(4, 3))
    nn.GaussianNoise(1.0, rng=0)(x).backward(upstream)
    np.testing.assert_array_equal(x.grad, upstream)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gaussian_noise_keeps_dtype(dtype):
    assert nn.GaussianNoise(0.1, rng=0)(_x((2, 2), dtype=dtype)).dtype == dtype


def test_gaussian_noise_zero_std_and_bad_arguments():
    x = _x((2, 2))
    np.testing.assert_array_equal(nn.GaussianNoise(0.0, rng=0)(x).data, x.data)
    for std in (-1.0, float("nan")):
        with pytest.raises(ValueError, match="std must be non-negative"):
            nn.GaussianNoise(std)
    with pytest.raises(TypeError, match="floating-point input, got dtype int64"):
        nn.GaussianNoise(0.5, rng=0)(numnet.tensor([1, 2, 3]))
    assert repr(nn.GaussianNoise(0.5)) == "GaussianNoise(std=0.5)"


def test_dropout_refuses_integer_input_instead_of_truncating_the_scale():
    with pytest.raises(TypeError, match="floating-point"):
        F.dropout(numnet.tensor([1, 1, 1, 1]), 0.3, True, 0)
