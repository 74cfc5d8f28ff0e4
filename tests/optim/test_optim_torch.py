"""Optimizers against torch.optim: 50-step float64 trajectories agree to rtol 1e-8.

Skipped when torch is not installed.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from numnet.optim import SGD, Adam, AdamW, RMSprop  # noqa: E402

SGD_CASES = [
    dict(lr=0.1),
    dict(lr=0.05, momentum=0.9),
    dict(lr=0.05, momentum=0.9, dampening=0.3),
    dict(lr=0.05, momentum=0.9, nesterov=True),
    dict(lr=0.05, momentum=0.5, weight_decay=0.1),
    dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.05),
    dict(lr=0.01, momentum=0.9, maximize=True),
]
ADAM_CASES = [
    dict(lr=0.01),
    dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6),
    dict(lr=0.01, weight_decay=0.1),
    dict(lr=0.01, amsgrad=True),
    dict(lr=0.01, amsgrad=True, weight_decay=0.05),
    dict(lr=0.01, maximize=True),
]
ADAMW_CASES = [dict(lr=0.01), dict(lr=0.01, weight_decay=0.3), dict(lr=0.01, amsgrad=True)]
RMSPROP_CASES = [
    dict(lr=0.01),
    dict(lr=0.01, alpha=0.9, eps=1e-6),
    dict(lr=0.005, centered=True),
    dict(lr=0.005, momentum=0.9),
    dict(lr=0.005, momentum=0.5, centered=True, weight_decay=0.1),
    dict(lr=0.005, maximize=True),
]
CASES = (
    [(SGD, torch.optim.SGD, kw) for kw in SGD_CASES]
    + [(Adam, torch.optim.Adam, kw) for kw in ADAM_CASES]
    + [(AdamW, torch.optim.AdamW, kw) for kw in ADAMW_CASES]
    + [(RMSprop, torch.optim.RMSprop, kw) for kw in RMSPROP_CASES]
)


def _id(case):
    ours, _, kw = case
    return ours.__name__ + "-" + "-".join(f"{k}={v}" for k, v in kw.items())


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_trajectory_matches_torch(case, compare_with_torch):
    ours, theirs, kw = case
    compare_with_torch(lambda p: ours(p, **kw), lambda p: theirs(p, **kw))


@pytest.mark.parametrize(
    "ours, theirs, kw",
    [
        (SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.9)),
        (Adam, torch.optim.Adam, dict(lr=0.01, amsgrad=True)),
        (RMSprop, torch.optim.RMSprop, dict(lr=0.005, momentum=0.5, centered=True)),
    ],
)
def test_parameter_groups_and_missing_gradients_match_torch(ours, theirs, kw, compare_with_torch):
    """Per-group hyperparameters, and parameters that skip steps (grad None) keep their state."""

    def groups(params):
        return [{"params": params[:2]}, {"params": params[2:], "lr": kw["lr"] / 3}]

    def skip(step):  # b1 gets no gradient on every third step, W2 on steps 5..9
        return ([1] if step % 3 == 0 else []) + ([2] if 5 <= step < 10 else [])

    compare_with_torch(
        lambda p: ours(groups(p), **kw), lambda p: theirs(groups(p), **kw), skip=skip
    )
