"""The ``numnet`` command line."""

from __future__ import annotations

import argparse
import os
import platform
import sys
from importlib import metadata
from typing import Any

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


def _fail(command: str, message: str) -> int:
    """One clear line on stderr and exit code 2, as argparse does for a bad option."""
    print(f"numnet {command}: error: {message}", file=sys.stderr)
    return 2


def train(args: argparse.Namespace) -> int:
    """Train an MLP (default: digits) and write the run folder."""
    from numnet.train.runs import RunConfig, RunError, load_config, parse_hidden, train_run

    try:
        settings = load_config(args.config) if args.config else {}
        for name in (
            "data", "target", "task", "activation", "optimizer", "lr", "epochs", "batch_size",
            "dropout", "l1", "l2", "early_stopping", "test_size", "seed", "out", "resume",
        ):  # fmt: skip
            value = getattr(args, name)
            if value is not None:
                settings[name] = value
        if args.hidden is not None:
            settings["hidden"] = parse_hidden(args.hidden)
        config = RunConfig(**settings)
        run_dir, metrics = train_run(config, progress=not args.quiet)
    except (RunError, TypeError, ValueError) as error:
        return _fail("train", str(error))
    scores = "  ".join(f"{k} {v:.4f}" for k, v in metrics["test"].items())
    print(f"test {scores}  ({metrics['n_test']} samples)")
    if metrics["stop_reason"]:
        print(metrics["stop_reason"])
    print(f"saved {run_dir}/ (model.safetensors, run.json, metrics.json, learning_curve.png)")
    return 0


def evaluate(args: argparse.Namespace) -> int:
    """Print the scores of a run's model on a dataset."""
    from numnet.train.runs import RunError, evaluate_run

    try:
        scores = evaluate_run(args.run_dir, args.data)
    except RunError as error:
        return _fail("evaluate", str(error))
    print("  ".join(f"{k} {v:.4f}" for k, v in scores.items()))
    return 0


def predict(args: argparse.Namespace) -> int:
    """Write a run's predictions for a dataset to CSV."""
    from numnet.train.runs import RunError, predict_run

    try:
        rows = predict_run(args.run_dir, args.data, args.output)
    except RunError as error:
        return _fail("predict", str(error))
    print(f"wrote {rows} predictions to {args.output}")
    return 0


def _train_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "train",
        help="train an MLP (default: the bundled digits data) and save the run",
        description=(
            "Train a multilayer perceptron. With no options: the bundled digits data, "
            "standardized, stratified 80/20 split, seed 0. Writes runs/<timestamp>/ with "
            "model.safetensors, run.json, metrics.json, history.csv and learning_curve.png."
        ),
    )
    add = parser.add_argument
    add("--data", help="a CSV, Parquet or .npz file, or a built-in dataset name (default digits)")
    add("--target", help="the target column of a file (default: the last column)")
    add("--task", choices=("classification", "regression"), help="inferred when omitted")
    add("--hidden", help="hidden layer sizes, e.g. 64,32 (default 64)")
    add("--activation", help="relu, tanh, sigmoid, elu, softplus, arctan or identity")
    add("--optimizer", help="adam, adamw, sgd or rmsprop")
    add("--lr", type=float, help="learning rate (default 0.003)")
    add("--epochs", type=int, help="epochs (default 40)")
    add("--batch-size", type=int, help="rows per step (default 32)")
    add("--dropout", type=float, help="drop probability after each hidden layer (default 0)")
    add("--l1", type=float, help="L1 penalty on the weights (default 0)")
    add("--l2", type=float, help="L2 penalty on the weights (default 0)")
    add("--early-stopping", type=int, metavar="PATIENCE",
        help="stop when the validation loss has not improved for PATIENCE epochs")  # fmt: skip
    add("--test-size", type=float, help="held-out test fraction (default 0.2)")
    add("--seed", type=int, help="seed of the split, the weights and the shuffles (default 0)")
    add("--out", help="the run folder (default runs/<timestamp>); must not exist or be empty")
    add("--config", help="a TOML file with any of these settings (options override it)")
    add("--resume", metavar="CHECKPOINT",
        help="continue an interrupted run (Ctrl-C writes numnet-checkpoint.safetensors) with "
        "the same settings")  # fmt: skip
    add("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(run=train)
    parser.error = lambda message: sys.exit(_fail("train", message))  # type: ignore[method-assign]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="numnet", description="Neural networks from first principles on NumPy."
    )
    parser.add_argument("--version", action="version", version=f"numnet {numnet.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("info", help="versions, default dtype and BLAS threads").set_defaults(
        run=info
    )
    _train_parser(commands)
    evaluate_parser = commands.add_parser("evaluate", help="score a run's model on a dataset")
    evaluate_parser.add_argument("run_dir", metavar="RUN", help="a folder written by numnet train")
    evaluate_parser.add_argument("data", help="a file with the target column, or a built-in name")
    evaluate_parser.set_defaults(run=evaluate)
    predict_parser = commands.add_parser("predict", help="write a run's predictions to CSV")
    predict_parser.add_argument("run_dir", metavar="RUN", help="a folder written by numnet train")
    predict_parser.add_argument("data", help="a file of features (a target column is ignored)")
    predict_parser.add_argument("--output", required=True, help="the CSV to write")
    predict_parser.set_defaults(run=predict)
    from numnet.rl.cli import add_commands as add_rl_commands  # cem, cem-eval

    add_rl_commands(commands)
    from numnet.lectures.cli import add_commands as add_lecture_commands  # lecture

    add_lecture_commands(commands)
    from numnet.playground.cli import add_commands as add_playground_commands  # playground

    add_playground_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 0
    try:
        return args.run(args)
    except BrokenPipeError:
        # The reader went away (`numnet lecture | head`): not worth a traceback. Point stdout
        # at /dev/null so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
