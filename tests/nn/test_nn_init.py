"""numnet.nn.init: in place, shapes kept, bounds and spreads from the formulas, seeded.

Fans in PyTorch's layout: for a weight (out, in, *k), fan_in = in·∏k and fan_out = out·∏k.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import numnet
from numnet import nn
from numnet.nn import init


def _w(*shape, dtype=np.float64) -> nn.Parameter:
    return nn.Parameter(np.full(shape, np.nan, dtype))


# name -> (call, the distribution it must draw from for a weight of shape (out, in, *k))
# as ("uniform", bound) or ("normal", std)
def _fans(shape):
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _kaiming_gain(a):
    return math.sqrt(2.0 / (1 + a * a))


RANDOM_INITS = {
    "uniform_": (lambda w, rng: init.uniform_(w, -0.3, 0.3, rng=rng),
                 lambda shape: ("uniform", 0.3)),
    "normal_": (lambda w, rng: init.normal_(w, 0.0, 0.7, rng=rng),
                lambda shape: ("normal", 0.7)),
    "xavier_uniform_": (lambda w, rng: init.xavier_uniform_(w, gain=2.0, rng=rng),
                        lambda shape: ("uniform", 2.0 * math.sqrt(6 / sum(_fans(shape))))),
    "xavier_normal_": (lambda w, rng: init.xavier_normal_(w, gain=0.5, rng=rng),
                       lambda shape: ("normal", 0.5 * math.sqrt(2 / sum(_fans(shape))))),
    "kaiming_uniform_": (lambda w, rng: init.kaiming_uniform_(w, rng=rng),
                         lambda shape: ("uniform", math.sqrt(2) * math.sqrt(3 / _fans(shape)[0]))),
    "kaiming_uniform_fan_out": (
        lambda w, rng: init.kaiming_uniform_(w, a=0.2, mode="fan_out", rng=rng),
        lambda shape: ("uniform", _kaiming_gain(0.2) * math.sqrt(3 / _fans(shape)[1]))),
    "kaiming_normal_": (lambda w, rng: init.kaiming_normal_(w, nonlinearity="relu", rng=rng),
                        lambda shape: ("normal", math.sqrt(2) / math.sqrt(_fans(shape)[0]))),
    "kaiming_normal_fan_out_tanh": (
        lambda w, rng: init.kaiming_normal_(w, mode="fan_out", nonlinearity="tanh", rng=rng),
        lambda shape: ("normal", 5 / 3 / math.sqrt(_fans(shape)[1]))),
}  # fmt: skip

SHAPES = [(30, 70), (4, 3, 5, 2), (8, 6, 3)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", list(RANDOM_INITS))
def test_draws_exactly_from_the_formula(name, shape):
    """The values are NumPy's draws from the same seed with the formula's bound or std
    (to rounding: the bound may be computed as √3·gain/√fan or gain·√(3/fan))."""
    call, law = RANDOM_INITS[name]
    kind, scale = law(shape)
    w = _w(*shape)
    array = w.data
    assert call(w, np.random.default_rng(3)) is w  # returns the tensor,
    assert w.data is array and w.shape == shape  # filled in place
    rng = np.random.default_rng(3)
    if kind == "uniform":
        expected = rng.uniform(-scale, scale, shape)
    else:
        expected = rng.normal(0, scale, shape)
    np.testing.assert_allclose(w.data, expected, rtol=1e-14, atol=0)


@pytest.mark.parametrize("name", list(RANDOM_INITS))
def test_bounds_and_spread_on_a_large_tensor(name):
    shape = (400, 500)
    call, law = RANDOM_INITS[name]
    kind, scale = law(shape)
    w = call(_w(*shape), np.random.default_rng(0)).data
    # 200,000 draws: the relative sd of the sample sd is about 1/sqrt(2n) = 0.16%
    if kind == "uniform":
        assert np.abs(w).max() <= scale
        assert np.abs(w).max() > 0.999 * scale  # the bound is reached, not just respected
        assert abs(w.std() / (scale / math.sqrt(3)) - 1) < 0.01
    else:
        assert abs(w.std() / scale - 1) < 0.01
    assert abs(w.mean()) < 0.01 * w.std()


def test_same_seed_same_numbers_different_seed_different_numbers():
    for call, _ in RANDOM_INITS.values():
        a = call(_w(20, 10), 5).data  # an int seed
        b = call(_w(20, 10), np.random.default_rng(5)).data  # or its Generator
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, call(_w(20, 10), 6).data)
        rng = np.random.default_rng(5)
        call(_w(20, 10), rng)
        assert not np.array_equal(a, call(_w(20, 10), rng).data)  # a Generator moves on


def test_fans_of_out_in_layout():
    """A (out, in) weight: fan_in = in, fan_out = out; asymmetric so a swap would show."""
    w = _w(10, 1000)  # fan_in 1000, fan_out 10
    bound_in = math.sqrt(2) * math.sqrt(3 / 1000)
    init.kaiming_uniform_(w, rng=0)
    assert np.abs(w.data).max() <= bound_in
    init.kaiming_uniform_(w, mode="fan_out", rng=0)
    assert np.abs(w.data).max() > bound_in  # bound √2·√(3/10), ten times wider


def test_fans_match_pytorch():
    torch = pytest.importorskip("torch")
    for shape in SHAPES + [(5, 1), (1, 5), (2, 3, 1, 1)]:
        assert _fans(shape) == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float32_and_float64_keep_their_dtype(dtype):
    for call, _ in RANDOM_INITS.values():
        w = _w(6, 4, dtype=dtype)
        call(w, 0)
        assert w.dtype == dtype and np.isfinite(w.data).all()
    w = _w(6, 4, dtype=dtype)
    init.uniform_(w, -1, 1, rng=0)
    expected = np.random.default_rng(0).uniform(-1, 1, (6, 4)).astype(dtype)
    np.testing.assert_array_equal(w.data, expected)  # drawn in float64, then rounded


def test_constant_fills():
    w = _w(3, 4)
    array = w.data
    assert init.zeros_(w) is w and w.data is array and not w.data.any()
    assert init.ones_(w) is w and (w.data == 1).all()
    assert init.constant_(w, -2.5) is w and (w.data == -2.5).all() and w.shape == (3, 4)
    v = _w(5)  # any shape, 1-D included
    init.constant_(v, 0.25)
    assert v.data.tolist() == [0.25] * 5


def test_one_dimensional_tensors():
    b = _w(7)
    init.uniform_(b, -1, 2, rng=0)
    assert ((b.data >= -1) & (b.data < 2)).all()
    init.normal_(b, mean=10.0, std=0.0, rng=0)
    assert (b.data == 10.0).all()
    for fn in (init.xavier_uniform_, init.xavier_normal_, init.kaiming_uniform_,
               init.kaiming_normal_):  # fmt: skip
        with pytest.raises(ValueError, match=r"at least 2 axes, got shape \(7,\)"):
            fn(b)


def test_init_under_a_recorded_graph_leaves_the_tensor_a_leaf():
    layer = nn.Linear(3, 2, rng=0)
    layer(numnet.ones((1, 3))).sum().backward()
    init.xavier_uniform_(layer.weight, rng=0)
    assert layer.weight.is_leaf and layer.weight.requires_grad


def test_zero_element_tensors_are_left_alone():
    for call, _ in RANDOM_INITS.values():
        for shape in [(0, 0), (5, 0), (0, 5)]:
            w = _w(*shape)
            assert call(w, 0) is w and w.shape == shape


# ------------------------------------------------------------------ errors
def test_bad_arguments():
    w = _w(4, 4)
    with pytest.raises(ValueError, match="mode must be 'fan_in' or 'fan_out', got 'fan_avg'"):
        init.kaiming_uniform_(w, mode="fan_avg")
    with pytest.raises(ValueError, match="mode must be 'fan_in' or 'fan_out'"):
        init.kaiming_normal_(w, mode="in")
    with pytest.raises(ValueError, match="unknown nonlinearity 'swish'"):
        init.kaiming_normal_(w, nonlinearity="swish")
    with pytest.raises(ValueError, match="std must be non-negative, got -1"):
        init.normal_(w, std=-1)
    with pytest.raises(ValueError, match="need a <= b, got a=1, b=0"):
        init.uniform_(w, 1, 0)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        init.normal_(w, rng=np.random.RandomState(0))
    with pytest.raises(TypeError, match="fill a numnet Tensor, got ndarray"):
        init.zeros_(np.zeros(3))


# ------------------------------------------------------------ calculate_gain
GAINS = [
    ("linear", None, 1.0),
    ("sigmoid", None, 1.0),
    ("tanh", None, 5 / 3),
    ("relu", None, math.sqrt(2)),
    ("selu", None, 0.75),
    ("leaky_relu", None, math.sqrt(2 / (1 + 0.01**2))),
    ("leaky_relu", 0, math.sqrt(2)),
    ("leaky_relu", 0.2, math.sqrt(2 / 1.04)),
    ("leaky_relu", 1, 1.0),
]


@pytest.mark.parametrize("nonlinearity, param, value", GAINS)
def test_calculate_gain(nonlinearity, param, value):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize("nonlinearity, param, value", GAINS)
def test_calculate_gain_matches_pytorch(nonlinearity, param, value):
    torch = pytest.importorskip("torch")
    expected = torch.nn.init.calculate_gain(nonlinearity, param)
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(expected, rel=1e-15)


def test_calculate_gain_extras_and_errors():
    assert init.calculate_gain("identity") == 1.0
    with pytest.raises(ValueError, match="unknown nonlinearity 'gelu'; expected one of"):
        init.calculate_gain("gelu")
    for slope in ("0.1", True, None.__class__):
        with pytest.raises(ValueError, match="negative slope .* is not a number"):
            init.calculate_gain("leaky_relu", slope)


# --------------------------------------------------------- Linear's default
def test_linear_default_init_is_pytorch_uniform():
    """Weight then bias from U(−1/√in, 1/√in), drawn from ``rng`` in that order."""
    layer = nn.Linear(50, 20, rng=4, dtype=np.float64)
    rng = np.random.default_rng(4)
    bound = 1 / math.sqrt(50)
    np.testing.assert_array_equal(layer.weight.data, rng.uniform(-bound, bound, (20, 50)))
    np.testing.assert_array_equal(layer.bias.data, rng.uniform(-bound, bound, 20))
    big = nn.Linear(400, 300, rng=0, dtype=np.float64).weight.data
    assert np.abs(big).max() <= 0.05 and np.abs(big).max() > 0.0499


def test_linear_seeds_and_reset_parameters():
    a, b = nn.Linear(5, 3, rng=1), nn.Linear(5, 3, rng=np.random.default_rng(1))
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p.data, q.data)
    weight = a.weight.data
    before = weight.copy()
    a.reset_parameters(rng=2)
    assert a.weight.data is weight and not np.array_equal(weight, before)
    a.reset_parameters(rng=1)
    np.testing.assert_array_equal(a.weight.data, before)
    assert nn.Linear(5, 3, bias=False, rng=1).bias is None
    np.testing.assert_array_equal(nn.Linear(5, 3, bias=False, rng=1).weight.data, before)
