"""The Ray backend: sessions spread over Ray workers, with the local backend's exact returns.

Each worker keeps its own environment batch and plays a contiguous chunk of the
iteration's sessions. Sessions are seeded individually
(:func:`numnet.rl.rollout.session_seeds`), so which worker plays a session
changes nothing: the returns equal the local backend's for the same seed.

Install with ``pip install "numnet[ray]"`` and pass ``backend="ray"`` to
:class:`numnet.rl.CEM` (or ``--backend ray`` to ``numnet cem``). If Ray is not
running yet, ``ray.init()`` is called with ``n_workers`` CPUs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from numnet.rl._gym import require_ray
from numnet.rl.rollout import LocalRunner, Sessions

__all__ = ["RayRunner"]


class _Worker:
    """Runs on a Ray worker: one environment batch reused across iterations."""

    def __init__(self, env: Any, env_kwargs: dict | None) -> None:
        self.env, self.env_kwargs = env, env_kwargs
        self.runner: LocalRunner | None = None

    def run(self, actor: Any, seeds: list, max_steps: int) -> Sessions:
        if self.runner is None:
            self.runner = LocalRunner(self.env, len(seeds), self.env_kwargs)
        return self.runner.run(actor, seeds, max_steps)


class RayRunner:
    """Plays sessions on ``n_workers`` Ray actors; same interface as ``LocalRunner``.

    Parameters
    ----------
    env : str or callable
        Gymnasium id or a picklable factory.
    env_kwargs : dict, optional
    n_workers : int, optional
        Number of Ray actors (default: the cluster's CPU count).
    """

    def __init__(self, env: Any, env_kwargs: dict | None = None, n_workers: int | None = None):
        ray = require_ray()
        self.ray = ray
        if not ray.is_initialized():
            ray.init(num_cpus=n_workers, include_dashboard=False, log_to_driver=False)
        if n_workers is None:
            n_workers = max(int(ray.cluster_resources().get("CPU", 1)), 1)
        if int(n_workers) < 1:
            raise ValueError(f"n_workers must be a positive integer, got {n_workers!r}")
        remote = ray.remote(num_cpus=1)(_Worker)
        self.workers = [remote.remote(env, env_kwargs) for _ in range(int(n_workers))]

    def run(self, actor: Any, seeds: Sequence[np.random.SeedSequence], max_steps: int) -> Sessions:
        chunks = [c for c in np.array_split(np.arange(len(seeds)), len(self.workers)) if c.size]
        actor_ref = self.ray.put(actor)
        futures = [
            worker.run.remote(actor_ref, [seeds[i] for i in chunk], max_steps)
            for worker, chunk in zip(self.workers, chunks)
        ]
        return Sessions.concatenate(self.ray.get(futures))

    def close(self) -> None:
        for worker in self.workers:
            self.ray.kill(worker)
        self.workers = []
