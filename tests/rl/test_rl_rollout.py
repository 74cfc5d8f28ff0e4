"""Vectorized rollouts: each session ends at its own termination or truncation, reproducibly."""

from __future__ import annotations

import numpy as np
import pytest

from numnet.rl.batches import CartPoleBatch, EnvBatch, TableBatch
from numnet.rl.policy import ObsScaler, mlp_policy
from numnet.rl.rollout import ContinuousActor, DiscreteActor, play, session_seeds

gym = pytest.importorskip("gymnasium")
IDENTITY = ObsScaler([-np.inf, -np.inf], [np.inf, np.inf])


def _env_seeds(seeds):
    return [int(np.random.default_rng(s).integers(2**31 - 1)) for s in seeds]


@pytest.mark.parametrize("max_steps", [100, 6])
def test_sessions_end_exactly_at_their_own_termination_or_truncation(countdown_env, max_steps):
    seeds = session_seeds(0, 0, 0, 12)
    batch = EnvBatch(countdown_env, 12)
    actor = DiscreteActor(mlp_policy(2, 2, (4,), rng=0), IDENTITY, eps=0.5)
    sessions = play(batch, actor, seeds, max_steps)
    lengths = np.array([min(3 + s % 7, max_steps) for s in _env_seeds(seeds)])
    assert len(set(lengths.tolist())) > 2  # sessions really end at different steps
    np.testing.assert_array_equal(sessions.lengths, lengths)
    np.testing.assert_array_equal(sessions.returns, lengths)
    natural = np.array([3 + s % 7 for s in _env_seeds(seeds)])
    np.testing.assert_array_equal(sessions.terminated, lengths == natural)
    for k, obs in enumerate(sessions.observations):
        # the states acted in are steps 0..T-1 of the session's own episode, never a reset
        np.testing.assert_array_equal(obs[:, 0], np.arange(lengths[k]))
        assert sessions.actions[k].shape == (lengths[k],)


def test_cartpole_native_batch_matches_single_environments():
    seeds = session_seeds(3, 0, 0, 10)
    actor = DiscreteActor(mlp_policy(4, 2, (8,), rng=0), ObsScaler([0] * 4, [0] * 4), eps=0.2)
    sessions = play(CartPoleBatch("CartPole-v1", 10), actor, seeds, 500)
    for k, env_seed in enumerate(_env_seeds(seeds)):
        env = gym.make("CartPole-v1")
        obs, _ = env.reset(seed=env_seed)
        np.testing.assert_allclose(sessions.observations[k][0], obs)
        for t, action in enumerate(sessions.actions[k]):
            np.testing.assert_allclose(sessions.observations[k][t], obs, atol=1e-5)
            obs, _, terminated, truncated, _ = env.step(int(action))
            done = terminated or truncated
            assert done == (t == sessions.lengths[k] - 1), (k, t)


def test_sessions_do_not_depend_on_their_batch_and_repeat_bit_for_bit():
    policy = mlp_policy(4, 2, (8,), rng=0)
    actor = DiscreteActor(policy, ObsScaler([0] * 4, [0] * 4), eps=0.1)
    seeds = session_seeds(7, 0, 2, 9)
    whole = play(CartPoleBatch("CartPole-v1", 9), actor, seeds, 500)
    again = play(CartPoleBatch("CartPole-v1", 9), actor, seeds, 500)
    parts = [play(CartPoleBatch("CartPole-v1", 4), actor, seeds[i : i + 4], 500) for i in (0, 4, 8)]
    listed = play(EnvBatch("CartPole-v1", 9), actor, seeds, 500)
    np.testing.assert_array_equal(whole.returns, again.returns)
    np.testing.assert_array_equal(whole.returns, np.concatenate([p.returns for p in parts]))
    np.testing.assert_array_equal(whole.returns, listed.returns)


def test_continuous_rollout_records_clipped_actions(countdown_env):
    seeds = session_seeds(1, 0, 0, 5)
    actor = ContinuousActor(mlp_policy(2, 1, (4,), rng=0), IDENTITY, [-1.0], [1.0], eps=3.0)
    sessions = play(EnvBatch(lambda: countdown_env(continuous=True), 5), actor, seeds, 50)
    actions = np.concatenate(sessions.actions)
    assert actions.shape[1] == 1 and np.all(np.abs(actions) <= 1.0)
    assert np.any(np.abs(actions) == 1.0)


@pytest.mark.parametrize("env_id", ["FrozenLake-v1", "Taxi-v4"])
def test_toy_text_table_batch_reproduces_the_environment_itself(env_id):
    class RandomTableActor:
        def noise(self, rng, steps):
            return rng.integers(0, 4, steps)

        def __call__(self, obs, noise, sessions=None):
            return noise

        def env_action(self, action):
            return action

    seeds = session_seeds(2, 0, 0, 40)
    fast = play(TableBatch(env_id, 40), RandomTableActor(), seeds, 100)
    slow = play(EnvBatch(env_id, 40), RandomTableActor(), seeds, 100)
    np.testing.assert_array_equal(fast.returns, slow.returns)
    np.testing.assert_array_equal(fast.lengths, slow.lengths)
    for a, b in zip(fast.observations, slow.observations):
        np.testing.assert_array_equal(a, b)
    if env_id == "FrozenLake-v1":  # random Taxi play rarely ends before the limit
        assert len(set(fast.lengths.tolist())) > 3
