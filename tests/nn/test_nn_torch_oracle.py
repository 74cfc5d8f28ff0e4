"""numnet.nn against PyTorch in float64: every layer, activation and loss module.

Each case builds a numnet module in float64 and its torch twin, copies
numnet's parameters and buffers into the twin (``load_state_dict`` with
``torch.from_numpy``, so the names must agree too), runs both on the same
inputs, and compares with rtol 1e-10: the output, then, after the same random
upstream gradient, the gradient of every input (targets included where the
loss is differentiable in them), of every parameter and every buffer.

Modules without a torch twin (Step, ArcTan, Exp, the hinge, perceptron and MAPE
losses) are compared with the torch expression of their documented formula.
Inputs stay away from kinks (ReLU at 0, |x − y| = 0, margins at 1): there the
documented conventions are checked on their own.

The whole file is skipped when torch is not installed.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import numnet  # noqa: E402
from numnet import nn  # noqa: E402

RTOL = 1e-10
ATOL = 1e-12
F64 = np.float64


# --------------------------------------------------------------------- helpers
def _np(t) -> np.ndarray:
    return t.detach().cpu().numpy()


class TorchFn(torch.nn.Module):
    """The torch side of a numnet module that has no torch twin: ``fn(*inputs)``."""

    def __init__(self, fn) -> None:
        super().__init__()
        self.fn = fn

    def forward(self, *args):
        return self.fn(*args)


def _torch_reduce(reduction: str):
    return {"mean": torch.mean, "sum": torch.sum, "none": lambda t: t}[reduction]


def copy_state(module: nn.Module, torch_module) -> None:
    """numnet's parameters and buffers into the torch twin, by name (strict)."""
    state = {name: torch.from_numpy(value.copy()) for name, value in module.state_dict().items()}
    torch_module.load_state_dict(state, strict=True)


def compare(module, torch_module, inputs, differentiable=None, seed=0):
    """Run ``module(*inputs)`` and ``torch_module(*inputs)``; compare values and gradients.

    ``inputs`` are arrays: float ones become leaves (requiring grad where
    ``differentiable`` says so, all by default), integer ones (class indices)
    are passed as they are. Parameter gradients and buffers are compared by
    name, after the step. Returns the numnet output.
    """
    if differentiable is None:
        differentiable = [True] * len(inputs)
    nn_in, t_in = [], []
    for a, d in zip(inputs, differentiable, strict=True):
        a = np.asarray(a)
        if a.dtype.kind == "f":
            nn_in.append(numnet.Tensor(a.astype(F64), requires_grad=d))
            t_in.append(torch.tensor(a.astype(F64), requires_grad=d))
        else:
            nn_in.append(a)
            t_in.append(torch.from_numpy(a))
    module.zero_grad()
    torch_module.zero_grad(set_to_none=True)

    out = module(*nn_in)
    t_out = torch_module(*t_in)
    assert isinstance(out, numnet.Tensor)
    assert out.shape == tuple(t_out.shape), f"shape {out.shape} != torch {tuple(t_out.shape)}"
    assert out.dtype == F64, f"float64 in, {out.dtype} out"
    np.testing.assert_allclose(out.data, _np(t_out), rtol=RTOL, atol=ATOL, err_msg="output")

    G = np.random.default_rng(seed + 1000).standard_normal(out.shape)
    out.backward(G)
    t_out.backward(torch.from_numpy(G.copy()))

    for i, (a, t) in enumerate(zip(nn_in, t_in, strict=True)):
        if not isinstance(a, numnet.Tensor) or not a.requires_grad:
            continue
        expected = np.zeros(a.shape) if t.grad is None else _np(t.grad)
        got = np.zeros(a.shape) if a.grad is None else a.grad
        assert got.shape == a.shape and got.dtype == F64, f"input {i}: {got.shape} {got.dtype}"
        np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL, err_msg=f"input {i}")

    t_params = dict(torch_module.named_parameters())
    params = dict(module.named_parameters())
    assert params.keys() == t_params.keys()
    for name, p in params.items():
        assert p.grad is not None, f"{name} got no gradient"
        np.testing.assert_allclose(
            p.grad, _np(t_params[name].grad), rtol=RTOL, atol=ATOL, err_msg=f"grad of {name}"
        )
    # torch keeps a loss's class weights as buffers; numnet keeps them in the config
    t_buffers = dict(torch_module.named_buffers())
    buffers = dict(module.named_buffers())
    assert buffers.keys() <= t_buffers.keys()
    for name, b in buffers.items():
        np.testing.assert_allclose(b, _np(t_buffers[name]), rtol=RTOL, atol=ATOL, err_msg=name)
    return out


def away_from_zero(rng, shape, margin=0.1):
    x = rng.standard_normal(shape)
    return np.where(x >= 0, x + margin, x - margin)


# ---------------------------------------------------------------- Linear, Flatten
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no-bias"])
@pytest.mark.parametrize("shape", [(5, 4), (2, 5, 4), (4,)], ids=["2d", "3d", "1d"])
def test_linear(bias, shape):
    layer = nn.Linear(4, 3, bias=bias, rng=1, dtype=F64)
    twin = torch.nn.Linear(4, 3, bias=bias, dtype=torch.float64)
    copy_state(layer, twin)
    compare(layer, twin, [np.random.default_rng(2).standard_normal(shape)])


def test_linear_default_init_bounds_and_layout():
    """Weight (out, in) as torch, drawn from U(±1/√in): a state dict that torch accepts."""
    layer = nn.Linear(16, 5, rng=0, dtype=F64)
    twin = torch.nn.Linear(16, 5, dtype=torch.float64)
    copy_state(layer, twin)
    assert tuple(twin.weight.shape) == layer.weight.shape == (5, 16)
    assert np.abs(layer.weight.data).max() <= 0.25 and np.abs(layer.bias.data).max() <= 0.25


@pytest.mark.parametrize(
    ("start", "end"), [(1, -1), (0, -1), (0, 2), (1, 2), (2, 3), (-3, -2), (3, 3)], ids=str
)
def test_flatten(start, end):
    x = np.random.default_rng(3).standard_normal((2, 3, 4, 5))
    compare(nn.Flatten(start, end), torch.nn.Flatten(start, end), [x])


# ---------------------------------------------------------------- BatchNorm1d
def _batchnorm_pair(features, rng, **kwargs):
    bn = nn.BatchNorm1d(features, dtype=F64, **kwargs)
    twin = torch.nn.BatchNorm1d(features, dtype=torch.float64, **kwargs)
    if bn.affine:
        bn.weight.data[...] = rng.uniform(0.5, 2.0, features)
        bn.bias.data[...] = rng.standard_normal(features)
    copy_state(bn, twin)
    return bn, twin


@pytest.mark.parametrize("affine", [True, False], ids=["affine", "no-affine"])
@pytest.mark.parametrize("momentum", [0.1, 0.7, None], ids=["m0.1", "m0.7", "cumulative"])
@pytest.mark.parametrize("shape", [(6, 4), (5, 4, 3)], ids=["NC", "NCL"])
def test_batchnorm1d_train_then_eval(affine, momentum, shape):
    """Four training steps (batch statistics; running statistics and num_batches_tracked
    compared after each), then two steps in eval (running statistics)."""
    rng = np.random.default_rng(4)
    bn, twin = _batchnorm_pair(4, rng, affine=affine, momentum=momentum, eps=1e-3)
    for step in range(4):
        x = rng.standard_normal(shape) * rng.uniform(0.5, 3.0) + rng.uniform(-2, 2)
        compare(bn, twin, [x], seed=step)
    assert int(bn.num_batches_tracked) == 4
    assert not np.allclose(bn.running_var, 1.0)  # the statistics did move
    bn.eval()
    twin.eval()
    for step in range(2):
        compare(bn, twin, [rng.standard_normal(shape) * 2.0], seed=10 + step)
    assert int(bn.num_batches_tracked) == 4  # eval leaves the statistics alone


@pytest.mark.parametrize("affine", [True, False], ids=["affine", "no-affine"])
@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 2)], ids=["NC", "NCL"])
def test_batchnorm1d_without_running_stats(affine, shape):
    """track_running_stats=False: batch statistics in training and in eval alike."""
    rng = np.random.default_rng(5)
    bn, twin = _batchnorm_pair(3, rng, affine=affine, track_running_stats=False)
    compare(bn, twin, [rng.standard_normal(shape)])
    bn.eval()
    twin.eval()
    compare(bn, twin, [rng.standard_normal(shape)], seed=1)


def test_batchnorm1d_loaded_running_stats_in_eval():
    """Eval right after loading arbitrary running statistics (γ, β, μ, σ² all non-trivial)."""
    rng = np.random.default_rng(6)
    bn, _ = _batchnorm_pair(4, rng)
    bn.running_mean[...] = rng.standard_normal(4)
    bn.running_var[...] = rng.uniform(0.2, 3.0, 4)
    twin = torch.nn.BatchNorm1d(4, dtype=torch.float64)
    copy_state(bn, twin)
    bn.eval()
    twin.eval()
    compare(bn, twin, [rng.standard_normal((3, 4, 2))])


# ---------------------------------------------------------------- activations
def _step(x):
    # The binary step with derivative 0 everywhere: the value of (x ≥ 0), the gradient of 0·x.
    return (x >= 0).to(x.dtype) + 0 * x


ACTIVATIONS = [
    pytest.param(lambda: nn.Identity(), lambda: torch.nn.Identity(), id="Identity"),
    pytest.param(lambda: nn.Step(), lambda: TorchFn(_step), id="Step"),
    pytest.param(lambda: nn.Sigmoid(), lambda: torch.nn.Sigmoid(), id="Sigmoid"),
    pytest.param(lambda: nn.Tanh(), lambda: torch.nn.Tanh(), id="Tanh"),
    pytest.param(lambda: nn.ArcTan(), lambda: TorchFn(torch.atan), id="ArcTan"),
    pytest.param(lambda: nn.ReLU(), lambda: torch.nn.ReLU(), id="ReLU"),
    pytest.param(lambda: nn.ELU(), lambda: torch.nn.ELU(), id="ELU"),
    pytest.param(lambda: nn.ELU(0.3), lambda: torch.nn.ELU(0.3), id="ELU-0.3"),
    pytest.param(lambda: nn.ELU(alpha=2.5), lambda: torch.nn.ELU(2.5), id="ELU-2.5"),
    pytest.param(lambda: nn.Softplus(), lambda: torch.nn.Softplus(), id="Softplus"),
    pytest.param(lambda: nn.Softplus(2.0), lambda: torch.nn.Softplus(2.0), id="Softplus-2"),
    pytest.param(lambda: nn.Softplus(0.5), lambda: torch.nn.Softplus(0.5), id="Softplus-0.5"),
    pytest.param(lambda: nn.Softmax(1), lambda: torch.nn.Softmax(1), id="Softmax-1"),
    pytest.param(lambda: nn.Softmax(), lambda: torch.nn.Softmax(-1), id="Softmax-last"),
    pytest.param(lambda: nn.Softmax(axis=0), lambda: torch.nn.Softmax(0), id="Softmax-0"),
    pytest.param(lambda: nn.LogSoftmax(1), lambda: torch.nn.LogSoftmax(1), id="LogSoftmax-1"),
    pytest.param(lambda: nn.LogSoftmax(), lambda: torch.nn.LogSoftmax(-1), id="LogSoftmax-last"),
    pytest.param(lambda: nn.LogSoftmax(0), lambda: torch.nn.LogSoftmax(0), id="LogSoftmax-0"),
    pytest.param(lambda: nn.Exp(), lambda: TorchFn(torch.exp), id="Exp"),
]


@pytest.mark.parametrize(("make", "make_twin"), ACTIVATIONS)
@pytest.mark.parametrize("shape", [(5, 4), (3, 4, 2)], ids=["2d", "3d"])
def test_activation(make, make_twin, shape):
    x = away_from_zero(np.random.default_rng(7), shape) * 2.0
    compare(make(), make_twin(), [x])


def test_activation_modules_accept_arrays():
    """A plain ndarray goes into every activation module, as into torch's a tensor."""
    x = np.array([[-1.5, 0.5], [2.0, -0.25]])
    for param in ACTIVATIONS:
        make, make_twin = param.values
        expected = _np(make_twin()(torch.from_numpy(x)))
        np.testing.assert_allclose(make()(x).data, expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize(
    ("num_parameters", "shape"),
    [(1, (5, 4)), (1, (3, 4, 2)), (4, (5, 4)), (4, (3, 4, 2)), (4, (2, 4, 2, 3))],
    ids=["shared-NC", "shared-NCL", "per-channel-NC", "per-channel-NCL", "per-channel-NCHW"],
)
def test_prelu(num_parameters, shape):
    """α learned: its gradient as well, one shared α or one per channel (axis 1)."""
    rng = np.random.default_rng(8)
    layer = nn.PReLU(num_parameters, init=0.1, dtype=F64)
    layer.weight.data[...] = rng.uniform(0.05, 0.5, num_parameters)
    twin = torch.nn.PReLU(num_parameters, dtype=torch.float64)
    copy_state(layer, twin)
    compare(layer, twin, [away_from_zero(rng, shape)])


def test_prelu_default_init_is_torch():
    layer = nn.PReLU(3, dtype=F64)
    np.testing.assert_array_equal(layer.weight.data, _np(torch.nn.PReLU(3).weight))


@pytest.mark.parametrize("beta", [1.0, 2.0])
def test_softplus_is_exact_past_torch_threshold(beta):
    """numnet computes ln(1 + e^(βx)) / β for every x. torch's default threshold=20
    returns x once βx > 20: within e⁻²⁰ ≈ 2e-9 of the exact value, not within rtol 1e-10.
    Against torch without the threshold, numnet agrees to rtol 1e-10 there too."""
    x = np.linspace(15.0, 45.0, 13) / beta
    exact = TorchFn(lambda t: torch.nn.functional.softplus(t, beta, threshold=1e30))
    compare(nn.Softplus(beta), exact, [x])


def test_relu_derivative_at_zero_is_seed_002_convention():
    """ReLU'(0) = 1 (seed 002, documented); torch takes 0. Everywhere else they agree."""
    x = numnet.Tensor(np.array([-1.0, 0.0, 2.0]), requires_grad=True)
    nn.ReLU()(x).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 1.0])
    t = torch.tensor([-1.0, 0.0, 2.0], dtype=torch.float64, requires_grad=True)
    torch.relu(t).sum().backward()
    np.testing.assert_array_equal(_np(t.grad), [0.0, 0.0, 1.0])


def _big_values(rng, shape):
    """float32 magnitudes from 1e-3 up to 1e4, both signs, with the extremes in."""
    x = rng.choice([-1.0, 1.0], shape) * 10.0 ** rng.uniform(-3, 4, shape)
    extremes = [1e4, -1e4, 88.0, -88.0, 89.0, -104.0, 710.0, -750.0, 20.5, -20.5]
    x.reshape(-1)[: len(extremes)] = extremes
    return x.astype(np.float32)


STABLE = [p for p in ACTIVATIONS if p.id != "Exp"] + [
    pytest.param(lambda: nn.PReLU(4, dtype=np.float32), lambda: torch.nn.PReLU(4), id="PReLU"),
]


@pytest.mark.parametrize(("make", "make_twin"), STABLE)
def test_activation_stable_in_float32_against_torch(make, make_twin):
    """|x| up to 1e4 in float32: no RuntimeWarning, no NaN, float32 out and back, and
    the values and gradients of torch in float64 (to float32 precision)."""
    x32 = _big_values(np.random.default_rng(9), (8, 4))
    x = numnet.Tensor(x32, requires_grad=True)
    G = np.random.default_rng(10).standard_normal((8, 4)).astype(np.float32)
    with warnings.catch_warnings(), np.errstate(over="warn", invalid="warn", divide="warn"):
        warnings.simplefilter("error", RuntimeWarning)
        out = make()(x)
        out.backward(G)
    t = torch.tensor(x32.astype(F64), requires_grad=True)
    t_out = make_twin().double()(t)
    t_out.backward(torch.from_numpy(G.astype(F64)))
    assert out.dtype == np.float32 and x.grad.dtype == np.float32
    assert np.isfinite(out.data).all() and np.isfinite(x.grad).all()
    np.testing.assert_allclose(out.data, _np(t_out), rtol=2e-6, atol=1e-6, err_msg="values")
    np.testing.assert_allclose(x.grad, _np(t.grad), rtol=2e-5, atol=1e-6, err_msg="gradients")


# ---------------------------------------------------------------- losses
def _classes(rng, n=6, classes=4):
    return rng.standard_normal((n, classes)) * 2.0, rng.integers(0, classes, n)


def _ce(weight=False, smoothing=0.0):
    w = np.array([0.3, 1.7, 1.0, 2.5])

    def pair(reduction):
        kwargs = {"reduction": reduction, "label_smoothing": smoothing}
        return (
            nn.CrossEntropyLoss(weight=w if weight else None, **kwargs),
            torch.nn.CrossEntropyLoss(weight=torch.from_numpy(w) if weight else None, **kwargs),
        )

    return pair


def _nll(weight=False):
    w = np.array([0.3, 1.7, 1.0, 2.5])

    def pair(reduction):
        return (
            nn.NLLLoss(weight=w if weight else None, reduction=reduction),
            torch.nn.NLLLoss(weight=torch.from_numpy(w) if weight else None, reduction=reduction),
        )

    return pair


def _log_probs(rng):
    z, y = _classes(rng)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True)), y


def _bce_logits(pos_weight=None):
    def pair(reduction):
        torch_pw = None if pos_weight is None else torch.tensor(pos_weight, dtype=torch.float64)
        return (
            nn.BCEWithLogitsLoss(reduction=reduction, pos_weight=pos_weight),
            torch.nn.BCEWithLogitsLoss(reduction=reduction, pos_weight=torch_pw),
        )

    return pair


def _poisson(log_input, full):
    def pair(reduction):
        kwargs = {"log_input": log_input, "full": full, "reduction": reduction}
        return nn.PoissonNLLLoss(**kwargs), torch.nn.PoissonNLLLoss(**kwargs)

    return pair


def _formula(module, torch_fn):
    """A loss without a torch twin, against the torch expression of its formula."""

    def pair(reduction):
        reduce = _torch_reduce(reduction)
        return module(reduction=reduction), TorchFn(lambda s, y: reduce(torch_fn(s, y)))

    return pair


def _margins(rng, shape, labels, kink):
    """Scores s with margins y·s at least 0.1 from ``kink`` on both sides; y in ``labels``."""
    y = rng.choice(np.asarray(labels, dtype=F64), shape)
    signed = np.where(y > 0, 1.0, -1.0)
    m = kink + rng.choice([-1.0, 1.0], shape) * rng.uniform(0.1, 1.5, shape)
    return signed * m, y


_EPS = float(np.finfo(np.float64).eps)

# name: (module pair(reduction), inputs(rng) -> (input, target), target differentiable)
LOSSES = {
    "MSELoss": (
        lambda r: (nn.MSELoss(reduction=r), torch.nn.MSELoss(reduction=r)),
        lambda rng: (rng.standard_normal((4, 3)), rng.standard_normal((4, 3))),
        True,
    ),
    "L1Loss": (
        lambda r: (nn.L1Loss(reduction=r), torch.nn.L1Loss(reduction=r)),
        lambda rng: (lambda y: (y + away_from_zero(rng, y.shape), y))(rng.standard_normal(7)),
        True,
    ),
    "MAPELoss": (
        _formula(nn.MAPELoss, lambda x, y: torch.abs(x - y) / torch.clamp(y.abs(), min=_EPS)),
        lambda rng: (lambda y: (y + away_from_zero(rng, y.shape), y))(away_from_zero(rng, (3, 4))),
        False,
    ),
    "BCELoss": (
        lambda r: (nn.BCELoss(reduction=r), torch.nn.BCELoss(reduction=r)),
        lambda rng: (rng.uniform(0.02, 0.98, (5, 3)), rng.uniform(0.0, 1.0, (5, 3))),
        True,
    ),
    "BCELoss-hard": (
        lambda r: (nn.BCELoss(reduction=r), torch.nn.BCELoss(reduction=r)),
        lambda rng: (rng.uniform(0.02, 0.98, 8), rng.integers(0, 2, 8).astype(F64)),
        True,
    ),
    "BCEWithLogitsLoss": (
        _bce_logits(),
        lambda rng: (rng.standard_normal((5, 3)) * 4, rng.uniform(0.0, 1.0, (5, 3))),
        True,
    ),
    "BCEWithLogitsLoss-pos_weight": (
        _bce_logits([0.5, 2.0, 3.5]),
        lambda rng: (rng.standard_normal((5, 3)) * 4, rng.uniform(0.0, 1.0, (5, 3))),
        True,
    ),
    "BCEWithLogitsLoss-pos_weight-scalar": (
        _bce_logits(2.5),
        lambda rng: (rng.standard_normal((2, 5, 3)) * 4, rng.uniform(0.0, 1.0, (2, 5, 3))),
        True,
    ),
    "CrossEntropyLoss": (_ce(), _classes, False),
    "CrossEntropyLoss-weight": (_ce(weight=True), _classes, False),
    "CrossEntropyLoss-smoothing": (_ce(smoothing=0.15), _classes, False),
    "CrossEntropyLoss-weight-smoothing": (_ce(weight=True, smoothing=0.3), _classes, False),
    "CrossEntropyLoss-smoothing-1": (_ce(weight=True, smoothing=1.0), _classes, False),
    "NLLLoss": (_nll(), _log_probs, False),
    "NLLLoss-weight": (_nll(weight=True), _log_probs, False),
    "HingeLoss-pm1": (
        _formula(nn.HingeLoss, lambda s, y: torch.clamp(1 - y * s, min=0)),
        lambda rng: _margins(rng, (9,), [-1, 1], kink=1.0),
        False,
    ),
    "HingeLoss-01": (
        _formula(nn.HingeLoss, lambda s, y: torch.clamp(1 - (2 * y - 1) * s, min=0)),
        lambda rng: _margins(rng, (3, 4), [0, 1], kink=1.0),
        False,
    ),
    "PerceptronLoss-pm1": (
        _formula(nn.PerceptronLoss, lambda s, y: torch.clamp(-y * s, min=0)),
        lambda rng: _margins(rng, (9,), [-1, 1], kink=0.0),
        False,
    ),
    "PerceptronLoss-01": (
        _formula(nn.PerceptronLoss, lambda s, y: torch.clamp(-(2 * y - 1) * s, min=0)),
        lambda rng: _margins(rng, (3, 4), [0, 1], kink=0.0),
        False,
    ),
}
for _log_input in (True, False):
    for _full in (False, True):
        LOSSES[f"PoissonNLLLoss-log_input={_log_input}-full={_full}"] = (
            _poisson(_log_input, _full),
            lambda rng, li=_log_input: (
                rng.standard_normal((4, 3)) if li else rng.uniform(0.1, 4.0, (4, 3)),
                rng.poisson(2.0, (4, 3)).astype(F64),  # 0, 1 and above: every Stirling branch
            ),
            False,
        )


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", list(LOSSES))
def test_loss(name, reduction):
    pair, make_inputs, target_differentiable = LOSSES[name]
    loss, twin = pair(reduction)
    x, y = make_inputs(np.random.default_rng(11))
    compare(loss, twin, [x, y], differentiable=[True, target_differentiable])


@pytest.mark.parametrize("loss", [nn.MAPELoss(), nn.PoissonNLLLoss()], ids=["MAPE", "Poisson"])
def test_loss_refuses_a_differentiable_target(loss):
    """MAPE and Poisson NLL give no gradient to the target (torch would): they say so."""
    x = numnet.Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(ValueError, match="target must not require gradients"):
        loss(x, numnet.Tensor(np.full(3, 2.0), requires_grad=True))


def test_bce_target_gradient_where_the_log_is_clamped():
    """At p = 0 or 1 each log is clamped at −100. numnet's dℓ/dy is the derivative of
    that clamped loss (±100, finite); torch's target gradient ignores the clamp (±inf)."""
    p = numnet.Tensor(np.array([0.0, 1.0, 0.25]), requires_grad=True)
    y = numnet.Tensor(np.array([0.3, 0.6, 0.5]), requires_grad=True)
    nn.BCELoss(reduction="none")(p, y).sum().backward()
    np.testing.assert_allclose(y.grad, [100.0, -100.0, np.log(0.75 / 0.25)], rtol=1e-15)


@pytest.mark.parametrize("kink", ["hinge", "perceptron"])
def test_margin_losses_subgradient_at_the_kink_is_zero(kink):
    """At the kink (y·s = 1 for hinge, 0 for perceptron) numnet takes subgradient 0,
    as documented; torch's clamp(min=0) would pass −y. Off the kink both agree."""
    loss = nn.HingeLoss(reduction="sum") if kink == "hinge" else nn.PerceptronLoss("sum")
    at = 1.0 if kink == "hinge" else 0.0
    s = numnet.Tensor(np.array([at, -at, 5.0, -5.0]), requires_grad=True)
    loss(s, np.array([1.0, -1.0, -1.0, 1.0])).backward()
    np.testing.assert_array_equal(s.grad, [0.0, 0.0, 1.0, -1.0])


def test_mape_zero_target_is_huge_but_finite():
    """A zero target divides by eps (as scikit-learn): finite, and torch's clamp agrees."""
    x = np.array([1.0, 0.0, 2.0])
    y = np.array([0.0, 0.0, 1.0])
    twin = TorchFn(lambda a, b: torch.abs(a - b) / torch.clamp(b.abs(), min=_EPS))
    out = compare(nn.MAPELoss(reduction="none"), twin, [x, y], differentiable=[True, False])
    assert np.isfinite(out.data).all() and out.data[0] == 1 / _EPS


# ---------------------------------------------------------------- dropout and noise
@pytest.mark.parametrize("mode", ["inverted", "classic"])
def test_dropout_against_torch_with_the_same_mask(mode):
    """Training: torch's x · mask / (1 − p) (inverted) or x · mask (classic) with numnet's
    mask; eval: torch's Dropout (identity) or x · (1 − p) (classic)."""
    p = 0.3
    x = away_from_zero(np.random.default_rng(12), (6, 5))
    drop = nn.Dropout(p, mode=mode, rng=3)
    mask = nn.Dropout(p, mode=mode, rng=3)(x).data != 0  # the mask the same seed draws
    assert 0 < mask.sum() < mask.size
    scale = 1 / (1 - p) if mode == "inverted" else 1.0
    keep = torch.from_numpy(mask.astype(F64))
    compare(drop, TorchFn(lambda t: t * keep * scale), [x])
    drop.eval()
    twin = torch.nn.Dropout(p).eval() if mode == "inverted" else TorchFn(lambda t: t * (1 - p))
    compare(drop, twin, [x])


def test_gaussian_noise_against_torch_with_the_same_noise():
    x = np.random.default_rng(13).standard_normal((4, 3))
    noise = nn.GaussianNoise(0.5, rng=4)(x).data - x
    assert np.abs(noise).max() > 0
    layer = nn.GaussianNoise(0.5, rng=4)
    compare(layer, TorchFn(lambda t: t + torch.from_numpy(noise)), [x])
    layer.eval()
    compare(layer, torch.nn.Identity(), [x])


# ---------------------------------------------------------------- whole models
def _mlp():
    """A Linear/activation mix: fused pairs (tanh, relu, sigmoid, softplus, arctan,
    identity) and unfused modules between them (BatchNorm1d, PReLU, bias-free Linear)."""
    layers = [
        nn.Linear(3, 8, rng=1, dtype=F64), nn.Tanh(),
        nn.Linear(8, 6, bias=False, rng=2, dtype=F64), nn.ReLU(),
        nn.BatchNorm1d(6, dtype=F64),
        nn.Linear(6, 6, rng=3, dtype=F64), nn.Sigmoid(),
        nn.Linear(6, 5, rng=4, dtype=F64), nn.Softplus(),
        nn.PReLU(5, dtype=F64),
        nn.Linear(5, 5, rng=5, dtype=F64), nn.ArcTan(),
        nn.Linear(5, 4, rng=6, dtype=F64), nn.Identity(),
        nn.Linear(4, 3, rng=7, dtype=F64),
    ]  # fmt: skip
    twins = [
        torch.nn.Linear(3, 8), torch.nn.Tanh(),
        torch.nn.Linear(8, 6, bias=False), torch.nn.ReLU(),
        torch.nn.BatchNorm1d(6),
        torch.nn.Linear(6, 6), torch.nn.Sigmoid(),
        torch.nn.Linear(6, 5), torch.nn.Softplus(),
        torch.nn.PReLU(5),
        torch.nn.Linear(5, 5), TorchFn(torch.atan),
        torch.nn.Linear(5, 4), torch.nn.Identity(),
        torch.nn.Linear(4, 3),
    ]  # fmt: skip
    model, twin = nn.Sequential(*layers), torch.nn.Sequential(*twins).double()
    copy_state(model, twin)
    return model, twin


def test_sequential_mlp_fused_path():
    """Outputs and every parameter's gradient of the whole network, running statistics
    included, through the fused Linear+activation nodes."""
    model, twin = _mlp()
    x = np.random.default_rng(14).standard_normal((10, 3))
    compare(model, twin, [x])
    assert model[:2](numnet.Tensor(x))._op == "dense"  # Linear+Tanh ran as one fused node
    model.eval()
    twin.eval()
    compare(model, twin, [x], seed=1)


def test_sequential_mlp_training_steps_with_cross_entropy():
    """Five steps of plain gradient descent on both: the loss, the parameters, the
    gradients and the running statistics stay equal at every step."""
    model, twin = _mlp()
    loss_fn, t_loss_fn = nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()
    rng = np.random.default_rng(15)
    for step in range(5):
        x, y = rng.standard_normal((12, 3)), rng.integers(0, 3, 12)
        model.zero_grad()
        twin.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        t_loss = t_loss_fn(twin(torch.from_numpy(x)), torch.from_numpy(y))
        np.testing.assert_allclose(loss.item(), t_loss.item(), rtol=RTOL, err_msg=f"step {step}")
        loss.backward()
        t_loss.backward()
        t_params = dict(twin.named_parameters())
        for name, p in model.named_parameters():
            tp = t_params[name]
            np.testing.assert_allclose(p.grad, _np(tp.grad), rtol=RTOL, atol=ATOL, err_msg=name)
            p.data -= 0.5 * p.grad
            with torch.no_grad():
                tp -= 0.5 * tp.grad
    t_state = twin.state_dict()
    for name, value in model.state_dict().items():
        np.testing.assert_allclose(value, _np(t_state[name]), rtol=1e-9, atol=ATOL, err_msg=name)
