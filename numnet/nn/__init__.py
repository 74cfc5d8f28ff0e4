"""numnet.nn: modules (layers, activations, losses), parameters and initialization.

>>> import numnet
>>> from numnet import nn
>>> model = nn.Sequential(nn.Linear(2, 8, rng=0), nn.Tanh(), nn.Linear(8, 2, rng=1))
>>> loss = nn.CrossEntropyLoss()(model(numnet.randn(4, 2, rng=0)), [0, 1, 1, 0])
>>> loss.backward()
>>> model[0].weight.grad.shape
(8, 2)
"""

from numnet.nn import init, utils
from numnet.nn.activation import (
    ACTIVATIONS,
    ELU,
    ArcTan,
    Exp,
    Identity,
    LogSoftmax,
    PReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Softplus,
    Step,
    Tanh,
    activation,
)
from numnet.nn.batchnorm import BatchNorm1d
from numnet.nn.container import ModuleList, Sequential
from numnet.nn.dropout import Dropout, GaussianNoise
from numnet.nn.linear import Flatten, Linear
from numnet.nn.loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HingeLoss,
    L1Loss,
    MAPELoss,
    MSELoss,
    NLLLoss,
    PerceptronLoss,
    PoissonNLLLoss,
)
from numnet.nn.mlp import mlp
from numnet.nn.module import IncompatibleKeys, Module
from numnet.nn.parameter import Parameter

__all__ = [
    "Module", "Parameter", "IncompatibleKeys", "Sequential", "ModuleList", "init", "utils",
    "Linear", "Flatten", "Dropout", "GaussianNoise", "BatchNorm1d",
    "Identity", "Step", "Sigmoid", "Tanh", "ArcTan", "ReLU", "PReLU", "ELU", "Softplus",
    "Softmax", "LogSoftmax", "Exp", "ACTIVATIONS", "activation", "mlp",
    "MSELoss", "L1Loss", "MAPELoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss",
    "NLLLoss", "HingeLoss", "PerceptronLoss", "PoissonNLLLoss",
]  # fmt: skip
