"""Vectorized rollouts: K sessions stepped together, one batched policy forward per step.

Every session is fully determined by its own seed: the environment is reset with
a seed drawn from it and the exploration noise for all its steps comes from its
own generator. So a session's trajectory does not depend on which other
sessions share its batch, which lets the Ray backend split sessions across
workers and still reproduce the local returns exactly.

A session ends exactly at its own termination or truncation (the time limit
``max_steps`` or the environment's own ``truncated``); finished sessions are
never stepped again (or, in a natively vectorized environment, their
auto-reset observations are never recorded).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

import numnet
from numnet.rl.batches import make_batch
from numnet.rl.policy import ObsScaler, mixture_probs, noisy_actions, sample_from_probs

__all__ = [
    "Sessions", "session_seeds", "DiscreteActor", "ContinuousActor", "forward_rows", "play",
    "LocalRunner",
]  # fmt: skip


@dataclass
class Sessions:
    """Finished sessions: per-session arrays plus returns and lengths.

    Attributes
    ----------
    observations : list of (T_k, obs_dim) float32 arrays
        The states the session acted in (never the state after its last step).
    actions : list of (T_k,) int64 or (T_k, m) float32 arrays
    returns : (K,) float64
        G(τ_k), the undiscounted sum of rewards.
    lengths : (K,) int64
        T_k, the number of steps taken.
    terminated : (K,) bool
        Whether the session ended by termination (else by truncation).
    """

    observations: list[np.ndarray]
    actions: list[np.ndarray]
    returns: np.ndarray
    lengths: np.ndarray
    terminated: np.ndarray

    @staticmethod
    def concatenate(parts: Sequence[Sessions]) -> Sessions:
        """Join session groups in order (the Ray backend's chunks)."""
        return Sessions(
            [o for p in parts for o in p.observations],
            [a for p in parts for a in p.actions],
            np.concatenate([p.returns for p in parts]),
            np.concatenate([p.lengths for p in parts]),
            np.concatenate([p.terminated for p in parts]),
        )


def session_seeds(seed: int, stream: int, iteration: int, n: int) -> list[np.random.SeedSequence]:
    """One SeedSequence per session, keyed by (stream, iteration, session index).

    ``stream`` separates training sessions (0) from evaluation episodes (1).

    >>> a = session_seeds(0, 0, 3, 2)[1].generate_state(1)
    >>> b = session_seeds(0, 0, 3, 5)[1].generate_state(1)
    >>> bool((a == b).all())
    True
    """
    return [
        np.random.SeedSequence(int(seed), spawn_key=(int(stream), int(iteration), k))
        for k in range(n)
    ]


# ------------------------------------------------------------------------- actors
def forward_rows(policy: Any, x: np.ndarray) -> np.ndarray:
    """``policy(x)`` row by row in one call, without building a graph.

    BLAS computes a row of ``X Wᵀ`` differently depending on how many rows the
    matrix has (its kernels block the rows), so the same session would act
    differently in a batch of 100 than in a batch of 50. Feeding ``(n, 1, d)``
    makes NumPy multiply each row on its own: every session's actions depend
    only on its own state, whatever batch (or Ray worker) it is played in.
    """
    with numnet.no_grad():
        return policy(x[:, None, :]).data[:, 0, :]


class DiscreteActor:
    """Acts with ``A ~ (1 − ε) softmax(F(s)) + ε / m`` (or ``argmax F(s)`` when greedy).

    ``noise(rng, T)`` draws the session's uniforms for inverse-CDF sampling.
    """

    def __init__(
        self, policy: Any, scaler: ObsScaler, eps: float = 0.0, greedy: bool = False,
        action_start: int = 0,
    ) -> None:  # fmt: skip
        self.policy, self.scaler, self.eps, self.greedy = policy, scaler, eps, greedy
        self.action_start = action_start

    def noise(self, rng: np.random.Generator, steps: int) -> np.ndarray:
        return rng.random(steps)

    def __call__(self, obs: np.ndarray, noise: np.ndarray, sessions: Any = None) -> np.ndarray:
        logits = forward_rows(self.policy, self.scaler(obs))
        if self.greedy:
            return logits.argmax(axis=1)
        return sample_from_probs(mixture_probs(logits, self.eps), noise)

    def env_action(self, action: np.ndarray) -> np.ndarray:
        return action + self.action_start


class ContinuousActor:
    """Acts with ``A = clip(π(s) + ε ξ, low, high)``, ξ standard Gaussian or uniform on [−1, 1]."""

    def __init__(
        self, policy: Any, scaler: ObsScaler, low: Any, high: Any, eps: float = 0.0,
        noise_type: str = "gaussian", greedy: bool = False,
    ) -> None:  # fmt: skip
        if noise_type not in ("gaussian", "uniform"):
            raise ValueError(f"noise must be 'gaussian' or 'uniform', got {noise_type!r}")
        self.policy, self.scaler, self.eps, self.greedy = policy, scaler, eps, greedy
        self.low = np.asarray(low, np.float32)
        self.high = np.asarray(high, np.float32)
        self.noise_type = noise_type

    def noise(self, rng: np.random.Generator, steps: int) -> np.ndarray:
        shape = (steps, self.low.size)
        if self.noise_type == "gaussian":
            return rng.standard_normal(shape)
        return rng.uniform(-1.0, 1.0, shape)

    def __call__(self, obs: np.ndarray, noise: np.ndarray, sessions: Any = None) -> np.ndarray:
        mean = forward_rows(self.policy, self.scaler(obs))
        eps = 0.0 if self.greedy else self.eps
        return noisy_actions(mean, noise, eps, self.low, self.high)

    def env_action(self, action: np.ndarray) -> np.ndarray:
        return action


# ------------------------------------------------------------------------ rollout
def _as_rows(obs: Any) -> np.ndarray:
    """Observations as float32 rows: a Discrete state index becomes a 1-column row."""
    obs = np.asarray(obs, np.float32)
    return obs[:, None] if obs.ndim == 1 else obs


def play(
    batch: Any,
    actor: Any,
    seeds: Sequence[np.random.SeedSequence],
    max_steps: int,
    on_step: Callable[[int], None] | None = None,
) -> Sessions:
    """Play one episode per seed, all together, until each ends on its own.

    Parameters
    ----------
    batch : EnvBatch or CartPoleBatch
    actor : callable
        ``actor(obs, noise, sessions)`` maps the live sessions' observations
        ``(n_live, obs_dim)``, their noise at this step and their indices to actions;
        ``actor.noise(rng, T)`` draws a session's noise and ``actor.env_action`` maps
        actions to what the environment takes.
    seeds : list of SeedSequence
        One per session: the environment seed and the exploration noise come from it.
    max_steps : int
        Time limit T: a session still running after T steps is truncated.

    Returns
    -------
    Sessions
    """
    n = len(seeds)
    rngs = [np.random.default_rng(s) for s in seeds]
    env_seeds = [int(r.integers(2**31 - 1)) for r in rngs]
    noise = np.stack([actor.noise(r, max_steps) for r in rngs])  # (n, T, ...)
    obs = _as_rows(batch.reset(env_seeds))
    obs_buf = np.empty((max_steps, n, obs.shape[1]), np.float32)
    act_buf: np.ndarray | None = None
    returns = np.zeros(n)
    lengths = np.zeros(n, np.int64)
    terminated_at = np.zeros(n, bool)
    live = np.arange(n)
    for t in range(max_steps):
        actions = actor(obs, noise[live, t], live)
        if act_buf is None:
            act_buf = np.empty((max_steps, n, *actions.shape[1:]), actions.dtype)
        obs_buf[t, live] = obs
        act_buf[t, live] = actions
        next_obs, rewards, terminated, truncated = batch.step(live, actor.env_action(actions))
        returns[live] += rewards
        lengths[live] += 1
        terminated_at[live] = terminated
        done = terminated | truncated
        if t + 1 == max_steps:
            break
        if done.any():
            keep = ~done
            live, next_obs = live[keep], next_obs[keep]
            if live.size == 0:
                break
        obs = _as_rows(next_obs)
    assert act_buf is not None
    return Sessions(
        [obs_buf[: lengths[k], k].copy() for k in range(n)],
        [act_buf[: lengths[k], k].copy() for k in range(n)],
        returns,
        lengths,
        terminated_at,
    )


class LocalRunner:
    """Plays sessions in this process, reusing one environment batch across iterations."""

    def __init__(self, env: Any, n: int, env_kwargs: dict | None = None) -> None:
        self.batch = make_batch(env, n, env_kwargs)

    def run(self, actor: Any, seeds: Sequence[np.random.SeedSequence], max_steps: int) -> Sessions:
        return play(self.batch, actor, seeds, max_steps)

    def close(self) -> None:
        self.batch.close()
