"""The Optimizer base: groups, in-place updates, argument checks, state dicts and exact resume."""

from __future__ import annotations

import json

import numpy as np
import pytest

import numnet as nn
from numnet.optim import LBFGS, SGD, Adam, AdamW, Optimizer, RMSprop, lr_scheduler
from numnet.optim.optimizer import FlatGroup

CONFIGS = [
    (SGD, dict(lr=0.05)),
    (SGD, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    (Adam, dict(lr=0.01, amsgrad=True, weight_decay=0.01)),
    (AdamW, dict(lr=0.01)),
    (RMSprop, dict(lr=0.005, momentum=0.5, centered=True)),
]
IDS = [f"{cls.__name__}-{kw}" for cls, kw in CONFIGS]


# --------------------------------------------------------- storage without pickle
def to_storage(state: dict) -> tuple[str, dict[str, np.ndarray]]:
    """Split a state dict as a safetensors + JSON writer would: arrays aside, the rest as JSON.

    Fails on anything that is not an ndarray, a Python scalar, a list/tuple or a dict.
    """
    arrays: dict[str, np.ndarray] = {}

    def strip(obj, path):
        if isinstance(obj, np.ndarray):
            arrays[path] = obj.copy()
            return {"__array__": path}
        if isinstance(obj, dict):
            return {str(k): strip(v, f"{path}.{k}") for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [strip(v, f"{path}.{i}") for i, v in enumerate(obj)]
        assert obj is None or type(obj) in (bool, int, float, str), (path, type(obj))
        return obj

    return json.dumps(strip(state, "root"), allow_nan=False), arrays


def from_storage(text: str, arrays: dict[str, np.ndarray]) -> dict:
    def fill(obj):
        if isinstance(obj, dict):
            if set(obj) == {"__array__"}:
                return arrays[obj["__array__"]].copy()
            return {k: fill(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [fill(v) for v in obj]
        return obj

    return fill(json.loads(text))


def _train(problem, params, opt, steps, scheduler=None):
    for _ in range(steps):
        opt.zero_grad()
        problem.loss(params).backward()
        opt.step()
        if scheduler is not None:
            scheduler.step()


def _groups(params):
    return [{"params": params[:2]}, {"params": params[2:], "lr": 0.002}]


# ------------------------------------------------------------------ resuming
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("cls, kw", CONFIGS, ids=IDS)
def test_resumed_training_is_bit_identical(cls, kw, dtype, problem):
    straight = problem.params(dtype)
    opt = cls(_groups(straight), **kw)
    _train(problem, straight, opt, 20)

    first = problem.params(dtype)
    opt = cls(_groups(first), **kw)
    _train(problem, first, opt, 8)
    saved_params = [p.data.copy() for p in first]
    stored = to_storage(opt.state_dict())
    del opt, first

    resumed = [nn.Tensor(a, requires_grad=True) for a in saved_params]
    opt = cls(_groups(resumed), lr=123.0)  # hyperparameters come from the state dict
    opt.load_state_dict(from_storage(*stored))
    assert opt.param_groups[1]["lr"] == 0.002
    _train(problem, resumed, opt, 12)
    for a, b in zip(straight, resumed):
        assert a.dtype == b.dtype == dtype
        np.testing.assert_array_equal(a.data, b.data)


@pytest.mark.parametrize(
    "make",
    [
        lambda opt: lr_scheduler.StepLR(opt, step_size=3, gamma=0.5),
        lambda opt: lr_scheduler.ExponentialLR(opt, gamma=0.9),
        lambda opt: lr_scheduler.CosineAnnealingLR(opt, T_max=7, eta_min=1e-4),
        lambda opt: lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=12),
    ],
    ids=["StepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR"],
)
def test_resume_with_scheduler_is_bit_identical(make, problem):
    straight = problem.params()
    opt = Adam(straight, lr=0.01)
    _train(problem, straight, opt, 20, make(opt))

    first = problem.params()
    opt = Adam(first, lr=0.01)
    scheduler = make(opt)
    _train(problem, first, opt, 9, scheduler)
    saved = [p.data.copy() for p in first], to_storage(opt.state_dict())
    saved_scheduler = json.dumps(scheduler.state_dict(), allow_nan=False)

    resumed = [nn.Tensor(a, requires_grad=True) for a in saved[0]]
    opt = Adam(resumed, lr=0.01)
    scheduler = make(opt)  # as in PyTorch: build the scheduler, then load both states
    opt.load_state_dict(from_storage(*saved[1]))
    scheduler.load_state_dict(json.loads(saved_scheduler))
    _train(problem, resumed, opt, 11, scheduler)
    for a, b in zip(straight, resumed):
        np.testing.assert_array_equal(a.data, b.data)


def test_reduce_lr_on_plateau_state_is_strict_json_and_resumes():
    def run(metrics, scheduler=None, state=None):
        opt = SGD([nn.Tensor([0.0], requires_grad=True)], lr=1.0)
        scheduler = lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1, cooldown=1)
        if state is not None:
            opt.param_groups[0]["lr"] = state[0]
            scheduler.load_state_dict(json.loads(state[1]))
        for m in metrics:
            scheduler.step(m)
        return opt, scheduler

    metrics = [5.0, 4.0, 4.5, 4.5, 4.5, 4.5, 4.5, 3.0, 3.5, 3.5, 3.5]
    opt, fresh = run([])
    assert json.loads(json.dumps(fresh.state_dict(), allow_nan=False))["best"] is None
    opt, straight = run(metrics)
    opt, half = run(metrics[:5])
    state = opt.param_groups[0]["lr"], json.dumps(half.state_dict(), allow_nan=False)
    opt, resumed = run(metrics[5:], state=state)
    assert resumed.get_last_lr() == straight.get_last_lr() == [0.125]  # as torch
    assert resumed.state_dict() == straight.state_dict()


def test_scheduler_arguments_are_checked():
    opt = SGD([nn.Tensor([0.0], requires_grad=True)], lr=1.0)
    with pytest.raises(ValueError, match="LBFGS has no 'lr' to schedule"):
        lr_scheduler.StepLR(LBFGS([nn.Tensor([0.0], requires_grad=True)]), step_size=1)
    with pytest.raises(TypeError, match="expected an Optimizer"):
        lr_scheduler.ExponentialLR([opt], gamma=0.5)
    with pytest.raises(ValueError, match="step_size must be a positive int"):
        lr_scheduler.StepLR(opt, step_size=0)
    with pytest.raises(ValueError, match="T_max must be a positive int"):
        lr_scheduler.CosineAnnealingLR(opt, T_max=0)
    with pytest.raises(ValueError, match="start_factor must be in"):
        lr_scheduler.LinearLR(opt, start_factor=0)
    with pytest.raises(ValueError, match="invalid end_factor=1.5"):
        lr_scheduler.LinearLR(opt, end_factor=1.5)
    with pytest.raises(ValueError, match="invalid factor=1.0"):
        lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode must be 'min' or 'max'"):
        lr_scheduler.ReduceLROnPlateau(opt, mode="median")
    with pytest.raises(ValueError, match="got 2 min_lr values for 1 parameter groups"):
        lr_scheduler.ReduceLROnPlateau(opt, min_lr=[0.1, 0.2])
    with pytest.raises(ValueError, match="no 'initial_lr'"):
        lr_scheduler.StepLR(opt, step_size=2, last_epoch=3)


def test_scheduler_load_state_dict_checks_entries():
    opt = SGD([nn.Tensor([0.0], requires_grad=True)], lr=1.0)
    scheduler = lr_scheduler.StepLR(opt, step_size=2)
    other = lr_scheduler.ExponentialLR(SGD([nn.Tensor([0.0], requires_grad=True)]), gamma=0.5)
    with pytest.raises(ValueError, match="StepLR.load_state_dict: expected the entries"):
        scheduler.load_state_dict(other.state_dict() | {"surprise": 1})
    plateau = lr_scheduler.ReduceLROnPlateau(opt)
    with pytest.raises(ValueError, match="mode 'median'"):
        plateau.load_state_dict(plateau.state_dict() | {"mode": "median"})


# ----------------------------------------------------------- state dict checks
def _trained_adam(problem, amsgrad=False):
    params = problem.params()
    opt = Adam(_groups(params), lr=0.01, amsgrad=amsgrad)
    _train(problem, params, opt, 3)
    return params, opt


def test_state_dict_layout_and_copies(problem):
    params, opt = _trained_adam(problem)
    state = opt.state_dict()
    assert [g["params"] for g in state["param_groups"]] == [[0, 1], [2, 3]]
    assert state["param_groups"][0]["betas"] == (0.9, 0.999)
    assert set(state["state"]) == {0, 1, 2, 3}
    assert state["state"][2]["step"] == 3 and type(state["state"][2]["step"]) is int
    state["state"][0]["exp_avg"][...] = 7.0  # a snapshot: changing it leaves the optimizer alone
    assert not np.any(opt.state[params[0]]["exp_avg"] == 7.0)


def test_load_state_dict_copies_arrays(problem):
    params, opt = _trained_adam(problem)
    state = opt.state_dict()
    opt.load_state_dict(state)
    state["state"][0]["exp_avg"][...] = 7.0
    assert not np.any(opt.state[params[0]]["exp_avg"] == 7.0)


def _corrupt(state, how):
    if how == "groups":
        state["param_groups"].pop()
    elif how == "count":
        state["param_groups"][1]["params"].append(9)
    elif how == "shape":
        state["state"][2]["exp_avg"] = np.zeros((5, 2))
    elif how == "names":
        state["state"][1]["momentum_buffer"] = state["state"][1]["exp_avg"]
    elif how == "missing":
        del state["state"][1]["exp_avg_sq"]
    elif how == "index":
        state["state"][17] = state["state"].pop(3)
    elif how == "step":
        state["state"][0]["step"] = 2.5
    elif how == "not a dict":
        state = [state]
    elif how == "beta":
        state["param_groups"][0]["betas"] = (0.9, 1.5)
    return state


@pytest.mark.parametrize(
    "how, message",
    [
        ("groups", "has 1 parameter groups, this optimizer has 2"),
        ("count", "group 1 has 3 parameters in the state dict and 2 in this optimizer"),
        ("shape", r"'exp_avg' of parameter 2 has shape \(5, 2\); the parameter has shape \(2, 5\)"),
        ("names", "parameter 1 has state"),
        ("missing", "parameter 1 has state"),
        ("index", "state for parameter 17, which no parameter group lists"),
        ("step", "'step' of parameter 0 is 2.5, not a count"),
        ("not a dict", "expected a dict with 'state' and 'param_groups'"),
        ("beta", r"invalid betas\[1\]=1.5"),
    ],
)
def test_load_state_dict_rejects_mismatches_and_changes_nothing(how, message, problem):
    params, opt = _trained_adam(problem)
    before = opt.state_dict()
    other_params, other = _trained_adam(problem, amsgrad=False)
    with pytest.raises(ValueError, match=message):
        opt.load_state_dict(_corrupt(other.state_dict(), how))
    after = opt.state_dict()
    assert after["param_groups"] == before["param_groups"]
    for i, entry in before["state"].items():
        for key, value in entry.items():
            np.testing.assert_array_equal(after["state"][i][key], value)


def test_load_state_dict_accepts_json_keys_and_zero_d_counters(problem):
    params, opt = _trained_adam(problem)
    state = opt.state_dict()
    state["state"] = {str(i): {**e, "step": np.array(e["step"])} for i, e in state["state"].items()}
    state["param_groups"][0]["betas"] = list(state["param_groups"][0]["betas"])
    opt.load_state_dict(state)
    assert opt.state[params[0]]["step"] == 3
    assert opt.param_groups[0]["betas"] == (0.9, 0.999)


def test_load_state_dict_casts_state_to_parameter_dtype(problem):
    params64, opt64 = _trained_adam(problem)
    params32 = problem.params(np.float32)
    opt32 = Adam(_groups(params32), lr=0.01)
    opt32.load_state_dict(opt64.state_dict())
    assert opt32.state[params32[0]]["exp_avg"].dtype == np.float32


# ----------------------------------------------------------------- behaviour
FLAT_CONFIGS = [
    (Adam, dict(lr=0.01)),
    (Adam, dict(lr=0.01, amsgrad=True, weight_decay=0.1, maximize=True)),
    (AdamW, dict(lr=0.01, weight_decay=0.2)),
    (RMSprop, dict(lr=0.005)),
    (RMSprop, dict(lr=0.005, momentum=0.5, centered=True, weight_decay=0.1, maximize=True)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "cls, kw", FLAT_CONFIGS, ids=[f"{c.__name__}-{kw}" for c, kw in FLAT_CONFIGS]
)
def test_flat_group_path_is_bit_identical_to_the_per_parameter_loop(
    cls, kw, dtype, problem, monkeypatch
):
    """Small groups run as one vector (FlatGroup); the result must not depend on it, including
    across a state reset, a load_state_dict and a parameter that misses a gradient."""

    def run(max_size):
        monkeypatch.setattr(FlatGroup, "max_size", max_size)
        params = problem.params(dtype)
        opt = cls(_groups(params), **kw)
        used_flat = False
        for step in range(14):
            opt.zero_grad()
            problem.loss(params).backward()
            if step == 4:
                opt.state = {}  # a reset, as people do in PyTorch
            if step == 7:
                opt.load_state_dict(opt.state_dict())
            if step == 10:
                params[3].grad = None  # group 1 falls back to the per-parameter loop
            opt.step()
            used_flat |= bool(opt._flat_groups)
        return params, used_flat

    flat, used_flat = run(1 << 16)
    loop, used_loop = run(0)
    assert used_flat and not used_loop
    for a, b in zip(flat, loop):
        np.testing.assert_array_equal(a.data, b.data)


@pytest.mark.parametrize("cls, kw", CONFIGS, ids=IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_step_updates_in_place_keeps_dtype_and_records_no_graph(cls, kw, dtype, problem):
    params = problem.params(dtype)
    arrays = [p.data for p in params]
    opt = cls(params, **kw)
    for _ in range(3):
        opt.zero_grad()
        problem.loss(params).backward()
        opt.step()
    for p, a, initial in zip(params, arrays, problem.values):
        assert p.data is a and p.dtype == dtype and p.is_leaf and p.requires_grad
        assert not np.allclose(a, initial.astype(dtype))
    for entry in opt.state.values():
        for value in entry.values():
            assert not isinstance(value, np.ndarray) or value.dtype == dtype


@pytest.mark.parametrize("cls, kw", CONFIGS, ids=IDS)
def test_parameters_without_gradient_are_left_alone(cls, kw, problem):
    params = problem.params()
    opt = cls(params, **kw)
    problem.loss(params).backward()
    params[1].grad = None
    frozen = params[1].data.copy()
    opt.step()
    np.testing.assert_array_equal(params[1].data, frozen)
    assert params[1] not in opt.state


def test_zero_grad(problem):
    params = problem.params()
    opt = SGD(params, lr=0.1)
    problem.loss(params).backward()
    grads = [p.grad for p in params]
    opt.zero_grad(set_to_none=False)
    assert all(p.grad is g and not g.any() for p, g in zip(params, grads))
    opt.zero_grad()
    assert all(p.grad is None for p in params)


def test_step_with_closure_returns_the_loss_before_the_update(problem):
    params = problem.params()
    opt = SGD(params, lr=0.1)

    def closure():
        opt.zero_grad()
        loss = problem.loss(params)
        loss.backward()
        return loss

    before = problem.loss(params).item()
    assert opt.step(closure).item() == before
    assert problem.loss(params).item() < before


def test_step_under_no_grad_and_with_parameter_subclass():
    from numnet.nn.parameter import Parameter

    w = Parameter(np.array([1.0, 2.0]))
    opt = Adam([w], lr=0.5)
    with nn.no_grad():
        w.grad = np.array([1.0, -1.0])
        opt.step()
    np.testing.assert_allclose(w.data, [0.5, 2.5])
    assert type(w) is Parameter


def test_sgd_weight_decay_hits_every_parameter_of_the_group():
    w = nn.Tensor(np.array([2.0]), requires_grad=True)
    w.grad = np.zeros(1)
    SGD([w], lr=0.1, weight_decay=0.5).step()  # θ − η λ θ
    np.testing.assert_allclose(w.data, [2.0 - 0.1 * 0.5 * 2.0])


def test_repr_lists_groups(problem):
    text = repr(Adam(_groups(problem.params()), lr=0.01))
    assert text.startswith("Adam (") and "group 1: 2 parameters, lr=0.002" in text


# ------------------------------------------------------------- argument checks
@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda p: SGD(p, lr=-0.1), ValueError, r"SGD: invalid lr=-0.1; expected lr >= 0"),
        (lambda p: SGD(p, momentum=-1), ValueError, "invalid momentum=-1"),
        (lambda p: SGD(p, weight_decay=float("nan")), ValueError, "invalid weight_decay=nan"),
        (lambda p: SGD(p, momentum=0.9, dampening=0.1, nesterov=True), ValueError, "Nesterov"),
        (lambda p: SGD(p, nesterov=True), ValueError, "Nesterov momentum needs momentum > 0"),
        (lambda p: SGD(p, lr="fast"), TypeError, "lr must be a number, got 'fast'"),
        (lambda p: Adam(p, betas=(1.0, 0.999)), ValueError, r"invalid betas\[0\]=1.0"),
        (lambda p: Adam(p, betas=(0.9, -0.1)), ValueError, r"invalid betas\[1\]=-0.1"),
        (lambda p: Adam(p, betas=0.9), ValueError, "betas must be a pair"),
        (lambda p: Adam(p, eps=-1e-8), ValueError, "invalid eps"),
        (lambda p: AdamW(p, weight_decay=-0.01), ValueError, "AdamW: invalid weight_decay"),
        (lambda p: RMSprop(p, alpha=-0.5), ValueError, "RMSprop: invalid alpha"),
        (lambda p: RMSprop(p, momentum=-0.5), ValueError, "RMSprop: invalid momentum"),
        (lambda p: LBFGS(p, max_iter=0), ValueError, "max_iter must be a positive int"),
        (lambda p: LBFGS(p, history_size=2.5), ValueError, "history_size must be a positive int"),
        (lambda p: SGD([{"params": p, "lr": -1.0}]), ValueError, "invalid lr=-1.0"),
        (lambda p: LBFGS([{"params": p[:1]}, {"params": p[1:]}]), ValueError, "per-group"),
        (lambda p: SGD(p[0]), TypeError, "wrap a single tensor in a list"),
        (lambda p: SGD(set(p)), TypeError, "not a set"),
        (lambda p: SGD([]), ValueError, "empty parameter list"),
        (lambda p: SGD([p[0], p[0]]), ValueError, "appears twice"),
        (lambda p: SGD([{"params": p[:1]}, {"params": p[:1]}]), ValueError, "appears twice"),
        (lambda p: SGD([p[0], np.zeros(2)]), TypeError, "parameter 1 of the group is a ndarray"),
        (lambda p: SGD([p[0] * 2]), ValueError, "not a leaf tensor"),
        (lambda p: SGD([nn.Tensor([1, 2])]), TypeError, "dtype int64; expected a float"),
        (lambda p: SGD([{"lr": 0.1}]), ValueError, "needs a 'params' entry"),
    ],
)
def test_arguments_are_checked(make, error, message, problem):
    with pytest.raises(error, match=message):
        make(problem.params())


def test_add_param_group_takes_defaults(problem):
    params = problem.params()
    opt = Adam(params[:2], lr=0.01, betas=(0.8, 0.9))
    opt.add_param_group({"params": params[2], "lr": 0.1})
    assert len(opt.param_groups[1]["params"]) == 1 and opt.param_groups[1]["params"][0] is params[2]
    assert opt.param_groups[1]["lr"] == 0.1 and opt.param_groups[1]["betas"] == (0.8, 0.9)


def test_base_class_needs_an_update_rule():
    with pytest.raises(NotImplementedError):
        Optimizer([nn.Tensor([1.0], requires_grad=True)], {}).step()
