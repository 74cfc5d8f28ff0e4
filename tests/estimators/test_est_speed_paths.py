"""The fast paths behind MLPClassifier's speed compute the same numbers as the plain ones.

ReLU against cached zeros, the cross-entropy on transposed logits, the
optimizer's update through a packed parameter vector and the L2 gradient
seeded before backward: each is checked against the computation it replaces.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import numnet
import numnet.functional as F
from numnet.estimators import MLPClassifier, MLPRegressor, _base
from numnet.functional import _blas
from numnet.optim import SGD, Adam


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(7,), (200, 64), (3, 5, 4), (600, 512)])
def test_relu_helper_is_np_maximum_bit_for_bit(dtype, shape):
    rng = np.random.default_rng(0)
    z = rng.standard_normal(shape).astype(dtype)
    z.flat[:4] = [-0.0, 0.0, np.inf, -np.inf]
    z.flat[4] = np.nan
    assert _same_bits(_blas.relu(z), np.maximum(z, 0))
    assert _same_bits(_blas.relu(z.T), np.maximum(z.T, 0))  # not C-contiguous: the plain call


def test_relu_helper_keeps_integer_and_scalar_inputs():
    z = np.array([-2, 0, 3])
    assert _same_bits(_blas.relu(z), np.maximum(z, 0))
    assert _blas.relu(np.float32(-1.5)) == 0


def _reference_cross_entropy(z: np.ndarray, y: np.ndarray, reduction: str, g):
    """Loss and gradient in float64, row by row."""
    z = z.astype(np.float64)
    shifted = z - z.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    rows = np.arange(len(y))
    loss = -np.log(p[rows, y])
    grad = p.copy()
    grad[rows, y] -= 1
    if reduction == "mean":
        return loss.mean(), grad / len(y)
    if reduction == "sum":
        return loss.sum(), grad
    return loss, grad * g[:, None]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dtype, tol", [(np.float32, 2e-6), (np.float64, 1e-13)])
@pytest.mark.parametrize("n, classes", [(200, 10), (37, 10), (64, 2), (80, 16), (90, 17)])
def test_few_classes_cross_entropy_matches_the_row_layout(reduction, dtype, tol, n, classes):
    rng = np.random.default_rng(1)
    data = (rng.standard_normal((n, classes)) * 4).astype(dtype)
    y = rng.integers(0, classes, n)
    z = numnet.Tensor(data, requires_grad=True)
    loss = F.cross_entropy(z, y, reduction=reduction)
    g = rng.standard_normal(n).astype(dtype) if reduction == "none" else None
    loss.backward(g)
    expected_loss, expected_grad = _reference_cross_entropy(data, y, reduction, g)
    assert loss.dtype == dtype and z.grad.dtype == dtype and z.grad.shape == (n, classes)
    np.testing.assert_allclose(loss.data, expected_loss, rtol=tol, atol=tol)
    np.testing.assert_allclose(z.grad, expected_grad, rtol=tol, atol=tol)


def test_few_classes_cross_entropy_agrees_with_the_general_path():
    # Unit class weights take the general (weighted) code path: same numbers to rounding.
    rng = np.random.default_rng(2)
    data = rng.standard_normal((120, 10))
    y = rng.integers(0, 10, 120)
    fast, general = numnet.Tensor(data, requires_grad=True), numnet.Tensor(data, requires_grad=True)
    F.cross_entropy(fast, y).backward()
    F.cross_entropy(general, y, weight=np.ones(10)).backward()
    np.testing.assert_allclose(fast.grad, general.grad, rtol=1e-12, atol=1e-15)


def test_few_classes_cross_entropy_against_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    data = rng.standard_normal((64, 5))
    y = rng.integers(0, 5, 64)
    z = numnet.Tensor(data, requires_grad=True)
    F.cross_entropy(z, y).backward()
    zt = torch.tensor(data, requires_grad=True)
    expected = torch.nn.functional.cross_entropy(zt, torch.tensor(y))
    expected.backward()
    np.testing.assert_allclose(z.grad, zt.grad.numpy(), rtol=1e-12, atol=1e-15)


def _packed_and_separate(rng, dtype=np.float32):
    shapes = [(6, 4), (6,), (3, 6), (3,)]
    values = [rng.standard_normal(s).astype(dtype) for s in shapes]
    separate = [numnet.Tensor(v.copy(), requires_grad=True) for v in values]
    packed = [numnet.Tensor(v.copy(), requires_grad=True) for v in values]
    _base._pack_parameters(packed)
    return separate, packed


@pytest.mark.parametrize("make", [lambda p: Adam(p, lr=0.01), lambda p: SGD(p, 0.1, 0.9)])
def test_packed_parameters_update_bit_for_bit_like_separate_ones(make):
    rng = np.random.default_rng(4)
    separate, packed = _packed_and_separate(rng)
    opt_separate, opt_packed = make(separate), make(packed)
    for _ in range(5):
        grads = [rng.standard_normal(p.shape).astype(np.float32) for p in separate]
        for params, opt in ((separate, opt_separate), (packed, opt_packed)):
            opt.zero_grad()
            for p, g in zip(params, grads):
                p.grad = g.copy()
            opt.step()
    if isinstance(opt_packed, Adam):
        assert next(iter(opt_packed._flat_groups.values())).param_vector is not None
    for a, b in zip(separate, packed):
        assert _same_bits(a.data, b.data)


def test_packed_vector_is_left_alone_once_a_parameter_array_is_replaced():
    rng = np.random.default_rng(5)
    separate, packed = _packed_and_separate(rng)
    opt_separate, opt_packed = Adam(separate, lr=0.01), Adam(packed, lr=0.01)
    for step in range(4):
        if step == 2:  # a new array for one parameter: the vector no longer holds it
            for params in (separate, packed):
                params[1].data = params[1].data * 0.5
        grads = [rng.standard_normal(p.shape).astype(np.float32) for p in separate]
        for params, opt in ((separate, opt_separate), (packed, opt_packed)):
            for p, g in zip(params, grads):
                p.grad = g.copy()
            opt.step()
    for a, b in zip(separate, packed):
        assert _same_bits(a.data, b.data)


def _fit(make, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return make().fit(X, y)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("hidden", [(8,), (8, 5)])
def test_seeded_l2_gradient_trains_exactly_as_the_added_one(monkeypatch, solver, dtype, hidden):
    rng = np.random.default_rng(6)
    X = rng.standard_normal((90, 4))
    y = rng.integers(0, 3, 90)

    def make():
        return MLPClassifier(
            hidden, solver=solver, alpha=0.3, batch_size=32, max_iter=6, random_state=0, dtype=dtype
        )

    seeded = _fit(make, X, y)
    assert seeded._weight_vector is not None
    monkeypatch.setattr(_base, "_tiled_vector", lambda arrays: None)  # the per-matrix penalty
    added = _fit(make, X, y)
    assert added._weight_vector is None
    for a, b in zip(seeded.coefs_ + seeded.intercepts_, added.coefs_ + added.intercepts_):
        assert _same_bits(a, b)
    rtol = 1e-12 if dtype == "float64" else 1e-6  # the penalty value is summed in another order
    np.testing.assert_allclose(seeded.loss_curve_, added.loss_curve_, rtol=rtol)


def test_seeded_l2_gradient_equals_the_penalty_gradient():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((40, 3))
    y = rng.standard_normal(40)
    reg = _fit(lambda: MLPRegressor((6, 4), alpha=0.5, max_iter=2, random_state=0), X, y)
    Xb, Yb = X[:25], y[:25, None]
    reg._optimizer.zero_grad()
    seeded_value = reg._seed_l2(25)
    reg._data_loss(Xb, Yb, 25)
    seeded = [W.grad.copy() for W in reg._weights]
    reg._optimizer.zero_grad()
    reg._data_loss(Xb, Yb, 25)
    added_value = reg._penalize(25)
    for a, W in zip(seeded, reg._weights):
        np.testing.assert_allclose(a, W.grad, rtol=1e-12, atol=1e-15)
    assert seeded_value == pytest.approx(added_value, rel=1e-12)
