"""What the training loop carries between steps and across a checkpoint.

:class:`EpochTotals` accumulates an epoch's loss and metrics exactly across
batch sizes; the other helpers turn metric and callback state into JSON and
named arrays for :func:`numnet.serialization.save_checkpoint`, and back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["EpochTotals", "split_arrays", "join_arrays"]


class EpochTotals:
    """Loss and metrics accumulated over the batches of one epoch, exact across batch sizes."""

    def __init__(self, metrics: Sequence[Any], mean: bool) -> None:
        self.metrics, self.mean = metrics, mean
        self.loss_sum, self.count = 0.0, 0
        for metric in metrics:
            metric.reset()

    def update(self, value: float, n: int, y: Any, output: np.ndarray) -> None:
        self.loss_sum += value * n if self.mean else value
        self.count += n
        for metric in self.metrics:
            metric.update(y, output)

    def logs(self, prefix: str = "") -> dict[str, float]:
        loss = self.loss_sum / self.count if self.mean and self.count else self.loss_sum
        logs = {f"{prefix}loss": loss}
        for metric in self.metrics:
            logs[f"{prefix}{metric.name}"] = float(metric.result())
        return logs

    def state(self) -> dict[str, Any]:
        return {
            "loss_sum": self.loss_sum,
            "count": self.count,
            "metrics": [_plain_state(metric) for metric in self.metrics],
        }

    def load(self, state: dict[str, Any]) -> None:
        self.loss_sum, self.count = float(state["loss_sum"]), int(state["count"])
        for metric, saved in zip(self.metrics, state["metrics"]):
            _load_plain_state(metric, saved)


def _plain_state(obj: Any) -> dict[str, Any]:
    """An object's numeric attributes as JSON (floats round-trip exactly through repr)."""
    state = {}
    for key, value in vars(obj).items():
        if isinstance(value, np.ndarray):
            state[key] = {"array": value.tolist(), "dtype": str(value.dtype)}
        elif isinstance(value, (bool, int, float, np.number, str)) or value is None:
            state[key] = value.item() if isinstance(value, np.generic) else value
    return state


def _load_plain_state(obj: Any, state: dict[str, Any]) -> None:
    for key, value in state.items():
        if isinstance(value, dict) and "array" in value:
            value = np.asarray(value["array"], dtype=value["dtype"])
        setattr(obj, key, value)


def split_arrays(state: dict[str, Any], prefix: str, arrays: dict[str, np.ndarray]) -> dict:
    """Move dicts of arrays (weights) out of a callback's state into ``arrays``."""
    plain = {}
    for key, value in state.items():
        if (
            isinstance(value, dict)
            and value
            and all(isinstance(v, np.ndarray) for v in value.values())
        ):
            for name, array in value.items():
                arrays[f"{prefix}/{key}/{name}"] = array
            plain[key] = {"__arrays__": list(value)}
        else:
            plain[key] = value
    return plain


def join_arrays(state: dict[str, Any], prefix: str, arrays: dict[str, np.ndarray]) -> dict:
    joined = {}
    for key, value in state.items():
        if isinstance(value, dict) and "__arrays__" in value:
            value = {name: arrays[f"{prefix}/{key}/{name}"] for name in value["__arrays__"]}
        joined[key] = value
    return joined
