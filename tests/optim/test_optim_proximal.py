"""soft_threshold_: the proximal step of the L1 penalty, against NumPy and scikit-learn's Lasso."""

from __future__ import annotations

import numpy as np
import pytest

import numnet
from numnet import nn, optim
from numnet.optim import soft_threshold_


def reference(w: np.ndarray, t: float) -> np.ndarray:
    return np.sign(w) * np.maximum(np.abs(w) - t, 0.0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("t", [0.0, 0.3, 1.0, 5.0])
def test_matches_the_numpy_formula_in_place(dtype, t):
    rng = np.random.default_rng(0)
    values = [rng.normal(size=(4, 5)).astype(dtype), rng.normal(size=(2, 3, 2)).astype(dtype)]
    tensors = [numnet.Tensor(v.copy(), requires_grad=True) for v in values]
    arrays = [x.data for x in tensors]
    zeros = soft_threshold_(tensors, t)
    for x, array, v in zip(tensors, arrays, values):
        assert x.data is array  # in place: a model's references stay valid
        assert x.dtype == dtype
        np.testing.assert_array_equal(x.data, reference(v, dtype(t)))
    assert zeros == sum(int(np.sum(np.abs(v) <= dtype(t))) for v in values)


def test_exact_zeros_are_positive_zero_and_counted():
    W = numnet.Tensor([[-0.2, 0.2, -3.0, 0.0]], dtype=np.float64, requires_grad=True)
    assert soft_threshold_([W], 0.5) == 3
    assert W.data.tolist() == [[0.0, 0.0, -2.5, 0.0]]
    assert not np.signbit(W.data[0, [0, 1, 3]]).any()


def test_biases_untouched_unless_min_ndim_zero():
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.Tanh(), nn.Linear(4, 1, rng=1))
    before = {k: v.copy() for k, v in model.state_dict().items()}
    soft_threshold_(model.parameters(), 10.0)
    after = model.state_dict()
    for key in before:
        if key.endswith("bias"):
            np.testing.assert_array_equal(after[key], before[key])
        else:
            assert np.all(after[key] == 0), key
    assert soft_threshold_(model.parameters(), 10.0, min_ndim=0) == sum(
        v.size for v in before.values()
    )
    assert all(np.all(v == 0) for v in model.state_dict().values())


def test_a_single_tensor_is_accepted():
    w = numnet.Tensor([[1.0, -1.0]], requires_grad=True)
    assert soft_threshold_(w, 0.25) == 0
    np.testing.assert_array_equal(w.data, np.array([[0.75, -0.75]], np.float32))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"threshold": -0.1}, ValueError, r"threshold=-0.1; expected threshold >= 0"),
        ({"threshold": float("nan")}, ValueError, "threshold"),
        ({"threshold": float("inf")}, ValueError, "threshold must be finite"),
        ({"threshold": "0.1"}, TypeError, "threshold must be a number, got '0.1'"),
        ({"threshold": True}, TypeError, "threshold must be a number, got True"),
        ({"threshold": None}, TypeError, "threshold must be a number, got None"),
        ({"threshold": 0.1, "min_ndim": -1}, ValueError, "min_ndim must be an int >= 0"),
        ({"threshold": 0.1, "min_ndim": 1.5}, ValueError, "min_ndim must be an int >= 0"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    W = numnet.Tensor([[1.0, -1.0]], requires_grad=True)
    before = W.data.copy()
    with pytest.raises(error, match=message):
        soft_threshold_([W], **kwargs)
    np.testing.assert_array_equal(W.data, before)


def test_params_must_be_tensors():
    with pytest.raises(TypeError, match="element 0 is a ndarray"):
        soft_threshold_([np.ones((2, 2))], 0.1)
    with pytest.raises(TypeError, match="expected a Tensor or an iterable"):
        soft_threshold_(3.0, 0.1)


def test_proximal_gradient_reaches_sklearns_lasso():
    """ISTA: a gradient step of size η on (1/2n)‖Xw − y‖², then soft_threshold_ with t = ηα."""
    linear_model = pytest.importorskip("sklearn.linear_model")
    rng = np.random.default_rng(0)
    n, d, alpha = 60, 8, 0.1
    X = rng.normal(size=(n, d))
    y = X @ np.array([2.0, -1.5, 0, 0, 1.0, 0, 0, 0]) + 0.1 * rng.normal(size=n)
    model = nn.Linear(d, 1, bias=False, dtype=np.float64, rng=0)
    eta = 1.0 / np.linalg.eigvalsh(X.T @ X / n)[-1]  # 1/L, L the Lipschitz constant of ∇
    opt = optim.SGD(model.parameters(), lr=eta)
    for _ in range(3000):
        opt.zero_grad()
        (0.5 * nn.MSELoss()(model(X), y[:, None])).backward()
        opt.step()
        soft_threshold_(model.parameters(), eta * alpha)
    lasso = linear_model.Lasso(alpha=alpha, fit_intercept=False, tol=1e-12, max_iter=100_000)
    lasso.fit(X, y)
    w = model.weight.data[0]
    np.testing.assert_allclose(w, lasso.coef_, atol=1e-8)
    np.testing.assert_array_equal(w == 0, lasso.coef_ == 0)  # the same exact zeros
    assert np.sum(w == 0) >= 3
