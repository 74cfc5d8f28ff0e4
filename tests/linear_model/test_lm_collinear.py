"""Seed 003's multicollinearity: with two nearly equal features XᵀX is close to
singular, and the normal equations w = inv(XᵀX)Xᵀy lose what the orthogonal
factorization keeps."""

from __future__ import annotations

import numpy as np
from sklearn import linear_model as sk

from numnet.linear_model import LinearRegression, Ridge


def _nearly_collinear(rng, eps=1e-7, n=200):
    x1 = rng.standard_normal(n)
    X = np.column_stack([x1, x1 + eps * rng.standard_normal(n), rng.standard_normal(n)])
    w = np.array([1.0, 2.0, -1.0])
    return X, w, X @ w + 0.5  # exact: no noise, so the true w is the least-squares solution


def test_exact_solver_stays_accurate_where_the_inverse_does_not():
    X, w, y = _nearly_collinear(np.random.default_rng(0))
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    assert np.linalg.cond(Xc) > 1e7  # so cond(XᵀX) = cond(X)² > 1e14

    w_inverse = np.linalg.inv(Xc.T @ Xc) @ (Xc.T @ yc)
    model = LinearRegression().fit(X, y)

    inverse_error = np.abs(w_inverse - w).max()
    lstsq_error = np.abs(model.coef_ - w).max()
    assert inverse_error > 1e-3  # observed ~2e-2: error ~ cond(X)²·eps
    assert lstsq_error < 1e-7  # observed ~4e-10: error ~ cond(X)·eps
    assert abs(model.intercept_ - 0.5) < 1e-9
    # scikit-learn's LinearRegression drops singular values below tol·s_max (tol=1e-6 by
    # default), so it returns the truncated (1.5, 1.5, -1) here; with a cutoff at rounding
    # level it agrees with us.
    np.testing.assert_allclose(sk.LinearRegression().fit(X, y).coef_, [1.5, 1.5, -1.0], rtol=1e-6)
    np.testing.assert_allclose(
        model.coef_, sk.LinearRegression(tol=1e-15).fit(X, y).coef_, rtol=1e-6
    )


def test_ridge_tames_the_collinearity():
    """α > 0 lifts the small eigenvalue of XᵀX: both ridge solvers agree, and the two
    collinear weights share the load instead of exploding."""
    X, _, y = _nearly_collinear(np.random.default_rng(1))
    y = y + np.random.default_rng(2).normal(scale=0.1, size=len(y))
    cholesky = Ridge(1.0, solver="cholesky").fit(X, y)
    svd = Ridge(1.0, solver="svd").fit(X, y)
    np.testing.assert_allclose(cholesky.coef_, svd.coef_, rtol=1e-8)
    assert abs(cholesky.coef_[0] - cholesky.coef_[1]) < 1e-3
    assert abs(cholesky.coef_[:2].sum() - 3.0) < 0.05


def test_rank_deficient_gives_the_minimum_norm_solution():
    rng = np.random.default_rng(3)
    x = rng.standard_normal(50)
    X = np.column_stack([x, x])  # exactly collinear
    model = LinearRegression().fit(X, 3 * x)
    np.testing.assert_allclose(model.coef_, [1.5, 1.5], rtol=1e-10)
