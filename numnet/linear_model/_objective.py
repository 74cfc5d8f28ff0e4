"""The objective every iterative solver of this package minimizes.

    F(W, b) = (1/n) Σᵢ ℓ(xᵢW + b, yᵢ) + (l2/2)‖W‖²_F + l1‖W‖₁

with W of shape (n_features, n_outputs) and b of shape (n_outputs,), never
penalized. Each estimator maps its own hyperparameters (``alpha``, ``C``) to
``l2`` and ``l1`` and says how in its docstring. The smooth part (mean loss plus
the L2 term) is handled through its value and gradient; the L1 term, which is
not differentiable, through its proximal operator (soft thresholding).
"""

from __future__ import annotations

import numpy as np


def soft_threshold(w: np.ndarray, threshold: float) -> np.ndarray:
    """prox of t‖·‖₁: sign(w)·max(|w| − t, 0), which sets small weights to exactly zero."""
    return np.sign(w) * np.maximum(np.abs(w) - threshold, 0.0)


class Objective:
    """F(W, b) on the data (X, Y) for a pointwise loss (see the module docstring).

    The parameters travel as one flat vector θ = [vec(W), b] (b only when
    ``fit_intercept``), the form SciPy's optimizers want.
    """

    def __init__(self, loss, X, Y, *, l2=0.0, l1=0.0, fit_intercept=True):
        self.loss, self.X, self.Y = loss, X, Y
        self.l2, self.l1, self.fit_intercept = float(l2), float(l1), fit_intercept
        self.n_samples, self.n_features = X.shape
        self.n_outputs = Y.shape[1]
        self._n_weights = self.n_features * self.n_outputs

    def pack(self, W: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.concatenate([W.ravel(), b]) if self.fit_intercept else W.ravel().copy()

    def unpack(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        W = theta[: self._n_weights].reshape(self.n_features, self.n_outputs)
        b = theta[self._n_weights :] if self.fit_intercept else np.zeros(self.n_outputs)
        return W, b

    def _scores(self, W: np.ndarray, b: np.ndarray) -> np.ndarray:
        Z = self.X @ W
        if self.fit_intercept:
            Z += b
        return Z

    def smooth(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """Value and gradient of the smooth part f = mean loss + (l2/2)‖W‖².

        ∇_W f = Xᵀ(∂ℓ/∂Z)/n + l2·W,   ∇_b f = 1ᵀ(∂ℓ/∂Z)/n.
        """
        W, b = self.unpack(theta)
        total, G = self.loss(self._scores(W, b), self.Y)
        G /= self.n_samples
        grad_W = self.X.T @ G
        grad_W += self.l2 * W
        value = total / self.n_samples + 0.5 * self.l2 * float(np.vdot(W, W))
        return value, self.pack(grad_W, G.sum(axis=0))

    def smooth_value(self, theta: np.ndarray) -> float:
        W, b = self.unpack(theta)
        total, _ = self.loss(self._scores(W, b), self.Y)
        return total / self.n_samples + 0.5 * self.l2 * float(np.vdot(W, W))

    def l1_value(self, theta: np.ndarray) -> float:
        return self.l1 * float(np.abs(theta[: self._n_weights]).sum()) if self.l1 else 0.0

    def prox(self, theta: np.ndarray, step: float) -> np.ndarray:
        """argmin_u l1‖U‖₁ + ‖u − θ‖²/(2·step): soft thresholding of W, b untouched."""
        if self.l1:
            theta[: self._n_weights] = soft_threshold(theta[: self._n_weights], step * self.l1)
        return theta
