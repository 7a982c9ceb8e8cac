"""POST /api/networks and GET /api/networks/presets over HTTP, and a network of your own trained by
POST /api/runs, then answering on /api/digits: limits from the settings, errors that name the layer."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from model.datasets import load_dataset
from model.imports import read_arrays
from model.presets import PRESETS
from model.torch_code import layers_from_code

SMALL = [{"kind": "conv", "channels": 4, "kernel": 5}, {"kind": "batchnorm"}, {"kind": "relu"},
         {"kind": "maxpool", "kernel": 2}, {"kind": "flatten"}, {"kind": "dropout", "p": 0.2},
         {"kind": "linear", "features": 10}]


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    settings = Settings(runs_dir=tmp_path_factory.mktemp("runs"), train_threads=1, max_network_layers=14,
                        max_network_channels=64, max_network_params=500_000, max_network_macs=5_000_000)
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_presets_are_planned_layer_by_layer(api):
    presets = api.get("/api/networks/presets").json()
    assert [p["name"] for p in presets] == list(PRESETS)
    lenet = api.post("/api/networks", json={"layers": presets[0]["layers"]}).json()
    assert lenet["params"] == 61_684 and lenet["input_shape"] == [1, 28, 28]
    assert [row["name"] for row in lenet["layers"]][:4] == ["conv1", "relu1", "pool1", "conv2"]
    conv2 = lenet["layers"][3]
    assert conv2["output_shape"] == [16, 10, 10] and conv2["formula"] == "16*6*5*5 = 2,400"
    assert conv2["macs"] == 2400 * 100 and conv2["receptive_field"] == 14
    assert lenet["layers"][-1]["receptive_field"] == 28  # a fully connected unit sees everything
    assert lenet["limits"] == {"layers": 14, "channels": 64, "params": 500_000, "macs": 5_000_000}
    modern = api.post("/api/networks", json={"layers": PRESETS["modern-small"]["layers"]}).json()
    bn1 = modern["layers"][1]
    assert (bn1["name"], bn1["type"], bn1["params"], bn1["formula"]) == ("bn1", "BatchNorm2d", 64, "2*32 = 64")


@pytest.mark.parametrize("layers,words", [
    ([{"kind": "conv", "channels": 65, "kernel": 3}, {"kind": "flatten"}, {"kind": "linear", "features": 10}],
     "conv1: at most 64 channels per conv layer are allowed here, got 65"),
    ([{"kind": "relu"}] * 14 + [{"kind": "flatten"}, {"kind": "linear", "features": 10}],
     "at most 14 layers are allowed here; this network has 16"),
    ([{"kind": "flatten"}, {"kind": "linear", "features": 700}, {"kind": "linear", "features": 10}],
     "at most 500,000 parameters are allowed here; this network has 556,510"),
    ([{"kind": "conv", "channels": 16, "kernel": 5, "padding": 2}, {"kind": "conv", "channels": 16, "kernel": 5,
      "padding": 2}, {"kind": "maxpool", "kernel": 4}, {"kind": "flatten"}, {"kind": "linear", "features": 10}],
     "at most 5,000,000 multiply-adds per image are allowed here; this network needs 5,339,040"),  # 400 + 6,400 per pixel
    ([{"kind": "conv", "channels": 6, "kernel": 5}, {"kind": "maxpool", "kernel": 2}, {"kind": "conv", "channels": 6,
      "kernel": 5}, {"kind": "maxpool", "kernel": 2}, {"kind": "conv", "channels": 6, "kernel": 5}],
     "conv3: a 5x5 kernel does not fit the 4x4 maps from pool2"),
    ([{"kind": "flatten"}, {"kind": "linear", "features": 7}],
     "the last layer must give 10 numbers, one score per class; fc1 gives 7 numbers"),
    ([{"kind": "linear", "features": 10}], "fc1: a linear layer needs a flat input, but the input gives 1 map of "
                                            "28x28; add a flatten layer before it"),
    ([{"kind": "dropout", "p": 1}], "p must be less than 1"),
    ([{"kind": "batchnorm", "eps": 1}], "eps"),
])
def test_a_network_that_cannot_be_built_or_is_too_big_says_why(api, layers, words):
    r = api.post("/api/networks", json={"layers": layers})
    assert r.status_code == 422 and words in r.json()["detail"], r.text
    run = api.post("/api/runs", json={"layers": layers, "train_size": 64, "epochs": 1})
    assert run.status_code == 422 and words in run.json()["detail"], run.text


def test_a_custom_model_needs_its_layers(api):
    r = api.post("/api/runs", json={"model": "custom", "train_size": 64})
    assert r.status_code == 422 and "a custom model needs its layers" in r.text


def test_your_own_network_trains_and_then_answers_and_explains(tmp_path: Path):
    with TestClient(create_app(Settings(runs_dir=tmp_path / "runs", train_threads=1))) as api:
        created = api.post("/api/runs", json={"layers": SMALL, "train_size": 500, "epochs": 2, "seed": 4})
        assert created.status_code == 201 and created.json()["config"]["model"] == "custom"
        assert created.json()["config"]["layers"][5] == {"kind": "dropout", "p": 0.2}
        run_id = created.json()["id"]
        deadline = time.monotonic() + 90
        while (status := api.get(f"/api/runs/{run_id}").json())["status"] not in ("completed", "failed"):
            assert time.monotonic() < deadline, "the run did not finish in 90 s"
            time.sleep(0.1)
        assert status["status"] == "completed" and status["test_accuracy"] > 0.5, status
        digit = load_dataset().test_images[0].tolist()
        for layer, unit in [("bn1", [2, 5, 7]), ("dropout1", [100]), ("fc1", [7])]:
            e = api.post("/api/digits/explain", json={"pixels": digit, "run_id": run_id, "layer": layer, "unit": unit})
            assert e.status_code == 200, e.text
            assert e.json()["activation"] == pytest.approx(e.json()["pre_activation"], rel=1e-5, abs=1e-6)
        assert api.post("/api/digits/explain", json={"pixels": digit, "run_id": run_id, "layer": "bn1",
                                                     "unit": [0, 0, 0]}).json()["normalised"]["eps"] == 1e-5
        code = api.get(f"/api/runs/{run_id}/export/pytorch")
        assert code.status_code == 200 and layers_from_code(code.text)[0][:2] == [
            {"kind": "conv", "channels": 4, "kernel": 5, "stride": 1, "padding": 0, "dilation": 1, "bias": True},
            {"kind": "batchnorm"}]
        arrays, meta = read_arrays(api.get(f"/api/runs/{run_id}/export/safetensors").content, "run.safetensors")
        assert [layer["kind"] for layer in meta["layers"]] == [layer["kind"] for layer in SMALL]
        assert arrays["bn1.running_var"].shape == (4,)
        assert api.get("/api/runs/0123456789ab/export/pytorch").status_code == 404
        assert api.post(f"/api/runs/{run_id}/activate").json()["architecture"] == "custom"
        served = api.get("/api/model").json()
        assert [row["name"] for row in served["layers"]] == ["conv1", "bn1", "relu1", "pool1", "flatten", "dropout1",
                                                           "fc1"]
        assert api.post("/api/digits/predict", json={"pixels": digit}).status_code == 200
