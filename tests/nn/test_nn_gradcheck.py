"""Finite differences for every numnet.nn layer, activation and loss module, in float64.

Inputs (and differentiable targets) go through ``numnet.gradcheck``; parameters
(Linear W and b, PReLU α, BatchNorm γ and β) through ``numerical_gradient``,
perturbed in place on the module, against the ``.grad`` that ``backward()``
leaves. A non-scalar output is projected on fixed random weights first, so the
whole Jacobian is checked. Inputs stay away from kinks (ReLU at 0, |x − y| = 0,
margins at 1), where finite differences say nothing.

The last test holds every activation module to |x| up to 1e4 in float32:
no RuntimeWarning, no NaN.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import numnet
from numnet import nn
from numnet.gradcheck import GradcheckError, numerical_gradient
from numnet.tensor import _result

F64 = np.float64


# --------------------------------------------------------------------- helpers
def leaf(data, requires_grad: bool = True) -> numnet.Tensor:
    return numnet.Tensor(np.asarray(data, dtype=F64), requires_grad=requires_grad)


def away_from_zero(rng, shape, margin: float = 0.1) -> np.ndarray:
    x = rng.standard_normal(shape)
    return np.where(x >= 0, x + margin, x - margin)


def check_module(module, *inputs, before=None, atol=1e-6, rtol=1e-5) -> None:
    """gradcheck ``module(*inputs)`` for the inputs that require grad, then finite
    differences for each of the module's parameters.

    ``before()`` runs before every evaluation (e.g. to reseed a dropout mask).
    """

    def fn(*args):
        if before is not None:
            before()
        return module(*args)

    if any(isinstance(a, numnet.Tensor) and a.requires_grad for a in inputs):
        assert numnet.gradcheck(fn, *inputs, atol=atol, rtol=rtol)
    params = list(module.named_parameters())
    if params:
        check_parameters(module, fn, inputs, atol=atol, rtol=rtol)


def check_parameters(module, fn, inputs, atol=1e-6, rtol=1e-5, eps=1e-6) -> None:
    """``.grad`` of every parameter after backward of Σ v·fn(inputs) against central differences."""
    out = fn(*inputs)
    weights = np.random.default_rng(1).standard_normal(out.shape)
    module.zero_grad()
    (out * numnet.Tensor(weights)).sum().backward()

    def projection() -> float:
        with numnet.no_grad():
            return float(np.sum(fn(*inputs).data * weights))

    for name, p in module.named_parameters():
        assert p.data.dtype == F64, f"{name}: build the module in float64"
        assert p.grad is not None, f"{name} got no gradient"
        numeric = numerical_gradient(projection, p.data, eps)
        bad = np.abs(p.grad - numeric) > atol + rtol * np.abs(numeric)
        if bad.any():
            raise GradcheckError(f"{name}: backward {p.grad}, finite differences {numeric}")


# ============================================================ negative control
class _WrongAlpha(nn.Module):
    """αx with a gradient for α that is 1 % off: the helper must reject it."""

    def __init__(self) -> None:
        super().__init__()
        self.alpha = nn.Parameter(np.array([0.5]))

    def forward(self, x):
        def backward(g):
            return g * self.alpha.data, np.array([1.01 * np.sum(g * x.data)])

        return _result(x.data * self.alpha.data, (x, self.alpha), backward, "wrong")


def test_helper_rejects_a_wrong_parameter_gradient():
    with pytest.raises(GradcheckError, match="alpha"):
        check_module(_WrongAlpha(), leaf([1.0, -2.0], requires_grad=False))


# ============================================================ layers
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no-bias"])
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 3), (3,)], ids=["2d", "3d", "1d"])
def test_linear(bias, shape):
    layer = nn.Linear(3, 2, bias=bias, rng=0, dtype=F64)
    check_module(layer, leaf(np.random.default_rng(1).standard_normal(shape)))


def test_linear_parameters_only():
    """A constant input: only W and b are checked."""
    layer = nn.Linear(3, 4, rng=2, dtype=F64)
    check_module(layer, np.random.default_rng(2).standard_normal((5, 3)))


@pytest.mark.parametrize(("start", "end"), [(1, -1), (0, 1), (1, 2)], ids=str)
def test_flatten(start, end):
    check_module(nn.Flatten(start, end), leaf(np.random.default_rng(3).standard_normal((2, 3, 4))))


def _batchnorm(features, rng, **kwargs):
    bn = nn.BatchNorm1d(features, dtype=F64, **kwargs)
    if bn.affine:
        bn.weight.data[...] = rng.uniform(0.5, 2.0, features)
        bn.bias.data[...] = rng.standard_normal(features)
    return bn


@pytest.mark.parametrize("affine", [True, False], ids=["affine", "no-affine"])
@pytest.mark.parametrize("momentum", [0.1, None], ids=["m0.1", "cumulative"])
@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 2)], ids=["NC", "NCL"])
def test_batchnorm1d_train(affine, momentum, shape):
    """Batch statistics: x, γ and β (the running statistics move, the output does not care)."""
    rng = np.random.default_rng(4)
    bn = _batchnorm(3, rng, affine=affine, momentum=momentum)
    check_module(bn, leaf(rng.standard_normal(shape) * 2.0 + 1.0))


@pytest.mark.parametrize("affine", [True, False], ids=["affine", "no-affine"])
@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 2)], ids=["NC", "NCL"])
def test_batchnorm1d_eval(affine, shape):
    """Running statistics after three training steps: x, γ and β."""
    rng = np.random.default_rng(5)
    bn = _batchnorm(3, rng, affine=affine)
    for _ in range(3):
        bn(rng.standard_normal(shape) * 3.0 - 1.0)
    bn.eval()
    check_module(bn, leaf(rng.standard_normal(shape)))


def test_batchnorm1d_without_running_stats_in_eval():
    rng = np.random.default_rng(6)
    bn = _batchnorm(3, rng, track_running_stats=False).eval()
    check_module(bn, leaf(rng.standard_normal((4, 3))))


@pytest.mark.parametrize("mode", ["inverted", "classic"])
@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
def test_dropout(mode, training):
    """The mask is reseeded before every evaluation, so all evaluations agree."""
    drop = nn.Dropout(0.4, mode=mode).train(training)

    def reseed():
        drop.rng = np.random.default_rng(7)

    check_module(drop, leaf(np.random.default_rng(7).standard_normal((4, 5))), before=reseed)


@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
def test_gaussian_noise(training):
    noise = nn.GaussianNoise(0.3).train(training)

    def reseed():
        noise.rng = np.random.default_rng(8)

    check_module(noise, leaf(np.random.default_rng(8).standard_normal((3, 4))), before=reseed)


# ============================================================ activations
ACTIVATIONS = {
    "Identity": nn.Identity,
    "Step": nn.Step,
    "Sigmoid": nn.Sigmoid,
    "Tanh": nn.Tanh,
    "ArcTan": nn.ArcTan,
    "ReLU": nn.ReLU,
    "ELU": nn.ELU,
    "ELU-0.4": lambda: nn.ELU(0.4),
    "Softplus": nn.Softplus,
    "Softplus-3": lambda: nn.Softplus(3.0),
    "Softmax-last": nn.Softmax,
    "Softmax-0": lambda: nn.Softmax(0),
    "Softmax-1": lambda: nn.Softmax(axis=1),
    "LogSoftmax-last": nn.LogSoftmax,
    "LogSoftmax-0": lambda: nn.LogSoftmax(0),
    "Exp": nn.Exp,
}


@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 2)], ids=["2d", "3d"])
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation(name, shape):
    x = leaf(away_from_zero(np.random.default_rng(9), shape) * 1.5)
    check_module(ACTIVATIONS[name](), x)


@pytest.mark.parametrize(
    ("num_parameters", "shape"),
    [(1, (4, 3)), (1, (2, 3, 2)), (3, (4, 3)), (3, (2, 3, 2))],
    ids=["shared-NC", "shared-NCL", "per-channel-NC", "per-channel-NCL"],
)
def test_prelu(num_parameters, shape):
    """x and the learnable α."""
    rng = np.random.default_rng(10)
    layer = nn.PReLU(num_parameters, dtype=F64)
    layer.weight.data[...] = rng.uniform(0.05, 0.5, num_parameters)
    check_module(layer, leaf(away_from_zero(rng, shape)))


def test_sequential_fused_mlp():
    """Every parameter of a Linear/activation mix that runs through the fused nodes."""
    model = nn.Sequential(
        nn.Linear(3, 4, rng=1, dtype=F64), nn.Tanh(),
        nn.Linear(4, 4, rng=2, dtype=F64), nn.Sigmoid(),
        nn.Linear(4, 3, bias=False, rng=3, dtype=F64), nn.Softplus(),
        nn.PReLU(3, dtype=F64),
        nn.Linear(3, 3, rng=4, dtype=F64), nn.ArcTan(),
        nn.Linear(3, 2, rng=5, dtype=F64), nn.ReLU(),
    )  # fmt: skip
    # ReLU's kink: with these seeds every pre-activation is at least 0.01 from 0
    x = leaf(np.random.default_rng(11).standard_normal((5, 3)))
    z = model[:-1](x).data
    assert np.abs(z).min() > 1e-2
    check_module(model, x)


# ============================================================ losses
def _classes(rng, n=5, classes=4):
    return leaf(rng.standard_normal((n, classes)) * 2.0), rng.integers(0, classes, n)


def _pair(rng, shape, kinked=False, target_grad=True):
    """(input, target) leaves; with ``kinked``, |input − target| ≥ 0.1."""
    y = rng.standard_normal(shape)
    x = y + away_from_zero(rng, shape) if kinked else rng.standard_normal(shape)
    return leaf(x), leaf(y, requires_grad=target_grad)


def _margins(rng, shape, labels, kink):
    y = rng.choice(np.asarray(labels, dtype=F64), shape)
    m = kink + rng.choice([-1.0, 1.0], shape) * rng.uniform(0.1, 1.5, shape)
    return leaf(np.where(y > 0, 1.0, -1.0) * m), y


def _mape_inputs(rng):
    y = away_from_zero(rng, (3, 4))
    return leaf(y + away_from_zero(rng, (3, 4))), leaf(y, requires_grad=False)


_W = np.array([0.3, 1.7, 1.0, 2.5])

# name: (loss module for a reduction, inputs(rng) -> (input, target))
LOSSES = {
    "MSELoss": (lambda r: nn.MSELoss(reduction=r), lambda rng: _pair(rng, (3, 4))),
    "L1Loss": (lambda r: nn.L1Loss(r), lambda rng: _pair(rng, (3, 4), kinked=True)),
    "MAPELoss": (lambda r: nn.MAPELoss(r), lambda rng: _mape_inputs(rng)),
    "BCELoss": (
        lambda r: nn.BCELoss(reduction=r),
        lambda rng: (leaf(rng.uniform(0.05, 0.95, (3, 4))), leaf(rng.uniform(0, 1, (3, 4)))),
    ),
    "BCEWithLogitsLoss": (
        lambda r: nn.BCEWithLogitsLoss(r),
        lambda rng: (leaf(rng.standard_normal((3, 4)) * 3), leaf(rng.uniform(0, 1, (3, 4)))),
    ),
    "BCEWithLogitsLoss-pos_weight": (
        lambda r: nn.BCEWithLogitsLoss(r, pos_weight=[0.5, 1.0, 2.0, 4.0]),
        lambda rng: (leaf(rng.standard_normal((3, 4)) * 3), leaf(rng.uniform(0, 1, (3, 4)))),
    ),
    "CrossEntropyLoss": (lambda r: nn.CrossEntropyLoss(reduction=r), _classes),
    "CrossEntropyLoss-weight-smoothing": (
        lambda r: nn.CrossEntropyLoss(_W, reduction=r, label_smoothing=0.2),
        _classes,
    ),
    "CrossEntropyLoss-smoothing": (
        lambda r: nn.CrossEntropyLoss(reduction=r, label_smoothing=0.1),
        _classes,
    ),
    "CrossEntropyLoss-weight": (lambda r: nn.CrossEntropyLoss(_W, reduction=r), _classes),
    "NLLLoss": (lambda r: nn.NLLLoss(reduction=r), _classes),
    "NLLLoss-weight": (lambda r: nn.NLLLoss(_W, reduction=r), _classes),
    "HingeLoss-pm1": (
        lambda r: nn.HingeLoss(r),
        lambda rng: _margins(rng, (8,), [-1, 1], 1.0),
    ),
    "HingeLoss-01": (
        lambda r: nn.HingeLoss(r),
        lambda rng: _margins(rng, (3, 4), [0, 1], 1.0),
    ),
    "PerceptronLoss": (
        lambda r: nn.PerceptronLoss(r),
        lambda rng: _margins(rng, (3, 4), [-1, 1], 0.0),
    ),
    "PoissonNLLLoss": (
        lambda r: nn.PoissonNLLLoss(reduction=r),
        lambda rng: (leaf(rng.standard_normal((3, 4))), rng.poisson(2.0, (3, 4)).astype(F64)),
    ),
    "PoissonNLLLoss-rate-full": (
        lambda r: nn.PoissonNLLLoss(log_input=False, full=True, reduction=r),
        lambda rng: (leaf(rng.uniform(0.2, 4, (3, 4))), rng.poisson(2.0, (3, 4)).astype(F64)),
    ),
}


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", list(LOSSES))
def test_loss(name, reduction):
    """The input, and the target wherever it is a float tensor that requires grad."""
    make, inputs = LOSSES[name]
    check_module(make(reduction), *inputs(np.random.default_rng(12)))


# ============================================================ float32 stability
STABILITY_MODULES = {
    **{name: make for name, make in ACTIVATIONS.items()},
    "ELU-2": lambda: nn.ELU(2.0),
    "Softplus-0.5": lambda: nn.Softplus(0.5),
    "PReLU": lambda: nn.PReLU(dtype=np.float32),
    "PReLU-per-channel": lambda: nn.PReLU(4, dtype=np.float32),
}


def _extremes() -> np.ndarray:
    x = np.array([0.0, 1e-3, 1.0, 20.5, 88.0, 89.0, 104.0, 710.0, 1e3, 1e4], np.float32)
    return np.stack([x, -x, x[::-1], -x[::-1]], axis=1)  # (10, 4)


@pytest.mark.parametrize("name", list(STABILITY_MODULES))
def test_activation_modules_stable_in_float32(name):
    """|x| up to 1e4 in float32, forward and backward: no RuntimeWarning (overflow, invalid,
    divide by zero), no NaN, float32 kept. Only Exp may overflow to inf, as documented."""
    x = numnet.Tensor(_extremes(), requires_grad=True)
    module = STABILITY_MODULES[name]()
    with warnings.catch_warnings(), np.errstate(over="warn", invalid="warn", divide="warn"):
        warnings.simplefilter("error", RuntimeWarning)
        out = module(x)
        out.backward(np.ones(out.shape, np.float32))
    assert out.dtype == np.float32 and x.grad.dtype == np.float32
    assert not np.isnan(out.data).any() and not np.isnan(x.grad).any()
    if name != "Exp":
        assert np.isfinite(out.data).all() and np.isfinite(x.grad).all()


@pytest.mark.parametrize("activation", [nn.Sigmoid, nn.Tanh, nn.ArcTan, nn.ReLU, nn.Softplus])
def test_fused_linear_activation_stable_in_float32(activation):
    """The same inputs through Linear+activation fused in Sequential (identity weights)."""
    layer = nn.Linear(4, 4, rng=0, dtype=np.float32)
    layer.weight.data[...] = np.eye(4, dtype=np.float32)
    layer.bias.data[...] = 0
    model = nn.Sequential(layer, activation())
    x = numnet.Tensor(_extremes(), requires_grad=True)
    with warnings.catch_warnings(), np.errstate(over="warn", invalid="warn", divide="warn"):
        warnings.simplefilter("error", RuntimeWarning)
        out = model(x)
        out.backward(np.ones(out.shape, np.float32))
    assert out.dtype == np.float32 and x.grad.dtype == np.float32
    assert np.isfinite(out.data).all() and np.isfinite(x.grad).all()
    assert np.isfinite(layer.weight.grad).all() and np.isfinite(layer.bias.grad).all()


# ============================================================ fixes found on the way
def test_exp_module_takes_an_array():
    """Every activation module takes a plain ndarray; Exp raised AttributeError."""
    x = np.array([[-1.0, 0.5], [2.0, 0.0]])
    for make in ACTIVATIONS.values():
        assert isinstance(make()(x), numnet.Tensor)
    np.testing.assert_array_equal(nn.Exp()(x).data, np.exp(x))


@pytest.mark.parametrize("track_running_stats", [True, False])
def test_batchnorm1d_names_a_feature_count_mismatch(track_running_stats):
    """Input with 3 features into BatchNorm1d(4): a message naming the shapes, not
    NumPy's "cannot reshape" (the case without running statistics)."""
    bn = nn.BatchNorm1d(4, track_running_stats=track_running_stats, dtype=F64)
    with pytest.raises(ValueError, match=r"of shape \(4,\), expected \(3,\)"):
        bn(np.ones((5, 3)))
