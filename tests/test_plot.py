"""Tests of numnet.plot: what the figures contain, not only that they exist."""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import numnet
from numnet import nn
from numnet.plot import (
    class_colors,
    gradient_norms,
    plot_decision_boundary,
    plot_gradient_norms,
    plot_history,
    plot_regression_1d,
    save_figure,
)


def seed002(x):
    return 0.2 + 0.4 * x**2 + 0.3 * x * np.sin(15 * x) + 0.1 * np.cos(50 * x)


def _classes_in_image(fig: Figure, n_classes: int) -> np.ndarray:
    """Class index of each cell of a discretized region image (exact colours)."""
    image = np.asarray(fig.axes[0].images[0].get_array())
    expected = 1.0 + (np.asarray(class_colors(n_classes)) - 1.0) * 0.6
    distance = np.linalg.norm(image[:, :, None, :] - expected[None, None], axis=-1)
    assert np.allclose(distance.min(axis=-1), 0.0, atol=1e-12)
    return distance.argmin(axis=-1)


def _grid(X: np.ndarray, resolution: int, padding: float) -> np.ndarray:
    low, high = X.min(axis=0), X.max(axis=0)
    span = high - low
    g1 = np.linspace(low[0] - padding * span[0], high[0] + padding * span[0], resolution)
    g2 = np.linspace(low[1] - padding * span[1], high[1] + padding * span[1], resolution)
    G1, G2 = np.meshgrid(g1, g2)
    return np.column_stack([G1.ravel(), G2.ravel()])


# ---------------------------------------------------------------- history
HISTORY = {
    "loss": [1.0, 0.6, 0.4, 0.3],
    "val_loss": [1.1, 0.7, 0.65, 0.8],
    "accuracy": [0.5, 0.7, 0.8, 0.9],
    "val_accuracy": [0.45, 0.6, float("nan"), 0.7],
    "lr": [0.1, 0.1, 0.05, 0.05],
}


def test_history_lines_equal_values_and_epochs():
    history = SimpleNamespace(history=HISTORY, epoch=[3, 4, 5, 6])  # a resumed run
    fig = plot_history(history)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]  # lr only on request
    for ax, metric in zip(fig.axes, ["loss", "accuracy"]):
        train, val = ax.lines[0], ax.lines[1]
        np.testing.assert_array_equal(train.get_xdata(), [4, 5, 6, 7])
        np.testing.assert_array_equal(train.get_ydata(), HISTORY[metric])
        np.testing.assert_array_equal(val.get_ydata(), HISTORY[f"val_{metric}"])
        assert (train.get_label(), val.get_label()) == ("train", "validation")


def test_history_marks_best_validation_epoch():
    fig = plot_history(HISTORY)
    best = int(np.argmin(HISTORY["val_loss"]))
    star = [line for line in fig.axes[0].lines if line.get_marker() == "*"]
    assert len(star) == 1
    assert star[0].get_xdata()[0] == best + 1
    assert star[0].get_ydata()[0] == HISTORY["val_loss"][best]
    for ax in fig.axes:  # the dotted best-epoch line is in every panel
        vertical = [line for line in ax.lines if line.get_linestyle() == ":"]
        assert [line.get_xdata()[0] for line in vertical] == [best + 1]


def test_history_monitor_max_mode_skips_nan():
    fig = plot_history(HISTORY, metrics=["accuracy"], monitor="val_accuracy")
    star = [line for line in fig.axes[0].lines if line.get_marker() == "*"][0]
    assert star.get_xdata()[0] == 4  # 0.7 at index 3; the NaN at index 2 is ignored


def test_history_all_nan_validation_marks_nothing():
    fig = plot_history({"loss": [1.0, 0.5], "val_loss": [float("nan")] * 2})
    assert not [line for line in fig.axes[0].lines if line.get_marker() == "*"]


def test_history_log_scale_and_plain_dict_epoch_key():
    fig = plot_history({"loss": [1.0, 0.1], "epoch": [0, 1], "mae": [2.0, 1.0]}, log_loss=True)
    assert [ax.get_yscale() for ax in fig.axes] == ["log", "linear"]
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_xdata(), [1, 2])


def test_history_missing_metric_lists_keys():
    with pytest.raises(ValueError, match=r"\['f1'\].*'accuracy'.*'loss'"):
        plot_history(HISTORY, metrics=["loss", "f1"])
    with pytest.raises(ValueError, match="monitor 'val_f1'"):
        plot_history(HISTORY, monitor="val_f1")


def test_history_bad_inputs():
    with pytest.raises(ValueError, match="differ in length"):
        plot_history({"loss": [1.0, 0.5], "val_loss": [1.0]})
    with pytest.raises(TypeError, match="History"):
        plot_history([1.0, 2.0])
    with pytest.raises(ValueError, match="no metrics"):
        plot_history({})


def test_history_draws_into_given_axes():
    fig = Figure()
    axes = fig.subplots(1, 2)
    assert plot_history(HISTORY, metrics=["loss", "lr"], ax=axes) is fig
    np.testing.assert_array_equal(axes[1].lines[0].get_ydata(), HISTORY["lr"])
    with pytest.raises(ValueError, match="2 Axes for 1 metrics"):
        plot_history(HISTORY, metrics=["loss"], ax=axes)


# -------------------------------------------------------- decision boundary
def test_decision_boundary_multiclass_module_regions_equal_argmax():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 2))
    model = nn.Sequential(nn.Linear(2, 6, rng=2), nn.Tanh(), nn.Linear(6, 3, rng=3))
    labels = np.array(["cat", "dog", "eel"])
    y = labels[rng.integers(0, 3, 30)]
    fig = plot_decision_boundary(model, X, y, resolution=25, padding=0.2, discretize=True)
    with numnet.no_grad():
        expected = np.argmax(model(_grid(X, 25, 0.2)).data, axis=1).reshape(25, 25)
    np.testing.assert_array_equal(_classes_in_image(fig, 3), expected)
    legend = [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    assert legend == ["cat", "dog", "eel", "train"]
    with numnet.no_grad():
        accuracy = np.mean(labels[np.argmax(model(X).data, axis=1)] == y)
    assert fig.axes[0].get_title() == f"train accuracy {accuracy:.3f}"


def test_decision_boundary_rendered_pixels_show_predicted_class():
    # Logit x₁ − 0.3: class 1 (blue) right of x₁ = 0.3, class 0 (orange) left of it.
    X = np.array([[-2.0, -2.0], [2.0, 2.0], [-2.0, 2.0], [2.0, -2.0]])
    y = np.array([0, 1, 0, 1])
    fig = plot_decision_boundary(lambda X: X[:, :1] - 0.3, X, y, resolution=200, padding=0.1)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())[:, :, :3] / 255.0
    ax = fig.axes[0]
    orange, blue = np.asarray(class_colors(2))
    for point in ([-1.5, 0.0], [-0.5, 1.0], [1.0, 0.5], [1.8, -1.0]):
        logit = point[0] - 0.3
        p = 1.0 / (1.0 + np.exp(-logit))
        colour = blue if logit > 0 else orange
        strength = 0.15 + 0.75 * (max(p, 1 - p) - 0.5) / 0.5
        expected = 1.0 + (colour - 1.0) * strength
        column, row = ax.transData.transform(point)
        seen = pixels[int(round(fig.bbox.height - row)), int(round(column))]
        np.testing.assert_allclose(seen, expected, atol=0.03)


def test_decision_boundary_probability_column_threshold_and_test_points():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.2, 0.9], [0.6, 0.1]])
    y = np.array([-1, 1, -1, 1])  # class index 0 is -1, index 1 is +1; x₁ = 0.6 is misclassified

    def proba(X):
        return X[:, :1]

    fig = plot_decision_boundary(
        proba, X, y, output="proba", threshold=0.7, discretize=True, resolution=11, padding=0.0,
        X_test=np.array([[0.65, 0.5]]), y_test=np.array([1]),
    )  # fmt: skip
    expected = (_grid(X, 11, 0.0)[:, 0] > 0.7).reshape(11, 11)
    np.testing.assert_array_equal(_classes_in_image(fig, 2), expected)
    ax = fig.axes[0]
    assert ax.get_title() == "train accuracy 0.750, test accuracy 0.000"
    test_points = ax.collections[-1]
    np.testing.assert_array_equal(test_points.get_offsets(), [[0.65, 0.5]])


def test_decision_boundary_sklearn_estimator_uses_predict_proba():
    linear_model = pytest.importorskip("sklearn.linear_model")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    clf = linear_model.LogisticRegression().fit(X, y)
    fig = plot_decision_boundary(clf, X, y, resolution=15, discretize=True)
    expected = clf.predict(_grid(X, 15, 0.1)).reshape(15, 15)
    np.testing.assert_array_equal(_classes_in_image(fig, 2), expected)


def test_decision_boundary_evaluates_in_eval_mode_and_restores_mode():
    model = nn.Sequential(nn.Linear(2, 16, rng=0), nn.Dropout(0.5, rng=1), nn.Linear(16, 2, rng=2))
    X = np.random.default_rng(3).normal(size=(20, 2))
    y = np.arange(20) % 2
    first = plot_decision_boundary(model, X, y, resolution=12, discretize=True)
    second = plot_decision_boundary(model, X, y, resolution=12, discretize=True)
    assert all(module.training for module in model.modules())
    np.testing.assert_array_equal(_classes_in_image(first, 2), _classes_in_image(second, 2))
    model.eval()
    with numnet.no_grad():
        expected = np.argmax(model(_grid(X, 12, 0.1)).data, axis=1).reshape(12, 12)
    np.testing.assert_array_equal(_classes_in_image(first, 2), expected)


@pytest.mark.parametrize(
    ("X", "message"),
    [
        (np.zeros((5, 3)), r"shape \(n_samples, 2\).*\(5, 3\)"),
        (np.zeros(5), r"\(5,\)"),
        (np.array([[0.0, np.nan], [1.0, 1.0]]), "NaN"),
    ],
)
def test_decision_boundary_rejects_bad_X(X, message):
    with pytest.raises(ValueError, match=message):
        plot_decision_boundary(lambda X: X[:, :1], X, np.zeros(len(X)))


def test_decision_boundary_rejects_bad_labels_and_options():
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    model = nn.Linear(2, 2, rng=0)
    with pytest.raises(ValueError, match="3 labels for 2 points"):
        plot_decision_boundary(model, X, [0, 1, 1])
    with pytest.raises(ValueError, match="together"):
        plot_decision_boundary(model, X, [0, 1], X_test=X)
    with pytest.raises(ValueError, match=r"labels \[2\] not in classes"):
        plot_decision_boundary(model, X, [0, 2], classes=[0, 1])
    with pytest.raises(ValueError, match="resolution"):
        plot_decision_boundary(model, X, [0, 1], resolution=1)
    with pytest.raises(ValueError, match="output"):
        plot_decision_boundary(model, X, [0, 1], output="scores")
    with pytest.raises(ValueError, match="class index 1 but there are only 1"):
        plot_decision_boundary(lambda X: X, X, [0, 0])


def test_decision_boundary_legend_false_draws_no_legend_and_the_same_regions():
    rng = np.random.default_rng(4)
    X, X_test = rng.normal(size=(20, 2)), rng.normal(size=(6, 2))
    y, y_test = np.arange(20) % 2, np.arange(6) % 2
    model = nn.Sequential(nn.Linear(2, 4, rng=5), nn.Tanh(), nn.Linear(4, 2, rng=6))
    kwargs = {"X_test": X_test, "y_test": y_test, "resolution": 15, "discretize": True}
    with_legend = plot_decision_boundary(model, X, y, **kwargs)
    without = plot_decision_boundary(model, X, y, legend=False, **kwargs)
    assert without.axes[0].get_legend() is None
    legend = with_legend.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["0", "1", "train", "test"]
    np.testing.assert_array_equal(_classes_in_image(without, 2), _classes_in_image(with_legend, 2))
    assert without.axes[0].get_title() == with_legend.axes[0].get_title()
    with pytest.raises(TypeError, match="legend must be True or False, got 'no'"):
        plot_decision_boundary(model, X, y, legend="no")


# ---------------------------------------------------------------- regression
def test_regression_lines_equal_model_and_target():
    model = nn.Sequential(nn.Linear(1, 8, rng=0), nn.Tanh(), nn.Linear(8, 1, rng=1)).double()
    x = np.random.default_rng(0).uniform(0, 1, 40)
    fig = plot_regression_1d(model, x, seed002(x), target=seed002, resolution=101)
    target_line, model_line = fig.axes[0].lines
    grid = np.linspace(x.min(), x.max(), 101)
    with numnet.no_grad():
        predicted = model(grid[:, None]).data[:, 0]
    np.testing.assert_array_equal(model_line.get_xdata(), grid)
    np.testing.assert_allclose(model_line.get_ydata(), predicted, rtol=0, atol=1e-12)
    np.testing.assert_allclose(target_line.get_ydata(), seed002(grid))
    error = np.max(np.abs(predicted - seed002(grid)))
    assert model_line.get_label() == f"model (max |error| vs target {error:.3g})"
    np.testing.assert_array_equal(fig.axes[0].collections[0].get_offsets()[:, 1], seed002(x))


def test_regression_without_target_reports_error_on_data_and_uses_predict():
    x = np.linspace(-1.0, 1.0, 9)[:, None]
    y = x[:, 0] ** 2
    model = SimpleNamespace(predict=lambda X: 0.5 * X[:, 0])
    fig = plot_regression_1d(model, x, y, domain=(-2.0, 2.0), resolution=5)
    line = fig.axes[0].lines[-1]
    np.testing.assert_array_equal(line.get_xdata(), [-2.0, -1.0, 0.0, 1.0, 2.0])
    np.testing.assert_array_equal(line.get_ydata(), [-1.0, -0.5, 0.0, 0.5, 1.0])
    error = np.max(np.abs(0.5 * x[:, 0] - y))
    assert line.get_label() == f"model (max |error| vs data {error:.3g})"


def test_regression_bad_inputs():
    x = np.linspace(0, 1, 5)
    with pytest.raises(ValueError, match=r"x must have shape \(n,\) or \(n, 1\)"):
        plot_regression_1d(lambda X: X, np.zeros((5, 2)), x)
    with pytest.raises(ValueError, match="5 points but y has 4"):
        plot_regression_1d(lambda X: X, x, x[:4])
    with pytest.raises(ValueError, match="one value per point"):
        plot_regression_1d(lambda X: np.hstack([X, X]), x, x)
    with pytest.raises(ValueError, match="domain"):
        plot_regression_1d(lambda X: X, x, x, domain=(1.0, 0.0))


# ------------------------------------------------------------ gradient norms
def _deep_tanh(depth: int) -> nn.Sequential:
    layers = []
    for i in range(depth):
        layers += [nn.Linear(4, 4, rng=i), nn.Tanh()]
    return nn.Sequential(*layers, nn.Linear(4, 1, rng=depth))


def test_gradient_norms_equal_numpy_norms():
    model = _deep_tanh(5)
    model[2].bias.requires_grad = False  # frozen: no gradient, left out
    X = np.random.default_rng(0).normal(size=(8, 4))
    nn.MSELoss()(model(X), np.zeros((8, 1))).backward()
    norms = gradient_norms(model)
    expected = {
        name: np.linalg.norm(p.grad) for name, p in model.named_parameters() if p.grad is not None
    }
    assert "2.bias" not in norms and list(norms) == list(expected)
    assert len(norms) == 11
    for name, value in norms.items():
        assert value == pytest.approx(expected[name], rel=1e-6)


def test_gradient_norms_needs_backward_and_module():
    with pytest.raises(ValueError, match="backward"):
        gradient_norms(nn.Linear(2, 2, rng=0))
    with pytest.raises(TypeError, match="Module"):
        gradient_norms({"w": 1.0})


def test_plot_gradient_norms_lines_per_kind_over_layer_index():
    model = _deep_tanh(20)
    nn.MSELoss()(model(np.ones((3, 4))), np.zeros((3, 1))).backward()
    norms = gradient_norms(model)
    fig = plot_gradient_norms(model)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    weight, bias = ax.lines
    np.testing.assert_array_equal(weight.get_xdata(), np.arange(21))
    np.testing.assert_allclose(weight.get_ydata(), [norms[f"{2 * i}.weight"] for i in range(21)])
    np.testing.assert_allclose(bias.get_ydata(), [norms[f"{2 * i}.bias"] for i in range(21)])
    assert "layer index" in ax.get_xlabel()


def test_plot_gradient_norms_zero_norms_and_tick_names():
    norms = {"hidden.weight": 0.5, "hidden.bias": 0.0, "out.weight": 2.0, "out.bias": 1.0}
    ax = plot_gradient_norms(norms).axes[0]
    assert [line.get_label() for line in ax.lines] == ["weight", "bias (1 zero norms not shown)"]
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), [1])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0\nhidden", "1\nout"]
    linear = plot_gradient_norms(norms, log=False).axes[0]
    assert linear.get_yscale() == "linear"
    np.testing.assert_array_equal(linear.lines[1].get_ydata(), [0.0, 1.0])
    with pytest.raises(ValueError, match="finite"):
        plot_gradient_norms({"w": float("nan")})
    with pytest.raises(TypeError, match="dict of norms"):
        plot_gradient_norms([1.0])


def test_plot_gradient_norms_label_overlays_networks_in_one_legend():
    fig = Figure()
    ax = fig.add_subplot()
    networks = {"tanh": [1e-4, 1e-2, 1.0], "relu": [0.5, 0.6, 0.7]}
    for name, values in networks.items():
        norms = {f"{i}.weight": v for i, v in enumerate(values)}
        assert plot_gradient_norms(norms, ax=ax, title=None, label=name) is fig
    assert [line.get_label() for line in ax.lines] == ["tanh", "relu"]
    for line, values in zip(ax.lines, networks.values()):
        np.testing.assert_array_equal(line.get_ydata(), values)
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["tanh", "relu"]
    assert legend.get_title().get_text() == ""
    assert ax.lines[0].get_color() != ax.lines[1].get_color()


def test_plot_gradient_norms_label_with_several_kinds_and_zero_norms():
    norms = {"a.weight": 0.5, "a.bias": 0.0, "b.weight": 2.0, "b.bias": 1.0}
    ax = plot_gradient_norms(norms, label="net").axes[0]
    assert [line.get_label() for line in ax.lines] == [
        "net: weight", "net: bias (1 zero norms not shown)"
    ]  # fmt: skip
    default = plot_gradient_norms(norms).axes[0]
    assert default.get_legend().get_title().get_text() == "parameter"
    with pytest.raises(TypeError, match="label must be a str or None, got int"):
        plot_gradient_norms(norms, label=3)


# -------------------------------------------------------------------- saving
def test_save_is_atomic_png_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "sub" / "curves.png"
    plot_history(HISTORY, path=path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["curves.png"]
    if os.name == "posix":
        umask = os.umask(0)
        os.umask(umask)
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_failed_save_keeps_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "plot.notaformat"
    path.write_bytes(b"old")
    fig = plot_history({"loss": [1.0]})
    with pytest.raises(ValueError, match="notaformat"):
        save_figure(fig, path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["plot.notaformat"]


def test_every_plot_saves_to_path(tmp_path):
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    plot_decision_boundary(lambda X: X[:, :1] - 0.5, X, [0, 1], path=tmp_path / "a.png")
    plot_regression_1d(lambda X: X, [0.0, 1.0], [0.0, 1.0], path=tmp_path / "b.png")
    plot_gradient_norms({"0.weight": 1.0}, path=tmp_path / "c.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "b.png", "c.png"]


def test_import_does_not_touch_pyplot_or_backend():
    code = (
        "import sys, matplotlib\n"
        "before = dict.__getitem__(matplotlib.rcParams, 'backend')\n"
        "import numnet.plot\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
        "assert dict.__getitem__(matplotlib.rcParams, 'backend') == before\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
