"""Learning-rate schedules ("η may be decreased during training", seed 000).

Each scheduler changes ``group["lr"]`` of its optimizer's parameter groups,
with the same recursive rules as ``torch.optim.lr_scheduler``, so the
learning rates come out equal to PyTorch's, float for float. Call
``scheduler.step()`` once per epoch (or iteration), after ``optimizer.step()``.
Creating a scheduler records each group's ``initial_lr`` and performs step 0.
"""

from __future__ import annotations

import math
from typing import Any

from numnet.optim._utils import check_number
from numnet.optim.optimizer import Optimizer

__all__ = [
    "LRScheduler", "StepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR", "ReduceLROnPlateau",
]  # fmt: skip


class LRScheduler:
    """Base class: subclasses give ``_get_lr()``, the learning rates of the epoch being entered.

    Parameters
    ----------
    optimizer : Optimizer
    last_epoch : int
        Index of the last epoch; -1 starts a new schedule. Resuming is done
        with :meth:`load_state_dict`.

    Attributes
    ----------
    base_lrs : list of float
        Each group's ``initial_lr``.
    last_epoch : int
        The number of :meth:`step` calls since the schedule started.
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected an Optimizer, got {optimizer!r}")
        if any("lr" not in group for group in optimizer.param_groups):
            raise ValueError(
                f"{type(self).__name__}: {type(optimizer).__name__} has no 'lr' to schedule"
            )
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise ValueError(
                        f"{type(self).__name__}: last_epoch={last_epoch} resumes a schedule, but "
                        f"param_groups[{i}] has no 'initial_lr'; load the optimizer's state first"
                    )
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self._initial = True
        self.step()
        self._initial = False

    def _get_lr(self) -> list[float]:
        raise NotImplementedError

    def _lrs(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def step(self) -> None:
        """Advance one epoch and set each group's learning rate."""
        self._step_count += 1
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self._get_lr()):
            group["lr"] = lr
        self._last_lr = self._lrs()

    def get_last_lr(self) -> list[float]:
        """The learning rates the last :meth:`step` set, one per parameter group."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer: Python numbers, bools and lists, JSON-able."""
        return {key: _copy(value) for key, value in vars(self).items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned (of a scheduler of the same class)."""
        expected, got = set(vars(self)) - {"optimizer"}, set(state_dict)
        if got != expected:
            raise ValueError(
                f"{type(self).__name__}.load_state_dict: expected the entries {sorted(expected)}, "
                f"got {sorted(got)}"
            )
        self.__dict__.update({key: _copy(value) for key, value in state_dict.items()})


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, (list, tuple)) else value


class StepLR(LRScheduler):
    """Multiply the learning rate by γ every ``step_size`` epochs: ηₑ = η₀ γ^⌊e / step_size⌋.

    Parameters
    ----------
    optimizer : Optimizer
    step_size : int
        Period of the decay, > 0.
    gamma : float
        Multiplicative factor γ.
    last_epoch : int
        -1 to start a new schedule.

    Examples
    --------
    >>> import numnet
    >>> from numnet.optim import SGD
    >>> from numnet.optim.lr_scheduler import StepLR
    >>> opt = SGD([numnet.Tensor([0.0], requires_grad=True)], lr=1.0)
    >>> scheduler = StepLR(opt, step_size=2, gamma=0.5)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     lrs.append(scheduler.get_last_lr()[0])  # train with it, then:
    ...     opt.step()
    ...     scheduler.step()
    >>> lrs
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        if isinstance(step_size, bool) or not isinstance(step_size, int) or step_size <= 0:
            raise ValueError(f"StepLR: step_size must be a positive int, got {step_size!r}")
        self.step_size = step_size
        self.gamma = check_number("StepLR", "gamma", gamma)
        super().__init__(optimizer, last_epoch)

    def _get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._lrs()
        return [lr * self.gamma for lr in self._lrs()]


class ExponentialLR(LRScheduler):
    """Multiply the learning rate by γ every epoch: ηₑ = η₀ γᵉ.

    Parameters
    ----------
    optimizer : Optimizer
    gamma : float
        Multiplicative factor γ.
    last_epoch : int
        -1 to start a new schedule.

    Examples
    --------
    >>> import numnet
    >>> from numnet.optim import SGD
    >>> from numnet.optim.lr_scheduler import ExponentialLR
    >>> opt = SGD([numnet.Tensor([0.0], requires_grad=True)], lr=1.0)
    >>> scheduler = ExponentialLR(opt, gamma=0.5)
    >>> opt.step()
    >>> scheduler.step()
    >>> scheduler.get_last_lr()
    [0.5]
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = check_number("ExponentialLR", "gamma", gamma)
        super().__init__(optimizer, last_epoch)

    def _get_lr(self) -> list[float]:
        if self._initial:
            return self._lrs()
        return [lr * self.gamma for lr in self._lrs()]


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing from η₀ down to η_min over ``T_max`` epochs, without restarts.

    ηₑ = η_min + ½ (η₀ − η_min)(1 + cos(π e / T_max)), computed recursively as
    in PyTorch (so that changes made to the learning rate by others compose)::

        ηₑ = η_min + (ηₑ₋₁ − η_min) · (1 + cos(π e / T)) / (1 + cos(π (e − 1) / T))

    Past T_max the learning rate rises again along the same cosine.

    Parameters
    ----------
    optimizer : Optimizer
    T_max : int
        Half period, > 0.
    eta_min : float
        η_min ≥ 0.
    last_epoch : int
        -1 to start a new schedule.

    Examples
    --------
    >>> import numnet
    >>> from numnet.optim import SGD
    >>> from numnet.optim.lr_scheduler import CosineAnnealingLR
    >>> opt = SGD([numnet.Tensor([0.0], requires_grad=True)], lr=1.0)
    >>> scheduler = CosineAnnealingLR(opt, T_max=2)
    >>> for epoch in range(2):
    ...     opt.step()
    ...     scheduler.step()
    ...     print(round(scheduler.get_last_lr()[0], 6))
    0.5
    0.0
    """

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        if isinstance(T_max, bool) or not isinstance(T_max, int) or T_max <= 0:
            raise ValueError(f"CosineAnnealingLR: T_max must be a positive int, got {T_max!r}")
        self.T_max = T_max
        self.eta_min = check_number("CosineAnnealingLR", "eta_min", eta_min)
        super().__init__(optimizer, last_epoch)

    def _get_lr(self) -> list[float]:
        e, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._initial:
            return self._lrs()
        if (e - 1 - T) % (2 * T) == 0:  # the bottom of the cosine: the ratio below would be 0/0
            return [
                lr + (base - eta_min) * (1 - math.cos(math.pi / T)) / 2
                for lr, base in zip(self._lrs(), self.base_lrs)
            ]
        return [
            (1 + math.cos(math.pi * e / T)) / (1 + math.cos(math.pi * (e - 1) / T)) * (lr - eta_min)
            + eta_min
            for lr in self._lrs()
        ]


class LinearLR(LRScheduler):
    """Scale the learning rate by a factor that moves linearly from ``start_factor`` to
    ``end_factor`` over ``total_iters`` epochs: ηₑ = η₀ (s + (f − s) min(e, T) / T).

    Computed recursively as in PyTorch::

        η₀ ← η₀ s,  ηₑ = ηₑ₋₁ (1 + (f − s) / (T s + (e − 1)(f − s)))  for 1 ≤ e ≤ T

    Parameters
    ----------
    optimizer : Optimizer
    start_factor : float
        s in (0, 1].
    end_factor : float
        f in [0, 1].
    total_iters : int
        T > 0, the epoch at which the factor reaches f.
    last_epoch : int
        -1 to start a new schedule.

    Examples
    --------
    >>> import numnet
    >>> from numnet.optim import SGD
    >>> from numnet.optim.lr_scheduler import LinearLR
    >>> opt = SGD([numnet.Tensor([0.0], requires_grad=True)], lr=1.0)
    >>> scheduler = LinearLR(opt, start_factor=0.25, total_iters=3)
    >>> lrs = [scheduler.get_last_lr()[0]]
    >>> for epoch in range(4):
    ...     opt.step()
    ...     scheduler.step()
    ...     lrs.append(scheduler.get_last_lr()[0])
    >>> lrs
    [0.25, 0.5, 0.75, 1.0, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        start_factor = check_number("LinearLR", "start_factor", start_factor, high=1.0)
        if start_factor == 0:
            raise ValueError("LinearLR: start_factor must be in (0, 1], got 0")
        if isinstance(total_iters, bool) or not isinstance(total_iters, int) or total_iters <= 0:
            raise ValueError(f"LinearLR: total_iters must be a positive int, got {total_iters!r}")
        self.start_factor = start_factor
        self.end_factor = check_number("LinearLR", "end_factor", end_factor, high=1.0)
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def _get_lr(self) -> list[float]:
        e, s, f, T = self.last_epoch, self.start_factor, self.end_factor, self.total_iters
        if e == 0:
            return [lr * s for lr in self._lrs()]
        if self._initial or e > T:
            return self._lrs()
        return [lr * (1.0 + (f - s) / (T * s + (e - 1) * (f - s))) for lr in self._lrs()]


class ReduceLROnPlateau(LRScheduler):
    """Multiply the learning rate by ``factor`` when a metric has stopped improving.

    ``step(metric)`` after each validation: a metric better than the best so
    far (beyond ``threshold``) resets the count of bad epochs; once more than
    ``patience`` bad epochs in a row are seen, every group's learning rate
    becomes ``max(lr · factor, min_lr)`` (changes smaller than ``eps`` are
    skipped), then ``cooldown`` epochs pass without counting. As PyTorch's.

    "Better" for ``mode="min"``: a < best (1 − threshold) (``"rel"``) or
    a < best − threshold (``"abs"``); for ``"max"``: a > best (1 + threshold)
    or a > best + threshold.

    Parameters
    ----------
    optimizer : Optimizer
    mode : {"min", "max"}
        Whether the metric should decrease (a loss) or increase (an accuracy).
    factor : float
        In [0, 1).
    patience : int
        Bad epochs tolerated before a reduction.
    threshold : float
        Least relative or absolute improvement that counts.
    threshold_mode : {"rel", "abs"}
    cooldown : int
        Epochs to wait after a reduction before counting bad epochs again.
    min_lr : float or list of float
        Floor of the learning rate, for all groups or per group.
    eps : float
        Least change of the learning rate that is applied.

    Examples
    --------
    >>> import numnet
    >>> from numnet.optim import SGD
    >>> from numnet.optim.lr_scheduler import ReduceLROnPlateau
    >>> opt = SGD([numnet.Tensor([0.0], requires_grad=True)], lr=1.0)
    >>> scheduler = ReduceLROnPlateau(opt, factor=0.5, patience=1)
    >>> lrs = []
    >>> for val_loss in [3.0, 2.0, 2.5, 2.5, 2.5, 1.0]:
    ...     scheduler.step(val_loss)
    ...     lrs.append(scheduler.get_last_lr()[0])
    >>> lrs
    [1.0, 1.0, 1.0, 0.5, 0.5, 0.5]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float | list[float] = 0.0,
        eps: float = 1e-8,
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"ReduceLROnPlateau: expected an Optimizer, got {optimizer!r}")
        if mode not in ("min", "max"):
            raise ValueError(f"ReduceLROnPlateau: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(
                f"ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}"
            )
        for name, value in (("patience", patience), ("cooldown", cooldown)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"ReduceLROnPlateau: {name} must be an int >= 0, got {value!r}")
        self.optimizer = optimizer
        groups = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != groups:
                raise ValueError(
                    f"ReduceLROnPlateau: got {len(min_lr)} min_lr values for {groups} parameter "
                    f"groups"
                )
            self.default_min_lr = None
            self.min_lrs = [check_number("ReduceLROnPlateau", "min_lr", v) for v in min_lr]
        else:
            self.default_min_lr = check_number("ReduceLROnPlateau", "min_lr", min_lr)
            self.min_lrs = [self.default_min_lr] * groups
        self.mode, self.threshold_mode = mode, threshold_mode
        self.factor = check_number("ReduceLROnPlateau", "factor", factor, high=1.0, high_open=True)
        self.threshold = check_number("ReduceLROnPlateau", "threshold", threshold)
        self.patience, self.cooldown = patience, cooldown
        self.eps = check_number("ReduceLROnPlateau", "eps", eps)
        self.last_epoch = 0
        self._last_lr = self._lrs()
        self.best = self._worst
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    @property
    def _worst(self) -> float:
        return math.inf if self.mode == "min" else -math.inf

    def _is_better(self, a: float, best: float) -> bool:
        if self.mode == "min":
            return a < (
                best * (1.0 - self.threshold)
                if self.threshold_mode == "rel"
                else best - self.threshold
            )
        return a > (
            best * (self.threshold + 1.0) if self.threshold_mode == "rel" else best + self.threshold
        )

    def step(self, metric: Any) -> None:  # type: ignore[override]
        """Record one epoch's metric (a number or a one-element tensor) and maybe reduce the lr."""
        current = float(metric)
        self.last_epoch += 1
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs in cooldown do not count
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = self._lrs()

    def _reduce_lr(self) -> None:
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise ValueError(
                    f"ReduceLROnPlateau: the optimizer now has {len(groups)} parameter groups, "
                    f"but min_lr has {len(self.min_lrs)} values"
                )
            self.min_lrs = [self.default_min_lr] * len(groups)
        for group, min_lr in zip(groups, self.min_lrs):
            old = float(group["lr"])
            new = max(old * self.factor, min_lr)
            if old - new > self.eps:
                group["lr"] = new

    def state_dict(self) -> dict[str, Any]:
        """As :meth:`LRScheduler.state_dict`; ``best`` is None until a first improvement, so
        that the state is strict JSON (no ±inf)."""
        state = super().state_dict()
        if state["best"] == self._worst:
            state["best"] = None
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        mode, threshold_mode = state_dict.get("mode"), state_dict.get("threshold_mode")
        if mode not in ("min", "max") or threshold_mode not in ("rel", "abs"):
            raise ValueError(
                f"ReduceLROnPlateau.load_state_dict: mode {mode!r} or threshold_mode "
                f"{threshold_mode!r} is not valid"
            )
        super().load_state_dict(state_dict)
        if self.best is None:
            self.best = self._worst
