"""Training runs over HTTP and WebSocket, with short real runs on MNIST subsets."""

from __future__ import annotations

import base64
import io
import json
import time
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.main import create_app
from app.settings import Settings
from tests.distributed.modes import MODES, app_in
from model.checkpoint import load_checkpoint
from model.zoo import lenet5

SMALL = {"train_size": 640, "epochs": 2}


@pytest.fixture
def runs_dir(tmp_path: Path) -> Path:
    return tmp_path / "runs"


@pytest.fixture(params=MODES)
def api(request: pytest.FixtureRequest, runs_dir: Path):
    """The app in either mode (tests/distributed/modes.py): these tests hold for both."""
    with app_in(request.param, request, runs_dir, train_threads=1) as client:
        yield client


def _messages_until(ws, stop_types=("done", "error"), limit=5000) -> list[dict]:
    seen = []
    for _ in range(limit):
        message = json.loads(ws.receive_text())
        seen.append(message)
        if message["type"] in stop_types:
            return seen
    raise AssertionError(f"no {stop_types} among {len(seen)} messages")


def _wait_status(api: TestClient, run_id: str, wanted: set[str], timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = api.get(f"/api/runs/{run_id}").json()
        if body["status"] in wanted:
            return body
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} never reached {wanted}; last: {body['status']}")


def test_a_run_streams_every_kind_of_message_and_keeps_its_history(api):
    created = api.post("/api/runs", json=SMALL)
    assert created.status_code == 201
    run_id = created.json()["id"]
    with api.websocket_connect(f"/ws/runs/{run_id}") as ws:
        messages = _messages_until(ws)
    kinds = [m["type"] for m in messages]
    assert kinds[0] == "snapshot" and kinds[-1] == "done"
    assert {"batch", "weights", "activations", "epoch", "status"} <= set(kinds)
    assert messages[0]["run"]["config"]["train_size"] == 640
    batch = next(m for m in messages if m["type"] == "batch")
    assert {"step", "loss", "smoothed_loss", "accuracy", "images_per_sec", "eta_seconds"} <= set(batch)
    epochs = [m for m in messages if m["type"] == "epoch"]
    assert [e["epoch"] for e in epochs] == [1, 2]
    assert np.array(epochs[-1]["confusion"]).sum() == 10_000
    wrong = epochs[-1]["misclassified"][0]
    assert len(base64.b64decode(wrong["data"])) == 784 and wrong["label"] != wrong["predicted"]
    weights = next(m for m in messages if m["type"] == "weights")
    conv1 = next(layer for layer in weights["layers"] if layer["name"] == "conv1")
    assert conv1["shape"] == [6, 1, 5, 5] and len(base64.b64decode(conv1["data"])) == 150
    acts = next(m for m in messages if m["type"] == "activations")
    names = [layer["name"] for layer in acts["layers"]]
    assert names[:3] == ["conv1", "relu1", "pool1"] and names[-1] == "fc3"
    assert messages[-1]["status"] == "completed"

    detail = api.get(f"/api/runs/{run_id}").json()
    assert detail["status"] == "completed" and detail["epochs_done"] == 2
    assert [h["epoch"] for h in detail["history"]] == [1, 2]
    last_batch = [m for m in messages if m["type"] == "batch"][-1]  # the epoch's last batch is always sent
    assert detail["history"][-1]["lr"] == last_batch["lr"] < messages[0]["run"]["config"]["lr"]  # where the schedule ended
    assert detail["history"][-1]["smoothed_loss"] == last_batch["smoothed_loss"]
    assert detail["test_accuracy"] == epochs[-1]["test_accuracy"]
    assert run_id in [r["id"] for r in api.get("/api/runs").json()]

    weights_file = api.get(f"/api/runs/{run_id}/weights")
    assert weights_file.status_code == 200
    with np.load(io.BytesIO(weights_file.content), allow_pickle=False) as data:
        assert data["conv1.weight"].shape == (6, 1, 5, 5)
    activated = api.post(f"/api/runs/{run_id}/activate").json()
    assert activated["source"] == f"run:{run_id}"
    assert api.get("/api/model").json()["source"] == f"run:{run_id}"


def test_pause_resume_and_stop_a_running_run(api):
    run_id = api.post("/api/runs", json={"train_size": 60_000, "epochs": 3}).json()["id"]
    with api.websocket_connect(f"/ws/runs/{run_id}") as ws:
        _messages_until(ws, ("batch",))
        assert api.post(f"/api/runs/{run_id}/pause").status_code == 200
        statuses = [m["status"] for m in _messages_until(ws, ("status",)) if m["type"] == "status"]
        while statuses[-1] != "paused":
            statuses += [m["status"] for m in _messages_until(ws, ("status",)) if m["type"] == "status"]
        assert _wait_status(api, run_id, {"paused"})["status"] == "paused"
        assert api.post(f"/api/runs/{run_id}/pause").status_code == 200  # pausing twice is harmless
        assert api.post(f"/api/runs/{run_id}/resume").status_code == 200
        assert _wait_status(api, run_id, {"running"})["status"] == "running"
        assert api.post(f"/api/runs/{run_id}/resume").status_code == 409  # already running
        assert api.post(f"/api/runs/{run_id}/stop").status_code == 200
        done = _messages_until(ws)[-1]
    assert done["type"] == "done" and done["status"] == "stopped"
    assert _wait_status(api, run_id, {"stopped"})["status"] == "stopped"


def test_finished_runs_refuse_commands_with_409(api):
    run_id = api.post("/api/runs", json={"train_size": 64, "epochs": 1}).json()["id"]
    _wait_status(api, run_id, {"completed"})
    for command in ("pause", "stop", "resume"):
        r = api.post(f"/api/runs/{run_id}/{command}")
        assert r.status_code == 409 and "completed" in r.json()["detail"]


def test_queue_positions_and_stopping_a_queued_run(api):
    first = api.post("/api/runs", json={"train_size": 60_000, "epochs": 5}).json()
    # Embedded, the run starts as it is made; distributed, once a worker takes it from the queue.
    assert _wait_status(api, first["id"], {"running"})["status"] == "running"
    second = api.post("/api/runs", json=SMALL).json()
    third = api.post("/api/runs", json=SMALL).json()
    assert (second["status"], second["position"]) == ("queued", 1)
    assert (third["status"], third["position"]) == ("queued", 2)
    assert api.post(f"/api/runs/{second['id']}/stop").json()["status"] == "stopped"
    assert api.get(f"/api/runs/{third['id']}").json()["position"] == 1
    api.post(f"/api/runs/{first['id']}/stop")
    assert _wait_status(api, third["id"], {"running", "completed"})["status"] in ("running", "completed")
    api.post(f"/api/runs/{third['id']}/stop")


def test_many_viewers_each_get_every_epoch(api):
    run_id = api.post("/api/runs", json=SMALL).json()["id"]
    sockets = [api.websocket_connect(f"/ws/runs/{run_id}") for _ in range(3)]
    try:
        viewers = [s.__enter__() for s in sockets]
        for ws in viewers:
            messages = _messages_until(ws)
            in_snapshot = [h["epoch"] for h in messages[0]["run"]["history"]]  # a late viewer's head start
            streamed = [m["epoch"] for m in messages if m["type"] == "epoch"]
            assert sorted(set(in_snapshot) | set(streamed)) == [1, 2]
    finally:
        for s in sockets:
            s.__exit__(None, None, None)


def test_restart_marks_runs_interrupted_and_resume_continues_from_the_checkpoint(runs_dir):
    settings = Settings(runs_dir=runs_dir, train_threads=1)
    with TestClient(create_app(settings)) as api:
        run_id = api.post("/api/runs", json={"train_size": 3000, "epochs": 4}).json()["id"]
        with api.websocket_connect(f"/ws/runs/{run_id}") as ws:
            _messages_until(ws, ("epoch",))
    # the server stopped mid-run ("SIGTERM"); a new one starts on the same folder
    with TestClient(create_app(settings)) as api:
        body = api.get(f"/api/runs/{run_id}").json()
        assert body["status"] == "interrupted" and body["epochs_done"] >= 1
        done_before = body["epochs_done"]
        assert api.post(f"/api/runs/{run_id}/resume").status_code == 200
        with api.websocket_connect(f"/ws/runs/{run_id}") as ws:
            messages = _messages_until(ws)
        resumed_epochs = [m["epoch"] for m in messages if m["type"] == "epoch"]
        assert resumed_epochs and resumed_epochs[0] == done_before + 1 and resumed_epochs[-1] == 4
        final = api.get(f"/api/runs/{run_id}").json()
        assert final["status"] == "completed" and [h["epoch"] for h in final["history"]] == [1, 2, 3, 4]


def test_a_killed_worker_fails_the_run_and_keeps_its_checkpoint(runs_dir):
    # Embedded only: in the distributed mode a killed worker's run is resumed by another worker
    # (tests/distributed/test_distributed_faults.py).
    with TestClient(create_app(Settings(runs_dir=runs_dir, train_threads=1))) as api:
        _killed_worker_fails_the_run(api, runs_dir)


def _killed_worker_fails_the_run(api, runs_dir):
    run_id = api.post("/api/runs", json={"train_size": 3000, "epochs": 20}).json()["id"]
    with api.websocket_connect(f"/ws/runs/{run_id}") as ws:
        _messages_until(ws, ("epoch",))
        api.app.state.runs._live[run_id].process.kill()  # mid-epoch 2
        error = _messages_until(ws)[-1]
    assert error["type"] == "error" and "ended unexpectedly" in error["message"]
    assert _wait_status(api, run_id, {"failed"})["error"].startswith("the training process ended")
    model = lenet5()
    meta = load_checkpoint(runs_dir / run_id / "checkpoint.npz", model)  # whole, and loadable
    assert meta["epoch"] >= 1
    assert api.get("/api/health").status_code == 200
    assert api.post(f"/api/runs/{run_id}/resume").status_code == 200  # failed runs can resume
    api.post(f"/api/runs/{run_id}/stop")


def test_delete_removes_the_run_and_its_files(api, runs_dir):
    run_id = api.post("/api/runs", json={"train_size": 64, "epochs": 1}).json()["id"]
    _wait_status(api, run_id, {"completed"})
    assert (runs_dir / run_id).is_dir()
    assert api.delete(f"/api/runs/{run_id}").status_code == 204
    assert api.get(f"/api/runs/{run_id}").status_code == 404
    assert not (runs_dir / run_id).exists()


UNKNOWN = "0123456789ab"  # a run id in the right form that no run has


@pytest.mark.parametrize("path", [f"/api/runs/{UNKNOWN}", f"/api/runs/{UNKNOWN}/weights"])
def test_unknown_runs_are_404(api, path):
    r = api.get(path)
    assert r.status_code == 404 and f"no run with id '{UNKNOWN}'" in r.json()["detail"]


@pytest.mark.parametrize("command", ["pause", "resume", "stop", "activate"])
def test_commands_on_unknown_runs_are_404(api, command):
    assert api.post(f"/api/runs/{UNKNOWN}/{command}").status_code == 404
    assert api.delete(f"/api/runs/{UNKNOWN}").status_code == 404


@pytest.mark.parametrize("path", ["/api/runs/nope", "/api/runs/NOPE12345678/weights", "/api/runs/" + "a" * 13])
def test_what_is_not_a_run_id_is_a_422_that_says_so(api, path):
    r = api.get(path)
    assert r.status_code == 422 and r.json()["detail"] == "the run id (12 hex digits) is not in the expected form"


def test_watching_an_unknown_run_closes_with_a_reason(api):
    with api.websocket_connect("/ws/runs/nope") as ws:
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    assert closed.value.code == 4404 and "no run" in closed.value.reason


def test_weights_before_the_first_epoch_are_409(api):
    run_id = api.post("/api/runs", json={"train_size": 60_000, "epochs": 5}).json()["id"]
    r = api.get(f"/api/runs/{run_id}/weights")
    assert r.status_code == 409 and "end of each epoch" in r.json()["detail"]
    api.post(f"/api/runs/{run_id}/stop")


@pytest.mark.parametrize("config,message", [
    ({"lr": 0}, "lr must be at least 1e-06"),
    ({"lr": 50}, "lr must be at most 10"),
    ({"epochs": 300}, "epochs must be at most 200"),
    ({"batch_size": 0}, "batch size must be at least 1"),
    ({"momentum": 1}, "momentum must be at most 0.999"),
    ({"model": "vgg"}, "model must be one of 'lenet5', 'mlp' or 'custom'"),
    ({"optimizer": "rmsprop"}, "'sgd', 'momentum', 'nesterov' or 'adam'"),
    ({"dataset": "cifar"}, "'mnist' or 'fashion-mnist'"),
    ({"train_size": 0}, "train size must be at least 1"),
    ({"lr": "fast"}, "lr must be a number"),
    ({"lr": True}, "lr must be a number"),
    ({"epochs": 2, "learning_rate": 0.1}, "learning_rate is not expected here"),
])
def test_bad_configs_get_422_with_the_range(api, config, message):
    r = api.post("/api/runs", json=config)
    assert r.status_code == 422 and message in r.json()["detail"], r.json()["detail"]


def test_a_missing_dataset_is_a_clear_422(tmp_path):
    settings = Settings(runs_dir=tmp_path / "runs", fashion_mnist_dir=tmp_path / "nowhere")
    with TestClient(create_app(settings)) as api:
        r = api.post("/api/runs", json={"dataset": "fashion-mnist"})
    assert r.status_code == 422 and "apt-get install dataset-fashion-mnist" in r.json()["detail"]


def test_a_full_queue_is_429(tmp_path):
    settings = Settings(runs_dir=tmp_path / "runs", max_queued_runs=1, train_threads=1)
    with TestClient(create_app(settings)) as api:
        running = api.post("/api/runs", json={"train_size": 60_000, "epochs": 5}).json()["id"]
        assert api.post("/api/runs", json=SMALL).status_code == 201
        r = api.post("/api/runs", json=SMALL)
        assert r.status_code == 429 and "already waiting" in r.json()["detail"]
        api.post(f"/api/runs/{running}/stop")


def test_viewer_limits_close_with_a_reason(tmp_path):
    settings = Settings(runs_dir=tmp_path / "runs", max_ws_per_client=2, train_threads=1)
    with TestClient(create_app(settings)) as api:
        run_id = api.post("/api/runs", json={"train_size": 64, "epochs": 1}).json()["id"]
        with api.websocket_connect(f"/ws/runs/{run_id}") as first, api.websocket_connect(f"/ws/runs/{run_id}") as second:
            assert json.loads(first.receive_text())["type"] == "snapshot"
            assert json.loads(second.receive_text())["type"] == "snapshot"
            with api.websocket_connect(f"/ws/runs/{run_id}") as third:
                with pytest.raises(WebSocketDisconnect) as closed:
                    third.receive_text()
            assert closed.value.code == 1013 and "at most 2" in closed.value.reason
        with api.websocket_connect(f"/ws/runs/{run_id}") as again:  # the two left: room again
            assert json.loads(again.receive_text())["type"] == "snapshot"


def test_old_finished_runs_are_pruned_past_the_budget(tmp_path):
    settings = Settings(runs_dir=tmp_path / "runs", max_runs_kept=2, train_threads=1)
    with TestClient(create_app(settings)) as api:
        ids = []
        for _ in range(3):
            ids.append(api.post("/api/runs", json={"train_size": 64, "epochs": 1}).json()["id"])
            _wait_status(api, ids[-1], {"completed"})
        deadline = time.monotonic() + 10
        while api.get(f"/api/runs/{ids[0]}").status_code != 404 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert api.get(f"/api/runs/{ids[0]}").status_code == 404  # the oldest went
        assert not (tmp_path / "runs" / ids[0]).exists()
        assert [api.get(f"/api/runs/{i}").status_code for i in ids[1:]] == [200, 200]


def test_nesterov_without_momentum_is_refused_before_training(api):
    r = api.post("/api/runs", json={"optimizer": "nesterov", "momentum": 0})
    assert r.status_code == 422 and "Nesterov momentum needs momentum > 0" in r.json()["detail"]


def test_a_paused_runs_probe_picture_is_explained_with_the_weights_that_made_it(api):
    """On a pause the worker sends the probe's maps at the step it stopped at and saves those very
    weights: a unit of the picture, explained with weights="probe", has the value the picture shows."""
    run_id = api.post("/api/runs", json={"train_size": 60_000, "epochs": 3}).json()["id"]
    with api.websocket_connect(f"/ws/runs/{run_id}") as ws:
        seen = _messages_until(ws, ("batch",))
        assert api.post(f"/api/runs/{run_id}/pause").status_code == 200
        while not any(m["type"] == "status" and m["status"] == "paused" for m in seen):
            seen += _messages_until(ws, ("status",))
        picture = [m for m in seen if m["type"] == "activations"][-1]
        last_batch = [m for m in seen if m["type"] == "batch"][-1]
        assert picture["step"] >= last_batch["step"]  # not the picture of up to a second before
        pixels = np.frombuffer(base64.b64decode(picture["probe"]["data"]), np.uint8).reshape(28, 28).tolist()
        layer = next(m for m in picture["layers"] if m["name"] == "conv2")
        codes = np.frombuffer(base64.b64decode(layer["data"]), np.uint8).reshape(layer["shape"])
        c, y, x = np.unravel_index(int(codes.argmax()), codes.shape)  # the brightest unit: the layer's max
        body = {"pixels": pixels, "run_id": run_id, "weights": "probe", "layer": "conv2", "unit": [int(c), int(y), int(x)]}
        answer = api.post("/api/digits/explain", json=body).json()
        assert answer["weights_step"] == picture["step"]
        assert answer["activation"] == pytest.approx(layer["max"], rel=1e-5)
        epoch_weights = api.post("/api/digits/explain", json={**body, "weights": "epoch"})
        assert epoch_weights.status_code == 409 and "end of each epoch" in epoch_weights.json()["detail"]
        assert api.post(f"/api/runs/{run_id}/stop").status_code == 200
        _messages_until(ws)
    no_run = api.post("/api/digits/explain", json={**body, "run_id": None})
    assert no_run.status_code == 422 and "give the run_id" in no_run.json()["detail"]
