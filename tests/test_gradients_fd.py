"""Every op and function of numnet: backward() against central finite differences.

Shapes come from hypothesis (0-4 axes of size 1-4, size-1 axes included, and
pairs/triples of broadcast-compatible shapes); values come from a NumPy
Generator seeded by a hypothesis-drawn integer. ``numnet.gradcheck`` runs in
float64 and raises ``GradcheckError`` on the first element that disagrees.

Finite differences are undefined at kinks and ties, so inputs are kept away
from them (values shifted by at least 1e-2 from every kink, distinct values for
max/min); the documented conventions at ties are checked by hand instead.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import numnet as nn
import numnet.functional as F
from numnet.tensor import _result

FD = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

seeds = st.integers(0, 2**32 - 1)
reductions = st.sampled_from(["mean", "sum", "none"])


# ------------------------------------------------------------------ strategies
def shapes(min_dims: int = 0, max_dims: int = 4, max_side: int = 4):
    """0-4 axes of size 1-4 (hypothesis shrinks towards size-1 axes)."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)


@st.composite
def broadcast_shapes(draw, n: int = 2, min_dims: int = 0, max_dims: int = 4):
    """``n`` shapes that broadcast together: each drops some leading axes of a common
    base shape and sets some of the remaining axes to 1, so broadcasting can go
    either way, or both ways at once (``(3, 1)`` with ``(1, 4)``)."""
    base = draw(shapes(min_dims=min_dims, max_dims=max_dims))
    out = []
    for _ in range(n):
        drop = draw(st.just(0) | st.integers(0, len(base)))  # keep every axis half the time
        rest = base[drop:]
        ones = draw(
            st.lists(st.sampled_from([False, False, True]), min_size=len(rest), max_size=len(rest))
        )
        out.append(tuple(1 if one else size for size, one in zip(rest, ones, strict=True)))
    return tuple(out)


@st.composite
def axis_args(draw, ndim: int):
    """None, an int (negative too), or a tuple of distinct axes (negative too, maybe empty)."""
    kinds = ["none", "int", "tuple"] if ndim else ["none"]
    kind = draw(st.sampled_from(kinds))
    if kind == "none":
        return None
    if kind == "int":
        return draw(st.integers(-ndim, ndim - 1))
    axes = draw(st.lists(st.integers(0, ndim - 1), min_size=0, max_size=ndim, unique=True))
    return tuple(a - ndim if draw(st.booleans()) else a for a in axes)


# --------------------------------------------------------------------- helpers
def values(rng: np.random.Generator, shape, low: float = -2.0, high: float = 2.0) -> np.ndarray:
    return np.asarray(rng.uniform(low, high, size=shape), dtype=np.float64)


def nonzero(rng: np.random.Generator, shape, low: float = 0.5, high: float = 2.0) -> np.ndarray:
    """Magnitudes in [low, high] with random signs: safe denominators."""
    return values(rng, shape, low, high) * rng.choice([-1.0, 1.0], size=shape)


def away_from(x: np.ndarray, points=(0.0,), margin: float = 1e-2) -> np.ndarray:
    """Shift every value within ``margin`` of a kink in ``points`` to at least ``margin`` away."""
    x = np.array(x, dtype=np.float64)
    for p in points:
        close = np.abs(x - p) < margin
        x = np.where(close, x + np.where(x >= p, margin, -margin), x)
    return x


def distinct(rng: np.random.Generator, shape) -> np.ndarray:
    """Values at least 0.1 apart (a shuffled grid plus jitter): no ties, no near-ties."""
    n = int(np.prod(shape, dtype=np.int64))
    grid = rng.permutation(n) + rng.uniform(-0.3, 0.3, size=n)
    return (grid / 4 - n / 8).reshape(shape)


def leaf(data, requires_grad: bool = True) -> nn.Tensor:
    return nn.Tensor(np.asarray(data, dtype=np.float64), requires_grad=requires_grad)


def check(fn, *inputs, **tolerances) -> None:
    assert nn.gradcheck(fn, *inputs, **tolerances) is True


def backward_grad(fn, x: np.ndarray, upstream: np.ndarray | None = None) -> np.ndarray:
    """dL/dx with L = Σ upstream · fn(x), through backward()."""
    t = leaf(x)
    out = fn(t)
    if upstream is None:
        upstream = np.ones(out.shape)
    out.backward(upstream)
    return t.grad


# ============================================================ negative controls
def _square_with_wrong_element(x: nn.Tensor, bad: tuple[int, ...]) -> nn.Tensor:
    """x² whose backward is right everywhere except at element ``bad`` (off by 1 %)."""
    xd = x.data

    def backward(g):
        grad = 2 * xd * g
        grad[bad] *= 1.01
        return (grad,)

    return _result(xd * xd, (x,), backward, "bad_square")


def test_gradcheck_catches_wrong_element_and_names_input_and_index(rng):
    const = leaf(values(rng, (2, 3)), requires_grad=False)  # input 0, not checked
    x = leaf(values(rng, (3, 4), 0.5, 2.0))  # input 1, wrong at (1, 2)
    with pytest.raises(nn.GradcheckError, match=r"input 1 \(shape \(3, 4\)\), element \(1, 2\)"):
        nn.gradcheck(lambda c, t: _square_with_wrong_element(t, (1, 2)).sum() + c.sum(), const, x)
    # the same op with a correct backward passes, so the failure above is the wrong element
    check(lambda c, t: (t * t).sum() + c.sum(), const, x)


def test_gradcheck_catches_missing_and_unbroadcast_gradients(rng):
    x = leaf(values(rng, (2, 3)))
    b = leaf(values(rng, (3,)))

    def forgets_b(t, u):  # returns no gradient for its second input
        return _result(t.data + u.data, (t, u), lambda g: (g, None), "forgets_b")

    with pytest.raises(nn.GradcheckError, match=r"input 1 \(shape \(3,\)\), element \(0,\)"):
        nn.gradcheck(forgets_b, x, b)

    def wrong_transpose(t):  # backward permutes the gradient of a non-symmetric map
        return _result(t.data.T.copy(), (t,), lambda g: (g.reshape(t.shape),), "bad_T")

    with pytest.raises(nn.GradcheckError, match=r"input 0 \(shape \(2, 3\)\)"):
        nn.gradcheck(wrong_transpose, x)


# ============================================================ arithmetic
BINARY = {
    # name: (fn, values of a, values of b)
    "add": (lambda a, b: a + b, values, values),
    "sub": (lambda a, b: a - b, values, values),
    "mul": (lambda a, b: a * b, values, values),
    "div": (lambda a, b: a / b, values, nonzero),
    "pow": (lambda a, b: a**b, lambda r, s: values(r, s, 0.5, 2.0), values),
    "maximum": (nn.maximum, None, None),  # values separated below
    "minimum": (nn.minimum, None, None),
    "method_maximum": (lambda a, b: a.maximum(b), None, None),
    "method_minimum": (lambda a, b: a.minimum(b), None, None),
}


def _untied_pair(rng, sa, sb):
    """a on integers + [0, 0.2], b on integers + [0.5, 0.7]: |a - b| >= 0.3, never tied."""
    a = rng.integers(-2, 3, size=sa) + rng.uniform(0.0, 0.2, size=sa)
    b = rng.integers(-2, 3, size=sb) + rng.uniform(0.5, 0.7, size=sb)
    return np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)


@pytest.mark.parametrize("name", sorted(BINARY))
@FD
@given(pair=broadcast_shapes(2), seed=seeds, which=st.sampled_from(["both", "left", "right"]))
def test_binary_op_with_broadcasting(name, pair, seed, which):
    fn, make_a, make_b = BINARY[name]
    rng = np.random.default_rng(seed)
    sa, sb = pair
    if make_a is None:
        ad, bd = _untied_pair(rng, sa, sb)
    else:
        ad, bd = make_a(rng, sa), make_b(rng, sb)
    a = leaf(ad, requires_grad=which != "right")
    b = leaf(bd, requires_grad=which != "left")
    check(fn, a, b)


SCALAR_OPERAND = {
    "x + 2.0": lambda x: x + 2.0,
    "2.0 + x": lambda x: 2.0 + x,
    "x + 1": lambda x: x + 1,
    "x - 2.0": lambda x: x - 2.0,
    "2.0 - x": lambda x: 2.0 - x,
    "3 - x": lambda x: 3 - x,
    "x * 3.0": lambda x: x * 3.0,
    "3 * x": lambda x: 3 * x,
    "x / 3": lambda x: x / 3,
    "3 / x": lambda x: 3 / x,
    "2.5 / x": lambda x: 2.5 / x,
    "2.0 ** x": lambda x: 2.0**x,
    "3 ** x": lambda x: 3**x,
    "x ** 2": lambda x: x**2,
    "x ** 2.0": lambda x: x**2.0,
    "x ** 3": lambda x: x**3,
    "x ** 0.5": lambda x: x**0.5,
    "x ** -1.5": lambda x: x**-1.5,
    "x ** 1": lambda x: x**1,
    "x ** 0": lambda x: x**0,
    "x ** np.float64(1.7)": lambda x: x ** np.float64(1.7),
    "-x": lambda x: -x,
    "x.exp()": lambda x: x.exp(),
    "x.log()": lambda x: x.log(),
    "x.sqrt()": lambda x: x.sqrt(),
    "nn.exp": nn.exp,
    "nn.log": nn.log,
    "nn.sqrt": nn.sqrt,
}


@pytest.mark.parametrize("name", list(SCALAR_OPERAND))
@FD
@given(shape=shapes(), seed=seeds)
def test_unary_and_scalar_operand_ops(name, shape, seed):
    rng = np.random.default_rng(seed)
    x = leaf(values(rng, shape, 0.5, 2.0))  # positive: log, sqrt, fractional powers
    check(SCALAR_OPERAND[name], x)


ARRAY_OPERAND = {
    "c + x": lambda c, x: c + x,
    "x + c": lambda c, x: x + c,
    "c - x": lambda c, x: c - x,
    "x - c": lambda c, x: x - c,
    "c * x": lambda c, x: c * x,
    "c / x": lambda c, x: c / x,
    "x / c": lambda c, x: x / c,
    "c ** x": lambda c, x: c**x,
    "x ** c": lambda c, x: x**c,
}


@pytest.mark.parametrize("name", list(ARRAY_OPERAND))
@FD
@given(pair=broadcast_shapes(2), seed=seeds)
def test_binary_op_with_ndarray_operand_on_either_side(name, pair, seed):
    """A plain ndarray on the left (``ndarray - Tensor``) defers to the reflected op."""
    rng = np.random.default_rng(seed)
    sx, sc = pair
    c = values(rng, sc, 0.5, 2.0)
    x = leaf(values(rng, sx, 0.5, 2.0))
    fn = ARRAY_OPERAND[name]
    check(lambda t: fn(c, t), x)


@FD
@given(shape=shapes(), seed=seeds)
def test_reused_input_accumulates(shape, seed):
    """x feeds several ops: backward must add the gradients of every use."""
    rng = np.random.default_rng(seed)
    x = leaf(values(rng, shape))
    check(lambda t: t * t + t.exp() * t - t / (t * t + 1.0), x)


# ---------------------------------------------------------------- matmul
MATMUL_KINDS = ["2d@2d", "batched", "1d@2d", "2d@1d", "1d@1d", "1d@batched", "batched@1d"]


@st.composite
def matmul_shapes(draw, kind):
    n, k, m = (draw(st.integers(1, 4)) for _ in range(3))
    if kind == "2d@2d":
        return (n, k), (k, m)
    if kind == "1d@2d":
        return (k,), (k, m)
    if kind == "2d@1d":
        return (n, k), (k,)
    if kind == "1d@1d":
        return (k,), (k,)
    batch_a, batch_b = draw(broadcast_shapes(2, min_dims=1, max_dims=2))
    if kind == "1d@batched":
        return (k,), (*batch_b, k, m)
    if kind == "batched@1d":
        return (*batch_a, n, k), (k,)
    if not batch_a and not batch_b:  # at least one operand has batch axes
        batch_a = (draw(st.integers(1, 3)),)
    return (*batch_a, n, k), (*batch_b, k, m)  # batch axes broadcast either way


@pytest.mark.parametrize("kind", MATMUL_KINDS)
@FD
@given(data=st.data(), seed=seeds, which=st.sampled_from(["both", "left", "right"]))
def test_matmul(kind, data, seed, which):
    sa, sb = data.draw(matmul_shapes(kind), label="shapes")
    rng = np.random.default_rng(seed)
    a = leaf(values(rng, sa), requires_grad=which != "right")
    b = leaf(values(rng, sb), requires_grad=which != "left")
    np.testing.assert_allclose((a @ b).data, a.data @ b.data, rtol=1e-12, atol=1e-12)
    check(lambda x, y: x @ y, a, b)
    check(nn.matmul, a, b)


@pytest.mark.parametrize("kind", MATMUL_KINDS)
@FD
@given(data=st.data(), seed=seeds)
def test_matmul_with_ndarray_on_either_side(kind, data, seed):
    sa, sb = data.draw(matmul_shapes(kind), label="shapes")
    rng = np.random.default_rng(seed)
    ad, bd = values(rng, sa), values(rng, sb)
    check(lambda y: ad @ y, leaf(bd))  # ndarray @ Tensor -> __rmatmul__
    check(lambda x: x @ bd, leaf(ad))


def test_matmul_1d_dot_1d_backward():
    """The vector dot product: d(a·b)/da = b, d(a·b)/db = a, with or without upstream ops."""
    a, b = leaf([1.0, 2.0, 3.0]), leaf([4.0, -5.0, 6.0])
    (a @ b).backward()
    np.testing.assert_array_equal(a.grad, [4.0, -5.0, 6.0])
    np.testing.assert_array_equal(b.grad, [1.0, 2.0, 3.0])


# ============================================================ reductions
REDUCTIONS = {
    "sum": lambda x, axis, keepdims: x.sum(axis=axis, keepdims=keepdims),
    "mean": lambda x, axis, keepdims: x.mean(axis=axis, keepdims=keepdims),
    "var_ddof0": lambda x, axis, keepdims: x.var(axis=axis, keepdims=keepdims),
    "var_ddof1": lambda x, axis, keepdims: x.var(axis=axis, keepdims=keepdims, ddof=1),
    "max": lambda x, axis, keepdims: x.max(axis=axis, keepdims=keepdims),
    "min": lambda x, axis, keepdims: x.min(axis=axis, keepdims=keepdims),
}


def _reduced_count(shape, axis) -> int:
    if axis is None:
        axes = range(len(shape))
    else:
        axes = (axis,) if isinstance(axis, int) else axis
    return int(np.prod([shape[a] for a in axes], dtype=np.int64))


@pytest.mark.parametrize("name", list(REDUCTIONS))
@FD
@given(data=st.data(), shape=shapes(), seed=seeds, keepdims=st.booleans())
def test_reduction(name, data, shape, seed, keepdims):
    axis = data.draw(axis_args(len(shape)), label="axis")
    if name == "var_ddof1":
        assume(_reduced_count(shape, axis) >= 2)
    rng = np.random.default_rng(seed)
    x = leaf(distinct(rng, shape) if name in ("max", "min") else values(rng, shape))
    fn = REDUCTIONS[name]
    expected = {
        "sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min,
        "var_ddof0": np.var, "var_ddof1": lambda a, **kw: np.var(a, ddof=1, **kw),
    }[name](x.data, axis=axis, keepdims=keepdims)  # fmt: skip
    out = fn(x, axis, keepdims)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12)
    check(lambda t: fn(t, axis, keepdims), x)


@pytest.mark.parametrize("keepdims", [False, True])
def test_max_min_ties_split_the_gradient_evenly(keepdims):
    """FD is undefined at ties; the documented rule is an even split among the winners."""
    x = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 2.0], [5.0, -1.0, 4.0, -1.0]])
    up_rows = np.array([1.0, 6.0, 2.0])
    upstream = up_rows[:, None] if keepdims else up_rows
    grad = backward_grad(lambda t: t.max(axis=1, keepdims=keepdims), x, upstream)
    expected = np.array([[0.0, 0.5, 0.5, 0.0], [1.5, 1.5, 1.5, 1.5], [2.0, 0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(grad, expected)

    grad = backward_grad(lambda t: t.min(axis=-1, keepdims=keepdims), x, upstream)
    expected = np.array([[0.0, 0.0, 0.0, 1.0], [1.5, 1.5, 1.5, 1.5], [0.0, 1.0, 0.0, 1.0]])
    np.testing.assert_array_equal(grad, expected)

    # over every axis: the global maximum 5 is unique, the global minimum -1 is tied twice
    np.testing.assert_array_equal(
        backward_grad(lambda t: t.max(keepdims=keepdims), x),
        np.array([[0, 0, 0, 0], [0, 0, 0, 0], [1.0, 0, 0, 0]]),
    )
    np.testing.assert_array_equal(
        backward_grad(lambda t: t.min(axis=(0, 1), keepdims=keepdims), x),
        np.array([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0.5, 0, 0.5]]),
    )


def test_maximum_minimum_ties_split_the_gradient_evenly():
    a = np.array([1.0, 2.0, 3.0])
    b = np.array([1.0, 5.0, 3.0])
    for op in (nn.maximum, nn.minimum):
        ta, tb = leaf(a), leaf(b)
        op(ta, tb).backward(np.array([2.0, 1.0, 4.0]))
        big_b = op is nn.maximum  # element 1: b wins the maximum, a wins the minimum
        np.testing.assert_array_equal(ta.grad, [1.0, 0.0 if big_b else 1.0, 2.0])
        np.testing.assert_array_equal(tb.grad, [1.0, 1.0 if big_b else 0.0, 2.0])


# ============================================================ shape ops
@st.composite
def reshape_targets(draw, shape):
    """The sizes of ``shape`` shuffled, with 1s inserted and maybe one -1."""
    sizes = [n for n in shape if n != 1]
    sizes = list(draw(st.permutations(sizes))) if sizes else []
    for _ in range(draw(st.integers(0, 2))):
        sizes.insert(draw(st.integers(0, len(sizes))), 1)
    if sizes and draw(st.booleans()):
        sizes[draw(st.integers(0, len(sizes) - 1))] = -1
    return tuple(sizes)


@FD
@given(data=st.data(), shape=shapes(), seed=seeds, as_tuple=st.booleans())
def test_reshape(data, shape, seed, as_tuple):
    target = data.draw(reshape_targets(shape), label="target")
    x = leaf(values(np.random.default_rng(seed), shape))
    if as_tuple:
        check(lambda t: t.reshape(target), x)
    else:
        check(lambda t: t.reshape(*target), x)


@FD
@given(data=st.data(), shape=shapes(), seed=seeds)
def test_transpose_and_T(data, shape, seed):
    ndim = len(shape)
    perm = data.draw(st.permutations(range(ndim)), label="perm")
    perm = tuple(a - ndim if data.draw(st.booleans()) else a for a in perm)  # negative axes too
    x = leaf(values(np.random.default_rng(seed), shape))
    check(lambda t: t.transpose(*perm), x)
    check(lambda t: t.transpose(perm), x)
    check(lambda t: t.transpose(), x)
    check(lambda t: t.T, x)


@FD
@given(data=st.data(), shape=shapes(min_dims=1), seed=seeds)
def test_swapaxes(data, shape, seed):
    ndim = len(shape)
    a1 = data.draw(st.integers(-ndim, ndim - 1), label="axis1")
    a2 = data.draw(st.integers(-ndim, ndim - 1), label="axis2")
    x = leaf(values(np.random.default_rng(seed), shape))
    assert x.swapaxes(a1, a2).shape == np.swapaxes(x.data, a1, a2).shape
    check(lambda t: t.swapaxes(a1, a2), x)


@FD
@given(data=st.data(), shape=shapes(), seed=seeds)
def test_flatten(data, shape, seed):
    ndim = len(shape)
    x = leaf(values(np.random.default_rng(seed), shape))
    if ndim == 0:
        check(lambda t: t.flatten(), x)
        return
    start = data.draw(st.integers(0, ndim - 1), label="start")
    end = data.draw(st.integers(start, ndim - 1), label="end")
    start -= ndim * data.draw(st.booleans())
    end -= ndim * data.draw(st.booleans())
    check(lambda t: t.flatten(start, end), x)
    check(lambda t: t.flatten(), x)


# ---------------------------------------------------------------- indexing
@st.composite
def basic_indices(draw, shape):
    """A tuple of slices (any steps, negative too), ints (negative too), None and Ellipsis.

    The items index the leading axes, or with a leading Ellipsis the trailing axes, or
    leading and trailing axes around an Ellipsis in the middle."""

    def items_for(axes):
        items = []
        for n in axes:
            kind = draw(st.sampled_from(["slice", "slice", "int", "none"]))
            if kind == "int":
                items.append(draw(st.integers(-n, n - 1)))
                continue
            if kind == "none":
                items.append(None)  # a new axis, then this axis is sliced
            bound = st.none() | st.integers(-n - 1, n + 1)
            step = draw(st.sampled_from([None, 1, 2, 3, -1, -2, -3]))
            items.append(slice(draw(bound), draw(bound), step))
        return items

    head = draw(st.integers(0, len(shape)))
    if not draw(st.booleans()):  # no Ellipsis
        items = items_for(shape[:head])
        return items[0] if len(items) == 1 and draw(st.booleans()) else tuple(items)
    tail = draw(st.integers(0, len(shape) - head))
    return (*items_for(shape[:head]), Ellipsis, *items_for(shape[len(shape) - tail :]))


@FD
@given(data=st.data(), shape=shapes(), seed=seeds)
def test_getitem_basic(data, shape, seed):
    index = data.draw(basic_indices(shape), label="index")
    x = leaf(values(np.random.default_rng(seed), shape))
    np.testing.assert_array_equal(x[index].data, x.data[index])
    check(lambda t: t[index], x)


@FD
@given(data=st.data(), shape=shapes(min_dims=1), seed=seeds, as_tensor=st.booleans())
def test_getitem_integer_arrays_with_repeats(data, shape, seed, as_tensor):
    rng = np.random.default_rng(seed)
    ndim = len(shape)
    axis = data.draw(st.integers(0, ndim - 1), label="axis")
    n = shape[axis]
    picks = rng.integers(-n, n, size=data.draw(st.integers(1, 5), label="k"))
    picks = np.concatenate([picks, picks[:1], picks[:1] - n * (picks[0] >= 0)])  # repeats
    rng.shuffle(picks)
    idx = nn.Tensor(picks) if as_tensor else picks
    index = (slice(None),) * axis + (idx,)
    x = leaf(values(rng, shape))
    np.testing.assert_array_equal(x[index].data, x.data[index[:-1] + (picks,)])
    check(lambda t: t[index], x)
    # two broadcasting index arrays (one of them a list) on the first two axes
    if ndim >= 2:
        rows = rng.integers(0, shape[0], size=(3, 1))
        cols = rng.integers(-shape[1], shape[1], size=4).tolist()
        check(lambda t: t[rows, cols], x)
        check(lambda t: t[..., [0, 0, -1]], x)


def test_getitem_repeated_index_gradient_adds():
    x = leaf(np.arange(5.0))
    x[np.array([1, 1, 1, 4, -1, 0])].backward(np.array([1.0, 2.0, 3.0, 10.0, 20.0, 7.0]))
    np.testing.assert_array_equal(x.grad, [7.0, 6.0, 0.0, 0.0, 30.0])


@FD
@given(data=st.data(), shape=shapes(min_dims=1), seed=seeds, as_tensor=st.booleans())
def test_getitem_boolean_masks(data, shape, seed, as_tensor):
    rng = np.random.default_rng(seed)
    lead = data.draw(st.integers(1, len(shape)), label="mask ndim")
    mask = rng.random(shape[:lead]) < 0.6
    index = nn.Tensor(mask) if as_tensor else mask
    x = leaf(values(rng, shape))
    np.testing.assert_array_equal(x[index].data, x.data[mask])
    check(lambda t: t[index], x)
    check(lambda t: t[t > 0.0], x)  # mask computed from the tensor itself


# ---------------------------------------------------------- concatenate, stack
@FD
@given(data=st.data(), shape=shapes(min_dims=1, max_dims=3), seed=seeds)
def test_concatenate(data, shape, seed):
    rng = np.random.default_rng(seed)
    ndim = len(shape)
    axis = data.draw(st.integers(-ndim, ndim - 1), label="axis")
    k = data.draw(st.integers(1, 3), label="k")
    parts = []
    for _ in range(k):
        part_shape = list(shape)
        part_shape[axis] = data.draw(st.integers(1, 3))
        parts.append(leaf(values(rng, part_shape), requires_grad=data.draw(st.booleans())))
    parts[0].requires_grad = True  # at least one checked input
    check(lambda *ts: nn.concatenate(list(ts), axis=axis), *parts)
    check(lambda *ts: nn.concatenate(ts, axis), *parts)


@FD
@given(data=st.data(), shape=shapes(max_dims=3), seed=seeds)
def test_stack(data, shape, seed):
    rng = np.random.default_rng(seed)
    ndim = len(shape)
    axis = data.draw(st.integers(-ndim - 1, ndim), label="axis")
    k = data.draw(st.integers(1, 3), label="k")
    parts = [leaf(values(rng, shape), requires_grad=data.draw(st.booleans())) for _ in range(k)]
    parts[-1].requires_grad = True
    check(lambda *ts: nn.stack(list(ts), axis=axis), *parts)


# ---------------------------------------------------------- where, clip, abs
@FD
@given(triple=broadcast_shapes(3), seed=seeds, which=st.sampled_from(["both", "left", "right"]))
def test_where(triple, seed, which):
    rng = np.random.default_rng(seed)
    sc, sa, sb = triple
    cond = rng.random(sc) < 0.5
    a = leaf(values(rng, sa), requires_grad=which != "right")
    b = leaf(values(rng, sb), requires_grad=which != "left")
    check(lambda x, y: nn.where(cond, x, y), a, b)
    check(lambda x, y: nn.where(nn.Tensor(cond), x, y), a, b)


@FD
@given(pair=broadcast_shapes(2), seed=seeds)
def test_where_with_scalar_branch(pair, seed):
    rng = np.random.default_rng(seed)
    sc, sx = pair
    cond = rng.random(sc) < 0.5
    x = leaf(values(rng, sx))
    check(lambda t: nn.where(cond, t, 0.0), x)
    check(lambda t: nn.where(cond, 1.5, t), x)
    check(lambda t: nn.where(t > 0.0, t * 2.0, -t), x)


@FD
@given(shape=shapes(), seed=seeds, scalar=st.sampled_from([0.25, -0.5, 1]))
def test_maximum_minimum_with_scalar(shape, seed, scalar):
    x = leaf(away_from(values(np.random.default_rng(seed), shape), (scalar,)))
    check(lambda t: nn.maximum(t, scalar), x)
    check(lambda t: nn.minimum(scalar, t), x)


CLIP_BOUNDS = [(-0.5, 0.5), (None, 0.3), (-0.7, None), (0.2, 0.2), (-3.0, 3.0)]


@pytest.mark.parametrize("bounds", CLIP_BOUNDS, ids=str)
@FD
@given(shape=shapes(), seed=seeds)
def test_clip(bounds, shape, seed):
    lo, hi = bounds
    kinks = tuple(b for b in bounds if b is not None)
    x = leaf(away_from(values(np.random.default_rng(seed), shape), kinks))
    check(lambda t: t.clip(lo, hi), x)
    check(lambda t: nn.clip(t, min=lo, max=hi), x)


@FD
@given(shape=shapes(), seed=seeds)
def test_abs(shape, seed):
    x = leaf(away_from(values(np.random.default_rng(seed), shape)))
    check(lambda t: t.abs(), x)
    check(abs, x)
    check(nn.abs, x)


# ============================================================ functional
ACTIVATIONS = {
    # name: (fn, kinks to stay away from, value range)
    "identity": (F.identity, (), 3.0),
    "step": (F.step, (0.0,), 3.0),
    "sigmoid": (F.sigmoid, (), 8.0),
    "tanh": (F.tanh, (), 4.0),
    "arctan": (F.arctan, (), 4.0),
    "relu": (F.relu, (0.0,), 3.0),
    "prelu_float_alpha": (lambda x: F.prelu(x, 0.25), (0.0,), 3.0),
    "elu": (F.elu, (0.0,), 3.0),
    "elu_alpha_0.3": (lambda x: F.elu(x, 0.3), (0.0,), 3.0),
    "elu_alpha_2": (lambda x: F.elu(x, alpha=2.0), (0.0,), 3.0),
    "softplus": (F.softplus, (), 8.0),
    "softplus_beta_2": (lambda x: F.softplus(x, 2.0), (), 4.0),
    "softplus_beta_0.5": (lambda x: F.softplus(x, beta=0.5), (), 8.0),
    "exp": (F.exp, (), 3.0),
}


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@FD
@given(shape=shapes(), seed=seeds)
def test_activation(name, shape, seed):
    fn, kinks, scale = ACTIVATIONS[name]
    x = leaf(away_from(values(np.random.default_rng(seed), shape, -scale, scale), kinks))
    check(fn, x)
    check(lambda t: fn(t * 1.0) * 2.0, x)  # as an inner node of a graph, not only on a leaf


@FD
@given(data=st.data(), shape=shapes(min_dims=1), seed=seeds)
def test_prelu_with_learnable_alpha(data, shape, seed):
    """alpha: a 0-d tensor, per-feature (last axis), or any shape broadcasting to x."""
    rng = np.random.default_rng(seed)
    kind = data.draw(st.sampled_from(["scalar", "features", "broadcast"]), label="alpha kind")
    if kind == "scalar":
        alpha_shape = ()
    elif kind == "features":
        alpha_shape = shape[-1:]
    else:
        drop = data.draw(st.integers(0, len(shape)), label="drop")
        alpha_shape = tuple(1 if data.draw(st.booleans()) else n for n in shape[drop:])
    x = leaf(away_from(values(rng, shape)))
    alpha = leaf(values(rng, alpha_shape, 0.05, 0.5))
    check(F.prelu, x, alpha)


@FD
@given(pair=broadcast_shapes(2), seed=seeds)
def test_prelu_alpha_broadcasting_either_way(pair, seed):
    """x and alpha of any two broadcast-compatible shapes: either prelu refuses an alpha
    that would enlarge x (its error message speaks of alpha broadcasting *to* x), or
    the gradients of both, of their own shapes, match finite differences."""
    rng = np.random.default_rng(seed)
    sx, sa = pair
    x = leaf(away_from(values(rng, sx)))
    alpha = leaf(values(rng, sa, 0.05, 0.5))
    if np.broadcast_shapes(sx, sa) != sx:
        try:
            F.prelu(x, alpha)
        except ValueError:
            return
    out = F.prelu(x, alpha)
    out.backward(np.ones(out.shape))
    assert x.grad.shape == sx and alpha.grad.shape == sa
    check(F.prelu, x, alpha)


@pytest.mark.parametrize("fn", [F.softmax, F.log_softmax], ids=["softmax", "log_softmax"])
@FD
@given(data=st.data(), shape=shapes(min_dims=1), seed=seeds)
def test_softmax_and_log_softmax(fn, data, shape, seed):
    ndim = len(shape)
    axis = data.draw(st.integers(-ndim, ndim - 1), label="axis")
    x = leaf(values(np.random.default_rng(seed), shape, -3.0, 3.0))
    check(lambda t: fn(t, axis=axis), x)
    if axis == -1:
        check(fn, x)


@FD
@given(
    lead=st.lists(st.integers(1, 4), min_size=0, max_size=2),
    n_in=st.integers(1, 4),
    n_out=st.integers(1, 4),
    bias=st.booleans(),
    seed=seeds,
    which=st.sampled_from(["all", "x", "params"]),
)
def test_linear(lead, n_in, n_out, bias, seed, which):
    """x of shape (in,), (n, in) or (b, n, in); W (in, out); b (out,) or no bias."""
    rng = np.random.default_rng(seed)
    x = leaf(values(rng, (*lead, n_in)), requires_grad=which != "params")
    w = leaf(values(rng, (n_in, n_out)), requires_grad=which != "x")
    inputs = [x, w]
    if bias:
        inputs.append(leaf(values(rng, (n_out,)), requires_grad=which != "x"))
    np.testing.assert_allclose(
        F.linear(*inputs).data,
        x.data @ w.data + (inputs[2].data if bias else 0.0),
        rtol=1e-12,
        atol=1e-12,
    )
    check(F.linear, *inputs)


@pytest.mark.parametrize("activation", sorted(F.DENSE_ACTIVATIONS))
@FD
@given(
    lead=st.lists(st.integers(1, 4), min_size=0, max_size=2),
    n_in=st.integers(1, 4),
    n_out=st.integers(1, 4),
    bias=st.booleans(),
    seed=seeds,
)
def test_dense(activation, lead, n_in, n_out, bias, seed):
    """dense(x, W, b, f) = f(x W + b) in one node: values equal the two-node
    composition and gradients match finite differences."""
    rng = np.random.default_rng(seed)
    inputs = [leaf(values(rng, (*lead, n_in))), leaf(values(rng, (n_in, n_out)))]
    if bias:
        inputs.append(leaf(values(rng, (n_out,))))
    two_nodes = getattr(F, activation)(F.linear(*inputs))
    np.testing.assert_allclose(
        F.dense(*inputs, activation=activation).data, two_nodes.data, rtol=1e-12, atol=1e-12
    )
    check(lambda *args: F.dense(*args, activation=activation), *inputs)


def test_dense_rejects_unknown_activation():
    with pytest.raises(ValueError, match="'swish'"):
        F.dense(leaf(np.ones((2, 3))), leaf(np.ones((3, 1))), activation="swish")


# ---------------------------------------------------------------- losses
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@FD
@given(
    n=st.integers(1, 4),
    classes=st.integers(1, 4),
    seed=seeds,
    target_kind=st.sampled_from(["ndarray", "tensor", "int32"]),
)
def test_cross_entropy(reduction, n, classes, seed, target_kind):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, size=n)
    target = {"ndarray": y, "tensor": nn.Tensor(y), "int32": y.astype(np.int32)}[target_kind]
    logits = leaf(values(rng, (n, classes), -3.0, 3.0))
    check(lambda z: F.cross_entropy(z, target, reduction=reduction), logits)
    check(lambda z: F.cross_entropy(z * 1.0, target, reduction=reduction), logits)  # inner node


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@FD
@given(shape=shapes(), seed=seeds, which=st.sampled_from(["both", "input", "target"]))
def test_binary_cross_entropy_with_logits(reduction, shape, seed, which):
    rng = np.random.default_rng(seed)
    x = leaf(values(rng, shape, -4.0, 4.0), requires_grad=which != "target")
    y = leaf(values(rng, shape, 0.0, 1.0), requires_grad=which != "input")
    check(lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=reduction), x, y)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@FD
@given(shape=shapes(), seed=seeds, which=st.sampled_from(["both", "input", "target"]))
def test_mse_loss(reduction, shape, seed, which):
    rng = np.random.default_rng(seed)
    x = leaf(values(rng, shape), requires_grad=which != "target")
    y = leaf(values(rng, shape), requires_grad=which != "input")
    check(lambda a, b: F.mse_loss(a, b, reduction=reduction), x, y)


@FD
@given(
    n=st.integers(1, 4),
    classes=st.integers(1, 4),
    seed=seeds,
    reduction=reductions,
    weighted=st.booleans(),
    smoothing=st.sampled_from([0.0, 0.1, 0.5, 1.0]),
)
def test_cross_entropy_weight_and_label_smoothing(n, classes, seed, reduction, weighted, smoothing):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, size=n)
    logits = leaf(values(rng, (n, classes), -3.0, 3.0))
    w = values(rng, (classes,), 0.1, 2.0) if weighted else None
    check(
        lambda z: F.cross_entropy(z, y, weight=w, reduction=reduction, label_smoothing=smoothing),
        logits,
    )


@FD
@given(
    n=st.integers(1, 4),
    classes=st.integers(1, 4),
    seed=seeds,
    reduction=reductions,
    weighted=st.booleans(),
)
def test_nll_loss(n, classes, seed, reduction, weighted):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, size=n)
    log_p = leaf(values(rng, (n, classes), -4.0, 0.0))
    w = values(rng, (classes,), 0.1, 2.0) if weighted else None
    check(lambda a: F.nll_loss(a, y, weight=w, reduction=reduction), log_p)
    check(lambda z: F.nll_loss(F.log_softmax(z), y, w, reduction), log_p)  # an inner node


@FD
@given(
    shape=shapes(),
    seed=seeds,
    reduction=reductions,
    which=st.sampled_from(["both", "input", "target"]),
)
def test_binary_cross_entropy(shape, seed, reduction, which):
    """Probabilities in [0.05, 0.95] (the −100 clamp of the logs is not reached)."""
    rng = np.random.default_rng(seed)
    p = leaf(values(rng, shape, 0.05, 0.95), requires_grad=which != "target")
    y = leaf(values(rng, shape, 0.0, 1.0), requires_grad=which != "input")
    check(lambda a, b: F.binary_cross_entropy(a, b, reduction=reduction), p, y)


@FD
@given(
    shape=shapes(),
    seed=seeds,
    reduction=reductions,
    which=st.sampled_from(["both", "input", "target"]),
)
def test_l1_loss(shape, seed, reduction, which):
    """|x − y| ≥ 0.1: away from the kink."""
    rng = np.random.default_rng(seed)
    y = values(rng, shape)
    x = leaf(y + nonzero(rng, shape, 0.1, 2.0), requires_grad=which != "target")
    check(lambda a, b: F.l1_loss(a, b, reduction=reduction), x, leaf(y, which != "input"))


@FD
@given(shape=shapes(), seed=seeds, reduction=reductions, zeros=st.booleans())
def test_mape_loss(shape, seed, reduction, zeros):
    """|x − y| ≥ 0.1; with ``zeros`` some targets are 0 and eps (0.25) is the denominator."""
    rng = np.random.default_rng(seed)
    y = nonzero(rng, shape)
    if zeros:
        y = np.where(rng.random(shape) < 0.5, 0.0, y)
    x = leaf(y + nonzero(rng, shape, 0.1, 2.0))
    eps = 0.25 if zeros else float(np.finfo(np.float64).eps)
    check(lambda a: F.mape_loss(a, nn.Tensor(y), reduction=reduction, eps=eps), x)


@pytest.mark.parametrize("loss", ["hinge", "perceptron"])
@FD
@given(
    shape=shapes(),
    seed=seeds,
    reduction=reductions,
    labels=st.sampled_from([(-1, 1), (0, 1)]),
    margin=st.sampled_from([1.0, 0.5, 2.0]),
)
def test_hinge_and_perceptron_loss(loss, shape, seed, reduction, labels, margin):
    """Margins y·s at least 0.1 from the kink (``margin`` for hinge, 0 for perceptron)."""
    rng = np.random.default_rng(seed)
    y = rng.choice(np.asarray(labels), size=shape)
    kink = margin if loss == "hinge" else 0.0
    m = kink + nonzero(rng, shape, 0.1, 2.0)
    s = leaf(np.where(y > 0, 1.0, -1.0) * m)
    if loss == "hinge":
        check(lambda a: F.hinge_loss(a, y, reduction=reduction, margin=margin), s)
    else:
        check(lambda a: F.perceptron_loss(a, y, reduction=reduction), s)


@FD
@given(
    shape=shapes(),
    seed=seeds,
    reduction=reductions,
    log_input=st.booleans(),
    full=st.booleans(),
)
def test_poisson_nll_loss(shape, seed, reduction, log_input, full):
    """Counts 0, 1 and above (each branch of the Stirling term); rates in [0.1, 4]."""
    rng = np.random.default_rng(seed)
    y = nn.Tensor(rng.poisson(2.0, size=shape).astype(np.float64))
    x = leaf(values(rng, shape, -2.0, 2.0) if log_input else values(rng, shape, 0.1, 4.0))
    check(lambda a: F.poisson_nll_loss(a, y, log_input, full, reduction=reduction), x)


@FD
@given(
    n=st.integers(2, 4),
    features=st.integers(1, 3),
    length=st.sampled_from([None, 1, 3]),
    seed=seeds,
    mode=st.sampled_from(["train", "eval", "no-running-stats"]),
    affine=st.booleans(),
    which=st.sampled_from(["all", "x", "params"]),
)
def test_batch_norm(n, features, length, seed, mode, affine, which):
    """(n, features) or (n, features, length); x, γ and β. Values 0.1 apart, so the
    batch variance is well above 0."""
    rng = np.random.default_rng(seed)
    shape = (n, features) if length is None else (n, features, length)
    x = leaf(distinct(rng, shape), requires_grad=which != "params" or not affine)
    params = []
    if affine:
        params = [
            leaf(values(rng, (features,), 0.5, 2.0), requires_grad=which != "x"),
            leaf(values(rng, (features,)), requires_grad=which != "x"),
        ]
    mean, var = values(rng, (features,)), values(rng, (features,), 0.2, 3.0)

    def fn(*args):
        stats = (None, None) if mode == "no-running-stats" else (mean.copy(), var.copy())
        return F.batch_norm(args[0], *stats, *args[1:], training=mode == "train", eps=1e-3)

    check(fn, x, *params)


# ---------------------------------------------------------------- dropout
@pytest.mark.parametrize("mode", ["inverted", "classic"])
@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
@FD
@given(shape=shapes(), seed=seeds, p=st.sampled_from([0.0, 0.2, 0.5, 0.8, 1.0]))
def test_dropout(mode, training, shape, seed, p):
    """The mask depends only on the seed passed inside fn, so every evaluation agrees."""
    rng = np.random.default_rng(seed)
    x = leaf(values(rng, shape))
    mask_seed = int(rng.integers(2**31))
    out = F.dropout(x, p, training=training, rng=mask_seed, mode=mode).data
    keep = 1.0 - p
    if not training:  # eval: identity (inverted) or scaled by the keep probability (classic)
        np.testing.assert_allclose(out, x.data * (keep if mode == "classic" else 1.0), rtol=1e-15)
    else:  # train: each element dropped, or kept (scaled by 1/keep when inverted)
        scale = 1.0 if mode == "classic" or p == 0 else (1.0 / keep if keep else 0.0)
        kept = np.isclose(out, x.data * scale, rtol=1e-12, atol=0)
        assert np.all(kept | (out == 0))
        np.testing.assert_array_equal(
            out, F.dropout(x, p, training=training, rng=mask_seed, mode=mode).data
        )
    check(lambda t: F.dropout(t, p, training=training, rng=mask_seed, mode=mode), x)
    check(lambda t: F.dropout(t * 1.5, p=p, training=training, rng=mask_seed, mode=mode), x)


def test_every_documented_op_is_covered():
    """Guard: a new public op or functional must get a gradient test here."""
    covered_ops = {
        "add", "sub", "mul", "div", "neg", "pow", "matmul", "exp", "log", "sqrt", "abs",
        "clip", "maximum", "minimum", "where", "sum", "mean", "var", "max", "min", "reshape",
        "transpose", "swapaxes", "flatten", "getitem", "concatenate", "stack",
    }  # fmt: skip
    covered_functional = {
        "identity", "step", "sigmoid", "tanh", "arctan", "relu", "prelu", "elu", "softplus",
        "softmax", "log_softmax", "exp", "linear", "dense", "dropout", "cross_entropy",
        "binary_cross_entropy_with_logits", "mse_loss", "nll_loss", "binary_cross_entropy",
        "l1_loss", "mape_loss", "hinge_loss", "perceptron_loss", "poisson_nll_loss", "batch_norm",
    }  # fmt: skip

    def public_functions(module):
        return {name for name in module.__all__ if callable(getattr(module, name))}

    assert public_functions(nn.ops) <= covered_ops
    assert public_functions(F) <= covered_functional
