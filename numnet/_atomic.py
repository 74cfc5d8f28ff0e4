"""Atomic file writes: nothing the user saved is ever left half-written."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(path: str | os.PathLike, payload: bytes | str) -> Path:
    """Write ``payload`` to ``path`` through a temporary file in the same folder, then rename.

    The temporary file is fsynced before :func:`os.replace` moves it over
    ``path`` (atomic on POSIX and Windows), so ``path`` holds either the old
    content or the new, never a mix. Missing parent folders are created; on
    any failure the temporary file is removed and the old file is untouched.
    ``str`` payloads are written as UTF-8.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = write_atomic(folder / "a.txt", "hello")
    >>> (folder / "a.txt").read_text(), sorted(p.name for p in folder.iterdir())
    ('hello', ['a.txt'])
    """
    path = Path(path)
    data = payload.encode("utf-8") if isinstance(payload, str) else payload
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"
    # Not tempfile.mkstemp: its files are private (0600) and os.replace would keep that
    # mode; mode 0o666 lets the user's umask decide, as a plain open() would.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    handle = os.open(temporary, flags, 0o666)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path
