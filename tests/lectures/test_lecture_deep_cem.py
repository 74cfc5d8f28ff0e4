"""The ``deep-cem`` lecture demo: CEM on CartPole, one record per iteration, a learning curve."""

from __future__ import annotations

import numpy as np
import pytest

from numnet.lectures import MissingExtraError, deep_cem


def test_without_gymnasium_it_names_the_extra_and_raises(monkeypatch, tmp_path):
    monkeypatch.setattr(deep_cem.importlib.util, "find_spec", lambda name: None)
    lines: list[str] = []
    with pytest.raises(MissingExtraError, match=r'pip install "numnet\[rl\]"'):
        deep_cem.run(tmp_path, fast=True, echo=lines.append)
    assert lines == []
    assert not list(tmp_path.iterdir())


def test_cli_turns_the_missing_extra_into_one_line_and_exit_2(monkeypatch, tmp_path, capsys):
    from numnet.cli import main

    monkeypatch.setattr(deep_cem.importlib.util, "find_spec", lambda name: None)
    assert main(["lecture", "deep-cem", "--fast", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"numnet lecture: error: {deep_cem.INSTALL_HINT}"]


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    pytest.importorskip("gymnasium")
    lines: list[str] = []
    out = deep_cem.run(tmp_path_factory.mktemp("deep-cem"), fast=True, seed=0, echo=lines.append)
    out["lines"] = lines
    return out


def test_fast_mode_reports_every_iteration(result):
    means, thresholds = result["means"], result["thresholds"]
    assert len(means) == len(thresholds) == len(result["n_elite"]) == 3
    assert result["converged"] == "max_iterations"
    for mean, threshold in zip(means, thresholds):
        assert 1 <= mean <= 60  # fast mode caps sessions at 60 steps, one reward per step
        assert threshold >= mean * 0.5
    # one printed line per iteration, starting with its number
    rows = [line.split() for line in result["lines"]]
    assert [row[0] for row in rows if row and row[0].isdigit()] == ["1", "2", "3"]
    returns = result["eval_returns"]
    assert len(returns) == 10 and np.all(returns >= 1) and np.all(returns <= 500)


def test_the_learning_curve_is_a_png(result):
    Image = pytest.importorskip("PIL.Image")
    (path,) = result["figures"]
    assert path.name == "deep-cem.png"
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size[0] > 400 and image.size[1] > 250


def test_same_seed_same_returns(result, tmp_path):
    again = deep_cem.run(tmp_path, fast=True, seed=0, echo=lambda *a: None)
    assert again["means"] == result["means"]
    assert again["thresholds"] == result["thresholds"]
    assert np.array_equal(again["eval_returns"], result["eval_returns"])
