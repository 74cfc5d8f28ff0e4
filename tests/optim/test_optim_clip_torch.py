"""clip_grad_norm_ and clip_grad_value_ against torch.nn.utils. Skipped without torch."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import numnet as nn  # noqa: E402
from numnet.optim import clip_grad_norm_, clip_grad_value_  # noqa: E402


def _pair(rng, scale=1.0, shapes=((4, 3), (3,), (2, 4)), dtype=np.float64):
    grads = [scale * rng.normal(size=s).astype(dtype) for s in shapes]
    ours = [nn.Tensor(np.zeros(s, dtype=dtype), requires_grad=True) for s in shapes]
    theirs = [torch.zeros(s, dtype=torch.from_numpy(np.zeros(0, dtype)).dtype) for s in shapes]
    for o, t, g in zip(ours, theirs, grads):
        o.grad, t.grad = g.copy(), torch.tensor(g)
    return ours, theirs


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, 0.5, float("inf"), "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_clip_grad_norm_matches_torch(norm_type, max_norm, dtype, rng):
    ours, theirs = _pair(rng, dtype=dtype)
    total = clip_grad_norm_(ours, max_norm, norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, float(norm_type))
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    assert isinstance(total, float)
    assert total == pytest.approx(expected.item(), rel=rtol)
    for o, t in zip(ours, theirs):
        assert o.grad.dtype == dtype
        np.testing.assert_allclose(o.grad, t.grad.numpy(), rtol=rtol)


def test_clip_grad_norm_skips_missing_gradients_and_takes_one_tensor(rng):
    ours, theirs = _pair(rng)
    ours[1].grad, theirs[1].grad = None, None
    assert clip_grad_norm_(iter(ours), 0.1) == pytest.approx(
        torch.nn.utils.clip_grad_norm_(theirs, 0.1).item(), rel=1e-12
    )
    np.testing.assert_allclose(ours[2].grad, theirs[2].grad.numpy(), rtol=1e-12)
    single = nn.Tensor([0.0, 0.0], requires_grad=True)
    single.grad = np.array([6.0, 8.0])
    assert clip_grad_norm_(single, 5.0) == 10.0
    np.testing.assert_allclose(single.grad, [3.0, 4.0], rtol=1e-6)
    assert clip_grad_norm_([nn.Tensor([1.0], requires_grad=True)], 1.0) == 0.0


def test_clip_grad_norm_nonfinite(rng):
    ours, theirs = _pair(rng)
    ours[0].grad[0, 0] = theirs[0].grad[0, 0] = np.nan
    with pytest.raises(RuntimeError, match="non-finite|nan"):
        clip_grad_norm_(ours, 1.0, error_if_nonfinite=True)
    with pytest.raises(RuntimeError):
        torch.nn.utils.clip_grad_norm_(theirs, 1.0, error_if_nonfinite=True)
    total = clip_grad_norm_(ours, 1.0)  # as torch: the nan spreads to every gradient
    torch.nn.utils.clip_grad_norm_(theirs, 1.0)
    assert np.isnan(total)
    for o, t in zip(ours, theirs):
        np.testing.assert_array_equal(o.grad, t.grad.numpy())
    ours, theirs = _pair(rng, scale=1e200)  # overflow: inf norm, gradients scaled by 0
    assert clip_grad_norm_(ours, 1.0) == torch.nn.utils.clip_grad_norm_(theirs, 1.0).item()
    for o, t in zip(ours, theirs):
        np.testing.assert_array_equal(o.grad, t.grad.numpy())


@pytest.mark.parametrize("clip_value", [0.3, 1.0, 10.0])
def test_clip_grad_value_matches_torch(clip_value, rng):
    ours, theirs = _pair(rng)
    ours[1].grad = theirs[1].grad = None
    grads = [o.grad for o in ours]
    assert clip_grad_value_(ours, clip_value) is None
    torch.nn.utils.clip_grad_value_(theirs, clip_value)
    for o, t, g in zip(ours, theirs, grads):
        assert o.grad is g  # in place
        if g is not None:
            np.testing.assert_array_equal(o.grad, t.grad.numpy())


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda p: clip_grad_norm_(p, -1.0), "invalid max_norm=-1.0"),
        (lambda p: clip_grad_value_(p, -0.5), "invalid clip_value=-0.5"),
        (lambda p: clip_grad_norm_([np.zeros(2)], 1.0), "element 0 is a ndarray"),
    ],
)
def test_clip_arguments_are_checked(call, message, rng):
    ours, _ = _pair(rng)
    with pytest.raises((ValueError, TypeError), match=message):
        call(ours)
