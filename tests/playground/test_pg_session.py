"""The playground's training core: seeding, reset, controls, stop conditions, frames, export."""

import json
import os
import runpy
import subprocess
import sys

import numpy as np
import pytest

import numnet
from numnet.playground import Session, build_model, make_data, normalize_config
from numnet.playground.export import model_bytes, python_script
from numnet.playground.frames import NEURON_SIZE, decode, grid
from numnet.playground.upload import parse_csv


def weights(session):
    return [p.data.copy() for p in session.model.parameters()]


def same_arrays(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def test_same_config_same_data_and_weights_bit_for_bit():
    config = {"dataset": "spiral", "noise": 20, "hidden": [8, 8], "seed": 7, "data_seed": 3}
    a, b = Session(config), Session(config)
    assert np.array_equal(a.data.X_train, b.data.X_train)
    assert np.array_equal(a.data.y_test, b.data.y_test)
    assert same_arrays(weights(a), weights(b))
    a.train(2)
    b.train(2)
    assert same_arrays(weights(a), weights(b))
    other_seed = Session({**config, "seed": 8})
    assert np.array_equal(other_seed.data.X_train, a.data.X_train)
    assert not same_arrays(weights(other_seed), weights(Session(config)))
    other_data = Session({**config, "data_seed": 4})
    assert not np.array_equal(other_data.data.X_train, a.data.X_train)


def test_reset_reproduces_initial_weights_and_clears_history():
    session = Session({"dataset": "xor", "hidden": [4, 4], "optimizer": "momentum"})
    initial = weights(session)
    first_frame = session.frame()
    session.train(3)
    assert not same_arrays(weights(session), initial)
    session.reset()
    assert same_arrays(weights(session), initial)
    assert session.epoch == 0 and session.history["epoch"] == [0]
    assert session.frame()["boundary"] == first_frame["boundary"]
    session.train(3)
    again = Session({"dataset": "xor", "hidden": [4, 4], "optimizer": "momentum"})
    again.train(3)
    assert same_arrays(weights(session), weights(again))  # shuffles restart too


def test_reseed_and_regenerate():
    session = Session({"dataset": "gauss", "noise": 30}, rng=0)
    w0, X0 = weights(session), session.data.X_train.copy()
    session.reseed()
    assert session.config["seed"] != 0 and not same_arrays(weights(session), w0)
    assert np.array_equal(session.data.X_train, X0)
    session.reseed(0)
    assert same_arrays(weights(session), w0)
    session.regenerate(5)
    assert session.config["data_seed"] == 5 and not np.array_equal(session.data.X_train, X0)


def test_step_trains_one_epoch_and_lowers_the_loss_on_an_easy_problem():
    session = Session({"dataset": "gauss", "hidden": [2], "learning_rate": 0.1})
    frame = session.step()
    assert frame["epoch"] == 1 and session.epoch == 1
    for _ in range(4):
        session.step()
    assert session.test_loss < session.history["test_loss"][0]
    assert session.history["epoch"] == [0, 1, 2, 3, 4, 5]


def test_keep_fields_keep_weights_and_rebuild_fields_reset():
    session = Session({"hidden": [3]})
    session.train(2)
    trained = weights(session)
    assert session.update_config({"learning_rate": 0.1, "epoch_limit": 50}) is False
    assert session.epoch == 2 and same_arrays(weights(session), trained)
    assert session.optimizer.param_groups[0]["lr"] == 0.1
    assert session.update_config({"optimizer": "adam"}) is False
    assert type(session.optimizer).__name__ == "Adam" and session.epoch == 2
    assert session.update_config({"learning_rate": 0.1}) is False  # no change at all
    assert session.update_config({"hidden": [5]}) is True
    assert session.epoch == 0 and session.model[0].weight.shape == (5, 2)


def test_stop_conditions_pause_with_a_reason():
    session = Session({"dataset": "gauss", "epoch_limit": 3})
    assert session.start()
    while session.playing:
        session.play_chunk(10.0)
    assert session.epoch == 3 and session.stop_reason == "epoch limit reached"
    assert session.start() is False  # still at the limit
    session = Session({"dataset": "gauss", "stop_loss": 0.2, "learning_rate": 0.1})
    session.start()
    frame = session.play_chunk(30.0)
    assert not frame["playing"] and frame["stop_reason"].startswith("test loss ")
    assert session.test_loss <= 0.2 and frame["stop_reason"].endswith("<= 0.2")


def test_diverging_training_reports_nan_and_stays_json_safe():
    session = Session(
        {"problem": "regression", "hidden": [8, 8], "activations": "linear", "learning_rate": 10}
    )
    session.start()
    frame = session.play_chunk(30.0)
    assert frame["stop_reason"] == "loss is NaN/inf" and not frame["playing"]
    json.dumps(frame, allow_nan=False)
    json.dumps(session.history_json(), allow_nan=False)


def test_frame_format_and_values():
    session = Session({"hidden": [4, 3], "features": ["x1", "x2", "x1x2"], "loss": "cross_entropy"})
    session.train(2)
    frame = session.frame()
    boundary = decode(frame["boundary"]["data"])
    assert frame["boundary"]["size"] == 100 and frame["boundary"]["extent"] == [-6, 6]
    assert boundary.shape == (10000,) and boundary.min() >= -1 and boundary.max() <= 1
    assert [len(layer) for layer in frame["neurons"]] == [4, 3]
    assert all(decode(n).shape == (NEURON_SIZE**2,) for layer in frame["neurons"] for n in layer)
    assert len(frame["inputs"]) == 3
    x1 = decode(frame["inputs"][0]).reshape(25, 25)
    assert x1[0, 0] == -1 and x1[0, -1] == 1  # column 0 is x1 = -6
    x2 = decode(frame["inputs"][1]).reshape(25, 25)
    assert x2[0, 0] == 1 and x2[-1, 0] == -1  # row 0 is the top, x2 = +6
    # the heatmap is 2σ(logit) − 1 of the network output, to the byte's resolution
    expected = np.tanh(session.predict(grid(100)) / 2)
    assert np.abs(boundary - expected).max() <= 1 / 127.5 + 1e-9
    first_hidden = np.tanh(
        session.model[0](
            numnet.playground.feature_matrix(grid(25), session.config["features"])
        ).data
    )
    assert np.abs(decode(frame["neurons"][0][1]) - first_hidden[:, 1]).max() <= 1 / 127.5 + 1e-6
    assert [np.shape(w) for w in frame["weights"]] == [(3, 4), (4, 3), (3, 1)]
    assert frame["point"] == [2, frame["train_loss"], frame["test_loss"]]
    assert 0 <= frame["test_accuracy"] <= 1


def test_regression_has_no_accuracy():
    session = Session({"problem": "regression", "dataset": "multi_gauss", "n_samples": 200})
    frame = session.step()
    assert frame["train_accuracy"] is None and frame["test_accuracy"] is None


def test_dropout_and_batch_norm_train_deterministically():
    config = {"hidden": [6, 6], "dropout": 0.3, "batch_norm": True, "batch_size": 7}
    a, b = Session(config), Session(config)
    a.train(2)
    b.train(2)
    assert a.history == b.history
    assert all(np.isfinite(a.history["train_loss"]))


def test_upload_as_data_set():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 2))
    lines = "\n".join(f"{x1},{x2},{'yes' if x1 > 0 else 'no'}" for x1, x2 in X)
    session = Session({"train_ratio": 50})
    session.set_upload(parse_csv(lines.encode(), "classification"))
    assert session.config["dataset"] == "upload"
    assert len(session.data.y_train) == 60 and np.abs(session.data.X_train).max() <= 5
    with pytest.raises(numnet.playground.ConfigError, match="finite number"):
        session.update_config({"problem": "regression", "dataset": "upload"})
    assert session.config["problem"] == "classification"


def test_spiral_4x8_tanh_learns():
    session = Session(
        {"dataset": "spiral", "hidden": [8, 8, 8, 8], "activations": "tanh",
         "optimizer": "adam", "learning_rate": 0.01}
    )  # fmt: skip
    for _ in range(300):
        session.train(1)
        if session.history["test_accuracy"][-1] > 0.9 and session.test_loss < 0.2:
            break
    assert session.history["test_accuracy"][-1] > 0.9 and session.test_loss < 0.2


def test_exported_model_matches_the_session(tmp_path):
    session = Session({"hidden": [5, 3], "batch_norm": True, "dropout": 0.2,
                       "features": ["x1", "x2", "x1^2", "sin_x2"]})  # fmt: skip
    session.train(3)
    path = tmp_path / "model.safetensors"
    path.write_bytes(model_bytes(session))
    model = numnet.load(path).eval()
    points = np.random.default_rng(1).uniform(-6, 6, (50, 2))
    inputs = numnet.playground.feature_matrix(points, session.config["features"])
    assert np.array_equal(model(inputs).data[:, 0], session.predict(points))


@pytest.mark.parametrize(
    "config",
    [
        {"dataset": "spiral", "hidden": [4, 4], "regularization": "l1", "reg_rate": 0.001},
        {"problem": "regression", "dataset": "multi_gauss", "n_samples": 300, "hidden": [4],
         "optimizer": "adam", "regularization": "l2", "reg_rate": 0.01, "dropout": 0.1,
         "batch_norm": True, "batch_size": 9, "features": ["x1", "x2", "x1x2", "sin_x1"]},
        {"loss": "cross_entropy", "optimizer": "momentum", "activations": ["relu", "elu"],
         "noise": 25, "seed": 3, "data_seed": 9},
    ],
)  # fmt: skip
def test_exported_script_reproduces_the_losses(tmp_path, capsys, config):
    session = Session(config)
    session.train(3)
    script = tmp_path / "numnet_playground.py"
    script.write_text(python_script(session))
    # in this process (the import of numnet costs seconds); the subprocess test below
    # checks that a script runs on its own
    runpy.run_path(str(script), run_name="not_main")["main"](["--epochs", "3"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4
    for epoch, line in enumerate(lines):
        words = line.split()
        assert int(words[1]) == epoch
        assert abs(float(words[3]) - session.history["train_loss"][epoch]) <= 1e-12
        assert abs(float(words[5]) - session.history["test_loss"][epoch]) <= 1e-12


def test_exported_script_runs_alone_and_embeds_uploaded_data(tmp_path):
    text = "\n".join(f"{i % 7},{i % 5},{(i % 7) * 0.1}" for i in range(60))
    session = Session({"problem": "regression", "hidden": [3]})
    session.set_upload(parse_csv(text, "regression"))
    session.train(2)
    script = tmp_path / "s.py"
    script.write_text(python_script(session))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, str(script), "--epochs", "2",
                          "--save", str(tmp_path / "m.safetensors")],
                         capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    last = out.stdout.strip().splitlines()[-1].split()
    assert float(last[5]) == session.test_loss
    model = numnet.load(tmp_path / "m.safetensors")
    assert same_arrays([p.data for p in model.parameters()], weights(session))


def test_training_core_does_not_import_the_web_stack():
    code = (
        "import sys, numnet, numnet.playground as pg; s = pg.Session(); s.train(1); "
        "import numnet.playground.cli; "
        "print(any(m.split('.')[0] in ('starlette', 'uvicorn') for m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "False", out.stderr


def test_build_model_matches_make_data_shapes():
    config = normalize_config({"features": ["x1", "x2", "sin_x1"], "hidden": []})
    model, data = build_model(config), make_data(config)
    assert len(model) == 2 and data.X_train.shape[1] == 2
