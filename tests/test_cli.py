"""The ``numnet`` command line: --version and info."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import numnet
from numnet import cli


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "numnet.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_version_subprocess():
    result = _run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"numnet {numnet.__version__}"


def test_version_in_process(capsys):
    with pytest.raises(SystemExit) as excinfo:
        cli.main(["--version"])
    assert excinfo.value.code == 0
    out = capsys.readouterr().out
    assert out.strip() == f"numnet {numnet.__version__}"
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", numnet.__version__)


def _info_lines(text: str) -> dict[str, list[str]]:
    lines: dict[str, list[str]] = {}
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        lines.setdefault(key, []).append(value.strip())
    return lines


def test_info_in_process(capsys):
    assert cli.main(["info"]) == 0
    out = capsys.readouterr().out
    lines = _info_lines(out)
    assert lines["numnet"] == [numnet.__version__]
    assert lines["numpy"] == [np.__version__]
    assert lines["dtype"][0].startswith("float32")
    assert lines["blas"], out
    for blas in lines["blas"]:
        # "<library> (<api>): <n> threads, <path>", or "none found"
        assert blas == "none found" or re.search(r": \d+ threads", blas), blas


def test_info_reports_blas_thread_count(capsys):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    import scipy  # noqa: F401  (cli.info loads it too)

    pools = threadpoolctl.threadpool_info()
    cli.main(["info"])
    out = capsys.readouterr().out
    for pool in pools:
        assert f"{pool['num_threads']} threads" in out


def test_info_reflects_default_dtype(capsys):
    previous = numnet.get_default_dtype()
    numnet.set_default_dtype(np.float64)
    try:
        assert cli.main(["info"]) == 0
    finally:
        numnet.set_default_dtype(previous)
    assert _info_lines(capsys.readouterr().out)["dtype"][0].startswith("float64")


def test_info_subprocess():
    result = _run("info")
    assert result.returncode == 0, result.stderr
    lines = _info_lines(result.stdout)
    assert lines["numpy"] == [np.__version__]
    assert lines["numnet"] == [numnet.__version__]
    assert lines["dtype"][0].startswith("float32")
    assert any(re.search(r"\d+ threads", b) for b in lines["blas"]) or lines["blas"] == [
        "none found"
    ]


def test_no_command_prints_help(capsys):
    assert cli.main([]) == 0
    out = capsys.readouterr().out
    assert "usage: numnet" in out
    assert "info" in out


def test_unknown_command_exits_nonzero(capsys):
    with pytest.raises(SystemExit) as excinfo:
        cli.main(["frobnicate"])
    assert excinfo.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_console_script_entry_point():
    script = shutil.which("numnet") or str(Path(sys.executable).parent / "numnet")
    if not Path(script).exists():
        pytest.skip("the numnet console script is not installed")
    result = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"numnet {numnet.__version__}"


def test_a_closed_pipe_is_not_a_traceback():
    # `numnet lecture | head -1`: the reader leaves after one line
    import subprocess
    import sys

    code = "import sys; from numnet.cli import main; sys.exit(main(['lecture']))"
    cmd = f'"{sys.executable}" -c "{code}" | head -1'
    done = subprocess.run(cmd, shell=True, capture_output=True, text=True)
    assert done.stdout.strip().startswith("neuron")
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
