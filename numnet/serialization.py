"""Saving models and checkpoints as safetensors with JSON metadata. Never pickle.

A model file holds every parameter and buffer as a named array, and in its
metadata the architecture as JSON, so :func:`load` rebuilds any model made of
built-in layers without the user's code. A checkpoint adds the optimizer and
scheduler state, the random generators' states, the epoch and any JSON the
caller wants, so training resumes exactly where it stopped.

Files are written atomically (a temporary file in the same folder, flushed,
then renamed over the target), so an interrupted save never destroys the
previous file. Loading checks everything and names the file and the problem.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load as _load_arrays
from safetensors.numpy import save as _save_arrays

import numnet
from numnet._atomic import write_atomic
from numnet.nn.container import ModuleList, Sequential
from numnet.nn.module import BUILTIN_MODULES, Module

__all__ = [
    "save", "load", "load_state_dict", "save_checkpoint", "load_checkpoint",
    "SerializationError",
]  # fmt: skip

_MODEL_FORMAT = "numnet.model/1"
_CHECKPOINT_FORMAT = "numnet.checkpoint/1"


class SerializationError(ValueError):
    """A file is not a numnet file, or is truncated, corrupt or inconsistent."""


# ------------------------------------------------------------------ architecture
def _architecture(module: Module) -> dict[str, Any]:
    """The JSON description of a model made of built-in modules.

    ``{"class": name, "config": constructor arguments, "children": [...]}``;
    only containers have children.
    """
    cls = type(module)
    if BUILTIN_MODULES.get(cls.__name__) is not cls:
        raise TypeError(
            f"{cls.__name__} is not a built-in numnet module, so its architecture cannot be "
            "saved; save its weights with numnet.save(..., architecture=False) and load them "
            "with model.load_state_dict(numnet.load_state_dict(path))"
        )
    description: dict[str, Any] = {"class": cls.__name__, "config": module.get_config()}
    if isinstance(module, (Sequential, ModuleList)):
        description["children"] = [_architecture(child) for child in module]
    elif module._modules:
        raise TypeError(f"built-in {cls.__name__} with child modules cannot be described")
    return description


def _build(description: Mapping[str, Any]) -> Module:
    """Rebuild a model from :func:`_architecture`'s description (weights freshly initialized)."""
    if not isinstance(description, Mapping) or "class" not in description:
        raise ValueError(f"an architecture must be a mapping with a 'class', got {description!r}")
    name = description["class"]
    cls = BUILTIN_MODULES.get(name)
    if cls is None:
        raise ValueError(f"unknown module class {name!r} in the architecture")
    config = dict(description.get("config", {}))
    if cls in (Sequential, ModuleList):
        children = [_build(child) for child in description.get("children", [])]
        return cls(*children) if cls is Sequential else cls(children)
    try:
        return cls(**config)
    except TypeError as error:
        raise ValueError(f"cannot rebuild {name} from config {config}: {error}") from None


# ------------------------------------------------------------------- file access
def _write(path: Any, arrays: dict[str, np.ndarray], metadata: dict[str, Any]) -> Path:
    path = Path(path)
    # safetensors reads a 0-d array back as shape (1,): remember which were 0-d
    metadata = {**metadata, "zero_dim": sorted(k for k, v in arrays.items() if np.ndim(v) == 0)}
    arrays = {name: np.ascontiguousarray(value) for name, value in arrays.items()}
    metadata["sha256"] = _digest(arrays)
    header = {key: json.dumps(value) for key, value in metadata.items()}
    write_atomic(path, _save_arrays(arrays, metadata=header))
    return path


def _digest(arrays: Mapping[str, np.ndarray]) -> str:
    """SHA-256 over names, dtypes, sizes and bytes, in name order: safetensors has no checksum.

    Sizes rather than shapes, because a 0-d array reads back as shape (1,)."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        value = arrays[name]
        digest.update(f"{name}|{value.dtype.str}|{value.size}|".encode())
        digest.update(np.ascontiguousarray(value).view(np.uint8).ravel())
    return digest.hexdigest()


def _read(path: Any, expected_format: str) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Arrays and decoded metadata of a numnet file, or a SerializationError naming the problem."""
    path = Path(path)
    try:
        payload = path.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file") from None
    if len(payload) < 8:
        raise SerializationError(f"{path}: file is truncated ({len(payload)} bytes)")
    header_size = int.from_bytes(payload[:8], "little")
    if header_size > len(payload) - 8:
        raise SerializationError(
            f"{path}: not a safetensors file, or truncated (header of {header_size} bytes "
            f"announced, {len(payload) - 8} present)"
        )
    try:
        header = json.loads(payload[8 : 8 + header_size])
        arrays = _load_arrays(payload)
    except (ValueError, SafetensorError) as error:
        raise SerializationError(
            f"{path}: corrupt or truncated safetensors file ({error})"
        ) from None
    raw = header.get("__metadata__") if isinstance(header, dict) else None
    if not isinstance(raw, dict) or "format" not in raw:
        raise SerializationError(
            f"{path}: a safetensors file but not one numnet wrote (no numnet metadata); "
            "for foreign weights use safetensors.numpy.load_file and load_state_dict"
        )
    try:
        metadata = {key: json.loads(value) for key, value in raw.items()}
    except json.JSONDecodeError as error:
        raise SerializationError(f"{path}: corrupt metadata ({error})") from None
    if metadata.get("sha256") != _digest(arrays):
        raise SerializationError(f"{path}: corrupt file (the arrays do not match their checksum)")
    for name in metadata.get("zero_dim", []):
        if name in arrays and arrays[name].size == 1:
            arrays[name] = arrays[name].reshape(())
    if metadata["format"] != expected_format:
        raise SerializationError(
            f"{path}: holds {metadata['format']!r}, expected {expected_format!r}"
            + (" (use load_checkpoint)" if metadata["format"] == _CHECKPOINT_FORMAT else "")
            + (" (use load)" if metadata["format"] == _MODEL_FORMAT else "")
        )
    return arrays, metadata


# ------------------------------------------------------------------------ models
def save(model: Module, path: Any, architecture: bool = True) -> Path:
    """Write ``model``'s parameters and buffers to a safetensors file, atomically.

    The architecture goes into the metadata as JSON so :func:`load` can rebuild
    the model; a custom module (not built from numnet's layers) needs
    ``architecture=False`` and is restored with ``load_state_dict``.

    Examples
    --------
    >>> import numnet, tempfile, os
    >>> from numnet import nn
    >>> model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU())
    >>> path = os.path.join(tempfile.mkdtemp(), "model.safetensors")
    >>> _ = numnet.save(model, path)
    >>> numnet.load(path)
    Sequential(
      (0): Linear(in_features=2, out_features=3, bias=True)
      (1): ReLU()
    )
    """
    if not isinstance(model, Module):
        raise TypeError(f"save expects a numnet Module, got {type(model).__name__}")
    metadata: dict[str, Any] = {"format": _MODEL_FORMAT, "numnet_version": numnet.__version__}
    if architecture:
        metadata["architecture"] = _architecture(model)
    return _write(path, model.state_dict(), metadata)


def load(path: Any) -> Module:
    """Rebuild a model saved by :func:`save` and fill in its weights, bit for bit."""
    arrays, metadata = _read(path, _MODEL_FORMAT)
    if "architecture" not in metadata:
        raise SerializationError(
            f"{path}: saved without its architecture; build the model and call "
            "model.load_state_dict(numnet.load_state_dict(path))"
        )
    try:
        model = _build(metadata["architecture"])
    except ValueError as error:
        raise SerializationError(f"{path}: {error}") from None
    _fill(model, arrays, path)
    return model


def load_state_dict(path: Any) -> dict[str, np.ndarray]:
    """The ``{name: array}`` state saved by :func:`save`, for ``Module.load_state_dict``."""
    arrays, _ = _read(path, _MODEL_FORMAT)
    return arrays


def _fill(model: Module, arrays: Mapping[str, np.ndarray], path: Any) -> None:
    try:
        model.load_state_dict(arrays)
    except (KeyError, ValueError) as error:
        raise SerializationError(f"{path}: weights do not fit the architecture: {error}") from None


# ------------------------------------------------------------------- checkpoints
def _generators(model: Module) -> dict[str, np.random.Generator]:
    """Every module's random generator (dropout masks, noise), by module name."""
    return {
        name: module.rng
        for name, module in model.named_modules()
        if isinstance(getattr(module, "rng", None), np.random.Generator)
    }


def _split_optimizer_state(state: Mapping[str, Any]) -> tuple[dict[str, np.ndarray], dict]:
    """Arrays of an optimizer's ``state_dict`` as named tensors, the rest as JSON."""
    arrays: dict[str, np.ndarray] = {}
    scalars: dict[str, dict[str, Any]] = {}
    for index, entries in state["state"].items():
        for key, value in entries.items():
            if isinstance(value, np.ndarray):
                arrays[f"optimizer/{index}/{key}"] = value
            else:
                scalars.setdefault(str(index), {})[key] = _json_value(value)
    return arrays, {"param_groups": state["param_groups"], "scalars": scalars}


def _json_value(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def save_checkpoint(
    path: Any,
    model: Module,
    optimizer: Any = None,
    scheduler: Any = None,
    epoch: int = 0,
    rng: np.random.Generator | None = None,
    extra: Mapping[str, Any] | None = None,
    arrays: Mapping[str, np.ndarray] | None = None,
) -> Path:
    """Write everything needed to resume training, atomically, to one safetensors file.

    Saved: the model (architecture when it has one, parameters, buffers), the
    optimizer's and scheduler's ``state_dict``, the state of every module's
    random generator and of ``rng`` (e.g. the one that shuffles the data),
    ``epoch``, ``extra`` (any JSON: history, best score...) and ``arrays``
    (named NumPy arrays, e.g. the best weights seen so far).
    """
    extra_arrays = {f"extra/{name}": np.asarray(a) for name, a in (arrays or {}).items()}
    arrays = {f"model/{name}": value for name, value in model.state_dict().items()}
    arrays.update(extra_arrays)
    metadata: dict[str, Any] = {
        "format": _CHECKPOINT_FORMAT,
        "numnet_version": numnet.__version__,
        "epoch": int(epoch),
        "extra": dict(extra or {}),
        "generators": {name: g.bit_generator.state for name, g in _generators(model).items()},
        "rng": None if rng is None else rng.bit_generator.state,
    }
    try:
        metadata["architecture"] = _architecture(model)
    except TypeError:
        metadata["architecture"] = None
    if optimizer is not None:
        optimizer_arrays, metadata["optimizer"] = _split_optimizer_state(optimizer.state_dict())
        metadata["optimizer"]["class"] = type(optimizer).__name__
        arrays.update(optimizer_arrays)
    if scheduler is not None:
        metadata["scheduler"] = {"class": type(scheduler).__name__, **scheduler.state_dict()}
    try:
        return _write(path, arrays, metadata)
    except TypeError as error:
        raise TypeError(f"checkpoint metadata must be JSON: {error}") from None


def load_checkpoint(
    path: Any,
    model: Module | None = None,
    optimizer: Any = None,
    scheduler: Any = None,
    rng: np.random.Generator | None = None,
) -> dict[str, Any]:
    """Restore a checkpoint written by :func:`save_checkpoint`, in place.

    ``model`` may be omitted when the checkpoint holds an architecture: it is
    rebuilt. Returns ``{"model", "epoch", "extra", "arrays"}``; the optimizer, the
    scheduler, the modules' generators and ``rng`` are restored in place.
    """
    arrays, metadata = _read(path, _CHECKPOINT_FORMAT)
    if model is None:
        if metadata.get("architecture") is None:
            raise SerializationError(f"{path}: no architecture saved; pass the model to restore")
        try:
            model = _build(metadata["architecture"])
        except ValueError as error:
            raise SerializationError(f"{path}: {error}") from None
    prefix = "model/"
    _fill(model, {k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)}, path)
    generators = _generators(model)
    for name, state in metadata.get("generators", {}).items():
        if name in generators:
            generators[name].bit_generator.state = state
    if rng is not None:
        if metadata.get("rng") is None:
            raise SerializationError(f"{path}: no generator state saved for rng")
        rng.bit_generator.state = metadata["rng"]
    if optimizer is not None:
        optimizer.load_state_dict(_optimizer_state(path, arrays, metadata, optimizer))
    if scheduler is not None:
        saved = metadata.get("scheduler")
        if saved is None:
            raise SerializationError(f"{path}: no scheduler state saved")
        saved = dict(saved)
        kind = saved.pop("class")
        if kind != type(scheduler).__name__:
            raise SerializationError(
                f"{path}: holds a {kind} scheduler, not {type(scheduler).__name__}"
            )
        scheduler.load_state_dict(saved)
    saved = {k[len("extra/") :]: v for k, v in arrays.items() if k.startswith("extra/")}
    return {
        "model": model,
        "epoch": metadata["epoch"],
        "extra": metadata.get("extra", {}),
        "arrays": saved,
    }


def _optimizer_state(path: Any, arrays: Mapping, metadata: Mapping, optimizer: Any) -> dict:
    saved = metadata.get("optimizer")
    if saved is None:
        raise SerializationError(f"{path}: no optimizer state saved")
    if saved["class"] != type(optimizer).__name__:
        raise SerializationError(
            f"{path}: holds {saved['class']} state, not {type(optimizer).__name__}"
        )
    state: dict[int, dict[str, Any]] = {}
    for name, value in arrays.items():
        if name.startswith("optimizer/"):
            _, index, key = name.split("/", 2)
            state.setdefault(int(index), {})[key] = value
    for index, entries in saved["scalars"].items():
        state.setdefault(int(index), {}).update(entries)
    return {"state": state, "param_groups": saved["param_groups"]}
