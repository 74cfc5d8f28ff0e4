"""Module: registration, traversal, modes, gradients, state dicts, dtype, repr and configs."""

from __future__ import annotations

import numpy as np
import pytest

import numnet
from numnet import nn
from numnet.nn.module import BUILTIN_MODULES, default_dtype, float_dtype


class Block(nn.Module):
    """Two linear layers, a buffer and a direct parameter, in a known order."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(np.ones(3))
        self.first = nn.Linear(2, 3, rng=0, dtype=np.float64)
        self.register_buffer("count", np.zeros(()))
        self.second = nn.Linear(3, 1, rng=1, dtype=np.float64)

    def forward(self, x):
        return self.second(numnet.functional.tanh(self.first(x)) * self.scale)


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.block = Block()
        self.norm = nn.BatchNorm1d(1, dtype=np.float64)
        self.head = nn.Sequential(nn.Linear(1, 2, rng=2, dtype=np.float64), nn.ReLU())

    def forward(self, x):
        return self.head(self.norm(self.block(x)))


def _x(n: int = 5) -> numnet.Tensor:
    return numnet.tensor(np.random.default_rng(3).normal(size=(n, 2)))


# --------------------------------------------------------------- registration
def test_attributes_register_in_assignment_order():
    block = Block()
    assert list(block._parameters) == ["scale"]
    assert list(block._modules) == ["first", "second"]
    assert list(block._buffers) == ["count"]
    assert [n for n, _ in block.named_parameters()] == [
        "scale", "first.weight", "first.bias", "second.weight", "second.bias",
    ]  # fmt: skip


@pytest.mark.parametrize("value", [None, 3, numnet.tensor([1.0, 2.0]), np.ones(3)])
def test_reassigning_a_parameter_name_to_a_non_parameter_unregisters_it(value):
    block = Block()
    block.scale = value
    assert "scale" not in dict(block.named_parameters())
    assert "scale" not in block.state_dict()
    assert block.scale is value


def test_reassigning_a_module_name_unregisters_the_module():
    block = Block()
    block.first = "not a module"
    assert [name for name, _ in block.named_children()] == ["second"]
    assert not any(name.startswith("first.") for name in block.state_dict())


def test_replacing_a_parameter_or_child_keeps_its_place():
    layer = nn.Linear(2, 2)
    layer.weight = nn.Parameter(np.zeros((2, 2), np.float32))
    assert list(layer.state_dict()) == ["weight", "bias"]  # PyTorch's order, kept
    block = Block()
    block.first = nn.Linear(2, 3)
    block.scale = nn.Parameter(np.zeros(3))
    assert [name for name, _ in block.named_children()] == ["first", "second"]
    assert [n for n, _ in block.named_parameters()][:2] == ["scale", "first.weight"]


def test_a_name_moves_between_kinds():
    block = Block()
    block.first = nn.Parameter(np.zeros(2))  # was a module, now a parameter
    assert "first" in block._parameters and "first" not in block._modules
    block.first = nn.Tanh()  # and back to a module
    assert "first" in block._modules and "first" not in block._parameters


def test_buffer_stays_a_buffer_when_its_array_is_replaced():
    block = Block()
    block.count = np.full((), 7.0)
    assert block.state_dict()["count"] == 7.0
    block.count = None  # kept registered, with no value
    assert "count" in block._buffers and "count" not in block.state_dict()
    block.count = np.full((), 2.0)
    assert block.state_dict()["count"] == 2.0
    block.count = "text"  # a non-array replaces the buffer by an ordinary attribute
    assert "count" not in block._buffers


def test_delattr_unregisters():
    block = Block()
    del block.scale, block.first, block.count
    assert [n for n, _ in block.named_parameters()] == ["second.weight", "second.bias"]
    assert list(block.state_dict()) == ["second.weight", "second.bias"]
    assert not hasattr(block, "first")


def test_register_functions_check_types():
    module = nn.Module()
    with pytest.raises(TypeError, match="'b' must be a NumPy array or None"):
        module.register_buffer("b", [1.0])
    with pytest.raises(TypeError, match="'w' must be a Parameter or None, got Tensor"):
        module.register_parameter("w", numnet.tensor([1.0]))
    with pytest.raises(TypeError, match="'m' must be a Module, got int"):
        module.add_module("m", 3)
    module.register_parameter("w", None)
    module.add_module("m", None)
    assert list(module.parameters()) == [] and list(module.children()) == []
    assert repr(module) == "Module(\n  (m): None\n)"  # PyTorch shows an empty slot the same way


def test_parameter_is_a_float_leaf_that_requires_grad():
    w = nn.Parameter(np.zeros((2, 3)))
    assert w.requires_grad and w.is_leaf and w.shape == (2, 3)
    assert not nn.Parameter(np.zeros(2), requires_grad=False).requires_grad
    assert repr(nn.Parameter(np.zeros(2))).startswith("Parameter(")
    data = np.zeros(4)
    assert nn.Parameter(data).data is data  # no copy, as documented
    with pytest.raises(TypeError, match="floating point.*int64"):
        nn.Parameter(np.arange(3))


def test_module_without_forward_says_so():
    with pytest.raises(NotImplementedError, match="Module must define forward"):
        nn.Module()(1)


def test_call_passes_arguments_to_forward():
    class Add(nn.Module):
        def forward(self, a, b=0, *, c=0):
            return a + b + c

    assert Add()(1, 2, c=3) == 6


# ------------------------------------------------- missing super().__init__()
def test_assigning_before_super_init_is_a_clear_error():
    class Forgot(nn.Module):
        def __init__(self):
            self.layer = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match=r"cannot assign 'layer'.*super\(\)\.__init__\(\)"):
        Forgot()


def test_using_a_module_that_skipped_super_init_is_a_clear_error():
    class Forgot(nn.Module):
        def __init__(self):
            pass

        def forward(self, x):
            return x

    model = Forgot()
    for use in (model.parameters, model.state_dict, model.train, repr):
        with pytest.raises(AttributeError, match=r"Forgot has no .*super\(\)\.__init__\(\)"):
            use() if use is not repr else repr(model)


def test_unknown_attribute_is_an_ordinary_attribute_error():
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'nope'"):
        nn.Linear(1, 1).nope  # noqa: B018
    assert getattr(nn.Linear(1, 1), "nope", 5) == 5


# ------------------------------------------------------------------ traversal
def test_named_modules_depth_first_with_dotted_names():
    net = Net()
    names = [name for name, _ in net.named_modules()]
    assert names == ["", "block", "block.first", "block.second", "norm", "head", "head.0", "head.1"]
    assert [type(m).__name__ for m in net.modules()] == [
        "Net", "Block", "Linear", "Linear", "BatchNorm1d", "Sequential", "Linear", "ReLU",
    ]  # fmt: skip
    prefixed = [name for name, _ in net.named_modules(prefix="net")]
    assert prefixed[:3] == ["net", "net.block", "net.block.first"]


def test_children_are_direct_only():
    net = Net()
    assert [name for name, _ in net.named_children()] == ["block", "norm", "head"]
    assert [type(c).__name__ for c in net.children()] == ["Block", "BatchNorm1d", "Sequential"]


def test_named_parameters_and_buffers():
    net = Net()
    assert [name for name, _ in net.named_parameters()] == [
        "block.scale", "block.first.weight", "block.first.bias", "block.second.weight",
        "block.second.bias", "norm.weight", "norm.bias", "head.0.weight", "head.0.bias",
    ]  # fmt: skip
    assert [p for _, p in net.named_parameters()] == list(net.parameters())
    assert [n for n, _ in net.named_parameters(prefix="m")][0] == "m.block.scale"
    assert [n for n, _ in net.block.named_parameters(recurse=False)] == ["scale"]
    assert len(list(net.block.parameters(recurse=False))) == 1
    assert [n for n, _ in net.named_buffers()] == [
        "block.count", "norm.running_mean", "norm.running_var", "norm.num_batches_tracked",
    ]  # fmt: skip
    assert len(list(net.buffers())) == 4


def test_shared_parameter_and_shared_module_appear_once():
    shared = nn.Linear(2, 2, rng=0)
    model = nn.Sequential(shared, nn.Tanh(), shared)
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    assert len(list(model.modules())) == 3  # Sequential, the shared Linear once, Tanh
    tied = nn.Sequential(nn.Linear(2, 2, rng=0), nn.Linear(2, 2, rng=1))
    tied[1].weight = tied[0].weight
    assert [n for n, _ in tied.named_parameters()] == ["0.weight", "0.bias", "1.bias"]


def test_shared_parameter_gets_the_sum_of_both_gradients():
    shared = nn.Linear(2, 2, rng=0, dtype=np.float64)
    model = nn.Sequential(shared, shared)
    x = _x()
    model(x).sum().backward()
    w = shared.weight.data
    g_out = np.ones((5, 2))
    h = x.data @ w.T + shared.bias.data
    expected = g_out.T @ h + (g_out @ w).T @ x.data
    np.testing.assert_allclose(shared.weight.grad, expected, rtol=1e-12)


def test_apply_visits_children_first_in_order_each_once():
    shared = nn.ReLU()
    model = nn.Sequential(nn.Linear(1, 1), nn.Sequential(nn.Tanh(), shared), shared)
    seen = []
    assert model.apply(lambda m: seen.append(m)) is model
    names = [type(m).__name__ for m in seen]
    assert names == ["Linear", "Tanh", "ReLU", "Sequential", "Sequential"]
    assert seen[-1] is model


def test_apply_initializes_layers_first_to_last():
    def init(module, rng=np.random.default_rng(0)):
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, rng=rng)

    model = nn.Sequential(nn.Linear(2, 2, dtype=np.float64), nn.Linear(2, 2, dtype=np.float64))
    model.apply(init)
    draws = np.random.default_rng(0).normal(size=(2, 2, 2))
    np.testing.assert_array_equal(model[0].weight.data, draws[0])
    np.testing.assert_array_equal(model[1].weight.data, draws[1])


# ----------------------------------------------------------------------- mode
def test_train_and_eval_reach_every_module():
    net = Net()
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    assert net.train() is net
    assert all(m.training for m in net.modules())
    net.head.eval()
    assert [m.training for m in net.modules()] == [True] * 5 + [False] * 3


def test_eval_changes_what_batch_norm_computes():
    net = Net()
    x = _x(8)
    train_out = net(x).data
    net.eval()
    assert not np.array_equal(net(x).data, train_out)


# ---------------------------------------------------------------- gradients
def _backward(model, x=None):
    x = _x() if x is None else x
    model(x).sum().backward()


def test_zero_grad_sets_none_by_default():
    net = Net()
    _backward(net)
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_zero_grad_in_place_keeps_the_arrays():
    net = Net()
    _backward(net)
    arrays = [p.grad for p in net.parameters()]
    net.zero_grad(set_to_none=False)
    for p, g in zip(net.parameters(), arrays):
        assert p.grad is g and not g.any()
    _backward(net)  # gradients accumulate into the zeroed arrays again
    fresh = Net()
    _backward(fresh)
    for p, q in zip(net.parameters(), fresh.parameters()):
        np.testing.assert_array_equal(p.grad, q.grad)


def test_zero_grad_in_place_leaves_missing_gradients_none():
    net = Net()
    net.zero_grad(set_to_none=False)
    assert all(p.grad is None for p in net.parameters())


def test_gradients_accumulate_across_backward_calls():
    net = Net()
    _backward(net)
    once = [p.grad.copy() for p in net.parameters()]
    net.norm.eval()  # keep the running statistics still between the two passes
    net.zero_grad()
    _backward(net)
    once = [p.grad.copy() for p in net.parameters()]
    _backward(net)
    for p, g in zip(net.parameters(), once):
        np.testing.assert_allclose(p.grad, 2 * g, rtol=1e-15)


def test_requires_grad_false_freezes_everything():
    net = Net()
    assert net.requires_grad_(False) is net
    assert not any(p.requires_grad for p in net.parameters())
    x = numnet.tensor(_x().data, requires_grad=True)
    net(x).sum().backward()
    assert all(p.grad is None for p in net.parameters())
    assert x.grad is not None  # the gradient still reaches the input


def test_freezing_one_layer_leaves_its_gradient_none():
    net = Net()
    net.block.first.requires_grad_(False)
    _backward(net)
    assert net.block.first.weight.grad is None and net.block.first.bias.grad is None
    assert net.block.second.weight.grad is not None and net.block.scale.grad is not None
    net.block.first.requires_grad_()
    _backward(net)
    assert net.block.first.weight.grad is not None


# --------------------------------------------------------------------- state
def test_state_dict_has_parameters_then_buffers_module_by_module():
    net = Net()
    assert list(net.state_dict()) == [
        "block.scale", "block.count", "block.first.weight", "block.first.bias",
        "block.second.weight", "block.second.bias", "norm.weight", "norm.bias",
        "norm.running_mean", "norm.running_var", "norm.num_batches_tracked",
        "head.0.weight", "head.0.bias",
    ]  # fmt: skip


def test_state_dict_keys_match_pytorch():
    torch = pytest.importorskip("torch")
    model = nn.Sequential(nn.BatchNorm1d(2), nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    reference = torch.nn.Sequential(
        torch.nn.BatchNorm1d(2), torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1)
    )
    assert list(model.state_dict()) == list(reference.state_dict())
    for (name, ours), theirs in zip(model.state_dict().items(), reference.state_dict().values()):
        assert ours.shape == tuple(theirs.shape), name


def test_state_dict_holds_copies():
    net = Net()
    state = net.state_dict()
    before = {name: value.copy() for name, value in state.items()}
    for name, array in net._named_state():
        assert not np.shares_memory(state[name], array), name
    with numnet.no_grad():
        for p in net.parameters():
            p -= 1.0  # an optimizer step changes the parameters in place
    net.train()(_x(8))  # batch norm moves its running statistics in place
    net.block.count += 1
    for name, value in before.items():
        np.testing.assert_array_equal(state[name], value, err_msg=name)
    state["block.first.weight"][...] = 0  # and the other way round
    assert net.block.first.weight.data.any()


def test_load_state_dict_round_trip_in_place():
    source, target = Net(), Net()
    source(_x(8))  # moves the running statistics away from their start
    with numnet.no_grad():
        for p in source.parameters():
            p += 0.5
    arrays = [p.data for p in target.parameters()]
    result = target.load_state_dict(source.state_dict())
    assert result == nn.IncompatibleKeys([], [])
    assert result.missing_keys == [] and result.unexpected_keys == []
    for (name, a), b in zip(source.state_dict().items(), target.state_dict().values()):
        np.testing.assert_array_equal(a, b, err_msg=name)
    for p, array in zip(target.parameters(), arrays):
        assert p.data is array  # loaded in place: an optimizer keeps its references
    target.eval(), source.eval()
    np.testing.assert_array_equal(target(_x()).data, source(_x()).data)


def test_load_state_dict_with_tied_weights_round_trips():
    model = nn.Sequential(nn.Linear(2, 2, rng=0), nn.Linear(2, 2, rng=1))
    model[1].weight = model[0].weight
    state = model.state_dict()
    assert list(state) == ["0.weight", "0.bias", "1.bias"]
    state["0.weight"] = state["0.weight"] + 1
    assert model.load_state_dict(state) == ([], [])
    assert model[1].weight is model[0].weight
    np.testing.assert_array_equal(model[1].weight.data, state["0.weight"])


def test_strict_load_names_missing_keys():
    net = Net()
    state = net.state_dict()
    del state["block.first.bias"], state["norm.running_var"]
    with pytest.raises(KeyError, match=r"missing keys \['block.first.bias', 'norm.running_var'\]"):
        net.load_state_dict(state)


def test_strict_load_names_unexpected_keys():
    net = Net()
    state = net.state_dict()
    state["block.third.weight"] = np.zeros(1)
    with pytest.raises(KeyError, match=r"unexpected keys \['block.third.weight'\]"):
        net.load_state_dict(state)


def test_failed_strict_load_changes_nothing():
    net = Net()
    before = net.state_dict()
    state = {name: value + 1 for name, value in before.items()}
    state["extra"] = np.zeros(1)
    with pytest.raises(KeyError):
        net.load_state_dict(state)
    for name, value in net.state_dict().items():
        np.testing.assert_array_equal(value, before[name], err_msg=name)


def test_shape_mismatch_names_the_key_and_both_shapes():
    net = Net()
    before = net.state_dict()
    state = {name: value + 1 for name, value in before.items()}
    state["block.first.weight"] = np.zeros((2, 3))
    state["head.0.bias"] = np.zeros(5)
    with pytest.raises(ValueError) as error:
        net.load_state_dict(state)
    message = str(error.value)
    assert "block.first.weight: shape (2, 3) in the state, (3, 2) in the model" in message
    assert "head.0.bias: shape (5,) in the state, (2,) in the model" in message
    for name, value in net.state_dict().items():  # nothing half loaded
        np.testing.assert_array_equal(value, before[name], err_msg=name)
    with pytest.raises(ValueError, match="size mismatch"):
        net.load_state_dict(state, strict=False)


def test_non_strict_load_returns_the_unmatched_names_and_loads_the_rest():
    net = Net()
    state = {name: value + 1 for name, value in net.state_dict().items()}
    expected_weight = state["block.first.weight"]
    del state["head.0.weight"]
    state["surplus"] = np.zeros(2)
    old_head = net.head[0].weight.data.copy()
    result = net.load_state_dict(state, strict=False)
    assert result.missing_keys == ["head.0.weight"]
    assert result.unexpected_keys == ["surplus"]
    np.testing.assert_array_equal(net.block.first.weight.data, expected_weight)
    np.testing.assert_array_equal(net.head[0].weight.data, old_head)


def test_load_casts_to_the_parameter_dtype_and_accepts_tensors():
    layer = nn.Linear(2, 2, dtype=np.float32)
    values = np.random.default_rng(0).normal(size=(2, 2))
    layer.load_state_dict({"weight": numnet.tensor(values), "bias": [1.0, 2.0]})
    assert layer.weight.dtype == np.float32
    np.testing.assert_array_equal(layer.weight.data, values.astype(np.float32))
    assert layer.bias.data.tolist() == [1.0, 2.0]


def test_load_state_dict_needs_a_mapping():
    with pytest.raises(TypeError, match="mapping of name to array"):
        nn.Linear(1, 1).load_state_dict([("weight", np.zeros((1, 1)))])


# ---------------------------------------------------------------------- dtype
def test_double_and_float_cast_parameters_and_float_buffers():
    net = Net()
    assert net.float() is net
    assert all(p.dtype == np.float32 for p in net.parameters())
    assert net.norm.running_mean.dtype == np.float32
    assert net.norm.num_batches_tracked.dtype == np.int64  # an integer buffer keeps its type
    assert net(_x().data.astype(np.float32)).dtype == np.float32
    net.double()
    assert all(p.dtype == np.float64 for p in net.parameters())
    assert all(b.dtype == np.float64 for n, b in net.named_buffers() if "num_batches" not in n)
    assert net(_x()).dtype == np.float64


def test_astype_keeps_values_registrations_and_drops_gradients():
    net = Net()
    _backward(net)
    before = net.state_dict()
    assert net.astype("float32") is net
    assert list(net.state_dict()) == list(before)
    for name, value in net.state_dict().items():
        np.testing.assert_array_equal(value, before[name].astype(value.dtype), err_msg=name)
    assert all(p.grad is None for p in net.parameters())
    assert "running_mean" in net.norm._buffers


def test_astype_refuses_non_float():
    with pytest.raises(TypeError, match="floating-point dtype, got int32"):
        Net().astype(np.int32)


def test_dtype_helpers():
    assert default_dtype(None) == numnet.get_default_dtype()
    assert default_dtype("float64") == np.float64
    with pytest.raises(TypeError, match="float32 or float64, got int64"):
        default_dtype(np.int64)
    assert float_dtype(nn.Linear(1, 1, dtype=np.float64)) == "float64"
    assert float_dtype(nn.Tanh()) == str(numnet.get_default_dtype())


# ----------------------------------------------------------------------- repr
def test_repr_of_a_nested_model_exactly():
    model = nn.Sequential(
        nn.Linear(2, 8),
        nn.Tanh(),
        nn.Sequential(nn.Linear(8, 4, bias=False), nn.ReLU()),
        nn.Dropout(0.25),
    )
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=8, bias=True)\n"
        "  (1): Tanh()\n"
        "  (2): Sequential(\n"
        "    (0): Linear(in_features=8, out_features=4, bias=False)\n"
        "    (1): ReLU()\n"
        "  )\n"
        "  (3): Dropout(p=0.25, mode='inverted')\n"
        ")"
    )


class Scaled(nn.Module):
    """A module with both an extra_repr and a child: PyTorch puts each on its own line."""

    def __init__(self, lines: int = 1) -> None:
        super().__init__()
        self.lines = lines
        self.inner = nn.Sequential(nn.ReLU())

    def extra_repr(self) -> str:
        return "\n".join(f"k{i}={i}" for i in range(self.lines))


def test_repr_with_extra_and_children():
    assert repr(Scaled()) == "Scaled(\n  k0=0\n  (inner): Sequential(\n    (0): ReLU()\n  )\n)"
    assert repr(Net().norm) == (
        "BatchNorm1d(1, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)"
    )
    assert repr(nn.Sequential()) == "Sequential()"


def test_repr_has_pytorch_layout():
    torch = pytest.importorskip("torch")

    class TorchScaled(torch.nn.Module):
        def __init__(self, lines: int = 1) -> None:
            super().__init__()
            self.lines = lines
            self.inner = torch.nn.Sequential(torch.nn.ReLU())

        def extra_repr(self) -> str:
            return "\n".join(f"k{i}={i}" for i in range(self.lines))

    def same(ours, theirs):
        assert repr(ours) == repr(theirs).replace("TorchScaled", "Scaled")

    for lines in (0, 1, 2):
        same(Scaled(lines), TorchScaled(lines))
        leaf, torch_leaf = Scaled(lines), TorchScaled(lines)
        del leaf.inner, torch_leaf.inner
        same(leaf, torch_leaf)
    same(
        nn.Sequential(nn.Linear(3, 4), nn.Sequential(nn.Tanh(), Scaled(2)), nn.Sigmoid()),
        torch.nn.Sequential(
            torch.nn.Linear(3, 4),
            torch.nn.Sequential(torch.nn.Tanh(), TorchScaled(2)),
            torch.nn.Sigmoid(),
        ),
    )
    same(nn.ModuleList([nn.ReLU(), nn.Linear(1, 2)]),
         torch.nn.ModuleList([torch.nn.ReLU(), torch.nn.Linear(1, 2)]))  # fmt: skip


# --------------------------------------------------------------------- config
BUILTIN_CASES = [
    (nn.Linear(3, 2, bias=False, dtype=np.float64),
     {"in_features": 3, "out_features": 2, "bias": False, "dtype": "float64"}),
    (nn.Linear(3, 2, dtype=np.float32),
     {"in_features": 3, "out_features": 2, "bias": True, "dtype": "float32"}),
    (nn.Flatten(0, 2), {"start_dim": 0, "end_dim": 2}),
    (nn.Dropout(0.2, mode="classic", rng=5), {"p": 0.2, "mode": "classic"}),
    (nn.GaussianNoise(0.3, rng=1), {"std": 0.3}),
    (nn.Tanh(), {}),
    (nn.Identity(), {}),
    (nn.Softplus(2.0), {"beta": 2.0}),
    (nn.ELU(0.5), {"alpha": 0.5}),
    (nn.Softmax(0), {"axis": 0}),
    (nn.Sequential(nn.Linear(1, 1)), {}),
    (nn.ModuleList([nn.ReLU()]), {}),
]  # fmt: skip


@pytest.mark.parametrize("module, config", BUILTIN_CASES, ids=lambda c: type(c).__name__)
def test_get_config_of_builtins(module, config):
    assert module.get_config() == config
    assert BUILTIN_MODULES[type(module).__name__] is type(module)


@pytest.mark.parametrize(
    "module",
    [m for m, _ in BUILTIN_CASES if not isinstance(m, (nn.Sequential, nn.ModuleList))],
    ids=lambda m: type(m).__name__,
)
def test_get_config_rebuilds_the_same_layer(module):
    config = module.get_config()
    rebuilt = type(module)(**config)
    assert rebuilt.get_config() == config
    assert repr(rebuilt) == repr(module)
    assert {n: a.shape for n, a in rebuilt.state_dict().items()} == {
        n: a.shape for n, a in module.state_dict().items()
    }


def test_every_public_module_is_registered():
    for name in nn.__all__:
        obj = getattr(nn, name)
        if isinstance(obj, type) and issubclass(obj, nn.Module) and obj is not nn.Module:
            assert BUILTIN_MODULES.get(name) is obj, name


def test_custom_module_has_no_config_and_says_what_to_do():
    with pytest.raises(NotImplementedError, match="Block does not describe.*load_state_dict"):
        Block().get_config()
    assert "Block" not in BUILTIN_MODULES


def test_linear_converts_arrays_to_its_dtype_and_leaves_tensors_alone():
    layer = nn.Linear(2, 3, rng=0, dtype=np.float32)
    assert layer(np.ones((4, 2), np.float64)).dtype == np.float32
    assert layer([[1, 2]]).dtype == np.float32  # a list of ints too
    x64 = numnet.Tensor(np.ones((4, 2)), requires_grad=True)
    out = layer(x64)
    assert out.dtype == np.float64  # a graph node keeps NumPy's promotion
    out.sum().backward()
    assert x64.grad.dtype == np.float64 and layer.weight.grad.dtype == np.float32


def test_training_mode_restores_each_submodules_own_mode():
    model = nn.Sequential(nn.Linear(2, 2, rng=0), nn.Dropout(0.5), nn.Dropout(0.5))
    model[2].eval()  # a mixed state that model.train(previous) could not restore
    with model.training_mode(False):
        assert not any(m.training for m in model.modules())
    assert [m.training for m in model] == [True, True, False]
    with pytest.raises(RuntimeError), model.training_mode(False):
        raise RuntimeError
    assert [m.training for m in model] == [True, True, False]


def test_mlp_builder_and_activation_names():
    model = nn.mlp(3, [5, 4], 2, activation="logistic", dropout=0.25, rng=0)
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Linear", "Sigmoid", "Dropout", "Linear", "Sigmoid", "Dropout", "Linear"]
    same = nn.mlp(3, [5, 4], 2, activation="logistic", dropout=0.25, rng=0)
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(same.state_dict()[key], value)
    with pytest.raises(ValueError, match="unknown activation 'swish'; expected one of identity"):
        nn.mlp(3, [5], 2, activation="swish")
