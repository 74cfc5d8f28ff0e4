"""numnet.data: mini-batch loaders, splitting, toy and bundled data sets, tabular files.

- Loaders (:mod:`numnet.data.loaders`): :class:`ArrayLoader` for arrays in memory,
  :class:`NpyLoader` (memory-mapped ``.npy``) and :class:`ParquetLoader` (row group by row
  group) for data larger than memory, and :func:`as_loader`, which the fit loop calls. The
  batches of an epoch are a pure function of ``(seed, epoch)``, so training resumes bit for bit.
- :func:`train_test_split` with scikit-learn's semantics (stratified option) for NumPy
  arrays, pandas objects and numnet Tensors. For scaling and encoding use scikit-learn's
  ``StandardScaler``, ``OneHotEncoder``... directly: they accept numnet Tensors.
- Toy data (:mod:`numnet.data.toy`): TensorFlow Playground's ``circle``, ``xor``, ``gauss``,
  ``spiral``, ``plane``, ``multi_gauss``, and seed 002's function (:func:`function_1d`).
- scikit-learn's bundled sets (:func:`load_digits`, ...) and :func:`load_builtin` by name.
- :func:`read_table` / :func:`read_data`: CSV, Parquet or ``.npz`` files for the CLI, with
  :class:`DataError` messages naming the file, row and column.

pyarrow (``pip install "numnet[parquet]"``) is imported only when Parquet is read.

>>> import numnet.data as data
>>> X, y = data.circle(200, noise=0.1, seed=0)
>>> X_train, X_test, y_train, y_test = data.train_test_split(X, y, stratify=y, random_state=0)
>>> loader = data.as_loader((X_train, y_train), batch_size=32, shuffle=True, seed=0)
>>> len(loader), next(loader.batches(epoch=0))[0].shape
(5, (32, 2))
"""

from numnet.data._checks import DEFAULT_SEED, DataError
from numnet.data.datasets import (
    builtin_names,
    builtin_task,
    load_breast_cancer,
    load_builtin,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
)
from numnet.data.loaders import ArrayLoader, Loader, NpyLoader, ParquetLoader, as_loader
from numnet.data.split import train_test_split
from numnet.data.tabular import Table, check_features, infer_task, read_data, read_table
from numnet.data.toy import (
    circle,
    function_1d,
    gauss,
    multi_gauss,
    plane,
    seed002_function,
    spiral,
    xor,
)

__all__ = [
    "DEFAULT_SEED", "DataError",
    "Loader", "ArrayLoader", "NpyLoader", "ParquetLoader", "as_loader",
    "train_test_split",
    "circle", "xor", "gauss", "spiral", "plane", "multi_gauss", "seed002_function", "function_1d",
    "load_digits", "load_iris", "load_breast_cancer", "load_diabetes", "load_wine",
    "load_builtin", "builtin_names", "builtin_task",
    "Table", "read_table", "read_data", "check_features", "infer_task",
]  # fmt: skip
