"""Pointwise losses ℓ(z, y) of the raw prediction z = xW + b, with their derivative in z.

Every solver in this package needs only two things from a loss: the sum of
ℓ over a batch and the matrix ∂ℓ/∂z. The gradient in the weights then follows
from the chain rule, ∂/∂W Σᵢ ℓ(zᵢ, yᵢ) = Xᵀ (∂ℓ/∂Z), e.g. seed 003's
2Xᵀ(Xw − y) for the squared error. ``Z`` and ``Y`` are (n, k) arrays: k targets
for regression, k one-vs-rest columns for the margin losses, k classes for the
softmax; the encoding of ``Y`` each loss expects is in its docstring.

``curvature`` bounds ∂²ℓ/∂z² (the largest eigenvalue of the Hessian in z for the
softmax): with it the gradient of the mean loss is Lipschitz with constant
``curvature · maxᵢ‖xᵢ‖²``, which gives the safe SGD step ``lr="auto"``. The
margin losses are not differentiable and the Poisson loss has no such bound,
so their curvature is ``None``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, log_softmax, softmax


class SquaredLoss:
    """ℓ(z, y) = ½(z − y)²,  ∂ℓ/∂z = z − y.  ``Y`` holds real targets."""

    curvature = 1.0

    def __call__(self, Z: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
        R = Z - Y
        return 0.5 * float(np.vdot(R, R)), R


class LogisticLoss:
    """ℓ(z, y) = ln(1 + eᶻ) − yz,  ∂ℓ/∂z = σ(z) − y.  ``Y`` holds 0/1 labels.

    This is −[y ln σ(z) + (1 − y) ln σ(−z)], the Bernoulli negative log-likelihood
    of seed 003, written with ``logaddexp`` so that no z overflows.
    """

    curvature = 0.25  # σ'(z) = σ(z)(1 − σ(z)) ≤ 1/4

    def __call__(self, Z: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
        loss = np.logaddexp(0.0, Z).sum() - np.vdot(Y, Z)
        return float(loss), expit(Z) - Y


class SoftmaxLoss:
    """ℓ(z, y) = ln Σₖ e^{zₖ} − Σₖ yₖzₖ,  ∂ℓ/∂z = softmax(z) − y.  ``Y`` is one-hot.

    The multinomial negative log-likelihood −ln P(y | x) of seed 003 §2.1.12.
    """

    curvature = 0.5  # the Hessian diag(p) − ppᵀ has eigenvalues ≤ 1/2

    def __call__(self, Z: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
        loss = -np.vdot(Y, log_softmax(Z, axis=1))
        return float(loss), softmax(Z, axis=1) - Y


class HingeLoss:
    """ℓ(z, y) = max(0, 1 − yz),  ∂ℓ/∂z = −y·[yz < 1].  ``Y`` holds ±1 labels.

    At the kink yz = 1 the subgradient 0 is used.
    """

    curvature = None

    def __call__(self, Z: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
        slack = 1.0 - Y * Z
        active = slack > 0
        return float(slack[active].sum()), np.where(active, -Y, 0.0)


class PerceptronLoss:
    """ℓ(z, y) = max(0, −yz),  ∂ℓ/∂z = −y·[yz ≤ 0].  ``Y`` holds ±1 labels.

    At yz = 0 the subgradient −y is used, so that a zero start still moves
    (Rosenblatt's rule: update on every mistake, a tie counting as one).
    """

    curvature = None

    def __call__(self, Z: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
        margin = Y * Z
        mistake = margin <= 0
        return float(-margin[mistake].sum()), np.where(mistake, -Y, 0.0)


class PoissonLoss:
    """ℓ(z, y) = eᶻ − yz,  ∂ℓ/∂z = eᶻ − y.  ``Y`` holds counts y ≥ 0.

    The Poisson negative log-likelihood with the log link μ = eᶻ, up to the
    constant ln y!; it is also half the Poisson deviance up to a constant in z.
    """

    curvature = None

    def __call__(self, Z: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
        with np.errstate(over="ignore"):  # eᶻ = inf is a fine answer for a line search
            mu = np.exp(Z)
            loss = mu.sum() - np.vdot(Y, Z)
        return float(loss), mu - Y
