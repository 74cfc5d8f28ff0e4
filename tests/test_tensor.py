"""Tensor construction, dtype rules, properties, and the messages of bad input."""

from __future__ import annotations

import re

import numpy as np
import pytest

import numnet as nn
import numnet.functional as F


@pytest.fixture
def float64_default():
    """Switch the default float dtype to float64 for one test, then restore it."""
    previous = nn.get_default_dtype()
    nn.set_default_dtype(np.float64)
    try:
        yield
    finally:
        nn.set_default_dtype(previous)


# ------------------------------------------------------------------ dtypes
def test_python_floats_default_to_float32():
    assert nn.get_default_dtype() == np.float32
    assert nn.Tensor([1.0, 2.5]).dtype == np.float32
    assert nn.Tensor(3.0).dtype == np.float32
    assert nn.Tensor([[1, 2.0]]).dtype == np.float32  # mixed int/float list is a float list
    assert nn.tensor([0.5]).dtype == np.float32
    assert nn.zeros(2, 3).dtype == np.float32
    assert nn.ones(2).dtype == np.float32
    assert nn.randn(2, rng=0).dtype == np.float32
    assert nn.rand(2, rng=0).dtype == np.float32


def test_set_default_dtype_float64(float64_default):
    assert nn.get_default_dtype() == np.float64
    assert nn.Tensor([1.0, 2.5]).dtype == np.float64
    assert nn.Tensor(3.0).dtype == np.float64
    assert nn.zeros(2).dtype == np.float64
    assert nn.randn(3, rng=1).dtype == np.float64
    # Python ints stay integers whatever the float default is.
    assert nn.Tensor([1, 2]).dtype == np.int64


def test_default_dtype_fixture_restored():
    # Runs after test_set_default_dtype_float64 in file order: the fixture put float32 back.
    assert nn.get_default_dtype() == np.float32
    assert nn.Tensor([1.0]).dtype == np.float32


@pytest.mark.parametrize("bad", [np.float16, np.int32, np.complex128, "float16", "U3", bool])
def test_set_default_dtype_rejects_non_float32_64(bad):
    before = nn.get_default_dtype()
    with pytest.raises(TypeError, match="float32 or float64"):
        nn.set_default_dtype(bad)
    assert nn.get_default_dtype() == before


def test_python_ints_become_int64():
    t = nn.Tensor([1, 2, 3])
    assert t.dtype == np.int64
    assert nn.Tensor(7).dtype == np.int64
    assert t.tolist() == [1, 2, 3]


def test_bools_stay_bool():
    t = nn.Tensor([True, False, True])
    assert t.dtype == np.bool_
    assert t.tolist() == [True, False, True]
    assert nn.Tensor(True).dtype == np.bool_


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ndarray_float_dtype_kept_and_shared(dtype):
    array = np.arange(6, dtype=dtype).reshape(2, 3)
    t = nn.Tensor(array)
    assert t.dtype == dtype
    assert t.data is array  # not copied
    # ``tensor`` copies
    c = nn.tensor(array)
    assert c.dtype == dtype
    assert c.data is not array
    array[0, 0] = 42
    assert t.data[0, 0] == 42 and c.data[0, 0] == 0


def test_ndarray_float64_kept_under_float32_default():
    assert nn.Tensor(np.array([1.0, 2.0])).dtype == np.float64


def test_explicit_dtype_argument():
    assert nn.Tensor([1, 2], dtype=np.float64).dtype == np.float64
    assert nn.Tensor([1.5, 2.5], dtype=np.int32).dtype == np.int32
    assert nn.Tensor(np.zeros(2, np.float64), dtype=np.float32).dtype == np.float32
    with pytest.raises(TypeError):
        nn.Tensor([1.0], dtype=np.float16)


@pytest.mark.parametrize("data", [[1, 2], np.array([1, 2], np.int32), [True, False]])
def test_integer_or_bool_tensor_cannot_require_grad(data):
    with pytest.raises(TypeError, match="floating-point"):
        nn.Tensor(data, requires_grad=True)


def test_float_tensor_can_require_grad():
    assert nn.Tensor([1.0], requires_grad=True).requires_grad is True
    assert nn.Tensor([1.0]).requires_grad is False


@pytest.mark.parametrize("data", [[1, "a"], [1, None], ["x", "y"], "abc", [[1.0], [None]]])
def test_mixed_or_non_numeric_list_is_type_error(data):
    with pytest.raises(TypeError, match="numbers or bools"):
        nn.Tensor(data)


@pytest.mark.parametrize(
    "data",
    [
        np.array([1.0, 2.0], dtype=np.float16),
        np.array([1 + 2j]),
        [1j, 2.0],
        np.array(["a", "b"]),
    ],
    ids=["float16", "complex-array", "complex-list", "str-array"],
)
def test_unsupported_dtype_is_type_error(data):
    with pytest.raises(TypeError):
        nn.Tensor(data)


def test_ragged_list_is_value_error():
    with pytest.raises(ValueError, match="ragged"):
        nn.Tensor([[1.0, 2.0], [3.0]])
    with pytest.raises(ValueError, match="ragged"):
        nn.Tensor([[1, 2], [3, 4, 5]])


# -------------------------------------------------------------- properties
def test_basic_properties():
    data = np.arange(6.0).reshape(2, 3)
    t = nn.Tensor(data, requires_grad=True)
    assert t.data is data
    assert t.numpy() is data
    assert t.grad is None
    assert t.requires_grad is True
    assert t.shape == (2, 3)
    assert t.ndim == 2
    assert t.size == 6
    assert t.dtype == np.float64
    assert len(t) == 2
    assert t.is_leaf
    assert t.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]


def test_transpose_property():
    t = nn.Tensor(np.arange(6.0).reshape(2, 3))
    assert t.T.shape == (3, 2)
    np.testing.assert_array_equal(t.T.data, t.data.T)
    cube = nn.Tensor(np.arange(24.0).reshape(2, 3, 4))
    np.testing.assert_array_equal(cube.T.data, cube.data.transpose(2, 1, 0))


def test_transpose_property_gradient():
    w = nn.Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    weights = np.arange(6.0).reshape(3, 2) + 1
    (w.T * nn.Tensor(weights)).sum().backward()
    np.testing.assert_array_equal(w.grad, weights.T)


def test_item_and_conversions():
    assert nn.Tensor(2.5).item() == 2.5
    assert isinstance(nn.Tensor([3]).item(), int)
    assert nn.Tensor([[4.0]]).item() == 4.0
    assert float(nn.Tensor([1.5])) == 1.5
    assert int(nn.Tensor(7)) == 7
    with pytest.raises(ValueError, match=r"\(2,\)"):
        nn.Tensor([1.0, 2.0]).item()


def test_bool_of_tensor():
    assert bool(nn.Tensor([1.0])) is True
    assert bool(nn.Tensor(0.0)) is False
    with pytest.raises(ValueError, match="ambiguous"):
        bool(nn.Tensor([1.0, 2.0]))


def test_len_of_scalar_is_type_error():
    with pytest.raises(TypeError):
        len(nn.Tensor(1.0))


def test_detach_shares_data_and_cuts_graph():
    x = nn.Tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    d = y.detach()
    assert d.requires_grad is False
    assert d.is_leaf
    assert d.data is y.data  # shared, not copied
    np.testing.assert_array_equal(d.data, [3.0, 6.0])
    # Using the detached tensor stops gradients: only the direct path counts.
    (y * d).sum().backward()
    np.testing.assert_array_equal(x.grad, 3 * d.data)


def test_numpy_shares_memory():
    t = nn.Tensor([1.0, 2.0])
    t.numpy()[0] = 10.0
    assert t.data[0] == 10.0


# --------------------------------------------------------------- promotion
def test_int_plus_float32_is_float32():
    i = nn.Tensor([1, 2, 3])
    f = nn.Tensor(np.array([0.5, 0.5, 0.5], np.float32))
    for result in (i + f, f + i, i * f, f - i, i / f):
        assert result.dtype == np.float32
    np.testing.assert_array_equal((i + f).data, [1.5, 2.5, 3.5])


def test_int_plus_float64_is_float64():
    i = nn.Tensor([1, 2])
    f = nn.Tensor(np.array([0.25, 0.5]))
    assert (i + f).dtype == np.float64
    assert (f * i).dtype == np.float64


def test_int_with_float_tensor_requiring_grad_gets_gradient():
    i = nn.Tensor([1, 2, 3])
    w = nn.Tensor(np.array([1.0, 1.0, 1.0], np.float32), requires_grad=True)
    out = (i * w).sum()
    assert out.dtype == np.float32
    out.backward()
    np.testing.assert_array_equal(w.grad, [1.0, 2.0, 3.0])
    assert w.grad.dtype == np.float32


def test_python_scalar_keeps_tensor_float_dtype():
    f32 = nn.Tensor(np.array([1.0], np.float32))
    assert (f32 * 2.5).dtype == np.float32
    assert (2 + f32).dtype == np.float32
    assert (f32**2).dtype == np.float32
    f64 = nn.Tensor(np.array([1.0]))
    assert (f64 * 2.5).dtype == np.float64


def test_int_plus_int_stays_int():
    assert (nn.Tensor([1, 2]) + nn.Tensor([3, 4])).dtype == np.int64


# ------------------------------------------------------------- comparisons
@pytest.mark.parametrize(
    "op, expected",
    [
        (lambda a, b: a < b, [True, False, False]),
        (lambda a, b: a <= b, [True, True, False]),
        (lambda a, b: a > b, [False, False, True]),
        (lambda a, b: a >= b, [False, True, True]),
        (lambda a, b: a == b, [False, True, False]),
        (lambda a, b: a != b, [True, False, True]),
    ],
    ids=["lt", "le", "gt", "ge", "eq", "ne"],
)
def test_comparisons_return_bool_tensors_without_grad(op, expected):
    a = nn.Tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = nn.Tensor([2.0, 2.0, 2.0], requires_grad=True)
    result = op(a, b)
    assert isinstance(result, nn.Tensor)
    assert result.dtype == np.bool_
    assert result.requires_grad is False
    assert result.tolist() == expected


def test_comparison_with_scalar_broadcasts():
    a = nn.Tensor([[1.0, 5.0], [3.0, -1.0]], requires_grad=True)
    assert (a > 2).tolist() == [[False, True], [True, False]]
    assert (a > 2).requires_grad is False


def test_tensor_hashable_despite_elementwise_eq():
    a, b = nn.Tensor([1.0]), nn.Tensor([1.0])
    assert len({a, b}) == 2


# -------------------------------------------------------------------- repr
def test_repr():
    assert repr(nn.Tensor([1.0, 2.0])) == "Tensor([1., 2.])"
    assert repr(nn.Tensor([1.0], requires_grad=True)) == "Tensor([1.], requires_grad=True)"
    assert repr(nn.Tensor(np.array([1.5]))) == "Tensor([1.5], dtype=float64)"
    assert repr(nn.Tensor([1, 2])) == "Tensor([1, 2], dtype=int64)"
    x = nn.Tensor([1.0], requires_grad=True)
    assert repr(x * 2) == "Tensor([2.], op=mul)"
    multi = repr(nn.Tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert multi.startswith("Tensor([[1., 2.],") and "[3., 4.]])" in multi


# ----------------------------------------------------- bad-input messages
def _assert_names_shapes(excinfo, *shapes):
    message = str(excinfo.value)
    for shape in shapes:
        assert str(shape) in message, f"{shape} missing from: {message}"


def test_matmul_shape_mismatch_names_both_shapes():
    a, b = nn.Tensor(np.ones((2, 3))), nn.Tensor(np.ones((4, 5)))
    with pytest.raises(ValueError) as excinfo:
        a @ b
    _assert_names_shapes(excinfo, (2, 3), (4, 5))
    with pytest.raises(ValueError) as excinfo:
        nn.matmul(nn.Tensor(np.ones(3)), nn.Tensor(np.ones((2, 2))))
    _assert_names_shapes(excinfo, (3,), (2, 2))


def test_matmul_batch_mismatch_names_both_shapes():
    a, b = nn.Tensor(np.ones((2, 3, 4))), nn.Tensor(np.ones((5, 4, 2)))
    with pytest.raises(ValueError) as excinfo:
        a @ b
    _assert_names_shapes(excinfo, (2, 3, 4), (5, 4, 2))


def test_matmul_of_scalar_is_value_error():
    with pytest.raises(ValueError, match="at least 1 axis"):
        nn.Tensor(2.0) @ nn.Tensor([1.0])


@pytest.mark.parametrize(
    "op",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a * b,
        lambda a, b: a / b,
        lambda a, b: a**b,
        lambda a, b: nn.maximum(a, b),
        lambda a, b: nn.minimum(a, b),
        lambda a, b: a < b,
    ],
    ids=["add", "sub", "mul", "div", "pow", "maximum", "minimum", "lt"],
)
def test_broadcast_mismatch_names_both_shapes(op):
    a, b = nn.Tensor(np.ones((2, 3))), nn.Tensor(np.ones(4))
    with pytest.raises(ValueError) as excinfo:
        op(a, b)
    _assert_names_shapes(excinfo, (2, 3), (4,))


def test_reshape_errors():
    t = nn.Tensor(np.arange(6.0).reshape(2, 3))
    with pytest.raises(ValueError) as excinfo:
        t.reshape(4, 2)
    _assert_names_shapes(excinfo, (2, 3), (4, 2))
    with pytest.raises(ValueError):
        t.reshape(-1, -1)
    assert t.reshape(3, -1).shape == (3, 2)
    assert t.reshape((6,)).shape == (6,)


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "var"])
def test_axis_out_of_range(name):
    t = nn.Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match=re.escape("axis 2")) as excinfo:
        getattr(t, name)(axis=2)
    _assert_names_shapes(excinfo, (2, 3))
    with pytest.raises(ValueError):
        getattr(t, name)(axis=-3)
    # in range, negative axes are fine
    assert getattr(t, name)(axis=-1).shape == (2,)


def test_repeated_axis_rejected():
    with pytest.raises(ValueError, match="repeated"):
        nn.Tensor(np.ones((2, 3))).sum(axis=(1, -1))


def test_cross_entropy_class_index_too_large():
    logits = nn.Tensor(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"class index 3 .*\[0, 3\)"):
        F.cross_entropy(logits, nn.Tensor([0, 3]))


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64])
def test_cross_entropy_negative_class_index(dtype):
    # int64 is what nn.Tensor([...]) of Python ints gives: the common case.
    logits = nn.Tensor(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"class index -1 "):
        F.cross_entropy(logits, nn.Tensor(np.array([-1, 0], dtype=dtype)))
    with pytest.raises(ValueError, match=r"class index -2 "):
        F.cross_entropy(logits, np.array([1, -2], dtype=dtype))


def test_cross_entropy_negative_class_index_from_python_ints():
    logits = nn.Tensor(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    with pytest.raises(ValueError, match=r"class index -1 "):
        F.cross_entropy(logits, nn.Tensor([-1, 0]))


def test_cross_entropy_float_targets_type_error():
    logits = nn.Tensor(np.zeros((2, 3)))
    with pytest.raises(TypeError, match="integer class indices"):
        F.cross_entropy(logits, nn.Tensor([0.0, 1.0]))
    with pytest.raises(TypeError, match="integer class indices"):
        F.cross_entropy(logits, np.array([0.0, 1.0]))


def test_cross_entropy_target_shape_and_input_rank():
    with pytest.raises(ValueError) as excinfo:
        F.cross_entropy(nn.Tensor(np.zeros((2, 3))), nn.Tensor([0, 1, 2]))
    _assert_names_shapes(excinfo, (3,), (2, 3))
    with pytest.raises(ValueError, match=r"\(3,\)"):
        F.cross_entropy(nn.Tensor(np.zeros(3)), nn.Tensor([0]))


def test_cross_entropy_valid_targets_value():
    # Sanity for the error tests above: valid indices give -ln softmax.
    z = np.array([[1.0, 2.0, 3.0], [0.5, -0.5, 0.0]])
    y = np.array([2, 0])
    got = F.cross_entropy(nn.Tensor(z), nn.Tensor(y)).item()
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    assert got == pytest.approx(-logp[[0, 1], y].mean(), rel=1e-12)


@pytest.mark.parametrize(
    "loss", [F.mse_loss, F.binary_cross_entropy_with_logits], ids=["mse", "bce_logits"]
)
def test_loss_shape_mismatch_n1_vs_n(loss):
    with pytest.raises(ValueError) as excinfo:
        loss(nn.Tensor(np.zeros((4, 1))), nn.Tensor(np.zeros(4)))
    _assert_names_shapes(excinfo, (4, 1), (4,))


@pytest.mark.parametrize(
    "call",
    [
        lambda r: F.mse_loss(nn.Tensor([1.0]), nn.Tensor([1.0]), reduction=r),
        lambda r: F.binary_cross_entropy_with_logits(
            nn.Tensor([1.0]), nn.Tensor([1.0]), reduction=r
        ),
        lambda r: F.cross_entropy(nn.Tensor([[1.0, 2.0]]), nn.Tensor([0]), reduction=r),
    ],
    ids=["mse", "bce_logits", "cross_entropy"],
)
def test_unknown_reduction(call):
    with pytest.raises(ValueError, match="'avg'"):
        call("avg")
    for reduction in ("mean", "sum", "none"):
        assert isinstance(call(reduction), nn.Tensor)


@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan")])
def test_dropout_probability_outside_unit_interval(p):
    with pytest.raises(ValueError, match="p must be in"):
        F.dropout(nn.Tensor(np.ones(4)), p=p, rng=0)


def test_dropout_unknown_mode():
    with pytest.raises(ValueError, match="'scaled'"):
        F.dropout(nn.Tensor(np.ones(4)), p=0.5, rng=0, mode="scaled")


def test_dropout_boundaries_are_allowed():
    x = nn.Tensor(np.ones(5))
    np.testing.assert_array_equal(F.dropout(x, p=0.0, rng=0).data, np.ones(5))
    np.testing.assert_array_equal(F.dropout(x, p=1.0, rng=0).data, np.zeros(5))


@pytest.mark.parametrize("shape", [(-1, 2), (2.0, 3)])
def test_constructor_bad_shape(shape):
    with pytest.raises(ValueError, match="non-negative ints"):
        nn.zeros(*shape)


@pytest.mark.parametrize("scalar", [np.float64(2.5), np.float32(2.5), np.int32(3)])
def test_numpy_scalar_keeps_its_dtype(scalar):
    assert nn.Tensor(scalar).dtype == scalar.dtype


# ---------------------------------------------------------------- in-place updates
def test_in_place_update_under_no_grad_keeps_the_parameter():
    w = nn.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    (w * w).sum().backward()
    data_before = w.data
    with nn.no_grad():
        w -= 0.25 * nn.Tensor(w.grad)
        w *= 2.0
        w += np.array([1.0, 1.0])
        w /= 2
    assert w.requires_grad and w.is_leaf
    assert w.data is data_before  # the same array, changed in place
    # grad = 2w = [2, 4]: ((1 - 0.5) * 2 + 1) / 2 = 1, ((2 - 1) * 2 + 1) / 2 = 1.5
    np.testing.assert_allclose(w.data, [1.0, 1.5])
    # and it still trains: a second backward reaches the same leaf
    w.grad = None
    (w * w).sum().backward()
    np.testing.assert_allclose(w.grad, [2.0, 3.0])


def test_in_place_on_a_recorded_tensor_is_refused():
    w = nn.Tensor(np.ones(2), requires_grad=True)
    with pytest.raises(RuntimeError, match="no_grad"):
        w -= 1.0
    h = w * 2
    with pytest.raises(RuntimeError, match="requires grad"):
        h += 1.0
    np.testing.assert_array_equal(w.data, np.ones(2))


def test_in_place_on_a_constant_and_bad_shapes():
    c = nn.Tensor(np.zeros((2, 2)))
    c += 1  # no grad involved: allowed
    np.testing.assert_array_equal(c.data, np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"\(3,\).*\(2, 2\)"):
        c += np.ones(3)


def test_iteration():
    rows = list(nn.Tensor(np.arange(6.0).reshape(3, 2)))
    assert [r.tolist() for r in rows] == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]
    with pytest.raises(TypeError, match="0-d"):
        iter(nn.Tensor(1.0))


def test_backward_python_float_seed_keeps_float64_precision():
    x = nn.Tensor(np.array(1.0), requires_grad=True)
    (x * 1).backward(0.1)
    assert x.grad.dtype == np.float64 and x.grad == 0.1  # not 0.1 rounded to float32
