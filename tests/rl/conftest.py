"""Fixtures for the numnet.rl tests: tiny deterministic Gymnasium environments."""

from __future__ import annotations

import numpy as np
import pytest

gym = pytest.importorskip("gymnasium")


class CountdownEnv(gym.Env):
    """Observation = [step, seed-derived length]; terminates after ``3 + seed % 7`` steps.

    Reward 1 per step, so the return equals the length; the time limit of the
    rollout truncates longer episodes.
    """

    def __init__(self, continuous: bool = False, constant: int | None = None) -> None:
        self.observation_space = gym.spaces.Box(-np.inf, np.inf, (2,), np.float32)
        if continuous:
            self.action_space = gym.spaces.Box(-1.0, 1.0, (1,), np.float32)
        else:
            self.action_space = gym.spaces.Discrete(2)
        self.constant = constant
        self.t = 0
        self.length = 0

    def _obs(self) -> np.ndarray:
        return np.array([self.t, self.length], np.float32)

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self.t = 0
        self.length = self.constant if self.constant is not None else 3 + int(seed) % 7
        return self._obs(), {}

    def step(self, action):
        assert self.t < self.length, "stepped after the episode ended"
        self.t += 1
        return self._obs(), 1.0, self.t >= self.length, False, {}


@pytest.fixture
def countdown_env():
    """The CountdownEnv class (a factory: ``countdown_env(continuous=True)``)."""
    return CountdownEnv
