"""Reading a CSV, Parquet or ``.npz`` file into ``(X, y)`` for the command line, with clear errors.

Every problem with the user's file raises :class:`DataError` (a ``ValueError``) whose message
is one line naming the file and the row and column at fault, so the CLI can print it as is.
Row numbers are those a spreadsheet shows: in a CSV file the header is row 1 and the first
data row is row 2; in Parquet and ``.npz`` files, where there is no header line, data rows
count from 1.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from numnet.data._checks import DataError

__all__ = ["DataError", "Table", "read_table", "read_data", "check_features", "infer_task"]

SUFFIXES = (".csv", ".parquet", ".pq", ".npz")
TASKS = ("classification", "regression")
_MAX_CLASSES = 50  # an integer target with more distinct values is taken for regression


class Table(tuple):
    """``(X, y, feature_names, target_name)``, plus the task and the class labels.

    It unpacks as a 4-tuple: ``X, y, feature_names, target_name = read_table(path)``.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features), float64
    y : ndarray of shape (n_samples,) or None
        Classification: int64 class indices ``0..k-1`` into ``classes``. Regression: float64.
        ``None`` when the file has no target (``require_target=False``).
    feature_names : list of str
    target_name : str or None
    task : {"classification", "regression"} or None
    classes : ndarray or None
        Classification only: the original labels, sorted (strings, or numbers as float64 /
        int64), so ``classes[y]`` gives back the file's labels.
    """

    def __new__(
        cls,
        X: np.ndarray,
        y: np.ndarray | None,
        feature_names: list[str],
        target_name: str | None,
        task: str | None = None,
        classes: np.ndarray | None = None,
    ) -> Table:
        table = super().__new__(cls, (X, y, feature_names, target_name))
        table.task = task
        table.classes = classes
        return table

    X = property(lambda self: self[0])
    y = property(lambda self: self[1])
    feature_names = property(lambda self: self[2])
    target_name = property(lambda self: self[3])

    def __repr__(self) -> str:
        return (
            f"Table(X shape {self.X.shape}, target {self.target_name!r}, task {self.task!r}, "
            f"{len(self.feature_names)} features)"
        )


def infer_task(y: np.ndarray) -> str:
    """``"classification"`` for string, bool or few integer-valued targets, else ``"regression"``.

    Integer-valued targets with at most 50 distinct values, and at most half as many distinct
    values as rows, are taken for class labels.

    Examples
    --------
    >>> infer_task(np.array([0, 1, 1, 0])), infer_task(np.array([0.5, 1.25, 3.0]))
    ('classification', 'regression')
    """
    y = np.asarray(y)
    if y.dtype.kind in "USOb":
        return "classification"
    if y.size == 0 or not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
        return "regression"
    distinct = len(np.unique(y))
    if distinct <= _MAX_CLASSES and distinct <= max(2, y.size // 2):
        return "classification"
    return "regression"


def read_data(
    source: str | os.PathLike,
    target: str | None = None,
    task: str | None = None,
    require_target: bool = True,
) -> Table:
    """A built-in data set by name (``"digits"``, see ``builtin_names()``) or a file by path.

    A ``source`` that exists as a file, or ends in a known suffix, is read with
    :func:`read_table`; anything else is looked up with ``load_builtin`` (features named
    ``x0, x1, ...`` and the target ``y``).

    Examples
    --------
    >>> table = read_data("iris")
    >>> table.X.shape, table.task, table.target_name
    ((150, 4), 'classification', 'y')
    """
    from numnet.data.datasets import builtin_task, load_builtin

    text = os.fspath(source)
    if os.path.exists(text) or text.lower().endswith(SUFFIXES) or os.sep in text:
        return read_table(text, target=target, task=task, require_target=require_target)
    try:
        X, y = load_builtin(text)
        found = builtin_task(text)
    except ValueError as error:
        raise DataError(f"{text}: no such file, and {error}") from None
    names = [f"x{j}" for j in range(X.shape[1])]
    if task is not None and _check_task(task) != found:
        raise DataError(f"{text}: a built-in {found} data set cannot be used for {task}")
    classes = None
    if found == "classification":
        classes, y = np.unique(y, return_inverse=True)
        y = y.astype(np.int64)
    return Table(X, y, names, "y", found, classes)


def _check_task(task: str | None) -> str | None:
    if task is not None and task not in TASKS:
        raise ValueError(f"task must be 'classification' or 'regression', got {task!r}")
    return task


def read_table(
    path: str | os.PathLike,
    target: str | None = None,
    task: str | None = None,
    require_target: bool = True,
) -> Table:
    """Read a ``.csv``, ``.parquet`` or ``.npz`` file into features and target.

    Parameters
    ----------
    path : str or path
        ``.csv``: a header row, then one row per sample, comma-separated (pandas is not
        needed). ``.parquet`` / ``.pq``: numeric feature columns (needs
        ``pip install "numnet[parquet]"``). ``.npz``: arrays ``X`` and ``y`` (or ``x``, ``y``).
    target : str, optional
        The target column; by default the last column (ignored for ``.npz``).
    task : {"classification", "regression"}, optional
        Inferred from the target when omitted (:func:`infer_task`). Classification targets
        may be strings; they are encoded as class indices (see :class:`Table`).
    require_target : bool, default True
        With ``False`` (prediction data), a file without the ``target`` column is read as
        features only and ``y`` is ``None``; with ``target=None`` every column is a feature.

    Returns
    -------
    Table
        Unpacks as ``X, y, feature_names, target_name``; also has ``.task`` and ``.classes``.

    Raises
    ------
    DataError
        Missing or empty file, no header, unknown suffix, missing target column (listing the
        columns), a non-numeric, empty or NaN cell (naming row and column), ragged rows.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "pets.csv")
    >>> with open(path, "w") as f:
    ...     _ = f.write("weight,height,kind\\n4.0,25,cat\\n30,60,dog\\n5,abc,cat\\n")
    >>> read_table(path)
    Traceback (most recent call last):
    ...
    numnet.data._checks.DataError: ...pets.csv: row 4, column 'height': 'abc' is not a number
    >>> with open(path, "w") as f:
    ...     _ = f.write("weight,height,kind\\n4.0,25,cat\\n30,60,dog\\n")
    >>> X, y, features, target = table = read_table(path)
    >>> X.tolist(), y.tolist(), features, target, table.classes.tolist(), table.task
    ([[4.0, 25.0], [30.0, 60.0]], [0, 1], ['weight', 'height'], 'kind', ['cat', 'dog'], \
'classification')
    """
    _check_task(task)
    path = os.fspath(path)
    if not os.path.exists(path):
        raise DataError(f"{path}: no such file")
    if os.path.isdir(path):
        raise DataError(f"{path}: is a folder; expected a .csv, .parquet or .npz file")
    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".csv":
        names, columns, rows = _read_csv(path)
    elif suffix in (".parquet", ".pq"):
        names, columns, rows = _read_parquet(path)
    elif suffix == ".npz":
        return _read_npz(path, task, require_target)
    else:
        raise DataError(f"{path}: unknown file type {suffix!r}; expected .csv, .parquet or .npz")
    if target is None:
        target = names[-1] if require_target else None
    elif target not in names:
        if require_target:
            raise DataError(f"{path}: no target column {target!r}; columns are {', '.join(names)}")
        target = None
    feature_names = [name for name in names if name != target]
    if not feature_names:
        raise DataError(f"{path}: no feature columns besides the target {target!r}")
    X = np.empty((rows, len(feature_names)), dtype=np.float64)
    for j, name in enumerate(feature_names):
        X[:, j] = _numeric_column(path, name, columns[names.index(name)])
    if target is None:
        return Table(X, None, feature_names, None)
    y, task, classes = _target(path, target, columns[names.index(target)], task)
    return Table(X, y, feature_names, target, task, classes)


def _target(
    path: str, name: str, column: Any, task: str | None
) -> tuple[np.ndarray, str, np.ndarray | None]:
    if task == "regression":
        return _numeric_column(path, name, column), task, None
    try:
        values = _numeric_column(path, name, column)
    except DataError:
        if task is None and _is_text(column):
            task = "classification"
        if task != "classification":
            raise
        values = _text_labels(path, name, column)
    task = task or infer_task(values)
    if task == "regression":
        return values, task, None
    classes, y = np.unique(values, return_inverse=True)
    if classes.dtype.kind == "f" and np.all(classes == np.round(classes)):
        classes = classes.astype(np.int64)
    return y.astype(np.int64).ravel(), task, classes


def _is_text(column: Any) -> bool:
    """A column of text with no empty cell: string class labels, not a broken number column."""
    if isinstance(column, _CsvColumn):
        numbers = sum(_is_number(cell) for cell in column.cells)
        return all(cell.strip() for cell in column.cells) and numbers < len(column.cells) / 2
    return column.kind == "text"


def _text_labels(path: str, name: str, column: Any) -> np.ndarray:
    if isinstance(column, _CsvColumn):
        for i, cell in enumerate(column.cells):
            if not cell.strip():
                raise DataError(f"{path}: row {column.rows[i]}, column {name!r} is empty")
        return np.array([cell.strip() for cell in column.cells])
    return np.asarray(column.values, dtype=str)


class _CsvColumn:
    """The text cells of one CSV column and the spreadsheet row number of each."""

    def __init__(self, cells: list[str], rows: list[int]) -> None:
        self.cells = cells
        self.rows = rows


class _ArrowColumn:
    """One Parquet column as NumPy values; ``kind`` is "number" or "text"."""

    def __init__(self, values: np.ndarray, kind: str, null_row: int | None) -> None:
        self.values = values
        self.kind = kind
        self.null_row = null_row


def _read_csv(path: str) -> tuple[list[str], list[_CsvColumn], int]:
    with open(path, newline="", encoding="utf-8-sig") as file:
        reader = csv.reader(file)
        header = None
        for record in reader:
            if any(cell.strip() for cell in record):
                header = [cell.strip() for cell in record]
                break
        if header is None:
            raise DataError(f"{path}: empty file; expected a header row and data rows")
        if all(_is_number(cell) for cell in header):
            raise DataError(
                f"{path}: no header row (the first line {','.join(header)!r} holds numbers); "
                f"add a line of column names"
            )
        for j, name in enumerate(header):
            if not name:
                raise DataError(f"{path}: column {j + 1} of the header row has no name")
        header_row = reader.line_num
        cells: list[list[str]] = [[] for _ in header]
        rows: list[int] = []
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                raise DataError(
                    f"{path}: row {reader.line_num} has {len(record)} cells, but the header "
                    f"(row {header_row}) has {len(header)} columns"
                )
            for j, cell in enumerate(record):
                cells[j].append(cell)
            rows.append(reader.line_num)
    if not rows:
        raise DataError(f"{path}: no data rows below the header")
    return header, [_CsvColumn(column, rows) for column in cells], len(rows)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _numeric_column(path: str, name: str, column: Any) -> np.ndarray:
    if isinstance(column, _ArrowColumn):
        if column.null_row is not None:
            raise DataError(f"{path}: row {column.null_row}, column {name!r} is empty (null)")
        if column.kind != "number":
            raise DataError(
                f"{path}: column {name!r} holds text ({column.values[0]!r} in row 1); "
                f"expected numbers"
            )
        values = column.values.astype(np.float64)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise DataError(
                f"{path}: row {bad[0] + 1}, column {name!r} holds {values[bad[0]]}; "
                f"expected a finite number"
            )
        return values
    values = np.empty(len(column.cells), dtype=np.float64)
    for i, cell in enumerate(column.cells):
        text = cell.strip()
        try:
            value = float(text)
        except ValueError:
            where = f"{path}: row {column.rows[i]}, column {name!r}"
            if not text:
                raise DataError(f"{where} is empty; expected a number") from None
            raise DataError(f"{where}: {text!r} is not a number") from None
        if not math.isfinite(value):
            raise DataError(
                f"{path}: row {column.rows[i]}, column {name!r} holds {text!r}; "
                f"expected a finite number"
            )
        values[i] = value
    return values


def _read_parquet(path: str) -> tuple[list[str], list[_ArrowColumn], int]:
    from numnet.data.loaders import _import_parquet

    pq = _import_parquet()
    import pyarrow as pa

    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as error:
        raise DataError(f"{path}: not a readable Parquet file ({error})") from None
    if table.num_columns == 0:
        raise DataError(f"{path}: empty file; expected columns")
    if table.num_rows == 0:
        raise DataError(f"{path}: no data rows")
    columns = []
    for name, column in zip(table.column_names, table.columns):
        kind_of = column.type
        null_row = None
        if column.null_count:
            null_row = int(np.flatnonzero(column.is_null().to_numpy(zero_copy_only=False))[0]) + 1
        if (
            pa.types.is_integer(kind_of)
            or pa.types.is_floating(kind_of)
            or pa.types.is_boolean(kind_of)
        ):
            kind = "number"
        elif pa.types.is_string(kind_of) or pa.types.is_large_string(kind_of):
            kind = "text"
        else:
            raise DataError(f"{path}: column {name!r} has type {kind_of}; expected numbers")
        values = column.to_numpy(zero_copy_only=False) if null_row is None else np.array([])
        columns.append(_ArrowColumn(values, kind, null_row))
    return list(table.column_names), columns, table.num_rows


def _read_npz(path: str, task: str | None, require_target: bool) -> Table:
    try:
        archive = np.load(path, allow_pickle=False)
    except (ValueError, OSError) as error:
        raise DataError(f"{path}: not a readable .npz file ({error})") from None
    with archive:
        keys = list(archive.files)
        x_key = "X" if "X" in keys else "x" if "x" in keys else None
        y_key = "y" if "y" in keys else "Y" if "Y" in keys else None
        if x_key is None:
            listed = ", ".join(keys) or "none"
            raise DataError(f"{path}: no array 'X' (or 'x'); arrays are {listed}")
        if y_key is None and require_target:
            raise DataError(f"{path}: no target array 'y'; arrays are {', '.join(keys)}")
        try:
            X = archive[x_key]
            y = archive[y_key] if y_key is not None else None
        except ValueError as error:
            raise DataError(f"{path}: cannot read its arrays ({error})") from None
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    if X.ndim != 2 or X.shape[0] == 0:
        raise DataError(f"{path}: X must be 2-D with at least one row, got shape {X.shape}")
    if X.dtype.kind not in "fiub":
        raise DataError(f"{path}: X must hold numbers, got dtype {X.dtype}")
    X = X.astype(np.float64)
    bad = np.argwhere(~np.isfinite(X))
    if bad.size:
        i, j = bad[0]
        raise DataError(
            f"{path}: row {i + 1}, column x{j} of X holds {X[i, j]}; expected a finite number"
        )
    names = [f"x{j}" for j in range(X.shape[1])]
    if y is None:
        return Table(X, None, names, None)
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise DataError(
            f"{path}: y must be 1-D with one value per row of X ({X.shape[0]}), got shape {y.shape}"
        )
    if y.dtype.kind in "fiub":
        bad = np.flatnonzero(~np.isfinite(y.astype(np.float64)))
        if bad.size:
            raise DataError(
                f"{path}: row {bad[0] + 1} of y holds {y[bad[0]]}; expected a finite number"
            )
        if task == "regression" or (task is None and infer_task(y) == "regression"):
            return Table(X, y.astype(np.float64), names, "y", "regression")
    elif y.dtype.kind != "U" or task == "regression":
        raise DataError(f"{path}: y must hold numbers or string labels, got dtype {y.dtype}")
    classes, codes = np.unique(y, return_inverse=True)
    return Table(X, codes.astype(np.int64).ravel(), names, "y", "classification", classes)


def check_features(
    X: np.ndarray, n_expected: int, path: str | os.PathLike, feature_names: Sequence[str] = ()
) -> np.ndarray:
    """Check that prediction data has the ``n_expected`` features the model was trained on.

    Raises
    ------
    DataError
        Naming the file, both counts, and the expected feature names when known.

    Examples
    --------
    >>> check_features(np.zeros((2, 3)), 4, "new.csv")
    Traceback (most recent call last):
    ...
    numnet.data._checks.DataError: new.csv: 3 feature columns, but the model was trained on 4
    """
    X = np.asarray(X)
    n_found = X.shape[1] if X.ndim == 2 else 1
    if X.ndim != 2 or n_found != n_expected:
        names = f" ({', '.join(feature_names)})" if len(feature_names) else ""
        raise DataError(
            f"{os.fspath(path)}: {n_found} feature columns, but the model was trained on "
            f"{n_expected}{names}"
        )
    return X
