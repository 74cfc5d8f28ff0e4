"""LBFGS reaches the known minimum of least squares and of a regularized logistic regression."""

from __future__ import annotations

import numpy as np
import pytest

import numnet as nn
import numnet.functional as F
from numnet.optim import LBFGS, l2_penalty


def _closure(opt, loss_fn):
    def closure():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss

    return closure


def test_least_squares_reaches_the_lstsq_solution(rng):
    X = rng.normal(size=(30, 4))
    y = X @ np.array([1.5, -2.0, 0.5, 3.0]) + 0.7 + 0.1 * rng.normal(size=30)
    W = nn.Tensor(np.zeros((1, 4)), requires_grad=True)
    b = nn.Tensor(np.zeros(1), requires_grad=True)
    arrays = W.data, b.data
    opt = LBFGS([W, b], max_iter=200, gtol=1e-12, ftol=1e-15)
    Xt, yt = nn.Tensor(X), nn.Tensor(y[:, None])
    loss0 = opt.step(_closure(opt, lambda: F.mse_loss(Xt @ W.T + b, yt)))

    coef, *_ = np.linalg.lstsq(np.hstack([X, np.ones((30, 1))]), y, rcond=None)
    np.testing.assert_allclose(W.data.ravel(), coef[:4], rtol=1e-7)
    np.testing.assert_allclose(b.data, coef[4:], rtol=1e-7)
    assert W.data is arrays[0] and b.data is arrays[1]  # written back in place
    assert loss0.item() == pytest.approx(np.mean(y**2))  # the loss at the start
    assert opt.last_result.success and opt.last_result.nit > 1


def test_logistic_regression_matches_scikit_learn(rng):
    from sklearn.linear_model import LogisticRegression

    n, alpha = 60, 0.01
    X = rng.normal(size=(n, 3))
    y = (X @ np.array([2.0, -1.0, 0.5]) + 0.3 + rng.normal(size=n) > 0).astype(float)
    W = nn.Tensor(np.zeros((1, 3)), requires_grad=True)
    b = nn.Tensor(np.zeros(1), requires_grad=True)
    opt = LBFGS([W, b], max_iter=500, gtol=1e-12, ftol=1e-15)
    Xt, yt = nn.Tensor(X), nn.Tensor(y[:, None])

    def loss():  # mean log-loss + α‖W‖², the intercept unpenalized
        return F.binary_cross_entropy_with_logits(Xt @ W.T + b, yt) + l2_penalty([W, b], alpha)

    opt.step(_closure(opt, loss))
    # scikit-learn minimizes ½‖w‖² + C Σ log-loss, the same objective times 1 / (C n) when
    # α = 1 / (2 C n)
    reference = LogisticRegression(C=1 / (2 * alpha * n), tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(W.data, reference.coef_, rtol=1e-6)
    np.testing.assert_allclose(b.data, reference.intercept_, rtol=1e-6)


def test_float32_parameters_and_parameters_without_gradient():
    target = np.array([[1.0, -2.0], [0.5, 4.0]], dtype=np.float32)
    W = nn.Tensor(np.zeros((2, 2), dtype=np.float32), requires_grad=True)
    unused = nn.Tensor(np.full(3, 7.0, dtype=np.float32), requires_grad=True)
    opt = LBFGS([W, unused], max_iter=50)
    opt.step(_closure(opt, lambda: ((W - nn.Tensor(target)) ** 2).sum()))
    assert W.dtype == np.float32 and unused.dtype == np.float32
    np.testing.assert_allclose(W.data, target, atol=1e-5)
    np.testing.assert_array_equal(unused.data, 7.0)


def test_each_step_continues_from_the_current_parameters(rng):
    # Rosenbrock needs more than 10 iterations: successive steps of 10 continue the descent
    xy = nn.Tensor(np.array([-1.2, 1.0]), requires_grad=True)
    opt = LBFGS([xy], max_iter=10)

    def rosenbrock():
        x, y = xy[0], xy[1]
        return (1 - x) ** 2 + 100 * (y - x * x) ** 2

    losses = [opt.step(_closure(opt, rosenbrock)).item() for _ in range(20)]
    assert losses[0] == pytest.approx(24.2) and losses[2] > 0.1  # one step is not enough
    assert all(b <= a for a, b in zip(losses, losses[1:]))
    np.testing.assert_allclose(xy.data, [1.0, 1.0], atol=1e-4)
    assert opt.state_dict()["state"] == {}


def test_step_needs_a_closure():
    opt = LBFGS([nn.Tensor([1.0], requires_grad=True)])
    with pytest.raises(ValueError, match="LBFGS.step needs a closure"):
        opt.step()
