"""The max-norm constraint ‖w‖₂ ≤ c on each unit's incoming weights (seed 001)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from numnet.optim._utils import check_number
from numnet.optim.penalties import _weights
from numnet.tensor import Tensor

__all__ = ["max_norm_"]


def max_norm_(
    params: Tensor | Iterable[Tensor], max_norm: float = 3.0, *, min_ndim: int = 2
) -> None:
    """Project each unit's incoming weight vector onto the ball ‖w‖₂ ≤ c, in place.

    A weight of ``Linear`` has shape ``(out_features, in_features)``, so unit
    i's incoming weights are row i: every row whose Euclidean norm exceeds c
    is rescaled to norm c (``w ← c · w / ‖w‖₂``); other rows are unchanged.
    A tensor with more than two dimensions is treated as its slices along
    axis 0, as ``torch.renorm(w, 2, 0, c)`` does. Call it after each
    ``optimizer.step()``. Seed 001 suggests c between 3 and 4.

    Parameters
    ----------
    params : Tensor or iterable of Tensor
        E.g. ``model.parameters()``.
    max_norm : float
        c > 0.
    min_ndim : int
        Only tensors with at least this many dimensions are constrained
        (default 2: weight matrices, not biases or normalization parameters).
        With ``min_ndim`` below 2, a 1-D tensor counts as one unit and a
        0-d one as its absolute value.

    Examples
    --------
    >>> import numnet
    >>> from numnet.optim import max_norm_
    >>> W = numnet.Tensor([[3.0, 4.0], [0.3, 0.4]], requires_grad=True)
    >>> b = numnet.Tensor([10.0, 10.0], requires_grad=True)
    >>> max_norm_([W, b], max_norm=1.0)
    >>> W.data, b.data
    (array([[0.6, 0.8],
           [0.3, 0.4]], dtype=float32), array([10., 10.], dtype=float32))
    """
    c = check_number("max_norm_", "max_norm", max_norm)
    if not 0 < c < np.inf:
        raise ValueError(f"max_norm_: max_norm must be positive and finite, got {max_norm!r}")
    for t in _weights(params, min_ndim, "max_norm_"):
        w = t.data
        rows = w.reshape(w.shape[0], -1) if w.ndim >= 2 else w.reshape(1, -1)
        norms = np.sqrt(np.einsum("ij,ij->i", rows, rows))
        over = norms > c
        if over.any():
            scale = np.ones_like(norms)
            scale[over] = c / norms[over]
            w *= scale.reshape((-1,) + (1,) * (w.ndim - 1)) if w.ndim >= 2 else scale[0]
