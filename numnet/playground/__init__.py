"""numnet playground: TensorFlow Playground in the browser, trained by numnet on the server.

Start it with ``numnet playground`` (or :func:`numnet.playground.cli.main`). The training
core (:class:`Session`, :func:`make_data`, :func:`build_model`, :func:`normalize_config`)
needs only numnet; the web server (:func:`create_app`) needs Starlette and uvicorn,
``pip install "numnet[playground]"``, and is imported on first use.

>>> from numnet.playground import Session
>>> session = Session({"dataset": "xor", "hidden": [4], "learning_rate": 0.1})
>>> session.train(5)
>>> session.epoch, session.test_loss < session.history["test_loss"][0]
(5, True)
"""

from __future__ import annotations

from typing import Any

from numnet.playground.config import DEFAULTS, ConfigError, default_config, normalize_config
from numnet.playground.features import FEATURES, feature_matrix
from numnet.playground.session import Data, Session, build_model, make_data, make_optimizer
from numnet.playground.upload import Upload, parse_csv

__all__ = [
    "DEFAULTS", "ConfigError", "default_config", "normalize_config", "FEATURES",
    "feature_matrix", "Data", "Session", "build", "build_model", "make_data", "make_optimizer",
    "Upload", "parse_csv", "create_app", "INSTALL_HINT",
]  # fmt: skip

INSTALL_HINT = 'the playground server needs Starlette and uvicorn: pip install "numnet[playground]"'


def build(config: dict[str, Any] | None = None) -> Session:
    """A :class:`Session` for ``config`` (a partial config; defaults for the rest).

    >>> build({"dataset": "spiral"}).config["n_samples"]
    500
    """
    return Session(config)


def __getattr__(name: str) -> Any:
    # the web stack is optional: import it only when the server is asked for
    if name == "create_app":
        try:
            from numnet.playground.server import create_app
        except ImportError as error:
            raise ImportError(f"{INSTALL_HINT} ({error})") from None
        return create_app
    raise AttributeError(f"module 'numnet.playground' has no attribute {name!r}")
