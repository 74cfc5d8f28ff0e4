"""fit drives closure optimizers (L-BFGS): exact least squares, hand-written loops, guards."""

from __future__ import annotations

import math
import signal

import numpy as np
import pytest

import numnet.functional as F
from numnet import nn, optim
from numnet.data import as_loader
from numnet.train import Callback, Trainer, fit


def regression(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.3 + 0.1 * rng.normal(size=n)
    return X, y


def blobs(n=90, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = (X[:, 0] ** 2 + X[:, 1] ** 2 > 1.2).astype(np.int64)
    return X, y


def mlp(seed=0):
    rng = np.random.default_rng(seed)
    return nn.Sequential(
        nn.Linear(2, 6, rng=rng, dtype=np.float64), nn.Tanh(),
        nn.Linear(6, 2, rng=rng, dtype=np.float64),
    )  # fmt: skip


def weights(model):
    return {k: v.copy() for k, v in model.state_dict().items()}


def assert_same(a, b):
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


@pytest.mark.parametrize("batch_size", [60, 7])
def test_full_regime_reaches_the_least_squares_solution(batch_size):
    X, y = regression()
    model = nn.Linear(3, 1, dtype=np.float64, rng=0)
    initial = np.mean((X @ model.weight.data[0] + model.bias.data[0] - y) ** 2)
    opt = optim.LBFGS(model.parameters(), max_iter=100, gtol=1e-12, ftol=1e-15)
    history = fit(model, "mse", opt, (X, y), epochs=2, batch_size=batch_size, regime="full",
                  progress=False)  # fmt: skip
    A = np.column_stack([X, np.ones(len(X))])
    solution, *_ = np.linalg.lstsq(A, y, rcond=None)
    found = np.append(model.weight.data[0], model.bias.data)
    np.testing.assert_allclose(found, solution, rtol=0, atol=1e-8)
    # The logged loss is the data loss where each epoch's step starts.
    assert history["loss"][0] == pytest.approx(initial, rel=1e-12)
    assert history["loss"][1] == pytest.approx(np.mean((A @ solution - y) ** 2), rel=1e-9)
    assert opt.last_result.success


def test_full_regime_equals_a_hand_written_closure_loop_bit_for_bit():
    X, y = blobs()
    model, reference = mlp(), mlp()
    history = fit(model, "cross_entropy", optim.LBFGS(model.parameters(), max_iter=5), (X, y),
                  epochs=3, batch_size=len(X), regime="full", l2=1e-3, seed=4,
                  progress=False)  # fmt: skip
    opt = optim.LBFGS(reference.parameters(), max_iter=5)
    loader = as_loader((X, y), batch_size=len(X), shuffle=True, seed=4)
    for epoch in range(3):
        Xb, yb = next(loader.batches(epoch))
        first = []

        def closure(Xb=Xb, yb=yb, first=first):
            opt.zero_grad()
            loss = nn.CrossEntropyLoss()(reference(Xb), yb)
            first.append(loss.item())
            total = loss + optim.l2_penalty(reference.parameters(), 1e-3)
            total.backward()
            return total

        opt.step(closure)
        assert history["loss"][epoch] == first[0]
    assert_same(weights(model), weights(reference))


def test_minibatch_regime_gives_each_batch_its_own_closure():
    X, y = blobs()
    model, reference = mlp(), mlp()
    history = fit(model, "cross_entropy", optim.LBFGS(model.parameters(), max_iter=3), (X, y),
                  epochs=2, batch_size=32, seed=1, progress=False)  # fmt: skip
    opt = optim.LBFGS(reference.parameters(), max_iter=3)
    loader = as_loader((X, y), batch_size=32, shuffle=True, seed=1)
    for epoch in range(2):
        total = 0.0
        for Xb, yb in loader.batches(epoch):

            def closure(Xb=Xb, yb=yb):
                opt.zero_grad()
                loss = nn.CrossEntropyLoss()(reference(Xb), yb)
                loss.backward()
                return loss

            total += opt.step(closure).item() * len(Xb)
        assert history["loss"][epoch] == pytest.approx(total / len(X), rel=1e-12)
    assert_same(weights(model), weights(reference))


class ClosureSGD(optim.SGD):
    """SGD that insists on a closure, as a third-party optimizer marked requires_closure."""

    requires_closure = True

    def step(self, closure=None):
        if closure is None:
            raise AssertionError("fit did not pass a closure")
        loss = closure()
        super().step()
        return loss


@pytest.mark.parametrize(("regime", "batch_size"), [("minibatch", 16), ("full", 25)])
def test_requires_closure_attribute_is_honoured_and_equals_plain_steps(regime, batch_size):
    X, y = blobs()
    model, reference = mlp(), mlp()
    kwargs = {"epochs": 3, "batch_size": batch_size, "regime": regime, "l1": 1e-3,
              "progress": False}  # fmt: skip
    closed = fit(model, "cross_entropy", ClosureSGD(model.parameters(), lr=0.3), (X, y), **kwargs)
    plain = fit(reference, "cross_entropy", optim.SGD(reference.parameters(), lr=0.3), (X, y),
                **kwargs)  # fmt: skip
    assert closed.history == plain.history
    assert_same(weights(model), weights(reference))


def test_nan_guard_stops_before_the_first_lbfgs_step():
    rng = np.random.default_rng(0)
    X = (rng.normal(size=(32, 3)) * 1e30).astype(np.float32)  # the MSE overflows float32
    y = rng.normal(size=32).astype(np.float32)
    model = nn.Sequential(nn.Linear(3, 1, rng=rng))
    before = weights(model)
    history = fit(model, "mse", optim.LBFGS(model.parameters()), (X, y), epochs=3,
                  regime="full", batch_size=8, progress=False)  # fmt: skip
    assert history.stop_reason.startswith("stopped: the loss became inf at epoch 1, batch 1")
    assert len(history) == 0
    assert_same(weights(model), before)


def test_a_non_finite_trial_point_of_the_line_search_is_left_to_lbfgs():
    """L-BFGS-B backtracks from a trial point where the loss is inf; the run goes on."""
    model = nn.Linear(1, 1, bias=False, dtype=np.float64, rng=0)
    model.weight.data[...] = 0.0
    trials = []

    def barrier_loss(output, target):  # (w − 3)², infinite beyond w = 2
        w = float(model.weight.data[0, 0])
        trials.append(w)
        loss = F.mse_loss(output, target)
        return loss * math.inf if w > 2 else loss

    history = fit(model, barrier_loss, optim.LBFGS(model.parameters()),
                  (np.ones((4, 1)), np.full(4, 3.0)), epochs=2, regime="full",
                  progress=False)  # fmt: skip
    assert history.stop_reason is None and len(history) == 2
    assert max(trials) > 2  # the line search did try infinite points
    assert all(math.isfinite(v) for v in history["loss"])
    assert history["loss"][1] < history["loss"][0]
    assert 0 < model.weight.data[0, 0] <= 2


class CtrlC(Callback):
    """Sends SIGINT, as a user's Ctrl-C would, at the end of epoch ``epoch``'s step."""

    def __init__(self, epoch):
        self.epoch, self.current = epoch, None

    def on_epoch_begin(self, trainer, epoch):
        self.current = epoch

    def on_batch_end(self, trainer, batch, logs):
        if self.current == self.epoch:
            signal.raise_signal(signal.SIGINT)


def lbfgs_trainer(extra=()):
    model = mlp(3)
    opt = optim.LBFGS(model.parameters(), max_iter=4, history_size=5)
    return Trainer(model, "cross_entropy", opt, metrics=["accuracy"], callbacks=list(extra),
                   l2=1e-3, progress=False)  # fmt: skip


@pytest.mark.parametrize("regime", ["full", "minibatch"])
def test_interrupted_then_resumed_equals_uninterrupted(tmp_path, regime):
    X, y = blobs()
    kwargs = {"epochs": 4, "batch_size": 40, "regime": regime, "seed": 2,
              "validation_data": blobs(30, seed=1)}  # fmt: skip
    full = lbfgs_trainer([CtrlC(-1)])
    expected = full.fit((X, y), **kwargs)

    path = tmp_path / "lbfgs.ckpt"
    interrupted = lbfgs_trainer([CtrlC(1)])
    partial = interrupted.fit((X, y), checkpoint=path, **kwargs)
    assert partial.stop_reason.startswith("interrupted (Ctrl-C) at epoch 2")
    assert len(partial) == 1

    resumed = lbfgs_trainer([CtrlC(-1)])
    history = resumed.fit((X, y), resume=path, **kwargs)
    assert history.stop_reason is None
    # The lr column is NaN (L-BFGS has no lr): compare with NaN equal to NaN.
    np.testing.assert_equal(history.history, expected.history)
    assert_same(weights(resumed.model), weights(full.model))
