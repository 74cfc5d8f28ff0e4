"""The training loop: ``fit`` a model to data, evaluate it, predict with it.

One epoch, in the regime the lectures name:

* ``"minibatch"`` (seed 001): reshuffle, then one step ``θ ← θ − η ∇L_B(θ)``
  per batch ``B`` of ``batch_size`` rows;
* ``"stochastic"``: the same with one sample per step;
* ``"full"`` (seed 002): one step per epoch on the gradient of the loss over
  all rows, accumulated chunk by chunk (``batch_size`` rows at a time) so
  memory stays O(batch_size × features) whatever the data size.

Optimizers that re-evaluate the loss inside ``step`` (L-BFGS, seed 001's BFGS)
get a closure each step; see :class:`Trainer`. Regime ``"full"`` is theirs:
one L-BFGS run of ``max_iter`` iterations per epoch on the loss over all rows.

Ctrl-C stops after the current step and writes a checkpoint; ``resume=path``
continues from it bit for bit, as if the run had never stopped.
"""

from __future__ import annotations

import math
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from numnet.autograd import no_grad
from numnet.nn.loss import CrossEntropyLoss, NLLLoss
from numnet.nn.module import Module
from numnet.train._state import EpochTotals, join_arrays, split_arrays
from numnet.train.callbacks import Callback
from numnet.train.history import History
from numnet.train.progress import ProgressBar

__all__ = ["Trainer", "fit", "predict", "REGIMES"]

REGIMES = ("minibatch", "stochastic", "full")
_CHECKPOINT = "numnet-checkpoint.safetensors"


def _loss_classes() -> dict[str, type]:
    from numnet import nn

    return {
        "cross_entropy": nn.CrossEntropyLoss,
        "nll": nn.NLLLoss,
        "bce": nn.BCELoss,
        "bce_with_logits": nn.BCEWithLogitsLoss,
        "mse": nn.MSELoss,
        "mae": nn.L1Loss,
        "l1": nn.L1Loss,
        "mape": nn.MAPELoss,
        "hinge": nn.HingeLoss,
        "perceptron": nn.PerceptronLoss,
        "poisson": nn.PoissonNLLLoss,
    }


def _optimizer_classes() -> dict[str, type]:
    from numnet import optim

    return {"sgd": optim.SGD, "adam": optim.Adam, "adamw": optim.AdamW, "rmsprop": optim.RMSprop}


def _needs_closure(optimizer: Any) -> bool:
    """Whether ``optimizer.step`` must re-evaluate the loss through a closure (L-BFGS)."""
    return bool(getattr(optimizer, "requires_closure", False))


class _NonFiniteLoss(Exception):
    """Raised inside a closure to leave the optimizer's step before anything is applied."""

    def __init__(self, value: float) -> None:
        super().__init__(value)
        self.value = value


def _choice(kind: str, name: str, options: dict[str, type]) -> type:
    try:
        return options[name]
    except KeyError:
        raise ValueError(
            f"unknown {kind} {name!r}; expected one of {', '.join(sorted(options))}"
        ) from None


class Trainer:
    """Trains a model with a loss and an optimizer; :func:`fit` is the one-call form.

    Parameters
    ----------
    model : Module
        Maps a batch ``X (n, d)`` to outputs ``(n, k)``.
    loss : Module or str
        A loss module, or its name: ``"cross_entropy"``, ``"bce_with_logits"``,
        ``"bce"``, ``"mse"``, ``"mae"``, ``"nll"``, ``"hinge"``,
        ``"perceptron"``, ``"poisson"``, ``"mape"``.
    optimizer : Optimizer or str
        An optimizer over ``model.parameters()``, or ``"sgd"``, ``"adam"``,
        ``"adamw"``, ``"rmsprop"`` built with ``lr``. An optimizer whose step
        needs a closure (:class:`~numnet.optim.LBFGS`, or any with
        ``requires_closure = True``) is driven as described in the Notes.
    lr : float, optional
        Learning rate when ``optimizer`` is a name (default 0.01 for SGD,
        0.001 otherwise).
    metrics : sequence of str or metric objects
        Computed on every batch and on the validation data, e.g.
        ``["accuracy"]`` (see :mod:`numnet.metrics`). For cross-entropy and
        BCE-with-logits losses the metrics are told the outputs are logits.
    callbacks : sequence of Callback
        See :mod:`numnet.train.callbacks`.
    l1, l2 : float
        Penalties ``l1 Σ|w|`` and ``l2 Σw²`` on the weight matrices (never the
        biases, seed 003), added to every step's loss. The logged loss is
        the data loss alone, comparable to ``val_loss``.
    nan_guard : bool
        Stop when a step's loss is NaN or infinite, before that step is
        applied, and keep the last weights that gave a finite loss (the
        weights at the start of the epoch if the parameters themselves went
        non-finite). The reason is printed and kept in ``History.stop_reason``.
    progress : bool
        Show a progress bar (Rich) with loss, metrics, samples/s and ETA; a
        plain line per epoch when the output is not a terminal.

    Notes
    -----
    **Closure optimizers (L-BFGS).** Each step calls ``optimizer.step(closure)``;
    every call of the closure zeroes the gradients, computes the step's loss
    plus the penalties at the current parameters, calls ``backward()`` and
    returns that objective, the function the optimizer minimizes:

    * ``regime="full"`` (the natural one): the objective is the loss over all
      rows, accumulated chunk by chunk (``batch_size`` rows at a time) at every
      evaluation, exactly as a full-batch gradient step accumulates it. One
      epoch is one ``step``, i.e. up to ``max_iter`` L-BFGS iterations.
    * ``"minibatch"`` and ``"stochastic"``: each batch gets its own closure and
      step, so L-BFGS minimizes each batch's loss in turn (allowed, but it
      chases every batch; prefer ``"full"``).

    The first evaluation of a step is at the weights the step starts from: its
    data loss is the one logged (penalties excluded, as for every optimizer),
    its outputs feed the metrics, and the NaN guard checks it. Later
    evaluations are the line search's trial points; a non-finite loss there is
    the optimizer's to handle (SciPy's L-BFGS-B backtracks and keeps its last
    accepted iterate). A checkpoint holds the optimizer's ``state_dict``;
    numnet's LBFGS carries no curvature pairs from one step to the next, so a
    resumed run repeats the uninterrupted one bit for bit.

    Examples
    --------
    >>> import numpy as np
    >>> from numnet import nn
    >>> from numnet.train import Trainer
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(64, 2)); y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    >>> model = nn.Sequential(nn.Linear(2, 8, rng=rng), nn.Tanh(), nn.Linear(8, 2, rng=rng))
    >>> trainer = Trainer(model, "cross_entropy", "adam", lr=0.05, metrics=["accuracy"],
    ...                   progress=False)
    >>> history = trainer.fit((X, y), epochs=30, batch_size=16, seed=0)
    >>> history["loss"][-1] < history["loss"][0]
    True
    """

    def __init__(
        self,
        model: Module,
        loss: Module | str,
        optimizer: Any = "adam",
        *,
        lr: float | None = None,
        metrics: Iterable[Any] = (),
        callbacks: Iterable[Callback] = (),
        l1: float = 0.0,
        l2: float = 0.0,
        nan_guard: bool = True,
        progress: bool = True,
    ) -> None:
        if not isinstance(model, Module):
            raise TypeError(f"fit: model must be a numnet Module, got {type(model).__name__}")
        self.model = model
        if isinstance(loss, str):
            loss = _choice("loss", loss, _loss_classes())()
        if not callable(loss):
            raise TypeError(f"fit: loss must be a loss module or a name, got {loss!r}")
        self.loss = loss
        if isinstance(optimizer, str):
            cls = _choice("optimizer", optimizer, _optimizer_classes())
            default = 0.01 if optimizer == "sgd" else 0.001
            optimizer = cls(model.parameters(), lr=default if lr is None else lr)
        elif lr is not None:
            raise ValueError("fit: lr is only used with an optimizer name; set it on the optimizer")
        if not (hasattr(optimizer, "step") and hasattr(optimizer, "zero_grad")):
            raise TypeError(f"fit: optimizer must be an Optimizer or a name, got {optimizer!r}")
        self.optimizer = optimizer
        self.needs_closure = _needs_closure(optimizer)
        for name, value in (("l1", l1), ("l2", l2)):
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise ValueError(f"fit: {name} must be a finite number >= 0, got {value!r}")
        self.l1, self.l2 = float(l1), float(l2)
        self.from_logits = type(loss).__name__ in ("CrossEntropyLoss", "BCEWithLogitsLoss")
        self.class_targets = isinstance(loss, (CrossEntropyLoss, NLLLoss))
        self.mean_loss = getattr(loss, "reduction", "mean") == "mean"
        self.metric_names = list(metrics)
        self.callbacks = list(callbacks)
        for callback in self.callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(f"fit: callbacks must be Callback objects, got {callback!r}")
        self.nan_guard, self.progress = nan_guard, progress
        self.history = History()
        self.stop_training, self.stop_reason = False, None
        self._interrupted = False
        self._bar: ProgressBar | None = None

    # ------------------------------------------------------------- helpers
    def _metrics(self) -> list[Any]:
        from numnet.metrics import get_metric

        return [get_metric(m, from_logits=self.from_logits) for m in self.metric_names]

    def _target(self, y: Any, output: np.ndarray) -> Any:
        if y is None:
            raise ValueError("fit: the data has no targets y")
        if self.class_targets:
            return y if y.dtype.kind in "iu" else y.astype(np.int64)
        y = y.astype(output.dtype, copy=False)
        if y.ndim == 1 and output.ndim == 2 and output.shape[1] == 1:
            y = y.reshape(-1, 1)
        return y

    def _penalty(self) -> Any:
        if not (self.l1 or self.l2):
            return None
        from numnet.optim import l1_penalty, l2_penalty

        penalty = None
        if self.l1:
            penalty = l1_penalty(self.model.parameters(), self.l1)
        if self.l2:
            term = l2_penalty(self.model.parameters(), self.l2)
            penalty = term if penalty is None else penalty + term
        return penalty

    def stop(self, reason: str) -> None:
        """Ask the loop to stop at the end of the current step (callbacks call this)."""
        self.stop_training = True
        if self.stop_reason is None:
            self.stop_reason = reason

    def message(self, text: str) -> None:
        """Print a line above the progress bar (or plainly)."""
        if self._bar is not None:
            self._bar.print(text)
        else:
            print(text, file=sys.stderr)

    def _learning_rate(self) -> float:
        groups = getattr(self.optimizer, "param_groups", None)
        return float(groups[0]["lr"]) if groups and "lr" in groups[0] else math.nan

    # ------------------------------------------------------------- one step
    def _forward(self, X: np.ndarray, y: Any) -> tuple[Any, Any]:
        """The model's output on a batch and the loss against the batch's targets."""
        output = self.model(X)
        return output, self.loss(output, self._target(y, output.data))

    def _step(self, X: np.ndarray, y: Any, totals: EpochTotals) -> float | None:
        """Forward, loss, backward, update on one batch: the loss, or None when not finite."""
        if self.needs_closure:
            return self._closure_step(lambda: iter([(X, y)]), len(X), totals, chunked=False)
        self.optimizer.zero_grad()
        output, loss = self._forward(X, y)
        value = loss.item()
        if self.nan_guard and not math.isfinite(value):
            return self._non_finite(value)
        penalty = self._penalty()
        (loss if penalty is None else loss + penalty).backward()
        self.optimizer.step()
        totals.update(value, len(X), y, output.data)
        return value

    def _full_step(self, loader: Any, epoch: int, totals: EpochTotals) -> float | None:
        """One gradient step on the whole data, gradients summed chunk by chunk (seed 002)."""
        n = loader.n_samples
        if self.needs_closure:
            return self._closure_step(lambda: loader.batches(epoch), n, totals, chunked=True)
        self.optimizer.zero_grad()
        for X, y in loader.batches(epoch):
            output, loss = self._forward(X, y)
            value = loss.item()
            if self.nan_guard and not math.isfinite(value):
                return self._non_finite(value)
            # The mean over all rows is Σ_chunks (n_chunk / n) · mean over the chunk.
            (loss * (len(X) / n) if self.mean_loss else loss).backward()
            totals.update(value, len(X), y, output.data)
        penalty = self._penalty()
        if penalty is not None:
            penalty.backward()
        self.optimizer.step()
        return totals.logs()["loss"]

    def _closure_step(
        self,
        batches: Callable[[], Iterator[tuple[np.ndarray, Any]]],
        n: int,
        totals: EpochTotals,
        chunked: bool,
    ) -> float | None:
        """One ``optimizer.step(closure)`` on the rows of ``batches()`` (see the class Notes).

        ``chunked``: the rows come in chunks whose losses are weighted n_chunk / n
        (mean losses), as in :meth:`_full_step`; otherwise one batch, as in :meth:`_step`.
        Returns the data loss at the step's start, or None when it is not finite.
        """
        from numnet.tensor import _constant

        start_loss: list[float] = []  # the data loss of the first evaluation

        def closure() -> Any:
            first = not start_loss
            self.optimizer.zero_grad()
            objective = 0.0
            for X, y in batches():
                output, loss = self._forward(X, y)
                value = loss.item()
                if first and self.nan_guard and not math.isfinite(value):
                    raise _NonFiniteLoss(value)
                if first:
                    totals.update(value, len(X), y, output.data)
                if not chunked:
                    if first:
                        start_loss.append(value)
                    penalty = self._penalty()
                    total = loss if penalty is None else loss + penalty
                    total.backward()
                    return total
                # The mean over all rows is Σ_chunks (n_chunk / n) · mean over the chunk.
                weight = len(X) / n if self.mean_loss else 1.0
                (loss * weight if self.mean_loss else loss).backward()
                objective += value * weight
            if first:
                start_loss.append(totals.logs()["loss"])
            penalty = self._penalty()
            if penalty is not None:
                penalty.backward()
                objective += penalty.item()
            return _constant(np.float64(objective))

        try:
            self.optimizer.step(closure)
        except _NonFiniteLoss as error:
            return self._non_finite(error.value)
        return start_loss[0]

    def _non_finite(self, value: float) -> None:
        parameters = list(self.model.parameters())
        if not all(np.isfinite(p.data).all() for p in parameters):
            self.model.load_state_dict(self._epoch_start_weights)
            kept = "the weights from the start of the epoch"
        else:
            kept = "the last weights with a finite loss"
        epoch, batch = self.position
        self.stop(
            f"stopped: the loss became {value} at epoch {epoch + 1}, batch {batch + 1}; "
            f"kept {kept}. Try a smaller learning rate."
        )
        return None

    # ------------------------------------------------------------- evaluation
    def evaluate(self, data: Any, batch_size: int = 256, prefix: str = "") -> dict[str, float]:
        """Loss and metrics on ``data`` (``(X, y)`` or a loader) in eval mode, without gradients."""
        from numnet.data import as_loader

        loader = as_loader(data, batch_size=batch_size, shuffle=False)
        totals = EpochTotals(self._metrics(), self.mean_loss)
        with self.model.training_mode(False), no_grad():
            for X, y in loader.batches(0):
                output, loss = self._forward(X, y)
                totals.update(loss.item(), len(X), y, output.data)
        return totals.logs(prefix)

    def predict(self, X: Any, batch_size: int = 1024) -> np.ndarray:
        """The model's outputs for ``X``: :func:`predict`."""
        return predict(self.model, X, batch_size)

    # ------------------------------------------------------------- fit
    def fit(
        self,
        data: Any,
        *,
        epochs: int = 10,
        batch_size: int = 32,
        regime: str = "minibatch",
        shuffle: bool = True,
        validation_data: Any = None,
        validation_split: float = 0.0,
        seed: int = 0,
        checkpoint: str | Path | None = None,
        resume: str | Path | None = None,
    ) -> History:
        """Train for ``epochs`` epochs; return the :class:`History`.

        Parameters
        ----------
        data : (X, y) or a loader
            Arrays (NumPy, lists, numnet Tensors, pandas) or a
            :mod:`numnet.data` loader (``NpyLoader``, ``ParquetLoader``...).
        epochs : int
            Total number of epochs (a resumed run counts the ones done).
        batch_size : int
            Rows per step ("minibatch"), or per gradient chunk ("full").
        regime : {"minibatch", "stochastic", "full"}
            See the module docstring.
        shuffle : bool
            Reshuffle the rows every epoch ("minibatch" and "stochastic").
        validation_data : (X, y) or a loader, optional
            Evaluated after every epoch; its values are logged as ``val_*``.
        validation_split : float
            Instead of ``validation_data``: hold out this fraction of the rows
            of array ``data``, drawn at random with ``seed`` (Keras takes the
            last rows; a random draw does not depend on how the file is sorted).
        seed : int
            Fixes the shuffles and the validation split. The model's own
            generators (dropout) are the model's.
        checkpoint : path, optional
            Write a checkpoint here after every epoch and on Ctrl-C (default
            on Ctrl-C only: ``numnet-checkpoint.safetensors``).
        resume : path, optional
            A checkpoint written by this loop: load the model, optimizer,
            callbacks, history and position, then continue exactly.
        """
        from numnet.data import as_loader

        if regime not in REGIMES:
            raise ValueError(f"fit: regime must be one of {', '.join(REGIMES)}, got {regime!r}")
        if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
            raise ValueError(f"fit: epochs must be an int >= 0, got {epochs!r}")
        if regime == "stochastic":
            batch_size = 1
        if validation_split:
            if validation_data is not None:
                raise ValueError("fit: pass validation_data or validation_split, not both")
            data, validation_data = _split(data, validation_split, seed)
        loader = as_loader(data, batch_size=batch_size, shuffle=shuffle, seed=seed)
        val_loader = None
        if validation_data is not None:
            val_loader = as_loader(validation_data, batch_size=max(batch_size, 256), shuffle=False)
        self.epochs, self.loader = epochs, loader
        self.n_batches = 1 if regime == "full" else len(loader)
        self.config = {
            "regime": regime,
            "batch_size": int(loader.batch_size),
            "n_samples": int(loader.n_samples),
            "seed": int(loader.seed),
            "shuffle": bool(loader.shuffle),
        }
        self.stop_training, self.stop_reason, self._interrupted = False, None, False
        self.history = History()
        start_epoch, start_batch, saved_totals = 0, 0, None
        if resume is not None:
            start_epoch, start_batch, saved_totals = self._resume(resume)
        self.position = (start_epoch, start_batch)
        self._bar = ProgressBar() if self.progress else None
        self._all_callbacks = ([self._bar] if self._bar else []) + self.callbacks
        # With the guard on, a non-finite loss is reported once, clearly; NumPy's overflow
        # warnings on the way there would only be noise.
        quiet = (
            {"over": "ignore", "invalid": "ignore", "divide": "ignore"} if self.nan_guard else {}
        )
        previous_handler = self._catch_ctrl_c()
        try:
            with self.model.training_mode(True), np.errstate(**quiet):
                self._epochs_from(start_epoch, start_batch, saved_totals, val_loader, checkpoint)
        finally:
            if previous_handler is not None:
                signal.signal(signal.SIGINT, previous_handler)
            self._bar = None
        return self.history

    def _epochs_from(
        self, start: int, batch: int, totals: dict | None, val_loader: Any, checkpoint: Any
    ) -> None:
        """Run the epochs from (epoch, batch) on, then end the run (checkpoint on Ctrl-C)."""
        for callback in self._all_callbacks:
            callback.on_train_begin(self)
        for epoch in range(start, self.epochs):
            if not self._run_epoch(epoch, batch, totals, val_loader, checkpoint):
                break
            batch, totals = 0, None
            if self.stop_training:
                break
        if self._interrupted:
            path = Path(checkpoint or _CHECKPOINT)
            self.save_checkpoint(path, self._partial)
            self.stop_reason = (
                f"interrupted (Ctrl-C) at epoch {self.position[0] + 1}, batch "
                f"{self.position[1]}; checkpoint written to {path}; continue with "
                f"resume={str(path)!r}"
            )
        self.history.stop_reason = self.stop_reason
        for callback in self._all_callbacks:
            callback.on_train_end(self)

    def _run_epoch(
        self,
        epoch: int,
        start: int,
        saved_totals: dict | None,
        val_loader: Any,
        checkpoint: Any,
    ) -> bool:
        """One epoch from batch ``start``; False when the run must end without finishing it."""
        callbacks = self._all_callbacks
        totals = EpochTotals(self._metrics(), self.mean_loss)
        if saved_totals is not None:
            totals.load(saved_totals)
        self._epoch_start_weights = self.model.state_dict() if self.nan_guard else None
        for callback in callbacks:
            callback.on_epoch_begin(self, epoch)
        lr = self._learning_rate()
        if self.config["regime"] == "full":
            self.position = (epoch, 0)
            if start == 0:
                value = self._full_step(self.loader, epoch, totals)
                if value is None:
                    return False
                self.position = (epoch, 1)
                for callback in callbacks:
                    callback.on_batch_end(self, 0, {"loss": value, "size": totals.count})
        else:
            for index, (X, y) in enumerate(self.loader.batches(epoch, start), start):
                self.position = (epoch, index)
                value = self._step(X, y, totals)
                if value is None:
                    return False
                self.position = (epoch, index + 1)
                for callback in callbacks:
                    callback.on_batch_end(self, index, {"loss": value, "size": len(X)})
                if self._interrupted or self.stop_training:
                    break
        if self._interrupted or (self.stop_training and self.position[1] < self.n_batches):
            self._partial = totals.state()
            return False
        logs = totals.logs()
        if val_loader is not None:
            logs.update(self.evaluate(val_loader, prefix="val_"))
        logs["lr"] = lr
        self.history.append(epoch, logs)
        for callback in callbacks:
            callback.on_epoch_end(self, epoch, logs)
        self.position = (epoch + 1, 0)
        if checkpoint is not None:
            self.save_checkpoint(checkpoint, None)
        return True

    # ------------------------------------------------------------- Ctrl-C and resume
    def _catch_ctrl_c(self) -> Any:
        if threading.current_thread() is not threading.main_thread():
            return None

        def handler(signum: int, frame: Any) -> None:
            if self._interrupted:  # a second Ctrl-C aborts at once
                raise KeyboardInterrupt
            self._interrupted = True
            self.message("Ctrl-C: stopping after this step (press again to abort)")

        return signal.signal(signal.SIGINT, handler)

    def save_checkpoint(self, path: str | Path, partial: dict | None) -> Path:
        """Write the model, optimizer, callbacks, history and position to ``path``."""
        from numnet.serialization import save_checkpoint

        arrays: dict[str, np.ndarray] = {}
        states = [
            split_arrays(c.state_dict(), f"callback{i}", arrays)
            for i, c in enumerate(self.callbacks)
        ]
        trainer_state = {
            "config": self.config,
            "epochs": self.epochs,
            "position": list(self.position),
            "partial": partial,
            "history": self.history.to_dict(),
            "callbacks": states,
            "stop_reason": self.stop_reason if not self._interrupted else None,
        }
        return save_checkpoint(
            path, self.model, self.optimizer, epoch=self.position[0],
            extra={"trainer": trainer_state}, arrays=arrays,
        )  # fmt: skip

    def _resume(self, path: str | Path) -> tuple[int, int, dict | None]:
        from numnet.serialization import SerializationError, load_checkpoint

        restored = load_checkpoint(path, self.model, self.optimizer)
        state = restored["extra"].get("trainer")
        if state is None:
            raise SerializationError(f"{path}: not a checkpoint written by numnet.train.fit")
        for key, value in state["config"].items():
            if self.config[key] != value:
                raise ValueError(
                    f"resume: {path} was written with {key}={value!r}, this run has "
                    f"{key}={self.config[key]!r}; resume with the same data and settings"
                )
        if len(state["callbacks"]) != len(self.callbacks):
            raise ValueError(
                f"resume: {path} holds {len(state['callbacks'])} callback states, this run has "
                f"{len(self.callbacks)} callbacks; pass the same callbacks"
            )
        arrays = restored["arrays"]
        for i, (callback, saved) in enumerate(zip(self.callbacks, state["callbacks"])):
            callback.load_state_dict(join_arrays(saved, f"callback{i}", arrays))
        self.history = History.from_dict(state["history"])
        epoch, batch = state["position"]
        return int(epoch), int(batch), state["partial"]


def predict(model: Module, X: Any, batch_size: int = 1024) -> np.ndarray:
    """``model``'s outputs for ``X`` in prediction mode, without a graph, batch by batch.

    Every submodule gets its mode back afterwards.
    """
    from numnet.data import as_loader

    loader = as_loader(X, batch_size=batch_size, shuffle=False)
    with model.training_mode(False), no_grad():
        return np.concatenate([model(Xb).data for Xb, _ in loader.batches(0)])


def _split(data: Any, fraction: float, seed: int) -> tuple[tuple, tuple]:
    """A random ``fraction`` of the rows of array data for validation, the rest for training."""
    if not (isinstance(fraction, float) and 0.0 < fraction < 1.0):
        raise ValueError(f"fit: validation_split must be a float in (0, 1), got {fraction!r}")
    if not (isinstance(data, tuple) and len(data) == 2):
        raise ValueError(
            "fit: validation_split needs data=(X, y) arrays; for a loader pass validation_data"
        )
    X, y = (np.asarray(a) for a in data)
    n = len(X)
    n_val = int(math.ceil(n * fraction))
    if not 0 < n_val < n:
        raise ValueError(f"fit: validation_split={fraction} of {n} rows leaves an empty side")
    order = np.random.default_rng([seed, 0x5EED]).permutation(n)
    val, train = order[:n_val], order[n_val:]
    return (X[train], y[train]), (X[val], y[val])


def fit(
    model: Module,
    loss: Module | str,
    optimizer: Any,
    data: Any,
    *,
    epochs: int = 10,
    batch_size: int = 32,
    regime: str = "minibatch",
    shuffle: bool = True,
    validation_data: Any = None,
    validation_split: float = 0.0,
    metrics: Iterable[Any] = (),
    callbacks: Iterable[Callback] = (),
    lr: float | None = None,
    l1: float = 0.0,
    l2: float = 0.0,
    nan_guard: bool = True,
    progress: bool = True,
    seed: int = 0,
    checkpoint: str | Path | None = None,
    resume: str | Path | None = None,
) -> History:
    """Train ``model`` on ``data``: ``Trainer(model, loss, optimizer, ...).fit(data, ...)``.

    See :class:`Trainer` for the model, loss, optimizer, metrics, callbacks and
    penalties, and :meth:`Trainer.fit` for the rest.

    Examples
    --------
    >>> import numpy as np
    >>> from numnet import nn, optim
    >>> from numnet.train import fit
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 3)); y = X @ np.array([1.0, -2.0, 0.5])
    >>> model = nn.Sequential(nn.Linear(3, 1, rng=rng))
    >>> history = fit(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1), (X, y),
    ...               epochs=20, batch_size=10, progress=False)
    >>> history["loss"][-1] < 1e-3
    True

    L-BFGS needs a closure; ``fit`` writes it (one L-BFGS run per full-batch epoch):

    >>> model = nn.Sequential(nn.Linear(3, 1, rng=rng, dtype=np.float64))
    >>> history = fit(model, "mse", optim.LBFGS(model.parameters(), max_iter=50), (X, y),
    ...               epochs=2, regime="full", progress=False)
    >>> model[0].weight.data.round(4)  # y = X @ [1, -2, 0.5] exactly
    array([[ 1. , -2. ,  0.5]])
    """
    trainer = Trainer(
        model, loss, optimizer, lr=lr, metrics=metrics, callbacks=callbacks,
        l1=l1, l2=l2, nan_guard=nan_guard, progress=progress,
    )  # fmt: skip
    return trainer.fit(
        data, epochs=epochs, batch_size=batch_size, regime=regime, shuffle=shuffle,
        validation_data=validation_data, validation_split=validation_split, seed=seed,
        checkpoint=checkpoint, resume=resume,
    )  # fmt: skip
