"""Elite selection for the cross-entropy method (SPEC section 10)."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["select_elites", "check_percentile"]


def check_percentile(percentile: Any) -> float:
    """Validate ``percentile`` ∈ (0, 100) and return it as a float."""
    try:
        value = float(percentile)
    except (TypeError, ValueError):
        raise TypeError(f"percentile must be a number in (0, 100), got {percentile!r}") from None
    if not 0.0 < value < 100.0:
        raise ValueError(f"percentile must be in (0, 100), got {percentile!r}")
    return value


def select_elites(returns: Any, percentile: float) -> tuple[np.ndarray, float, bool]:
    """The sessions at or above the ``percentile``-th return.

    ``γ = percentile(G, q)``; elite ⇔ ``G_k ≥ γ``. Ties at the threshold are
    all elite (CartPole caps at 500, so late in training many sessions tie);
    when every session is elite the sample carries no preference and the
    update is skipped.

    Parameters
    ----------
    returns : (K,) array of G(τ_k)
    percentile : float in (0, 100)

    Returns
    -------
    elite : (K,) bool mask
    threshold : float
        γ, NumPy's linear-interpolation percentile of the returns.
    update : bool
        False when every session is elite.

    Examples
    --------
    >>> elite, threshold, update = select_elites([10, 500, 500, 500], 50)
    >>> elite.tolist(), threshold, update
    ([False, True, True, True], 500.0, True)
    >>> select_elites([7, 7, 7], 70)[2]
    False
    """
    q = check_percentile(percentile)
    g = np.asarray(returns, dtype=np.float64)
    if g.ndim != 1 or g.size == 0:
        raise ValueError(f"returns must be a non-empty 1-D array, got shape {g.shape}")
    threshold = float(np.percentile(g, q))
    elite = g >= threshold
    return elite, threshold, not bool(elite.all())
