"""Sequential and ModuleList: list behaviour, and Sequential's fused Linear+activation steps.

Sequential runs ``Linear`` followed by a fusable activation as one ``F.dense``
node. Whatever the container went through, its output must equal applying its
modules one after another.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

import numnet
from numnet import nn


def _x(n: int = 6, d: int = 3, dtype=np.float64, seed: int = 0) -> numnet.Tensor:
    return numnet.tensor(np.random.default_rng(seed).normal(size=(n, d)).astype(dtype))


def _one_by_one(modules, x):
    """The unfused reference: each module called on its own."""
    return functools.reduce(lambda h, module: module(h), modules, x)


def _assert_matches_unfused(model, x):
    out = model(x)
    np.testing.assert_array_equal(out.data, _one_by_one(list(model), x).data)
    return out


def _model():
    return nn.Sequential(
        nn.Linear(3, 4, rng=0, dtype=np.float64),
        nn.Tanh(),
        nn.Linear(4, 4, rng=1, dtype=np.float64),
        nn.ReLU(),
        nn.Linear(4, 2, rng=2, dtype=np.float64),
    )


# ---------------------------------------------------------- list behaviour
def test_indexing_len_and_iteration():
    model = _model()
    items = list(model)
    assert len(model) == 5 and len(items) == 5
    assert model[0] is items[0] and model[4] is items[4]
    assert model[-1] is items[4] and model[-5] is items[0]
    for bad in (5, -6):
        with pytest.raises(IndexError, match=f"index {bad} is out of range for Sequential of 5"):
            model[bad]


def test_slices_are_sequentials_of_the_same_modules():
    model = _model()
    head = model[:2]
    assert type(head) is nn.Sequential
    assert list(head) == list(model)[:2]
    assert [name for name, _ in head.named_children()] == ["0", "1"]
    assert list(model[::2]) == [model[0], model[2], model[4]]
    assert list(model[-2:]) == [model[3], model[4]]
    assert len(model[5:]) == 0
    x = _x()
    np.testing.assert_array_equal(model[2:](model[:2](x)).data, model(x).data)
    layers = nn.ModuleList([nn.ReLU(), nn.Tanh(), nn.Sigmoid()])
    assert type(layers[1:]) is nn.ModuleList and list(layers[1:]) == list(layers)[1:]


def test_append_extend_insert_and_names():
    model = nn.Sequential(nn.Linear(3, 3, rng=0))
    tanh, relu, sigmoid = nn.Tanh(), nn.ReLU(), nn.Sigmoid()
    assert model.append(tanh) is model
    assert model.extend([relu]) is model
    model.insert(1, sigmoid)
    assert list(model)[1:] == [sigmoid, tanh, relu]
    model.insert(-1, nn.Identity())  # like list.insert: before the last
    assert type(model[-2]) is nn.Identity and model[-1] is relu
    model.insert(100, nn.ArcTan())  # past the end appends, like list.insert
    assert type(model[-1]) is nn.ArcTan
    assert [name for name, _ in model.named_children()] == [str(i) for i in range(len(model))]


def test_setitem_and_delitem():
    model = _model()
    sigmoid = nn.Sigmoid()
    model[1] = sigmoid
    model[-1] = nn.Linear(4, 1, rng=3, dtype=np.float64)
    assert model[1] is sigmoid and model[4].out_features == 1
    del model[3]
    assert [type(m).__name__ for m in model] == ["Linear", "Sigmoid", "Linear", "Linear"]
    del model[-1]
    del model[:1]
    assert [type(m).__name__ for m in model] == ["Sigmoid", "Linear"]
    assert [name for name, _ in model.named_parameters()] == ["1.weight", "1.bias"]
    with pytest.raises(IndexError):
        del model[2]
    with pytest.raises(IndexError):
        model[-3] = nn.ReLU()


def test_parameters_follow_mutations():
    model = _model()
    assert len(list(model.parameters())) == 6
    del model[2]
    assert len(list(model.parameters())) == 4
    assert list(model.state_dict()) == ["0.weight", "0.bias", "3.weight", "3.bias"]


@pytest.mark.parametrize(
    "mutate",
    [
        lambda m: m.append("relu"),
        lambda m: m.extend([nn.ReLU(), 3]),
        lambda m: m.insert(0, "relu"),
        lambda m: m.__setitem__(0, np.tanh),
    ],
    ids=["append", "extend", "insert", "setitem"],
)
def test_non_modules_are_refused_and_leave_the_container_intact(mutate):
    model = nn.Sequential(nn.Tanh(), nn.ReLU())
    with pytest.raises(TypeError, match="Module"):
        mutate(model)
    assert [type(m).__name__ for m in model][:2] == ["Tanh", "ReLU"]


def test_empty_sequential_is_the_identity():
    x = _x()
    assert nn.Sequential()(x) is x


# ---------------------------------------------------- outputs after mutation
def test_output_after_each_mutation_equals_the_unfused_composition():
    """Each mutation is applied to the Sequential and to a plain list, the reference."""

    def linear(seed):  # square, so that any order of the layers composes
        return nn.Linear(3, 3, rng=seed, dtype=np.float64)

    x = _x()
    reference = [linear(0), nn.Tanh(), linear(1), nn.ReLU(), linear(2)]
    model = nn.Sequential(*reference)
    mutations = [
        ("__setitem__", 1, nn.Sigmoid()),  # a different fused activation
        ("insert", 1, nn.Exp()),  # Linear no longer followed by an activation
        ("__delitem__", 1),  # and followed by one again
        ("__setitem__", 3, nn.ArcTan()),
        ("__delitem__", 3),  # two Linears in a row
        ("append", nn.Softplus()),  # a fused pair at the end
        ("__setitem__", -1, nn.Softplus(beta=2.0)),  # not fusable
        ("insert", 2, linear(5)),
        ("__delitem__", slice(0, 2)),  # starts with a Linear no longer
        ("extend", [nn.Tanh(), linear(6), nn.ArcTan()]),
        ("__setitem__", 0, linear(7)),
        ("__setitem__", -2, linear(8)),
        ("insert", -1, nn.ReLU()),
    ]
    _assert_matches_unfused(model, x)  # builds the fused plan
    for name, *args in mutations:
        before = model(x).data
        getattr(model, name)(*args)
        getattr(reference, name)(*args)
        assert list(model) == reference, name
        out = model(x).data
        np.testing.assert_array_equal(out, _one_by_one(reference, x).data, err_msg=name)
        assert not np.array_equal(before, out), name  # the mutation took effect


def test_changing_an_activation_attribute_after_planning():
    model = nn.Sequential(nn.Linear(3, 4, rng=0, dtype=np.float64), nn.Softplus())
    x = _x()
    assert model(x).op == "dense"
    model[1].beta = 2.0  # the fused form no longer applies
    out = _assert_matches_unfused(model, x)
    assert out.op == "softplus"
    model[1].beta = 1.0
    assert _assert_matches_unfused(model, x).op == "dense"


def test_subclasses_are_not_fused():
    class DoubleTanh(nn.Tanh):
        def forward(self, x):
            return 2 * super().forward(x)

    class ShiftedLinear(nn.Linear):
        def forward(self, x):
            return super().forward(x) + 1

    x = _x()
    model = nn.Sequential(nn.Linear(3, 4, rng=0, dtype=np.float64), DoubleTanh())
    _assert_matches_unfused(model, x)
    model = nn.Sequential(ShiftedLinear(3, 4, rng=0, dtype=np.float64), nn.Tanh())
    _assert_matches_unfused(model, x)


def test_mutating_a_nested_sequential():
    inner = nn.Sequential(nn.Linear(3, 3, rng=0, dtype=np.float64), nn.Tanh())
    outer = nn.Sequential(inner, nn.Linear(3, 1, rng=1, dtype=np.float64))
    x = _x()
    outer(x)
    inner[1] = nn.Sigmoid()
    expected = outer[1](inner[1](inner[0](x)))
    np.testing.assert_array_equal(outer(x).data, expected.data)


def test_same_module_twice():
    shared = nn.Linear(3, 3, rng=0, dtype=np.float64)
    model = nn.Sequential(shared, nn.ReLU(), shared, nn.ReLU())
    _assert_matches_unfused(model, _x())


def test_repr_after_mutation():
    model = nn.Sequential(nn.Linear(2, 2), nn.Tanh())
    model.insert(0, nn.Flatten())
    del model[2]
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Flatten(start_dim=1, end_dim=-1)\n"
        "  (1): Linear(in_features=2, out_features=2, bias=True)\n"
        ")"
    )


# ------------------------------------------------------------------- fusion
FUSABLE = [
    (nn.Identity, "linear"),
    (nn.Sigmoid, "dense"),
    (nn.Tanh, "dense"),
    (nn.ArcTan, "dense"),
    (nn.ReLU, "dense"),
    (nn.Softplus, "dense"),
]


def _run(activation, fused: bool, dtype, bias: bool = True):
    """Forward and backward of Linear+activation, fused (in a Sequential) or one by one."""
    layer = nn.Linear(5, 7, bias=bias, rng=0, dtype=dtype)
    rng = np.random.default_rng(1)
    x = numnet.tensor(rng.normal(size=(16, 5)).astype(dtype), requires_grad=True)
    x.data[0] = 0.0  # z = bias exactly; with bias=False z = 0, ReLU's kink
    upstream = rng.normal(size=(16, 7)).astype(dtype)
    y = nn.Sequential(layer, activation)(x) if fused else activation(layer(x))
    y.backward(upstream)
    grads = [x.grad, layer.weight.grad] + ([layer.bias.grad] if bias else [])
    return y, grads


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("cls, op", FUSABLE, ids=[c.__name__ for c, _ in FUSABLE])
def test_fused_forward_is_bit_identical(cls, op, bias, dtype):
    fused, _ = _run(cls(), True, dtype, bias)
    plain, _ = _run(cls(), False, dtype, bias)
    assert fused.op == op  # the fused path really ran
    assert fused.dtype == plain.dtype == dtype
    np.testing.assert_array_equal(fused.data, plain.data)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("cls", [c for c, _ in FUSABLE], ids=[c.__name__ for c, _ in FUSABLE])
def test_fused_backward_is_bit_identical(cls, dtype):
    _, fused = _run(cls(), True, dtype)
    _, plain = _run(cls(), False, dtype)
    for a, b in zip(fused, plain):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("cls, op", FUSABLE, ids=[c.__name__ for c, _ in FUSABLE])
def test_fused_backward_agrees_to_rounding(cls, op):
    _, fused = _run(cls(), True, np.float64)
    _, plain = _run(cls(), False, np.float64)
    for a, b in zip(fused, plain):
        np.testing.assert_allclose(a, b, rtol=1e-14, atol=1e-15)


def test_softplus_with_beta_is_not_fused():
    fused, fused_grads = _run(nn.Softplus(beta=2.0), True, np.float64)
    plain, plain_grads = _run(nn.Softplus(beta=2.0), False, np.float64)
    assert fused.op == "softplus"
    np.testing.assert_array_equal(fused.data, plain.data)
    for a, b in zip(fused_grads, plain_grads):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("cls", [nn.Step, nn.Exp, nn.ELU, nn.PReLU, nn.Softmax, nn.LogSoftmax])
def test_other_activations_run_on_their_own(cls):
    layer = nn.Linear(3, 4, rng=0, dtype=np.float64)
    activation = cls() if cls is not nn.PReLU else cls(dtype=np.float64)
    out = _assert_matches_unfused(nn.Sequential(layer, activation), _x())
    assert out.op not in ("dense", "linear")


# --------------------------------------------------------------- ModuleList
def test_module_list():
    layers = nn.ModuleList([nn.Linear(2, 2, rng=i, dtype=np.float64) for i in range(3)])
    assert len(layers) == 3 and layers[-1] is list(layers)[2]
    layers.append(nn.Tanh())
    layers.extend([nn.ReLU()])
    layers.insert(0, nn.Sigmoid())
    del layers[1]
    assert [type(m).__name__ for m in layers] == ["Sigmoid", "Linear", "Linear", "Tanh", "ReLU"]
    assert [n for n, _ in layers.named_children()] == ["0", "1", "2", "3", "4"]
    with pytest.raises(NotImplementedError, match="ModuleList has no forward"):
        layers(_x(d=2))


def test_module_list_parameters_are_seen_by_the_parent():
    class Stack(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList(nn.Linear(2, 2, rng=i, dtype=np.float64) for i in range(2))

        def forward(self, x):
            for layer in self.layers:
                x = numnet.functional.tanh(layer(x))
            return x

    model = Stack()
    assert [n for n, _ in model.named_parameters()] == [
        "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
    ]  # fmt: skip
    model(_x(d=2)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.eval()
    assert not any(m.training for m in model.layers)
