"""Callbacks: code the training loop calls at fixed points of every epoch.

A callback overrides any of the hooks below; each receives the running
:class:`~numnet.train.Trainer`, whose ``model``, ``optimizer``, ``history``
and ``stop(reason)`` it may use. A callback that keeps state across epochs
(a best score, a patience counter, the best weights) returns it from
``state_dict`` so that a run resumed from a checkpoint continues exactly.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from numnet._atomic import write_atomic
from numnet.train.history import resolve_mode

if TYPE_CHECKING:
    from numnet.train.trainer import Trainer

__all__ = [
    "Callback",
    "EarlyStopping",
    "ModelCheckpoint",
    "LearningRateScheduler",
    "CSVLogger",
    "JSONLLogger",
]


class Callback:
    """Base class; every hook does nothing until overridden."""

    def on_train_begin(self, trainer: Trainer) -> None: ...

    def on_epoch_begin(self, trainer: Trainer, epoch: int) -> None: ...

    def on_batch_end(self, trainer: Trainer, batch: int, logs: dict[str, float]) -> None: ...

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None: ...

    def on_train_end(self, trainer: Trainer) -> None: ...

    def state_dict(self) -> dict[str, Any]:
        """JSON values, or dicts of arrays (weights), needed to resume."""
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned."""


def _monitored(callback: str, monitor: str, logs: dict[str, float]) -> float:
    if monitor not in logs:
        hint = " (pass validation_data or validation_split)" if monitor.startswith("val_") else ""
        raise ValueError(
            f"{callback} monitors {monitor!r}, but the epoch logs have "
            f"{', '.join(sorted(logs))}{hint}"
        )
    return logs[monitor]


class _Best:
    """Tracks the best value of a monitored quantity: improvement means beating it by min_delta."""

    def __init__(self, monitor: str, mode: str, min_delta: float) -> None:
        if not (isinstance(min_delta, (int, float)) and min_delta >= 0):
            raise ValueError(f"min_delta must be a number >= 0, got {min_delta!r}")
        self.monitor = monitor
        self.sign = 1.0 if resolve_mode(monitor, mode) == "min" else -1.0
        self.min_delta = float(min_delta)
        self.value = math.inf * self.sign
        self.epoch: int | None = None

    def improves(self, value: float) -> bool:
        if math.isnan(value):
            return False
        return self.sign * (value - self.value) < -self.min_delta or self.epoch is None

    def state(self) -> dict[str, Any]:
        return {"value": self.value, "epoch": self.epoch}

    def load(self, state: dict[str, Any]) -> None:
        self.value, self.epoch = float(state["value"]), state["epoch"]


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    Parameters
    ----------
    monitor : str
        A key of the epoch logs: ``"val_loss"`` (default), ``"loss"``,
        ``"val_accuracy"``...
    patience : int
        Epochs without improvement to wait before stopping.
    min_delta : float
        The smallest change that counts as an improvement.
    mode : {"auto", "min", "max"}
        ``"auto"`` maximizes accuracy-like keys and minimizes the rest.
    restore_best : bool
        When training ends (stopped early, finished, or Ctrl-C), load the
        weights of the best epoch back into the model.

    Examples
    --------
    >>> stop = EarlyStopping(monitor="loss", patience=2)
    >>> stop.patience
    2
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        patience: int = 5,
        min_delta: float = 0.0,
        mode: str = "auto",
        restore_best: bool = True,
    ) -> None:
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
            raise ValueError(f"EarlyStopping: patience must be an int >= 1, got {patience!r}")
        self.monitor, self.patience, self.restore_best = monitor, patience, restore_best
        self._best = _Best(monitor, mode, min_delta)
        self.wait = 0
        self.best_weights: dict[str, np.ndarray] | None = None

    @property
    def best(self) -> float:
        return self._best.value

    @property
    def best_epoch(self) -> int | None:
        return self._best.epoch

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        value = _monitored("EarlyStopping", self.monitor, logs)
        if self._best.improves(value):
            self._best.value, self._best.epoch, self.wait = value, epoch, 0
            if self.restore_best:
                self.best_weights = trainer.model.state_dict()
            return
        self.wait += 1
        if self.wait >= self.patience:
            trainer.stop(
                f"early stopping: {self.monitor} did not improve for {self.patience} epochs "
                f"(best {self.best:.6g} at epoch {self.best_epoch + 1})"
            )

    def on_train_end(self, trainer: Trainer) -> None:
        if self.restore_best and self.best_weights is not None:
            trainer.model.load_state_dict(self.best_weights)

    def state_dict(self) -> dict[str, Any]:
        state: dict[str, Any] = {"best": self._best.state(), "wait": self.wait}
        if self.best_weights is not None:
            state["best_weights"] = self.best_weights
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._best.load(state["best"])
        self.wait = int(state["wait"])
        self.best_weights = state.get("best_weights")


class ModelCheckpoint(Callback):
    """Save the model (safetensors + JSON architecture, atomically) when ``monitor`` improves.

    Parameters
    ----------
    path : str or Path
        The file to write. With ``save_best_only=False`` it is written every
        epoch and may contain ``{epoch}`` and log keys, e.g.
        ``"model-{epoch:03d}-{val_loss:.3f}.safetensors"``.
    monitor, mode, min_delta
        As in :class:`EarlyStopping`.
    save_best_only : bool
        Keep only the best model so far in ``path`` (default).
    """

    def __init__(
        self,
        path: str | os.PathLike,
        monitor: str = "val_loss",
        mode: str = "auto",
        save_best_only: bool = True,
        min_delta: float = 0.0,
    ) -> None:
        self.path = str(path)
        self.monitor, self.save_best_only = monitor, save_best_only
        self._best = _Best(monitor, mode, min_delta)

    @property
    def best(self) -> float:
        return self._best.value

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        if self.save_best_only:
            value = _monitored("ModelCheckpoint", self.monitor, logs)
            if not self._best.improves(value):
                return
            self._best.value, self._best.epoch = value, epoch
            path = self.path
        else:
            path = self.path.format(epoch=epoch + 1, **logs)
        _save_model(trainer.model, path)

    def state_dict(self) -> dict[str, Any]:
        return {"best": self._best.state()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._best.load(state["best"])


def _save_model(model: Any, path: str) -> None:
    from numnet.serialization import save

    try:
        save(model, path)
    except TypeError:  # a custom Module: weights only, rebuilt by the user's class
        save(model, path, architecture=False)


class LearningRateScheduler(Callback):
    """Step a :mod:`numnet.optim.lr_scheduler` scheduler at the end of every epoch.

    ``ReduceLROnPlateau`` is stepped with the value of ``monitor``; every
    other scheduler with no argument. The learning rate used in each epoch
    is logged as ``"lr"`` by the training loop.
    """

    def __init__(self, scheduler: Any, monitor: str = "val_loss") -> None:
        if not hasattr(scheduler, "step") or not hasattr(scheduler, "state_dict"):
            raise TypeError(f"LearningRateScheduler: expected a scheduler, got {scheduler!r}")
        self.scheduler, self.monitor = scheduler, monitor

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        from numnet.optim.lr_scheduler import ReduceLROnPlateau

        if isinstance(self.scheduler, ReduceLROnPlateau):
            self.scheduler.step(_monitored("LearningRateScheduler", self.monitor, logs))
        else:
            self.scheduler.step()

    def state_dict(self) -> dict[str, Any]:
        return {"scheduler": self.scheduler.state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.scheduler.load_state_dict(state["scheduler"])


class CSVLogger(Callback):
    """Write the history as CSV (``epoch`` then every log key), rewritten atomically each epoch."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        write_atomic(self.path, trainer.history.to_csv())


class JSONLLogger(Callback):
    """Write one JSON object per epoch (``{"epoch": 1, "loss": ...}``), rewritten atomically."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        history = trainer.history
        lines = [
            json.dumps({"epoch": e + 1, **{k: _json(v[row]) for k, v in history.history.items()}})
            for row, e in enumerate(history.epoch)
        ]
        write_atomic(self.path, "\n".join(lines) + "\n")


def _json(value: float) -> float | None:
    """NaN is not JSON: an epoch without a value is written as null."""
    return None if math.isnan(value) else value
