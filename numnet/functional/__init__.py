"""Activations, the fused linear layer, dropout and losses, as functions of tensors.

Every function is one node of the graph with a hand-written derivative, so
the activation table of the lectures (seed 000) reads straight off the code.
All are numerically stable for |x| up to 1e4 in float32: no overflow, no NaN
and no RuntimeWarning (``exp`` alone saturates to inf, silently, past ~88).
"""

from numnet.functional.activations import (
    arctan,
    elu,
    exp,
    identity,
    log_softmax,
    prelu,
    relu,
    sigmoid,
    softmax,
    softplus,
    step,
    tanh,
)
from numnet.functional.layers import DENSE_ACTIVATIONS, dense, dropout, linear
from numnet.functional.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    l1_loss,
    mape_loss,
    mse_loss,
    nll_loss,
    perceptron_loss,
    poisson_nll_loss,
)
from numnet.functional.normalization import batch_norm

__all__ = [
    "identity", "step", "sigmoid", "tanh", "arctan", "relu", "prelu", "elu", "softplus",
    "softmax", "log_softmax", "exp", "linear", "dense", "DENSE_ACTIVATIONS", "dropout",
    "cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "mse_loss", "l1_loss", "mape_loss", "hinge_loss", "perceptron_loss", "poisson_nll_loss",
    "batch_norm",
]  # fmt: skip
