"""The analytic gradients the solvers use equal numnet's autodiff gradients.

For each loss ℓ, the same expression is written once with numnet tensors (a
different code path: the engine's own ops and fused losses) and differentiated
by reverse-mode autodiff; it must give the loss value, ∂ℓ/∂Z, and the gradient
of the full objective F(W, b) = mean ℓ(XW + b, Y) + (l2/2)‖W‖² in W and b.
"""

from __future__ import annotations

import numpy as np
import pytest

import numnet as nn
import numnet.functional as F
from numnet.linear_model._loss import (
    HingeLoss,
    LogisticLoss,
    PerceptronLoss,
    PoissonLoss,
    SoftmaxLoss,
    SquaredLoss,
)
from numnet.linear_model._objective import Objective
from numnet.linear_model._sgd import sgd_epoch

N, D, K = 40, 5, 3


def _targets(name: str, rng: np.random.Generator):
    """(Y for our loss, the target numnet's expression takes)."""
    if name == "squared":
        Y = rng.normal(size=(N, K))
        return Y, Y
    if name == "logistic":
        Y = rng.integers(0, 2, size=(N, 1)).astype(float)
        return Y, Y
    if name == "softmax":
        labels = rng.integers(0, K, size=N)
        return np.eye(K)[labels], labels
    if name == "poisson":
        Y = rng.poisson(2.0, size=(N, 1)).astype(float)
        return Y, Y
    Y = rng.choice([-1.0, 1.0], size=(N, K))  # hinge, perceptron
    return Y, Y


# name -> (our loss, the same loss summed over samples, written with numnet ops)
LOSSES = {
    "squared": (SquaredLoss(), lambda Z, T: 0.5 * F.mse_loss(Z, nn.Tensor(T), reduction="sum")),
    "logistic": (
        LogisticLoss(),
        lambda Z, T: F.binary_cross_entropy_with_logits(Z, nn.Tensor(T), reduction="sum"),
    ),
    "softmax": (SoftmaxLoss(), lambda Z, T: F.cross_entropy(Z, T, reduction="sum")),
    "hinge": (HingeLoss(), lambda Z, T: nn.maximum(1.0 - nn.Tensor(T) * Z, 0.0).sum()),
    "perceptron": (PerceptronLoss(), lambda Z, T: nn.maximum(-nn.Tensor(T) * Z, 0.0).sum()),
    "poisson": (PoissonLoss(), lambda Z, T: (nn.exp(Z) - nn.Tensor(T) * Z).sum()),
}


@pytest.mark.parametrize("name", LOSSES)
def test_loss_value_and_derivative_in_z(name, rng):
    loss, reference = LOSSES[name]
    Y, T = _targets(name, rng)
    Z = rng.normal(size=Y.shape)
    value, dZ = loss(Z, Y)

    Z_t = nn.Tensor(Z, requires_grad=True)
    out = reference(Z_t, T)
    out.backward()
    assert value == pytest.approx(float(out.data), rel=1e-12)
    np.testing.assert_allclose(dZ, Z_t.grad, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", LOSSES)
def test_objective_gradient_in_weights_and_intercept(name, rng):
    loss, reference = LOSSES[name]
    Y, T = _targets(name, rng)
    X = rng.normal(size=(N, D))
    W, b = 0.3 * rng.normal(size=(D, Y.shape[1])), 0.1 * rng.normal(size=Y.shape[1])
    l2 = 0.7
    obj = Objective(loss, X, Y, l2=l2, fit_intercept=True)
    value, grad = obj.smooth(obj.pack(W, b))
    grad_W, grad_b = obj.unpack(grad)

    W_t, b_t = nn.Tensor(W, requires_grad=True), nn.Tensor(b, requires_grad=True)
    Z_t = nn.Tensor(X) @ W_t + b_t
    F_t = reference(Z_t, T) / N + 0.5 * l2 * (W_t * W_t).sum()
    F_t.backward()
    assert value == pytest.approx(float(F_t.data), rel=1e-12)
    np.testing.assert_allclose(grad_W, W_t.grad, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(grad_b, b_t.grad, rtol=1e-10, atol=1e-14)


def test_squared_gradient_is_seed_003s_formula(rng):
    """∇_w ‖Xw − y‖² = 2Xᵀ(Xw − y): our mean-scale gradient times 2n."""
    X, y, w = rng.normal(size=(N, D)), rng.normal(size=(N, 1)), rng.normal(size=(D, 1))
    obj = Objective(SquaredLoss(), X, y, fit_intercept=False)
    _, grad = obj.smooth(obj.pack(w, np.zeros(1)))
    np.testing.assert_allclose(2 * N * grad, (2 * X.T @ (X @ w - y)).ravel(), rtol=1e-12)


def test_logistic_loss_does_not_overflow():
    value, dZ = LogisticLoss()(np.array([[-800.0], [800.0]]), np.array([[1.0], [0.0]]))
    assert value == pytest.approx(1600.0)
    np.testing.assert_allclose(dZ, [[-1.0], [1.0]])


@pytest.mark.parametrize("name", ["squared", "logistic", "softmax", "hinge"])
def test_sgd_step_is_a_step_along_the_tested_gradient(name, rng):
    """An SGD epoch with one batch of all n rows is one step θ − lr·∇F(θ), ∇F the
    objective gradient checked above: SGD's inlined update uses the same gradient."""
    loss, _ = LOSSES[name]
    Y, _ = _targets(name, rng)
    X = rng.normal(size=(N, D))
    W, b = 0.3 * rng.normal(size=(D, Y.shape[1])), 0.1 * rng.normal(size=Y.shape[1])
    obj = Objective(loss, X, Y, l2=0.7, fit_intercept=True)
    _, grad = obj.smooth(obj.pack(W, b))
    expected = obj.pack(W, b) - 0.05 * grad
    sgd_epoch(obj, W, b, lr=0.05, batch_size=N)
    np.testing.assert_allclose(obj.pack(W, b), expected, rtol=1e-12, atol=1e-15)
