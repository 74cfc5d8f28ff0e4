"""scikit-learn's bundled data sets and the by-name lookup."""

from __future__ import annotations

import numpy as np
import pytest

from numnet import data

SHAPES = {
    "digits": (1797, 64, 10),
    "iris": (150, 4, 3),
    "breast_cancer": (569, 30, 2),
    "wine": (178, 13, 3),
}


@pytest.mark.parametrize("name", list(SHAPES))
def test_data_bundled_classification_sets(name):
    sk = pytest.importorskip("sklearn.datasets")
    X, y = getattr(data, f"load_{name}")()
    n, d, k = SHAPES[name]
    assert X.shape == (n, d) and X.dtype == np.float64 and y.dtype == np.int64
    assert len(np.unique(y)) == k
    X_sk, y_sk = getattr(sk, f"load_{name}")(return_X_y=True)
    np.testing.assert_array_equal(X, X_sk)
    np.testing.assert_array_equal(y, y_sk)


def test_data_diabetes_is_regression():
    X, y = data.load_diabetes()
    assert X.shape == (442, 10) and y.dtype == np.float64
    assert data.builtin_task("diabetes") == "regression"


def test_data_load_builtin_names_and_errors():
    names = data.builtin_names()
    for name in ["digits", "iris", "breast_cancer", "diabetes", "wine", "circle", "xor",
                 "gauss", "spiral", "plane", "multi_gauss"]:  # fmt: skip
        assert name in names
    X, y = data.load_builtin("Breast-Cancer")
    assert X.shape == (569, 30)
    X, y = data.load_builtin("spiral", n_samples=40, seed=1)
    np.testing.assert_array_equal(X, data.spiral(40, seed=1)[0])
    with pytest.raises(ValueError, match=r"'irsi' \(did you mean 'iris'\?\); built-in data sets"):
        data.load_builtin("irsi")
    with pytest.raises(ValueError, match="digits, iris"):
        data.load_builtin("zzzzzz")


def test_data_import_is_light():
    import subprocess
    import sys

    code = (
        "import sys, numnet.data, numnet.metrics; "
        "print(sorted(m for m in ('pyarrow', 'matplotlib', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
