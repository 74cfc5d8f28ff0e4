"""What :func:`numnet.train.fit` returns: per-epoch training and validation values."""

from __future__ import annotations

import csv
import io
import math
from typing import Any

__all__ = ["History"]


class History:
    """Per-epoch logs of a training run, as Keras keeps them.

    Attributes
    ----------
    history : dict of str to list of float
        One list per key (``"loss"``, ``"val_loss"``, ``"accuracy"``,
        ``"val_accuracy"``, ``"lr"``...), one value per finished epoch. A key
        that first appears in a later epoch is padded with NaN before it.
    epoch : list of int
        The 0-based index of each logged epoch.
    stop_reason : str or None
        Why training ended before ``epochs``: early stopping, a non-finite
        loss, Ctrl-C; None when every epoch ran.

    Examples
    --------
    >>> h = History()
    >>> h.append(0, {"loss": 0.9, "val_loss": 1.0})
    >>> h.append(1, {"loss": 0.5, "val_loss": 0.7})
    >>> h["loss"]
    [0.9, 0.5]
    >>> h.best("val_loss")
    (1, 0.7)
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []
        self.stop_reason: str | None = None

    def append(self, epoch: int, logs: dict[str, float]) -> None:
        """Record the logs of one finished epoch."""
        n = len(self.epoch)
        for key, value in logs.items():
            self.history.setdefault(key, [math.nan] * n).append(float(value))
        for key, values in self.history.items():
            if key not in logs:
                values.append(math.nan)
        self.epoch.append(int(epoch))

    def __getitem__(self, key: str) -> list[float]:
        try:
            return self.history[key]
        except KeyError:
            raise KeyError(
                f"History has no {key!r}; it has {', '.join(self.history) or 'nothing yet'}"
            ) from None

    def __contains__(self, key: object) -> bool:
        return key in self.history

    def __len__(self) -> int:
        return len(self.epoch)

    def best(self, monitor: str = "val_loss", mode: str = "auto") -> tuple[int, float]:
        """The epoch with the best value of ``monitor`` and that value.

        ``mode`` is ``"min"``, ``"max"``, or ``"auto"`` (max for accuracy and
        R², min for everything else). NaN values are never best.
        """
        values = self[monitor]
        sign = -1.0 if resolve_mode(monitor, mode) == "max" else 1.0
        finite = [(sign * v, i) for i, v in enumerate(values) if not math.isnan(v)]
        if not finite:
            raise ValueError(f"History: {monitor!r} has no finite value")
        _, index = min(finite)
        return self.epoch[index], values[index]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (NaN is written as ``NaN``, which Python's json reads back)."""
        return {
            "history": {k: list(v) for k, v in self.history.items()},
            "epoch": list(self.epoch),
            "stop_reason": self.stop_reason,
        }

    def to_csv(self) -> str:
        """``epoch`` (1-based) then every key, one row per epoch; floats written exactly."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["epoch", *self.history])
        for row, epoch in enumerate(self.epoch):
            writer.writerow([epoch + 1, *(repr(v[row]) for v in self.history.values())])
        return buffer.getvalue()

    @classmethod
    def from_dict(cls, state: dict[str, Any]) -> History:
        history = cls()
        history.history = {k: [float(x) for x in v] for k, v in state["history"].items()}
        history.epoch = [int(e) for e in state["epoch"]]
        history.stop_reason = state.get("stop_reason")
        return history

    def __repr__(self) -> str:
        last = {k: round(v[-1], 6) for k, v in self.history.items() if v}
        return f"History(epochs={len(self.epoch)}, last={last})"


_MAXIMIZED = ("acc", "accuracy", "r2", "auc", "f1", "precision", "recall", "score")


def resolve_mode(monitor: str, mode: str) -> str:
    """``"min"`` or ``"max"`` for a monitored key; ``"auto"`` guesses from its name."""
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"mode must be 'auto', 'min' or 'max', got {mode!r}")
    if mode != "auto":
        return mode
    name = monitor.removeprefix("val_")
    return "max" if name in _MAXIMIZED else "min"
