"""The worked examples of the lecture notes (SPEC section 9), and vanishing gradients."""

from __future__ import annotations

import numpy as np
import pytest

import numnet as nn
import numnet.functional as F


def f64(values, requires_grad=False):
    return nn.Tensor(np.array(values, dtype=np.float64), requires_grad=requires_grad)


# ------------------------------------------------------------------ seed 001
X_001 = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
Y_001 = [1.0, 0.0, 1.0]
W1_001 = [[-0.1, 0.2], [0.3, -0.4], [-0.5, 0.6]]
W2_001 = [[0.7, 0.8, 0.9], [1.0, 1.1, 1.2]]
W3_001 = [[1.3, -1.4]]


def _seed001_forward(x, w1, w2, w3):
    """h1 = tanh(x w1ᵀ), h2 = ReLU(h1 w2ᵀ), o = σ(h2 w3ᵀ); no biases."""
    h1 = F.tanh(x @ w1.T)
    h2 = F.relu(h1 @ w2.T)
    o = F.sigmoid(h2 @ w3.T).reshape(-1)
    return h1, h2, o


def _log_loss_terms(o, y):
    """I_i = −y_i ln o_i − (1 − y_i) ln(1 − o_i), built from log ops."""
    return -(y * nn.log(o) + (1 - y) * nn.log(1 - o))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_seed001_forward_values(dtype):
    x, y = nn.Tensor(X_001, dtype=dtype), nn.Tensor(Y_001, dtype=dtype)
    w1 = nn.Tensor(W1_001, dtype=dtype, requires_grad=True)
    w2 = nn.Tensor(W2_001, dtype=dtype, requires_grad=True)
    w3 = nn.Tensor(W3_001, dtype=dtype, requires_grad=True)
    h1, h2, o = _seed001_forward(x, w1, w2, w3)
    terms = _log_loss_terms(o, y)
    loss = terms.mean()

    def rounded(t, decimals=2):
        return np.round(t.data.astype(np.float64), decimals)

    expected_h1 = [[0.29, -0.46, 0.60], [0.46, -0.60, 0.72], [0.60, -0.72, 0.80]]
    np.testing.assert_allclose(rounded(h1), expected_h1, rtol=0, atol=1e-12)
    np.testing.assert_allclose(rounded(h2), [[0.38, 0.51], [0.48, 0.66], [0.57, 0.78]], atol=1e-12)
    np.testing.assert_allclose(rounded(o), [0.45, 0.43, 0.41], rtol=0, atol=1e-12)
    np.testing.assert_allclose(rounded(terms), [0.81, 0.56, 0.88], rtol=0, atol=1e-12)
    assert round(loss.item(), 4) == 0.7497
    assert round(loss.item(), 2) == 0.75
    assert loss.dtype == dtype


def test_seed001_gradients_pass_gradcheck():
    x, y = f64(X_001), f64(Y_001)

    def loss_fn(w1, w2, w3):
        _, _, o = _seed001_forward(x, w1, w2, w3)
        return _log_loss_terms(o, y).mean()

    weights = [f64(W1_001, True), f64(W2_001, True), f64(W3_001, True)]
    assert nn.gradcheck(loss_fn, *weights, atol=1e-8, rtol=1e-6)


def test_seed001_gradients_by_hand():
    """The backprop of the slides, in NumPy, against the engine."""
    x, y = np.array(X_001), np.array(Y_001)
    w1, w2, w3 = np.array(W1_001), np.array(W2_001), np.array(W3_001)
    h1 = np.tanh(x @ w1.T)
    a2 = h1 @ w2.T
    h2 = np.maximum(a2, 0)
    o = 1 / (1 + np.exp(-(h2 @ w3.T)))  # (3, 1)
    n = len(y)
    d3 = (o - y[:, None]) / n  # dL/d(logit) for mean log-loss of a sigmoid
    g3 = d3.T @ h2
    d2 = (d3 @ w3) * (a2 >= 0)
    g2 = d2.T @ h1
    d1 = (d2 @ w2) * (1 - h1**2)
    g1 = d1.T @ x

    t1, t2, t3 = f64(W1_001, True), f64(W2_001, True), f64(W3_001, True)
    _, _, out = _seed001_forward(f64(X_001), t1, t2, t3)
    _log_loss_terms(out, f64(Y_001)).mean().backward()
    np.testing.assert_allclose(t1.grad, g1, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(t2.grad, g2, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(t3.grad, g3, rtol=1e-12, atol=1e-15)


def test_seed001_matches_bce_with_logits():
    x, y = f64(X_001), f64(Y_001)
    w1, w2, w3 = f64(W1_001), f64(W2_001), f64(W3_001)
    h2 = F.relu(F.tanh(x @ w1.T) @ w2.T)
    logits = (h2 @ w3.T).reshape(-1)
    loss = F.binary_cross_entropy_with_logits(logits, y)
    assert loss.item() == pytest.approx(0.7497089772629537, rel=1e-12)


def test_seed001_against_torch():
    torch = pytest.importorskip("torch")
    tw = [
        torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in (W1_001, W2_001, W3_001)
    ]
    tx, ty = torch.tensor(X_001, dtype=torch.float64), torch.tensor(Y_001, dtype=torch.float64)
    to = torch.sigmoid(torch.relu(torch.tanh(tx @ tw[0].T) @ tw[1].T) @ tw[2].T).reshape(-1)
    tloss = torch.nn.functional.binary_cross_entropy(to, ty)
    tloss.backward()

    ws = [f64(W1_001, True), f64(W2_001, True), f64(W3_001, True)]
    _, _, o = _seed001_forward(f64(X_001), *ws)
    loss = _log_loss_terms(o, f64(Y_001)).mean()
    loss.backward()
    assert loss.item() == pytest.approx(tloss.item(), rel=1e-13)
    for mine, theirs in zip(ws, tw, strict=True):
        np.testing.assert_allclose(mine.grad, theirs.grad.numpy(), rtol=1e-12, atol=1e-15)


# ------------------------------------------------------------------ seed 002
def _seed002_data():
    rng = np.random.default_rng(2)
    n, d, hidden = 6, 3, 5
    X = rng.standard_normal((n, d))
    X[0] = 0.0  # with b1[0] = 0, Z1[0, 0] is exactly 0: ReLU'(0) = 1 (seed 002)
    W1 = rng.standard_normal((d, hidden))
    b1 = rng.standard_normal(hidden)
    b1[0] = 0.0
    W2 = rng.standard_normal((hidden, 1))
    b2 = rng.standard_normal(1)
    y = rng.uniform(-1, 1, (n, 1))
    return X, W1, b1, W2, b2, y


def _seed002_by_hand(X, W1, b1, W2, b2, y):
    """The seed's derivation, with L = MSE.

    Z1 = X W1 + b1, A1 = ReLU(Z1), Z2 = A1 W2 + b2, ŷ = tanh(Z2).
    """
    n = X.shape[0]
    Z1 = X @ W1 + b1
    H = Z1 * (Z1 >= 0)
    y_hat = np.tanh(H @ W2 + b2)
    dL_dyhat = 2 * (y_hat - y) / n
    delta2 = dL_dyhat * (1 - y_hat**2)
    dW2 = H.T @ delta2
    db2 = delta2.sum(axis=0)
    delta1 = (delta2 @ W2.T) * (Z1 >= 0)
    dW1 = X.T @ delta1
    db1 = delta1.sum(axis=0)
    loss = np.mean((y_hat - y) ** 2)
    return loss, dW1, db1, dW2, db2, Z1


@pytest.mark.parametrize("layer", ["ops", "linear"])
def test_seed002_hand_derived_gradients(layer):
    X, W1, b1, W2, b2, y = _seed002_data()
    loss_np, dW1, db1, dW2, db2, Z1 = _seed002_by_hand(X, W1, b1, W2, b2, y)
    assert (Z1 < 0).any() and (Z1 > 0).any() and (Z1 == 0).sum() == 1

    params = [nn.Tensor(a.copy(), requires_grad=True) for a in (W1, b1, W2, b2)]
    tW1, tb1, tW2, tb2 = params
    Xt, yt = nn.Tensor(X), nn.Tensor(y)
    if layer == "ops":
        y_hat = F.tanh(F.relu(Xt @ tW1 + tb1) @ tW2 + tb2)
    else:
        y_hat = F.tanh(F.linear(F.relu(F.linear(Xt, tW1, tb1)), tW2, tb2))
    loss = F.mse_loss(y_hat, yt)
    assert loss.dtype == np.float64
    loss.backward()

    assert loss.item() == pytest.approx(loss_np, rel=1e-12)
    for param, expected in zip(params, (dW1, db1, dW2, db2), strict=True):
        assert param.grad.shape == expected.shape
        np.testing.assert_allclose(param.grad, expected, rtol=1e-12, atol=0)


def test_seed002_sgd_step_decreases_loss():
    # W_i := W_i − η ∂L/∂W_i (seed 002's update rule (*)), using the engine's gradients.
    X, W1, b1, W2, b2, y = _seed002_data()
    params = [nn.Tensor(a.copy(), requires_grad=True) for a in (W1, b1, W2, b2)]

    def loss_of(ps):
        return F.mse_loss(
            F.tanh(F.relu(nn.Tensor(X) @ ps[0] + ps[1]) @ ps[2] + ps[3]), nn.Tensor(y)
        )

    before = loss_of(params)
    before.backward()
    with nn.no_grad():
        stepped = [p - 0.05 * nn.Tensor(p.grad) for p in params]
    assert loss_of(stepped).item() < before.item()


# ------------------------------------------------------------------ seed 000
# F_j(X) = f_out(b_j + Σ_k w_{j,k} f(b̂_k + Σ_i ŵ_{k,i} x_i)), j = 1, 2: a 3-3-2 network.
# ŵ_{k,i} is the weight from input x_i to hidden unit k, so ŵ_{2,3} = W_hat[1, 2] below.
# The slide's chain rule:
#   ∂F_j/∂ŵ_{2,3} = f'_out(b_j + Σ_k w_{j,k} f(·)) · w_{j,2} · f'(b̂_2 + Σ_i ŵ_{2,i} x_i) · x_3.
ACTIVATIONS = {
    # name: (engine function, f, f' written from seed 000's table)
    "identity": (F.identity, lambda z: z, lambda z: np.ones_like(z)),
    "sigmoid": (
        F.sigmoid,
        lambda z: 1 / (1 + np.exp(-z)),
        lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2,
    ),
    "tanh": (F.tanh, np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "arctan": (F.arctan, np.arctan, lambda z: 1 / (z**2 + 1)),
    "softplus": (F.softplus, lambda z: np.log1p(np.exp(z)), lambda z: 1 / (1 + np.exp(-z))),
}


def _seed000_params(seed=0):
    rng = np.random.default_rng(seed)
    return {
        "W_hat": rng.standard_normal((3, 3)),  # [k, i] = ŵ_{k+1, i+1}
        "b_hat": rng.standard_normal(3),
        "W": rng.standard_normal((2, 3)),  # [j, k] = w_{j+1, k+1}
        "b": rng.standard_normal(2),
    }


def _seed000_engine(params, X, f, f_out):
    W_hat, b_hat, W, b = params
    hidden = f(X @ W_hat.T + b_hat)
    return f_out(hidden @ W.T + b)


@pytest.mark.parametrize(
    "f_name, f_out_name",
    [("sigmoid", "identity"), ("tanh", "sigmoid"), ("arctan", "tanh"), ("softplus", "sigmoid")],
)
def test_seed000_dF_dw_hat_23_chain_rule(f_name, f_out_name):
    f_engine, f, f_prime = ACTIVATIONS[f_name]
    f_out_engine, f_out, f_out_prime = ACTIVATIONS[f_out_name]
    p = _seed000_params()
    x = np.array([0.7, -1.2, 0.4])  # X = (x_1, x_2, x_3)

    # the slide's formula, written out with 1-based names
    def w_hat(k, i):
        return p["W_hat"][k - 1, i - 1]

    def w(j, k):
        return p["W"][j - 1, k - 1]

    def b_hat(k):
        return p["b_hat"][k - 1]

    def x_(i):
        return x[i - 1]

    def hidden_pre(k):
        return b_hat(k) + sum(w_hat(k, i) * x_(i) for i in range(1, 4))

    def out_pre(j):
        return p["b"][j - 1] + sum(w(j, k) * f(hidden_pre(k)) for k in range(1, 4))

    formula = {
        j: f_out_prime(out_pre(j)) * w(j, 2) * f_prime(hidden_pre(2)) * x_(3) for j in (1, 2)
    }

    for j in (1, 2):
        params = [
            nn.Tensor(p[name].copy(), requires_grad=True) for name in ("W_hat", "b_hat", "W", "b")
        ]
        F_out = _seed000_engine(params, nn.Tensor(x[None, :]), f_engine, f_out_engine)
        assert F_out.shape == (1, 2)
        np.testing.assert_allclose(F_out.data[0, j - 1], f_out(out_pre(j)), rtol=1e-14)
        F_out[0, j - 1].backward()
        engine = params[0].grad[1, 2]  # ∂F_j/∂ŵ_{2,3}
        assert engine == pytest.approx(formula[j], rel=1e-12, abs=1e-300)
        assert formula[j] != 0.0

    # and the forward difference of the slide, (F(ŵ_{2,3} + Δw) − F(θ)) / Δw, agrees roughly
    delta = 1e-7
    for j in (1, 2):
        p_shift = {k: v.copy() for k, v in p.items()}
        p_shift["W_hat"][1, 2] += delta
        args = [nn.Tensor(q[name]) for q in (p, p_shift) for name in ("W_hat", "b_hat", "W", "b")]
        base = _seed000_engine(args[:4], nn.Tensor(x[None, :]), f_engine, f_out_engine)
        shifted = _seed000_engine(args[4:], nn.Tensor(x[None, :]), f_engine, f_out_engine)
        finite = (shifted.data[0, j - 1] - base.data[0, j - 1]) / delta
        assert finite == pytest.approx(formula[j], rel=1e-5, abs=1e-9)


def test_seed000_full_hidden_weight_jacobian():
    """∂F_j/∂ŵ_{k,i} = f'_out(z_j) · w_{j,k} · f'(ẑ_k) · x_i, for every k, i at once."""
    _, f, f_prime = ACTIVATIONS["tanh"]
    _, f_out, f_out_prime = ACTIVATIONS["sigmoid"]
    p = _seed000_params(seed=1)
    x = np.array([-0.3, 0.9, 1.5])
    z_hat = p["W_hat"] @ x + p["b_hat"]
    z = p["W"] @ f(z_hat) + p["b"]
    for j in range(2):
        expected = f_out_prime(z[j]) * np.outer(p["W"][j] * f_prime(z_hat), x)
        params = [
            nn.Tensor(p[name].copy(), requires_grad=True) for name in ("W_hat", "b_hat", "W", "b")
        ]
        out = _seed000_engine(params, nn.Tensor(x[None, :]), F.tanh, F.sigmoid)
        out.backward(grad=np.eye(2)[j][None, :])  # selects F_j
        np.testing.assert_allclose(params[0].grad, expected, rtol=1e-12)
        # ∂F_j/∂b̂_k = f'_out(z_j) · w_{j,k} · f'(ẑ_k)
        np.testing.assert_allclose(
            params[1].grad, f_out_prime(z[j]) * p["W"][j] * f_prime(z_hat), rtol=1e-12
        )


def test_seed000_loss_gradient_over_batch():
    """∂Loss/∂ŵ_{2,3} = 2 Σ_i ⟨F(X_i) − Y_i, ∂F(X_i)/∂ŵ_{2,3}⟩ with Loss = Σ_i ‖F(X_i) − Y_i‖²."""
    _, f, f_prime = ACTIVATIONS["sigmoid"]
    p = _seed000_params(seed=3)
    rng = np.random.default_rng(30)
    X = rng.standard_normal((5, 3))
    Y = rng.standard_normal((5, 2))
    Z_hat = X @ p["W_hat"].T + p["b_hat"]
    F_np = f(Z_hat) @ p["W"].T + p["b"]  # f_out = identity
    dF_dw23 = p["W"][:, 1][None, :] * f_prime(Z_hat[:, 1])[:, None] * X[:, 2][:, None]  # (5, 2)
    expected = 2 * np.sum((F_np - Y) * dF_dw23)

    params = [
        nn.Tensor(p[name].copy(), requires_grad=True) for name in ("W_hat", "b_hat", "W", "b")
    ]
    out = _seed000_engine(params, nn.Tensor(X), F.sigmoid, F.identity)
    loss = ((out - nn.Tensor(Y)) ** 2).sum()
    loss.backward()
    assert params[0].grad[1, 2] == pytest.approx(expected, rel=1e-12)
    assert nn.gradcheck(
        lambda *ps: (
            (_seed000_engine(ps, nn.Tensor(X), F.sigmoid, F.identity) - nn.Tensor(Y)) ** 2
        ).sum(),
        *[nn.Tensor(p[name].copy(), requires_grad=True) for name in ("W_hat", "b_hat", "W", "b")],
    )


# ----------------------------------------------------- vanishing gradients
DEPTH, WIDTH, BATCH = 100, 16, 32


def _deep_network(activation, seed=0):
    """100 layers A_i = f(A_{i−1} W_i + b_i), PyTorch's default init U(±1/√width), float64.

    Returns the weights, each layer's output (with retain_grad) and the gradient
    norms a hook saw on each output.
    """
    rng = np.random.default_rng(seed)
    bound = 1 / np.sqrt(WIDTH)
    X = nn.Tensor(rng.standard_normal((BATCH, WIDTH)))
    weights = [
        nn.Tensor(rng.uniform(-bound, bound, (WIDTH, WIDTH)), requires_grad=True)
        for _ in range(DEPTH)
    ]
    biases = [
        nn.Tensor(rng.uniform(-bound, bound, WIDTH), requires_grad=True) for _ in range(DEPTH)
    ]
    outputs, hook_norms = [], {}
    A = X
    for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
        A = activation(A @ W + b)
        A.retain_grad()
        A.register_hook(lambda g, i=i: hook_norms.__setitem__(i, np.linalg.norm(g)))
        outputs.append(A)
    loss = (A * A).sum()
    loss.backward()
    return weights, outputs, hook_norms


def _log10_norms(arrays):
    return np.log10([np.linalg.norm(a) for a in arrays])


def test_vanishing_gradients_tanh_100_layers():
    weights, outputs, hook_norms = _deep_network(F.tanh)
    w_norms = _log10_norms([W.grad for W in weights])
    a_norms = _log10_norms([A.grad for A in outputs])
    # every layer's gradient is measurable, by retain_grad and by hooks alike
    assert all(W.grad is not None and W.grad.shape == (WIDTH, WIDTH) for W in weights)
    np.testing.assert_allclose(
        [hook_norms[i] for i in range(DEPTH)], [np.linalg.norm(A.grad) for A in outputs], rtol=1e-12
    )
    # orders of magnitude between the first and the last layer
    assert w_norms[-1] - w_norms[0] > 10
    assert a_norms[-1] - a_norms[0] > 10
    # and the decay is steady towards the input: every block of 10 layers is smaller than the next
    blocks = [np.mean(a_norms[k : k + 10]) for k in range(0, DEPTH, 10)]
    assert np.all(np.diff(blocks) > 0)


def test_vanishing_gradients_sigmoid_stronger_than_tanh():
    tanh_weights, _, _ = _deep_network(F.tanh)
    sig_weights, _, _ = _deep_network(F.sigmoid)
    tanh_w = _log10_norms([W.grad for W in tanh_weights])
    sig_w = _log10_norms([W.grad for W in sig_weights])
    tanh_drop, sig_drop = tanh_w[-1] - tanh_w[0], sig_w[-1] - sig_w[0]
    assert sig_drop > 10
    assert sig_drop > 2 * tanh_drop  # σ' ≤ 1/4 against tanh' ≤ 1


def test_gradient_norm_preserved_by_orthogonal_linear_network():
    """Control for the two tests above: with orthogonal weights and the identity
    activation, backprop multiplies by Wᵀ, which keeps norms, so nothing vanishes."""
    rng = np.random.default_rng(5)
    X = nn.Tensor(rng.standard_normal((BATCH, WIDTH)))
    A, outputs = X, []
    for _ in range(DEPTH):
        Q, _ = np.linalg.qr(rng.standard_normal((WIDTH, WIDTH)))
        A = A @ nn.Tensor(Q, requires_grad=True)
        A.retain_grad()
        outputs.append(A)
    (A * nn.Tensor(rng.standard_normal(A.shape))).sum().backward()
    norms = [np.linalg.norm(A.grad) for A in outputs]
    np.testing.assert_allclose(norms, norms[-1], rtol=1e-10)
