"""``numnet lecture``: the list, running a demo, and bad names."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from numnet import lectures
from numnet.cli import main


def test_every_registered_demo_has_a_title_and_run():
    for name in lectures.names():
        module = lectures.load(name)
        assert isinstance(module.TITLE, str) and 0 < len(module.TITLE) < 80, name
        assert callable(module.run), name


def test_listing_names_every_demo_with_its_title(capsys):
    assert main(["lecture"]) == 0
    out = capsys.readouterr().out
    for name in lectures.names():
        line = next(line for line in out.splitlines() if line.strip().startswith(name + " "))
        assert lectures.title(name) in line


def test_listing_imports_no_heavy_library():
    # `numnet lecture` imports every demo to read its title: that must stay cheap.
    code = (
        "import sys; from numnet import lectures\n"
        "[lectures.title(n) for n in lectures.names()]\n"
        "heavy = ('matplotlib', 'gymnasium', 'sklearn', 'torch')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_unknown_name_is_one_line_with_a_suggestion(capsys):
    assert main(["lecture", "nueron"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown lecture 'nueron'" in err[0] and "'neuron'" in err[0]


def test_explain_is_refused_where_it_is_not_offered(capsys):
    assert main(["lecture", "architectures", "--explain"]) == 2
    assert "--explain" in capsys.readouterr().err


def test_running_a_demo_writes_its_pictures_to_out(tmp_path, capsys):
    out = tmp_path / "mf"
    assert main(["lecture", "matrix-form", "--fast", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "0.75" in printed
    assert list(out.glob("*.png"))


def test_default_folder_is_runs_lecture_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = lectures.run("neuron", fast=True, echo=lambda *a, **k: None)
    assert (tmp_path / "runs" / "lecture-neuron").is_dir()
    assert all(str(p).startswith("runs") or "lecture-neuron" in str(p) for p in result["figures"])


@pytest.mark.parametrize("name", ["neuron", "matrix-form"])
def test_module_name_matches_registry(name):
    assert importlib.import_module(f"numnet.lectures.{lectures.LECTURES[name]}") is lectures.load(
        name
    )
