"""Gradient clipping and the parameter vector, where PyTorch users look for them.

They live in :mod:`numnet.optim`; this module re-exports them under the names
of ``torch.nn.utils``.
"""

from numnet.optim.clip import clip_grad_norm_, clip_grad_value_
from numnet.optim.constraints import max_norm_
from numnet.optim.vector import parameters_to_vector, vector_to_parameters

__all__ = [
    "clip_grad_norm_", "clip_grad_value_", "max_norm_", "parameters_to_vector",
    "vector_to_parameters",
]  # fmt: skip
