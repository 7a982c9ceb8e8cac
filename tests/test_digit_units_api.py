"""POST /api/digits/explain and /api/digits/gradients over HTTP, on the served network and a run's."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from model.datasets import load_dataset
from model.unit_backward import gradients
from model.zoo import PRETRAINED_LENET5, load_model


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    with TestClient(create_app(Settings(runs_dir=tmp_path_factory.mktemp("runs"), train_threads=1))) as c:
        yield c


@pytest.fixture(scope="module")
def digit() -> list[list[float]]:
    return (load_dataset().test_images[1] / 255.0).tolist()


def test_a_units_activation_is_the_one_predict_shows(api, digit):
    shown = {a["name"]: np.array(a["values"]) for a in
             api.post("/api/digits/predict?activations=true", json={"pixels": digit}).json()["activations"]}
    for layer, unit in [("conv1", [4, 12, 9]), ("pool1", [2, 6, 6]), ("conv2", [11, 3, 5]), ("fc1", [17]),
                        ("fc3", [2])]:
        r = api.post("/api/digits/explain", json={"pixels": digit, "layer": layer, "unit": unit})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["activation"] == pytest.approx(shown[layer][tuple(unit)], abs=1e-4)  # predict rounds to 4 places
        assert body["pre_activation"] == pytest.approx(body["activation"], rel=1e-5, abs=1e-6)
        assert body["model"] == "pretrained" and body["gradient"]["layer"] == layer
        assert body["gradient"]["total"] == pytest.approx(body["gradient"]["grad"], rel=1e-3, abs=1e-12)


def test_the_gradients_have_every_layers_shape_and_the_engines_values(api, digit):
    r = api.post("/api/digits/gradients", json={"pixels": digit, "target": 4})
    assert r.status_code == 200, r.text
    body = r.json()
    net = load_model(PRETRAINED_LENET5)[0]
    expected = gradients(net, np.array(digit) * 255.0, 4)
    assert body["target"] == 4 and body["loss"] == pytest.approx(expected.loss)
    assert [(layer["name"], layer["shape"]) for layer in body["layers"]] == [
        (info.name, list(info.output_shape)) for info in net.summary()]
    for layer in body["layers"]:
        np.testing.assert_allclose(layer["grad"], expected.layer_grads[layer["name"]], rtol=1e-6, atol=1e-12)
    assert np.array(body["input_grad"]).shape == (28, 28)
    assert [(w["layer"], w["shape"]) for w in body["weight_grads"]] == [("conv1", [6, 1, 5, 5]), ("conv2", [16, 6, 5, 5])]
    assert sum(body["probabilities"]) == pytest.approx(1.0)


def test_the_top_guess_is_the_default_target(api, digit):
    top = api.post("/api/digits/predict", json={"pixels": digit}).json()["digit"]
    assert api.post("/api/digits/gradients", json={"pixels": digit}).json()["target"] == top


@pytest.mark.parametrize("body,status,words", [
    ({"layer": "conv7", "unit": [0, 0, 0]}, 422, "unknown layer 'conv7'; expected one of conv1"),
    ({"layer": "conv2", "unit": [16, 0, 0]}, 422, "conv2's channel must be 0..15, got 16"),
    ({"layer": "fc2", "unit": [0, 0]}, 422, "fc2's output has shape [84]: give the unit as [index]"),
    ({"layer": "conv1", "unit": [0, 0, 0], "target": 10}, 422, "less than or equal to 9"),
    ({"layer": "conv1", "unit": [0, 0, 0], "run_id": "0123456789ab"}, 404, "no run with id"),
    ({"layer": "conv1", "unit": [0, 0, 0], "run_id": "../etc"}, 422, "run_id"),
])
def test_bad_requests_say_what_was_expected(api, digit, body, status, words):
    r = api.post("/api/digits/explain", json={"pixels": digit, **body})
    assert r.status_code == status and words in r.text, r.text


def test_pixels_of_the_wrong_shape_or_an_empty_drawing_are_422s(api):
    assert "28" in api.post("/api/digits/gradients", json={"pixels": [[0.5] * 27] * 28}).text
    r = api.post("/api/digits/gradients", json={"pixels": [[0.0] * 28] * 28})
    assert r.status_code == 422 and "draw a digit first" in r.json()["detail"]


def test_a_runs_weights_answer_when_it_is_named(tmp_path: Path, digit):
    with TestClient(create_app(Settings(runs_dir=tmp_path / "runs", train_threads=1))) as api:
        run_id = api.post("/api/runs", json={"train_size": 64, "epochs": 1}).json()["id"]
        assert api.post("/api/digits/gradients", json={"pixels": digit, "run_id": run_id}).status_code in (200, 409)
        deadline = time.monotonic() + 60
        while api.get(f"/api/runs/{run_id}").json()["status"] not in ("completed", "failed"):
            assert time.monotonic() < deadline, "the run did not finish in a minute"
            time.sleep(0.1)
        assert api.get(f"/api/runs/{run_id}").json()["status"] == "completed"
        ours = api.post("/api/digits/explain", json={"pixels": digit, "layer": "fc3", "unit": [0], "run_id": run_id})
        served = api.post("/api/digits/explain", json={"pixels": digit, "layer": "fc3", "unit": [0]})
        assert ours.status_code == 200 and ours.json()["model"] == f"run:{run_id}"
        assert ours.json()["activation"] != pytest.approx(served.json()["activation"])  # 64 images: other weights


def test_a_finite_difference_check_agrees_where_the_loss_is_smooth(api, digit):
    for body in [{"what": "weight", "layer": "conv1", "index": [2, 0, 1, 3]},
                 {"what": "weight", "layer": "fc2", "index": [5, 17]}]:
        r = api.post("/api/digits/gradient-check", json={"pixels": digit, "target": 3, **body})
        assert r.status_code == 200, r.text
        c = r.json()
        assert c["relative_error"] < 1e-6 and c["analytic"] == pytest.approx(c["numeric"], rel=1e-6, abs=1e-12)
        assert c["slope_up"] == pytest.approx(c["slope_down"], rel=1e-4, abs=1e-9) and c["target"] == 3


def test_the_check_of_an_input_pixel_agrees_or_shows_the_kink(api, digit):
    """Where the loss is smooth the two agree; where a max-pool tie or a ReLU at 0 puts a kink,
    the one-sided slopes differ, and the check says so rather than pretend."""
    grads = np.array(api.post("/api/digits/gradients", json={"pixels": digit, "target": 3}).json()["input_grad"])
    strongest = np.argsort(-np.abs(grads).ravel())[:6]
    agreed = 0
    for flat in strongest:
        y, x = divmod(int(flat), 28)
        c = api.post("/api/digits/gradient-check", json={"pixels": digit, "target": 3, "what": "input",
                                                        "index": [0, y, x]}).json()
        assert c["analytic"] == pytest.approx(grads[y, x], rel=1e-3)  # float64 against the float32 engine
        if c["relative_error"] < 1e-6:
            agreed += 1
        else:
            assert abs(c["slope_up"] - c["slope_down"]) > 1e-3 * abs(c["analytic"]), c
    assert agreed >= 1


@pytest.mark.parametrize("body,words", [
    ({"what": "weight", "layer": "pool1", "index": [0]}, "layer must be one with weights: conv1, conv2, fc1"),
    ({"what": "weight", "layer": "conv1", "index": [6, 0, 0, 0]}, "conv1.weight's"),
    ({"what": "input", "index": [0, 28, 0]}, "the input's row must be 0..27, got 28"),
    ({"what": "bias", "index": [0]}, "'input' or 'weight'"),
])
def test_a_check_of_something_not_there_says_what_is(api, digit, body, words):
    r = api.post("/api/digits/gradient-check", json={"pixels": digit, **body})
    assert r.status_code == 422 and words in r.text, r.text
