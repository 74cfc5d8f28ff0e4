"""The playground's configuration: defaults, validation and normalization.

A config is a flat JSON object (the API contract's table). :func:`normalize_config` checks
every field's type and range, fills in defaults, applies a partial update to a previous
config, and returns a new dict in canonical form (features in canonical order, one
activation per hidden layer). Every problem raises :class:`ConfigError` with one sentence
naming the field, the bad value and what was expected; the server turns it into a 400.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = [
    "ConfigError",
    "DEFAULTS",
    "FIELDS",
    "FEATURE_NAMES",
    "ACTIVATION_NAMES",
    "DATASETS",
    "REBUILD_FIELDS",
    "KEEP_FIELDS",
    "MAX_SEED",
    "normalize_config",
    "default_config",
    "n_train_points",
]

MAX_SEED = 2**31 - 1
FEATURE_NAMES = ("x1", "x2", "x1^2", "x2^2", "x1x2", "sin_x1", "sin_x2")
ACTIVATION_NAMES = ("tanh", "relu", "sigmoid", "linear", "elu", "softplus", "arctan")
DATASETS = {
    "classification": ("circle", "xor", "gauss", "spiral", "upload"),
    "regression": ("plane", "multi_gauss", "upload"),
}
_DEFAULT_DATASET = {"classification": "circle", "regression": "plane"}
_DEFAULT_SAMPLES = {"classification": 500, "regression": 1200}
MAX_HIDDEN_LAYERS = 10
MAX_NEURONS = 64
MAX_BATCH = 500
MAX_EPOCH_LIMIT = 10**7

DEFAULTS: dict[str, Any] = {
    "problem": "classification",
    "dataset": "circle",
    "noise": 0,
    "train_ratio": 50,
    "n_samples": 500,
    "batch_size": 10,
    "features": ["x1", "x2"],
    "hidden": [4, 2],
    "activations": ["tanh", "tanh"],
    "loss": "mse",
    "optimizer": "sgd",
    "learning_rate": 0.03,
    "momentum": 0.9,
    "regularization": "none",
    "reg_rate": 0.0,
    "dropout": 0.0,
    "batch_norm": False,
    "seed": 0,
    "data_seed": 0,
    "epoch_limit": None,
    "stop_loss": None,
    "discretize": False,
    "show_test": False,
}
FIELDS = tuple(DEFAULTS)

# A change of one of these rebuilds the data and the network (epoch 0); the others keep them.
REBUILD_FIELDS = frozenset(
    {
        "problem", "dataset", "noise", "train_ratio", "n_samples", "features", "hidden",
        "activations", "loss", "dropout", "batch_norm", "seed", "data_seed",
    }
)  # fmt: skip
KEEP_FIELDS = frozenset(FIELDS) - REBUILD_FIELDS


class ConfigError(ValueError):
    """A config field (or an upload) has a wrong type or value; the message says which.

    ``status`` is the HTTP status the server answers with (400 unless said otherwise).
    """

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _describe(value: Any) -> str:
    """The value as the user sent it, with its JSON type when that is the problem."""
    kinds = {bool: "a boolean", str: "a string", list: "a list", dict: "an object"}
    kind = kinds.get(type(value))
    text = repr(value) if not isinstance(value, (list, dict)) else _short(value)
    if value is None:
        return "null"
    return f"{text} ({kind})" if kind else text


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _int(name: str, value: Any, low: int, high: int) -> int:
    """An integer in [low, high]; integral floats such as 50.0 are accepted."""
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{name} must be an integer from {low} to {high}, got {_describe(value)}")
    return value


def _float(name: str, value: Any, low: float, high: float, low_open: bool = False) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if ok:
        value = float(value)
        ok = math.isfinite(value) and (low < value if low_open else low <= value) and value <= high
    if not ok:
        bracket = "(" if low_open else "["
        raise ConfigError(
            f"{name} must be a number in {bracket}{low:g}, {high:g}], got {_describe(value)}"
        )
    return value


def _bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{name} must be true or false, got {_describe(value)}")
    return value


def _choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        expected = ", ".join(f'"{c}"' for c in choices)
        raise ConfigError(f"{name} must be one of {expected}, got {_describe(value)}")
    return value


def _features(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ConfigError(
            f"features must be a non-empty list of names from {list(FEATURE_NAMES)}, "
            f"got {_describe(value)}"
        )
    for item in value:
        if not isinstance(item, str) or item not in FEATURE_NAMES:
            raise ConfigError(
                f"features: unknown feature {_describe(item)}; expected names from "
                f"{list(FEATURE_NAMES)}"
            )
    return [name for name in FEATURE_NAMES if name in value]  # canonical order, duplicates once


def _hidden(value: Any) -> list[int]:
    if not isinstance(value, list) or len(value) > MAX_HIDDEN_LAYERS:
        raise ConfigError(
            f"hidden must be a list of 0 to {MAX_HIDDEN_LAYERS} integers (neurons per layer), "
            f"got {_describe(value)}"
        )
    return [_int(f"hidden[{i}]", width, 1, MAX_NEURONS) for i, width in enumerate(value)]


def _activations(value: Any, n_layers: int) -> list[str]:
    if isinstance(value, str):
        return [_choice("activations", value, ACTIVATION_NAMES)] * n_layers
    if not isinstance(value, list):
        raise ConfigError(
            f"activations must be a name or a list of names, one per hidden layer, "
            f"got {_describe(value)}"
        )
    if len(value) != n_layers:
        raise ConfigError(
            f"activations must have one name per hidden layer ({n_layers}), "
            f"got {len(value)}: {_short(value)}"
        )
    return [_choice(f"activations[{i}]", a, ACTIVATION_NAMES) for i, a in enumerate(value)]


def _optional(name: str, value: Any, check: Any) -> Any:
    return None if value is None else check(name, value)


def n_train_points(config: Mapping[str, Any], upload_rows: int | None = None) -> int:
    """Training points for ``config``: ``round(n · train_ratio / 100)``, at least 1, at most n − 1.

    ``n`` is ``n_samples``, or the number of uploaded rows for the dataset "upload".

    >>> n_train_points({"dataset": "spiral", "n_samples": 500, "train_ratio": 50})
    250
    """
    n = upload_rows if config["dataset"] == "upload" and upload_rows else config["n_samples"]
    return min(max(int(round(n * config["train_ratio"] / 100)), 1), n - 1)


def default_config(problem: str = "classification") -> dict[str, Any]:
    """The defaults of the contract's table for ``problem``.

    >>> default_config("regression")["dataset"], default_config("regression")["n_samples"]
    ('plane', 1200)
    """
    config = {key: (list(v) if isinstance(v, list) else v) for key, v in DEFAULTS.items()}
    config["problem"] = _choice("problem", problem, tuple(DATASETS))
    config["dataset"] = _DEFAULT_DATASET[problem]
    config["n_samples"] = _DEFAULT_SAMPLES[problem]
    return config


def normalize_config(
    patch: Any, base: Mapping[str, Any] | None = None, upload_rows: int | None = None
) -> dict[str, Any]:
    """Validate ``patch`` and merge it into ``base`` (or the defaults), in canonical form.

    Parameters
    ----------
    patch : dict
        Any subset of the fields of :data:`DEFAULTS`, as decoded from JSON.
    base : dict, optional
        A config already normalized; ``None`` starts from the defaults of the problem.
    upload_rows : int, optional
        Rows of the session's uploaded CSV; without one, dataset "upload" is refused.

    Returns
    -------
    dict
        Every field of :data:`DEFAULTS`, validated. Switching ``problem`` without naming a
        ``dataset`` picks the new problem's default data set (and sample count, if it was the
        old default). Changing ``hidden`` without ``activations`` keeps the activations of the
        remaining layers and repeats the last for new ones. A ``batch_size`` carried over from
        ``base`` is lowered to the number of training points; one sent in ``patch`` that is
        larger is an error.

    Raises
    ------
    ConfigError
        On an unknown field, a wrong type or a value out of range.

    Examples
    --------
    >>> config = normalize_config({"hidden": [8, 8, 8, 8], "activations": "tanh"})
    >>> config["activations"], config["dataset"]
    (['tanh', 'tanh', 'tanh', 'tanh'], 'circle')
    >>> normalize_config({"hidden": "4"})
    Traceback (most recent call last):
    ...
    numnet.playground.config.ConfigError: hidden must be a list of 0 to 10 integers (neurons per layer), got '4' (a string)
    """  # noqa: E501
    if not isinstance(patch, Mapping):
        raise ConfigError(f"the config must be a JSON object, got {_describe(patch)}")
    unknown = [key for key in patch if key not in DEFAULTS]
    if unknown:
        raise ConfigError(
            f"unknown config field(s) {', '.join(map(repr, unknown))}; "
            f"known fields: {', '.join(FIELDS)}"
        )
    problem = _choice("problem", patch.get("problem", (base or DEFAULTS)["problem"]),
                      tuple(DATASETS))  # fmt: skip
    if base is None:
        config = default_config(problem)
    else:
        config = {key: (list(v) if isinstance(v, list) else v) for key, v in base.items()}
        if problem != base["problem"]:
            config["problem"] = problem
            if "dataset" not in patch:
                config["dataset"] = _DEFAULT_DATASET[problem]
            if "n_samples" not in patch and base["n_samples"] == _DEFAULT_SAMPLES[base["problem"]]:
                config["n_samples"] = _DEFAULT_SAMPLES[problem]
            if "loss" not in patch and problem == "regression":
                config["loss"] = "mse"
    config.update(patch)

    config["dataset"] = _choice("dataset", config["dataset"], DATASETS[problem])
    if config["dataset"] == "upload" and not upload_rows:
        raise ConfigError('dataset "upload" needs a CSV file: upload one first')
    config["noise"] = _int("noise", config["noise"], 0, 50)
    config["train_ratio"] = _int("train_ratio", config["train_ratio"], 10, 90)
    config["n_samples"] = _int("n_samples", config["n_samples"], 50, 2000)
    config["features"] = _features(config["features"])
    config["hidden"] = _hidden(config["hidden"])
    n_layers = len(config["hidden"])
    if "hidden" in patch and "activations" not in patch and isinstance(config["activations"], list):
        previous = [a for a in config["activations"] if a in ACTIVATION_NAMES] or ["tanh"]
        config["activations"] = (previous + [previous[-1]] * n_layers)[:n_layers]
    config["activations"] = _activations(config["activations"], n_layers)
    losses = ("mse", "cross_entropy") if problem == "classification" else ("mse",)
    config["loss"] = _choice("loss", config["loss"], losses)
    config["optimizer"] = _choice("optimizer", config["optimizer"], ("sgd", "momentum", "adam"))
    config["learning_rate"] = _float("learning_rate", config["learning_rate"], 1e-6, 10.0)
    config["momentum"] = _float("momentum", config["momentum"], 0.0, 0.999)
    config["regularization"] = _choice(
        "regularization", config["regularization"], ("none", "l1", "l2")
    )
    config["reg_rate"] = _float("reg_rate", config["reg_rate"], 0.0, 10.0)
    config["dropout"] = _float("dropout", config["dropout"], 0.0, 0.9)
    for name in ("batch_norm", "discretize", "show_test"):
        config[name] = _bool(name, config[name])
    for name in ("seed", "data_seed"):
        config[name] = _int(name, config[name], 0, MAX_SEED)
    config["epoch_limit"] = _optional(
        "epoch_limit", config["epoch_limit"], lambda n, v: _int(n, v, 1, MAX_EPOCH_LIMIT)
    )
    config["stop_loss"] = _optional(
        "stop_loss", config["stop_loss"], lambda n, v: _float(n, v, 0.0, 1e6, low_open=True)
    )

    n_train = n_train_points(config, upload_rows)
    batch_size = _int("batch_size", config["batch_size"], 1, MAX_BATCH)
    if batch_size > n_train:
        if "batch_size" in patch:
            raise ConfigError(
                f"batch_size must be at most the number of training points ({n_train}), "
                f"got {batch_size}"
            )
        batch_size = n_train
    if config["batch_norm"] and batch_size < 2:
        raise ConfigError("batch_norm needs batch_size >= 2 (a batch of one has no variance)")
    config["batch_size"] = batch_size
    return {key: config[key] for key in FIELDS}
