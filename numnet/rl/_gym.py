"""Gymnasium access for numnet.rl: lazy imports, environment checks, clear errors.

``import numnet`` never imports Gymnasium; everything here imports it on first
use and, when it is missing, says which extra to install.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
from collections.abc import Callable
from typing import Any

__all__ = [
    "EnvSpecError", "require_gymnasium", "require_ray", "make_env", "env_summary",
    "box2d_available",
]  # fmt: skip

EnvFactory = Callable[[], Any]


class EnvSpecError(ValueError):
    """An environment id, space or installation numnet.rl cannot work with."""


def require_gymnasium() -> Any:
    """Import and return :mod:`gymnasium`, or raise ImportError naming the extra."""
    try:
        return importlib.import_module("gymnasium")
    except ImportError:
        raise ImportError('numnet.rl needs Gymnasium: pip install "numnet[rl]"') from None


def require_ray() -> Any:
    """Import and return :mod:`ray`, or raise ImportError naming the extra."""
    try:
        return importlib.import_module("ray")
    except ImportError:
        raise ImportError('the Ray backend needs Ray: pip install "numnet[ray]"') from None


def box2d_available() -> bool:
    """Whether the Box2D physics engine (LunarLander, BipedalWalker, CarRacing) imports."""
    return importlib.util.find_spec("Box2D") is not None


def _check_registered(gym: Any, env_id: str) -> None:
    if env_id in gym.registry:
        return
    close = difflib.get_close_matches(env_id, list(gym.registry), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise EnvSpecError(f"unknown environment id {env_id!r}{hint}")


def make_env(env: str | EnvFactory, **kwargs: Any) -> Any:
    """Create one environment from an id (``gymnasium.make``) or a factory.

    Raises :class:`EnvSpecError` for an unknown id (naming close ids) and for a
    Box2D environment without Box2D installed (naming the extra to install).
    """
    gym = require_gymnasium()
    if callable(env):
        return env()
    if not isinstance(env, str):
        raise TypeError(f"env must be a Gymnasium id or a callable, got {type(env).__name__}")
    _check_registered(gym, env)
    entry = str(gym.registry[env].entry_point)
    if "box2d" in entry and not box2d_available():
        raise EnvSpecError(
            f'{env} needs Box2D, which is not installed: pip install "numnet[box2d]"'
        )
    try:
        return gym.make(env, disable_env_checker=True, **kwargs)
    except gym.error.DependencyNotInstalled as error:
        extra = "box2d" if "box2d" in entry.lower() else "rl"
        raise EnvSpecError(
            f'{env} needs a package that is missing ({error}): pip install "numnet[{extra}]"'
        ) from None


def env_summary(env: Any) -> dict[str, Any]:
    """What the agents need to know about an environment's spaces, validated.

    Returns ``{"kind": "discrete" | "continuous" | "tabular", "obs_dim", "n_actions" or
    "action_dim", "low", "high", "n_states", "max_steps"}``; raises EnvSpecError for a
    space numnet.rl does not support (Dict, Tuple, MultiDiscrete, MultiBinary, images).
    """
    gym = require_gymnasium()
    spaces = gym.spaces
    obs, act = env.observation_space, env.action_space
    spec = getattr(env, "spec", None)
    summary: dict[str, Any] = {"max_steps": getattr(spec, "max_episode_steps", None)}
    if isinstance(act, spaces.Discrete):
        summary["n_actions"] = int(act.n)
        summary["action_start"] = int(act.start)
    elif isinstance(act, spaces.Box) and len(act.shape) == 1:
        summary["action_dim"] = int(act.shape[0])
        summary["low"] = act.low.astype(float).tolist()
        summary["high"] = act.high.astype(float).tolist()
    else:
        raise EnvSpecError(
            f"unsupported action space {act}: numnet.rl supports Discrete and 1-D Box actions"
        )
    if isinstance(obs, spaces.Discrete):
        if "n_actions" not in summary:
            raise EnvSpecError("a Discrete observation space needs Discrete actions (tabular CEM)")
        summary["kind"] = "tabular"
        summary["n_states"] = int(obs.n)
    elif isinstance(obs, spaces.Box) and len(obs.shape) == 1:
        summary["kind"] = "discrete" if "n_actions" in summary else "continuous"
        summary["obs_dim"] = int(obs.shape[0])
        summary["obs_low"] = obs.low.astype(float).tolist()
        summary["obs_high"] = obs.high.astype(float).tolist()
    else:
        raise EnvSpecError(
            f"unsupported observation space {obs}: numnet.rl supports 1-D Box observations "
            "(deep CEM) and Discrete observations (tabular CEM)"
        )
    return summary
