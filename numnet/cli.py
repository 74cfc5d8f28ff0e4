"""The ``numnet`` command line."""

from __future__ import annotations

import argparse
import platform
import sys
from importlib import metadata

import numnet


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _blas() -> list[str]:
    """One line per BLAS/OpenMP pool NumPy and SciPy loaded: library, API, threads."""
    from threadpoolctl import threadpool_info

    pools = threadpool_info()
    if not pools:
        return ["none found"]
    return [
        f"{pool.get('internal_api', '?')} ({pool.get('user_api', '?')}): "
        f"{pool.get('num_threads', '?')} threads, {pool.get('filepath', '')}"
        for pool in pools
    ]


def info(args: argparse.Namespace) -> int:
    """Print versions, the default dtype and the BLAS thread pools."""
    import scipy  # noqa: F401  (so its BLAS pool is listed too)

    print(f"numnet       {numnet.__version__}")
    print(f"python       {platform.python_version()} ({sys.executable})")
    for package in ("numpy", "scipy", "safetensors", "torch", "scikit-learn"):
        print(f"{package:<12} {_version(package)}")
    print(f"dtype        {numnet.get_default_dtype()} (default for new float tensors)")
    for line in _blas():
        print(f"blas         {line}")
    return 0


def train(args: argparse.Namespace) -> int:
    print(
        "numnet train: the training command (an MLP on the bundled digits data, with progress, "
        "plots and checkpoints) is still to come.\nUntil then: `numnet info`, and the tour in "
        "README.md, which trains a network in a few lines with numnet.nn and numnet.optim."
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="numnet", description="Neural networks from first principles on NumPy."
    )
    parser.add_argument("--version", action="version", version=f"numnet {numnet.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("info", help="versions, default dtype and BLAS threads").set_defaults(
        run=info
    )
    commands.add_parser("train", help="train a network (coming soon)").set_defaults(run=train)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 0
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
