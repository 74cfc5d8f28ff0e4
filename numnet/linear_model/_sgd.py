"""Mini-batch stochastic gradient descent on an :class:`Objective`.

One epoch visits the n samples once, in batches B of ``batch_size`` rows (in a
fresh random order when shuffling), and after each batch takes the step

    W ← W − lr·(X_Bᵀ(∂ℓ/∂Z_B)/|B| + l2·W),   b ← b − lr·1ᵀ(∂ℓ/∂Z_B)/|B|,

followed by soft thresholding W ← prox_{lr·l1}(W) when there is an L1 term.
Time is O(n·d·k) per epoch and memory O(|B|·d) beyond the data (seed 003 §2.1.5),
which is what lets ``partial_fit`` stream a dataset that does not fit in memory.
"""

from __future__ import annotations

import numpy as np

from numnet.linear_model._objective import Objective, soft_threshold


def auto_lr(obj: Objective) -> float:
    """The step 1/L for L = curvature·(maxᵢ‖xᵢ‖² + 1) + l2, a Lipschitz constant of
    the gradient of every batch objective (the rule of SAG in scikit-learn)."""
    if obj.loss.curvature is None:
        raise ValueError(f"lr='auto' needs a smooth loss; give a number for {type(obj.loss)}")
    max_sq_norm = float(np.einsum("ij,ij->i", obj.X, obj.X).max(initial=0.0))
    return 1.0 / (obj.loss.curvature * (max_sq_norm + obj.fit_intercept) + obj.l2)


def sgd_epoch(obj, W, b, *, lr, batch_size, order=None) -> float:
    """One pass over the data, updating W and b in place; returns the epoch's mean
    objective (each batch's loss measured before its step, as scikit-learn does)."""
    X, Y, n = obj.X, obj.Y, obj.n_samples
    decay = 1.0 - lr * obj.l2  # W − lr·l2·W, the L2 term's share of the step
    total = 0.0
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported by the caller
        for start in range(0, n, batch_size):
            if order is None:
                X_batch, Y_batch = X[start : start + batch_size], Y[start : start + batch_size]
            else:  # take() gathers rows about twice as fast as fancy indexing
                rows = order[start : start + batch_size]
                X_batch, Y_batch = X.take(rows, axis=0), Y.take(rows, axis=0)
            Z = X_batch @ W
            if obj.fit_intercept:
                Z += b
            loss, G = obj.loss(Z, Y_batch)
            total += loss
            step = lr / len(X_batch)
            if decay != 1.0:
                W *= decay
            W -= step * (X_batch.T @ G)
            if obj.fit_intercept:
                b -= step * G.sum(axis=0)
            if obj.l1:
                W[...] = soft_threshold(W, lr * obj.l1)
    penalty = 0.5 * obj.l2 * float(np.vdot(W, W)) + obj.l1 * float(np.abs(W).sum())
    return total / n + penalty


def sgd(obj, W, b, *, lr, batch_size, max_iter, tol, n_iter_no_change, shuffle, rng):
    """Epochs of :func:`sgd_epoch` until the epoch objective has not improved by
    ``tol`` for ``n_iter_no_change`` epochs in a row (never, when ``tol`` is None).

    Returns ``(n_iter, converged)``; W and b are updated in place.
    """
    best, stalled = np.inf, 0
    for epoch in range(1, max_iter + 1):
        order = rng.permutation(obj.n_samples) if shuffle else None
        value = sgd_epoch(obj, W, b, lr=lr, batch_size=batch_size, order=order)
        check_finite(value, W, b, epoch)
        if tol is None:
            continue
        stalled = stalled + 1 if value > best - tol else 0
        best = min(best, value)
        if stalled >= n_iter_no_change:
            return epoch, True
    return max_iter, tol is None


def check_finite(value, W, b, epoch) -> None:
    if not (np.isfinite(value) and np.isfinite(W).all() and np.isfinite(b).all()):
        raise ValueError(
            f"SGD diverged at epoch {epoch} (the loss or the weights overflowed): use a "
            "smaller lr, or scale X, e.g. with sklearn.preprocessing.StandardScaler"
        )
