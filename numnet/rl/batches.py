"""Environment batches: K environments reset and stepped together by ``rollout.play``.

- :class:`CartPoleBatch`: Gymnasium's NumPy-vectorized CartPole, one step for all sessions.
- :class:`TableBatch`: toy-text environments (FrozenLake, Taxi) stepped from their table ``P``.
- :class:`EnvBatch`: any environment, a list of copies stepped one by one (only the live ones).

Every batch has ``reset(seeds) -> obs`` and ``step(live, actions) -> (obs, rewards,
terminated, truncated)`` for the live sessions' indices; :func:`make_batch` picks the fastest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from numnet.rl._gym import make_env, require_gymnasium

__all__ = ["EnvBatch", "CartPoleBatch", "TableBatch", "make_batch"]

_NATIVE_CARTPOLE = {"CartPole-v0", "CartPole-v1"}


class EnvBatch:
    """A list of independent environments stepped one by one, only the live ones.

    Parameters
    ----------
    env : str or callable
        A Gymnasium id or a factory returning a new environment.
    n : int
        How many environments (more are created when a larger batch is reset).
    env_kwargs : dict
        Keyword arguments for ``gymnasium.make``.
    """

    def __init__(self, env: Any, n: int, env_kwargs: dict | None = None) -> None:
        self.env, self.env_kwargs = env, dict(env_kwargs or {})
        self.envs: list[Any] = []
        self._grow(n)

    def _grow(self, n: int) -> None:
        while len(self.envs) < n:
            made = make_env(self.env, **self.env_kwargs)
            spec = getattr(made, "spec", None)
            # The wrappers gymnasium.make adds (order enforcing, time limit) cost more than
            # some physics steps; the rollout enforces the time limit itself.
            plain = isinstance(self.env, str) and not getattr(spec, "additional_wrappers", ())
            self.envs.append(made.unwrapped if plain else made)

    def reset(self, seeds: Sequence[int]) -> np.ndarray:
        self._grow(len(seeds))
        self.n = len(seeds)
        return np.stack([self.envs[k].reset(seed=int(s))[0] for k, s in enumerate(seeds)])

    def step(
        self, live: np.ndarray, actions: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        obs, rewards = [], np.empty(len(live))
        terminated, truncated = np.empty(len(live), bool), np.empty(len(live), bool)
        for i, k in enumerate(live):
            o, r, terminated[i], truncated[i], _ = self.envs[k].step(actions[i])
            obs.append(o)
            rewards[i] = r
        return np.stack(obs), rewards, terminated, truncated

    def close(self) -> None:
        for env in self.envs:
            env.close()


class CartPoleBatch:
    """CartPole on Gymnasium's NumPy-vectorized ``CartPoleVectorEnv``: one step for all sessions.

    Each session's initial state is the one a single ``CartPole`` reset with
    that session's seed draws, so sessions do not depend on the batch. Finished
    sessions keep being stepped by the vector env (it auto-resets them); their
    observations are never recorded.
    """

    def __init__(self, env: str, n: int, env_kwargs: dict | None = None) -> None:
        gym = require_gymnasium()
        from gymnasium.envs.classic_control.cartpole import CartPoleVectorEnv

        self.single = gym.make(env, disable_env_checker=True, **(env_kwargs or {})).unwrapped
        self.vector_cls = CartPoleVectorEnv
        self.vec: Any = None
        self.capacity = 0
        self._grow(n)

    def _grow(self, n: int) -> None:
        if n > self.capacity:
            self.vec = self.vector_cls(num_envs=n, max_episode_steps=2**31 - 1)
            self.vec.reset(seed=0)
            self.capacity = n

    def reset(self, seeds: Sequence[int]) -> np.ndarray:
        self._grow(len(seeds))
        self.n = len(seeds)
        states = np.zeros((4, self.capacity))
        for k, s in enumerate(seeds):
            self.single.reset(seed=int(s))
            states[:, k] = self.single.state
        self.vec.state = states
        self.vec.steps[:] = 0
        self.vec.prev_done[:] = False
        self.vec.prev_done[len(seeds) :] = True  # unused slots: keep auto-resetting, never read
        return states[:, : len(seeds)].T.astype(np.float32)

    def step(
        self, live: np.ndarray, actions: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        full = np.zeros(self.capacity, dtype=np.int64)
        full[live] = actions
        obs, rewards, terminated, truncated, _ = self.vec.step(full)
        return obs[live], rewards[live].astype(np.float64), terminated[live], truncated[live]

    def close(self) -> None:
        self.single.close()


class TableBatch:
    """A toy-text environment (FrozenLake, Taxi, CliffWalking) stepped from its table ``P``.

    ``P[s][a]`` lists the outcomes ``(probability, next state, reward, terminated)``;
    all sessions step at once by inverse-CDF sampling of an outcome, as the
    environment's own ``step`` does, with the uniforms drawn from each session's
    own generator (seeded by the session's environment seed), so the dynamics
    are the environment's but the random stream is numnet's.
    """

    _BLOCK = 256

    def __init__(self, env: Any, n: int, env_kwargs: dict | None = None) -> None:
        single = make_env(env, **(env_kwargs or {})).unwrapped
        n_states, n_actions = single.observation_space.n, single.action_space.n
        width = max(len(single.P[s][a]) for s in range(n_states) for a in range(n_actions))
        probs = np.zeros((n_states, n_actions, width))
        self.next = np.zeros((n_states, n_actions, width), np.int64)
        self.reward = np.zeros((n_states, n_actions, width))
        self.done = np.zeros((n_states, n_actions, width), bool)
        for s in range(n_states):
            for a in range(n_actions):
                for i, (p, nxt, r, done) in enumerate(single.P[s][a]):
                    probs[s, a, i], self.next[s, a, i] = p, nxt
                    self.reward[s, a, i], self.done[s, a, i] = r, done
        self.cdf = np.cumsum(probs, axis=2)
        self.init_cdf = np.cumsum(np.asarray(single.initial_state_distrib, np.float64))
        single.close()

    @staticmethod
    def supports(env: Any, env_kwargs: dict | None) -> bool:
        """Whether ``env`` is a plain toy-text id whose dynamics are all in ``P``."""
        if not isinstance(env, str):
            return False
        gym = require_gymnasium()
        entry = str(gym.registry[env].entry_point) if env in gym.registry else ""
        if "toy_text" not in entry or "blackjack" in entry:
            return False
        single = make_env(env, **(env_kwargs or {})).unwrapped
        fickle = getattr(single, "fickle_passenger", False)
        ok = hasattr(single, "P") and hasattr(single, "initial_state_distrib") and not fickle
        single.close()
        return ok

    def _draw(self) -> None:
        block = np.stack([r.random(self._BLOCK) for r in self.rngs])
        self.u = block if self.u is None else np.concatenate([self.u, block], axis=1)

    def reset(self, seeds: Sequence[int]) -> np.ndarray:
        self.rngs = [np.random.default_rng(int(s)) for s in seeds]
        self.u, self.t = None, np.zeros(len(seeds), np.int64)
        self._draw()
        start = (self.u[:, 0, None] >= self.init_cdf).sum(axis=1)
        self.s = np.minimum(start, len(self.init_cdf) - 1)
        self.t[:] = 1
        return self.s.copy()

    def step(
        self, live: np.ndarray, actions: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if self.t[live].max() >= self.u.shape[1]:
            self._draw()
        u = self.u[live, self.t[live]]
        self.t[live] += 1
        s, a = self.s[live], np.asarray(actions, np.int64)
        cdf = self.cdf[s, a]
        i = np.minimum((u[:, None] >= cdf).sum(axis=1), cdf.shape[1] - 1)
        nxt = self.next[s, a, i]
        self.s[live] = nxt
        return nxt.copy(), self.reward[s, a, i], self.done[s, a, i], np.zeros(len(live), bool)

    def close(self) -> None:
        pass


def make_batch(env: Any, n: int, env_kwargs: dict | None = None, native: bool = True) -> Any:
    """The fastest batch for ``env``: natively vectorized CartPole, toy-text tables stepped
    from ``P``, else a list of environments."""
    if native and isinstance(env, str) and env in _NATIVE_CARTPOLE and not env_kwargs:
        return CartPoleBatch(env, n)
    if native and TableBatch.supports(env, env_kwargs):
        return TableBatch(env, n, env_kwargs)
    return EnvBatch(env, n, env_kwargs)
