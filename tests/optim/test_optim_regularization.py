"""L1/L2 penalties (values, finite-difference gradients, which tensors), max-norm, grad noise."""

from __future__ import annotations

import json

import numpy as np
import pytest

import numnet as nn
from numnet.optim import (
    SGD,
    GradientNoise,
    add_grad_noise_,
    l1_penalty,
    l2_penalty,
    max_norm_,
)


def _layer(rng, dtype=np.float64):
    W1 = nn.Tensor(rng.normal(size=(4, 3)).astype(dtype), requires_grad=True)
    b1 = nn.Tensor(rng.normal(size=4).astype(dtype), requires_grad=True)
    W2 = nn.Tensor(rng.normal(size=(2, 4)).astype(dtype), requires_grad=True)
    return W1, b1, W2


# -------------------------------------------------------------------- penalties
def test_penalty_values_follow_their_definitions(rng):
    W1, b1, W2 = _layer(rng)
    l2 = l2_penalty([W1, b1, W2], alpha=0.3)
    l1 = l1_penalty(iter([W1, b1, W2]), alpha=0.3)
    weights = np.concatenate([W1.data.ravel(), W2.data.ravel()])  # b1 is left alone
    assert l2.shape == () and l2.item() == pytest.approx(0.3 * np.sum(weights**2), rel=1e-14)
    assert l1.item() == pytest.approx(0.3 * np.sum(np.abs(weights)), rel=1e-14)
    everything = np.concatenate([weights, b1.data])
    assert l2_penalty([W1, b1, W2], 0.3, min_ndim=0).item() == pytest.approx(
        0.3 * np.sum(everything**2), rel=1e-14
    )
    assert l1_penalty([b1], 0.3, min_ndim=1).item() == pytest.approx(0.3 * np.abs(b1.data).sum())


@pytest.mark.parametrize("penalty", [l1_penalty, l2_penalty])
@pytest.mark.parametrize("min_ndim", [0, 2])
def test_penalty_gradients_match_finite_differences(penalty, min_ndim, rng):
    W1, b1, W2 = _layer(rng)
    assert nn.gradcheck(lambda a, b, c: penalty([a, b, c], 0.7, min_ndim=min_ndim), W1, b1, W2)


def test_penalty_gradients_by_formula(rng):
    W1, b1, W2 = _layer(rng)
    (l2_penalty([W1, b1, W2], 0.25) + l1_penalty([W1, b1, W2], 0.5)).backward()
    np.testing.assert_allclose(W1.grad, 2 * 0.25 * W1.data + 0.5 * np.sign(W1.data))
    assert b1.grad is None  # not part of the graph at all


def test_penalty_added_to_a_loss_and_in_float32(rng):
    W1, b1, W2 = _layer(rng, np.float32)
    x = nn.Tensor(rng.normal(size=(5, 3)).astype(np.float32))
    loss = ((x @ W1.T + b1) ** 2).mean() + l2_penalty([W1, b1, W2], 1e-2)
    assert loss.dtype == np.float32
    loss.backward()
    assert W1.grad.dtype == np.float32 and W2.grad.dtype == np.float32
    np.testing.assert_allclose(W2.grad, 2e-2 * W2.data, rtol=1e-6)


def test_penalty_with_nothing_to_penalize_is_zero(rng):
    _, b1, _ = _layer(rng)
    assert l2_penalty([b1], 1.0).item() == 0.0 and l1_penalty([], 1.0).item() == 0.0


def test_l2_penalty_equals_sgd_weight_decay_of_twice_alpha(problem):
    alpha = 0.05
    decayed, penalized = problem.params(), problem.params()
    opt_decay = SGD(
        [{"params": decayed[0::2], "weight_decay": 2 * alpha}, {"params": decayed[1::2]}], lr=0.1
    )
    opt_penalty = SGD(penalized, lr=0.1)
    for _ in range(10):
        opt_decay.zero_grad()
        problem.loss(decayed).backward()
        opt_decay.step()
        opt_penalty.zero_grad()
        (problem.loss(penalized) + l2_penalty(penalized, alpha)).backward()
        opt_penalty.step()
    for a, b in zip(decayed, penalized):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-12)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda p: l2_penalty(p, -1.0), ValueError, "l2_penalty: invalid alpha=-1.0"),
        (lambda p: l1_penalty(p, float("inf")), ValueError, "alpha must be finite"),
        (lambda p: l2_penalty(p, 0.1, min_ndim=-1), ValueError, "min_ndim must be an int >= 0"),
        (lambda p: l1_penalty([p[0], p[1].data], 0.1), TypeError, "element 1 is a ndarray"),
        (lambda p: l2_penalty(3.0, 0.1), TypeError, "expected a Tensor or an iterable"),
    ],
)
def test_penalty_arguments_are_checked(call, error, message, rng):
    with pytest.raises(error, match=message):
        call(list(_layer(rng)))


# --------------------------------------------------------------------- max-norm
def test_max_norm_rescales_rows_over_the_bound_only(rng):
    W1, b1, W2 = _layer(rng)
    W1.data[0] *= 10  # row norms: one far above c, the others below
    W1.data[1:] *= 0.1
    b1.data *= 100
    before, bias, array = W1.data.copy(), b1.data.copy(), W1.data
    max_norm_([W1, b1, W2], max_norm=2.0)
    norms = np.linalg.norm(W1.data, axis=1)
    assert norms[0] == pytest.approx(2.0, rel=1e-15)
    np.testing.assert_allclose(W1.data[0], before[0] * 2.0 / np.linalg.norm(before[0]))
    np.testing.assert_array_equal(W1.data[1:], before[1:])
    np.testing.assert_array_equal(b1.data, bias)  # biases are not constrained by default
    assert W1.data is array
    assert np.all(np.linalg.norm(W2.data, axis=1) <= 2.0 * (1 + 1e-15))


def test_max_norm_like_torch_renorm_and_on_explicit_tensors(rng):
    torch = pytest.importorskip("torch")
    W = nn.Tensor(rng.normal(size=(4, 2, 3)) * 3, requires_grad=True)
    expected = torch.renorm(torch.tensor(W.data), 2, 0, 3.0).numpy()
    max_norm_(W, 3.0)
    np.testing.assert_allclose(W.data, expected, rtol=1e-6)  # renorm divides by norm + 1e-7
    b = nn.Tensor(np.array([3.0, 4.0]), requires_grad=True)
    max_norm_([b], 1.0, min_ndim=1)
    np.testing.assert_allclose(b.data, [0.6, 0.8])


@pytest.mark.parametrize("bad", [0.0, -1.0, float("inf"), float("nan")])
def test_max_norm_must_be_positive(bad, rng):
    with pytest.raises(ValueError, match="max_norm"):
        max_norm_(list(_layer(rng)), bad)


# ---------------------------------------------------------------- gradient noise
def test_grad_noise_is_seeded_gaussian_and_skips_missing_gradients():
    def noisy(dtype, seed):
        w = nn.Tensor(np.zeros((200, 100), dtype=dtype), requires_grad=True)
        v = nn.Tensor(np.zeros(3, dtype=dtype), requires_grad=True)
        w.grad = np.ones((200, 100), dtype=dtype)
        add_grad_noise_([v, w], std=0.5, rng=seed)
        assert v.grad is None
        return w.grad

    a, b = noisy(np.float64, 1), noisy(np.float64, 1)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, noisy(np.float64, 2))
    assert abs(a.mean() - 1.0) < 0.01 and abs(a.std() - 0.5) < 0.01
    single = noisy(np.float32, 1)
    assert single.dtype == np.float32
    np.testing.assert_allclose(single, a, atol=1e-6)  # the same draws, cast


def test_gradient_noise_anneals_and_resumes_exactly():
    def make():
        w = nn.Tensor(np.zeros(4), requires_grad=True)
        return w, GradientNoise([w], eta=0.3, gamma=0.55, rng=7)

    w, noise = make()
    stds = []
    for _ in range(6):
        w.grad = np.zeros(4)
        stds.append(noise.std)
        noise.step()
    np.testing.assert_allclose(stds, np.sqrt(0.3 / (1 + np.arange(6)) ** 0.55), rtol=1e-15)

    w, straight = make()
    for _ in range(5):
        w.grad = np.zeros(4)
        straight.step()
    w2, half = make()
    for _ in range(2):
        w2.grad = np.zeros(4)
        half.step()
    saved = json.dumps(half.state_dict(), allow_nan=False)
    w3, resumed = make()
    resumed.load_state_dict(json.loads(saved))
    for _ in range(3):
        w3.grad = np.zeros(4)
        resumed.step()
    np.testing.assert_array_equal(w3.grad, w.grad)
    assert resumed.t == straight.t == 5
    with pytest.raises(ValueError, match="missing entries"):
        resumed.load_state_dict({"t": 1})
    with pytest.raises(ValueError, match="'rng' is not a state"):
        resumed.load_state_dict(half.state_dict() | {"rng": {"bit_generator": "MT19937"}})


def test_grad_noise_arguments_are_checked():
    w = nn.Tensor(np.zeros(2), requires_grad=True)
    with pytest.raises(ValueError, match="invalid std=-1"):
        add_grad_noise_([w], std=-1, rng=0)
    with pytest.raises(ValueError, match="invalid gamma"):
        GradientNoise([w], gamma=-0.5)
