"""Toy data: TensorFlow Playground's six data sets and the 1-D function of seed 002.

The Playground generators follow ``src/dataset.ts`` of tensorflow/playground formula for
formula, drawn with a NumPy Generator instead of JavaScript's ``Math.random``. Two mappings:

- ``noise`` is Playground's internal value, the UI's percentage divided by 100 (0 to 0.5);
- Playground's labels -1/+1 become ``y = 0`` / ``y = 1`` (int64) for the classification sets.

As Playground does before splitting, the points are shuffled (``shuffle=True``); with
``shuffle=False`` they come in generation order (all ``y = 1`` first for circle, gauss and
spiral). Every function returns ``(X, y)`` with X float64 of shape (n_samples, 2).
"""

from __future__ import annotations

import numpy as np

from numnet.data._checks import as_generator

__all__ = [
    "circle",
    "xor",
    "gauss",
    "spiral",
    "plane",
    "multi_gauss",
    "seed002_function",
    "function_1d",
]

SeedLike = int | np.random.Generator | None


def _check(n_samples: int, noise: float) -> None:
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)):
        raise TypeError(f"n_samples must be a positive int, got {n_samples!r}")
    if n_samples < 1:
        raise ValueError(f"n_samples must be a positive int, got {n_samples}")
    if not 0.0 <= noise <= 0.5:
        raise ValueError(f"noise must be in [0, 0.5] (Playground's percentage / 100), got {noise}")


def _halves(n_samples: int) -> tuple[int, int]:
    """Points of the positive and negative class (Playground always asks for an even count)."""
    return n_samples - n_samples // 2, n_samples // 2


def _finish(
    X: np.ndarray, y: np.ndarray, rng: np.random.Generator, shuffle: bool
) -> tuple[np.ndarray, np.ndarray]:
    if shuffle:
        order = rng.permutation(X.shape[0])
        X, y = X[order], y[order]
    return X, y


def _disc(rng: np.random.Generator, n: int, r_min: float, r_max: float) -> np.ndarray:
    r = rng.uniform(r_min, r_max, n)
    angle = rng.uniform(0.0, 2 * np.pi, n)
    return np.column_stack([r * np.sin(angle), r * np.cos(angle)])


def circle(
    n_samples: int = 500, noise: float = 0.0, seed: SeedLike = None, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Playground's "circle": a disc of one class inside a ring of the other.

    With radius ``R = 5``: half the points have ``r ~ U(0, R/2)``, half ``r ~ U(0.7R, R)``,
    angle ``~ U(0, 2π)``, ``x = (r sin a, r cos a)``. The label is that of the point moved by
    noise ``e ~ U(-R, R)² · noise``: ``y = 1`` if ``‖x + e‖ < R/2`` else 0, so noise flips
    labels near the boundary while the points stay put.

    Parameters
    ----------
    n_samples : int, default 500
    noise : float in [0, 0.5], default 0
    seed : int, Generator or None (seed 0)
    shuffle : bool, default True

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64 in {0, 1}

    Examples
    --------
    >>> X, y = circle(100, seed=0)
    >>> X.shape, int(y.sum())
    ((100, 2), 50)
    >>> bool((np.hypot(*X[y == 1].T) < 2.5).all())
    True
    """
    _check(n_samples, noise)
    rng = as_generator(seed)
    radius = 5.0
    n_pos, n_neg = _halves(n_samples)
    X = np.concatenate(
        [_disc(rng, n_pos, 0.0, radius * 0.5), _disc(rng, n_neg, radius * 0.7, radius)]
    )
    shift = rng.uniform(-radius, radius, X.shape) * noise
    y = (np.hypot(*(X + shift).T) < radius * 0.5).astype(np.int64)
    return _finish(X, y, rng, shuffle)


def xor(
    n_samples: int = 500, noise: float = 0.0, seed: SeedLike = None, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Playground's "exclusive or": the four quadrants, alternating classes.

    Each coordinate is ``u ~ U(-5, 5)`` pushed 0.3 away from zero (``u + 0.3 sign(u)``, with
    ``u = 0`` moved to -0.3 as in Playground). Label: ``y = 1`` if ``(x1 + e1)(x2 + e2) >= 0``
    else 0, with noise ``e ~ U(-5, 5)² · noise``.

    Parameters and returns as :func:`circle`.

    Examples
    --------
    >>> X, y = xor(200, seed=1)
    >>> bool((np.abs(X) >= 0.3).all()), bool(((X[:, 0] * X[:, 1] >= 0) == (y == 1)).all())
    (True, True)
    """
    _check(n_samples, noise)
    rng = as_generator(seed)
    padding = 0.3
    X = rng.uniform(-5.0, 5.0, (n_samples, 2))
    X = X + np.where(X > 0, padding, -padding)
    shift = rng.uniform(-5.0, 5.0, X.shape) * noise
    moved = X + shift
    y = (moved[:, 0] * moved[:, 1] >= 0).astype(np.int64)
    return _finish(X, y, rng, shuffle)


def gauss(
    n_samples: int = 500, noise: float = 0.0, seed: SeedLike = None, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Playground's "Gaussian": two isotropic Gaussian blobs.

    ``y = 1`` around (2, 2) and ``y = 0`` around (-2, -2), each coordinate with variance
    ``σ² = 0.5 + 7 · noise`` (Playground's linear map of noise [0, 0.5] to variance [0.5, 4]).

    Parameters and returns as :func:`circle`.

    Examples
    --------
    >>> X, y = gauss(2000, seed=0)
    >>> np.round(X[y == 1].mean(axis=0)).tolist(), np.round(X[y == 0].mean(axis=0)).tolist()
    ([2.0, 2.0], [-2.0, -2.0])
    """
    _check(n_samples, noise)
    rng = as_generator(seed)
    std = np.sqrt(0.5 + (4.0 - 0.5) * noise / 0.5)
    n_pos, n_neg = _halves(n_samples)
    X = np.concatenate([rng.normal(2.0, std, (n_pos, 2)), rng.normal(-2.0, std, (n_neg, 2))])
    y = np.concatenate([np.ones(n_pos, np.int64), np.zeros(n_neg, np.int64)])
    return _finish(X, y, rng, shuffle)


def spiral(
    n_samples: int = 500, noise: float = 0.0, seed: SeedLike = None, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Playground's "spiral": two interleaved arms, one per class.

    With ``m = n_samples / 2`` and ``i = 0, 1, ...``: ``r = 5 i / m``,
    ``t = 1.75 · 2π i / m + δ`` and ``x = (r sin t, r cos t) + U(-1, 1)² · noise``; the arm
    with ``δ = 0`` is ``y = 1``, the arm with ``δ = π`` is ``y = 0``.

    Parameters and returns as :func:`circle`.

    Examples
    --------
    >>> X, y = spiral(6, seed=0, shuffle=False)
    >>> np.round(X, 3).tolist()[:2], y.tolist()
    ([[0.0, 0.0], [-0.833, -1.443]], [1, 1, 1, 0, 0, 0])
    """
    _check(n_samples, noise)
    rng = as_generator(seed)
    m = n_samples / 2
    arms = []
    for count, delta in zip(_halves(n_samples), (0.0, np.pi)):
        i = np.arange(count)
        r = i / m * 5.0
        t = 1.75 * i / m * 2 * np.pi + delta
        arm = np.column_stack([r * np.sin(t), r * np.cos(t)])
        arms.append(arm + rng.uniform(-1.0, 1.0, arm.shape) * noise)
    X = np.concatenate(arms)
    n_pos, n_neg = _halves(n_samples)
    y = np.concatenate([np.ones(n_pos, np.int64), np.zeros(n_neg, np.int64)])
    return _finish(X, y, rng, shuffle)


def _uniform_square(
    rng: np.random.Generator, n_samples: int, noise: float
) -> tuple[np.ndarray, np.ndarray]:
    """Points ``U(-6, 6)²`` and the noisy positions their targets are computed at."""
    radius = 6.0
    X = rng.uniform(-radius, radius, (n_samples, 2))
    shift = rng.uniform(-radius, radius, X.shape) * noise
    return X, X + shift


def plane(
    n_samples: int = 1200, noise: float = 0.0, seed: SeedLike = None, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Playground's regression "plane": ``y = (x1 + e1 + x2 + e2) / 10``.

    ``x ~ U(-6, 6)²`` and noise ``e ~ U(-6, 6)² · noise`` (Playground maps ``x1 + x2`` from
    [-10, 10] linearly to [-1, 1], without clamping). 1200 points as Playground draws.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), float64

    Examples
    --------
    >>> X, y = plane(50, seed=0)
    >>> bool(np.allclose(y, X.sum(axis=1) / 10))
    True
    """
    _check(n_samples, noise)
    rng = as_generator(seed)
    X, moved = _uniform_square(rng, n_samples, noise)
    y = moved.sum(axis=1) / 10.0
    return _finish(X, y, rng, shuffle)


_GAUSSIANS = np.array(
    [[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]],
    dtype=np.float64,
)


def multi_gauss(
    n_samples: int = 1200, noise: float = 0.0, seed: SeedLike = None, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Playground's regression "multi Gaussian": six signed bumps on a 3 x 2 grid.

    Bump ``k`` at ``c_k`` with sign ``s_k`` (centres x in {-4, 0, 4}, y in {2.5, -2.5}, signs
    alternating) gives ``v_k = s_k · clip(1 - ‖x + e - c_k‖ / 2, 0, 1)``; the target is the
    ``v_k`` of largest magnitude (the first on ties; 0 far from all bumps). ``x ~ U(-6, 6)²``,
    ``e ~ U(-6, 6)² · noise``.

    Returns as :func:`plane`.

    Examples
    --------
    >>> X, y = multi_gauss(2000, seed=0)
    >>> near = np.argmin(np.hypot(X[:, 0] + 4, X[:, 1] - 2.5))  # closest to the bump at (-4, 2.5)
    >>> bool((np.abs(y) <= 1).all()), bool(y[near] > 0.9)
    (True, True)
    """
    _check(n_samples, noise)
    rng = as_generator(seed)
    X, moved = _uniform_square(rng, n_samples, noise)
    distance = np.hypot(moved[:, :1] - _GAUSSIANS[:, 0], moved[:, 1:] - _GAUSSIANS[:, 1])  # (n, 6)
    values = _GAUSSIANS[:, 2] * np.clip(1.0 - distance / 2.0, 0.0, 1.0)
    pick = np.argmax(np.abs(values), axis=1)
    y = values[np.arange(n_samples), pick] + 0.0  # + 0.0 turns -0.0 into 0.0
    return _finish(X, y, rng, shuffle)


def seed002_function(x: np.ndarray | float) -> np.ndarray:
    """Seed 002's target: ``f(x) = 0.2 + 0.4 x² + 0.3 x sin(15x) + 0.1 cos(50x)``.

    Parameters
    ----------
    x : array-like or float (any shape)

    Returns
    -------
    ndarray of the same shape, float64.

    Examples
    --------
    >>> float(seed002_function(0.0))
    0.30000000000000004
    """
    x = np.asarray(x, dtype=np.float64)
    return 0.2 + 0.4 * x**2 + 0.3 * x * np.sin(15 * x) + 0.1 * np.cos(50 * x)


def function_1d(
    n_samples: int = 200, noise: float = 0.0, seed: SeedLike = None
) -> tuple[np.ndarray, np.ndarray]:
    """Samples of :func:`seed002_function` on [0, 1]: ``x ~ U(0, 1)``, ``y = f(x) + noise · ε``.

    Parameters
    ----------
    n_samples : int, default 200
    noise : float, default 0
        Standard deviation of the Gaussian noise ``ε ~ N(0, 1)`` added to the target.
    seed : int, Generator or None (seed 0)

    Returns
    -------
    X : ndarray of shape (n_samples, 1), float64, in random order
    y : ndarray of shape (n_samples,), float64

    Examples
    --------
    >>> X, y = function_1d(5, seed=0)
    >>> X.shape, bool(np.allclose(y, seed002_function(X[:, 0])))
    ((5, 1), True)
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)):
        raise TypeError(f"n_samples must be a positive int, got {n_samples!r}")
    if n_samples < 1:
        raise ValueError(f"n_samples must be a positive int, got {n_samples}")
    if noise < 0:
        raise ValueError(f"noise must be a non-negative standard deviation, got {noise}")
    rng = as_generator(seed)
    x = rng.uniform(0.0, 1.0, n_samples)
    y = seed002_function(x) + noise * rng.standard_normal(n_samples)
    return x[:, None], y
