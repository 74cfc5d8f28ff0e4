"""Parsing an uploaded CSV (x1, x2, label) into playground data, with clear errors.

The file is comma-separated UTF-8 with an optional header row. Classification needs exactly
two distinct labels (numbers or strings): the first in sorted order becomes -1 (orange), the
other +1 (blue). Regression needs numeric, finite labels. The points are rescaled linearly,
with one factor for both axes and centred, into [-5, 5]², where the playground's heatmaps
look at them. Nothing in the file is evaluated: every cell is parsed with ``float``.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field

import numpy as np

from numnet.playground.config import ConfigError

__all__ = ["Upload", "parse_csv", "MAX_UPLOAD_BYTES", "MAX_UPLOAD_ROWS"]

MAX_UPLOAD_BYTES = 1_000_000
MAX_UPLOAD_ROWS = 5000
_HALF_RANGE = 5.0


@dataclass
class Upload:
    """Uploaded data ready for the playground.

    Attributes
    ----------
    X : ndarray of shape (n, 2), float64
        Points rescaled into [-5, 5]².
    y : ndarray of shape (n,), float64
        -1/+1 for classification, the values for regression.
    problem : str
        The problem type the labels were read for.
    classes : list of str
        The two original labels (for -1 and +1); empty for regression.
    text : str
        The file, kept so the labels can be read again when the problem type changes.
    """

    X: np.ndarray
    y: np.ndarray
    problem: str
    classes: list[str] = field(default_factory=list)
    text: str = ""


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) for each non-blank line, header dropped."""
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text))
    try:
        for cells in reader:
            if not cells or all(not c.strip() for c in cells):
                continue
            rows.append((reader.line_num, [c.strip() for c in cells]))
    except csv.Error as error:
        raise ConfigError(f"CSV line {reader.line_num}: {error}") from None
    if rows:
        line, cells = rows[0]
        if len(cells) == 3 and (_number(cells[0]) is None or _number(cells[1]) is None):
            rows = rows[1:]  # a header row: its coordinates are not numbers
    return rows


def parse_csv(data: bytes | str, problem: str) -> Upload:
    """Read an uploaded CSV of ``x1, x2, label`` rows for ``problem``.

    Parameters
    ----------
    data : bytes or str
        The file (UTF-8; a byte-order mark is allowed).
    problem : {"classification", "regression"}

    Returns
    -------
    Upload

    Raises
    ------
    ConfigError
        Status 413 for a file over 1 MB or over 5000 rows; 400 naming the line and the problem
        for anything else (not UTF-8, empty, wrong column count, a value that is not a finite
        number, one class or more than two classes).

    Examples
    --------
    >>> up = parse_csv("x1,x2,label\\n0,0,red\\n2,1,blue\\n-2,-1,red\\n", "classification")
    >>> up.classes, up.y.tolist(), up.X[:, 0].tolist()
    (['blue', 'red'], [1.0, -1.0, 1.0], [0.0, 5.0, -5.0])
    """
    if isinstance(data, bytes):
        if len(data) > MAX_UPLOAD_BYTES:
            raise ConfigError(
                f"the CSV file has {len(data)} bytes; at most {MAX_UPLOAD_BYTES} are accepted", 413
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ConfigError(
                f"the CSV file is not UTF-8 text (invalid byte at position {error.start})"
            ) from None
    else:
        text = data.removeprefix("\ufeff")
    if "\x00" in text:
        raise ConfigError("the CSV file contains NUL bytes: it looks like a binary file")
    rows = _rows(text)
    if not rows:
        raise ConfigError("the CSV file is empty: expected rows of x1, x2, label")
    if len(rows) > MAX_UPLOAD_ROWS:
        raise ConfigError(
            f"the CSV file has {len(rows)} rows; at most {MAX_UPLOAD_ROWS} are accepted", 413
        )
    points = np.empty((len(rows), 2))
    labels: list[str] = []
    for i, (line, cells) in enumerate(rows):
        if len(cells) != 3:
            raise ConfigError(
                f"CSV line {line}: expected 3 columns (x1, x2, label), got {len(cells)}"
            )
        for j, name in enumerate(("x1", "x2")):
            value = _number(cells[j])
            if value is None:
                raise ConfigError(f"CSV line {line}: {name} {cells[j][:40]!r} is not a number")
            if not math.isfinite(value):
                raise ConfigError(
                    f"CSV line {line}: {name} is {cells[j]!r}; expected a finite number"
                )
            points[i, j] = value
        labels.append(cells[2])
    if len(rows) < 2:
        raise ConfigError("the CSV file has only 1 row; at least 2 are needed to train and test")
    y, classes = _labels(labels, rows, problem)
    return Upload(_rescale(points), y, problem, classes, text)


def _labels(labels: list[str], rows: list, problem: str) -> tuple[np.ndarray, list[str]]:
    numbers = [_number(label) for label in labels]
    if problem == "regression":
        for (line, _), label, value in zip(rows, labels, numbers):
            if value is None or not math.isfinite(value):
                raise ConfigError(
                    f"CSV line {line}: label {label[:40]!r} is not a finite number "
                    "(regression needs numeric labels)"
                )
        return np.array(numbers, dtype=np.float64), []
    numeric = all(v is not None for v in numbers)
    if numeric:
        for (line, _), label, value in zip(rows, labels, numbers):
            if not math.isfinite(value):
                raise ConfigError(f"CSV line {line}: label is {label!r}; expected a finite number")
        distinct = sorted(set(numbers))
        keys = numbers
    else:
        distinct = sorted(set(labels))
        keys = labels
    if len(distinct) != 2:
        shown = ", ".join(repr(c) for c in distinct[:5]) + (", ..." if len(distinct) > 5 else "")
        raise ConfigError(
            f"classification needs exactly two distinct labels, the file has {len(distinct)}: "
            f"{shown}"
        )
    negative = distinct[0]
    y = np.array([-1.0 if key == negative else 1.0 for key in keys])
    names = [labels[keys.index(c)] for c in distinct]
    return y, names


def _rescale(points: np.ndarray) -> np.ndarray:
    """Centre the bounding box and scale its longer side to [-5, 5] (one factor for both axes)."""
    low, high = points.min(axis=0), points.max(axis=0)
    centre = (low + high) / 2
    half = float(np.max(high - low)) / 2
    scale = _HALF_RANGE / half if half > 0 else 1.0
    return (points - centre) * scale
