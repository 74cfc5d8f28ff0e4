"""``numnet playground``'s command line (without starting a real server for long)."""

import os
import socket
import subprocess
import sys

import pytest

from numnet.playground import cli


def test_parser_defaults_and_no_web_import():
    args = cli.build_parser().parse_args(["playground"])
    assert (args.port, args.host, args.no_browser) == (8000, None, False)
    assert args.run is cli.run_playground
    code = (
        "import sys, argparse; from numnet.playground.cli import add_commands; "
        "p = argparse.ArgumentParser(); add_commands(p.add_subparsers()); "
        "print(any(m.split('.')[0] in ('starlette', 'uvicorn') for m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "False", out.stderr


def test_port_in_use_is_one_clear_line_and_exit_2(capsys):
    pytest.importorskip("uvicorn")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli.main(["--port", str(port), "--no-browser"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "already in use" in err[0] and str(port) in err[0]


def test_bad_port_and_loopback_rules(capsys):
    assert cli.main(["playground", "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err
    assert cli._is_loopback("127.0.0.1") and cli._is_loopback("::1")
    assert not cli._is_loopback("0.0.0.0") and not cli._is_loopback("192.168.1.5")


def test_missing_web_stack_names_the_extra(monkeypatch, capsys):
    # None in sys.modules makes `import uvicorn` raise ImportError, as when it is not installed
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    assert cli.main(["playground", "--no-browser"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and 'pip install "numnet[playground]"' in err[0]


def test_serves_and_stops(monkeypatch, capsys):
    uvicorn = pytest.importorskip("uvicorn")
    opened = []
    monkeypatch.setattr(cli.webbrowser, "open", opened.append)

    def fake_run(self):  # start and stop at once, as after a Ctrl-C
        self.started = True

    monkeypatch.setattr(uvicorn.Server, "run", fake_run)
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    assert cli.main(["--port", str(port)]) == 0
    out = capsys.readouterr().out
    assert f"http://127.0.0.1:{port}/" in out and "stopped" in out
    assert opened == [f"http://127.0.0.1:{port}/"]
