"""Tabular cross-entropy method for discrete-state environments (Taxi-v3, FrozenLake-v1)."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import load as _load_arrays
from safetensors.numpy import save as _save_arrays

from numnet.rl._gym import env_summary, make_env
from numnet.rl._io import write_bytes, write_json
from numnet.rl.elites import check_percentile, select_elites
from numnet.rl.rollout import LocalRunner, session_seeds

__all__ = ["TabularCEM"]

_TRAIN, _EVAL, _INIT = 0, 1, 2


class _TableActor:
    """Samples ``A ~ π(·|s)`` by inverse CDF from a per-session uniform (or acts greedily)."""

    def __init__(self, table: np.ndarray, greedy: bool = False) -> None:
        self.cdf = np.cumsum(table, axis=1)
        self.greedy_actions = table.argmax(axis=1)
        self.greedy = greedy

    def noise(self, rng: np.random.Generator, steps: int) -> np.ndarray:
        return rng.random(steps)

    def __call__(self, obs: np.ndarray, noise: np.ndarray, sessions: Any = None) -> np.ndarray:
        states = obs[:, 0].astype(np.int64)
        if self.greedy:
            return self.greedy_actions[states]
        cdf = self.cdf[states]
        return np.minimum((noise[:, None] >= cdf).sum(axis=1), cdf.shape[1] - 1)

    def env_action(self, action: np.ndarray) -> np.ndarray:
        return action


class _DeterministicActor(_TableActor):
    """Session k follows deterministic policy ``policies[k // repeats]``: a(s) = policies[m, s]."""

    def __init__(self, policies: np.ndarray, repeats: int) -> None:
        self.policies, self.repeats = policies, repeats

    def __call__(self, obs: np.ndarray, noise: np.ndarray, sessions: Any = None) -> np.ndarray:
        return self.policies[np.asarray(sessions) // self.repeats, obs[:, 0].astype(np.int64)]


class TabularCEM:
    """Cross-entropy method on a table π(a|s) for Discrete states and actions.

    Each iteration plays K sessions with ``A ~ π(·|S)``, keeps the elite sessions
    (``G ≥`` the ``percentile``-th return, all ties; no update when all are
    elite), and re-estimates the policy from the elite (state, action) counts
    with Laplace smoothing α and policy smoothing λ::

        π_new(a|s) = (N(s, a) + α) / (Σ_b N(s, b) + α m)      (unvisited, α = 0: keep π(·|s))
        π ← λ π_new + (1 − λ) π

    For stochastic environments (``n_policy_samples = M``): sample M
    deterministic policies ``a_m(s) ~ π(·|s)``, play each K times, judge each by
    its mean return, and count the pairs of the elite policies' sessions.

    Parameters
    ----------
    env : str or callable
        A Gymnasium id with Discrete observations and actions, or a factory.
    n_sessions : int
        K: sessions per iteration (per sampled policy when ``n_policy_samples``).
    percentile : float in (0, 100)
    n_iterations : int
    laplace : float
        α ≥ 0, Laplace smoothing of the counts.
    policy_smoothing : float in (0, 1]
        λ, the share of the new estimate in the update.
    n_policy_samples : int, optional
        M, for the stochastic-environment variant.
    max_steps : int, optional
        Time limit (default: the environment's).
    target_return : float, optional
        Stop once V reaches it.
    env_kwargs : dict, optional
    seed : int

    Attributes
    ----------
    policy_ : (n_states, n_actions) array
    history_ : list of dict
    best_mean_return_ : float

    Examples
    --------
    >>> agent = TabularCEM("FrozenLake-v1", n_sessions=20, n_iterations=2, seed=0).fit()
    >>> agent.policy_.shape, bool(np.allclose(agent.policy_.sum(axis=1), 1))
    ((16, 4), True)
    """

    def __init__(
        self,
        env: str | Callable[[], Any],
        *,
        n_sessions: int = 250,
        percentile: float = 50.0,
        n_iterations: int = 100,
        laplace: float = 0.0,
        policy_smoothing: float = 1.0,
        n_policy_samples: int | None = None,
        max_steps: int | None = None,
        target_return: float | None = None,
        env_kwargs: dict | None = None,
        seed: int = 0,
    ) -> None:
        self.env = env
        self.n_sessions = n_sessions
        self.percentile = percentile
        self.n_iterations = n_iterations
        self.laplace = laplace
        self.policy_smoothing = policy_smoothing
        self.n_policy_samples = n_policy_samples
        self.max_steps = max_steps
        self.target_return = target_return
        self.env_kwargs = env_kwargs
        self.seed = seed

    def _validate(self) -> None:
        check_percentile(self.percentile)
        if not isinstance(self.n_sessions, (int, np.integer)) or self.n_sessions < 1:
            raise ValueError(f"n_sessions must be a positive integer, got {self.n_sessions!r}")
        if not float(self.laplace) >= 0:
            raise ValueError(f"laplace must be >= 0, got {self.laplace!r}")
        if not 0 < float(self.policy_smoothing) <= 1:
            raise ValueError(f"policy_smoothing must be in (0, 1], got {self.policy_smoothing!r}")
        m = self.n_policy_samples
        if m is not None and (not isinstance(m, (int, np.integer)) or m < 2):
            raise ValueError(f"n_policy_samples must be an integer >= 2 or None, got {m!r}")

    def _setup(self) -> None:
        probe = make_env(self.env, **(self.env_kwargs or {}))
        try:
            self.env_ = env_summary(probe)
        finally:
            probe.close()
        if self.env_["kind"] != "tabular":
            raise ValueError(
                "TabularCEM needs Discrete observations and actions; use numnet.rl.CEM"
            )
        self.max_steps_ = int(self.max_steps or self.env_["max_steps"] or 1000)

    def update(self, states: np.ndarray, actions: np.ndarray) -> np.ndarray:
        """The smoothed re-estimate of π from elite pairs (also stored in ``policy_``)."""
        n_states, n_actions = self.policy_.shape
        counts = np.zeros((n_states, n_actions))
        np.add.at(counts, (states.astype(np.int64), actions.astype(np.int64)), 1.0)
        counts += float(self.laplace)
        totals = counts.sum(axis=1, keepdims=True)
        new = np.where(totals > 0, counts / np.where(totals > 0, totals, 1.0), self.policy_)
        lam = float(self.policy_smoothing)
        self.policy_ = lam * new + (1.0 - lam) * self.policy_
        return self.policy_

    def fit(self, callback: Callable[[dict], Any] | None = None) -> TabularCEM:
        """Run tabular CEM; returns ``self`` (``callback(record)`` returning True stops)."""
        self._validate()
        self._setup()
        n_states, n_actions = self.env_["n_states"], self.env_["n_actions"]
        self.policy_ = np.full((n_states, n_actions), 1.0 / n_actions)
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(_INIT,)))
        m = self.n_policy_samples
        total = int(self.n_sessions) * (m or 1)
        runner = LocalRunner(self.env, total, self.env_kwargs)
        self.history_, self.best_mean_return_ = [], -math.inf
        self.converged_, start, episodes = "max_iterations", time.perf_counter(), 0
        try:
            for it in range(int(self.n_iterations)):
                seeds = session_seeds(self.seed, _TRAIN, it, total)
                if m:
                    policies = _sample_policies(self.policy_, m, rng)
                    actor: Any = _DeterministicActor(policies, int(self.n_sessions))
                else:
                    actor = _TableActor(self.policy_)
                sessions = runner.run(actor, seeds, self.max_steps_)
                episodes += total
                scores = sessions.returns
                if m:  # judge each sampled policy by the mean of its K sessions
                    scores = scores.reshape(m, int(self.n_sessions)).mean(axis=1)
                elite, threshold, update = select_elites(scores, self.percentile)
                if m:
                    elite = np.repeat(elite, int(self.n_sessions))
                if update:
                    idx = np.flatnonzero(elite)
                    states = np.concatenate([sessions.observations[k][:, 0] for k in idx])
                    self.update(states, np.concatenate([sessions.actions[k] for k in idx]))
                mean = float(sessions.returns.mean())
                self.best_mean_return_ = max(self.best_mean_return_, mean)
                record = {
                    "iteration": it, "mean": mean, "max": float(sessions.returns.max()),
                    "threshold": threshold, "n_elite": int(elite.sum()), "updated": update,
                    "episodes": episodes, "seconds": time.perf_counter() - start,
                    "eps": 0.0, "episodes_per_s": episodes / (time.perf_counter() - start),
                }  # fmt: skip
                self.history_.append(record)
                stop = self.target_return is not None and mean >= self.target_return
                if stop:
                    self.converged_ = "target"
                if callback is not None and callback(record):
                    self.converged_, stop = ("interrupted" if not stop else "target"), True
                if stop:
                    break
        finally:
            runner.close()
        self.n_iter_ = len(self.history_)
        return self

    def evaluate(self, n_episodes: int = 100, seed: int | None = None) -> np.ndarray:
        """Returns of ``n_episodes`` episodes of the greedy policy ``argmax_a π(a|s)``."""
        if not hasattr(self, "policy_"):
            raise ValueError("this TabularCEM agent is not fitted yet: call fit() first")
        runner = LocalRunner(self.env, n_episodes, self.env_kwargs)
        try:
            seeds = session_seeds(self.seed if seed is None else seed, _EVAL, 2**20, n_episodes)
            actor = _TableActor(self.policy_, greedy=True)
            return runner.run(actor, seeds, self.max_steps_).returns
        finally:
            runner.close()

    def predict(self, states: Any) -> np.ndarray:
        """Greedy actions ``argmax_a π(a|s)`` for an array of state indices."""
        return self.policy_.argmax(axis=1)[np.asarray(states, np.int64)]

    def save(self, directory: str | Path) -> Path:
        """Write the table to ``policy.safetensors`` and the settings to ``config.json``."""
        directory = Path(directory)
        write_bytes(directory / "policy.safetensors", _save_arrays({"policy": self.policy_}))
        params = {k: v for k, v in vars(self).items() if not k.endswith("_") and k != "env"}
        write_json(
            directory / "config.json",
            {
                "format": "numnet.rl.tabular_cem/1",
                "env": self.env if isinstance(self.env, str) else None,
                "params": params, "env_summary": self.env_, "max_steps": self.max_steps_,
                "best_mean_return": self.best_mean_return_,
            },
        )  # fmt: skip
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> TabularCEM:
        """Rebuild an agent saved by :meth:`save`."""
        directory = Path(directory)
        config = json.loads((directory / "config.json").read_text())
        if config.get("format") != "numnet.rl.tabular_cem/1":
            raise ValueError(f"{directory}: not a numnet tabular CEM run (config.json format)")
        agent = cls(config["env"], **config["params"])
        agent.env_, agent.max_steps_ = config["env_summary"], int(config["max_steps"])
        agent.best_mean_return_ = config["best_mean_return"]
        agent.policy_ = _load_arrays((directory / "policy.safetensors").read_bytes())["policy"]
        return agent


def _sample_policies(table: np.ndarray, m: int, rng: np.random.Generator) -> np.ndarray:
    """M deterministic policies, ``policies[i, s] ~ π(·|s)`` independently."""
    u = rng.random((m, table.shape[0], 1))
    return np.minimum((u >= np.cumsum(table, axis=1)[None]).sum(axis=2), table.shape[1] - 1)
