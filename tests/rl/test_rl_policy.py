"""Acting and the elite losses: ε-mixture frequencies, clipping, −Σ ln π(a|s), Σ‖π(s) − a‖²."""

from __future__ import annotations

import numpy as np
import pytest

from numnet import nn
from numnet.rl.policy import (
    ObsScaler,
    continuous_loss,
    discrete_loss,
    mixture_probs,
    mlp_policy,
)
from numnet.rl.rollout import ContinuousActor, DiscreteActor

IDENTITY = ObsScaler([-np.inf], [np.inf])


def _constant_logits_policy(logits: np.ndarray) -> nn.Linear:
    layer = nn.Linear(1, len(logits), rng=0)
    layer.weight.data[:] = 0.0
    layer.bias.data[:] = logits
    return layer


def test_mixture_formula():
    logits = np.log(np.array([[0.7, 0.2, 0.1]]))
    np.testing.assert_allclose(mixture_probs(logits, 0.3), 0.7 * np.array([[0.7, 0.2, 0.1]]) + 0.1)


@pytest.mark.parametrize("eps", [0.0, 0.3, 1.0])
def test_epsilon_mixture_action_frequencies(eps):
    pi = np.array([0.7, 0.2, 0.1])
    expected = (1 - eps) * pi + eps / 3
    actor = DiscreteActor(_constant_logits_policy(np.log(pi)), IDENTITY, eps=eps)
    n = 40_000
    rng = np.random.default_rng(1)
    actions = actor(np.zeros((n, 1), np.float32), actor.noise(rng, n))
    counts = np.bincount(actions, minlength=3)
    sigma = np.sqrt(n * expected * (1 - expected))  # binomial std of each count
    assert np.all(np.abs(counts - n * expected) < 4 * sigma), (counts, n * expected)


def test_greedy_discrete_takes_argmax():
    actor = DiscreteActor(_constant_logits_policy(np.array([0.0, 2.0, 1.0])), IDENTITY, 0.9, True)
    assert actor(np.zeros((5, 1), np.float32), np.zeros(5)).tolist() == [1] * 5


@pytest.mark.parametrize("noise_type", ["gaussian", "uniform"])
def test_continuous_actions_are_clipped_to_the_box(noise_type):
    policy = nn.Linear(1, 2, rng=0)
    policy.weight.data[:] = 0.0
    policy.bias.data[:] = [1.5, -0.2]  # the mean itself lies outside the box in coordinate 0
    low, high = np.array([-1.0, -0.5]), np.array([1.0, 0.5])
    actor = ContinuousActor(policy, IDENTITY, low, high, eps=2.0, noise_type=noise_type)
    noise = actor.noise(np.random.default_rng(0), 1000)
    actions = actor(np.zeros((1000, 1), np.float32), noise)
    assert actions.dtype == np.float32
    assert np.all(actions >= low.astype(np.float32)) and np.all(actions <= high.astype(np.float32))
    expected = np.clip(np.array([1.5, -0.2]) + 2.0 * noise, low, high)
    np.testing.assert_allclose(actions, expected, atol=1e-6)
    assert (actions[:, 0] == 1.0).mean() > 0.5  # clipping really happened
    greedy = ContinuousActor(policy, IDENTITY, low, high, eps=2.0, greedy=True)
    np.testing.assert_allclose(greedy(np.zeros((3, 1), np.float32), noise[:3]), [[1.0, -0.2]] * 3)


def test_discrete_loss_is_minus_sum_log_pi():
    rng = np.random.default_rng(0)
    net = mlp_policy(3, 4, hidden=(5,), rng=0).double()
    states, actions = rng.normal(size=(17, 3)), rng.integers(0, 4, 17)
    logits = net(states).data
    log_pi = logits - logits.max(1, keepdims=True)
    log_pi -= np.log(np.exp(log_pi).sum(1, keepdims=True))
    expected = -log_pi[np.arange(17), actions].sum()
    np.testing.assert_allclose(discrete_loss(net, states, actions, "sum").item(), expected)
    np.testing.assert_allclose(discrete_loss(net, states, actions).item(), expected / 17)


def test_continuous_loss_is_sum_of_squared_norms():
    rng = np.random.default_rng(1)
    net = mlp_policy(3, 2, hidden=(5,), rng=1).double()
    states, actions = rng.normal(size=(11, 3)), rng.uniform(-1, 1, (11, 2))
    expected = (np.linalg.norm(net(states).data - actions, axis=1) ** 2).sum()
    np.testing.assert_allclose(continuous_loss(net, states, actions, "sum").item(), expected)
    np.testing.assert_allclose(continuous_loss(net, states, actions).item(), expected / 22)


def test_obs_scaler_maps_finite_bounds_to_unit_interval():
    scaler = ObsScaler([-1.2, -0.07, -np.inf], [0.6, 0.07, np.inf])
    out = scaler(np.array([[-1.2, 0.07, 123.0], [0.6, -0.07, -4.0]]))
    np.testing.assert_allclose(out, [[-1.0, 1.0, 123.0], [1.0, -1.0, -4.0]], rtol=1e-6)
    again = ObsScaler.from_json(scaler.to_json())
    np.testing.assert_array_equal(again(out), scaler(out))


def test_mlp_policy_rejects_unknown_activation():
    with pytest.raises(ValueError, match="activation"):
        mlp_policy(2, 2, activation="swish")
