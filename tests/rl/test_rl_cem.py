"""The Deep CEM agent: learning, reproducibility, elite updates, fallback, persistence."""

from __future__ import annotations

import collections

import numpy as np
import pytest

from numnet.rl import CEM
from numnet.rl.policy import mlp_policy
from numnet.rl.rollout import Sessions

gym = pytest.importorskip("gymnasium")


def _weights(agent):
    return {k: v.copy() for k, v in agent.policy_.state_dict().items()}


def test_seeded_smoke_run_improves_cartpole():
    agent = CEM("CartPole-v1", n_sessions=50, n_iterations=6, lr=1e-2, seed=0).fit()
    means = [r["mean"] for r in agent.history_]
    assert len(means) == 6
    assert max(means[-2:]) > 2 * means[0], means


def test_same_seed_same_returns_bit_for_bit():
    kwargs = dict(n_sessions=20, n_iterations=3, max_steps=100, seed=5)
    a = CEM("CartPole-v1", **kwargs).fit()
    b = CEM("CartPole-v1", **kwargs).fit()
    c = CEM("CartPole-v1", **{**kwargs, "seed": 6}).fit()
    assert [r["mean"] for r in a.history_] == [r["mean"] for r in b.history_]
    assert [r["mean"] for r in a.history_] != [r["mean"] for r in c.history_]
    for key, value in _weights(a).items():
        np.testing.assert_array_equal(value, _weights(b)[key])


def test_all_equal_returns_leave_the_policy_unchanged(countdown_env):
    policy = mlp_policy(2, 2, (4,), rng=0)
    before = {k: v.copy() for k, v in policy.state_dict().items()}
    agent = CEM(lambda: countdown_env(constant=5), n_sessions=8, n_iterations=2, policy=policy)
    agent.fit()
    for key, value in _weights(agent).items():
        np.testing.assert_array_equal(value, before[key])
    record = agent.history_[0]
    assert record["n_elite"] == 8 and not record["updated"] and record["loss"] is None


def _fitted(countdown_env, **kwargs):
    agent = CEM(countdown_env, n_sessions=4, n_iterations=1, lr=0.0, seed=0, **kwargs).fit()
    return agent


@pytest.mark.parametrize("continuous", [False, True])
def test_update_trains_on_exactly_the_elite_pairs(countdown_env, continuous, monkeypatch):
    agent = _fitted(lambda: countdown_env(continuous=continuous))
    rng = np.random.default_rng(0)
    lengths = [3, 5, 4, 5]
    obs = [rng.normal(size=(n, 2)).astype(np.float32) for n in lengths]
    if continuous:
        acts = [rng.uniform(-1, 1, (n, 1)).astype(np.float32) for n in lengths]
    else:
        acts = [rng.integers(0, 2, n) for n in lengths]
    sessions = Sessions(obs, acts, np.array(lengths, float), np.array(lengths), np.ones(4, bool))
    seen = {}

    def capture(states, actions, rng):
        seen["states"], seen["actions"] = states, actions
        return agent.loss(states, actions, "sum").item()

    monkeypatch.setattr(agent, "_train_on", capture)
    record = agent._step(1, sessions, collections.deque(maxlen=1), rng, {}, 0.0, 0.0)
    elite = [1, 3]  # returns [3, 5, 4, 5] at the 70th percentile (4.9): the two fives
    np.testing.assert_array_equal(seen["states"], np.concatenate([obs[k] for k in elite]))
    np.testing.assert_array_equal(seen["actions"], np.concatenate([acts[k] for k in elite]))
    x = agent.scaler_(seen["states"])
    out = agent.policy_(x).data.astype(np.float64)
    if continuous:
        expected = ((out - seen["actions"]) ** 2).sum()
    else:
        log_pi = out - np.log(np.exp(out).sum(1, keepdims=True))
        expected = -log_pi[np.arange(len(x)), seen["actions"]].sum()
    np.testing.assert_allclose(record["loss"], expected, rtol=1e-5)
    assert record["updated"] and record["n_elite"] == 2


def test_collapse_falls_back_to_the_best_policy(countdown_env):
    agent = _fitted(countdown_env, collapse=0.5)
    best = _weights(agent)
    for value in agent.policy_.parameters():
        value.data += 1.0
    agent.best_mean_return_ = 100.0
    sessions = Sessions(
        [np.zeros((1, 2), np.float32)] * 4,
        [np.zeros(1, np.int64)] * 4,
        np.array([1.0, 2.0, 3.0, 4.0]),
        np.ones(4, np.int64),
        np.ones(4, bool),
    )
    record = agent._step(2, sessions, collections.deque(), np.random.default_rng(0), best, 0, 0)
    assert record["rolled_back"] and not record["updated"]
    for key, value in _weights(agent).items():
        np.testing.assert_array_equal(value, best[key])


def test_target_stops_with_a_greedy_evaluation():
    agent = CEM(
        "CartPole-v1",
        n_sessions=30,
        n_iterations=30,
        max_steps=60,
        target_return=60,
        eval_episodes=10,
        seed=1,
    ).fit()
    assert agent.converged_ == "target"
    assert agent.history_[-1]["greedy_mean"] >= 60
    assert agent.evaluate(5).shape == (5,)


def test_continuous_actions_pendulum_runs_and_reuses_elites():
    agent = CEM(
        "Pendulum-v1",
        n_sessions=8,
        n_iterations=2,
        max_steps=30,
        eps=0.5,
        elite_history=1,
        eps_decay=0.5,
        seed=0,
    ).fit()
    assert [r["eps"] for r in agent.history_] == [0.5, 0.25]
    action = agent.predict(np.zeros(3))
    assert action.shape == (1, 1) and np.all(np.abs(action) <= 2.0)


def test_save_and_load_give_the_same_greedy_returns(tmp_path):
    agent = CEM("CartPole-v1", n_sessions=10, n_iterations=2, max_steps=50, seed=0).fit()
    agent.save(tmp_path / "run")
    loaded = CEM.load(tmp_path / "run")
    np.testing.assert_array_equal(agent.evaluate(4), loaded.evaluate(4))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"percentile": 100}, "percentile"),
        ({"n_sessions": 1}, "n_sessions"),
        ({"backend": "spark"}, "backend"),
        ({"eps_decay": 0.0}, "eps_decay"),
    ],
)
def test_bad_hyperparameters_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        CEM("CartPole-v1", **kwargs).fit()


def test_tabular_environment_is_redirected():
    with pytest.raises(ValueError, match="TabularCEM"):
        CEM("FrozenLake-v1", n_iterations=1).fit()


def test_unfitted_agent_says_so():
    with pytest.raises(ValueError, match="fit"):
        CEM("CartPole-v1").evaluate(1)


@pytest.mark.parametrize("strict", [False, True])
def test_strict_ties_trains_on_sessions_above_a_tied_minimum(countdown_env, strict):
    agent = _fitted(countdown_env, strict_ties=strict)
    agent.best_mean_return_ = -np.inf  # no fallback: this test is about the elites
    returns = np.array([-500.0] * 7 + [-400.0, -300.0])
    sessions = Sessions(
        [np.full((2, 2), k, np.float32) for k in range(9)],
        [np.zeros(2, np.int64)] * 9,
        returns,
        np.full(9, 2),
        np.ones(9, bool),
    )
    record = agent._step(1, sessions, collections.deque(), np.random.default_rng(0), {}, 0, 0)
    assert record["threshold"] == -500.0
    assert record["updated"] is strict
    assert record["n_elite"] == (2 if strict else 9)


def test_periodic_greedy_evaluations_keep_the_best_greedy_policy():
    from numnet.rl.rollout import LocalRunner

    agent = CEM(
        "CartPole-v1", n_sessions=20, n_iterations=4, target_return=10_000, eval_every=1,
        eval_episodes=5, max_steps=100, seed=2,
    ).fit()  # fmt: skip
    greedy = [r["greedy_mean"] for r in agent.history_]
    assert len(greedy) == 4 and agent.converged_ == "max_iterations"
    best = int(np.argmax(greedy))
    again = agent._evaluate_with(LocalRunner("CartPole-v1", 5), 5, best)
    assert again.mean() == greedy[best]
