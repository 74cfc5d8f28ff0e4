"""numnet.parallel: splitting elementwise work over threads changes no bit."""

from __future__ import annotations

import numpy as np
import pytest

import numnet
from numnet import nn, optim
from numnet.parallel import MIN_PIECE, split_apply


@pytest.fixture
def threads():
    before = numnet.get_num_threads()
    yield
    numnet.set_num_threads(before)


def test_split_apply_covers_every_element_once_in_place(threads):
    numnet.set_num_threads(3)
    a = np.arange(3 * MIN_PIECE + 7, dtype=np.float64).reshape(-1, 1)
    out = np.zeros_like(a)
    calls = []

    def double(x, y):
        calls.append(x.size)
        np.multiply(x, 2, out=y)

    split_apply(double, [a, out])
    assert len(calls) == 3 and sum(calls) == a.size
    np.testing.assert_array_equal(out, 2 * a)


def test_small_or_strided_arrays_run_whole(threads):
    numnet.set_num_threads(4)
    calls = []
    small = np.zeros(10)
    split_apply(lambda x: calls.append(x.shape), [small])
    strided = np.zeros((4 * MIN_PIECE, 2))[:, 0]  # not contiguous: flattening would copy
    split_apply(lambda x: calls.append(x.shape), [strided])
    assert calls == [(10,), (4 * MIN_PIECE,)]


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_on_a_large_layer_is_bit_identical_on_one_and_two_threads(threads, amsgrad):
    def trained(n_threads):
        numnet.set_num_threads(n_threads)
        layer = nn.Linear(700, 600, rng=0, dtype=np.float32)
        optimizer = optim.Adam(layer.parameters(), lr=1e-2, amsgrad=amsgrad, weight_decay=0.1)
        x = np.random.default_rng(1).standard_normal((8, 700)).astype(np.float32)
        for _ in range(3):
            optimizer.zero_grad()
            (layer(x) ** 2).mean().backward()
            optimizer.step()
        return layer.weight.data

    assert trained(1).size > 2 * MIN_PIECE  # the split really happens
    np.testing.assert_array_equal(trained(1), trained(2))


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_set_num_threads_rejects_bad_counts(bad, threads):
    with pytest.raises(ValueError, match="positive int"):
        numnet.set_num_threads(bad)
