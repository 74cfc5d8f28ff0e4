"""Loaders: batching, the (seed, epoch) contract behind resume, validation, out-of-core files."""

from __future__ import annotations

import numpy as np
import pytest

import numnet
from numnet.data import ArrayLoader, NpyLoader, ParquetLoader, as_loader


def _rows(loader, epoch, start=0):
    """The batches of an epoch as lists of first-column values (rows are tagged by index)."""
    return [X[:, 0].tolist() for X, _ in loader.batches(epoch, start)]


def _tagged(n, d=3):
    X = np.arange(n, dtype=np.float64)[:, None] + np.zeros((1, d))
    X[:, 1:] = np.random.default_rng(1).standard_normal((n, d - 1))
    return X, np.arange(n)


@pytest.fixture
def npy_files(tmp_path):
    X, y = _tagged(103)
    np.save(tmp_path / "X.npy", X.astype(np.float32))
    np.save(tmp_path / "y.npy", y)
    return tmp_path / "X.npy", tmp_path / "y.npy", X, y


@pytest.fixture
def parquet_file(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    X, y = _tagged(103)
    table = pa.table({"a": X[:, 0], "b": X[:, 1].astype(np.float32), "c": X[:, 2], "label": y})
    path = tmp_path / "data.parquet"
    pq.write_table(table, path, row_group_size=10)
    return path, X, y


def _make(kind, files, **options):
    if kind == "array":
        X, y = _tagged(103)
        return ArrayLoader(X, y, **options)
    if kind == "npy":
        x_path, y_path, _, _ = files["npy"]
        return NpyLoader(x_path, y_path, chunk_rows=9, **options)
    path, _, _ = files["parquet"]
    return ParquetLoader(path, target="label", **options)


@pytest.fixture
def files(npy_files, parquet_file):
    return {"npy": npy_files, "parquet": parquet_file}


KINDS = ["array", "npy", "parquet"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "batch_size, drop_last", [(1, False), (10, False), (10, True), (32, False), (200, False)]
)
def test_data_every_row_once_and_batch_counts(kind, files, batch_size, drop_last):
    loader = _make(kind, files, batch_size=batch_size, shuffle=True, seed=3, drop_last=drop_last)
    batches = list(loader.batches(epoch=2))
    assert len(batches) == len(loader)
    expected = 103 // batch_size if drop_last else -(-103 // batch_size)
    assert len(loader) == expected
    sizes = [X.shape[0] for X, _ in batches]
    assert all(size == batch_size for size in sizes[:-1])
    seen = np.concatenate([y for _, y in batches])
    if drop_last:
        assert len(seen) == expected * batch_size and len(set(seen.tolist())) == len(seen)
    else:
        assert sorted(seen.tolist()) == list(range(103))
    for X, y in batches:  # features travel with their target
        np.testing.assert_array_equal(X[:, 0], y.astype(X.dtype))


@pytest.mark.parametrize("kind", KINDS)
def test_data_resume_from_any_batch_is_bit_for_bit(kind, files):
    loader = _make(kind, files, batch_size=7, shuffle=True, seed=11)
    for epoch in (0, 1, 5):
        full = list(loader.batches(epoch))
        for start in (0, 1, 4, len(loader) - 1, len(loader)):
            tail = list(loader.batches(epoch, start=start))
            assert len(tail) == len(full) - start
            for (X_a, y_a), (X_b, y_b) in zip(full[start:], tail):
                assert X_a.tobytes() == X_b.tobytes() and y_a.tobytes() == y_b.tobytes()


@pytest.mark.parametrize("kind", KINDS)
def test_data_order_is_a_function_of_seed_and_epoch(kind, files):
    a = _make(kind, files, batch_size=16, shuffle=True, seed=5)
    b = _make(kind, files, batch_size=16, shuffle=True, seed=5)
    c = _make(kind, files, batch_size=16, shuffle=True, seed=6)
    list(a.batches(0))  # consuming an epoch must not move any state
    assert _rows(a, 1) == _rows(b, 1)
    assert _rows(a, 1) != _rows(a, 2)  # reshuffled every epoch
    assert _rows(a, 1) != _rows(c, 1)


@pytest.mark.parametrize("kind", KINDS)
def test_data_unshuffled_is_file_order(kind, files):
    loader = _make(kind, files, batch_size=10, shuffle=False)
    assert sum(_rows(loader, 3), []) == list(range(103))


def test_data_generator_seed_draws_once_and_none_is_fixed():
    X, y = _tagged(50)
    rng = np.random.default_rng(0)
    a = ArrayLoader(X, y, shuffle=True, seed=rng)
    b = ArrayLoader(X, y, shuffle=True, seed=np.random.default_rng(0))
    assert a.seed == b.seed and _rows(a, 0) == _rows(b, 0)
    assert ArrayLoader(X, shuffle=True).seed == numnet.data.DEFAULT_SEED


def test_data_out_of_core_shuffles_across_chunks(files):
    x_path, y_path, _, _ = files["npy"]
    loader = NpyLoader(x_path, y_path, batch_size=103, shuffle=True, seed=0, chunk_rows=10)
    ((_, y),) = list(loader.batches(0))
    first_chunks = {int(v) // 10 for v in y[:10]}
    assert first_chunks != {0}  # the first chunk read is not always the first in the file
    mixed = NpyLoader(
        x_path, y_path, batch_size=20, shuffle=True, seed=0, chunk_rows=10, shuffle_buffer=4
    )
    _, y = next(iter(mixed.batches(0)))
    assert len({int(v) // 10 for v in y}) > 1  # a batch mixes rows of several chunks


def test_data_npy_dtype_and_unlabeled(tmp_path):
    np.save(tmp_path / "X.npy", np.arange(12, dtype=np.int32).reshape(6, 2))
    loader = NpyLoader(tmp_path / "X.npy", batch_size=4)
    X, y = next(iter(loader))
    assert y is None and X.dtype == numnet.get_default_dtype()
    X, _ = next(iter(NpyLoader(tmp_path / "X.npy", batch_size=4, dtype=np.float64)))
    assert X.dtype == np.float64 and X.tolist() == [[0, 1], [2, 3], [4, 5], [6, 7]]


def test_data_npy_nan_names_file_row_and_column(tmp_path):
    X = np.zeros((30, 3))
    X[17, 2] = np.nan
    np.save(tmp_path / "X.npy", X)
    loader = NpyLoader(tmp_path / "X.npy", batch_size=8, chunk_rows=5)
    with pytest.raises(ValueError, match=r"X\.npy holds nan at row 17, column 2"):
        list(loader.batches(0))


def test_data_npy_bad_files(tmp_path):
    np.save(tmp_path / "v.npy", np.zeros(5))
    with pytest.raises(ValueError, match="reshape"):
        NpyLoader(tmp_path / "v.npy")
    np.save(tmp_path / "X.npy", np.zeros((5, 2)))
    np.save(tmp_path / "y.npy", np.zeros(4))
    with pytest.raises(ValueError, match="5 rows"):
        NpyLoader(tmp_path / "X.npy", tmp_path / "y.npy")
    with pytest.raises(FileNotFoundError, match="missing.npy"):
        NpyLoader(tmp_path / "missing.npy")


def test_data_parquet_columns_and_dtype(files):
    path, X, y = files["parquet"]
    loader = ParquetLoader(path, target="label", features=["c", "a"], batch_size=50)
    Xb, yb = next(iter(loader))
    assert loader.n_features == 2 and Xb.dtype == np.float64
    np.testing.assert_array_equal(Xb, X[:50][:, [2, 0]])
    np.testing.assert_array_equal(yb, y[:50])
    assert ParquetLoader(path, target="label", features=["b"]).dtype == np.float32
    with pytest.raises(ValueError, match="no target column 'nope'; columns are a, b, c, label"):
        ParquetLoader(path, target="nope")


def test_data_parquet_missing_pyarrow_message(monkeypatch, files):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("pyarrow"):
            raise ImportError("no pyarrow")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match=r'pip install "numnet\[parquet\]"'):
        ParquetLoader(files["parquet"][0], target="label")


def test_data_as_loader_inputs():
    X, y = _tagged(20)
    loader = ArrayLoader(X, y)
    assert as_loader(loader) is loader
    for data in [(X, y), (numnet.Tensor(X), numnet.Tensor(y)), (X.tolist(), y.tolist())]:
        built = as_loader(data, batch_size=8, shuffle=True, seed=1)
        assert (built.n_samples, built.n_features, len(built)) == (20, 3, 3)
        assert _rows(built, 0) == _rows(as_loader((X, y), batch_size=8, shuffle=True, seed=1), 0)
    unlabeled = as_loader(X, batch_size=None)
    ((Xb, yb),) = list(unlabeled.batches(0))
    assert yb is None and Xb.shape == (20, 3)
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    assert as_loader((frame, pd.Series(y)), batch_size=5).n_features == 3


def test_data_as_loader_validation():
    X, y = _tagged(10)
    with pytest.raises(ValueError, match=r"reshape\(-1, 1\)"):
        as_loader((X[:, 0], y))
    with pytest.raises(ValueError, match="same number of rows, got 10 and 9"):
        as_loader((X, y[:9]))
    bad = X.copy()
    bad[6, 1] = np.inf
    with pytest.raises(ValueError, match="row 6, column 1"):
        as_loader((bad, y))
    for batch_size in (0, -3):
        with pytest.raises(ValueError, match="batch_size"):
            as_loader((X, y), batch_size=batch_size)
    for batch_size in (2.5, True, "8"):
        with pytest.raises(TypeError, match="batch_size"):
            as_loader((X, y), batch_size=batch_size)
    loader = as_loader((X, y), batch_size=4)
    with pytest.raises(ValueError, match="start"):
        list(loader.batches(0, start=4))
    with pytest.raises(ValueError, match="epoch"):
        list(loader.batches(-1))


def test_data_array_loader_keeps_float_dtype_and_converts_ints():
    X32 = np.ones((4, 2), dtype=np.float32)
    assert next(iter(ArrayLoader(X32)))[0].dtype == np.float32
    assert next(iter(ArrayLoader(X32.astype(np.float64))))[0].dtype == np.float64
    assert next(iter(ArrayLoader(X32, dtype=np.float64)))[0].dtype == np.float64
    assert next(iter(ArrayLoader(np.ones((4, 2), dtype=int))))[0].dtype == np.float32
    with pytest.raises(TypeError, match="float dtype"):
        ArrayLoader(X32, dtype=np.int64)


def test_data_last_partial_batch_sums_to_full_batch_gradient():
    # full-batch GD accumulates chunk gradients; the partial last chunk must be exact
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((23, 4)), rng.standard_normal(23)
    w = rng.standard_normal(4)
    full = X.T @ (X @ w - y)
    chunks = sum(Xb.T @ (Xb @ w - yb) for Xb, yb in as_loader((X, y), batch_size=5).batches(0))
    np.testing.assert_allclose(chunks, full, rtol=1e-12)


@pytest.mark.parametrize("kind", ["npy", "parquet"])
@pytest.mark.parametrize("shuffle", [False, True])
def test_data_out_of_core_batches_own_their_memory(kind, files, shuffle):
    # a batch the caller keeps must not pin a whole chunk (or the file's map) in memory
    loader = _make(kind, files, batch_size=8, shuffle=shuffle, seed=0)
    for X, y in loader.batches(0):
        assert y.base is None or y.base.nbytes == y.nbytes
        assert X.base is None or X.base.nbytes == X.nbytes
        assert not isinstance(X, np.memmap) and not isinstance(X.base, np.memmap)
    assert not any(isinstance(value, np.memmap) for value in vars(loader).values())


def test_data_parquet_wide_file_read_in_column_slices(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    X = np.random.default_rng(0).standard_normal((25, 70))
    columns = {f"f{j}": X[:, j] for j in range(70)}
    columns["t"] = np.arange(25)
    pq.write_table(pa.table(columns), tmp_path / "wide.parquet", row_group_size=7)
    loader = ParquetLoader(tmp_path / "wide.parquet", target="t", batch_size=6, shuffle=True)
    batches = list(loader.batches(1))
    X_seen = np.concatenate([b for b, _ in batches])
    y_seen = np.concatenate([t for _, t in batches])
    np.testing.assert_array_equal(X_seen, X[y_seen])
