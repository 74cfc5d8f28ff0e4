"""parameters_to_vector / vector_to_parameters: seed 001's vec(), exact round trips, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import numnet as nn
from numnet.optim import parameters_to_vector, vector_to_parameters

W1 = [[-0.1, 0.2], [0.3, -0.4], [-0.5, 0.6]]


def test_vec_of_seed_001_stacks_columns():
    w1 = nn.Tensor(np.array(W1), requires_grad=True)
    np.testing.assert_array_equal(parameters_to_vector([w1]), [-0.1, 0.3, -0.5, 0.2, -0.4, 0.6])
    np.testing.assert_array_equal(
        parameters_to_vector([w1], order="C"), [-0.1, 0.2, 0.3, -0.4, -0.5, 0.6]
    )


def test_weights_then_biases_in_the_order_given():
    w = nn.Tensor(np.array(W1), requires_grad=True)
    b = nn.Tensor(np.array([7.0, 8.0, 9.0]), requires_grad=True)
    vec = parameters_to_vector([w, b])
    np.testing.assert_array_equal(vec[6:], [7.0, 8.0, 9.0])
    vec[0] = 1.0  # a copy: the parameters are untouched
    assert w.data[0, 0] == -0.1


def test_c_order_matches_torch(rng):
    torch = pytest.importorskip("torch")
    values = [rng.normal(size=s) for s in [(3, 4), (4,), (2, 3, 2), ()]]
    ours = parameters_to_vector([nn.Tensor(v) for v in values], order="C")
    theirs = torch.nn.utils.parameters_to_vector([torch.tensor(v) for v in values]).numpy()
    np.testing.assert_array_equal(ours, theirs)


shapes = st.lists(st.lists(st.integers(0, 4), min_size=0, max_size=3).map(tuple), max_size=4)


@settings(max_examples=40, deadline=None)
@given(shapes=shapes, order=st.sampled_from(["F", "C"]), seed=st.integers(0, 2**16))
def test_round_trip_is_exact_and_in_place(shapes, order, seed):
    rng = np.random.default_rng(seed)
    values = [rng.normal(size=s) for s in shapes]
    params = [
        nn.Tensor(v.astype(np.float32 if i % 2 else np.float64)) for i, v in enumerate(values)
    ]
    originals = [p.data.copy() for p in params]
    arrays = [p.data for p in params]
    vec = parameters_to_vector(params, order=order)
    assert vec.shape == (sum(int(np.prod(s)) for s in shapes),)
    for a in arrays:
        a[...] = 0
    vector_to_parameters(vec, params, order=order)
    for p, a, original in zip(params, arrays, originals):
        assert p.data is a and a.dtype == original.dtype
        np.testing.assert_array_equal(a, original)


def test_vector_to_parameters_writes_into_models_arrays():
    w = nn.Tensor(np.zeros((3, 2)), requires_grad=True)
    b = nn.Tensor(np.zeros(2, dtype=np.float32), requires_grad=True)
    held = w.data
    vector_to_parameters(nn.Tensor(np.arange(8.0)), [w, b])
    np.testing.assert_array_equal(held, [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]])
    assert b.dtype == np.float32 and b.data.tolist() == [6.0, 7.0]


def test_gradients_as_a_vector():
    w = nn.Tensor(np.array(W1), requires_grad=True)
    (w * w).sum().backward()
    np.testing.assert_array_equal(parameters_to_vector([w.grad]), 2 * parameters_to_vector([w]))


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda ps: vector_to_parameters(np.zeros(7), ps),
            r"shape \(7,\); .* must have shape \(8,\)",
        ),
        (lambda ps: vector_to_parameters(np.zeros((2, 4)), ps), r"got a vector of shape \(2, 4\)"),
        (lambda ps: parameters_to_vector(ps, order="A"), "order must be 'F'"),
        (lambda ps: vector_to_parameters(np.zeros(8), ps, order="K"), "order must be 'F'"),
        (lambda ps: parameters_to_vector([ps[0], [1.0]]), "element 1 is a list"),
    ],
)
def test_errors_are_clear(call, message):
    params = [nn.Tensor(np.zeros((3, 2))), nn.Tensor(np.zeros(2))]
    with pytest.raises((ValueError, TypeError), match=message):
        call(params)
    assert not params[0].data.any()
