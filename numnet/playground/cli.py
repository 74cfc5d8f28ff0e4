"""``numnet playground``: serve the playground locally and open it in the browser.

Building the parser imports nothing from the web stack; Starlette and uvicorn are imported
when the command runs, with a clear message if they are missing.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import socket
import sys
import threading
import time
import webbrowser
from collections.abc import Sequence
from typing import Any

__all__ = ["add_commands", "build_parser", "main", "run_playground"]

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost.

    >>> _is_loopback("127.0.0.1"), _is_loopback("0.0.0.0"), _is_loopback("localhost")
    (True, False, True)
    """
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def add_commands(subparsers: Any) -> None:
    """Register ``playground`` (``--port``, ``--host``, ``--no-browser``) on ``subparsers``."""
    parser = subparsers.add_parser(
        "playground",
        help="TensorFlow Playground in the browser, trained by numnet",
        description="Serve the numnet playground on this machine and open it in the browser.",
    )
    parser.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    parser.add_argument(
        "--host",
        default=None,
        help="address to bind (default 127.0.0.1; any other address lets anyone on the "
        "network use the playground and its CPU)",
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="do not open the page in a web browser"
    )
    parser.set_defaults(run=run_playground)


def build_parser() -> argparse.ArgumentParser:
    """A parser with only the ``playground`` command (what ``main`` uses)."""
    parser = argparse.ArgumentParser(prog="numnet")
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_commands(subparsers)
    return parser


def _fail(message: str) -> int:
    print(f"numnet playground: error: {message}", file=sys.stderr)
    return 2


def _check_port(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be bound, or None (checked before uvicorn starts)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return f"port {port} on {host} is already in use; pick another with --port"
            return f"cannot listen on {host}:{port} ({error.strerror or error})"
    return None


def run_playground(args: argparse.Namespace) -> int:
    """Start uvicorn with the playground app until Ctrl-C; the exit code."""
    host = args.host if args.host is not None else "127.0.0.1"
    port = args.port
    if not 0 <= port <= 65535:
        return _fail(f"--port must be from 0 to 65535, got {port}")
    try:
        import uvicorn

        from numnet.playground.server import create_app
    except ImportError as error:
        from numnet.playground import INSTALL_HINT

        return _fail(f"{INSTALL_HINT} ({error})")
    if not _is_loopback(host):
        print(
            f"warning: listening on {host}: anyone who can reach this machine can use the "
            "playground (and its CPU); there is no authentication",
            file=sys.stderr,
        )
    problem = _check_port(host, port)
    if problem is not None:
        return _fail(problem)

    config = uvicorn.Config(create_app(), host=host, port=port, log_level="warning")
    server = uvicorn.Server(config)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{port}/"

    def announce() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            print(f"numnet playground at {url}  (Ctrl-C to stop)", flush=True)
            if not args.no_browser:
                webbrowser.open(url)

    announcer = threading.Thread(target=announce, daemon=True)
    announcer.start()
    try:
        server.run()  # uvicorn handles Ctrl-C: it stops accepting, then shuts down cleanly
    except KeyboardInterrupt:
        pass
    server.should_exit = True
    announcer.join(timeout=5)
    if not server.started:
        return _fail(f"the server did not start on {host}:{port}")
    print("numnet playground stopped")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``numnet playground ...`` without the rest of numnet's CLI (for tests).

    ``argv`` may start with "playground" or give only its options.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] != "playground":
        argv = ["playground", *argv]
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
