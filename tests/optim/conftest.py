"""Fixtures for the optimizer tests: one small regression problem in numnet and in PyTorch.

The problem is a 3-5-2 tanh network with mean squared error on 16 samples,
built from the same float64 values on both sides. ``trajectory`` runs an
optimizer (and optionally a scheduler) on it and returns the parameters after
every step, so a test compares numnet's path with torch's step by step.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import numnet as nn
import numnet.functional as F

SHAPES = [(5, 3), (5,), (2, 5), (2,)]  # W1 (out, in), b1, W2, b2


class Problem:
    """A seeded 3-5-2 tanh regression: initial parameter values, inputs and targets."""

    def __init__(self, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.values = [rng.normal(size=shape) for shape in SHAPES]
        self.x = rng.normal(size=(16, 3))
        self.y = rng.normal(size=(16, 2))

    def params(self, dtype=np.float64) -> list[nn.Tensor]:
        return [nn.Tensor(v.astype(dtype), requires_grad=True) for v in self.values]

    def loss(self, params: list[nn.Tensor]) -> nn.Tensor:
        W1, b1, W2, b2 = params
        x = nn.Tensor(self.x.astype(W1.dtype))
        h = F.tanh(x @ W1.T + b1)
        return F.mse_loss(h @ W2.T + b2, nn.Tensor(self.y.astype(W1.dtype)))

    def torch_params(self):
        import torch

        return [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in self.values]

    def torch_loss(self, params):
        import torch

        W1, b1, W2, b2 = params
        h = torch.tanh(torch.tensor(self.x) @ W1.T + b1)
        return torch.nn.functional.mse_loss(h @ W2.T + b2, torch.tensor(self.y))


@pytest.fixture
def problem() -> Problem:
    return Problem(0)


def _numnet_run(problem, make_optimizer, make_scheduler, steps, skip):
    params = problem.params()
    opt = make_optimizer(params)
    scheduler = make_scheduler(opt) if make_scheduler else None
    path, lrs = [], []
    for step in range(steps):
        opt.zero_grad()
        problem.loss(params).backward()
        for i in skip(step):
            params[i].grad = None
        opt.step()
        if scheduler is not None:
            scheduler.step()
            lrs.append(scheduler.get_last_lr())
        path.append([p.data.copy() for p in params])
    return path, lrs


def _torch_run(problem, make_optimizer, make_scheduler, steps, skip):
    params = problem.torch_params()
    opt = make_optimizer(params)
    scheduler = make_scheduler(opt) if make_scheduler else None
    path, lrs = [], []
    for step in range(steps):
        opt.zero_grad()
        problem.torch_loss(params).backward()
        for i in skip(step):
            params[i].grad = None
        opt.step()
        if scheduler is not None:
            scheduler.step()
            lrs.append(scheduler.get_last_lr())
        path.append([p.detach().numpy().copy() for p in params])
    return path, lrs


@pytest.fixture
def compare_with_torch(problem) -> Callable:
    """Run numnet and torch side by side; assert equal paths (rtol) and learning rates (exact).

    ``skip(step)`` names parameters whose gradient is dropped (set to None) at that step.
    """

    def compare(
        make_numnet,
        make_torch,
        steps=50,
        rtol=1e-8,
        numnet_scheduler=None,
        torch_scheduler=None,
        skip=lambda step: (),
    ):
        ours, our_lrs = _numnet_run(problem, make_numnet, numnet_scheduler, steps, skip)
        theirs, their_lrs = _torch_run(problem, make_torch, torch_scheduler, steps, skip)
        for step, (a, b) in enumerate(zip(ours, theirs)):
            for i, (pa, pb) in enumerate(zip(a, b)):
                np.testing.assert_allclose(
                    pa, pb, rtol=rtol, atol=1e-12, err_msg=f"step {step}, parameter {i}"
                )
        assert our_lrs == their_lrs
        # the test is only meaningful if the parameters moved
        assert not np.allclose(ours[-1][0], problem.values[0])
        return ours, our_lrs

    return compare
