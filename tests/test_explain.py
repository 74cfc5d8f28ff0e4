"""numnet.explain: the backward pass of seed 001's worked example, node by node."""

from __future__ import annotations

import io

import numpy as np
import pytest

import numnet
import numnet.functional as F
from numnet.explain import explain, trace


def _seed001():
    def f64(v, grad=False):
        return numnet.Tensor(np.array(v, np.float64), requires_grad=grad)

    x, y = f64([[1, 2], [3, 4], [5, 6]]), f64([1, 0, 1])
    w1 = f64([[-0.1, 0.2], [0.3, -0.4], [-0.5, 0.6]], True)
    w2 = f64([[0.7, 0.8, 0.9], [1, 1.1, 1.2]], True)
    w3 = f64([[1.3, -1.4]], True)
    o = F.sigmoid(F.relu(F.tanh(x @ w1.T) @ w2.T) @ w3.T).reshape(-1)
    loss = (-(y * numnet.log(o) + (1 - y) * numnet.log(1 - o))).mean()
    return loss, {"x": x, "y": y, "w1": w1, "w2": w2, "w3": w3}


def test_gradients_equal_grad_and_backward():
    loss, names = _seed001()
    nodes = trace(loss, names=names)
    by_name = {n.name: n for n in nodes if n.name}
    reference, ref_names = _seed001()
    reference.backward()
    for name in ("w1", "w2", "w3"):
        np.testing.assert_array_equal(by_name[name].grad, names[name].grad)
        np.testing.assert_allclose(names[name].grad, ref_names[name].grad, rtol=1e-15)
    assert by_name["x"].grad is None and by_name["x"].label == "x"
    assert nodes[-1].tensor is loss and float(nodes[-1].grad) == 1.0


def test_topological_order_and_every_parameter():
    loss, names = _seed001()
    nodes = trace(loss, names=names)
    assert [n.index for n in nodes] == list(range(len(nodes)))
    for n in nodes:
        assert all(p < n.index for p in n.parents)
        assert all(c > n.index for c in n.children)
    labels = [n.label for n in nodes]
    for name in names:
        assert labels.count(name) == 1
    ops = {n.op for n in nodes}
    assert {"matmul", "tanh", "relu", "sigmoid", "log", "mean"} <= ops


def test_printed_text_shows_values_gradients_and_chain_rule():
    loss, names = _seed001()
    buffer = io.StringIO()
    text = explain(loss, names=names, file=buffer, precision=4)
    assert buffer.getvalue().rstrip("\n") == text
    lines = text.splitlines()
    w1_line = next(i for i, line in enumerate(lines) if line.split()[1:2] == ["w1"])
    grad_line = lines[w1_line + 4]  # header, 3 value rows, then the grad
    assert grad_line.strip().startswith("grad")
    assert f"{names['w1'].grad[0, 0]:.4f}" in grad_line
    assert "0.7497" in text  # the loss value
    assert "dL/d#" in text and "⊙ (1 − #" in text  # tanh's local derivative
    # every node that gets a gradient has its chain-rule step
    nodes_with_grad = sum(1 for line in lines if line.strip().startswith("grad"))
    steps = sum(1 for line in lines if line.startswith("  dL/d#"))
    assert steps == nodes_with_grad


def test_file_false_prints_nothing(capsys):
    loss, names = _seed001()
    explain(loss, names=names, file=False)
    assert capsys.readouterr().out == ""


def test_large_arrays_are_summarized():
    w = numnet.Tensor(np.linspace(-1, 1, 50), requires_grad=True)
    text = explain((w * w).sum(), file=False, max_elements=12)
    assert "mean" in text and "‖·‖" in text


def test_non_scalar_output_without_grad_is_an_error():
    w = numnet.Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(ValueError, match="shape \\(3,\\)"):
        explain(w * 2, file=False)
    nodes = trace(w * 2, grad=np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(nodes[0].grad, [2.0, 4.0, 6.0])


def test_freed_graph_and_bad_inputs():
    w = numnet.Tensor([1.0], requires_grad=True)
    loss = (w * w).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match="freed"):
        explain(loss, file=False)
    with pytest.raises(RuntimeError, match="does not require grad"):
        explain(numnet.Tensor([1.0]).sum(), file=False)
    with pytest.raises(TypeError, match="Tensor"):
        explain(np.ones(2), file=False)
    with pytest.raises(ValueError, match="precision"):
        explain((w * w).sum(), precision=-1, file=False)


def test_module_names_label_parameters():
    from numnet import nn

    model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.Tanh(), nn.Linear(3, 1, rng=1))
    loss = model(numnet.ones((4, 2))).mean()
    labels = {n.label for n in trace(loss, names=model)}
    assert {name for name, _ in model.named_parameters()} <= labels
