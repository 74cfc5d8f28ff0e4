"""scikit-learn's preprocessing on numnet inputs (Tensors expose __array__)."""

from __future__ import annotations

import numpy as np
import pytest

import numnet
from numnet.data import as_loader

preprocessing = pytest.importorskip("sklearn.preprocessing")


def test_data_standard_scaler_on_tensors():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 4)) * 3 + 1
    scaled = preprocessing.StandardScaler().fit_transform(numnet.Tensor(X))
    np.testing.assert_allclose(scaled, preprocessing.StandardScaler().fit_transform(X))
    assert isinstance(scaled, np.ndarray)


@pytest.mark.parametrize("scaler", ["MinMaxScaler", "RobustScaler", "MaxAbsScaler"])
def test_data_other_scalers_on_tensors(scaler):
    X = np.random.default_rng(1).standard_normal((20, 3))
    ours = getattr(preprocessing, scaler)().fit(numnet.Tensor(X)).transform(numnet.Tensor(X))
    np.testing.assert_allclose(ours, getattr(preprocessing, scaler)().fit_transform(X))


def test_data_encoders_on_tensors():
    labels = numnet.Tensor(np.array([[0], [2], [1], [2]]))
    onehot = preprocessing.OneHotEncoder(sparse_output=False).fit_transform(labels)
    assert onehot.tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]]
    encoded = preprocessing.LabelEncoder().fit_transform(numnet.Tensor(np.array([5, 3, 5, 9])))
    assert encoded.tolist() == [1, 0, 1, 2]


def test_data_scaled_tensor_round_trip_feeds_a_loader():
    X = numnet.Tensor(np.random.default_rng(2).standard_normal((12, 2)).astype(np.float32))
    scaler = preprocessing.StandardScaler().fit(X)
    loader = as_loader((scaler.transform(X), np.zeros(12)), batch_size=5)
    assert [b.shape for b, _ in loader.batches(0)] == [(5, 2), (5, 2), (2, 2)]
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(X)), X.data, rtol=1e-6)
