"""The proximal step of the L1 penalty: soft thresholding, which gives exact zeros (seed 003).

A (sub)gradient step on α Σ|w| (:func:`numnet.optim.l1_penalty`) only makes small
weights oscillate around 0. Proximal gradient descent (ISTA) splits the step in
two: a gradient step of size η on the data loss alone, then the proximal
operator of η·α·‖w‖₁, which sets every weight with |w| ≤ η·α to exactly 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Real

import numpy as np

from numnet.optim._utils import check_number
from numnet.optim.penalties import _weights
from numnet.tensor import Tensor

__all__ = ["soft_threshold_"]


def soft_threshold_(
    params: Tensor | Iterable[Tensor], threshold: float, *, min_ndim: int = 2
) -> int:
    """Soft-threshold the weight tensors in place: ``w ← sign(w) · max(|w| − t, 0)``.

    This is the proximal operator of t·‖w‖₁,
    ``prox(v) = argmin_w ½‖w − v‖² + t‖w‖₁``, applied elementwise: weights with
    ``|w| ≤ t`` become exactly 0, the others move t towards 0. After a gradient
    step of size η on the data loss (without the L1 term), the threshold
    ``t = η·α`` makes the pair one step of proximal gradient descent (ISTA) on
    ``L(θ) + α Σ|w|``. With an adaptive optimizer (Adam) it is the usual
    heuristic rather than an exact proximal step.

    Parameters
    ----------
    params : Tensor or iterable of Tensor
        E.g. ``model.parameters()``.
    threshold : float
        t ≥ 0, finite.
    min_ndim : int
        Only tensors with at least this many dimensions are thresholded
        (default 2: weight matrices, not biases or normalization parameters,
        as :func:`numnet.optim.l1_penalty`; 0: every tensor given).

    Returns
    -------
    int
        The number of exact zeros in the thresholded tensors afterwards.

    Raises
    ------
    TypeError
        ``threshold`` is not a number, or ``params`` holds something other than Tensors.
    ValueError
        ``threshold`` is negative, NaN or infinite, or ``min_ndim`` is not an int >= 0.

    Examples
    --------
    >>> import numnet
    >>> from numnet.optim import soft_threshold_
    >>> W = numnet.Tensor([[0.5, -0.05], [-2.0, 0.1]], requires_grad=True)
    >>> b = numnet.Tensor([0.05], requires_grad=True)
    >>> soft_threshold_([W, b], threshold=0.1)  # |w| <= 0.1 become 0; b is left alone
    2
    >>> W.data, b.data
    (array([[ 0.4,  0. ],
           [-1.9,  0. ]], dtype=float32), array([0.05], dtype=float32))
    """
    # float() would also read "0.1" and True; a threshold is a real number, nothing else
    if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, Real):
        raise TypeError(f"soft_threshold_: threshold must be a number, got {threshold!r}")
    t = check_number("soft_threshold_", "threshold", threshold)
    if not math.isfinite(t):
        raise ValueError(f"soft_threshold_: threshold must be finite, got {threshold!r}")
    zeros = 0
    for w in _weights(params, min_ndim, "soft_threshold_"):
        a = w.data
        magnitude = np.abs(a)
        magnitude -= t
        np.maximum(magnitude, 0, out=magnitude)
        # copysign(m, w) = sign(w)·m for m > 0, and writes the result into the parameter's array
        np.copysign(magnitude, a, out=a)
        a += 0.0  # −0.0 + 0.0 = +0.0: the zeros of negative weights print and save as 0
        zeros += int(a.size - np.count_nonzero(a))
    return zeros
