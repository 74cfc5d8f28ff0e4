"""One playground session: its data, its network, its optimizer and its training history.

This is the training core of the playground; it imports nothing from the web stack, so the
exported Python script and the tests use it without Starlette. Everything random is seeded:

- ``data_seed`` draws the data set (``numnet.data``'s TensorFlow Playground generators, which
  shuffle the points) and, for an uploaded file, the order of its rows; the first
  ``round(n · train_ratio / 100)`` points are the training set.
- ``seed`` draws the initial weights (``np.random.default_rng(seed)``, layer by layer), the
  shuffle of every epoch (``default_rng([seed, 1])``) and each dropout layer's masks
  (``default_rng([seed, 2, layer])``). So the same config gives the same data and the same
  initial weights bit for bit, and :meth:`Session.reset` reproduces them.

The loss follows TensorFlow Playground: ``"mse"`` is ``½ · mean (ŷ − y)²`` (for
classification a tanh output against labels -1/+1); ``"cross_entropy"`` is the mean binary
cross-entropy of one logit against ``(y + 1) / 2``. L1 adds ``reg_rate · Σ|w|`` and L2
``reg_rate · ½ Σ w²`` over the weight matrices only, never biases (so the gradient step is
Playground's ``w ← w − η · reg_rate · w`` for L2).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

import numnet
import numnet.functional as F
from numnet import nn
from numnet.data import circle, gauss, multi_gauss, plane, spiral, xor
from numnet.optim import SGD, Adam, l1_penalty, l2_penalty
from numnet.playground.config import ACTIVATION_NAMES, MAX_SEED, ConfigError, normalize_config
from numnet.playground.features import feature_matrix
from numnet.playground.upload import Upload, parse_csv

__all__ = [
    "Data", "Session", "make_data", "build_model", "make_optimizer", "batches", "loss_fn",
    "GENERATORS", "ACTIVATION_MODULES",
]  # fmt: skip

GENERATORS = {
    "circle": circle, "xor": xor, "gauss": gauss, "spiral": spiral, "plane": plane,
    "multi_gauss": multi_gauss,
}  # fmt: skip
# The page's activation names; "linear" is Playground's word for numnet's "identity".
ACTIVATION_MODULES: dict[str, type[nn.Module]] = {
    name: nn.ACTIVATIONS["identity" if name == "linear" else name] for name in ACTIVATION_NAMES
}


@dataclass
class Data:
    """Points (x1, x2) and labels of the training and test sets.

    ``y`` is -1/+1 for classification and the target value for regression, shape (n,).
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def make_data(config: Mapping[str, Any], upload: Upload | None = None) -> Data:
    """The data set of ``config``, split into training and test points.

    Parameters
    ----------
    config : dict
        A normalized config (:func:`~numnet.playground.config.normalize_config`).
    upload : Upload, optional
        The session's uploaded file, used when ``config["dataset"] == "upload"``.

    Returns
    -------
    Data

    Examples
    --------
    >>> from numnet.playground.config import normalize_config
    >>> data = make_data(normalize_config({"dataset": "spiral", "train_ratio": 30}))
    >>> data.X_train.shape, data.X_test.shape, sorted(set(data.y_train.tolist()))
    ((150, 2), (350, 2), [-1.0, 1.0])
    """
    if config["dataset"] == "upload":
        if upload is None:
            raise ConfigError('dataset "upload" needs a CSV file: upload one first')
        order = np.random.default_rng(config["data_seed"]).permutation(len(upload.y))
        X, y = upload.X[order], upload.y[order]
    else:
        generate = GENERATORS[config["dataset"]]
        X, y = generate(config["n_samples"], noise=config["noise"] / 100, seed=config["data_seed"])
        y = 2.0 * y - 1.0 if config["problem"] == "classification" else y.astype(np.float64)
    n = len(y)
    n_train = min(max(int(round(n * config["train_ratio"] / 100)), 1), n - 1)
    return Data(X[:n_train], y[:n_train], X[n_train:], y[n_train:])


def build_model(config: Mapping[str, Any]) -> nn.Sequential:
    """The network of ``config``, with its initial weights drawn from ``config["seed"]``.

    Per hidden layer: ``Linear`` (numnet's default init, float64), ``BatchNorm1d`` if
    ``batch_norm``, the activation, ``Dropout`` if ``dropout > 0``; then ``Linear(·, 1)`` and,
    for classification with ``"mse"``, ``Tanh``.

    Examples
    --------
    >>> from numnet.playground.config import normalize_config
    >>> build_model(normalize_config({"hidden": [3], "features": ["x1", "x2", "x1x2"]}))
    Sequential(
      (0): Linear(in_features=3, out_features=3, bias=True)
      (1): Tanh()
      (2): Linear(in_features=3, out_features=1, bias=True)
      (3): Tanh()
    )
    """
    seed = config["seed"]
    rng = np.random.default_rng(seed)
    layers: list[nn.Module] = []
    fan_in = len(config["features"])
    for i, (width, name) in enumerate(zip(config["hidden"], config["activations"])):
        layers.append(nn.Linear(fan_in, width, rng=rng, dtype="float64"))
        if config["batch_norm"]:
            layers.append(nn.BatchNorm1d(width, dtype="float64"))
        layers.append(ACTIVATION_MODULES[name]())
        if config["dropout"] > 0:
            layers.append(nn.Dropout(config["dropout"], rng=np.random.default_rng([seed, 2, i])))
        fan_in = width
    layers.append(nn.Linear(fan_in, 1, rng=rng, dtype="float64"))
    if config["problem"] == "classification" and config["loss"] == "mse":
        layers.append(nn.Tanh())
    return nn.Sequential(*layers)


def make_optimizer(config: Mapping[str, Any], model: nn.Module) -> numnet.optim.Optimizer:
    """SGD, SGD with momentum or Adam over ``model``'s parameters, at ``learning_rate``."""
    params = list(model.parameters())
    if config["optimizer"] == "adam":
        return Adam(params, lr=config["learning_rate"])
    momentum = config["momentum"] if config["optimizer"] == "momentum" else 0.0
    return SGD(params, lr=config["learning_rate"], momentum=momentum)


def batches(order: np.ndarray, batch_size: int, batch_norm: bool = False) -> list[np.ndarray]:
    """Consecutive slices of ``order``; with batch norm a last batch of one joins the previous.

    >>> [b.tolist() for b in batches(np.arange(5), 2, batch_norm=True)]
    [[0, 1], [2, 3, 4]]
    """
    chunks = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    if batch_norm and len(chunks) > 1 and len(chunks[-1]) == 1:
        # batch statistics of a single point are undefined (zero variance, 0/0 running var)
        chunks[-2:] = [np.concatenate(chunks[-2:])]
    return chunks


def loss_fn(config: Mapping[str, Any]) -> Any:
    """``loss(output, target) -> Tensor`` of the config (see the module docstring)."""
    if config["loss"] == "cross_entropy":
        return F.binary_cross_entropy_with_logits
    return lambda output, target: F.mse_loss(output, target) * 0.5


def _targets(config: Mapping[str, Any], y: np.ndarray) -> np.ndarray:
    """The column the network is trained against: (y + 1) / 2 for cross-entropy, else y."""
    y = y if config["loss"] != "cross_entropy" else (y + 1.0) / 2.0
    return y.reshape(-1, 1).astype(np.float64)


def _finite(value: float) -> float | None:
    """A float JSON can carry: NaN and infinities become None (null)."""
    return value if np.isfinite(value) else None


class Session:
    """One playground: data, network, optimizer, epoch counter, history, play state.

    Thread-safe: every method that reads or changes the network holds the session's lock, so
    a server may call them from worker threads. :attr:`playing` is a plain flag that the
    training loop (:meth:`play_chunk`) reads between epochs, which is where a pause lands.

    Parameters
    ----------
    config : dict, optional
        A partial config; missing fields take their defaults.
    rng : Generator or int, optional
        Draws the new seeds of :meth:`reseed` and :meth:`regenerate` when none is given.

    Examples
    --------
    >>> session = Session({"dataset": "gauss", "hidden": [2]})
    >>> session.epoch, len(session.history["epoch"])
    (0, 1)
    >>> _ = session.step()
    >>> session.epoch, session.history["epoch"]
    (1, [0, 1])
    """

    def __init__(
        self, config: Mapping[str, Any] | None = None, rng: np.random.Generator | int | None = None
    ) -> None:
        self._lock = threading.RLock()
        self._seed_rng = np.random.default_rng(rng)
        self.upload: Upload | None = None
        self.config = normalize_config(dict(config or {}))
        self.playing = False
        self.stop_reason: str | None = None
        self.epoch_ms = 0.0
        self._frame_s = 0.0  # seconds the last frame of play_chunk took to build
        self._build(data=True)

    # --------------------------------------------------------------- building
    def _build(self, data: bool) -> None:
        """(Re)draw the data if asked, the network from ``seed``; back to epoch 0."""
        config = self.config
        if data:
            self.data = make_data(config, self.upload)
            self._inputs_train = feature_matrix(self.data.X_train, config["features"])
            self._inputs_test = feature_matrix(self.data.X_test, config["features"])
        self._targets_train = _targets(config, self.data.y_train)
        self._targets_test = _targets(config, self.data.y_test)
        self.model = build_model(config)
        self.optimizer = make_optimizer(config, self.model)
        self._loss = loss_fn(config)
        self._shuffle_rng = np.random.default_rng([config["seed"], 1])
        self.epoch = 0
        self.stop_reason = None
        self.epoch_ms = 0.0
        self.history: dict[str, list] = {
            key: [] for key in ("epoch", "train_loss", "test_loss", "train_accuracy",
                                "test_accuracy")
        }  # fmt: skip
        self._record()

    def _upload_rows(self) -> int | None:
        return len(self.upload.y) if self.upload is not None else None

    def update_config(self, patch: Mapping[str, Any]) -> bool:
        """Apply a partial config; returns True when the data or network was rebuilt.

        Fields that shape the data or the network reset to epoch 0 (see
        :data:`~numnet.playground.config.REBUILD_FIELDS`); the others keep the weights and
        the epoch (a new optimizer type restarts the optimizer's state).
        """
        with self._lock:
            new = normalize_config(patch, self.config, self._upload_rows())
            old = self.config
            changed = {key for key in new if new[key] != old[key]}
            if new["dataset"] == "upload" and self.upload.problem != new["problem"]:
                self.upload = parse_csv(self.upload.text, new["problem"])
                changed.add("dataset")
            if not changed:
                return False
            data_fields = {"problem", "dataset", "noise", "train_ratio", "n_samples", "data_seed"}
            network_fields = {"features", "hidden", "activations", "loss", "dropout",
                              "batch_norm", "seed"}  # fmt: skip
            self.config = new
            if changed & (data_fields | network_fields):
                self.playing = False
                self._build(data=bool(changed & (data_fields | {"features"})))
                return True
            if "optimizer" in changed:
                self.optimizer = make_optimizer(new, self.model)
            for group in self.optimizer.param_groups:
                group["lr"] = new["learning_rate"]
                if new["optimizer"] == "momentum":
                    group["momentum"] = new["momentum"]
            if {"epoch_limit", "stop_loss"} & changed:
                self.stop_reason = None
            return False

    def set_upload(self, upload: Upload) -> None:
        """Use an uploaded file as the data set (dataset "upload"): back to epoch 0."""
        with self._lock:
            previous = self.upload
            self.upload = upload
            try:
                self.config = normalize_config(
                    {"dataset": "upload", "problem": upload.problem}, self.config, len(upload.y)
                )
            except ConfigError:
                self.upload = previous
                raise
            self.playing = False
            self._build(data=True)

    def reset(self) -> None:
        """Back to epoch 0 with the same initial weights, bit for bit; history cleared."""
        with self._lock:
            self.playing = False
            self._build(data=False)

    def reseed(self, seed: int | None = None) -> None:
        """New initial weights: ``seed`` or one drawn from the session's generator."""
        self._reseed("seed", seed)

    def regenerate(self, data_seed: int | None = None) -> None:
        """A new draw of the data: ``data_seed`` or one drawn from the session's generator."""
        self._reseed("data_seed", data_seed)

    def _reseed(self, name: str, value: int | None) -> None:
        with self._lock:
            if value is None:
                value = int(self._seed_rng.integers(0, MAX_SEED + 1))
            config = normalize_config({name: value}, self.config, self._upload_rows())
            self.config = config
            self.playing = False
            self._build(data=name == "data_seed")

    # --------------------------------------------------------------- training
    def _train_epoch(self) -> None:
        """One pass over the shuffled training set in mini-batches, then the losses."""
        config, model, optimizer = self.config, self.model, self.optimizer
        model.train()
        order = self._shuffle_rng.permutation(len(self._targets_train))
        weights = [p for p in model.parameters() if p.ndim >= 2]
        for index in batches(order, config["batch_size"], config["batch_norm"]):
            optimizer.zero_grad()
            loss = self._loss(model(self._inputs_train[index]), self._targets_train[index])
            if config["regularization"] == "l1" and config["reg_rate"] > 0:
                loss = loss + l1_penalty(weights, config["reg_rate"])
            elif config["regularization"] == "l2" and config["reg_rate"] > 0:
                loss = loss + l2_penalty(weights, config["reg_rate"] / 2)
            loss.backward()
            optimizer.step()
        self.epoch += 1
        self._record()

    def _evaluate(self, inputs: np.ndarray, targets: np.ndarray) -> tuple[float, float | None]:
        """Loss and accuracy (None for regression) in prediction mode."""
        with numnet.no_grad(), self.model.training_mode(False):
            output = self.model(inputs)
            loss = float(self._loss(output, targets).item())
        if self.config["problem"] != "classification":
            return loss, None
        threshold = 0.5 if self.config["loss"] == "cross_entropy" else 0.0
        accuracy = float(np.mean((output.data > 0) == (targets > threshold)))
        return loss, accuracy

    def _record(self) -> None:
        with np.errstate(all="ignore"):
            train = self._evaluate(self._inputs_train, self._targets_train)
            test = self._evaluate(self._inputs_test, self._targets_test)
        history = self.history
        history["epoch"].append(self.epoch)
        history["train_loss"].append(train[0])
        history["test_loss"].append(test[0])
        history["train_accuracy"].append(train[1])
        history["test_accuracy"].append(test[1])

    @property
    def train_loss(self) -> float:
        return self.history["train_loss"][-1]

    @property
    def test_loss(self) -> float:
        return self.history["test_loss"][-1]

    def _stop_check(self) -> str | None:
        """Why training should pause now, or None."""
        config = self.config
        if not (np.isfinite(self.train_loss) and np.isfinite(self.test_loss)):
            return "loss is NaN/inf"
        if config["epoch_limit"] is not None and self.epoch >= config["epoch_limit"]:
            return "epoch limit reached"
        if config["stop_loss"] is not None and self.test_loss <= config["stop_loss"]:
            return f"test loss {self.test_loss:.4f} <= {config['stop_loss']:g}"
        return None

    def _timed_epochs(self, budget_s: float, at_least_one: bool) -> None:
        times = []
        start = time.perf_counter()
        with np.errstate(all="ignore"):  # a diverging run is reported as "loss is NaN/inf"
            while self.playing or (at_least_one and not times):
                began = time.perf_counter()
                self._train_epoch()
                times.append(time.perf_counter() - began)
                reason = self._stop_check()
                if reason is not None:
                    self.playing = False
                    self.stop_reason = reason
                    break
                if time.perf_counter() - start >= budget_s:
                    break
        if times:
            self.epoch_ms = 1000.0 * sum(times) / len(times)

    def start(self) -> bool:
        """Start playing; False (and :attr:`stop_reason` set) if a stop condition holds already."""
        with self._lock:
            reason = self._stop_check()
            self.stop_reason = reason
            self.playing = reason is None
            return self.playing

    def pause(self) -> None:
        """Stop playing after the epoch in progress (the flag is read between epochs)."""
        self.playing = False

    def play_chunk(self, budget_s: float = 1 / 15) -> dict[str, Any]:
        """While playing: train whole epochs, then a frame, in about ``budget_s`` in all.

        At least one epoch; the time the previous frame took to build is taken off the
        training time, so frames come every ``budget_s`` when epochs are short.

        Stops itself (``playing = False``, :attr:`stop_reason` set) at the epoch limit, at
        the stop loss or when the loss is not finite.
        """
        with self._lock:
            if self.playing:
                # the frame's own cost comes out of the budget, so frames keep their pace
                self._timed_epochs(budget_s - self._frame_s, at_least_one=True)
            began = time.perf_counter()
            frame = self.frame()
            self._frame_s = time.perf_counter() - began
            return frame

    def step(self) -> dict[str, Any]:
        """Pause, train exactly one epoch, and return the frame."""
        self.playing = False
        with self._lock:
            self.stop_reason = None
            self._timed_epochs(0.0, at_least_one=True)
            return self.frame()

    def train(self, epochs: int) -> None:
        """Train ``epochs`` epochs (no stop conditions), e.g. for tests and scripts."""
        with self._lock, np.errstate(all="ignore"):
            for _ in range(epochs):
                self._train_epoch()

    # ----------------------------------------------------------------- output
    def predict(self, X: np.ndarray) -> np.ndarray:
        """The raw network output (tanh value, logit or regression value) at points (n, 2)."""
        with self._lock, numnet.no_grad(), self.model.training_mode(False):
            return self.model(feature_matrix(X, self.config["features"])).data[:, 0]

    def frame(self) -> dict[str, Any]:
        """The FRAME of the API contract (heatmaps, losses, weights)."""
        from numnet.playground.frames import build_frame

        with self._lock:
            return build_frame(self)

    def data_json(self) -> dict[str, list]:
        """DATA: ``{"train": [[x1, x2, label], ...], "test": [...]}``, rounded to 4 decimals."""
        data = self.data
        return {
            "train": np.round(np.column_stack([data.X_train, data.y_train]), 4).tolist(),
            "test": np.round(np.column_stack([data.X_test, data.y_test]), 4).tolist(),
        }

    def history_json(self) -> dict[str, list]:
        """HISTORY, with non-finite losses as None."""
        return {
            key: [v if v is None or isinstance(v, int) else _finite(v) for v in values]
            for key, values in self.history.items()
        }

    def state(self) -> dict[str, Any]:
        """``{"config", "data", "frame", "history"}``: what GET returns."""
        with self._lock:
            return {
                "config": dict(self.config),
                "data": self.data_json(),
                "frame": self.frame(),
                "history": self.history_json(),
            }
