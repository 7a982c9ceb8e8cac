"""GET /api/model and the committed pretrained weights."""

from __future__ import annotations

import json

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.model_state import ModelLoadError
from app.settings import Settings
from model.datasets import load_dataset
from model.training import evaluate
from model.zoo import PRETRAINED_LENET5, load_model


def test_model_endpoint_lists_lenet5_layers(client):
    body = client.get("/api/model").json()
    assert body["architecture"] == "lenet5" and body["source"] == "pretrained"
    assert body["total_params"] == 61_684
    layers = {row["name"]: row for row in body["layers"]}
    assert list(layers) == ["conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "flatten", "fc1", "relu3",
                            "fc2", "relu4", "fc3"]
    assert layers["conv1"]["output_shape"] == [6, 28, 28] and layers["conv1"]["params"] == 150
    assert layers["conv2"]["type"] == "Conv2d" and layers["conv2"]["params"] == 2_400
    assert layers["fc1"]["params"] == 48_120 and layers["pool2"]["output_shape"] == [16, 5, 5]
    assert body["test_accuracy"] >= 0.99
    assert body["trained_with"].startswith("convscope train")
    assert 0 < body["normalization"]["mean"] < 1


def test_model_endpoint_is_in_the_openapi_schema(client):
    schema = client.get("/openapi.json").json()
    assert "/api/model" in schema["paths"]
    assert "ModelInfo" in schema["components"]["schemas"]


def test_app_refuses_to_start_without_weights(tmp_path):
    app = create_app(Settings(weights_path=tmp_path / "missing.npz", runs_dir=tmp_path / "runs"))
    with pytest.raises(ModelLoadError, match="missing.npz"):
        with TestClient(app):
            pass


def test_committed_weights_score_at_least_99_percent():
    """The pretrained LeNet-5 on all 10,000 MNIST test images, recomputed here, not read from the sidecar."""
    model, meta = load_model(PRETRAINED_LENET5)
    ds = load_dataset()
    result = evaluate(model, ds.test_images, ds.test_labels)
    acc, cm = result.accuracy, result.confusion
    assert acc >= 0.990
    assert cm.sum() == 10_000
    sidecar = json.loads(PRETRAINED_LENET5.with_suffix(".json").read_text())
    assert sidecar["test_accuracy"] == pytest.approx(acc, abs=1e-4)
    assert {"command", "seed", "epochs", "wall_seconds", "normalization"} <= set(sidecar)
    assert np.isclose(model.input_mean, sidecar["normalization"]["mean"])


def test_back_to_the_pretrained_weights(client):
    client.cookies.set("convscope_network", "run:0123456789ab")  # as POST /api/runs/{id}/activate sets it
    r = client.post("/api/model/pretrained")
    body = r.json()
    assert body["source"] == "pretrained" and body["total_params"] == 61_684
    assert r.cookies["convscope_network"] == "pretrained"
    assert client.get("/api/model").json()["source"] == "pretrained"
