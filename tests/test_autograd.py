"""The backward pass: accumulation, hooks, graph freeing, grad modes, anomalies, RNG."""

from __future__ import annotations

import threading
import warnings

import numpy as np
import pytest

import numnet as nn
import numnet.functional as F


def f64(values, requires_grad=True):
    return nn.Tensor(np.array(values, dtype=np.float64), requires_grad=requires_grad)


# ------------------------------------------------------------ accumulation
def test_backward_accumulates_on_leaves():
    x = f64([1.0, 2.0])
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad, [5.0, 7.0])
    x.zero_grad()
    assert x.grad is None
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])


def test_leaf_grad_is_own_array_with_leaf_dtype_and_shape():
    x = nn.Tensor(np.ones((2, 3), np.float32), requires_grad=True)
    y = nn.Tensor(np.ones((2, 3), np.float32), requires_grad=True)
    (x + y).sum().backward()  # add hands the same g to both inputs
    assert x.grad.shape == (2, 3) and x.grad.dtype == np.float32
    assert x.grad is not y.grad
    x.grad[0, 0] = 100.0
    assert y.grad[0, 0] == 1.0


def test_broadcast_gradient_summed_to_input_shape():
    x = f64(np.ones((4, 3)))
    b = f64([1.0, 2.0, 3.0])
    c = f64([[1.0], [2.0], [3.0], [4.0]])
    ((x + b) * c).sum().backward()
    np.testing.assert_array_equal(b.grad, [10.0, 10.0, 10.0])
    np.testing.assert_array_equal(c.grad, [[9.0], [9.0], [9.0], [9.0]])


def test_only_leaves_keep_grad_unless_retain_grad():
    x = f64([1.0, 2.0, 3.0])
    y = x * 2
    z = y * y
    w = z.sum()
    assert not y.is_leaf and y.op == "mul"
    y.retain_grad()
    w.backward()
    assert z.grad is None  # intermediate without retain_grad
    assert w.grad is None  # the root is an intermediate too
    np.testing.assert_array_equal(y.grad, 2 * y.data)  # dw/dy = 2y
    np.testing.assert_array_equal(x.grad, 8 * x.data)  # dw/dx = 8x


def test_retain_grad_accumulates_with_retain_graph():
    x = f64([1.0, 2.0])
    y = x * 3
    y.retain_grad()
    s = y.sum()
    s.backward(retain_graph=True)
    s.backward()
    np.testing.assert_array_equal(y.grad, [2.0, 2.0])


def test_retain_grad_on_constant_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        nn.Tensor([1.0]).retain_grad()


# ------------------------------------------------------------------- hooks
def test_hook_on_leaf_sees_gradient():
    x = f64([1.0, -2.0])
    seen = []
    x.register_hook(lambda g: seen.append(g.copy()))
    (x * x).sum().backward()
    assert len(seen) == 1
    np.testing.assert_array_equal(seen[0], [2.0, -4.0])
    np.testing.assert_array_equal(x.grad, [2.0, -4.0])


def test_hook_on_leaf_replaces_gradient():
    x = f64([1.0, 2.0])
    x.register_hook(lambda g: g * 10)
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad, [30.0, 30.0])


def test_hook_on_intermediate_sees_and_replaces_gradient():
    x = f64([1.0, 2.0])
    y = x * x
    seen = []

    def hook(g):
        seen.append(g.copy())
        return np.zeros_like(g)

    y.register_hook(hook)
    (y * nn.Tensor([5.0, 7.0])).sum().backward()
    np.testing.assert_array_equal(seen[0], [5.0, 7.0])
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])  # the replacement flowed on


def test_hook_on_intermediate_used_twice_sees_total_once():
    x = f64([1.0, 2.0])
    y = x * 2
    seen = []
    y.register_hook(lambda g: seen.append(g.copy()))
    (y * y + y * 3).sum().backward()  # d/dy = 2y + 3
    assert len(seen) == 1
    np.testing.assert_array_equal(seen[0], 2 * y.data + 3)
    np.testing.assert_array_equal(x.grad, 2 * (2 * y.data + 3))


def test_hook_on_leaf_used_twice_sees_total_once():
    x = f64([1.0, 2.0])
    seen = []
    x.register_hook(lambda g: seen.append(g.copy()))
    (x * x + x * 3).sum().backward()
    assert len(seen) == 1
    np.testing.assert_array_equal(seen[0], 2 * x.data + 3)


def test_hooks_chain_in_registration_order():
    x = f64([1.0])
    x.register_hook(lambda g: g + 1)
    x.register_hook(lambda g: g * 10)
    (x * 2).sum().backward()
    np.testing.assert_array_equal(x.grad, [30.0])  # (2 + 1) * 10


def test_hook_handle_remove():
    x = f64([1.0, 2.0])
    calls = []
    handle = x.register_hook(lambda g: calls.append(1) or g * 100)
    (x * 1).sum().backward()
    np.testing.assert_array_equal(x.grad, [100.0, 100.0])
    handle.remove()
    handle.remove()  # removing twice is harmless
    x.zero_grad()
    (x * 1).sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])
    assert len(calls) == 1


def test_hook_wrong_shape_raises():
    x = f64([1.0, 2.0])
    x.register_hook(lambda g: np.zeros(3))
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        (x * 1).sum().backward()


def test_register_hook_on_constant_raises():
    with pytest.raises(RuntimeError):
        nn.Tensor([1.0]).register_hook(lambda g: g)


# ------------------------------------------------------------ graph freeing
def test_second_backward_raises_mentioning_retain_graph():
    x = f64([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])  # untouched by the failed call


def test_backward_through_freed_intermediate_raises():
    x = f64([1.0, 2.0])
    h = x.exp()
    h.sum().backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        (h * 2).sum().backward()


def test_retain_graph_allows_second_backward_and_doubles():
    x = f64([1.0, 2.0])
    y = (x * x * x).sum()
    y.backward(retain_graph=True)
    first = x.grad.copy()
    np.testing.assert_array_equal(first, 3 * x.data**2)
    y.backward(retain_graph=True)
    np.testing.assert_array_equal(x.grad, 2 * first)
    y.backward()
    np.testing.assert_array_equal(x.grad, 3 * first)
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()


# ------------------------------------------------------- backward arguments
def test_backward_on_non_scalar_without_grad_says_what_to_pass():
    x = f64(np.ones((2, 3)))
    y = x * 2
    with pytest.raises(ValueError, match=r"\(2, 3\)") as excinfo:
        y.backward()
    message = str(excinfo.value)
    assert "grad" in message and ("sum" in message or "mean" in message)


def test_backward_with_explicit_grad():
    x = f64([1.0, 2.0, 3.0])
    y = x * x
    y.backward(grad=np.array([1.0, 0.0, -1.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, -6.0])


def test_backward_on_one_element_non_scalar_ok():
    x = f64([[3.0]])
    (x * x).backward()
    np.testing.assert_array_equal(x.grad, [[6.0]])


@pytest.mark.parametrize("bad", [np.ones(2), np.ones((3, 1)), np.ones((1, 3)), 1.0])
def test_backward_grad_wrong_shape_raises(bad):
    x = f64([1.0, 2.0, 3.0])
    y = x * 2
    with pytest.raises(ValueError, match=r"\(3,\)"):
        y.backward(grad=bad)
    assert x.grad is None


def test_backward_on_tensor_not_requiring_grad_raises():
    x = f64([1.0, 2.0], requires_grad=False)
    with pytest.raises(RuntimeError, match="does not require grad"):
        (x * 2).sum().backward()
    with pytest.raises(RuntimeError, match="does not require grad"):
        x.sum().backward()


def test_backward_on_leaf_itself():
    x = f64([4.0])
    x.backward()
    np.testing.assert_array_equal(x.grad, [1.0])


# --------------------------------------------------------------- grad mode
def test_no_grad_context_manager():
    w = f64([1.0, 2.0])
    assert nn.is_grad_enabled()
    with nn.no_grad():
        assert not nn.is_grad_enabled()
        y = w * 2
    assert nn.is_grad_enabled()
    assert y.requires_grad is False
    assert y.is_leaf
    np.testing.assert_array_equal(y.data, [2.0, 4.0])
    assert (w * 2).requires_grad is True


def test_no_grad_decorator():
    @nn.no_grad()
    def double(t):
        assert not nn.is_grad_enabled()
        return t * 2

    w = f64([1.0])
    assert double(w).requires_grad is False
    assert nn.is_grad_enabled()
    assert double(w).requires_grad is False  # the decorator works more than once


def test_enable_grad_inside_no_grad_records():
    w = f64([1.0, 2.0])
    with nn.no_grad():
        with nn.enable_grad():
            y = w * w
        z = w * w
    assert y.requires_grad is True
    assert z.requires_grad is False
    y.sum().backward()
    np.testing.assert_array_equal(w.grad, [2.0, 4.0])


def test_enable_grad_decorator_inside_no_grad():
    @nn.enable_grad()
    def square(t):
        return t * t

    w = f64([3.0])
    with nn.no_grad():
        y = square(w)
        assert not nn.is_grad_enabled()
    assert y.requires_grad is True


def test_no_grad_restores_mode_after_exception():
    with pytest.raises(KeyError):
        with nn.no_grad():
            raise KeyError("boom")
    assert nn.is_grad_enabled()


def test_nested_no_grad_restores_correctly():
    with nn.no_grad():
        with nn.no_grad():
            pass
        assert not nn.is_grad_enabled()
    assert nn.is_grad_enabled()


def test_grad_mode_is_per_thread():
    w = f64([1.0, 2.0])
    results = {}

    def worker():
        results["enabled"] = nn.is_grad_enabled()
        results["requires_grad"] = (w * 2).requires_grad

    with nn.no_grad():
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        assert (w * 2).requires_grad is False
    assert results == {"enabled": True, "requires_grad": True}


def test_no_grad_in_other_thread_does_not_leak():
    w = f64([1.0])
    entered, release = threading.Event(), threading.Event()

    def worker():
        with nn.no_grad():
            entered.set()
            release.wait(5)

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert entered.wait(5)
        assert nn.is_grad_enabled()
        assert (w * 2).requires_grad is True
    finally:
        release.set()
        thread.join()


def test_recursive_no_grad_decorated_function_restores_mode():
    @nn.no_grad()
    def depth(n):
        assert not nn.is_grad_enabled()
        return depth(n - 1) if n else 0

    try:
        depth(3)
        assert nn.is_grad_enabled(), "grad mode left off after a recursive @no_grad() call"
    finally:
        nn.autograd.mode.grad_enabled = True  # do not leak into other tests


def test_no_grad_decorated_function_shared_by_threads():
    # Thread A enters the decorated function while grad is on and waits inside; the
    # main thread, under no_grad, calls the same function. A must get its own mode back.
    inside, proceed = threading.Event(), threading.Event()
    after = {}

    @nn.no_grad()
    def work(block):
        if block:
            inside.set()
            proceed.wait(5)

    def thread_a():
        work(True)
        after["enabled"] = nn.is_grad_enabled()

    thread = threading.Thread(target=thread_a)
    thread.start()
    try:
        assert inside.wait(5)
        with nn.no_grad():
            work(False)
        assert nn.is_grad_enabled()
    finally:
        proceed.set()
        thread.join()
    assert after == {"enabled": True}, "thread A's grad mode was changed by the main thread"


# ---------------------------------------------------------------- anomalies
# NumPy warns (RuntimeWarning) where these NaNs/infs appear; the project's pytest
# config turns RuntimeWarning into an error, so those tests ignore it to see the
# AnomalyError itself.
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_anomaly_forward_log_of_negative():
    x = f64([-1.0, 2.0])
    with nn.detect_anomaly():
        with pytest.raises(nn.AnomalyError, match="'log'") as excinfo:
            nn.log(x)
    assert "nan" in str(excinfo.value)
    assert "forward" in str(excinfo.value)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_anomaly_forward_zero_times_inf():
    with nn.detect_anomaly():
        with pytest.raises(nn.AnomalyError, match="'mul'"):
            nn.Tensor([0.0]) * nn.Tensor([np.inf])


def test_anomaly_forward_exp_overflow_names_exp():
    x = f64([1000.0])
    with nn.detect_anomaly():
        with pytest.raises(nn.AnomalyError, match=r"'exp' produced inf"):
            x.exp()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_anomaly_backward_sqrt_at_zero():
    x = f64([0.0, 4.0])
    with nn.detect_anomaly():
        y = x.sqrt().sum()  # forward is finite
        np.testing.assert_array_equal(y.data, 2.0)
        with pytest.raises(nn.AnomalyError, match="'sqrt'") as excinfo:
            y.backward()
    assert "backward" in str(excinfo.value)
    assert "inf" in str(excinfo.value)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_no_anomaly_error_outside_context():
    x = f64([-1.0, 0.0])
    y = nn.log(x)  # nan and -inf, silently
    assert np.isnan(y.data[0]) and np.isneginf(y.data[1])
    z = f64([0.0]).sqrt().sum()
    z.backward()
    with nn.detect_anomaly():
        pass
    w = nn.log(x)  # the mode was switched off again on exit
    assert np.isnan(w.data[0])


@pytest.mark.parametrize(
    "make, op",
    [
        (lambda: nn.log(f64([-1.0])), "'log'"),
        (lambda: f64([-1.0]).sqrt(), "'sqrt'"),
        (lambda: nn.Tensor([0.0]) * nn.Tensor([np.inf]), "'mul'"),
        (lambda: f64([0.0]).sqrt().sum().backward(), "'sqrt'"),
    ],
    ids=["log-forward", "sqrt-forward", "mul-forward", "sqrt-backward"],
)
def test_anomaly_error_even_when_runtime_warnings_are_errors(make, op):
    # The project runs pytest with RuntimeWarning as an error (pyproject.toml), as does
    # ``python -W error``. detect_anomaly promises AnomalyError naming the op (its own
    # doctest shows it), so NumPy's RuntimeWarning must not pre-empt it.
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with nn.detect_anomaly():
            with pytest.raises(nn.AnomalyError, match=op):
                make()


def test_anomaly_mode_finite_computation_unaffected():
    x = f64([0.5, 2.0])
    with nn.detect_anomaly():
        y = (x.log() * x.sqrt()).sum()
        y.backward()
    expected = 1 / x.data * np.sqrt(x.data) + np.log(x.data) / (2 * np.sqrt(x.data))
    np.testing.assert_allclose(x.grad, expected, rtol=1e-14)


def test_anomaly_error_is_floating_point_error():
    assert issubclass(nn.AnomalyError, FloatingPointError)


# -------------------------------------------------------------- long chains
def test_chain_of_10000_muls_backpropagates():
    x = f64(1.0)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    y.backward()
    np.testing.assert_allclose(x.grad, 1.0001**10_000, rtol=1e-10)
    np.testing.assert_allclose(y.data, 1.0001**10_000, rtol=1e-10)


def test_chain_of_10000_adds_backpropagates_and_retains():
    x = f64([1.0, 2.0])
    y = x
    for _ in range(10_000):
        y = y + 0.0
    y.sum().backward(retain_graph=True)
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])


def test_deleting_long_unbackpropagated_chain_does_not_crash():
    x = f64([1.0])
    y = x
    for _ in range(25_000):
        y = y * 1.0 + 0.0
    del y  # releasing a 50k-deep graph must not overflow the C stack
    z = x * 2
    z.sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0])


def test_chain_with_exp_log_roundtrip():
    x = f64([0.3])
    y = x
    for _ in range(2_000):
        y = y.exp().log()
    y.backward(grad=np.ones(1))
    np.testing.assert_allclose(x.grad, [1.0], rtol=1e-9)


# ------------------------------------------------------------------- diamonds
def test_diamond_graph_sums_paths():
    x = f64([0.5, -1.5])
    a = x * 2  # path 1
    b = x.exp()  # path 2
    c = x * x  # path 3
    out = (a * b + c + a).sum()
    out.backward()
    # d/dx [2x e^x + x^2 + 2x] = 2e^x + 2x e^x + 2x + 2
    xd = x.data
    np.testing.assert_allclose(
        x.grad, 2 * np.exp(xd) + 2 * xd * np.exp(xd) + 2 * xd + 2, rtol=1e-14
    )


def test_deep_diamond_lattice():
    # each level uses the previous node twice: y_{k+1} = y_k + y_k -> dy_n/dx = 2^n
    x = f64([1.0])
    y = x
    for _ in range(30):
        y = y + y
    y.backward()
    np.testing.assert_array_equal(x.grad, [2.0**30])


def test_same_tensor_both_operands():
    x = f64([3.0])
    (x * x).backward()
    np.testing.assert_array_equal(x.grad, [6.0])
    x.zero_grad()
    (x / x).backward()
    np.testing.assert_allclose(x.grad, [0.0], atol=1e-15)
    x.zero_grad()
    (x - x).backward()
    np.testing.assert_array_equal(x.grad, [0.0])


def test_shared_weight_in_two_layers():
    rng = np.random.default_rng(0)
    w = nn.Tensor(rng.standard_normal((3, 3)), requires_grad=True)
    X = nn.Tensor(rng.standard_normal((4, 3)))
    assert nn.gradcheck(lambda w: F.tanh(F.tanh(X @ w) @ w).sum(), w)


# ------------------------------------------------------------------ gradcheck
def test_gradcheck_true_on_correct_function():
    rng = np.random.default_rng(1)
    a = nn.Tensor(rng.standard_normal((3, 4)), requires_grad=True)
    b = nn.Tensor(rng.standard_normal((4, 2)), requires_grad=True)
    c = nn.Tensor(rng.uniform(0.5, 2.0, (3, 2)), requires_grad=True)
    assert nn.gradcheck(lambda a, b, c: F.sigmoid(a @ b) * c.log() + c.sqrt(), a, b, c) is True


def _wrong_on_second(a, b):
    # a hook doubles the gradient reaching b: backprop disagrees with the function
    bb = b * 1.0
    if bb.requires_grad:  # gradcheck evaluates the function under no_grad too
        bb.register_hook(lambda g: 2 * g)
    return (a * bb).sum()


def test_gradcheck_raises_naming_input_and_index():
    a = nn.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    b = nn.Tensor(np.array([3.0, 4.0]), requires_grad=True)
    with pytest.raises(nn.GradcheckError) as excinfo:
        nn.gradcheck(_wrong_on_second, a, b)
    message = str(excinfo.value)
    assert "input 1" in message
    assert "element (0,)" in message


def test_gradcheck_names_the_wrong_element():
    x = nn.Tensor(np.array([[1.0, 2.0], [3.0, 4.0]]), requires_grad=True)

    def fn(x):
        y = x * x
        # corrupt only element (1, 0) of the gradient
        if y.requires_grad:
            y.register_hook(lambda g: g + np.array([[0.0, 0.0], [5.0, 0.0]]))
        return y

    with pytest.raises(nn.GradcheckError, match=r"input 0 .*element \(1, 0\)"):
        nn.gradcheck(fn, x)


def test_gradcheck_error_is_assertion_error():
    assert issubclass(nn.GradcheckError, AssertionError)


def test_gradcheck_without_grad_inputs():
    with pytest.raises(ValueError, match="requires_grad"):
        nn.gradcheck(lambda t: t.sum(), nn.Tensor([1.0]))


def test_gradcheck_leaves_user_inputs_untouched():
    x = nn.Tensor(np.array([1.0, 2.0], np.float32), requires_grad=True)
    assert nn.gradcheck(lambda t: (t * t).sum(), x)
    assert x.grad is None
    assert x.dtype == np.float32
    np.testing.assert_array_equal(x.data, [1.0, 2.0])


# -------------------------------------------------------------------- RNG
@pytest.mark.parametrize("fn", [nn.randn, nn.rand], ids=["randn", "rand"])
def test_random_constructors_reproducible_from_seed(fn):
    a = fn(4, 5, rng=123)
    b = fn(4, 5, rng=123)
    assert a.shape == (4, 5)
    assert a.data.tobytes() == b.data.tobytes()
    assert fn(4, 5, rng=124).data.tobytes() != a.data.tobytes()


@pytest.mark.parametrize("fn", [nn.randn, nn.rand], ids=["randn", "rand"])
def test_random_constructors_reproducible_from_generator_state(fn):
    g1, g2 = np.random.default_rng(7), np.random.default_rng(7)
    first1, first2 = fn(3, rng=g1, dtype=np.float64), fn(3, rng=g2, dtype=np.float64)
    second1, second2 = fn(3, rng=g1, dtype=np.float64), fn(3, rng=g2, dtype=np.float64)
    assert first1.data.tobytes() == first2.data.tobytes()
    assert second1.data.tobytes() == second2.data.tobytes()
    assert first1.data.tobytes() != second1.data.tobytes()  # the generator advanced
    # and the values are exactly NumPy's draws from that generator
    reference = np.random.default_rng(7)
    draw = reference.standard_normal if fn is nn.randn else reference.random
    np.testing.assert_array_equal(first1.data, draw(3))


def test_rand_range_and_randn_moments():
    u = nn.rand(10_000, rng=0, dtype=np.float64).data
    assert u.min() >= 0.0 and u.max() < 1.0
    z = nn.randn(10_000, rng=0, dtype=np.float64).data
    assert abs(z.mean()) < 0.05 and abs(z.std() - 1) < 0.05


@pytest.mark.parametrize("mode", ["inverted", "classic"])
def test_dropout_reproducible(mode):
    x = nn.Tensor(np.ones((50, 20)))
    a = F.dropout(x, p=0.3, rng=42, mode=mode)
    b = F.dropout(x, p=0.3, rng=42, mode=mode)
    assert a.data.tobytes() == b.data.tobytes()
    assert F.dropout(x, p=0.3, rng=43, mode=mode).data.tobytes() != a.data.tobytes()
    g1, g2 = np.random.default_rng(5), np.random.default_rng(5)
    for _ in range(3):
        assert (
            F.dropout(x, 0.3, rng=g1, mode=mode).data.tobytes()
            == F.dropout(x, 0.3, rng=g2, mode=mode).data.tobytes()
        )
    kept = (a.data != 0).mean()
    assert 0.6 < kept < 0.8  # drop probability p = 0.3


def test_dropout_gradient_follows_mask():
    x = nn.Tensor(np.ones((10, 10)), requires_grad=True)
    y = F.dropout(x, p=0.5, rng=3)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, y.data)  # mask * 1/q, zeros where dropped
    assert set(np.unique(y.data)) == {0.0, 2.0}


# ---------------------------------------------------------------- gradient ownership
# Leaves may adopt a freshly computed gradient array instead of copying it; these
# tests pin down that no two .grad arrays ever share memory and all are writeable.
def _two_leaves(shape=(3, 2)):
    rng = np.random.default_rng(0)
    return (
        nn.Tensor(rng.standard_normal(shape), requires_grad=True),
        nn.Tensor(rng.standard_normal(shape), requires_grad=True),
    )


@pytest.mark.parametrize(
    "build",
    [
        lambda a, b: (a + b).sum(),  # add hands one gradient array to both inputs
        lambda a, b: (a.reshape(6) + b.reshape(6)).sum(),  # views of one array
        lambda a, b: (a - b).sum() + (a * b).sum(),
        lambda a, b: nn.concatenate([a, b]).sum(),  # np.split views
        lambda a, b: nn.stack([a, b]).mean(),
        lambda a, b: (a.T + b.T).sum(),
    ],
)
def test_leaf_gradients_never_share_memory_and_are_writeable(build):
    a, b = _two_leaves()
    build(a, b).backward()
    assert not np.shares_memory(a.grad, b.grad)
    assert a.grad.flags.writeable and b.grad.flags.writeable
    before_b = b.grad.copy()
    a.grad += 1.0  # an optimizer clipping or decaying a.grad in place
    np.testing.assert_array_equal(b.grad, before_b)


def test_accumulation_into_an_adopted_gradient_leaves_other_leaves_alone():
    a, b = _two_leaves()
    for _ in range(2):
        (a + b).sum().backward()
    np.testing.assert_array_equal(a.grad, np.full(a.shape, 2.0))
    np.testing.assert_array_equal(b.grad, np.full(b.shape, 2.0))


def test_user_supplied_grad_is_not_adopted():
    a, _ = _two_leaves()
    upstream = np.ones(a.shape)
    (a * 1.0).backward(upstream)
    a.grad += 5.0
    np.testing.assert_array_equal(upstream, np.ones(a.shape))
    root = nn.Tensor(np.zeros(3), requires_grad=True)
    seed = np.ones(3)
    root.backward(seed)  # a leaf as the root gets a copy of the given gradient too
    root.grad += 1.0
    np.testing.assert_array_equal(seed, np.ones(3))


def test_leaf_gradient_has_the_leaf_dtype_when_computation_is_wider():
    w = nn.Tensor(np.ones(3, np.float32), requires_grad=True)
    (w * nn.Tensor(np.ones(3, np.float64))).sum().backward()
    assert w.grad.dtype == np.float32
