"""Optimizers, learning-rate schedules, and the tools around a training step.

Optimizers read like their papers: :class:`Optimizer` holds parameter groups
and state, and each subclass writes only its update rule, given as an
equation in its docstring. They match ``torch.optim`` step for step.

- :class:`SGD` (momentum, Nesterov), :class:`Adam` (AMSGrad), :class:`AdamW`,
  :class:`RMSprop` (centered, momentum), :class:`LBFGS` (SciPy's L-BFGS-B).
- :mod:`numnet.optim.lr_scheduler`: ``StepLR``, ``ExponentialLR``,
  ``CosineAnnealingLR``, ``LinearLR``, ``ReduceLROnPlateau``.
- Regularization: :func:`l1_penalty` and :func:`l2_penalty` (terms of the
  loss, weight matrices only by default), :func:`soft_threshold_` (the proximal
  step of the L1 penalty: exact zeros), :func:`max_norm_` (a constraint on
  each unit's incoming weights), gradient noise (:func:`add_grad_noise_`,
  :class:`GradientNoise`), clipping (:func:`clip_grad_norm_`, :func:`clip_grad_value_`).
- :func:`parameters_to_vector` and :func:`vector_to_parameters`: vec(θ), column-major.

>>> import numnet
>>> from numnet.optim import SGD
>>> w = numnet.Tensor([3.0], requires_grad=True)
>>> opt = SGD([w], lr=0.25)
>>> for _ in range(3):
...     opt.zero_grad()
...     (w * w).sum().backward()
...     opt.step()
>>> w.data  # each step halves w: w ← w − 0.25 · 2w
array([0.375], dtype=float32)
"""

from numnet.optim import lr_scheduler
from numnet.optim.adam import Adam, AdamW
from numnet.optim.clip import clip_grad_norm_, clip_grad_value_
from numnet.optim.constraints import max_norm_
from numnet.optim.lbfgs import LBFGS
from numnet.optim.lr_scheduler import (
    CosineAnnealingLR,
    ExponentialLR,
    LinearLR,
    LRScheduler,
    ReduceLROnPlateau,
    StepLR,
)
from numnet.optim.noise import GradientNoise, add_grad_noise_
from numnet.optim.optimizer import Optimizer
from numnet.optim.penalties import l1_penalty, l2_penalty
from numnet.optim.proximal import soft_threshold_
from numnet.optim.rmsprop import RMSprop
from numnet.optim.sgd import SGD
from numnet.optim.vector import parameters_to_vector, vector_to_parameters

__all__ = [
    "Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "LBFGS",
    "lr_scheduler", "LRScheduler", "StepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR",
    "ReduceLROnPlateau",
    "l1_penalty", "l2_penalty", "soft_threshold_", "max_norm_", "add_grad_noise_", "GradientNoise",
    "clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters",
]  # fmt: skip
