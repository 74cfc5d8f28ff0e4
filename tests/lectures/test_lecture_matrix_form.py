"""numnet lecture matrix-form: seed 001's worked example (SPEC section 9)."""

from __future__ import annotations

import numpy as np
import pytest

from numnet.lectures import matrix_form

Image = pytest.importorskip("PIL.Image")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    lines: list[str] = []
    out = tmp_path_factory.mktemp("matrix-form")
    numbers = matrix_form.run(out, fast=True, echo=lines.append)
    return numbers, lines


def test_worked_example_values(result):
    numbers, _ = result
    expected_h1 = [[0.29, -0.46, 0.60], [0.46, -0.60, 0.72], [0.60, -0.72, 0.80]]
    np.testing.assert_array_equal(np.round(numbers["h1"], 2), expected_h1)
    np.testing.assert_array_equal(
        np.round(numbers["h2"], 2), [[0.38, 0.51], [0.48, 0.66], [0.57, 0.78]]
    )
    np.testing.assert_array_equal(np.round(numbers["o"], 2), [0.45, 0.43, 0.41])
    np.testing.assert_array_equal(np.round(numbers["losses"], 2), [0.81, 0.56, 0.88])
    assert round(numbers["loss"], 2) == 0.75
    assert numbers["loss"] == pytest.approx(np.mean(numbers["losses"]), rel=1e-15)


def test_vec_w1_is_column_major(result):
    numbers, lines = result
    np.testing.assert_array_equal(numbers["vec_w1"], [-0.1, 0.3, -0.5, 0.2, -0.4, 0.6])
    assert any("vec(w1) = (-0.1, 0.3, -0.5, 0.2, -0.4, 0.6)" in line for line in lines)


def test_hand_gradients_equal_autodiff(result):
    numbers, _ = result
    for name in ("w1", "w2", "w3"):
        np.testing.assert_allclose(
            numbers["hand_gradients"][name], numbers["gradients"][name], rtol=0, atol=1e-12
        )
        assert np.abs(numbers["gradients"][name]).min() > 1e-3  # no vacuous zeros
    assert numbers["max_abs_difference"] < 1e-12


def test_gradients_match_torch(result):
    torch = pytest.importorskip("torch")
    numbers, _ = result
    w = [torch.tensor(v, dtype=torch.float64, requires_grad=True)
         for v in (matrix_form.W1, matrix_form.W2, matrix_form.W3)]  # fmt: skip
    x = torch.tensor(matrix_form.X, dtype=torch.float64)
    y = torch.tensor(matrix_form.Y, dtype=torch.float64)
    o = torch.sigmoid(torch.relu(torch.tanh(x @ w[0].T) @ w[1].T) @ w[2].T).reshape(-1)
    torch.nn.functional.binary_cross_entropy(o, y).backward()
    for name, tw in zip(("w1", "w2", "w3"), w, strict=True):
        np.testing.assert_allclose(numbers["gradients"][name], tw.grad.numpy(), rtol=1e-12)


def test_png_is_written(result):
    numbers, _ = result
    (path,) = numbers["figures"]
    assert path.name == "matrix-form.png"
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size[0] > 400 and image.size[1] > 300


def test_explain_prints_the_trace(tmp_path):
    lines: list[str] = []
    numbers = matrix_form.run(tmp_path, fast=True, explain=True, echo=lines.append)
    text = numbers["explain"]
    assert text is not None and any(text in line for line in lines)
    assert "Backward: dL/d#k" in text
    for name in ("w1", "w2", "w3", "h1", "h2", "o"):
        assert f" {name} " in text
    assert numbers["max_abs_difference"] < 1e-12


def test_no_explain_by_default(result):
    numbers, lines = result
    assert numbers["explain"] is None
    assert not any("Backward: dL/d#k" in line for line in lines)


def test_same_output_twice(tmp_path):
    first = matrix_form.run(tmp_path / "a", echo=lambda *a: None)
    second = matrix_form.run(tmp_path / "b", echo=lambda *a: None)
    for name in ("w1", "w2", "w3"):
        np.testing.assert_array_equal(first["gradients"][name], second["gradients"][name])
    assert first["loss"] == second["loss"]
