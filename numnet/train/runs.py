"""The main job behind ``numnet train``, ``numnet evaluate`` and ``numnet predict``.

A run is a folder holding everything needed to use the trained model again:

* ``model.safetensors``: the network (weights + JSON architecture), loadable
  with :func:`numnet.load`;
* ``run.json``: the settings, the task, the feature and class names, and the
  standardization (mean and scale of every feature, and of the target for
  regression) that :func:`evaluate_run` and :func:`predict_run` apply;
* ``metrics.json``: the test-set scores, epochs run, time taken;
* ``history.csv`` and ``learning_curve.png``.

The folder is built under a temporary name and renamed when complete, so an
error or Ctrl-C never leaves half a run, and an existing run is never
overwritten.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from numnet._atomic import write_atomic
from numnet.functional.activations import softmax_array

__all__ = ["RunConfig", "RunError", "train_run", "evaluate_run", "predict_run", "load_config"]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu", "softplus", "arctan", "identity")
OPTIMIZERS = ("adam", "adamw", "sgd", "rmsprop")
TASKS = ("classification", "regression")


class RunError(ValueError):
    """A user error in a run's settings or files; the CLI prints it as one line."""


@dataclass
class RunConfig:
    """The settings of ``numnet train``; every field is a command-line option and a TOML key."""

    data: str = "digits"
    target: str | None = None
    task: str | None = None
    hidden: list[int] = field(default_factory=lambda: [64])
    activation: str = "relu"
    optimizer: str = "adam"
    lr: float = 0.003
    epochs: int = 40
    batch_size: int = 32
    dropout: float = 0.0
    l1: float = 0.0
    l2: float = 0.0
    early_stopping: int = 0
    test_size: float = 0.2
    seed: int = 0
    out: str | None = None
    resume: str | None = None

    def check(self) -> RunConfig:
        """Validate every field; raise :class:`RunError` naming the bad value."""
        if not self.hidden or any(
            isinstance(h, bool) or not isinstance(h, int) or h < 1 for h in self.hidden
        ):
            raise RunError(f"--hidden must be positive layer sizes like 64,32, got {self.hidden}")
        if self.activation not in ACTIVATIONS:
            raise RunError(
                f"--activation must be one of {', '.join(ACTIVATIONS)}, got {self.activation!r}"
            )
        if self.optimizer not in OPTIMIZERS:
            raise RunError(
                f"--optimizer must be one of {', '.join(OPTIMIZERS)}, got {self.optimizer!r}"
            )
        if self.task is not None and self.task not in TASKS:
            raise RunError(f"--task must be classification or regression, got {self.task!r}")
        _positive("lr", self.lr)
        for name in ("epochs", "batch_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise RunError(f"--{name.replace('_', '-')} must be an int >= 1, got {value!r}")
        if not (isinstance(self.dropout, (int, float)) and 0.0 <= self.dropout < 1.0):
            raise RunError(f"--dropout must be a drop probability in [0, 1), got {self.dropout!r}")
        for name in ("l1", "l2"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise RunError(f"--{name} must be a number >= 0, got {value!r}")
        if (
            isinstance(self.early_stopping, bool)
            or not isinstance(self.early_stopping, int)
            or (self.early_stopping < 0)
        ):
            raise RunError(
                f"--early-stopping must be a patience in epochs (0 = off), "
                f"got {self.early_stopping!r}"
            )
        if self.resume is not None and not Path(self.resume).is_file():
            raise RunError(f"--resume {self.resume}: no such checkpoint file")
        if not (isinstance(self.test_size, float) and 0.0 < self.test_size < 1.0):
            raise RunError(f"--test-size must be a fraction in (0, 1), got {self.test_size!r}")
        return self


def _positive(name: str, value: Any) -> None:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        raise RunError(f"--{name} must be a number > 0, got {value!r}")


def load_config(path: str | os.PathLike) -> dict[str, Any]:
    """Read a TOML file of :class:`RunConfig` keys (``batch_size`` or ``batch-size``)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    path = Path(path)
    try:
        with path.open("rb") as file:
            raw = tomllib.load(file)
    except FileNotFoundError:
        raise RunError(f"{path}: no such config file") from None
    except tomllib.TOMLDecodeError as error:
        raise RunError(f"{path}: not valid TOML: {error}") from None
    names = {f.name for f in dataclasses.fields(RunConfig)}
    config = {}
    for key, value in raw.items():
        name = key.replace("-", "_")
        if name not in names:
            raise RunError(
                f"{path}: unknown key {key!r}; expected one of {', '.join(sorted(names))}"
            )
        if name == "hidden" and isinstance(value, str):
            value = parse_hidden(value)
        config[name] = value
    return config


def parse_hidden(text: str) -> list[int]:
    """``"64,32"`` → ``[64, 32]``."""
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise RunError(f"--hidden must be layer sizes like 64,32, got {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise RunError(f"--hidden must be positive layer sizes like 64,32, got {text!r}")
    return sizes


# ------------------------------------------------------------------ data
def _read(data: str, target: str | None, task: str | None) -> Any:
    """A :class:`numnet.data.Table` of a built-in dataset or a file."""
    from numnet.data import DataError, builtin_names, read_data

    if target is not None and data in builtin_names():
        raise RunError(f"--target is for files; the built-in {data!r} has its target")
    try:
        return read_data(data, target=target, task=task)
    except DataError as error:
        raise RunError(str(error)) from None


# ------------------------------------------------------------------ model
def build_model(n_features: int, n_outputs: int, config: RunConfig) -> Any:
    """An MLP: ``Linear → activation (→ Dropout)`` per hidden layer, then a ``Linear`` head."""
    from numnet import nn

    return nn.mlp(
        n_features, config.hidden, n_outputs, config.activation, config.dropout, rng=config.seed
    )


def _probabilities(scores: np.ndarray) -> np.ndarray:
    return softmax_array(scores.astype(np.float64), axis=1)


def _scores(task: str, y: np.ndarray, output: np.ndarray, y_scale: tuple) -> dict[str, float]:
    from numnet import metrics

    if task == "classification":
        return {
            "accuracy": float(metrics.accuracy_score(y, output.argmax(axis=1))),
            "log_loss": float(
                metrics.log_loss(y, _probabilities(output), labels=np.arange(output.shape[1]))
            ),
        }
    prediction = output[:, 0] * y_scale[1] + y_scale[0]
    return {
        "mse": float(metrics.mean_squared_error(y, prediction)),
        "rmse": float(metrics.root_mean_squared_error(y, prediction)),
        "mae": float(metrics.mean_absolute_error(y, prediction)),
        "r2": float(metrics.r2_score(y, prediction)),
    }


# ------------------------------------------------------------------ train
def _new_run_dir(out: str | None) -> Path:
    if out is not None:
        path = Path(out)
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise RunError(f"--out {path} already exists and is not empty; choose another folder")
        return path
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = Path("runs") / stamp
    suffix = 1
    while path.exists():
        suffix += 1
        path = Path("runs") / f"{stamp}-{suffix}"
    return path


def train_run(config: RunConfig, progress: bool = True) -> tuple[Path, dict[str, Any]]:
    """Train an MLP as ``config`` says and write the run folder; return it and the test metrics."""
    from numnet import nn
    from numnet.data import train_test_split
    from numnet.plot import plot_history
    from numnet.serialization import save
    from numnet.train import EarlyStopping, Trainer

    config.check()
    run_dir = _new_run_dir(config.out)
    from numnet.data import infer_task

    table = _read(config.data, config.target, config.task)
    X, y = table.X, table.y
    task = table.task or infer_task(y)
    if task == "classification":
        labels, y = np.unique(y, return_inverse=True)
        names = table.classes[labels] if table.classes is not None else labels
        classes = [_plain(label) for label in names]
        if len(labels) < 2:
            raise RunError(f"{config.data}: the target has one class only; need at least two")
        n_outputs, loss = len(labels), nn.CrossEntropyLoss()
    else:
        classes, n_outputs, loss = None, 1, nn.MSELoss()
        y = y.astype(np.float64)
    stratify = y if task == "classification" else None
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=config.test_size, stratify=stratify, random_state=config.seed
    )
    mean, scale = X_train.mean(axis=0), X_train.std(axis=0)
    scale[scale == 0] = 1.0  # a constant feature stays constant (0) instead of dividing by 0
    y_scale = (float(y_train.mean()), float(y_train.std() or 1.0)) if task == "regression" else None

    def standardize(X: np.ndarray) -> np.ndarray:
        return ((X - mean) / scale).astype(np.float32)

    def scale_target(y: np.ndarray) -> np.ndarray:
        return y if y_scale is None else ((y - y_scale[0]) / y_scale[1]).astype(np.float32)

    model = build_model(X.shape[1], n_outputs, config)
    # 10% of the training rows are held out for the validation curve (and early stopping);
    # the test rows are only used once, at the end.
    callbacks = []
    if config.early_stopping:
        callbacks.append(EarlyStopping(monitor="val_loss", patience=config.early_stopping))
    trainer = Trainer(
        model, loss, config.optimizer, lr=config.lr,
        metrics=["accuracy"] if task == "classification" else ["mae"],
        callbacks=callbacks, l1=config.l1, l2=config.l2, progress=progress,
    )  # fmt: skip
    started = time.perf_counter()
    history = trainer.fit(
        (standardize(X_train), scale_target(y_train)), epochs=config.epochs,
        batch_size=config.batch_size, seed=config.seed, validation_split=0.1,
        checkpoint=config.resume, resume=config.resume,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    scores = _scores(task, y_test, trainer.predict(standardize(X_test)), y_scale or (0.0, 1.0))
    metrics = {
        "task": task,
        "test": scores,
        "n_train": int(len(y_train)),
        "n_test": int(len(y_test)),
        "epochs_run": len(history),
        "stop_reason": history.stop_reason,
        "train_seconds": round(seconds, 3),
    }
    settings = dataclasses.asdict(config)
    settings["out"] = settings["resume"] = None
    run = {
        "format": "numnet.run/1",
        "config": settings,
        "task": task,
        "features": list(table.feature_names),
        "target": table.target_name,
        "classes": classes,
        "feature_mean": mean.tolist(),
        "feature_scale": scale.tolist(),
        "target_scale": list(y_scale) if y_scale else None,
    }
    staging = run_dir.parent / f".{run_dir.name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        save(model, staging / "model.safetensors")
        write_atomic(staging / "run.json", json.dumps(run, indent=2) + "\n")
        write_atomic(staging / "metrics.json", json.dumps(metrics, indent=2) + "\n")
        write_atomic(staging / "history.csv", history.to_csv())
        if len(history):
            plot_history(history, path=staging / "learning_curve.png")
        if run_dir.exists():  # an empty folder named by --out
            run_dir.rmdir()
        os.replace(staging, run_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return run_dir, metrics


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


# ------------------------------------------------------------------ evaluate / predict
def _open_run(run: str | os.PathLike) -> tuple[dict[str, Any], Any]:
    from numnet.serialization import SerializationError, load

    run = Path(run)
    if not (run / "run.json").is_file():
        raise RunError(f"{run}: not a numnet run folder (no run.json); train one with numnet train")
    try:
        info = json.loads((run / "run.json").read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RunError(f"{run / 'run.json'}: corrupt ({error})") from None
    if info.get("format") != "numnet.run/1":
        raise RunError(f"{run / 'run.json'}: not a numnet run description")
    try:
        model = load(run / "model.safetensors")
    except (SerializationError, OSError) as error:
        raise RunError(str(error)) from None
    return info, model


def _features_for(info: dict[str, Any], data: str, need_target: bool) -> tuple[np.ndarray, Any]:
    """X (standardized like the training data) and y (None when absent) from ``data``."""
    from numnet.data import DataError, read_data

    n_expected = len(info["features"])
    try:
        table = read_data(data, info["target"], info["task"], require_target=need_target)
    except DataError as error:
        raise RunError(str(error)) from None
    X, y, classes = table.X, table.y, table.classes
    if X.shape[1] != n_expected:
        raise RunError(
            f"{data}: has {X.shape[1]} feature columns, the model was trained on {n_expected} "
            f"({', '.join(info['features'][:8])}{', ...' if n_expected > 8 else ''})"
        )
    mean = np.asarray(info["feature_mean"])
    scale = np.asarray(info["feature_scale"])
    X = ((X - mean) / scale).astype(np.float32)
    if y is not None and info["task"] == "classification":
        y = _encode_labels(y, classes, info["classes"], data)
    return X, y


def _encode_labels(y: np.ndarray, classes: Any, known: list, data: str) -> np.ndarray:
    values = [classes[int(v)] for v in y] if classes is not None else [_plain(v) for v in y]
    index = {str(label): i for i, label in enumerate(known)}
    codes = np.empty(len(values), dtype=np.int64)
    for row, value in enumerate(values):
        code = index.get(str(value))
        if code is None:
            raise RunError(
                f"{data}: row {row + 2} has class {value!r}, unknown to the model "
                f"(classes: {', '.join(map(str, known))})"
            )
        codes[row] = code
    return codes


def evaluate_run(run: str | os.PathLike, data: str) -> dict[str, float]:
    """Scores of the run's model on ``data`` (which must contain the target)."""
    info, model = _open_run(run)
    X, y = _features_for(info, data, need_target=True)
    from numnet.train import predict

    output = predict(model, X)
    y_scale = tuple(info["target_scale"]) if info["target_scale"] else (0.0, 1.0)
    return _scores(info["task"], y, output, y_scale)


def predict_run(run: str | os.PathLike, data: str, output: str | os.PathLike) -> int:
    """Write the run's predictions for ``data`` to the CSV ``output``; return the row count."""
    from numnet.train import predict

    info, model = _open_run(run)
    X, _ = _features_for(info, data, need_target=False)
    scores = predict(model, X)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if info["task"] == "classification":
        classes = info["classes"]
        probabilities = _probabilities(scores)
        writer.writerow(["prediction", *(f"p_{c}" for c in classes)])
        for row, p in zip(scores.argmax(axis=1), probabilities):
            writer.writerow([classes[row], *(repr(float(v)) for v in p)])
    else:
        mean, scale = info["target_scale"]
        writer.writerow(["prediction"])
        for value in scores[:, 0] * scale + mean:
            writer.writerow([repr(float(value))])
    write_atomic(output, buffer.getvalue())
    return len(scores)
