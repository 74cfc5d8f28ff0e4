"""numnet.save / load and checkpoints: bit-exact round trips, atomic writes, clear errors."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from safetensors.numpy import save_file

import numnet
from numnet import nn, optim
from numnet.serialization import SerializationError


def every_layer(dtype=np.float32) -> nn.Sequential:
    """One of every built-in module that can sit in a Sequential, trained a little."""
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(6, 8, rng=0, dtype=dtype),
        nn.BatchNorm1d(8, momentum=None, dtype=dtype),
        nn.PReLU(8, init=0.1, dtype=dtype),
        nn.Dropout(0.25, mode="classic", rng=1),
        nn.GaussianNoise(0.1, rng=2),
        nn.Linear(8, 8, bias=False, rng=3, dtype=dtype),
        nn.ELU(0.5),
        nn.Softplus(2.0),
        nn.Linear(8, 8, rng=4, dtype=dtype),
        nn.Sigmoid(),
        nn.Linear(8, 8, rng=5, dtype=dtype),
        nn.Tanh(),
        nn.ArcTan(),
        nn.ReLU(),
        nn.Identity(),
        nn.BatchNorm1d(8, affine=False, track_running_stats=True, dtype=dtype),
        nn.Linear(8, 3, rng=6, dtype=dtype),
        nn.LogSoftmax(axis=1),
    )


def assert_same_state(a: nn.Module, b: nn.Module) -> None:
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb)
    for name in sa:
        assert sa[name].dtype == sb[name].dtype, name
        assert sa[name].shape == sb[name].shape, name
        assert sa[name].tobytes() == sb[name].tobytes(), name


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_save_load_round_trip_is_bit_exact(tmp_path, dtype):
    model = every_layer(dtype)
    x = np.random.default_rng(0).standard_normal((5, 2, 3)).astype(dtype)
    model(x)  # moves the batch-norm running statistics
    path = numnet.save(model, tmp_path / "model.safetensors")
    loaded = numnet.load(path)
    assert repr(loaded) == repr(model)
    assert_same_state(model, loaded)
    model.eval(), loaded.eval()
    np.testing.assert_array_equal(model(x).data, loaded(x).data)


@pytest.mark.parametrize(
    "module",
    [
        nn.Linear(3, 2, rng=0),
        nn.Linear(3, 2, bias=False, rng=0, dtype=np.float64),
        nn.Flatten(0, 1),
        nn.BatchNorm1d(4, eps=1e-3, momentum=0.2),
        nn.BatchNorm1d(4, affine=False, track_running_stats=False),
        nn.PReLU(),
        nn.Softmax(axis=0),
        nn.Step(),
        nn.Exp(),
        nn.ModuleList([nn.Linear(2, 2, rng=1), nn.Tanh()]),
        nn.MSELoss(reduction="sum"),
        nn.CrossEntropyLoss(weight=[1.0, 2.0], label_smoothing=0.1),
        nn.BCEWithLogitsLoss(pos_weight=[3.0]),
        nn.PoissonNLLLoss(log_input=False, full=True),
        nn.MAPELoss(eps=1e-3),
    ],
    ids=lambda m: type(m).__name__,
)
def test_every_builtin_module_round_trips(tmp_path, module):
    path = numnet.save(module, tmp_path / "m.safetensors")
    loaded = numnet.load(path)
    assert type(loaded) is type(module)
    assert loaded.get_config() == module.get_config()
    assert repr(loaded) == repr(module)
    assert_same_state(module, loaded)


def test_save_writes_atomically_and_keeps_the_old_file_on_failure(tmp_path, monkeypatch):
    path = tmp_path / "model.safetensors"
    numnet.save(nn.Linear(2, 2, rng=0), path)
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        numnet.save(nn.Linear(2, 2, rng=1), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.safetensors"]  # no temp left


def test_truncated_corrupt_and_foreign_files_name_the_file_and_the_problem(tmp_path):
    path = numnet.save(nn.Linear(4, 3, rng=0), tmp_path / "m.safetensors")
    payload = path.read_bytes()

    cases = {
        "empty": b"",
        "short": payload[:5],
        "header cut": payload[:60],
        "data cut": payload[:-4],
        "not safetensors": b"PK\x03\x04 this is a zip file, not weights",
    }
    for name, content in cases.items():
        bad = tmp_path / f"{name}.safetensors"
        bad.write_bytes(content)
        with pytest.raises(SerializationError, match=str(bad).replace(".", r"\.")):
            numnet.load(bad)

    flipped = bytearray(payload)
    flipped[-3] ^= 0x40
    (tmp_path / "flipped.safetensors").write_bytes(bytes(flipped))
    with pytest.raises(SerializationError, match="checksum"):
        numnet.load(tmp_path / "flipped.safetensors")

    save_file({"weight": np.zeros((2, 2), np.float32)}, str(tmp_path / "foreign.safetensors"))
    with pytest.raises(SerializationError, match="not one numnet wrote"):
        numnet.load(tmp_path / "foreign.safetensors")

    with pytest.raises(FileNotFoundError, match="missing.safetensors"):
        numnet.load(tmp_path / "missing.safetensors")


def test_architecture_that_does_not_match_the_weights_is_refused(tmp_path):
    path = numnet.save(nn.Linear(4, 3, rng=0), tmp_path / "m.safetensors")
    state = numnet.load_state_dict(path)
    architecture = {"class": "Linear", "config": {"in_features": 5, "out_features": 3}}
    metadata = {"format": json.dumps("numnet.model/1"), "architecture": json.dumps(architecture)}
    from numnet.serialization import _digest

    metadata["sha256"] = json.dumps(_digest(state))
    save_file(state, str(tmp_path / "edited.safetensors"), metadata=metadata)
    with pytest.raises(SerializationError, match="do not fit"):
        numnet.load(tmp_path / "edited.safetensors")


def test_a_checkpoint_is_not_a_model_file(tmp_path):
    model = nn.Linear(2, 2, rng=0)
    path = numnet.save_checkpoint(tmp_path / "ckpt.safetensors", model)
    with pytest.raises(SerializationError, match="use load_checkpoint"):
        numnet.load(path)


class Custom(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 4, rng=0)
        self.b = nn.Linear(4, 1, rng=1)

    def forward(self, x):
        return self.b(self.a(x).tanh())


def test_custom_modules_save_weights_and_load_through_load_state_dict(tmp_path):
    model = Custom()
    with pytest.raises(TypeError, match="architecture=False"):
        numnet.save(model, tmp_path / "custom.safetensors")
    path = numnet.save(model, tmp_path / "custom.safetensors", architecture=False)
    with pytest.raises(SerializationError, match="load_state_dict"):
        numnet.load(path)
    fresh = Custom()
    fresh.a.reset_parameters(rng=9)
    fresh.load_state_dict(numnet.load_state_dict(path))
    assert_same_state(model, fresh)


def train_steps(model, optimizer, scheduler, rng, steps, x, y):
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(steps):
        order = rng.permutation(len(x))[:16]
        optimizer.zero_grad()
        loss = loss_fn(model(x[order]), y[order])
        loss.backward()
        optimizer.step()
        scheduler.step()


def test_resumed_training_equals_uninterrupted_training_bit_for_bit(tmp_path):
    data = np.random.default_rng(0)
    x = data.standard_normal((64, 4))
    y = data.integers(0, 3, 64)

    def fresh():
        model = nn.Sequential(
            nn.Linear(4, 16, rng=1, dtype=np.float64),
            nn.BatchNorm1d(16, dtype=np.float64),
            nn.ReLU(),
            nn.Dropout(0.3, rng=2),
            nn.Linear(16, 3, rng=3, dtype=np.float64),
        )
        optimizer = optim.Adam(model.parameters(), lr=0.01, amsgrad=True)
        scheduler = optim.StepLR(optimizer, step_size=5, gamma=0.5)
        return model, optimizer, scheduler, np.random.default_rng(4)

    model, optimizer, scheduler, rng = fresh()
    train_steps(model, optimizer, scheduler, rng, 20, x, y)

    first, opt1, sched1, rng1 = fresh()
    train_steps(first, opt1, sched1, rng1, 12, x, y)
    path = numnet.save_checkpoint(
        tmp_path / "ckpt.safetensors", first, opt1, sched1, epoch=12, rng=rng1, extra={"k": 1}
    )

    resumed, opt2, sched2, rng2 = fresh()  # new objects, as after a restart
    restored = numnet.load_checkpoint(path, resumed, opt2, sched2, rng=rng2)
    assert restored["epoch"] == 12 and restored["extra"] == {"k": 1}
    train_steps(resumed, opt2, sched2, rng2, 8, x, y)
    assert_same_state(model, resumed)
    assert sched2.get_last_lr() == scheduler.get_last_lr()


def test_load_checkpoint_rebuilds_the_model_and_checks_the_optimizer_kind(tmp_path):
    model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.Tanh())
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(np.ones((1, 2), np.float32)).sum().backward()
    optimizer.step()
    path = numnet.save_checkpoint(tmp_path / "c.safetensors", model, optimizer, epoch=3)
    restored = numnet.load_checkpoint(path)
    assert_same_state(model, restored["model"])
    other = optim.Adam(restored["model"].parameters())
    with pytest.raises(SerializationError, match="SGD"):
        numnet.load_checkpoint(path, restored["model"], other)


def test_only_public_builtin_classes_can_be_named_in_a_file(tmp_path):
    from numnet.serialization import _digest

    for name in ("_Loss", "Module", "os.system", "Custom"):
        metadata = {
            "format": json.dumps("numnet.model/1"),
            "architecture": json.dumps({"class": name, "config": {}}),
            "sha256": json.dumps(_digest({})),
            "zero_dim": json.dumps([]),
        }
        path = tmp_path / "crafted.safetensors"
        save_file({}, str(path), metadata=metadata)
        with pytest.raises(SerializationError, match="unknown module class"):
            numnet.load(path)
