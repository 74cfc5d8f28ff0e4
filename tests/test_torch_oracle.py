"""PyTorch as an oracle: every op and function of numnet, values and gradients, float64.

Each case runs a numnet function and the equivalent torch function on the same
float64 inputs (from a seeded NumPy Generator), compares the outputs with
rtol 1e-10, backpropagates the same random upstream gradient through both, and
compares every input's gradient with rtol 1e-10.

The whole file is skipped when torch is not installed.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as TF  # noqa: E402

import numnet as nn  # noqa: E402
import numnet.functional as F  # noqa: E402

RTOL = 1e-10
ATOL = 1e-12


# --------------------------------------------------------------------- helper
def _np(t) -> np.ndarray:
    return t.detach().cpu().numpy()


def check_against_torch(nn_fn, torch_fn, inputs, seed=0, rtol=RTOL, atol=ATOL):
    """Compare ``nn_fn(*inputs)`` with ``torch_fn(*inputs)``: values, then gradients.

    ``inputs`` are float64 arrays; each becomes a numnet and a torch leaf that
    requires grad. The same random upstream gradient G is passed to
    ``backward`` on both sides. A gradient torch leaves as ``None`` (input not
    used) must be absent or zero on the numnet side, and vice versa.
    """
    inputs = [np.asarray(a, dtype=np.float64) for a in inputs]
    nn_in = [nn.Tensor(a.copy(), requires_grad=True) for a in inputs]
    t_in = [torch.tensor(a.copy(), dtype=torch.float64, requires_grad=True) for a in inputs]

    out = nn_fn(*nn_in)
    t_out = torch_fn(*t_in)
    assert isinstance(out, nn.Tensor), f"numnet returned {type(out).__name__}, not a Tensor"
    assert out.shape == tuple(t_out.shape), f"shape {out.shape} != torch {tuple(t_out.shape)}"
    assert out.dtype == np.float64, f"float64 inputs gave a {out.dtype} output"
    np.testing.assert_allclose(out.data, _np(t_out), rtol=rtol, atol=atol, err_msg="values")

    G = np.asarray(np.random.default_rng(seed + 12345).standard_normal(out.shape))
    assert out.requires_grad, "output does not require grad although its inputs do"
    out.backward(grad=G)
    t_out.backward(torch.from_numpy(G.copy()))

    for i, (a, t) in enumerate(zip(nn_in, t_in, strict=True)):
        expected = np.zeros(a.shape) if t.grad is None else _np(t.grad)
        got = np.zeros(a.shape) if a.grad is None else a.grad
        assert got.shape == a.shape, f"input {i}: grad shape {got.shape} != {a.shape}"
        assert got.dtype == np.float64, f"input {i}: grad dtype {got.dtype}"
        np.testing.assert_allclose(
            got, expected, rtol=rtol, atol=atol, err_msg=f"gradient of input {i}"
        )


# ---------------------------------------------------------------- input makers
def normal(*shape):
    return lambda rng: rng.standard_normal(shape)


def positive(*shape, low=0.5, high=2.0):
    return lambda rng: rng.uniform(low, high, shape)


def away_from_zero(*shape):
    """Normal samples pushed at least 0.1 away from 0 (kinks of relu, abs, ...)."""

    def make(rng):
        x = rng.standard_normal(shape)
        return np.where(x >= 0, x + 0.1, x - 0.1)

    return make


def ties(*shape, values=(-1.0, 0.5, 2.0)):
    """Few distinct values, so reductions and maximum/minimum meet many ties."""
    return lambda rng: rng.choice(np.asarray(values), size=shape)


def inputs_of(*makers):
    return lambda rng: [m(rng) for m in makers]


# A case: (id, make_inputs(rng) -> list of arrays, numnet fn, torch fn)
CASES: list = []


def case(name, makers, nn_fn, torch_fn):
    CASES.append(pytest.param(inputs_of(*makers), nn_fn, torch_fn, id=name))


def _const(seed, *shape):
    return np.random.default_rng(seed).standard_normal(shape)


# ---------------------------------------------------------------- arithmetic
_C = _const(7, 3, 4)
_INT = np.arange(12, dtype=np.int64).reshape(3, 4) - 5
for _name, _sa, _sb in [
    ("same", (3, 4), (3, 4)),
    ("row", (3, 4), (4,)),
    ("col", (3, 4), (3, 1)),
    ("outer", (3, 1), (1, 4)),
    ("lead", (2, 3, 4), (3, 4)),
    ("0d", (3, 4), ()),
    ("0d_left", (), (3, 4)),
]:
    case(f"add-{_name}", [normal(*_sa), normal(*_sb)], lambda a, b: a + b, lambda a, b: a + b)
    case(f"sub-{_name}", [normal(*_sa), normal(*_sb)], lambda a, b: a - b, lambda a, b: a - b)
    case(f"mul-{_name}", [normal(*_sa), normal(*_sb)], lambda a, b: a * b, lambda a, b: a * b)
    case(
        f"div-{_name}",
        [normal(*_sa), away_from_zero(*_sb)],
        lambda a, b: a / b,
        lambda a, b: a / b,
    )

for _name, _nfn, _tfn in [
    ("add-scalar-right", lambda x: x + 2.5, lambda x: x + 2.5),
    ("add-scalar-left", lambda x: 2.5 + x, lambda x: 2.5 + x),
    ("add-int-right", lambda x: x + 3, lambda x: x + 3),
    ("sub-scalar-right", lambda x: x - 2.5, lambda x: x - 2.5),
    ("sub-scalar-left", lambda x: 2.5 - x, lambda x: 2.5 - x),
    ("mul-scalar-right", lambda x: x * -1.5, lambda x: x * -1.5),
    ("mul-scalar-left", lambda x: -1.5 * x, lambda x: -1.5 * x),
    ("div-scalar-right", lambda x: x / 3.0, lambda x: x / 3.0),
    ("div-scalar-left", lambda x: 3.0 / x, lambda x: 3.0 / x),
    ("add-ndarray-left", lambda x: _C + x, lambda x: torch.from_numpy(_C) + x),
    ("mul-ndarray-left", lambda x: _C * x, lambda x: torch.from_numpy(_C) * x),
    ("sub-ndarray-left", lambda x: _C - x, lambda x: torch.from_numpy(_C) - x),
    ("div-ndarray-right", lambda x: x / _C, lambda x: x / torch.from_numpy(_C)),
    ("mul-int-tensor", lambda x: x * nn.Tensor(_INT), lambda x: x * torch.from_numpy(_INT)),
    ("neg", lambda x: -x, lambda x: -x),
    ("self-mul", lambda x: x * x, lambda x: x * x),
    ("reuse-chain", lambda x: (x * 2 + x) * x - x / 4, lambda x: (x * 2 + x) * x - x / 4),
]:
    case(_name, [away_from_zero(3, 4)], _nfn, _tfn)

# pow: scalar exponents (any sign of base where defined), tensor exponents, scalar base
for _p in (2, 3, 2.0, -1, -2.5, 0.5, 1.7):
    _make = away_from_zero(3, 4) if float(_p).is_integer() else positive(3, 4)
    case(f"pow-scalar-{_p}", [_make], lambda x, p=_p: x**p, lambda x, p=_p: x**p)
case("pow-tensor", [positive(3, 4), normal(3, 4)], lambda a, b: a**b, lambda a, b: a**b)
case("pow-tensor-bcast", [positive(3, 4), normal(4)], lambda a, b: a**b, lambda a, b: a**b)
case("pow-tensor-0d-exp", [positive(3, 4), normal()], lambda a, b: a**b, lambda a, b: a**b)
case("pow-scalar-base", [normal(3, 4)], lambda x: 2.0**x, lambda x: 2.0**x)
case("pow-scalar-base-e", [normal(3, 4)], lambda x: 0.3**x, lambda x: 0.3**x)

# matmul
for _name, _sa, _sb in [
    ("2d", (3, 4), (4, 5)),
    ("batched", (2, 3, 4), (2, 4, 5)),
    ("bcast-batch-left", (2, 3, 4), (4, 5)),
    ("bcast-batch-right", (3, 4), (2, 4, 5)),
    ("bcast-batch-ones", (2, 1, 3, 4), (1, 3, 4, 5)),
    ("1d-2d", (4,), (4, 5)),
    ("2d-1d", (3, 4), (4,)),
    ("1d-3d", (4,), (2, 4, 5)),
    ("3d-1d", (2, 3, 4), (4,)),
    ("1d-1d", (4,), (4,)),
]:
    case(f"matmul-{_name}", [normal(*_sa), normal(*_sb)], lambda a, b: a @ b, lambda a, b: a @ b)
case(
    "matmul-function",
    [normal(3, 4), normal(4, 2)],
    lambda a, b: nn.matmul(a, b),
    lambda a, b: torch.matmul(a, b),
)
case(
    "rmatmul-ndarray",
    [normal(4, 2)],
    lambda b: _C @ b,
    lambda b: torch.from_numpy(_C) @ b,
)


# ---------------------------------------------------------------- reductions
def _dims(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    return axis


_AXES = [None, 0, 1, -1, (0, 2), (-1, 0), (0, 1, 2)]
for _axis in _AXES:
    for _keep in (False, True):
        _tag = f"axis={_axis}-keepdims={_keep}"
        case(
            f"sum-{_tag}",
            [normal(2, 3, 4)],
            lambda x, a=_axis, k=_keep: x.sum(axis=a, keepdims=k),
            lambda x, a=_axis, k=_keep: torch.sum(x, dim=_dims(a, x.ndim), keepdim=k),
        )
        case(
            f"mean-{_tag}",
            [normal(2, 3, 4)],
            lambda x, a=_axis, k=_keep: x.mean(axis=a, keepdims=k),
            lambda x, a=_axis, k=_keep: torch.mean(x, dim=_dims(a, x.ndim), keepdim=k),
        )
        for _ddof in (0, 1):
            case(
                f"var-ddof={_ddof}-{_tag}",
                [normal(2, 3, 4)],
                lambda x, a=_axis, k=_keep, d=_ddof: x.var(axis=a, keepdims=k, ddof=d),
                lambda x, a=_axis, k=_keep, d=_ddof: torch.var(
                    x, dim=_dims(a, x.ndim), keepdim=k, correction=d
                ),
            )
        for _make, _kind in ((normal(2, 3, 4), "distinct"), (ties(2, 3, 4), "ties")):
            case(
                f"max-{_kind}-{_tag}",
                [_make],
                lambda x, a=_axis, k=_keep: x.max(axis=a, keepdims=k),
                lambda x, a=_axis, k=_keep: torch.amax(x, dim=_dims(a, x.ndim), keepdim=k),
            )
            case(
                f"min-{_kind}-{_tag}",
                [_make],
                lambda x, a=_axis, k=_keep: x.min(axis=a, keepdims=k),
                lambda x, a=_axis, k=_keep: torch.amin(x, dim=_dims(a, x.ndim), keepdim=k),
            )
case("max-all-equal", [ties(3, 4, values=(1.5,))], lambda x: x.max(), lambda x: torch.amax(x))
case("min-all-equal", [ties(3, 4, values=(1.5,))], lambda x: x.min(), lambda x: torch.amin(x))
case("sum-1d", [normal(5)], lambda x: x.sum(), lambda x: x.sum())
case("var-1d-ddof1", [normal(5)], lambda x: x.var(ddof=1), lambda x: torch.var(x, correction=1))
case("var-ddof2", [normal(6, 3)], lambda x: x.var(axis=0, ddof=2), lambda x: x.var(0, correction=2))

# ---------------------------------------------------------------- shape ops
for _name, _nfn, _tfn in [
    ("reshape-flat", lambda x: x.reshape(-1), lambda x: x.reshape(-1)),
    ("reshape-args", lambda x: x.reshape(4, 6), lambda x: x.reshape(4, 6)),
    ("reshape-tuple", lambda x: x.reshape((3, -1, 2)), lambda x: x.reshape((3, -1, 2))),
    ("transpose-reverse", lambda x: x.transpose(), lambda x: x.permute(2, 1, 0)),
    ("T", lambda x: x.T, lambda x: x.permute(2, 1, 0)),
    ("transpose-perm", lambda x: x.transpose(1, 2, 0), lambda x: x.permute(1, 2, 0)),
    ("transpose-tuple", lambda x: x.transpose((2, 0, 1)), lambda x: x.permute(2, 0, 1)),
    ("transpose-negative", lambda x: x.transpose(-1, 0, 1), lambda x: x.permute(2, 0, 1)),
    ("swapaxes", lambda x: x.swapaxes(0, 2), lambda x: torch.swapaxes(x, 0, 2)),
    ("swapaxes-neg", lambda x: x.swapaxes(-1, -2), lambda x: torch.swapaxes(x, -1, -2)),
    ("flatten", lambda x: x.flatten(), lambda x: torch.flatten(x)),
    ("flatten-1", lambda x: x.flatten(1), lambda x: torch.flatten(x, 1)),
    ("flatten-0-1", lambda x: x.flatten(0, 1), lambda x: torch.flatten(x, 0, 1)),
    ("flatten-1--1", lambda x: x.flatten(1, -1), lambda x: torch.flatten(x, 1, -1)),
    ("flatten-neg", lambda x: x.flatten(-2, -1), lambda x: torch.flatten(x, -2, -1)),
]:
    case(_name, [normal(2, 3, 4)], _nfn, _tfn)
case("T-2d", [normal(3, 4)], lambda x: x.T, lambda x: x.T)

# getitem: (numnet index, torch index)
_IDX_ROWS = np.array([0, 2, 0, 3, 0])
_MASK = np.random.default_rng(3).random((4, 5, 3)) < 0.5
_ROWMASK = np.array([True, False, True, True])
for _name, _ni, _ti in [
    ("int", 1, 1),
    ("neg-int", -1, -1),
    ("slice", slice(1, 3), slice(1, 3)),
    ("slice-step", (slice(None), slice(None, None, 2)), (slice(None), slice(None, None, 2))),
    ("ellipsis", (Ellipsis, 1), (Ellipsis, 1)),
    ("none", (None, slice(1, None), -1), (None, slice(1, None), -1)),
    ("int-array-repeats", _IDX_ROWS, torch.from_numpy(_IDX_ROWS)),
    ("list-repeats-axis1", (slice(None), [1, 1, 4]), (slice(None), [1, 1, 4])),
    ("two-arrays", ([0, 1, 1, 1], [2, 2, 0, 2]), ([0, 1, 1, 1], [2, 2, 0, 2])),
    ("int-and-array", (1, [0, 0, 2]), (1, [0, 0, 2])),
    ("neg-array", np.array([-1, -1, 0]), torch.tensor([-1, -1, 0])),
    ("bool-mask-full", _MASK, torch.from_numpy(_MASK)),
    ("bool-mask-rows", _ROWMASK, torch.from_numpy(_ROWMASK)),
    ("bool-mask-rows-slice", (_ROWMASK, slice(1, 3)), (torch.from_numpy(_ROWMASK), slice(1, 3))),
    ("tensor-index", nn.Tensor(_IDX_ROWS), torch.from_numpy(_IDX_ROWS)),
]:
    case(f"getitem-{_name}", [normal(4, 5, 3)], lambda x, i=_ni: x[i], lambda x, i=_ti: x[i])

for _axis in (0, 1, -1):
    _shapes = [[2, 3, 4], [2, 3, 4], [2, 3, 4]]
    for _k, _n in enumerate((1, 2, 3)):
        _shapes[_k][_axis] = _n
    case(
        f"concatenate-axis={_axis}",
        [normal(*s) for s in _shapes],
        lambda a, b, c, ax=_axis: nn.concatenate([a, b, c], axis=ax),
        lambda a, b, c, ax=_axis: torch.cat([a, b, c], dim=ax),
    )
for _axis in (0, 1, 2, -1):
    case(
        f"stack-axis={_axis}",
        [normal(2, 3), normal(2, 3), normal(2, 3)],
        lambda a, b, c, ax=_axis: nn.stack([a, b, c], axis=ax),
        lambda a, b, c, ax=_axis: torch.stack([a, b, c], dim=ax),
    )
case(
    "concatenate-reuse",
    [normal(2, 3)],
    lambda a: nn.concatenate([a, a * 2], axis=0),
    lambda a: torch.cat([a, a * 2], dim=0),
)

# ---------------------------------------------------------------- elementwise
_COND = np.random.default_rng(5).random((3, 4)) < 0.5
for _name, _make, _nfn, _tfn in [
    ("exp", normal(3, 4), nn.exp, torch.exp),
    ("exp-method", normal(3, 4), lambda x: x.exp(), lambda x: x.exp()),
    ("log", positive(3, 4), nn.log, torch.log),
    ("log-method", positive(3, 4), lambda x: x.log(), lambda x: x.log()),
    ("sqrt", positive(3, 4), nn.sqrt, torch.sqrt),
    ("sqrt-method", positive(3, 4), lambda x: x.sqrt(), lambda x: x.sqrt()),
    ("abs", away_from_zero(3, 4), nn.abs, torch.abs),
    ("abs-builtin", away_from_zero(3, 4), lambda x: abs(x), lambda x: abs(x)),
    ("clip", normal(3, 4), lambda x: nn.clip(x, -0.5, 0.7), lambda x: torch.clamp(x, -0.5, 0.7)),
    ("clip-min", normal(3, 4), lambda x: nn.clip(x, min=-0.2), lambda x: torch.clamp(x, min=-0.2)),
    ("clip-max", normal(3, 4), lambda x: nn.clip(x, max=0.3), lambda x: torch.clamp(x, max=0.3)),
    # values exactly on the bounds: the gradient passes there in both libraries
    ("clip-at-bounds", ties(3, 4, values=(-1.0, -0.5, 0.0, 0.5, 1.0)),
     lambda x: x.clip(-0.5, 0.5), lambda x: torch.clamp(x, -0.5, 0.5)),
    ("where", normal(3, 4), lambda x: nn.where(_COND, x, -x * 2),
     lambda x: torch.where(torch.from_numpy(_COND), x, -x * 2)),
]:  # fmt: skip
    case(_name, [_make], _nfn, _tfn)

for _name, _ma, _mb in [
    ("same", normal(3, 4), normal(3, 4)),
    ("bcast", normal(3, 4), normal(4)),
    ("ties", ties(3, 4), ties(3, 4)),
    ("ties-bcast", ties(3, 4), ties(3, 1)),
]:
    case(f"maximum-{_name}", [_ma, _mb], nn.maximum, torch.maximum)
    case(f"minimum-{_name}", [_ma, _mb], nn.minimum, torch.minimum)
    case(f"maximum-method-{_name}", [_ma, _mb], lambda a, b: a.maximum(b), torch.maximum)
case(
    "maximum-scalar",
    [ties(3, 4, values=(-1.0, 0.0, 1.0))],
    lambda x: nn.maximum(x, 0.0),
    lambda x: torch.maximum(x, torch.zeros((), dtype=torch.float64)),
)
case(
    "where-two-tensors-bcast",
    [normal(3, 4), normal(4)],
    lambda a, b: nn.where(_COND, a, b),
    lambda a, b: torch.where(torch.from_numpy(_COND), a, b),
)
case(
    "where-tensor-cond",
    [normal(3, 4)],
    lambda x: nn.where(x > 0.1, x * x, 0.0),
    lambda x: torch.where(x > 0.1, x * x, 0.0),
)


# ---------------------------------------------------------------- activations
def _torch_step(x):
    # torch.heaviside has no derivative: add 0·x so the graph gives the zero gradient.
    return torch.heaviside(x.detach(), torch.ones((), dtype=x.dtype)) + 0 * x


for _name, _make, _nfn, _tfn in [
    ("identity", normal(3, 4), F.identity, lambda x: x),
    ("identity-used", normal(3, 4), lambda x: F.identity(x) * 3, lambda x: x * 3),
    ("step", away_from_zero(3, 4), F.step, _torch_step),
    ("step-at-zero", ties(3, 4, values=(-1.0, 0.0, 1.0)), F.step, _torch_step),
    ("sigmoid", normal(3, 4), F.sigmoid, torch.sigmoid),
    ("tanh", normal(3, 4), F.tanh, torch.tanh),
    ("arctan", normal(3, 4), F.arctan, torch.atan),
    ("relu", away_from_zero(3, 4), F.relu, torch.relu),
    ("prelu-scalar-alpha", away_from_zero(3, 4), lambda x: F.prelu(x, 0.25),
     lambda x: TF.prelu(x, torch.tensor([0.25], dtype=torch.float64))),
    ("elu", away_from_zero(3, 4), F.elu, TF.elu),
    ("elu-alpha", away_from_zero(3, 4), lambda x: F.elu(x, 0.7), lambda x: TF.elu(x, 0.7)),
    ("softplus", normal(3, 4), F.softplus, TF.softplus),
    ("softplus-beta2", normal(3, 4), lambda x: F.softplus(x, beta=2.0),
     lambda x: TF.softplus(x, beta=2.0)),
    ("softplus-beta0.5", normal(3, 4), lambda x: F.softplus(x, beta=0.5),
     lambda x: TF.softplus(x, beta=0.5)),
    ("functional-exp", normal(3, 4), F.exp, torch.exp),
    ("dropout-eval", normal(3, 4), lambda x: F.dropout(x, 0.5, training=False),
     lambda x: TF.dropout(x, 0.5, training=False)),
    ("dropout-p0", normal(3, 4), lambda x: F.dropout(x, 0.0),
     lambda x: TF.dropout(x, 0.0, training=True)),
]:  # fmt: skip
    case(_name, [_make], _nfn, _tfn)

case(
    "prelu-per-feature",
    [away_from_zero(6, 4), positive(4, low=0.05, high=0.5)],
    F.prelu,
    TF.prelu,
)


def _dropout_mask(shape, p, seed):
    """The mask numnet's dropout draws for ``rng=seed``: kept with probability 1 − p, scaled."""
    return (np.random.default_rng(seed).random(shape) < 1 - p) / (1 - p)


case(
    "dropout-train-seeded",
    [normal(5, 6)],
    lambda x: F.dropout(x, 0.3, training=True, rng=11),
    lambda x: x * torch.from_numpy(_dropout_mask((5, 6), 0.3, 11)),
)

for _axis in (0, 1, 2, -1):
    case(
        f"softmax-axis={_axis}",
        [normal(2, 3, 4)],
        lambda x, a=_axis: F.softmax(x, axis=a),
        lambda x, a=_axis: torch.softmax(x, dim=a),
    )
    case(
        f"log_softmax-axis={_axis}",
        [normal(2, 3, 4)],
        lambda x, a=_axis: F.log_softmax(x, axis=a),
        lambda x, a=_axis: torch.log_softmax(x, dim=a),
    )
case("softmax-default", [normal(5, 3)], F.softmax, lambda x: torch.softmax(x, dim=-1))
case("log_softmax-default", [normal(5, 3)], F.log_softmax, lambda x: torch.log_softmax(x, -1))

# linear: numnet W is (in, out); torch F.linear takes (out, in)
for _name, _xs in [("1d", (4,)), ("2d", (5, 4)), ("3d", (2, 5, 4))]:
    case(
        f"linear-{_name}-bias",
        [normal(*_xs), normal(4, 3), normal(3)],
        F.linear,
        lambda x, w, b: TF.linear(x, w.T, b),
    )
    case(
        f"linear-{_name}-nobias",
        [normal(*_xs), normal(4, 3)],
        F.linear,
        lambda x, w: TF.linear(x, w.T),
    )

# dense: f(x W + b) in one node against torch's activation of F.linear
_TORCH_ACTIVATIONS = {
    "identity": lambda z: z,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "arctan": torch.atan,
    "relu": torch.relu,
    "softplus": TF.softplus,
}
assert set(_TORCH_ACTIVATIONS) == set(F.DENSE_ACTIVATIONS)
for _act, _torch_act in _TORCH_ACTIVATIONS.items():
    for _name, _xs in [("2d", (5, 4)), ("3d", (2, 5, 4))]:
        case(
            f"dense-{_act}-{_name}",
            [normal(*_xs), normal(4, 3), normal(3)],
            lambda x, w, b, a=_act: F.dense(x, w, b, activation=a),
            lambda x, w, b, f=_torch_act: f(TF.linear(x, w.T, b)),
        )
    case(
        f"dense-{_act}-nobias",
        [normal(5, 4), normal(4, 3)],
        lambda x, w, a=_act: F.dense(x, w, activation=a),
        lambda x, w, f=_torch_act: f(TF.linear(x, w.T)),
    )

# ---------------------------------------------------------------- losses
_TARGETS = np.array([2, 0, 1, 2, 2, 4], dtype=np.int64)
for _red in ("mean", "sum", "none"):
    case(
        f"cross_entropy-{_red}",
        [normal(6, 5)],
        lambda z, r=_red: F.cross_entropy(z, _TARGETS, reduction=r),
        lambda z, r=_red: TF.cross_entropy(z, torch.from_numpy(_TARGETS), reduction=r),
    )
    case(
        f"cross_entropy-tensor-target-{_red}",
        [normal(6, 5)],
        lambda z, r=_red: F.cross_entropy(z, nn.Tensor(_TARGETS.astype(np.int32)), reduction=r),
        lambda z, r=_red: TF.cross_entropy(z, torch.from_numpy(_TARGETS), reduction=r),
    )
    case(
        f"bce_with_logits-{_red}",
        [normal(4, 3), positive(4, 3, low=0.0, high=1.0)],
        lambda x, y, r=_red: F.binary_cross_entropy_with_logits(x, y, reduction=r),
        lambda x, y, r=_red: TF.binary_cross_entropy_with_logits(x, y, reduction=r),
    )
    case(
        f"bce_with_logits-hard-targets-{_red}",
        [normal(7), ties(7, values=(0.0, 1.0))],
        lambda x, y, r=_red: F.binary_cross_entropy_with_logits(x, y, reduction=r),
        lambda x, y, r=_red: TF.binary_cross_entropy_with_logits(x, y, reduction=r),
    )
    case(
        f"mse_loss-{_red}",
        [normal(4, 3), normal(4, 3)],
        lambda x, y, r=_red: F.mse_loss(x, y, reduction=r),
        lambda x, y, r=_red: TF.mse_loss(x, y, reduction=r),
    )


@pytest.mark.parametrize(("make_inputs", "nn_fn", "torch_fn"), CASES)
def test_matches_torch_float64(make_inputs, nn_fn, torch_fn, request):
    seed = sum(map(ord, request.node.callspec.id))  # distinct, reproducible per case
    rng = np.random.default_rng(seed)
    check_against_torch(nn_fn, torch_fn, make_inputs(rng), seed=seed)


# ------------------------------------------------- the loss with a constant target
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_loss_constant_target(loss, reduction):
    """Target that does not require grad (the usual case): only the input gets a gradient."""
    rng = np.random.default_rng(99)
    y = rng.uniform(0, 1, (4, 3))
    nn_fn = F.mse_loss if loss == "mse" else F.binary_cross_entropy_with_logits
    t_fn = TF.mse_loss if loss == "mse" else TF.binary_cross_entropy_with_logits
    check_against_torch(
        lambda x: nn_fn(x, nn.Tensor(y), reduction=reduction),
        lambda x: t_fn(x, torch.from_numpy(y), reduction=reduction),
        [rng.standard_normal((4, 3))],
    )


# ---------------------------------------------------------------- comparisons
@pytest.mark.parametrize("op", ["<", "<=", ">", ">=", "==", "!="])
def test_comparisons_match_torch(op):
    rng = np.random.default_rng(4)
    a = rng.choice([-1.0, 0.0, 1.0], (3, 4))
    b = rng.choice([-1.0, 0.0, 1.0], (4,))
    fn = {
        "<": lambda u, v: u < v, "<=": lambda u, v: u <= v, ">": lambda u, v: u > v,
        ">=": lambda u, v: u >= v, "==": lambda u, v: u == v, "!=": lambda u, v: u != v,
    }[op]  # fmt: skip
    got = fn(nn.Tensor(a, requires_grad=True), nn.Tensor(b))
    expected = fn(torch.from_numpy(a), torch.from_numpy(b)).numpy()
    assert isinstance(got, nn.Tensor)
    assert not got.requires_grad
    assert got.dtype == np.bool_
    np.testing.assert_array_equal(got.data, expected)
    scalar = fn(nn.Tensor(a), 0.0)
    np.testing.assert_array_equal(scalar.data, fn(torch.from_numpy(a), 0.0).numpy())


# ---------------------------------------------------------------- the helper itself
def test_helper_detects_wrong_values():
    with pytest.raises(AssertionError, match="values"):
        check_against_torch(lambda x: x * 2, lambda x: x * (2 + 1e-9), [np.ones((2, 2))])


def test_helper_detects_wrong_gradients():
    # Same values, but torch's gradient is 2.001 instead of 2.
    with pytest.raises(AssertionError, match="gradient of input 0"):
        check_against_torch(
            lambda x: x * 2,
            lambda x: x * 2 + 1e-3 * (x - x.detach()),
            [np.arange(4.0).reshape(2, 2)],
        )


# ---------------------------------------------------------------- stability
def _big_values(shape, rng):
    """float32 values with magnitudes from 1e-3 up to 1e4, both signs, some extremes."""
    x = rng.choice([-1.0, 1.0], shape) * 10.0 ** rng.uniform(-3, 4, shape)
    flat = x.reshape(-1)
    extremes = [1e4, -1e4, 88.0, -88.0, 89.0, -104.0, 710.0, -750.0, 0.0, 20.5]
    flat[: len(extremes)] = extremes[: flat.size]
    return x.astype(np.float32)


_TARGETS_BIG = np.array([0, 3, 1, 2, 3, 0, 1, 2], dtype=np.int64)

STABILITY = [
    pytest.param(lambda x: F.sigmoid(x), torch.sigmoid, id="sigmoid"),
    pytest.param(lambda x: F.tanh(x), torch.tanh, id="tanh"),
    pytest.param(lambda x: F.softplus(x), TF.softplus, id="softplus"),
    pytest.param(lambda x: F.softplus(x, beta=2.0), lambda x: TF.softplus(x, beta=2.0),
                 id="softplus-beta2"),
    pytest.param(lambda x: F.elu(x), TF.elu, id="elu"),
    pytest.param(lambda x: F.softmax(x, axis=1), lambda x: torch.softmax(x, 1), id="softmax-1"),
    pytest.param(lambda x: F.softmax(x, axis=0), lambda x: torch.softmax(x, 0), id="softmax-0"),
    pytest.param(lambda x: F.log_softmax(x, axis=1), lambda x: torch.log_softmax(x, 1),
                 id="log_softmax-1"),
    pytest.param(lambda x: F.log_softmax(x, axis=0), lambda x: torch.log_softmax(x, 0),
                 id="log_softmax-0"),
    pytest.param(lambda x: F.cross_entropy(x, _TARGETS_BIG, reduction="none"),
                 lambda x: TF.cross_entropy(x, torch.from_numpy(_TARGETS_BIG), reduction="none"),
                 id="cross_entropy-none"),
    pytest.param(lambda x: F.cross_entropy(x, _TARGETS_BIG),
                 lambda x: TF.cross_entropy(x, torch.from_numpy(_TARGETS_BIG)),
                 id="cross_entropy-mean"),
    pytest.param(lambda x: F.binary_cross_entropy_with_logits(x, nn.Tensor(_BCE_Y), "none"),
                 lambda x: TF.binary_cross_entropy_with_logits(
                     x, torch.from_numpy(_BCE_Y).to(x.dtype), reduction="none"),
                 id="bce_with_logits-none"),
    pytest.param(lambda x: F.binary_cross_entropy_with_logits(x, nn.Tensor(_BCE_Y), "sum"),
                 lambda x: TF.binary_cross_entropy_with_logits(
                     x, torch.from_numpy(_BCE_Y).to(x.dtype), reduction="sum"),
                 id="bce_with_logits-sum"),
]  # fmt: skip
_BCE_Y = np.random.default_rng(8).choice([0.0, 1.0, 0.3], (8, 4)).astype(np.float32)


@pytest.mark.parametrize(("nn_fn", "torch_fn"), STABILITY)
def test_stable_for_large_float32_inputs(nn_fn, torch_fn):
    """Inputs up to ±1e4 in float32: finite where torch is, close to torch's float64 results,
    and no RuntimeWarning (overflow, invalid value, divide by zero)."""
    x32 = _big_values((8, 4), np.random.default_rng(21))
    x = nn.Tensor(x32, requires_grad=True)
    t = torch.tensor(x32.astype(np.float64), requires_grad=True)
    with warnings.catch_warnings(), np.errstate(over="warn", invalid="warn", divide="warn"):
        warnings.simplefilter("error", RuntimeWarning)
        out = nn_fn(x)
        assert out.dtype == np.float32
        G = np.random.default_rng(22).standard_normal(out.shape).astype(np.float32)
        out.backward(grad=G)
    t_out = torch_fn(t)
    t_out.backward(torch.from_numpy(G.astype(np.float64)))

    expected, got = _np(t_out), out.data
    assert np.array_equal(np.isfinite(got), np.isfinite(expected))
    assert np.isfinite(expected).all()  # torch is finite on all of these
    np.testing.assert_allclose(got, expected, rtol=2e-6, atol=1e-6, err_msg="values")

    expected_g = _np(t.grad)
    assert x.grad is not None and x.grad.dtype == np.float32
    assert np.isfinite(x.grad).all()
    np.testing.assert_allclose(x.grad, expected_g, rtol=2e-5, atol=1e-6, err_msg="gradient")


# ---------------------------------------------------------------- a whole model
def test_tanh_mlp_cross_entropy_matches_torch():
    """2-8-8-2 tanh MLP + cross-entropy: the loss and every parameter gradient, float64."""
    rng = np.random.default_rng(2024)
    sizes = [2, 8, 8, 2]
    shapes = list(zip(sizes[:-1], sizes[1:], strict=True))
    weights = [rng.standard_normal((i, o)) / np.sqrt(i) for i, o in shapes]
    biases = [rng.standard_normal(o) * 0.1 for o in sizes[1:]]
    x = rng.standard_normal((16, 2))
    y = rng.integers(0, 2, 16)

    nn_params = [nn.Tensor(a.copy(), requires_grad=True) for a in weights + biases]
    t_params = [torch.tensor(a.copy(), requires_grad=True) for a in weights + biases]

    def nn_forward(W, B):
        h = nn.Tensor(x)
        for k, (w, b) in enumerate(zip(W, B, strict=True)):
            h = F.linear(h, w, b)
            if k < len(W) - 1:
                h = F.tanh(h)
        return F.cross_entropy(h, y)

    def torch_forward(W, B):
        h = torch.from_numpy(x)
        for k, (w, b) in enumerate(zip(W, B, strict=True)):
            h = TF.linear(h, w.T, b)
            if k < len(W) - 1:
                h = torch.tanh(h)
        return TF.cross_entropy(h, torch.from_numpy(y))

    loss = nn_forward(nn_params[:3], nn_params[3:])
    t_loss = torch_forward(t_params[:3], t_params[3:])
    assert loss.shape == () and loss.dtype == np.float64
    np.testing.assert_allclose(loss.item(), t_loss.item(), rtol=RTOL, atol=ATOL)
    loss.backward()
    t_loss.backward()
    for k, (p, tp) in enumerate(zip(nn_params, t_params, strict=True)):
        assert p.grad is not None, f"parameter {k} got no gradient"
        assert p.grad.shape == p.shape
        np.testing.assert_allclose(
            p.grad, _np(tp.grad), rtol=RTOL, atol=ATOL, err_msg=f"parameter {k}"
        )
    # the gradient is not trivially zero
    assert all(np.abs(p.grad).max() > 1e-6 for p in nn_params)
