"""``numnet lecture [NAME]``: list the lecture demos, or run one."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["add_commands"]


def _lecture(args: argparse.Namespace) -> int:
    from numnet import lectures

    if args.name is None:
        width = max(len(name) for name in lectures.names())
        for name in lectures.names():
            print(f"  {name:<{width}}  {lectures.title(name)}")
        print("\nrun one with: numnet lecture NAME  (pictures go to runs/lecture-NAME/)")
        return 0
    try:
        module = lectures.load(args.name)
    except ValueError as error:
        print(f"numnet lecture: error: {error}", file=sys.stderr)
        return 2
    if args.explain and not getattr(module, "SUPPORTS_EXPLAIN", False):
        print(
            f"numnet lecture: error: --explain is offered by matrix-form, not {args.name!r}",
            file=sys.stderr,
        )
        return 2
    try:
        lectures.run(args.name, args.out, fast=args.fast, seed=args.seed, explain=args.explain)
    except lectures.MissingExtraError as error:
        print(f"numnet lecture: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    return 0


def add_commands(subparsers: Any) -> None:
    """Register ``lecture`` on an ``argparse`` subparsers object."""
    parser = subparsers.add_parser(
        "lecture",
        help="run a lecture demo (no NAME: list them)",
        description="Each idea of the lecture notes as a runnable demo; see docs/lectures.md.",
    )
    parser.add_argument("name", nargs="?", metavar="NAME", help="the demo to run")
    parser.add_argument("--out", help="folder for the pictures (default runs/lecture-NAME)")
    parser.add_argument("--fast", action="store_true", help="tiny sizes: seconds, not a minute")
    parser.add_argument("--seed", type=int, default=0, help="seed of everything random")
    parser.add_argument(
        "--explain", action="store_true", help="print the backward pass node by node"
    )
    parser.set_defaults(run=_lecture)
