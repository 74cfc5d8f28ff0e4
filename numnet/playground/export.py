"""Exporting a session: the trained network as a ``numnet.save`` file, and a Python script.

The script spells out, with public numnet APIs only, what the session does: the same data
(``numnet.data``'s generator with the same seed, or the uploaded points embedded in it), the
same network drawn from the same seed, the same optimizer, shuffles and loss, so running it
for n epochs prints the session's losses after n epochs (the tests hold it to 1e-12). It runs
without the playground's web dependencies.
"""

from __future__ import annotations

import json
import pprint
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import numnet

if TYPE_CHECKING:
    from numnet.playground.session import Session

__all__ = ["model_bytes", "python_script"]

_FEATURE_CODE = {
    "x1": "x1", "x2": "x2", "x1^2": "x1 * x1", "x2^2": "x2 * x2", "x1x2": "x1 * x2",
    "sin_x1": "np.sin(x1)", "sin_x2": "np.sin(x2)",
}  # fmt: skip
_ACTIVATION_CODE = {
    "tanh": "nn.Tanh()", "relu": "nn.ReLU()", "sigmoid": "nn.Sigmoid()",
    "linear": "nn.Identity()", "elu": "nn.ELU()", "softplus": "nn.Softplus()",
    "arctan": "nn.ArcTan()",
}  # fmt: skip


def model_bytes(session: Session) -> bytes:
    """The session's network as the bytes of a ``numnet.save`` file (safetensors).

    ``numnet.load`` on these bytes rebuilds the ``Sequential`` with the same weights (and
    batch-norm statistics); in ``eval()`` mode it maps the selected features, in canonical
    order, to the raw network output.

    Examples
    --------
    >>> import os, tempfile, numnet
    >>> from numnet.playground.session import Session
    >>> path = os.path.join(tempfile.mkdtemp(), "m.safetensors")
    >>> with open(path, "wb") as file:
    ...     _ = file.write(model_bytes(Session({"hidden": [2]})))
    >>> len(numnet.load(path))
    4
    """
    with session._lock, tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "numnet-playground.safetensors"
        numnet.save(session.model, path)
        return path.read_bytes()


def _data_code(session: Session) -> list[str]:
    config = session.config
    lines = ["def make_data():"]
    if config["dataset"] == "upload":
        upload = session.upload
        lines += [
            "    # the uploaded CSV, already rescaled into [-5, 5]^2 (labels -1/+1 for classes)",
            f"    X = np.array({json.dumps(upload.X.tolist())})",
            f"    y = np.array({json.dumps(upload.y.tolist())})",
            "    order = np.random.default_rng(DATA_SEED).permutation(len(y))",
            "    X, y = X[order], y[order]",
        ]
    else:
        noise = config["noise"] / 100
        lines.append(
            f"    X, y = numnet.data.{config['dataset']}({config['n_samples']}, "
            f"noise={noise!r}, seed=DATA_SEED)  # TensorFlow Playground's generator, shuffled"
        )
        if config["problem"] == "classification":
            lines.append("    y = 2.0 * y - 1.0  # labels 0/1 -> -1 (orange) / +1 (blue)")
        else:
            lines.append("    y = y.astype(np.float64)")
    lines += [
        "    n = len(y)",
        "    n_train = min(max(int(round(n * TRAIN_RATIO / 100)), 1), n - 1)",
        "    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]",
    ]
    return lines


def _model_code(session: Session) -> list[str]:
    config = session.config
    lines = [
        "def build_model():",
        "    rng = np.random.default_rng(SEED)  # the initial weights, layer by layer",
        "    return nn.Sequential(",
    ]
    fan_in = len(config["features"])
    for i, (width, name) in enumerate(zip(config["hidden"], config["activations"])):
        lines.append(f'        nn.Linear({fan_in}, {width}, rng=rng, dtype="float64"),')
        if config["batch_norm"]:
            lines.append(f'        nn.BatchNorm1d({width}, dtype="float64"),')
        lines.append(f"        {_ACTIVATION_CODE[name]},")
        if config["dropout"] > 0:
            masks = f"np.random.default_rng([SEED, 2, {i}])"
            lines.append(f"        nn.Dropout({config['dropout']!r}, rng={masks}),")
        fan_in = width
    lines.append(f'        nn.Linear({fan_in}, 1, rng=rng, dtype="float64"),')
    if config["problem"] == "classification" and config["loss"] == "mse":
        lines.append("        nn.Tanh(),  # TensorFlow Playground's output in [-1, 1]")
    lines.append("    )")
    return lines


def python_script(session: Session) -> str:
    """A runnable script that reproduces ``session`` from epoch 0 (``--epochs N``)."""
    with session._lock:
        config = dict(session.config)
        data_lines = _data_code(session)
        model_lines = _model_code(session)
        epochs = session.epoch if session.epoch > 0 else 100
    features = ", ".join(_FEATURE_CODE[name] for name in config["features"])
    if config["optimizer"] == "adam":
        optimizer = f"Adam(model.parameters(), lr={config['learning_rate']!r})"
    elif config["optimizer"] == "momentum":
        optimizer = (
            f"SGD(model.parameters(), lr={config['learning_rate']!r}, "
            f"momentum={config['momentum']!r})"
        )
    else:
        optimizer = f"SGD(model.parameters(), lr={config['learning_rate']!r})"
    if config["loss"] == "cross_entropy":
        loss_lines = [
            "def loss_fn(output, target):  # binary cross-entropy of one logit",
            "    return F.binary_cross_entropy_with_logits(output, target)",
            "",
            "",
            "def targets(y):",
            "    return ((y + 1.0) / 2.0).reshape(-1, 1).astype(np.float64)",
        ]
    else:
        loss_lines = [
            "def loss_fn(output, target):  # TensorFlow Playground's 1/2 mean squared error",
            "    return F.mse_loss(output, target) * 0.5",
            "",
            "",
            "def targets(y):",
            "    return y.reshape(-1, 1).astype(np.float64)",
        ]
    penalty = ""
    if config["regularization"] == "l1" and config["reg_rate"] > 0:
        penalty = f"                loss = loss + l1_penalty(weights, {config['reg_rate']!r})\n"
    elif config["regularization"] == "l2" and config["reg_rate"] > 0:
        penalty = f"                loss = loss + l2_penalty(weights, {config['reg_rate']!r} / 2)\n"
    if config["problem"] == "classification":
        threshold = "0.5" if config["loss"] == "cross_entropy" else "0.0"
        accuracy = (
            f"    accuracy = float(np.mean((output.data > 0) == (target > {threshold})))\n"
            "    return loss, accuracy\n"
        )
    else:
        accuracy = "    return loss, None\n"
    return f'''"""A numnet playground session as a script: same data, network, seeds and training.

Generated by `numnet playground`. Run it with `python numnet_playground.py --epochs {epochs}`;
it prints the train and test loss after every epoch, as the playground's chart shows them.
The full settings of the session:

{pprint.pformat(config, width=90, sort_dicts=False)}
"""

import argparse

import numpy as np

import numnet
import numnet.functional as F
from numnet import nn
from numnet.optim import SGD, Adam, l1_penalty, l2_penalty  # noqa: F401

SEED = {config["seed"]}  # initial weights, dropout masks and the shuffle of every epoch
DATA_SEED = {config["data_seed"]}  # the data set and the train/test split
TRAIN_RATIO = {config["train_ratio"]}  # percent of the points used for training
BATCH_SIZE = {config["batch_size"]}
BATCH_NORM = {config["batch_norm"]}


{chr(10).join(data_lines)}


def features(X):
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([{features}])


{chr(10).join(model_lines)}


{chr(10).join(loss_lines)}


def batches(order):
    chunks = [order[i : i + BATCH_SIZE] for i in range(0, len(order), BATCH_SIZE)]
    if BATCH_NORM and len(chunks) > 1 and len(chunks[-1]) == 1:
        chunks[-2:] = [np.concatenate(chunks[-2:])]  # batch norm needs two points per batch
    return chunks


def evaluate(model, inputs, target):
    with numnet.no_grad(), model.training_mode(False):
        output = model(inputs)
        loss = float(loss_fn(output, target).item())
{accuracy}

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default={epochs})
    parser.add_argument("--save", help="write the trained model here (numnet.save)")
    args = parser.parse_args(argv)

    X_train, y_train, X_test, y_test = make_data()
    inputs_train, inputs_test = features(X_train), features(X_test)
    target_train, target_test = targets(y_train), targets(y_test)
    model = build_model()
    optimizer = {optimizer}
    shuffle_rng = np.random.default_rng([SEED, 1])
    weights = [p for p in model.parameters() if p.ndim >= 2]  # regularized: never biases

    for epoch in range(args.epochs + 1):
        if epoch > 0:
            model.train()
            for index in batches(shuffle_rng.permutation(len(target_train))):
                optimizer.zero_grad()
                loss = loss_fn(model(inputs_train[index]), target_train[index])
{penalty}                loss.backward()
                optimizer.step()
        train_loss, train_accuracy = evaluate(model, inputs_train, target_train)
        test_loss, test_accuracy = evaluate(model, inputs_test, target_test)
        print(f"epoch {{epoch}} train_loss {{train_loss!r}} test_loss {{test_loss!r}}"
              + (f" test_accuracy {{test_accuracy}}" if test_accuracy is not None else ""))
    if args.save:
        numnet.save(model, args.save)


if __name__ == "__main__":
    main()
'''
