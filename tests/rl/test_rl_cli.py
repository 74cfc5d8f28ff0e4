"""`numnet cem` and `numnet cem-eval`: runs, saved files, and one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from numnet.rl import cli

gym = pytest.importorskip("gymnasium")


class DictObsEnv(gym.Env):
    observation_space = gym.spaces.Dict({"x": gym.spaces.Box(-1, 1, (2,))})
    action_space = gym.spaces.Discrete(2)


class TupleActionEnv(gym.Env):
    observation_space = gym.spaces.Box(-1, 1, (2,))
    action_space = gym.spaces.Tuple((gym.spaces.Discrete(2), gym.spaces.Discrete(3)))


class MultiDiscreteEnv(gym.Env):
    observation_space = gym.spaces.Box(-1, 1, (2,))
    action_space = gym.spaces.MultiDiscrete([2, 2])


@pytest.fixture(scope="module")
def odd_envs():
    ids = {"NumnetTest/DictObs-v0": DictObsEnv, "NumnetTest/TupleAct-v0": TupleActionEnv,
           "NumnetTest/MultiDiscrete-v0": MultiDiscreteEnv}  # fmt: skip
    for env_id, cls in ids.items():
        gym.register(env_id, entry_point=cls)
    yield list(ids)
    for env_id in ids:
        gym.registry.pop(env_id, None)


def _one_line_error(capsys, argv, *needles):
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"numnet {argv[0]}: error: ")
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


def test_unknown_env_id_suggests_close_names(capsys):
    _one_line_error(capsys, ["cem", "CartPol-v1"], "'CartPol-v1'", "CartPole-v1")


def test_unknown_env_id_without_close_names(capsys):
    line = _one_line_error(capsys, ["cem", "Zzzzqqq-v9"], "unknown environment")
    assert "did you mean" not in line


@pytest.mark.parametrize(
    "index, needle", [(0, "observation space"), (1, "action space"), (2, "action space")]
)
def test_unsupported_spaces(capsys, odd_envs, index, needle):
    _one_line_error(capsys, ["cem", odd_envs[index]], needle)


@pytest.mark.parametrize("q", ["0", "100", "-3", "250"])
def test_percentile_outside_open_interval(capsys, q):
    _one_line_error(capsys, ["cem", "CartPole-v1", "--percentile", q], "--percentile", "(0, 100)")


def test_missing_box2d_names_the_extra(capsys, monkeypatch):
    from numnet.rl import _gym

    monkeypatch.setattr(_gym, "box2d_available", lambda: False)
    _one_line_error(capsys, ["cem", "LunarLander-v3"], "Box2D", 'pip install "numnet[box2d]"')


def test_missing_run_folder(capsys, tmp_path):
    _one_line_error(capsys, ["cem-eval", str(tmp_path / "nothing")], "config.json")


def test_building_the_parser_does_not_import_gymnasium():
    code = (
        "import argparse, sys; from numnet.rl import cli; p = argparse.ArgumentParser();"
        "cli.add_commands(p.add_subparsers()); p.parse_args(['cem', 'X-v0']);"
        "print('gymnasium' in sys.modules, 'ray' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_cem_run_saves_policy_log_and_curve_then_evaluates(tmp_path, capsys):
    out = tmp_path / "run"
    argv = ["cem", "CartPole-v1", "--sessions", "20", "--iterations", "3", "--hidden", "16",
            "--max-steps", "60", "--seed", "1", "--out", str(out)]  # fmt: skip
    assert cli.main(argv) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert sum(line.startswith("iter") for line in lines) == 3
    assert "ep/s" in lines[0] and "mean" in lines[0] and "ε" in lines[0]
    assert {p.name for p in out.iterdir()} >= {"policy.safetensors", "config.json", "log.jsonl",
                                                "curve.png"}  # fmt: skip
    log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    assert [r["iteration"] for r in log] == [0, 1, 2]
    assert (out / "curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    gif = tmp_path / "episode.gif"
    assert cli.main(["cem-eval", str(out), "--episodes", "5", "--gif", str(gif)]) == 0
    printed = capsys.readouterr().out
    assert "greedy mean return" in printed and "±" in printed and "over 5 episodes" in printed
    assert gif.read_bytes()[:6] == b"GIF89a"


def test_tabular_run_through_the_cli(tmp_path, capsys):
    out = tmp_path / "lake"
    argv = ["cem", "FrozenLake-v1", "--sessions", "50", "--iterations", "2", "--out", str(out)]
    assert cli.main(argv) == 0
    assert cli.main(["cem-eval", str(out), "--episodes", "10"]) == 0
    mean = float(capsys.readouterr().out.split("greedy mean return")[1].split()[0])
    assert 0.0 <= mean <= 1.0
    assert np.isfinite(mean)
