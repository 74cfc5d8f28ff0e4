"""The progress display of the training loop: a Rich bar, or plain lines when not a terminal."""

from __future__ import annotations

import math
import sys
import time
from typing import TYPE_CHECKING, Any

from numnet.train.callbacks import Callback

if TYPE_CHECKING:
    from numnet.train.trainer import Trainer

__all__ = ["ProgressBar", "format_logs"]


def format_logs(logs: dict[str, float]) -> str:
    """``loss 0.1234  accuracy 0.9500  val_loss ...`` (the learning rate in short form)."""
    parts = []
    for key, value in logs.items():
        if key == "lr":
            parts.append(f"lr {value:.3g}")
        elif not math.isnan(value):
            parts.append(f"{key} {value:.4f}")
    return "  ".join(parts)


class ProgressBar(Callback):
    """One bar per epoch: batches done, running loss, samples/s and ETA.

    In a terminal the bar is drawn by Rich and redrawn at most 10 times a
    second (so the cost per batch is a few additions); otherwise (a pipe,
    a log file, CI) one line is printed per epoch.

    Parameters
    ----------
    file : text stream, optional
        Where to write; default ``sys.stdout``.
    live : bool, optional
        Force the Rich bar on or off; default: on when ``file`` is a terminal.
    """

    def __init__(self, file: Any = None, live: bool | None = None) -> None:
        self.file, self.live = file, live
        self._progress: Any = None

    def print(self, text: str) -> None:
        if self._progress is not None:
            self._progress.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=self.file or sys.stdout, flush=True)

    def on_train_begin(self, trainer: Trainer) -> None:
        from rich.console import Console

        file = self.file or sys.stdout
        live = self.live if self.live is not None else Console(file=file).is_terminal
        self._progress = None
        if live:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("epoch {task.fields[epoch]}"),
                BarColumn(bar_width=30),
                MofNCompleteColumn(),
                TextColumn("{task.fields[logs]}"),
                TextColumn("{task.fields[speed]}"),
                TimeRemainingColumn(),
                console=Console(file=file),
                refresh_per_second=10,
            )
            self._progress.start()
        self._epochs = trainer.epochs

    def on_epoch_begin(self, trainer: Trainer, epoch: int) -> None:
        self._loss_sum = 0.0
        self._count = 0
        self._start = self._shown = time.perf_counter()
        self._label = f"{epoch + 1}/{self._epochs}"
        if self._progress is not None:
            self._task = self._progress.add_task(
                "", total=trainer.n_batches, completed=trainer.position[1],
                epoch=self._label, logs="", speed="",
            )  # fmt: skip

    def on_batch_end(self, trainer: Trainer, batch: int, logs: dict[str, float]) -> None:
        self._loss_sum += logs["loss"] * logs["size"]
        self._count += logs["size"]
        if self._progress is None:
            return
        now = time.perf_counter()
        if now - self._shown < 0.1 and batch + 1 < trainer.n_batches:
            return
        self._shown = now
        self._progress.update(
            self._task, completed=batch + 1,
            logs=f"loss {self._loss_sum / max(self._count, 1):.4f}",
            speed=f"{self._count / max(now - self._start, 1e-9):,.0f} samples/s",
        )  # fmt: skip

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        seconds = time.perf_counter() - self._start
        speed = f"{self._count / max(seconds, 1e-9):,.0f} samples/s"
        if self._progress is not None:
            self._progress.update(
                self._task, completed=trainer.n_batches, logs=format_logs(logs), speed=speed
            )
        else:
            self.print(f"epoch {self._label}  {format_logs(logs)}  {speed}  {seconds:.2f}s")

    def on_train_end(self, trainer: Trainer) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
        if trainer.stop_reason:
            self.print(trainer.stop_reason)
