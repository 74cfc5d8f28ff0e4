"""Schedulers against torch.optim.lr_scheduler: equal learning rates, float for float.

Each scheduler drives an optimizer for 50 steps on the shared problem; the
parameter paths agree to rtol 1e-8 and the learning rates exactly.
Skipped when torch is not installed.
"""

from __future__ import annotations

import warnings

import pytest

torch = pytest.importorskip("torch")
from torch.optim import lr_scheduler as torch_sched  # noqa: E402

from numnet.optim import SGD, Adam, lr_scheduler  # noqa: E402

SCHEDULERS = [
    ("StepLR", dict(step_size=7, gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.95)),
    ("CosineAnnealingLR", dict(T_max=20)),  # 50 steps: down, up and down again
    ("CosineAnnealingLR", dict(T_max=15, eta_min=0.001)),
    ("LinearLR", dict(start_factor=0.2, total_iters=10)),
    ("LinearLR", dict(start_factor=1.0, end_factor=0.1, total_iters=30)),
]


@pytest.mark.parametrize("name, kw", SCHEDULERS, ids=[f"{n}-{kw}" for n, kw in SCHEDULERS])
@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
def test_scheduler_drives_optimizer_like_torch(name, kw, optimizer, compare_with_torch):
    ours, theirs = getattr(lr_scheduler, name), getattr(torch_sched, name)
    if optimizer == "SGD":
        make = (
            (lambda p: SGD(p, lr=0.05, momentum=0.9)),
            (lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
        )
    else:
        make = (lambda p: Adam(p, lr=0.02)), (lambda p: torch.optim.Adam(p, lr=0.02))
    _, lrs = compare_with_torch(
        *make,
        numnet_scheduler=lambda opt: ours(opt, **kw),
        torch_scheduler=lambda opt: theirs(opt, **kw),
    )
    assert len(set(lr[0] for lr in lrs)) > 1  # the schedule did change the rate


def _torch_lrs_with_plateau(metrics, kw, groups):
    params = [torch.zeros(1, requires_grad=True) for _ in range(groups)]
    opt = torch.optim.SGD([{"params": [p], "lr": 1.0 / (i + 1)} for i, p in enumerate(params)])
    scheduler = torch_sched.ReduceLROnPlateau(opt, **kw)
    lrs = []
    for metric in metrics:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scheduler.step(metric)
        lrs.append(scheduler.get_last_lr())
    return lrs


def _our_lrs_with_plateau(metrics, kw, groups):
    import numnet as nn

    params = [nn.Tensor([0.0], requires_grad=True) for _ in range(groups)]
    opt = SGD([{"params": [p], "lr": 1.0 / (i + 1)} for i, p in enumerate(params)])
    scheduler = lr_scheduler.ReduceLROnPlateau(opt, **kw)
    lrs = []
    for metric in metrics:
        scheduler.step(metric)
        lrs.append(scheduler.get_last_lr())
    return lrs


PLATEAU = [
    dict(),
    dict(factor=0.5, patience=2),
    dict(factor=0.5, patience=1, cooldown=2),
    dict(mode="max", factor=0.3, patience=0),
    dict(factor=0.5, patience=0, threshold=0.1, threshold_mode="abs"),
    dict(mode="max", factor=0.5, patience=1, threshold=0.05, threshold_mode="abs"),
    dict(factor=0.1, patience=0, min_lr=0.002),
    dict(factor=0.5, patience=0, min_lr=[0.3, 0.01]),
    dict(factor=0.9, patience=0, eps=0.05),
]


@pytest.mark.parametrize("kw", PLATEAU, ids=[str(kw) for kw in PLATEAU])
def test_reduce_lr_on_plateau_like_torch(kw, rng):
    # a noisy, mostly flat metric with a few improvements: every branch gets exercised
    metrics = list(3.0 - 0.02 * rng.integers(0, 3, size=60).cumsum() * (rng.random(60) < 0.3))
    metrics = [float(m + 0.01 * rng.standard_normal()) for m in metrics]
    ours = _our_lrs_with_plateau(metrics, kw, groups=2)
    assert ours == _torch_lrs_with_plateau(metrics, kw, groups=2)
    assert ours[-1] != ours[0]
