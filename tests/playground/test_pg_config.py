"""Config validation and normalization of the playground, and CSV upload parsing."""

import math

import numpy as np
import pytest

from numnet.playground.config import (
    DEFAULTS,
    FEATURE_NAMES,
    ConfigError,
    n_train_points,
    normalize_config,
)
from numnet.playground.upload import MAX_UPLOAD_ROWS, parse_csv


def test_defaults_follow_the_contract():
    config = normalize_config({})
    assert config == DEFAULTS
    regression = normalize_config({"problem": "regression"})
    assert regression["dataset"] == "plane" and regression["n_samples"] == 1200


def test_normalization_canonical_order_and_repeated_activation():
    config = normalize_config(
        {"features": ["sin_x2", "x1", "x1"], "hidden": [8, 8, 8], "activations": "relu"}
    )
    assert config["features"] == ["x1", "sin_x2"]
    assert config["activations"] == ["relu"] * 3
    assert list(config) == list(DEFAULTS)


def test_patch_merges_into_base_and_adapts_activations():
    base = normalize_config({"hidden": [4, 4], "activations": ["relu", "elu"]})
    grown = normalize_config({"hidden": [4, 4, 2]}, base)
    assert grown["activations"] == ["relu", "elu", "elu"]
    shrunk = normalize_config({"hidden": [3]}, base)
    assert shrunk["activations"] == ["relu"]
    switched = normalize_config({"problem": "regression"}, base)
    assert switched["dataset"] == "plane" and switched["n_samples"] == 1200
    assert base["hidden"] == [4, 4]  # the base is not modified


@pytest.mark.parametrize(
    "patch, words",
    [
        ({"hidden": "4"}, ["hidden", "'4'", "string"]),
        ({"hidden": [4, 0]}, ["hidden[1]", "1 to 64"]),
        ({"hidden": [4] * 11}, ["hidden", "0 to 10"]),
        ({"hidden": [65]}, ["hidden[0]", "65"]),
        ({"noise": 51}, ["noise", "0 to 50", "51"]),
        ({"noise": "5"}, ["noise", "string"]),
        ({"noise": 2.5}, ["noise", "2.5"]),
        ({"train_ratio": 95}, ["train_ratio", "10 to 90"]),
        ({"n_samples": 10}, ["n_samples", "50 to 2000"]),
        ({"batch_size": 0}, ["batch_size"]),
        ({"batch_size": 501}, ["batch_size"]),
        ({"batch_size": True}, ["batch_size", "boolean"]),
        ({"n_samples": 50, "train_ratio": 10, "batch_size": 10}, ["batch_size", "(5)"]),
        ({"features": []}, ["features", "non-empty"]),
        ({"features": ["x3"]}, ["features", "'x3'"]),
        ({"features": "x1"}, ["features"]),
        ({"activations": ["tanh"]}, ["activations", "one name per hidden layer"]),
        ({"activations": "swish"}, ["activations", "swish"]),
        ({"problem": "ranking"}, ["problem", "ranking"]),
        ({"dataset": "moons"}, ["dataset", "moons"]),
        ({"problem": "regression", "dataset": "spiral"}, ["dataset", "spiral"]),
        ({"problem": "regression", "loss": "cross_entropy"}, ["loss", "cross_entropy"]),
        ({"dataset": "upload"}, ["upload", "CSV"]),
        ({"optimizer": "rmsprop"}, ["optimizer", "rmsprop"]),
        ({"learning_rate": 0}, ["learning_rate", "0"]),
        ({"learning_rate": 11}, ["learning_rate"]),
        ({"learning_rate": float("nan")}, ["learning_rate", "nan"]),
        ({"momentum": 1.0}, ["momentum"]),
        ({"regularization": "l3"}, ["regularization"]),
        ({"reg_rate": -1}, ["reg_rate"]),
        ({"dropout": 0.95}, ["dropout"]),
        ({"batch_norm": "yes"}, ["batch_norm", "true or false"]),
        ({"batch_norm": True, "batch_size": 1}, ["batch_norm", "batch_size"]),
        ({"seed": -1}, ["seed"]),
        ({"data_seed": 2**31}, ["data_seed"]),
        ({"epoch_limit": 0}, ["epoch_limit"]),
        ({"stop_loss": 0}, ["stop_loss", "(0"]),
        ({"discretize": 1}, ["discretize"]),
        ({"show_test": None}, ["show_test", "null"]),
        ({"colour": "red", "size": 1}, ["unknown", "'colour'", "'size'", "known fields", "seed"]),
    ],
)
def test_each_bad_field_is_named(patch, words):
    with pytest.raises(ConfigError) as info:
        normalize_config(patch)
    for word in words:
        assert word in str(info.value), (word, str(info.value))
    assert info.value.status == 400


@pytest.mark.parametrize("value", [[1, 2], "config", 3, None])
def test_config_must_be_an_object(value):
    with pytest.raises(ConfigError, match="JSON object"):
        normalize_config(value)


def test_batch_size_carried_over_is_clamped_but_sent_is_checked():
    base = normalize_config({"batch_size": 100})
    smaller = normalize_config({"n_samples": 100, "train_ratio": 50}, base)
    assert smaller["batch_size"] == 50 == n_train_points(smaller)
    with pytest.raises(ConfigError, match="at most the number of training points"):
        normalize_config({"batch_size": 60}, smaller)


def test_integral_floats_and_nullable_fields():
    config = normalize_config({"noise": 10.0, "epoch_limit": 5, "stop_loss": 0.05})
    assert config["noise"] == 10 and isinstance(config["noise"], int)
    back = normalize_config({"epoch_limit": None, "stop_loss": None}, config)
    assert back["epoch_limit"] is None and back["stop_loss"] is None


hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies
_values = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
    st.lists(st.one_of(st.integers(-3, 80), st.sampled_from(FEATURE_NAMES + ("tanh", "x"))),
             max_size=12),
)  # fmt: skip


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(st.dictionaries(st.sampled_from(list(DEFAULTS) + ["bogus"]), _values))
def test_random_configs_are_normalized_or_refused_with_config_error(patch):
    try:
        config = normalize_config(patch)
    except ConfigError as error:
        assert str(error)
        return
    assert set(config) == set(DEFAULTS)
    assert 1 <= config["batch_size"] <= n_train_points(config)
    assert len(config["activations"]) == len(config["hidden"])
    assert all(math.isfinite(config[k]) for k in ("learning_rate", "momentum", "reg_rate"))


# ----------------------------------------------------------------------------- upload
def test_upload_with_header_string_labels_and_rescaling():
    text = "x,y,label\n10,0,cat\n20,4,dog\n30,2,cat\n"
    up = parse_csv(text.encode(), "classification")
    assert up.classes == ["cat", "dog"]
    assert up.y.tolist() == [-1.0, 1.0, -1.0]
    # centred box [10, 30] x [0, 4], one factor 5 / 10 for both axes
    assert np.allclose(up.X, [[-5, -1], [0, 1], [5, 0]])


def test_upload_numeric_labels_sorted_numerically_and_regression():
    up = parse_csv(b"0,0,10\n1,1,9\n2,2,10\n", "classification")
    assert up.y.tolist() == [1.0, -1.0, 1.0]  # 9 < 10 numerically (not as text)
    reg = parse_csv(b"\xef\xbb\xbf0,0,0.5\n1,1,-2\n", "regression")  # with a BOM
    assert reg.y.tolist() == [0.5, -2.0]


@pytest.mark.parametrize(
    "payload, problem, status, words",
    [
        (b"1,2,a\n3,4\n", "classification", 400, ["line 2", "3 columns", "got 2"]),
        (b"x1,x2,l\n1,2,a\n3,abc,b\n", "classification", 400, ["line 3", "x2", "'abc'"]),
        (b"1,2,a\nnan,4,b\n", "classification", 400, ["line 2", "x1", "finite"]),
        (b"1,2,a\n3,inf,b\n", "classification", 400, ["line 2", "x2", "finite"]),
        (b"1,2,a\n3,4,a\n", "classification", 400, ["two distinct labels", "1"]),
        (b"1,2,a\n3,4,b\n5,6,c\n", "classification", 400, ["two distinct labels", "3"]),
        (b"1,2,0.5\n3,4,high\n", "regression", 400, ["line 2", "'high'", "numeric"]),
        (b"1,2,0.5\n3,4,nan\n", "regression", 400, ["line 2", "finite"]),
        (b"", "classification", 400, ["empty"]),
        (b"x1,x2,label\n\n", "classification", 400, ["empty"]),
        (b"1,2,\xff\xfe\n", "classification", 400, ["UTF-8"]),
        (b"1,2,a\n", "classification", 400, ["only 1 row"]),
        (b"1,2,3\n" * (MAX_UPLOAD_ROWS + 1), "regression", 413, ["5001 rows", "5000"]),
        (b"1" * 1_000_001, "regression", 413, ["bytes"]),
    ],
)
def test_bad_uploads_name_the_problem(payload, problem, status, words):
    with pytest.raises(ConfigError) as info:
        parse_csv(payload, problem)
    assert info.value.status == status
    for word in words:
        assert word in str(info.value), (word, str(info.value))
