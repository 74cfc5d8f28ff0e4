"""Losses, fused and numerically stable, with ``reduction="mean" | "sum" | "none"``.

Seed 000 writes losses as sums over the data, seed 002 as means; both are here.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
from scipy.special import expit

from numnet.functional._blas import row_sum
from numnet.tensor import Tensor, _result, as_tensor

__all__ = [
    "cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "mse_loss", "l1_loss", "mape_loss", "hinge_loss", "perceptron_loss", "poisson_nll_loss",
]  # fmt: skip

_REDUCTIONS = ("mean", "sum", "none")


def _reduce(loss: np.ndarray, reduction: str, denominator: float | None = None) -> np.ndarray:
    """Sum, or mean over ``denominator`` (the element count unless given), or 'none'."""
    if reduction == "none":
        return loss
    total = np.add.reduce(loss, axis=None)
    if reduction == "sum":
        return total
    if denominator is None:
        return total / loss.size
    with np.errstate(invalid="ignore", divide="ignore"):  # weights summing to 0: nan, as PyTorch
        return (total / np.float64(denominator)).astype(loss.dtype)


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _reduction_grad(g: np.ndarray, n: float, reduction: str) -> np.ndarray | float:
    """dL/d(loss_i): g/n for a mean, g for a sum (as Python floats: a scalar
    multiplies fastest and keeps the loss's dtype), g_i for 'none'. A mean over
    n = 0 (class weights summing to 0) gives nan, as PyTorch."""
    if reduction == "none":
        return g
    if reduction == "sum":
        return float(g)
    return float(g) / n if n else math.nan


def cross_entropy(
    input: Any,
    target: Any,
    weight: Any = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy from logits and class indices: ℓ_i = −ln softmax(z_i)[y_i].

    With class weights w and label smoothing ε over C classes (as PyTorch):
    ℓ_i = (1 − ε) w_(y_i) (−ln p_(i,y_i)) + (ε / C) Σ_c w_c (−ln p_(i,c)),
    and the mean divides Σ_i ℓ_i by Σ_i w_(y_i) (by n without weights).

    Computed as ln Σ_j e^(z_ij − m_i) − (z_ij − m_i) with m_i the row maximum,
    so logits of any size are safe. Backward, per row:
    dℓ/dz_j = p_j ((1 − ε) w_y + ε Σ_c w_c / C) − (1 − ε) w_y δ_(jy) − ε w_j / C.

    Parameters
    ----------
    input : (n, classes) logits
    target : (n,) integer class indices in [0, classes)
    weight : (classes,) array, optional
        A rescaling weight per class (for imbalanced classes).
    reduction : 'mean' | 'sum' | 'none'
    label_smoothing : float in [0, 1]

    Examples
    --------
    >>> import numnet.functional as F
    >>> round(F.cross_entropy([[2.0, 0.0]], [0]).item(), 6)
    0.126928
    """
    _check_reduction(reduction)
    z = as_tensor(input)
    if z.ndim != 2:
        raise ValueError(f"cross_entropy: input must be (n, classes) logits, got shape {z.shape}")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    y = _class_indices(target, z.shape)
    n, classes = z.shape
    w = _class_weights(weight, classes, z.dtype)
    if w is None and label_smoothing == 0.0:
        return _plain_cross_entropy(z, y, reduction)
    log_p = _log_softmax_rows(z.data)
    eps = label_smoothing
    w_y = w[y] if w is not None else None
    nll = -log_p.take(_row_starts(n, classes) + y)
    if w_y is not None:
        nll *= w_y
    loss = (1 - eps) * nll
    if eps:
        smooth = -(log_p @ w if w is not None else row_sum(log_p))
        loss += (eps / classes) * smooth
    denominator = float(w_y.sum()) if w_y is not None else n

    def backward(g):
        p = np.exp(log_p)
        total = float(w.sum()) if w is not None else classes
        row_scale = (1 - eps) * (w_y if w_y is not None else 1.0) + eps * total / classes
        grad = p * (row_scale[:, None] if w_y is not None else row_scale)
        grad.ravel()[_row_starts(n, classes) + y] -= (1 - eps) * (w_y if w_y is not None else 1.0)
        if eps:
            grad -= (eps / classes) * (w if w is not None else 1.0)
        scale = _reduction_grad(g, denominator, reduction)
        grad *= scale[:, None] if reduction == "none" else scale
        return (grad,)

    return _result(_reduce(loss, reduction, denominator), (z,), backward, "cross_entropy")


# Up to this many classes, on at least this many rows, the plain cross-entropy runs on zᵀ
# (on fewer rows the row loops are short and the transposed copy does not pay).
_FEW_CLASSES, _MANY_ROWS = 16, 64


def _plain_cross_entropy(z: Tensor, y: np.ndarray, reduction: str) -> Tensor:
    """The common case (no weights, no smoothing) with the fewest passes over the data."""
    n, classes = z.shape
    if classes <= _FEW_CLASSES and n >= _MANY_ROWS:
        return _few_classes_cross_entropy(z, y, reduction)
    picked = _row_starts(n, classes) + y  # flat index of each row's target logit
    shifted = z.data - np.maximum.reduce(z.data, axis=1, keepdims=True)
    e = np.exp(shifted)
    total = row_sum(e)
    loss = np.log(total)
    loss -= shifted.take(picked)

    def backward(g):
        grad = e / total[:, None]
        grad.ravel()[picked] -= 1  # a view: grad is a fresh C-ordered array
        scale = _reduction_grad(g, n, reduction)
        grad *= scale[:, None] if reduction == "none" else scale
        return (grad,)

    return _result(_reduce(loss, reduction), (z,), backward, "cross_entropy")


def _few_classes_cross_entropy(z: Tensor, y: np.ndarray, reduction: str) -> Tensor:
    """:func:`_plain_cross_entropy` computed on a (classes, n) copy of the logits.

    In the (n, classes) layout every per-row step (the row maximum, its
    subtraction, the division by the row sums) is a loop over n rows of a few
    elements, where NumPy spends its time starting the rows: 3-5x slower on
    (200, 10) than the same steps on a few rows of length n. The arithmetic is
    the same elementwise; only Σ_j e^(z_ij − m_i) is summed in class order.
    The gradient comes back as the transpose of a (classes, n) array.
    """
    n, classes = z.shape
    picked = y * n + _arange(n)  # flat index of each sample's target (y_i, i) in (classes, n)
    shifted = z.data.T.copy()
    shifted -= np.maximum.reduce(shifted, axis=0)
    e = np.exp(shifted)
    total = np.add.reduce(e, axis=0)
    loss = np.log(total)
    loss -= shifted.take(picked)

    def backward(g):
        grad = e / total
        grad.ravel()[picked] -= 1  # a view: grad is a fresh C-ordered array
        grad *= _reduction_grad(g, n, reduction)  # 'none': g of shape (n,) scales the columns
        return (grad.T,)

    return _result(_reduce(loss, reduction), (z,), backward, "cross_entropy")


def nll_loss(input: Any, target: Any, weight: Any = None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood from log-probabilities: ℓ_i = −w_(y_i) · input[i, y_i].

    Pair it with ``log_softmax``: ``nll_loss(log_softmax(z), y) == cross_entropy(z, y)``.
    The mean divides by Σ_i w_(y_i) (by n without weights), as PyTorch.

    Parameters
    ----------
    input : (n, classes) log-probabilities
    target : (n,) integer class indices
    weight : (classes,) array, optional
    reduction : 'mean' | 'sum' | 'none'
    """
    _check_reduction(reduction)
    x = as_tensor(input)
    if x.ndim != 2:
        raise ValueError(f"nll_loss: input must be (n, classes), got shape {x.shape}")
    y = _class_indices(target, x.shape, "nll_loss")
    n, classes = x.shape
    w = _class_weights(weight, classes, x.dtype)
    picked = _row_starts(n, classes) + y
    w_y = w[y] if w is not None else np.ones(n, x.dtype)
    loss = -x.data.take(picked) * w_y
    denominator = float(w_y.sum()) if w is not None else n

    def backward(g):
        grad = np.zeros_like(x.data)
        grad.ravel()[picked] = -w_y * _reduction_grad(g, denominator, reduction)
        return (grad,)

    return _result(_reduce(loss, reduction, denominator), (x,), backward, "nll_loss")


def _log_softmax_rows(z: np.ndarray) -> np.ndarray:
    shifted = z - np.maximum.reduce(z, axis=1, keepdims=True)
    shifted -= np.log(row_sum(np.exp(shifted)))[:, None]
    return shifted


def _class_weights(weight: Any, classes: int, dtype: np.dtype) -> np.ndarray | None:
    if weight is None:
        return None
    w = np.asarray(weight.data if isinstance(weight, Tensor) else weight, dtype=dtype)
    if w.shape != (classes,):
        raise ValueError(f"class weight of shape {w.shape}, expected ({classes},)")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError(f"class weights must be finite and non-negative, got {w}")
    return w


def _class_indices(target: Any, shape: tuple[int, int], name: str = "cross_entropy") -> np.ndarray:
    """Targets as ``intp`` indices, checked to lie in [0, classes)."""
    y = target.data if isinstance(target, Tensor) else np.asarray(target)
    if y.dtype.kind not in "iu":
        raise TypeError(f"{name}: target must hold integer class indices, got dtype {y.dtype}")
    if y.shape != (shape[0],):
        raise ValueError(
            f"{name}: target of shape {y.shape} for input {shape}; expected ({shape[0]},)"
        )
    y = y.astype(np.intp, copy=False)
    # bincount rejects negative values and grows past minlength for too large ones:
    # both ends checked in one cheap pass.
    try:
        in_range = len(np.bincount(y, minlength=shape[1])) == shape[1]
    except ValueError:
        in_range = False
    if not in_range:
        raise _bad_class(y, shape[1], name)
    return y


@functools.lru_cache(maxsize=64)
def _row_starts(n: int, classes: int) -> np.ndarray:
    """Flat index of the first element of each row of an (n, classes) array."""
    starts = np.arange(0, n * classes, classes)
    starts.flags.writeable = False
    return starts


@functools.lru_cache(maxsize=64)
def _arange(n: int) -> np.ndarray:
    """0, 1, ..., n − 1 (read-only, cached)."""
    index = np.arange(n)
    index.flags.writeable = False
    return index


def _bad_class(y: np.ndarray, classes: int, name: str) -> ValueError:
    bad = y[(y < 0) | (y >= classes)][0]
    return ValueError(f"{name}: class index {bad} is outside [0, {classes})")


def _same_shape(name: str, a: Tensor, b: Tensor) -> None:
    if a.shape != b.shape:
        raise ValueError(
            f"{name}: input of shape {a.shape} and target of shape {b.shape} must have the same "
            "shape (a (n, 1) prediction against an (n,) target is a common slip: reshape one)"
        )


def binary_cross_entropy_with_logits(
    input: Any, target: Any, reduction: str = "mean", pos_weight: Any = None
) -> Tensor:
    """Binary cross-entropy on logits: ℓ = −[p_w y ln σ(x) + (1 − y) ln(1 − σ(x))].

    Computed as (1 − y) x + (1 + (p_w − 1) y) · softplus(−x), stable for any x;
    ``pos_weight`` p_w (default 1, broadcast over the last axis) weighs the
    positive class, as PyTorch. Backward: dℓ/dx = σ(x)(p_w y + 1 − y) − p_w y,
    dℓ/dy = −x + (p_w − 1) softplus(−x) (for soft targets).
    """
    _check_reduction(reduction)
    x, y = as_tensor(input), as_tensor(target)
    _same_shape("binary_cross_entropy_with_logits", x, y)
    xd, yd = x.data, y.data
    if pos_weight is None:
        loss = np.logaddexp(0, xd) - xd * yd

        def backward(g):
            scale = _reduction_grad(g, xd.size, reduction)
            gx = (expit(xd) - yd) * scale if x.requires_grad else None
            gy = -xd * scale if y.requires_grad else None
            return gx, gy

        return _result(
            _reduce(loss, reduction), (x, y), backward, "binary_cross_entropy_with_logits"
        )
    pw = np.asarray(pos_weight.data if isinstance(pos_weight, Tensor) else pos_weight, xd.dtype)
    try:
        np.broadcast_shapes(pw.shape, xd.shape)
    except ValueError:
        raise ValueError(
            f"binary_cross_entropy_with_logits: pos_weight of shape {pw.shape} does not "
            f"broadcast to input {xd.shape}"
        ) from None
    softplus_neg = np.logaddexp(0, -xd)
    loss = (1 - yd) * xd + (1 + (pw - 1) * yd) * softplus_neg

    def weighted_backward(g):
        scale = _reduction_grad(g, xd.size, reduction)
        gx = (expit(xd) * (pw * yd + 1 - yd) - pw * yd) * scale if x.requires_grad else None
        gy = (-xd + (pw - 1) * softplus_neg) * scale if y.requires_grad else None
        return gx, gy

    return _result(
        _reduce(loss, reduction), (x, y), weighted_backward, "binary_cross_entropy_with_logits"
    )


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Squared error ℓ = (x − y)²; dℓ/dx = 2(x − y), dℓ/dy = −2(x − y)."""
    _check_reduction(reduction)
    x, y = as_tensor(input), as_tensor(target)
    _same_shape("mse_loss", x, y)
    diff = x.data - y.data

    def backward(g):
        gx = 2 * diff * _reduction_grad(g, diff.size, reduction)
        return gx, (-gx if y.requires_grad else None)

    return _result(_reduce(diff * diff, reduction), (x, y), backward, "mse_loss")


def binary_cross_entropy(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy on probabilities: ℓ = −[y ln p + (1 − y) ln(1 − p)].

    As PyTorch, each logarithm is clamped at −100 so p = 0 or 1 gives a large
    finite loss, and the gradient dℓ/dp = (p − y) / max(p(1 − p), 1e-12).
    For soft targets dℓ/dy = max(ln(1 − p), −100) − max(ln p, −100), the
    derivative of the clamped loss: ±100 at p = 0 or 1, where PyTorch's target
    gradient ignores the clamp and gives ±inf.
    Prefer :func:`binary_cross_entropy_with_logits`, which never saturates.
    ``input`` must lie in [0, 1].
    """
    _check_reduction(reduction)
    p, y = as_tensor(input), as_tensor(target)
    _same_shape("binary_cross_entropy", p, y)
    pd, yd = p.data, y.data
    if not np.all((pd >= 0) & (pd <= 1)):
        bad = pd[~((pd >= 0) & (pd <= 1))].flat[0]
        raise ValueError(
            f"binary_cross_entropy: input must be probabilities in [0, 1], got {bad} "
            "(pass logits to binary_cross_entropy_with_logits instead)"
        )
    with np.errstate(divide="ignore"):
        log_p = np.maximum(np.log(pd), -100)
        log_q = np.maximum(np.log1p(-pd), -100)
    loss = -(yd * log_p + (1 - yd) * log_q)

    def backward(g):
        scale = _reduction_grad(g, pd.size, reduction)
        gp = (pd - yd) / np.maximum(pd * (1 - pd), 1e-12) * scale if p.requires_grad else None
        gy = (log_q - log_p) * scale if y.requires_grad else None
        return gp, gy

    return _result(_reduce(loss, reduction), (p, y), backward, "binary_cross_entropy")


def l1_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Absolute error (MAE) ℓ = |x − y|; dℓ/dx = sign(x − y), 0 where x = y."""
    _check_reduction(reduction)
    x, y = as_tensor(input), as_tensor(target)
    _same_shape("l1_loss", x, y)
    diff = x.data - y.data

    def backward(g):
        gx = np.sign(diff) * _reduction_grad(g, diff.size, reduction)
        return gx, (-gx if y.requires_grad else None)

    return _result(_reduce(np.abs(diff), reduction), (x, y), backward, "l1_loss")


def mape_loss(
    input: Any, target: Any, reduction: str = "mean", eps: float = float(np.finfo(np.float64).eps)
) -> Tensor:
    """Absolute percentage error (seed 003) ℓ = |x − y| / max(|y|, eps), as a fraction.

    Zero targets: the denominator is clamped at ``eps`` (2.2e-16 by default,
    as scikit-learn's ``mean_absolute_percentage_error``), so a zero target
    with a wrong prediction gives a huge but finite loss: MAPE is meant for
    targets bounded away from zero. Not multiplied by 100.
    dℓ/dx = sign(x − y) / max(|y|, eps).
    """
    _check_reduction(reduction)
    if not eps > 0:
        raise ValueError(f"mape_loss: eps must be positive, got {eps}")
    x, y = as_tensor(input), as_tensor(target)
    _same_shape("mape_loss", x, y)
    if y.requires_grad:
        raise ValueError("mape_loss: the target must not require gradients")
    diff = x.data - y.data
    scale_y = 1 / np.maximum(np.abs(y.data), eps)

    def backward(g):
        return np.sign(diff) * scale_y * _reduction_grad(g, diff.size, reduction), None

    return _result(_reduce(np.abs(diff) * scale_y, reduction), (x, y), backward, "mape_loss")


def _signed_labels(name: str, target: Any, shape: tuple[int, ...]) -> np.ndarray:
    """Labels ±1, or 0/1 mapped to −1/+1, checked."""
    y = np.asarray(target.data if isinstance(target, Tensor) else target)
    if y.shape != shape:
        raise ValueError(f"{name}: target of shape {y.shape}, expected {shape} like the scores")
    values = set(np.unique(y).tolist())
    if values <= {-1, 1}:
        return y.astype(np.float64 if y.dtype.kind != "f" else y.dtype)
    if values <= {0, 1}:
        return 2.0 * y - 1
    raise ValueError(f"{name}: labels must be ±1 or 0/1, got values {sorted(values)[:5]}")


def _margin_loss(name: str, input: Any, target: Any, margin: float, reduction: str) -> Tensor:
    """ℓ = max(0, margin − M) with the margin M = y·s; dℓ/ds = −y where M < margin."""
    _check_reduction(reduction)
    s = as_tensor(input)
    y = _signed_labels(name, target, s.shape).astype(s.dtype, copy=False)
    gap = margin - y * s.data
    active = gap > 0

    def backward(g):
        return (np.where(active, -y, 0).astype(s.dtype) * _reduction_grad(g, y.size, reduction),)

    return _result(
        _reduce(np.where(active, gap, 0).astype(s.dtype), reduction), (s,), backward, name
    )


def hinge_loss(input: Any, target: Any, reduction: str = "mean", margin: float = 1.0) -> Tensor:
    """Hinge loss (linear SVM, seed 003): ℓ = max(0, 1 − M), margin M = y·s.

    ``target`` holds labels ±1 or 0/1 (0 is read as −1); ``input`` the scores
    s of the same shape. Subgradient at M = 1: 0.
    """
    return _margin_loss("hinge_loss", input, target, margin, reduction)


def perceptron_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """Perceptron loss (seed 003): ℓ = max(0, −M), margin M = y·s, labels ±1 or 0/1."""
    return _margin_loss("perceptron_loss", input, target, 0.0, reduction)


def poisson_nll_loss(
    input: Any,
    target: Any,
    log_input: bool = True,
    full: bool = False,
    eps: float = 1e-8,
    reduction: str = "mean",
) -> Tensor:
    """Poisson negative log-likelihood (Poisson regression, seed 002).

    With ``log_input`` the input is the log-rate x: ℓ = eˣ − y·x; otherwise it
    is the rate λ: ℓ = λ − y·ln(λ + eps). ``full`` adds the Stirling term
    y ln y − y + ½ ln(2πy) for y > 1, as PyTorch. dℓ/dx = eˣ − y, dℓ/dλ = 1 − y/(λ + eps).
    """
    _check_reduction(reduction)
    x, y = as_tensor(input), as_tensor(target)
    _same_shape("poisson_nll_loss", x, y)
    if y.requires_grad:
        raise ValueError("poisson_nll_loss: the target must not require gradients")
    xd, yd = x.data, y.data
    if log_input:
        rate = np.exp(xd)
        loss = rate - yd * xd
    else:
        loss = xd - yd * np.log(xd + eps)
    if full:
        big = yd > 1
        safe = np.where(big, yd, 1)
        loss = loss + np.where(big, safe * np.log(safe) - safe + 0.5 * np.log(2 * np.pi * safe), 0)

    def backward(g):
        grad = rate - yd if log_input else 1 - yd / (xd + eps)
        return grad * _reduction_grad(g, xd.size, reduction), None

    return _result(_reduce(loss, reduction), (x, y), backward, "poisson_nll_loss")
