"""Training: the :func:`fit` loop, its :class:`History`, and callbacks.

See :mod:`numnet.train.trainer` for the regimes, Ctrl-C and resume.
"""

from numnet.train.callbacks import (
    Callback,
    CSVLogger,
    EarlyStopping,
    JSONLLogger,
    LearningRateScheduler,
    ModelCheckpoint,
)
from numnet.train.history import History
from numnet.train.progress import ProgressBar
from numnet.train.trainer import REGIMES, Trainer, fit, predict

__all__ = [
    "fit",
    "predict",
    "Trainer",
    "History",
    "REGIMES",
    "Callback",
    "EarlyStopping",
    "ModelCheckpoint",
    "LearningRateScheduler",
    "CSVLogger",
    "JSONLLogger",
    "ProgressBar",
]
