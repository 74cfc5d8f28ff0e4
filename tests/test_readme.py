"""The README's promises: its two commands and its tour of the engine."""

import re
from pathlib import Path

import numpy as np
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def python_block(marker: str) -> str:
    """The README's one Python block that contains ``marker``."""
    blocks = [
        b for b in re.findall(r"```python\n(.*?)```", README.read_text(), re.S) if marker in b
    ]
    assert len(blocks) == 1, f"{len(blocks)} README blocks contain {marker!r}"
    return blocks[0]


def test_readme_opens_with_the_two_commands():
    commands = re.findall(r"```bash\n(.*?)```", README.read_text(), re.S)[0]
    assert "pip install -e . && numnet train" in commands
    assert 'pip install -e ".[test]" && pytest' in commands


def test_network_tour_learns_xor_and_round_trips(capsys, tmp_path, monkeypatch):
    tour = python_block('numnet.save(model, "runs/xor.safetensors")')
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runs").mkdir()
    namespace: dict = {}
    exec(compile(tour, "README network tour", "exec"), namespace)
    assert namespace["accuracy"] > 0.9  # XOR of the signs is learned
    X, model, same = namespace["X"], namespace["model"], namespace["same"]
    np.testing.assert_array_equal(model(X).data, same(X).data)
    assert "accuracy" in capsys.readouterr().out


def test_engine_tour_runs_and_learns(capsys):
    tour = python_block("W1.grad")
    namespace: dict = {}
    exec(compile(tour, "README engine tour", "exec"), namespace)
    loss_before = namespace["loss"].item()
    F, nn = namespace["F"], namespace["numnet"]
    X, y, W1, b1, W2 = (namespace[k] for k in ("X", "y", "W1", "b1", "W2"))
    with nn.no_grad():
        loss_after = F.cross_entropy(F.tanh(F.linear(X, W1, b1)) @ W2, y).item()
    assert loss_after < loss_before  # the one gradient step went downhill
    assert W1.grad.dtype == np.float64
    assert capsys.readouterr().out.strip()  # it printed the loss


def test_linear_model_example_fits_iris(capsys):
    example = python_block("OneVsOneClassifier")
    namespace: dict = {}
    exec(compile(example, "README linear models", "exec"), namespace)
    assert namespace["softmax"].score(namespace["X"], namespace["y"]) > 0.9
    assert namespace["all_vs_all"].score(namespace["X"], namespace["y"]) > 0.9
    assert "(3, 4)" in capsys.readouterr().out


def test_training_example_fits_the_spiral(capsys, tmp_path, monkeypatch):
    example = python_block("from numnet.train import")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(example, "README training", "exec"), namespace)
    history = namespace["history"]
    assert max(history["val_accuracy"]) > 0.95
    assert (tmp_path / "runs" / "spiral.safetensors").exists()
    assert "best val_accuracy" in capsys.readouterr().out


def test_estimator_example_cross_validates(capsys):
    namespace: dict = {}
    exec(compile(python_block("cross_val_score"), "README estimators", "exec"), namespace)
    assert float(capsys.readouterr().out) > 0.9


def test_cem_example_solves_cartpole(capsys):
    pytest.importorskip("gymnasium")
    namespace: dict = {}
    exec(compile(python_block("from numnet.rl import CEM"), "README CEM", "exec"), namespace)
    assert float(capsys.readouterr().out.split()[-1]) >= 475


def test_explain_example_prints_the_chain_rule(capsys):
    exec(compile(python_block("numnet.explain(loss"), "README explain", "exec"), {})
    out = capsys.readouterr().out
    assert "#2   matmul (#0, #1)" in out
    assert "dL/d#1 = dL/d#2 · ∂#2/∂#1  =  #0ᵀ @ dL/d#2" in out


def test_lecture_and_playground_commands_are_the_real_ones():
    from numnet.cli import build_parser

    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    text = README.read_text()
    assert "numnet lecture matrix-form --explain" in text and "lecture" in commands
    assert "numnet playground" in text and "playground" in commands
    assert f"the {len(__import__('numnet.lectures').lectures.names())} demos" in text
