"""Seed 001's worked example, built only from Linear(bias=False), Tanh, ReLU, Sigmoid, BCELoss.

x = [[1, 2], [3, 4], [5, 6]], y = [1, 0, 1], no biases,
h1 = tanh(x w1ᵀ), h2 = ReLU(h1 w2ᵀ), o = σ(h2 w3ᵀ), mean log-loss ≈ 0.7497;
h1 ≈ [[.29, −.46, .60], [.46, −.60, .72], [.60, −.72, .80]], o ≈ [.45, .43, .41];
vec(w1) = (−.1, .3, −.5, .2, −.4, .6), the column-major stacking.
"""

from __future__ import annotations

import numpy as np
import pytest

import numnet
from numnet import nn

X = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
Y = np.array([1.0, 0.0, 1.0])
W1 = np.array([[-0.1, 0.2], [0.3, -0.4], [-0.5, 0.6]])
W2 = np.array([[0.7, 0.8, 0.9], [1.0, 1.1, 1.2]])
W3 = np.array([[1.3, -1.4]])


def _model() -> nn.Sequential:
    layers = [nn.Linear(2, 3, bias=False, dtype=np.float64),
              nn.Linear(3, 2, bias=False, dtype=np.float64),
              nn.Linear(2, 1, bias=False, dtype=np.float64)]  # fmt: skip
    for layer, w in zip(layers, (W1, W2, W3)):
        assert layer.weight.shape == w.shape  # (out, in), as the lecture writes w
        layer.load_state_dict({"weight": w})
    return nn.Sequential(layers[0], nn.Tanh(), layers[1], nn.ReLU(), layers[2], nn.Sigmoid())


def _numpy_forward():
    """The lecture's formulas in plain NumPy, independent of numnet."""
    h1 = np.tanh(X @ W1.T)
    h2 = np.maximum(h1 @ W2.T, 0.0)
    o = 1.0 / (1.0 + np.exp(-(h2 @ W3.T)))
    loss = -np.mean(Y * np.log(o[:, 0]) + (1 - Y) * np.log(1 - o[:, 0]))
    return h1, h2, o, loss


def _loss(model):
    o = model(numnet.tensor(X))
    return o, nn.BCELoss()(o, numnet.tensor(Y.reshape(3, 1)))


def test_hidden_layers_and_output_match_the_lecture():
    model = _model()
    x = numnet.tensor(X)
    h1 = model[:2](x).data
    h2 = model[:4](x).data
    o = model(x).data
    np.testing.assert_allclose(
        h1, [[0.29, -0.46, 0.60], [0.46, -0.60, 0.72], [0.60, -0.72, 0.80]], atol=0.005
    )
    np.testing.assert_allclose(o.ravel(), [0.45, 0.43, 0.41], atol=0.005)
    ref_h1, ref_h2, ref_o, _ = _numpy_forward()
    np.testing.assert_allclose(h1, ref_h1, rtol=1e-15)
    np.testing.assert_allclose(h2, ref_h2, rtol=1e-15)
    np.testing.assert_allclose(o, ref_o, rtol=1e-15)
    assert (h2 > 0).all()  # ReLU passes everything here: no kink to argue about


def test_loss_is_0_7497():
    _, loss = _loss(_model())
    value = loss.item()
    assert loss.dtype == np.float64 and loss.shape == ()
    assert round(value, 4) == 0.7497
    assert round(value, 2) == 0.75
    assert value == _numpy_forward()[3]  # the same float64, to the last bit
    assert value == pytest.approx(0.7497089772629537, rel=1e-14)


def test_fused_and_one_by_one_agree():
    model = _model()
    o, loss = _loss(model)
    h = numnet.tensor(X)
    for module in model:
        h = module(h)
    np.testing.assert_array_equal(o.data, h.data)
    assert loss.item() == nn.BCELoss()(h, numnet.tensor(Y.reshape(3, 1))).item()


def test_vec_of_w1_is_column_major():
    model = _model()
    w1 = model[0].weight
    assert w1.data.ravel(order="F").tolist() == [-0.1, 0.3, -0.5, 0.2, -0.4, 0.6]


def test_parameters_to_vector_gives_vec():
    optim = pytest.importorskip("numnet.optim")
    if not hasattr(optim, "parameters_to_vector"):
        pytest.skip("numnet.optim.parameters_to_vector is not there yet")
    model = _model()
    params = list(model.parameters())
    assert optim.parameters_to_vector([params[0]], order="F").tolist() == [
        -0.1, 0.3, -0.5, 0.2, -0.4, 0.6,
    ]  # fmt: skip
    vector = optim.parameters_to_vector(params, order="F")
    expected = np.concatenate([W1.ravel(order="F"), W2.ravel(order="F"), W3.ravel(order="F")])
    np.testing.assert_array_equal(vector, expected)
    assert optim.parameters_to_vector(params).tolist() == vector.tolist()  # "F" by default
    if hasattr(optim, "vector_to_parameters"):
        fresh = nn.Sequential(*[nn.Linear(*m.weight.shape[::-1], bias=False, dtype=np.float64)
                                for m in model if isinstance(m, nn.Linear)])  # fmt: skip
        optim.vector_to_parameters(vector, fresh.parameters(), order="F")
        for p, w in zip(fresh.parameters(), (W1, W2, W3)):
            np.testing.assert_array_equal(p.data, w)


def _numpy_gradients():
    """Backprop by hand in matrix form (seed 001): δ3 = (o − y)/n through σ and the log-loss."""
    h1, h2, o, _ = _numpy_forward()
    n = len(Y)
    d3 = (o - Y[:, None]) / n
    g3 = d3.T @ h2
    d2 = (d3 @ W3) * (h1 @ W2.T > 0)
    g2 = d2.T @ h1
    d1 = (d2 @ W2) * (1 - h1**2)
    g1 = d1.T @ X
    return g1, g2, g3


def test_gradients_match_the_hand_derivation():
    model = _model()
    _, loss = _loss(model)
    loss.backward()
    grads = [p.grad for p in model.parameters()]
    for got, expected in zip(grads, _numpy_gradients()):
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=1e-10)


def test_gradients_match_pytorch():
    torch = pytest.importorskip("torch")
    model = _model()
    _, loss = _loss(model)
    loss.backward()
    w = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (W1, W2, W3)]
    x = torch.tensor(X)
    o = torch.sigmoid(torch.relu(torch.tanh(x @ w[0].T) @ w[1].T) @ w[2].T)
    t_loss = torch.nn.functional.binary_cross_entropy(o, torch.tensor(Y).reshape(3, 1))
    t_loss.backward()
    assert loss.item() == pytest.approx(t_loss.item(), rel=1e-14)
    for p, t in zip(model.parameters(), w):
        np.testing.assert_allclose(p.grad, t.grad.numpy(), rtol=1e-10, atol=0)
