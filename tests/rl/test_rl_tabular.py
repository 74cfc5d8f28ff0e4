"""Tabular CEM: the smoothed update, learning on FrozenLake, the stochastic-environment variant."""

from __future__ import annotations

import numpy as np
import pytest

from numnet.rl import TabularCEM

pytest.importorskip("gymnasium")


def _agent(**kwargs):
    agent = TabularCEM("FrozenLake-v1", n_sessions=5, n_iterations=1, seed=0, **kwargs)
    return agent.fit()


def test_update_is_laplace_and_policy_smoothed():
    agent = _agent(laplace=0.5, policy_smoothing=0.25)
    old = np.random.default_rng(0).dirichlet(np.ones(4), size=16)
    agent.policy_ = old.copy()
    states, actions = np.array([0, 0, 0, 5]), np.array([1, 1, 2, 3])
    new = agent.update(states, actions)
    counts = np.zeros((16, 4))
    np.add.at(counts, (states, actions), 1)
    counts += 0.5
    expected = 0.25 * counts / counts.sum(1, keepdims=True) + 0.75 * old
    np.testing.assert_allclose(new, expected)
    np.testing.assert_allclose(new.sum(axis=1), 1.0)


def test_unvisited_states_keep_their_policy_without_laplace():
    agent = _agent()
    old = agent.policy_.copy()
    new = agent.update(np.array([3]), np.array([2]))
    np.testing.assert_array_equal(new[3], [0, 0, 1, 0])
    np.testing.assert_array_equal(np.delete(new, 3, axis=0), np.delete(old, 3, axis=0))


def test_frozen_lake_learns_and_repeats():
    kwargs = dict(n_sessions=400, percentile=99, n_iterations=6, policy_smoothing=0.7, seed=3,
                  env_kwargs={"is_slippery": False})  # fmt: skip
    agent = TabularCEM("FrozenLake-v1", **kwargs).fit()
    means = [r["mean"] for r in agent.history_]
    assert means[-1] > 3 * means[0] and means[-1] > 0.1, means
    again = TabularCEM("FrozenLake-v1", **kwargs).fit()
    assert means == [r["mean"] for r in again.history_]


def test_stochastic_variant_judges_sampled_policies_on_mean_returns():
    agent = TabularCEM("FrozenLake-v1", n_sessions=4, n_policy_samples=10, percentile=80,
                       n_iterations=2, seed=0).fit()  # fmt: skip
    assert agent.history_[0]["episodes"] == 40
    # elites are whole policies: a multiple of K sessions
    assert all(r["n_elite"] % 4 == 0 for r in agent.history_)
    assert agent.evaluate(5).shape == (5,)


def test_taxi_smoke_improves():
    agent = TabularCEM("Taxi-v4", n_sessions=100, percentile=50, n_iterations=4,
                       policy_smoothing=0.5, max_steps=100, seed=0).fit()  # fmt: skip
    means = [r["mean"] for r in agent.history_]
    assert means[-1] > means[0], means


def test_deep_environment_is_redirected():
    with pytest.raises(ValueError, match="CEM"):
        TabularCEM("CartPole-v1", n_iterations=1).fit()
