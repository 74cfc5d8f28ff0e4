"""Atomic writes for run folders, on top of :func:`numnet._atomic.write_atomic`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from numnet._atomic import write_atomic

__all__ = ["write_bytes", "write_json", "write_text"]

write_bytes = write_text = write_atomic  # readers see the old file or the new one, never half


def write_json(path: str | Path, data: Any) -> Path:
    """Indented JSON, written atomically."""
    return write_atomic(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
