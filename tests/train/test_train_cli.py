"""``numnet train / evaluate / predict``: run folders, options, config files, bad input."""

from __future__ import annotations

import csv
import json
from contextlib import nullcontext

import numpy as np
import pytest

import numnet
from numnet.cli import main


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write_csv(path, header, rows):
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def blobs_csv(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    labels = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
    rows = [[*map(repr, x), label] for x, label in zip(X.tolist(), labels)]
    return write_csv(tmp_path / "blobs.csv", ["a", "b", "c", "label"], rows)


def test_train_digits_writes_a_complete_run(tmp_path, capsys):
    out = tmp_path / "run"
    code, stdout, err = run_cli(capsys, "train", "--epochs", "3", "--out", str(out), "--quiet")
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == [
        "history.csv", "learning_curve.png", "metrics.json", "model.safetensors", "run.json",
    ]  # fmt: skip
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["task"] == "classification" and metrics["n_test"] == 360
    assert metrics["epochs_run"] == 3
    assert f"accuracy {metrics['test']['accuracy']:.4f}" in stdout
    assert metrics["test"]["accuracy"] > 0.9
    run = json.loads((out / "run.json").read_text())
    assert run["classes"] == list(range(10)) and len(run["features"]) == 64
    model = numnet.load(out / "model.safetensors")
    assert model[0].in_features == 64 and model[-1].out_features == 10
    assert (out / "learning_curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len((out / "history.csv").read_text().splitlines()) == 4

    # evaluate on the same built-in data reproduces a high accuracy
    code, stdout, _ = run_cli(capsys, "evaluate", str(out), "digits")
    assert code == 0 and stdout.startswith("accuracy ")


def test_train_evaluate_predict_on_a_csv_with_string_labels(tmp_path, blobs_csv, capsys):
    out = tmp_path / "run"
    code, _, err = run_cli(
        capsys, "train", "--data", str(blobs_csv), "--hidden", "16,8", "--activation", "tanh",
        "--epochs", "30", "--lr", "0.01", "--out", str(out), "--quiet", "--early-stopping", "5",
    )  # fmt: skip
    assert code == 0, err
    run = json.loads((out / "run.json").read_text())
    assert run["classes"] == ["no", "yes"] and run["features"] == ["a", "b", "c"]
    assert run["config"]["hidden"] == [16, 8]
    code, stdout, _ = run_cli(capsys, "evaluate", str(out), str(blobs_csv))
    assert code == 0
    accuracy = float(stdout.split()[1])
    assert accuracy > 0.9

    preds = tmp_path / "preds.csv"
    code, stdout, _ = run_cli(capsys, "predict", str(out), str(blobs_csv), "--output", str(preds))
    assert code == 0 and "wrote 120 predictions" in stdout
    rows = list(csv.reader(preds.open()))
    assert rows[0] == ["prediction", "p_no", "p_yes"]
    truth = [r[3] for r in list(csv.reader(blobs_csv.open()))[1:]]
    predicted = [r[0] for r in rows[1:]]
    assert np.mean([p == t for p, t in zip(predicted, truth)]) == pytest.approx(accuracy)
    assert all(abs(float(r[1]) + float(r[2]) - 1) < 1e-9 for r in rows[1:])

    # predict also takes features without the target column
    features_only = tmp_path / "features.csv"
    write_csv(
        features_only, ["a", "b", "c"], [r[:3] for r in list(csv.reader(blobs_csv.open()))[1:]]
    )
    code, _, err = run_cli(capsys, "predict", str(out), str(features_only), "--output",
                           str(tmp_path / "p2.csv"))  # fmt: skip
    assert code == 0, err
    assert (tmp_path / "p2.csv").read_text() == preds.read_text()


def test_regression_from_npz_and_a_toml_config(tmp_path, capsys):
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, size=(300, 2))
    y = 50 + 30 * X[:, 0] - 20 * X[:, 1] ** 2
    np.savez(tmp_path / "data.npz", X=X, y=y)
    config = tmp_path / "run.toml"
    config.write_text(
        'hidden = "32"\nepochs = 60\nlr = 0.01\nbatch-size = 16\ntask = "regression"\n'
    )
    out = tmp_path / "reg"
    data = str(tmp_path / "data.npz")
    argv = ["train", "--config", str(config), "--data", data, "--out", str(out), "--quiet"]
    code, stdout, err = run_cli(capsys, *argv)
    assert code == 0, err
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["task"] == "regression" and metrics["test"]["r2"] > 0.95
    run = json.loads((out / "run.json").read_text())
    assert run["config"]["batch_size"] == 16 and run["config"]["epochs"] == 60


def one_line_error(code, out, err, *needles):
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        ("a,b,label\n1,2,x\n3,4,y\n", ["no target column 'target'", "a, b, label"]),
        ("a,b,label\n1,2,x\n3,oops,y\n", ["row 3", "'b'", "'oops'"]),
        ("a,b,label\n1,2,x\n3,nan,y\n", ["row 3", "'b'"]),
        ("", ["empty"]),
    ],
)
def test_bad_files_give_one_line_and_exit_2(tmp_path, capsys, content, needles):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    target = ["--target", "target"] if "no target column" in needles[0] else []
    code, out, err = run_cli(capsys, "train", "--data", str(path), *target, "--out",
                             str(tmp_path / "run"), "--quiet")  # fmt: skip
    one_line_error(code, out, err, "bad.csv", *needles)
    assert not (tmp_path / "run").exists()


def test_feature_count_mismatch_at_predict(tmp_path, blobs_csv, capsys):
    out = tmp_path / "run"
    assert run_cli(capsys, "train", "--data", str(blobs_csv), "--epochs", "1", "--out", str(out),
                   "--quiet")[0] == 0  # fmt: skip
    narrow = write_csv(tmp_path / "narrow.csv", ["a", "b"], [[1, 2], [3, 4]])
    preds = tmp_path / "preds.csv"
    preds.write_text("keep me\n")
    code, out_, err = run_cli(capsys, "predict", str(out), str(narrow), "--output", str(preds))
    one_line_error(code, out_, err, "narrow.csv", "2 feature columns", "trained on 3")
    assert preds.read_text() == "keep me\n"


def test_an_existing_run_is_never_overwritten(tmp_path, capsys):
    out = tmp_path / "run"
    out.mkdir()
    (out / "model.safetensors").write_text("precious")
    code, stdout, err = run_cli(capsys, "train", "--epochs", "1", "--out", str(out), "--quiet")
    one_line_error(code, stdout, err, "already exists")
    assert (out / "model.safetensors").read_text() == "precious"


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--hidden", "64,x"], "--hidden"),
        (["--activation", "swish"], "--activation must be one of"),
        (["--optimizer", "adagrad"], "--optimizer must be one of"),
        (["--lr", "-1"], "--lr must be a number > 0"),
        (["--dropout", "1.0"], "--dropout"),
        (["--data", "digts"], "did you mean 'digits'"),
        (["--epochs", "two"], "invalid int value"),
        (["--config", "missing.toml"], "no such config file"),
        (["--resume", "missing.safetensors"], "missing.safetensors"),
    ],
)
def test_bad_options(tmp_path, capsys, argv, needle):
    with pytest.raises(SystemExit) if needle == "invalid int value" else nullcontext():
        code, out, err = run_cli(capsys, "train", *argv, "--out", str(tmp_path / "r"), "--quiet")
        one_line_error(code, out, err, needle)
    if needle == "invalid int value":
        err = capsys.readouterr().err
        assert needle in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()


def test_bad_run_folders(tmp_path, capsys):
    code, out, err = run_cli(capsys, "evaluate", str(tmp_path), "digits")
    one_line_error(code, out, err, "not a numnet run folder")
    (tmp_path / "run.json").write_text("{not json")
    code, out, err = run_cli(capsys, "evaluate", str(tmp_path), "digits")
    one_line_error(code, out, err, "run.json", "corrupt")


def test_ctrl_c_then_resume_equals_an_uninterrupted_run(tmp_path, capsys, monkeypatch):
    import signal

    from numnet.train.trainer import Trainer

    monkeypatch.chdir(tmp_path)
    assert run_cli(capsys, "train", "--epochs", "4", "--out", "full", "--quiet")[0] == 0
    original, calls = Trainer._step, [0]

    def step_then_ctrl_c(self, *args):
        value = original(self, *args)
        calls[0] += 1
        if calls[0] == 50:  # in the second epoch
            signal.raise_signal(signal.SIGINT)
        return value

    monkeypatch.setattr(Trainer, "_step", step_then_ctrl_c)
    code, stdout, _ = run_cli(capsys, "train", "--epochs", "4", "--out", "part", "--quiet")
    assert code == 0 and "interrupted (Ctrl-C) at epoch 2" in stdout
    checkpoint = tmp_path / "numnet-checkpoint.safetensors"
    assert checkpoint.is_file()
    monkeypatch.setattr(Trainer, "_step", original)
    argv = ["train", "--epochs", "4", "--out", "resumed", "--quiet", "--resume", str(checkpoint)]
    assert run_cli(capsys, *argv)[0] == 0
    full, resumed = (numnet.load(tmp_path / d / "model.safetensors") for d in ("full", "resumed"))
    for key, value in full.state_dict().items():
        np.testing.assert_array_equal(resumed.state_dict()[key], value, err_msg=key)
    assert (tmp_path / "full" / "history.csv").read_text() == (
        tmp_path / "resumed" / "history.csv"
    ).read_text()
