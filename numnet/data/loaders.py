"""Mini-batch loaders: from arrays in memory, from memory-mapped ``.npy`` files, from Parquet.

Every loader has the same small interface, which the fit loop relies on:

- ``n_samples``, ``n_features``, ``batch_size`` and ``len(loader)``, the number of batches in
  one epoch (``ceil(n_samples / batch_size)``, or ``floor`` with ``drop_last=True``);
- ``batches(epoch, start=0)``, an iterator of ``(X_batch, y_batch)`` NumPy arrays (``y_batch``
  is ``None`` for unlabeled data). The order of an epoch is a pure function of
  ``(seed, epoch)``: ``batches(e, start=k)`` yields exactly the batches ``k, k+1, ...`` that
  ``batches(e)`` yields, so a run stopped after batch ``k - 1`` resumes bit for bit.

Per-epoch orders come from ``np.random.default_rng([seed, epoch])``, never from a Generator
whose state moves as it is used. ``seed=None`` means seed :data:`DEFAULT_SEED` (0), so an
unseeded run is reproducible too; a ``numpy.random.Generator`` gives one integer draw at
construction.

Out-of-core loaders (:class:`NpyLoader`, :class:`ParquetLoader`) read the file in chunks of
contiguous rows (a block of rows of the ``.npy`` file, a Parquet row group). Shuffling mixes
across chunks in two steps: the chunks come in a random order, and the rows of each chunk (or
of each group of ``shuffle_buffer`` consecutive chunks of that order) are permuted. Memory is
O(``shuffle_buffer`` x ``chunk_rows`` x ``n_features``), independent of the file size: one
group is held at a time and every batch is a copy, so a batch kept by the caller pins nothing.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from numnet.data._checks import (
    DEFAULT_SEED,
    check_batch_size,
    check_finite,
    check_float_dtype,
    check_X,
    check_y,
    resolve_seed,
    to_numpy,
)

__all__ = ["DEFAULT_SEED", "Loader", "ArrayLoader", "NpyLoader", "ParquetLoader", "as_loader"]

Batch = tuple[np.ndarray, "np.ndarray | None"]

_CHUNK_BYTES = 8 * 2**20  # rows per chunk of a .npy file: about 8 MiB of features
_PARQUET_COLUMNS_PER_READ = 32


class Loader:
    """Base class of numnet's mini-batch loaders (see the module docstring for the contract).

    Subclasses set ``n_samples``, ``n_features``, ``batch_size``, ``shuffle``, ``seed`` and
    ``drop_last`` and implement :meth:`batches`.
    """

    n_samples: int
    n_features: int
    batch_size: int
    shuffle: bool
    seed: int
    drop_last: bool

    def _init_options(self, batch_size: Any, shuffle: bool, seed: Any, drop_last: bool) -> None:
        self.batch_size = check_batch_size(batch_size)
        self.shuffle = bool(shuffle)
        self.seed = resolve_seed(seed)
        self.drop_last = bool(drop_last)

    def __len__(self) -> int:
        if self.drop_last:
            return self.n_samples // self.batch_size
        return math.ceil(self.n_samples / self.batch_size)

    def __iter__(self) -> Iterator[Batch]:
        return self.batches(0)

    def batches(self, epoch: int = 0, start: int = 0) -> Iterator[Batch]:
        """The batches of ``epoch``, beginning at batch index ``start``."""
        raise NotImplementedError

    def _check_epoch_start(self, epoch: Any, start: Any) -> tuple[int, int]:
        for name, value in (("epoch", epoch), ("start", start)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"{name} must be a non-negative int, got {value!r}")
        if start > len(self):
            raise ValueError(f"start must be at most len(loader) = {len(self)}, got {start}")
        return int(epoch), int(start)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(n_samples={self.n_samples}, n_features={self.n_features}, "
            f"batch_size={self.batch_size}, shuffle={self.shuffle}, seed={self.seed})"
        )


class ArrayLoader(Loader):
    """Mini-batches from arrays in memory, reshuffled every epoch.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Features: a NumPy array, a list, a pandas DataFrame or a numnet Tensor. No NaN or inf.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs), optional
        Targets, yielded as stored (same dtype); ``None`` for unlabeled data.
    batch_size : int, default 32
        Rows per batch; the last batch of an epoch is smaller unless ``drop_last``.
    shuffle : bool, default False
        Visit the rows in a new random order every epoch, ``default_rng([seed, epoch])``.
    seed : int, Generator or None, default None
        ``None`` means :data:`DEFAULT_SEED`.
    drop_last : bool, default False
        Drop the last batch of an epoch when it is smaller than ``batch_size``.
    dtype : float dtype, optional
        Convert X to this dtype once, at construction. By default float X keeps its dtype and
        integer or bool X becomes numnet's default float dtype (float32 unless changed).

    Attributes
    ----------
    X, y : ndarray
        The validated data. Batches of an unshuffled loader are views of ``X`` and ``y``.

    Examples
    --------
    >>> import numpy as np
    >>> loader = ArrayLoader(np.arange(10.0).reshape(5, 2), np.arange(5), batch_size=2)
    >>> len(loader)
    3
    >>> [y.tolist() for _, y in loader.batches(epoch=0)]
    [[0, 1], [2, 3], [4]]
    >>> shuffled = ArrayLoader(np.zeros((5, 1)), np.arange(5), batch_size=2, shuffle=True, seed=7)
    >>> full = [y.tolist() for _, y in shuffled.batches(epoch=3)]
    >>> [y.tolist() for _, y in shuffled.batches(epoch=3, start=1)] == full[1:]
    True
    """

    def __init__(
        self,
        X: Any,
        y: Any = None,
        batch_size: int = 32,
        shuffle: bool = False,
        seed: int | np.random.Generator | None = None,
        drop_last: bool = False,
        dtype: Any = None,
    ) -> None:
        self.X = check_X(X, "X", dtype)
        self.y = None if y is None else check_y(y, self.X.shape[0])
        self.n_samples, self.n_features = self.X.shape
        self._init_options(batch_size, shuffle, seed, drop_last)

    def order(self, epoch: int) -> np.ndarray | None:
        """The row order of ``epoch`` (``None`` when not shuffling: rows in file order)."""
        if not self.shuffle:
            return None
        return np.random.default_rng([self.seed, epoch]).permutation(self.n_samples)

    def batches(self, epoch: int = 0, start: int = 0) -> Iterator[Batch]:
        """Yield ``(X_batch, y_batch)`` for batches ``start, start + 1, ...`` of ``epoch``."""
        epoch, start = self._check_epoch_start(epoch, start)
        return self._generate(self.order(epoch), start)

    def _generate(self, order: np.ndarray | None, start: int) -> Iterator[Batch]:
        size = self.batch_size
        for b in range(start, len(self)):
            rows = slice(b * size, min((b + 1) * size, self.n_samples))
            if order is not None:
                rows = order[rows]
            yield self.X[rows], (None if self.y is None else self.y[rows])


class _ChunkedLoader(Loader):
    """Streams contiguous chunks of rows; subclasses give the chunk bounds and a chunk reader."""

    _bounds: list[tuple[int, int]]  # [lo, hi) file rows of each chunk
    shuffle_buffer: int
    source: str

    def _check_shuffle_buffer(self, shuffle_buffer: Any) -> int:
        if isinstance(shuffle_buffer, bool) or not isinstance(shuffle_buffer, (int, np.integer)):
            raise TypeError(f"shuffle_buffer must be a positive int, got {shuffle_buffer!r}")
        if shuffle_buffer < 1:
            raise ValueError(f"shuffle_buffer must be a positive int, got {shuffle_buffer}")
        return int(shuffle_buffer)

    def _open(self) -> Any:
        """A handle the chunk reader uses during one pass (closed by :meth:`_close`)."""
        return None

    def _close(self, handle: Any) -> None:
        pass

    def _read_chunk(self, handle: Any, index: int) -> Batch:
        raise NotImplementedError

    def chunk_order(self, epoch: int) -> np.ndarray:
        """The order in which the chunks are read in ``epoch``."""
        n_chunks = len(self._bounds)
        if not self.shuffle:
            return np.arange(n_chunks)
        return np.random.default_rng([self.seed, epoch]).permutation(n_chunks)

    def _groups(self, epoch: int) -> tuple[list[np.ndarray], np.ndarray]:
        """Chunks mixed together, in reading order, and the stream offset where each begins."""
        order = self.chunk_order(epoch)
        step = self.shuffle_buffer
        groups = [order[i : i + step] for i in range(0, len(order), step)]
        sizes = [sum(self._bounds[c][1] - self._bounds[c][0] for c in group) for group in groups]
        return groups, np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])

    def _read_group(
        self, handle: Any, epoch: int, index: int, chunks: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """The rows of a group of chunks, and their order in the stream (None: as stored)."""
        sizes = [self._bounds[c][1] - self._bounds[c][0] for c in chunks]
        X = y = None
        filled = 0
        for c, rows in zip(chunks, sizes):
            X_c, y_c = self._read_chunk(handle, int(c))
            if len(chunks) == 1:
                X, y = X_c, y_c
                break
            # one buffer for the group, filled chunk by chunk: concatenating a list of chunks
            # would hold the group twice
            if X is None:
                X = np.empty((sum(sizes),) + X_c.shape[1:], dtype=X_c.dtype)
                if y_c is not None:
                    y = np.empty((sum(sizes),) + y_c.shape[1:], dtype=y_c.dtype)
            X[filled : filled + rows] = X_c
            if y is not None:
                y[filled : filled + rows] = y_c
            filled += rows
            del X_c, y_c
        order = None
        if self.shuffle:
            order = np.random.default_rng([self.seed, epoch, index]).permutation(X.shape[0])
        return X, y, order

    def batches(self, epoch: int = 0, start: int = 0) -> Iterator[Batch]:
        """Yield ``(X_batch, y_batch)`` for batches ``start, start + 1, ...`` of ``epoch``."""
        epoch, start = self._check_epoch_start(epoch, start)
        return self._generate(epoch, start)

    def _generate(self, epoch: int, start: int) -> Iterator[Batch]:
        remaining = len(self) - start
        if remaining <= 0:
            return
        size = self.batch_size
        groups, offsets = self._groups(epoch)
        first = int(np.searchsorted(offsets, start * size, side="right")) - 1
        position = start * size - int(offsets[first])  # rows of the first group to skip
        carry: list[Batch] = []  # pieces of a batch that spans groups
        carried = 0
        handle = self._open()
        try:
            for g in range(first, len(groups)):
                X, y, order = self._read_group(handle, epoch, g, groups[g])
                n_rows = X.shape[0]
                while position < n_rows:
                    take = min(size - carried, n_rows - position)
                    # every batch is a copy (fancy index or .copy()), so a batch the caller
                    # keeps never pins a whole group in memory
                    if order is not None:
                        rows = order[position : position + take]
                        piece = (X[rows], None if y is None else y[rows])
                    else:
                        rows = slice(position, position + take)
                        piece = (X[rows].copy(), None if y is None else y[rows].copy())
                    position += take
                    if not carry and take == size:
                        batch = piece
                    else:
                        carry.append(piece)
                        carried += take
                        if carried < size:
                            continue
                        batch = _join(carry)
                        carry, carried = [], 0
                    yield batch
                    remaining -= 1
                    if remaining == 0:
                        return
                position = 0
                del X, y, order
            if carry and not self.drop_last:
                yield _join(carry)
        finally:
            self._close(handle)


def _join(pieces: list[Batch]) -> Batch:
    X = np.concatenate([p[0] for p in pieces])
    y = None if pieces[0][1] is None else np.concatenate([p[1] for p in pieces])
    return X, y


def _default_chunk_rows(n_features: int, itemsize: int) -> int:
    return max(1, _CHUNK_BYTES // max(1, n_features * itemsize))


class NpyLoader(_ChunkedLoader):
    """Mini-batches streamed from ``.npy`` files through memory maps, chunk by chunk.

    Each chunk of ``chunk_rows`` contiguous rows is copied out of a fresh
    ``np.load(path, mmap_mode="r")`` map that is dropped right after, so the pages read stay
    out of the process's resident memory and memory is O(``chunk_rows`` x ``n_features``)
    whatever the file size. Shuffling is across chunks: see the module docstring.

    Parameters
    ----------
    x_path : str or path
        A 2-D ``.npy`` file of shape (n_samples, n_features), C order.
    y_path : str or path, optional
        A 1-D or 2-D ``.npy`` file with one row per sample; ``None`` for unlabeled data.
    batch_size, shuffle, seed, drop_last : see :class:`ArrayLoader`.
    dtype : float dtype, optional
        Batches of X in this dtype; by default the stored float dtype (integer features become
        numnet's default float dtype).
    chunk_rows : int, optional
        Rows read per chunk; by default about 8 MiB of features.
    shuffle_buffer : int, default 1
        Consecutive chunks (in the shuffled chunk order) whose rows are permuted together.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> folder = tempfile.mkdtemp()
    >>> np.save(os.path.join(folder, "X.npy"), np.arange(20.0).reshape(10, 2))
    >>> np.save(os.path.join(folder, "y.npy"), np.arange(10))
    >>> loader = NpyLoader(os.path.join(folder, "X.npy"), os.path.join(folder, "y.npy"),
    ...                    batch_size=4, shuffle=True, seed=0, chunk_rows=3)
    >>> (loader.n_samples, loader.n_features, len(loader))
    (10, 2, 3)
    >>> sorted(np.concatenate([y for _, y in loader.batches(epoch=1)]).tolist())
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    """

    def __init__(
        self,
        x_path: str | os.PathLike,
        y_path: str | os.PathLike | None = None,
        batch_size: int = 32,
        shuffle: bool = False,
        seed: int | np.random.Generator | None = None,
        drop_last: bool = False,
        dtype: Any = None,
        chunk_rows: int | None = None,
        shuffle_buffer: int = 1,
    ) -> None:
        self.x_path = os.fspath(x_path)
        self.y_path = None if y_path is None else os.fspath(y_path)
        self.source = self.x_path
        X = _open_npy(self.x_path)
        if X.ndim != 2:
            raise ValueError(
                f"{self.x_path}: X must be 2-D (n_samples, n_features), got shape {X.shape}"
                + ("; save it with X.reshape(-1, 1)" if X.ndim == 1 else "")
            )
        if X.dtype.kind not in "fiub":
            raise TypeError(f"{self.x_path}: X must be numeric, got dtype {X.dtype}")
        self.n_samples, self.n_features = X.shape
        stored = X.dtype
        self.dtype = _batch_dtype(dtype, stored)
        del X  # keep no map of the whole file alive
        if self.y_path is not None:
            y = _open_npy(self.y_path)
            if y.ndim not in (1, 2) or y.shape[0] != self.n_samples:
                raise ValueError(
                    f"{self.y_path}: y must be 1-D or 2-D with {self.n_samples} rows like "
                    f"{self.x_path}, got shape {y.shape}"
                )
            del y
        self._init_options(batch_size, shuffle, seed, drop_last)
        if chunk_rows is None:
            chunk_rows = _default_chunk_rows(self.n_features, stored.itemsize)
        self.chunk_rows = check_batch_size(chunk_rows) if chunk_rows else 1
        self.shuffle_buffer = self._check_shuffle_buffer(shuffle_buffer)
        self._bounds = [
            (lo, min(lo + self.chunk_rows, self.n_samples))
            for lo in range(0, self.n_samples, self.chunk_rows)
        ]

    def _read_chunk(self, handle: Any, index: int) -> Batch:
        lo, hi = self._bounds[index]
        mapped = np.load(self.x_path, mmap_mode="r")
        X = np.array(mapped[lo:hi], dtype=self.dtype)
        del mapped
        check_finite(X, "X", row_offset=lo, where=f" in {self.x_path}")
        y = None
        if self.y_path is not None:
            mapped = np.load(self.y_path, mmap_mode="r")
            y = np.array(mapped[lo:hi])
            del mapped
            check_finite(y, "y", row_offset=lo, where=f" in {self.y_path}")
        return X, y


def _batch_dtype(requested: Any, stored: np.dtype) -> np.dtype:
    """The dtype of X batches: as requested, else as stored if float, else the default float."""
    if requested is not None:
        return check_float_dtype(requested)
    if stored.kind == "f":
        return stored
    from numnet.tensor import get_default_dtype

    return get_default_dtype()


def _open_npy(path: str) -> np.ndarray:
    try:
        return np.load(path, mmap_mode="r")
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file") from None
    except (ValueError, OSError) as error:
        raise ValueError(f"{path}: not a readable .npy file ({error})") from None


def _import_parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError('reading Parquet needs pyarrow: pip install "numnet[parquet]"') from None
    return pq


class ParquetLoader(_ChunkedLoader):
    """Mini-batches streamed from a Parquet file, one row group at a time (pyarrow).

    The row groups are the chunks: each is read with
    ``ParquetFile.read_row_group(i, columns=...)``, copied into NumPy arrays and released, so
    memory is O(row group x features). Shuffling is across row groups: see the module
    docstring. Needs the optional dependency ``pip install "numnet[parquet]"``.

    Parameters
    ----------
    path : str or path
        A Parquet file; write it with several row groups for shuffling to mix well.
    target : str, optional
        The target column; ``None`` for unlabeled data.
    features : sequence of str, optional
        Feature columns, in order; by default every column but the target. All must be
        numeric (integer, float or bool) and free of nulls.
    batch_size, shuffle, seed, drop_last, shuffle_buffer : see :class:`NpyLoader`.
    dtype : float dtype, optional
        Batches of X in this dtype; by default the common type of the feature columns (a
        float type; integer columns alone give numnet's default float dtype).

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> import pyarrow as pa, pyarrow.parquet as pq
    >>> path = os.path.join(tempfile.mkdtemp(), "data.parquet")
    >>> table = pa.table({"a": np.arange(10.0), "b": np.ones(10), "label": np.arange(10) % 2})
    >>> pq.write_table(table, path, row_group_size=4)
    >>> loader = ParquetLoader(path, target="label", batch_size=3)
    >>> (loader.n_samples, loader.n_features, len(loader))
    (10, 2, 4)
    >>> X, y = next(iter(loader))
    >>> X.tolist(), y.tolist()
    ([[0.0, 1.0], [1.0, 1.0], [2.0, 1.0]], [0, 1, 0])
    """

    def __init__(
        self,
        path: str | os.PathLike,
        target: str | None = None,
        features: Sequence[str] | None = None,
        batch_size: int = 32,
        shuffle: bool = False,
        seed: int | np.random.Generator | None = None,
        drop_last: bool = False,
        dtype: Any = None,
        shuffle_buffer: int = 1,
    ) -> None:
        pq = _import_parquet()
        import pyarrow as pa

        self.path = self.source = os.fspath(path)
        if not os.path.exists(self.path):
            raise FileNotFoundError(f"{self.path}: no such file")
        try:
            parquet = pq.ParquetFile(self.path)
        except (pa.ArrowException, OSError) as error:
            raise ValueError(f"{self.path}: not a readable Parquet file ({error})") from None
        schema = parquet.schema_arrow
        names = list(schema.names)
        if target is not None and target not in names:
            raise ValueError(
                f"{self.path}: no target column {target!r}; columns are {', '.join(names)}"
            )
        if features is None:
            features = [name for name in names if name != target]
        else:
            features = list(features)
            missing = [name for name in features if name not in names]
            if missing:
                raise ValueError(
                    f"{self.path}: no feature column {missing[0]!r}; columns are {', '.join(names)}"
                )
        if not features:
            raise ValueError(f"{self.path}: no feature columns")
        numeric = (pa.types.is_integer, pa.types.is_floating, pa.types.is_boolean)
        for name in features + ([target] if target is not None else []):
            kind = schema.field(name).type
            if not any(test(kind) for test in numeric):
                raise TypeError(
                    f"{self.path}: column {name!r} has type {kind}; expected numbers "
                    f"(integer, float or bool)"
                )
        self.target = target
        self.features = features
        self.n_samples = parquet.metadata.num_rows
        self.n_features = len(features)
        stored = np.result_type(*[schema.field(n).type.to_pandas_dtype() for n in features])
        self.dtype = _batch_dtype(dtype, stored)
        self._init_options(batch_size, shuffle, seed, drop_last)
        self.shuffle_buffer = self._check_shuffle_buffer(shuffle_buffer)
        self._bounds = []
        lo = 0
        for i in range(parquet.metadata.num_row_groups):
            rows = parquet.metadata.row_group(i).num_rows
            self._bounds.append((lo, lo + rows))
            lo += rows
        parquet.close()

    def _open(self) -> Any:
        return _import_parquet().ParquetFile(self.path)

    def _close(self, handle: Any) -> None:
        handle.close()

    def _read_chunk(self, handle: Any, index: int) -> Batch:
        lo, hi = self._bounds[index]
        X = np.empty((hi - lo, self.n_features), dtype=self.dtype)
        # a few columns per read: Arrow's decoding buffers then hold a slice of the row group,
        # not all of it next to our copy (about 20 MB less peak memory at 256 features)
        step = _PARQUET_COLUMNS_PER_READ
        for j in range(0, self.n_features, step):
            names = self.features[j : j + step]
            table = handle.read_row_group(index, columns=names, use_threads=False)
            X[:, j : j + len(names)] = np.stack(
                [self._column(table, name, index) for name in names], axis=1
            )
            del table
        y = None
        if self.target is not None:
            table = handle.read_row_group(index, columns=[self.target], use_threads=False)
            y = self._column(table, self.target, index)
            del table
        check_finite(X, "X", row_offset=lo, where=f" in {self.path}")
        if y is not None:
            check_finite(y, "y", row_offset=lo, where=f" in {self.path}")
        return X, y

    def _column(self, table: Any, name: str, index: int) -> np.ndarray:
        column = table.column(name)
        if column.null_count:
            raise ValueError(
                f"{self.path}: column {name!r} has {column.null_count} missing values in row "
                f"group {index}; expected numbers"
            )
        return column.to_numpy()


def as_loader(
    data: Any,
    batch_size: int | None = 32,
    shuffle: bool = False,
    seed: int | np.random.Generator | None = None,
    **options: Any,
) -> Loader:
    """The loader the fit loop iterates: a loader as is, or an :class:`ArrayLoader` over arrays.

    Parameters
    ----------
    data : Loader, tuple (X, y), tuple (X,), or X
        A loader is returned unchanged (its own options win). A tuple is ``(X, y)`` or
        ``(X,)``; anything else is X alone (unlabeled). X and y may be NumPy arrays, lists,
        pandas objects or numnet Tensors.
    batch_size : int or None, default 32
        Rows per batch; ``None`` means one batch of all rows (full-batch).
    shuffle, seed : see :class:`ArrayLoader`.
    **options
        ``drop_last`` and ``dtype``, passed to :class:`ArrayLoader`.

    Raises
    ------
    ValueError
        X not 2-D, X and y of different lengths, NaN or inf in X (naming the first bad row
        and column), or a batch size that is not a positive int.

    Examples
    --------
    >>> import numpy as np
    >>> loader = as_loader((np.ones((6, 3)), np.zeros(6)), batch_size=4)
    >>> [X.shape for X, _ in loader.batches(0)]
    [(4, 3), (2, 3)]
    >>> as_loader(loader) is loader
    True
    """
    if isinstance(data, Loader):
        return data
    if isinstance(data, tuple):
        if len(data) not in (1, 2):
            raise ValueError(f"data must be (X, y) or (X,), got a tuple of {len(data)} items")
        X, y = data[0], (data[1] if len(data) == 2 else None)
    else:
        X, y = data, None
    if batch_size is None:
        batch_size = max(1, len(to_numpy(X, "X")))
    return ArrayLoader(X, y, batch_size=batch_size, shuffle=shuffle, seed=seed, **options)
