"""The training loop: regimes against hand-written loops, callbacks, guards, bad input."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import numnet
from numnet import nn, optim
from numnet.data import as_loader
from numnet.train import (
    Callback,
    CSVLogger,
    EarlyStopping,
    JSONLLogger,
    LearningRateScheduler,
    ModelCheckpoint,
    Trainer,
    fit,
)


def blobs(n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = (X[:, 0] ** 2 + X[:, 1] ** 2 > 1.2).astype(np.int64)
    return X, y


def mlp(seed=0, dtype=np.float64, dropout=0.0):
    rng = np.random.default_rng(seed)
    layers = [nn.Linear(2, 8, rng=rng, dtype=dtype), nn.Tanh()]
    if dropout:
        layers.append(nn.Dropout(dropout, rng=np.random.default_rng(seed + 1)))
    layers.append(nn.Linear(8, 2, rng=rng, dtype=dtype))
    return nn.Sequential(*layers)


def weights(model):
    return {k: v.copy() for k, v in model.state_dict().items()}


def assert_same(a, b):
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def test_minibatch_equals_hand_loop_bit_for_bit():
    X, y = blobs()
    model, reference = mlp(), mlp()
    history = fit(
        model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=0.01), (X, y),
        epochs=3, batch_size=16, seed=7, progress=False,
    )  # fmt: skip
    loss_fn, opt = nn.CrossEntropyLoss(), optim.Adam(reference.parameters(), lr=0.01)
    loader = as_loader((X, y), batch_size=16, shuffle=True, seed=7)
    for epoch in range(3):
        total = 0.0
        for Xb, yb in loader.batches(epoch):
            opt.zero_grad()
            loss = loss_fn(reference(Xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(Xb)
        assert history["loss"][epoch] == pytest.approx(total / len(X), rel=1e-12)
    assert_same(weights(model), weights(reference))
    assert history.epoch == [0, 1, 2]


def test_shuffle_changes_the_order_each_epoch():
    loader = as_loader(blobs(), batch_size=120, shuffle=True, seed=1)
    (X0, _), (X1, _) = next(loader.batches(0)), next(loader.batches(1))
    assert not np.array_equal(X0, X1)


def test_full_batch_accumulates_chunks_into_the_full_gradient():
    """One epoch of "full" = one step on the mean loss over all rows, chunk size irrelevant."""
    X, y = blobs(103)
    chunked, whole = mlp(), mlp()
    fit(chunked, "cross_entropy", optim.SGD(chunked.parameters(), lr=0.5), (X, y),
        epochs=1, batch_size=10, regime="full", progress=False)  # fmt: skip
    opt = optim.SGD(whole.parameters(), lr=0.5)
    nn.CrossEntropyLoss()(whole(X), y).backward()
    opt.step()
    for key, value in weights(whole).items():
        np.testing.assert_allclose(weights(chunked)[key], value, rtol=1e-12, atol=1e-15)


def test_full_batch_takes_one_step_per_epoch_and_stochastic_one_per_sample():
    X, y = blobs(20)
    for regime, steps in (("full", 3), ("stochastic", 60), ("minibatch", 3 * 3)):
        model = mlp()
        opt = optim.Adam(model.parameters(), lr=0.01)
        fit(model, "cross_entropy", opt, (X, y), epochs=3, batch_size=8, regime=regime,
            progress=False)  # fmt: skip
        assert opt.state_dict()["state"][0]["step"] == steps, regime


def test_penalties_match_a_hand_loop():
    X, y = blobs()
    model, reference = mlp(), mlp()
    fit(model, "cross_entropy", optim.SGD(model.parameters(), lr=0.1), (X, y), epochs=2,
        batch_size=40, shuffle=False, l1=1e-3, l2=1e-2, progress=False)  # fmt: skip
    opt = optim.SGD(reference.parameters(), lr=0.1)
    for _ in range(2):
        for start in range(0, 120, 40):
            opt.zero_grad()
            Xb, yb = X[start : start + 40], y[start : start + 40]
            loss = nn.CrossEntropyLoss()(reference(Xb), yb)
            loss = loss + optim.l1_penalty(reference.parameters(), 1e-3)
            loss = loss + optim.l2_penalty(reference.parameters(), 1e-2)
            loss.backward()
            opt.step()
    assert_same(weights(model), weights(reference))
    assert np.all(weights(model)["0.bias"] != 0)  # biases are not shrunk to zero


def test_regression_targets_are_shaped_to_the_output():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.3
    model = nn.Sequential(nn.Linear(3, 1, rng=rng))
    history = fit(model, "mse", "sgd", (X, y), lr=0.1, epochs=30, batch_size=20,
                  metrics=["mae", "r2"], progress=False)  # fmt: skip
    assert history["loss"][-1] < 1e-6
    assert history["r2"][-1] > 0.999999


def test_metrics_and_validation_logs():
    X, y = blobs(200)
    model = mlp()
    history = fit(model, "cross_entropy", "adam", (X, y), lr=0.05, epochs=5, batch_size=32,
                  validation_split=0.25, metrics=["accuracy"], progress=False)  # fmt: skip
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy", "lr"}
    trainer = Trainer(model, "cross_entropy", "adam", metrics=["accuracy"], progress=False)
    logs = trainer.evaluate((X, y))
    predicted = trainer.predict(X).argmax(axis=1)
    assert logs["accuracy"] == pytest.approx(np.mean(predicted == y))
    assert all(0.0 <= a <= 1.0 for a in history["val_accuracy"])
    assert history["lr"] == [0.05] * 5


def test_validation_split_is_random_and_sized():
    from numnet.train.trainer import _split

    X = np.arange(40.0).reshape(20, 2)
    y = np.arange(20)
    (Xt, yt), (Xv, yv) = _split((X, y), 0.25, seed=3)
    assert len(yv) == 5 and len(yt) == 15
    assert sorted(np.concatenate([yt, yv]).tolist()) == list(range(20))
    assert yv.tolist() != list(range(15, 20))
    np.testing.assert_array_equal(Xv[:, 0], 2 * yv)


def test_early_stopping_stops_and_restores_the_best_weights():
    X, y = blobs(200)

    class Record(Callback):
        def __init__(self):
            self.snapshots = []

        def on_epoch_end(self, trainer, epoch, logs):
            self.snapshots.append(weights(trainer.model))

    record = Record()
    stop = EarlyStopping(monitor="val_loss", patience=2)
    model = mlp()
    # A learning rate this large makes the validation loss bounce, so patience runs out.
    history = fit(model, "cross_entropy", "sgd", (X, y), lr=3.0, epochs=200, batch_size=8,
                  validation_split=0.5, callbacks=[record, stop], progress=False)  # fmt: skip
    assert len(history) < 200
    assert "early stopping" in history.stop_reason
    best_epoch, best_value = history.best("val_loss")
    assert stop.best_epoch == best_epoch and stop.best == best_value
    assert len(history) == best_epoch + 1 + 2
    assert_same(weights(model), record.snapshots[best_epoch])


def test_early_stopping_names_missing_keys():
    X, y = blobs()
    with pytest.raises(ValueError, match=r"'val_loss'.*validation_split"):
        fit(mlp(), "cross_entropy", "adam", (X, y), epochs=2, callbacks=[EarlyStopping()],
            progress=False)  # fmt: skip


def test_model_checkpoint_keeps_the_best(tmp_path):
    X, y = blobs(200)
    path = tmp_path / "best.safetensors"
    checkpoint = ModelCheckpoint(path, monitor="val_loss")

    class Record(Callback):
        snapshots: list = []

        def on_epoch_end(self, trainer, epoch, logs):
            self.snapshots.append(weights(trainer.model))

    record = Record()
    history = fit(mlp(), "cross_entropy", "sgd", (X, y), lr=3.0, epochs=12, batch_size=8,
                  validation_split=0.5, callbacks=[record, checkpoint], progress=False)  # fmt: skip
    best_epoch, _ = history.best("val_loss")
    assert_same(weights(numnet.load(path)), record.snapshots[best_epoch])
    assert [p.name for p in tmp_path.iterdir()] == ["best.safetensors"]


def test_model_checkpoint_every_epoch_formats_the_name(tmp_path):
    X, y = blobs()
    pattern = str(tmp_path / "m-{epoch:02d}-{loss:.2f}.safetensors")
    history = fit(mlp(), "cross_entropy", "adam", (X, y), epochs=3, progress=False,
                  callbacks=[ModelCheckpoint(pattern, save_best_only=False)])  # fmt: skip
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"m-{e + 1:02d}-{history['loss'][e]:.2f}.safetensors" for e in range(3)]


def test_scheduler_callback_and_lr_log():
    X, y = blobs()
    model = mlp()
    opt = optim.SGD(model.parameters(), lr=0.1)
    scheduler = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    history = fit(model, "cross_entropy", opt, (X, y), epochs=5, progress=False,
                  callbacks=[LearningRateScheduler(scheduler)])  # fmt: skip
    assert history["lr"] == [0.1, 0.1, 0.05, 0.05, 0.025]


def test_plateau_scheduler_reads_the_monitored_value():
    X, y = blobs()
    model = mlp()
    opt = optim.SGD(model.parameters(), lr=0.1)
    plateau = optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, factor=0.5, threshold=10.0)
    history = fit(model, "cross_entropy", opt, (X, y), epochs=3, progress=False,
                  callbacks=[LearningRateScheduler(plateau, monitor="loss")])  # fmt: skip
    assert history["lr"] == [0.1, 0.05, 0.025]


def test_csv_and_jsonl_logs_equal_the_history(tmp_path):
    X, y = blobs()
    history = fit(mlp(), "cross_entropy", "adam", (X, y), epochs=3, metrics=["accuracy"],
                  progress=False, callbacks=[CSVLogger(tmp_path / "log.csv"),
                                             JSONLLogger(tmp_path / "log.jsonl")])  # fmt: skip
    rows = (tmp_path / "log.csv").read_text().splitlines()
    assert rows[0] == "epoch,loss,accuracy,lr"
    assert [float(v) for v in rows[2].split(",")[1:]] == [
        history[k][1] for k in ("loss", "accuracy", "lr")
    ]
    records = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert [r["epoch"] for r in records] == [1, 2, 3]
    assert [r["loss"] for r in records] == history["loss"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.csv", "log.jsonl"]


def test_nan_guard_stops_before_the_bad_step_and_keeps_finite_weights():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 3)) * 100
    y = rng.normal(size=64) * 100
    model = nn.Sequential(nn.Linear(3, 1, rng=rng, dtype=np.float64))
    history = fit(model, "mse", "sgd", (X, y), lr=10.0, epochs=50, batch_size=8,
                  progress=False)  # fmt: skip
    assert history.stop_reason.startswith("stopped: the loss became")
    assert len(history) < 50
    assert all(np.isfinite(v).all() for v in weights(model).values())
    assert all(math.isfinite(v) for v in history["loss"])


def test_plain_progress_prints_one_line_per_epoch(capsys):
    X, y = blobs()
    fit(mlp(), "cross_entropy", "adam", (X, y), epochs=3, metrics=["accuracy"])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("epoch 1/3  loss ") and "accuracy" in lines[0]
    assert "samples/s" in lines[-1]


def test_rich_progress_bar_draws(tmp_path):
    import io

    from numnet.train import ProgressBar

    X, y = blobs()
    buffer = io.StringIO()
    trainer = Trainer(mlp(), "cross_entropy", "adam", progress=False,
                      callbacks=[ProgressBar(file=buffer, live=True)])  # fmt: skip
    trainer.fit((X, y), epochs=2)
    text = buffer.getvalue()
    assert "epoch 2/2" in text and "samples/s" in text


def test_model_mode_is_restored():
    X, y = blobs()
    model = mlp(dropout=0.5)
    model.eval()
    fit(model, "cross_entropy", "adam", (X, y), epochs=1, progress=False)
    assert not model.training


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"regime": "batch"}, "regime must be one of minibatch, stochastic, full"),
        ({"epochs": -1}, "epochs must be an int >= 0"),
        ({"validation_split": 1.5}, r"validation_split must be a float in \(0, 1\)"),
        ({"l2": -1.0}, "l2 must be a finite number >= 0"),
        ({"loss": "crossentropy"}, "unknown loss 'crossentropy'; expected one of"),
        ({"optimizer": "adamax"}, "unknown optimizer 'adamax'"),
        ({"metrics": ["accuracyy"]}, "accuracyy"),
    ],
)
def test_bad_arguments(kwargs, message):
    X, y = blobs()
    model = mlp()
    arguments = {"loss": "cross_entropy", "optimizer": "adam", "data": (X, y), "epochs": 1,
                 "progress": False, **kwargs}  # fmt: skip
    with pytest.raises(ValueError, match=message):
        fit(model, **arguments)


def test_lr_with_an_optimizer_object_is_refused():
    model = mlp()
    with pytest.raises(ValueError, match="lr is only used with an optimizer name"):
        Trainer(model, "mse", optim.SGD(model.parameters(), lr=0.1), lr=0.5)
