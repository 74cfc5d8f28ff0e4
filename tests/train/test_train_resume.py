"""Ctrl-C stops after the current step and writes a checkpoint; resume continues bit for bit."""

from __future__ import annotations

import signal

import numpy as np
import pytest

from numnet import nn, optim
from numnet.serialization import SerializationError
from numnet.train import Callback, EarlyStopping, LearningRateScheduler, Trainer


def data(n=150, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    y = (X[:, 0] - X[:, 1] * X[:, 2] > 0).astype(np.int64)
    return X, y


def build(seed=0):
    """Dropout (a model generator), Adam (optimizer state), StepLR, EarlyStopping (best weights)."""
    rng = np.random.default_rng(seed)
    model = nn.Sequential(
        nn.Linear(4, 16, rng=rng, dtype=np.float64),
        nn.ReLU(),
        nn.Dropout(0.2, rng=np.random.default_rng(seed + 1)),
        nn.Linear(16, 2, rng=rng, dtype=np.float64),
    )
    opt = optim.Adam(model.parameters(), lr=0.02)
    scheduler = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.7)
    callbacks = [EarlyStopping(monitor="val_loss", patience=50), LearningRateScheduler(scheduler)]
    trainer = Trainer(model, "cross_entropy", opt, metrics=["accuracy"], callbacks=callbacks,
                      progress=False)  # fmt: skip
    return trainer


class CtrlC(Callback):
    """Sends SIGINT, as a user's Ctrl-C would, after batch ``batch`` of epoch ``epoch``."""

    def __init__(self, epoch, batch):
        self.epoch, self.batch, self.current = epoch, batch, None

    def on_epoch_begin(self, trainer, epoch):
        self.current = epoch

    def on_batch_end(self, trainer, batch, logs):
        if (self.current, batch) == (self.epoch, self.batch):
            signal.raise_signal(signal.SIGINT)


def run(trainer, **kwargs):
    X, y = data()
    Xv, yv = data(60, seed=1)
    return trainer.fit((X, y), epochs=6, batch_size=16, validation_data=(Xv, yv), seed=3,
                       **kwargs)  # fmt: skip


@pytest.mark.parametrize(("epoch", "batch"), [(2, 4), (0, 0), (3, 9)])
def test_interrupted_then_resumed_equals_uninterrupted(tmp_path, epoch, batch):
    full = build()
    expected = run(full)

    path = tmp_path / "run.ckpt"
    interrupted = build()
    interrupted.callbacks.append(CtrlC(epoch, batch))
    partial = run(interrupted, checkpoint=path)
    assert partial.stop_reason.startswith(f"interrupted (Ctrl-C) at epoch {epoch + 1}")
    assert len(partial) == epoch
    # Ctrl-C leaves the best weights seen in the model (EarlyStopping restore_best).
    if epoch:
        best = interrupted.callbacks[0].best_weights
        for key, value in interrupted.model.state_dict().items():
            np.testing.assert_array_equal(value, best[key])

    resumed = build()
    resumed.callbacks.append(CtrlC(-1, -1))  # same callback list, never fires
    history = run(resumed, resume=path)
    assert history.history == expected.history
    assert history.stop_reason is None
    for key, value in full.model.state_dict().items():
        np.testing.assert_array_equal(resumed.model.state_dict()[key], value, err_msg=key)


def test_the_default_handler_is_restored(tmp_path):
    before = signal.getsignal(signal.SIGINT)
    run(build(), checkpoint=tmp_path / "c.ckpt")
    assert signal.getsignal(signal.SIGINT) is before


def test_resume_with_other_settings_is_refused(tmp_path):
    path = tmp_path / "run.ckpt"
    run(build(), checkpoint=path)
    trainer = build()
    X, y = data()
    with pytest.raises(ValueError, match=r"batch_size=16, this run has batch_size=8"):
        trainer.fit((X, y), epochs=6, batch_size=8, seed=3, resume=path)


def test_resume_from_a_model_file_is_refused(tmp_path):
    import numnet

    trainer = build()
    numnet.save(trainer.model, tmp_path / "model.safetensors")
    X, y = data()
    with pytest.raises(SerializationError, match="model.safetensors"):
        trainer.fit((X, y), epochs=2, resume=tmp_path / "model.safetensors")
