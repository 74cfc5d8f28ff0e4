"""read_table / read_data / check_features: CSV, Parquet and .npz files, and clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from numnet.data import DataError, check_features, infer_task, read_data, read_table


def _write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_data_csv_default_target_is_last_column(tmp_path):
    path = _write(tmp_path, "a,b,price\n1,2,3.5\n4,5.5,6.25\n7,8,9.75\n")
    X, y, features, target = table = read_table(path)
    assert X.tolist() == [[1, 2], [4, 5.5], [7, 8]] and X.dtype == np.float64
    assert y.tolist() == [3.5, 6.25, 9.75] and table.task == "regression"
    assert features == ["a", "b"] and target == "price" and table.classes is None


def test_data_csv_named_target_and_string_labels(tmp_path):
    path = _write(tmp_path, "kind,w,h\ndog,30,60\ncat,4,25\nbird,0.1,10\ncat,5,24\n")
    table = read_table(path, target="kind")
    assert table.feature_names == ["w", "h"] and table.task == "classification"
    assert table.classes.tolist() == ["bird", "cat", "dog"]
    assert table.classes[table.y].tolist() == ["dog", "cat", "bird", "cat"]


def test_data_csv_integer_labels_are_encoded(tmp_path):
    path = _write(tmp_path, "x,label\n0.5,3\n1.5,7\n2.5,3\n3.5,7\n")
    table = read_table(path)
    assert table.task == "classification" and table.y.tolist() == [0, 1, 0, 1]
    assert table.classes.tolist() == [3, 7] and table.classes.dtype == np.int64
    assert read_table(path, task="regression").y.tolist() == [3, 7, 3, 7]


def test_data_csv_errors_name_file_row_and_column(tmp_path):
    cases = {
        "a,b,y\n1,2,3\n4,x7,5\n": r"data.csv: row 3, column 'b': 'x7' is not a number",
        "a,b,y\n1,2,3\n4,,5\n": r"data.csv: row 3, column 'b' is empty",
        "a,b,y\n1,2,3\n4,nan,5\n": r"data.csv: row 3, column 'b' holds 'nan'",
        "a,b,y\n1,2,3\n4,5\n": r"data.csv: row 3 has 2 cells, but the header \(row 1\) has 3",
        "": r"data.csv: empty file",
        "\n\n": r"data.csv: empty file",
        "a,b,y\n": r"data.csv: no data rows",
        "1,2,3\n4,5,6\n": r"data.csv: no header row",
        "a,b,y\n1,2,3\n4,5,\n": r"data.csv: row 3, column 'y' is empty",
        "a,b,y\n1,2,3\n4,5,inf\n": r"row 3, column 'y' holds 'inf'",
    }
    for text, message in cases.items():
        with pytest.raises(DataError, match=message):
            read_table(_write(tmp_path, text))
    path = _write(tmp_path, "a,b,y\n1,2,3\n")
    with pytest.raises(DataError, match=r"no target column 'price'; columns are a, b, y"):
        read_table(path, target="price")
    with pytest.raises(DataError, match="missing.csv: no such file"):
        read_table(tmp_path / "missing.csv")
    with pytest.raises(DataError, match="unknown file type '.txt'"):
        read_table(_write(tmp_path, "a\n1\n", "data.txt"))
    assert issubclass(DataError, ValueError)


def test_data_csv_mostly_numeric_target_with_a_typo_is_an_error(tmp_path):
    path = _write(tmp_path, "a,y\n1,0\n2,1\n3,one\n4,0\n")
    with pytest.raises(DataError, match=r"row 4, column 'y': 'one' is not a number"):
        read_table(path)


def test_data_prediction_file_without_target(tmp_path):
    path = _write(tmp_path, "a,b\n1,2\n3,4\n")
    table = read_table(path, target="y", require_target=False)
    assert table.y is None and table.feature_names == ["a", "b"] and table.X.shape == (2, 2)
    assert read_table(path, require_target=False).X.shape == (2, 2)


def test_data_parquet(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "d.parquet"
    pq.write_table(pa.table({"a": [1.0, 2.0, 3.0], "b": [1, 2, 3], "c": ["x", "y", "x"]}), path)
    X, y, features, target = table = read_table(path)
    assert X.tolist() == [[1, 1], [2, 2], [3, 3]] and y.tolist() == [0, 1, 0]
    assert features == ["a", "b"] and target == "c" and table.classes.tolist() == ["x", "y"]
    pq.write_table(pa.table({"a": [1.0, None, 3.0], "y": [1.0, 2.0, 3.0]}), path)
    with pytest.raises(DataError, match=r"d.parquet: row 2, column 'a' is empty"):
        read_table(path)
    pq.write_table(pa.table({"a": ["p", "q"], "y": [1.0, 2.0]}), path)
    with pytest.raises(DataError, match=r"column 'a' holds text"):
        read_table(path)


def test_data_npz(tmp_path):
    path = tmp_path / "d.npz"
    np.savez(path, X=np.arange(6).reshape(3, 2), y=np.array([0.5, 1.5, 2.25]))
    X, y, features, target = table = read_table(path)
    assert X.dtype == np.float64 and features == ["x0", "x1"] and target == "y"
    assert table.task == "regression" and y.tolist() == [0.5, 1.5, 2.25]
    np.savez(path, x=np.ones((2, 2)), y=np.array(["a", "b"]))
    assert read_table(path).classes.tolist() == ["a", "b"]
    X_bad = np.ones((3, 2))
    X_bad[2, 1] = np.nan
    np.savez(path, X=X_bad, y=np.zeros(3))
    with pytest.raises(DataError, match="d.npz: row 3, column x1 of X holds nan"):
        read_table(path)
    np.savez(path, features=np.ones((2, 2)))
    with pytest.raises(DataError, match="no array 'X'"):
        read_table(path)


def test_data_read_data_builtin_or_file(tmp_path):
    table = read_data("digits")
    assert table.X.shape == (1797, 64) and table.task == "classification"
    assert table.classes.tolist() == list(range(10))
    with pytest.raises(DataError, match=r"digitz: no such file, and unknown data set"):
        read_data("digitz")
    path = _write(tmp_path, "a,y\n1,2.5\n2,3.5\n")
    assert read_data(str(path)).y.tolist() == [2.5, 3.5]


def test_data_check_features_and_infer_task():
    X = np.zeros((4, 3))
    assert check_features(X, 3, "p.csv") is not None
    with pytest.raises(
        DataError, match=r"p.csv: 3 feature columns, but the model was trained on 2 \(u, v\)"
    ):
        check_features(X, 2, "p.csv", ["u", "v"])
    assert infer_task(np.array(["a", "b"])) == "classification"
    assert infer_task(np.arange(100.0)) == "regression"
    assert infer_task(np.array([0.0, 1.0, 1.0, 0.0])) == "classification"
