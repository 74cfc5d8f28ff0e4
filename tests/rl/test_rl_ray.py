"""The Ray backend gives the local backend's returns for the same seeds (local ray.init(2))."""

from __future__ import annotations

import numpy as np
import pytest

from numnet.rl import CEM

ray = pytest.importorskip("ray")
pytest.importorskip("gymnasium")


@pytest.fixture(scope="module")
def local_ray():
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    if started:
        ray.shutdown()


@pytest.mark.parametrize(
    "env_id, kwargs",
    [("CartPole-v1", {}), ("Pendulum-v1", {"eps": 0.5, "max_steps": 40})],
)
def test_ray_backend_equals_local_backend(local_ray, env_id, kwargs):
    common = dict(n_sessions=9, n_iterations=3, seed=11, **kwargs)
    local = CEM(env_id, backend="local", **common).fit()
    remote = CEM(env_id, backend="ray", n_workers=2, **common).fit()
    for a, b in zip(local.history_, remote.history_, strict=True):
        assert a["mean"] == b["mean"] and a["max"] == b["max"] and a["threshold"] == b["threshold"]
    for key, value in local.policy_.state_dict().items():
        np.testing.assert_array_equal(value, remote.policy_.state_dict()[key])
