"""Frames: what the page draws after each burst of training, as JSON-ready values.

Heatmaps are sampled on a square grid over [-6, 6]²: row 0 is the top (x2 = +6), column 0
the left (x1 = -6), both ends included. Each value v in [-1, 1] is sent as one byte
``round((v + 1) · 127.5)``, so ``v = byte / 127.5 - 1``, and the bytes are base64-encoded.
The output is computed once for the 100 x 100 grid and the 25 x 25 grid together, in
prediction mode and without recording a graph.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

import numnet
from numnet import nn
from numnet.playground.features import feature_matrix

if TYPE_CHECKING:
    from numnet.playground.session import Session

__all__ = [
    "EXTENT",
    "BOUNDARY_SIZE",
    "NEURON_SIZE",
    "grid",
    "encode",
    "encode_columns",
    "decode",
    "build_frame",
]

EXTENT = 6.0
BOUNDARY_SIZE = 100
NEURON_SIZE = 25


@lru_cache(maxsize=4)
def grid(size: int) -> np.ndarray:
    """The (size², 2) grid points, row-major from the top-left corner (-6, +6).

    >>> grid(3).tolist()
    [[-6.0, 6.0], [0.0, 6.0], [6.0, 6.0], [-6.0, 0.0], [0.0, 0.0], [6.0, 0.0], [-6.0, -6.0], [0.0, -6.0], [6.0, -6.0]]
    """  # noqa: E501
    axis = np.linspace(-EXTENT, EXTENT, size)
    x1, x2 = np.meshgrid(axis, axis[::-1])
    points = np.column_stack([x1.ravel(), x2.ravel()])
    points.flags.writeable = False
    return points


def _bytes(values: np.ndarray) -> np.ndarray:
    """uint8 codes of values in [-1, 1]: clipped, NaN as 0."""
    values = np.asarray(values)
    values = np.clip(np.where(np.isnan(values), 0.0, values), -1.0, 1.0)
    return np.rint((values + 1.0) * 127.5).astype(np.uint8)


def encode(values: np.ndarray) -> str:
    """Values in [-1, 1] (clipped; NaN as 0) as base64 of one uint8 per value.

    >>> encode(np.array([-1.0, 0.0, 1.0, 5.0]))
    'AID//w=='
    >>> decode('AID//w==').round(4).tolist()
    [-1.0, 0.0039, 1.0, 1.0]
    """
    return base64.b64encode(_bytes(values).tobytes()).decode()


def encode_columns(values: np.ndarray) -> list[str]:
    """:func:`encode` of each column of a (n, k) array, converted in one pass."""
    codes = np.ascontiguousarray(_bytes(values).T)
    return [base64.b64encode(row.tobytes()).decode() for row in codes]


def decode(text: str) -> np.ndarray:
    """The inverse of :func:`encode` (up to the 1/127.5 quantization): byte / 127.5 - 1."""
    return np.frombuffer(base64.b64decode(text), dtype=np.uint8) / 127.5 - 1.0


def _rounded(array: np.ndarray) -> list:
    """Nested lists rounded to 4 decimals, non-finite numbers as None (JSON has no NaN)."""
    if np.isfinite(array).all():
        return np.round(array, 4).tolist()
    cleaned = np.where(np.isfinite(array), np.round(array, 4), np.nan).astype(object)
    cleaned[~np.isfinite(array)] = None
    return cleaned.tolist()


def _display(session: Session, output: np.ndarray) -> np.ndarray:
    """Network output mapped to [-1, 1] for the heatmap: 2σ(z) − 1 = tanh(z / 2) for logits."""
    if session.config["loss"] == "cross_entropy":
        return np.tanh(output / 2.0)
    return output


def _is_activation(module: nn.Module) -> bool:
    from numnet.playground.session import ACTIVATION_MODULES

    return type(module) in ACTIVATION_MODULES.values()


@lru_cache(maxsize=16)
def _grid_inputs(features: tuple[str, ...]) -> np.ndarray:
    """Features of the boundary grid followed by the neuron grid, float32, read-only."""
    points = np.concatenate([grid(BOUNDARY_SIZE), grid(NEURON_SIZE)])
    inputs = feature_matrix(points, features).astype(np.float32)
    inputs.flags.writeable = False
    return inputs


def _forward_grids(session: Session) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """Output on the boundary grid, each hidden layer's activations and inputs on the small one.

    In float32: the values end up as bytes (1/127.5 steps), and NumPy's float32 tanh is
    several times faster than its float64 one, which matters at 10,625 points per layer.
    """
    inputs = _grid_inputs(tuple(session.config["features"]))
    n_big = BOUNDARY_SIZE * BOUNDARY_SIZE
    n_hidden = len(session.config["hidden"])
    hidden: list[np.ndarray] = []
    linears = 0
    h = inputs
    with numnet.no_grad(), np.errstate(all="ignore"):
        for module in session.model:
            if isinstance(module, nn.Linear):
                h = h @ module.weight.data.T.astype(np.float32)
                if module.bias is not None:
                    h += module.bias.data.astype(np.float32)
                linears += 1
            elif isinstance(module, nn.BatchNorm1d):
                scale = 1.0 / np.sqrt(module.running_var + module.eps)
                shift = -module.running_mean * scale
                if module.affine:
                    scale, shift = scale * module.weight.data, shift * module.weight.data
                    shift = shift + module.bias.data
                h = h * scale.astype(np.float32) + shift.astype(np.float32)
            elif isinstance(module, nn.Dropout):
                continue  # the identity in prediction mode (inverted dropout)
            else:
                h = module(numnet.Tensor(h)).data
                if _is_activation(module) and len(hidden) < linears <= n_hidden:
                    hidden.append(h[n_big:])
    return h[:n_big, 0], hidden, inputs[n_big:]


def build_frame(session: Session) -> dict[str, Any]:
    """The FRAME of the API contract for ``session`` (call it holding the session's lock)."""
    output, hidden, small_inputs = _forward_grids(session)
    scale = np.max(np.abs(small_inputs), axis=0)
    scale[scale == 0] = 1.0
    history = session.history
    train_loss, test_loss = history["train_loss"][-1], history["test_loss"][-1]
    finite = lambda v: v if v is None or np.isfinite(v) else None  # noqa: E731
    weights = [_rounded(m.weight.data.T) for m in session.model if isinstance(m, nn.Linear)]
    return {
        "epoch": session.epoch,
        "playing": bool(session.playing),
        "stop_reason": session.stop_reason,
        "train_loss": finite(train_loss),
        "test_loss": finite(test_loss),
        "train_accuracy": history["train_accuracy"][-1],
        "test_accuracy": history["test_accuracy"][-1],
        "epoch_ms": round(session.epoch_ms, 4),
        "boundary": {
            "size": BOUNDARY_SIZE,
            "extent": [-EXTENT, EXTENT],
            "data": encode(_display(session, output)),
        },
        "neurons": [encode_columns(layer) for layer in hidden],
        "inputs": encode_columns(small_inputs / scale),
        "weights": weights,
        "point": [session.epoch, finite(train_loss), finite(test_loss)],
    }
