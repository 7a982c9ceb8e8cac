"""Watching at a human pace and replaying afterwards, over HTTP: slow motion, single steps, and a
run's stored history and snapshots, after it ends and after a server restart (real short runs)."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.distributed.modes import MODES, app_in
from model.datasets import load_dataset
from model.optim import LRSchedule
from tests.test_runs_api import _messages_until, _wait_status

SMALL = {"train_size": 640, "epochs": 2}  # 10 batches an epoch: snapshots at 1, 2, 4, 8, 10 and 20
LONG = {"train_size": 60_000, "epochs": 3}


@pytest.fixture
def runs_dir(tmp_path: Path) -> Path:
    return tmp_path / "runs"


@pytest.fixture(params=MODES)
def api(request: pytest.FixtureRequest, runs_dir: Path):
    """The app in either mode (tests/distributed/modes.py): these tests hold for both."""
    with app_in(request.param, request, runs_dir, train_threads=1) as client:
        yield client


def _finished_run(api: TestClient, config: dict = SMALL) -> tuple[str, list[dict]]:
    run_id = api.post("/api/runs", json=config).json()["id"]
    with api.websocket_connect(f"/ws/runs/{run_id}") as ws:
        messages = _messages_until(ws)
    assert messages[-1]["status"] == "completed"
    return run_id, messages


def test_a_finished_run_keeps_every_batch_with_the_learning_rate_it_really_used(api):
    run_id, messages = _finished_run(api)
    history = api.get(f"/api/runs/{run_id}/history").json()
    columns = history["columns"]
    assert history["total"] == 20 and history["stride"] == 1 and history["batches_per_epoch"] == 10 and columns["step"] == list(range(1, 21))
    assert columns["epoch"] == [1] * 10 + [2] * 10
    schedule = LRSchedule("onecycle", 0.05, 20)
    np.testing.assert_allclose(columns["lr"], [schedule(s - 1) for s in range(1, 21)], rtol=1e-6)
    for sent in (m for m in messages if m["type"] == "batch"):  # the batches the socket carried, row for row
        row = sent["step"] - 1
        for name in ("loss", "smoothed_loss", "accuracy", "lr"):
            assert columns[name][row] == pytest.approx(sent[name], rel=1e-6)
    part = api.get(f"/api/runs/{run_id}/history", params={"first": 5, "last": 14, "offset": 2, "limit": 3}).json()
    assert part["total"] == 10 and part["columns"]["step"] == [7, 8, 9]


def test_snapshots_at_the_doubling_early_steps_and_every_epoch_end_match_what_was_shown(api):
    run_id, messages = _finished_run(api)
    listed = api.get(f"/api/runs/{run_id}/snapshots").json()
    steps = [(s["step"], s["kind"], s["test_images"]) for s in listed["steps"]]
    assert steps == [(1, "early", 1000), (2, "early", 1000), (4, "early", 1000), (8, "early", 1000),
                     (10, "epoch", 10_000), (20, "epoch", 10_000)]
    assert listed["bytes"] == sum(s["bytes"] for s in listed["steps"]) and listed["bytes"] < 200_000
    last = api.get(f"/api/runs/{run_id}/snapshots/20").json()
    epoch2 = next(m for m in messages if m["type"] == "epoch" and m["epoch"] == 2)
    assert last["evaluation"]["confusion"] == epoch2["confusion"]
    assert last["evaluation"]["test_accuracy"] == pytest.approx(epoch2["test_accuracy"])
    assert last["evaluation"]["misclassified"] == epoch2["misclassified"]
    shown = [m for m in messages if m["type"] == "weights" and m["step"] == 20][-1]
    assert last["weights"]["layers"] == shown["layers"]  # the kernels drawn at the end, byte for byte
    shown_maps = [m for m in messages if m["type"] == "activations" and m["step"] == 20][-1]
    assert last["activations"]["layers"] == shown_maps["layers"] and last["activations"]["probe"] == shown_maps["probe"]
    first = api.get(f"/api/runs/{run_id}/snapshots/1").json()
    assert first["weights"]["layers"] != last["weights"]["layers"]
    assert sum(map(sum, first["evaluation"]["confusion"])) == 1000


def test_a_confusion_cell_and_the_mistakes_page_through_every_test_image_in_them(api):
    run_id, _ = _finished_run(api)
    confusion = np.array(api.get(f"/api/runs/{run_id}/snapshots/20").json()["evaluation"]["confusion"])
    off = confusion - np.diag(np.diag(confusion))
    true, predicted = np.unravel_index(off.argmax(), off.shape)  # the most common mistake
    test = load_dataset().test_images
    seen = []
    for offset in range(0, int(confusion[true, predicted]), 7):
        page = api.get(f"/api/runs/{run_id}/snapshots/20/cell",
                       params={"true": int(true), "predicted": int(predicted), "offset": offset, "limit": 7}).json()
        assert page["total"] == confusion[true, predicted]
        for item in page["items"]:
            assert (item["label"], item["predicted"]) == (true, predicted)
            assert base64.b64decode(item["data"]) == test[item["index"]].tobytes()
        seen += [item["index"] for item in page["items"]]
    assert len(seen) == len(set(seen)) == confusion[true, predicted]
    diagonal = api.get(f"/api/runs/{run_id}/snapshots/20/cell", params={"true": 1, "predicted": 1}).json()
    assert diagonal["total"] == confusion[1, 1]
    mistakes = api.get(f"/api/runs/{run_id}/snapshots/20/mistakes", params={"offset": 40, "limit": 5}).json()
    assert mistakes["total"] == off.sum() and all(i["label"] != i["predicted"] for i in mistakes["items"])


def test_the_replay_survives_a_server_restart(runs_dir):
    settings = Settings(runs_dir=runs_dir, train_threads=1)
    with TestClient(create_app(settings)) as api:
        run_id, _ = _finished_run(api)
        before = (api.get(f"/api/runs/{run_id}/history").json(), api.get(f"/api/runs/{run_id}/snapshots").json(),
                  api.get(f"/api/runs/{run_id}/snapshots/4").json())
    with TestClient(create_app(settings)) as api:
        after = (api.get(f"/api/runs/{run_id}/history").json(), api.get(f"/api/runs/{run_id}/snapshots").json(),
                 api.get(f"/api/runs/{run_id}/snapshots/4").json())
    assert after == before


def test_a_resumed_run_replays_each_step_once(runs_dir):
    settings = Settings(runs_dir=runs_dir, train_threads=1)
    config = {"train_size": 3000, "epochs": 3}  # 47 batches an epoch
    with TestClient(create_app(settings)) as api:
        run_id = api.post("/api/runs", json=config).json()["id"]
        with api.websocket_connect(f"/ws/runs/{run_id}") as ws:
            _messages_until(ws, ("epoch",))
            _messages_until(ws, ("batch",))  # cut off in epoch 2
    with TestClient(create_app(settings)) as api:
        assert api.post(f"/api/runs/{run_id}/resume").status_code == 200
        _wait_status(api, run_id, {"completed"}, timeout=120)
        steps = api.get(f"/api/runs/{run_id}/history").json()["columns"]["step"]
        stored = [s["step"] for s in api.get(f"/api/runs/{run_id}/snapshots").json()["steps"]]
    assert steps == list(range(1, 3 * 47 + 1))
    assert stored == [1, 2, 4, 8, 16, 32, 47, 94, 141]


def test_the_replay_stays_within_its_budget(tmp_path):
    cap = 60_000
    with TestClient(create_app(Settings(runs_dir=tmp_path / "runs", train_threads=1, max_replay_bytes=cap))) as api:
        run_id, _ = _finished_run(api, {"train_size": 640, "epochs": 6, "batch_size": 16})  # 240 batches
        listed = api.get(f"/api/runs/{run_id}/snapshots").json()
        history = api.get(f"/api/runs/{run_id}/history").json()
    run_dir = tmp_path / "runs" / run_id
    on_disk = sum(p.stat().st_size for p in (run_dir / "snapshots").glob("*.npz")) + \
        (run_dir / "history.bin").stat().st_size
    assert on_disk <= cap
    kept = [s["step"] for s in listed["steps"]]
    assert kept[-1] == 240 and 1 in kept  # the newest and the first stay
    assert history["total"] == 240  # 240 rows x 28 bytes fits its quarter


def _batches_while(api, ws, seconds: float) -> list[dict]:
    end, seen = time.monotonic() + seconds, []
    while time.monotonic() < end:
        seen.append(json.loads(ws.receive_text()))
    return seen


def test_slow_motion_sends_every_batch_with_its_kernels_and_probe_at_the_chosen_rate(api):
    run_id = api.post("/api/runs", json=LONG).json()["id"]
    with api.websocket_connect(f"/ws/runs/{run_id}") as ws:
        _messages_until(ws, ("batch",))
        paced = api.post(f"/api/runs/{run_id}/pace", json={"batches_per_second": 4})
        assert paced.status_code == 200 and paced.json() == {"mode": "slow", "batches_per_second": 4.0}
        assert api.get(f"/api/runs/{run_id}").json()["pace"] == {"mode": "slow", "batches_per_second": 4.0}
        _messages_until(ws, ("pace",))
        seen = _batches_while(api, ws, 2.5)
        batches = [m for m in seen if m["type"] == "batch"]
        api.post(f"/api/runs/{run_id}/stop")
    steps = [b["step"] for b in batches][1:]  # the first may be the one already under way
    assert steps == list(range(steps[0], steps[0] + len(steps)))  # every batch, none skipped
    assert 3 <= len(steps) <= 12  # 4 a second for 2.5 s; never full speed's thousands
    spacing = np.diff([b["sent_at"] for b in batches][1:])
    assert spacing.min() >= 0.25 * 0.8  # no two batches closer than 1/4 s (20% for timer slack)
    for step in steps[:-1]:
        assert any(m["type"] == "weights" and m["step"] == step for m in seen)
        assert any(m["type"] == "activations" and m["step"] == step for m in seen)


def _pause_once_training(api, ws, run_id: str) -> None:
    """Waits for the run's first batch, pauses it, and reads on until it says it is paused."""
    _messages_until(ws, ("batch",))
    api.post(f"/api/runs/{run_id}/pause")
    while not any(m["type"] == "status" and m["status"] == "paused" for m in _messages_until(ws, ("status",))):
        pass


def test_single_steps_train_one_batch_each_and_stay_paused(api):
    run_id = api.post("/api/runs", json=LONG).json()["id"]
    with api.websocket_connect(f"/ws/runs/{run_id}") as ws:
        _pause_once_training(api, ws, run_id)
        trained = _rows_over(api, run_id, 0.5)
        assert trained[0] == trained[1]  # paused: nothing trains (the history is flushed on pausing)
        stepped = []
        for _ in range(3):
            assert api.post(f"/api/runs/{run_id}/step").json()["status"] == "paused"
            stepped += _messages_until(ws, ("activations",))
        after = _rows_over(api, run_id, 0.5)
        api.post(f"/api/runs/{run_id}/stop")
        rest = _messages_until(ws)
    batches = [m["step"] for m in stepped if m["type"] == "batch"]
    assert len(batches) == 3 and np.diff(batches).tolist() == [1, 1]
    assert [m["step"] for m in stepped if m["type"] == "activations"] == batches  # the probe after every step
    assert [m["step"] for m in stepped if m["type"] == "weights"] == batches
    assert after[0] == after[1] == trained[0] + 3  # three rows, and then it waits again
    assert not [m for m in rest if m["type"] == "batch"]
    assert not [m for m in stepped + rest if m["type"] == "status" and m["status"] == "running"]


def test_a_resume_that_lands_while_a_single_step_trains_says_running(api):
    """A step, and a resume as soon as the stepped batch is out: the run goes on, and its viewers
    and record say so (the resume can land before the worker is back waiting in its pause, with
    no pause left to wake from)."""
    run_id = api.post("/api/runs", json=LONG).json()["id"]
    with api.websocket_connect(f"/ws/runs/{run_id}") as ws:
        _pause_once_training(api, ws, run_id)
        api.post(f"/api/runs/{run_id}/step")
        _messages_until(ws, ("batch",))  # the stepped batch is out; what comes after it is still running
        assert api.post(f"/api/runs/{run_id}/resume").status_code == 200
        assert _wait_status(api, run_id, {"running"}, timeout=10)["status"] == "running"  # bounded: no hang
        statuses = [m["status"] for m in _messages_until(ws, ("status",)) if m["type"] == "status"]
        assert statuses == ["running"]
        before = _rows_over(api, run_id, 0.5)
        api.post(f"/api/runs/{run_id}/stop")
        _messages_until(ws)
    assert before[1] > before[0], "and it trains"


def _rows_over(api, run_id: str, seconds: float) -> tuple[int, int]:
    """The history's rows now and ``seconds`` later."""
    def rows() -> int:
        return api.get(f"/api/runs/{run_id}/history", params={"limit": 1}).json()["total"]
    first = rows()
    time.sleep(seconds)
    return first, rows()


@pytest.mark.parametrize("body, message", [
    ({}, "batches_per_second"),
    ({"batches_per_second": 50}, "less than or equal to 20"),
    ({"batches_per_second": 0}, "greater than or equal to 0.1"),
])
def test_a_pace_out_of_range_is_a_422_that_says_what_is_allowed(api, body, message):
    run_id = api.post("/api/runs", json=LONG).json()["id"]
    answer = api.post(f"/api/runs/{run_id}/pace", json=body)
    api.post(f"/api/runs/{run_id}/stop")
    assert answer.status_code == 422 and message in json.dumps(answer.json())


def test_replay_requests_that_cannot_be_answered_say_why(api):
    run_id, _ = _finished_run(api, {"train_size": 64, "epochs": 1})
    assert api.post(f"/api/runs/{run_id}/pace", json={"batches_per_second": None}).status_code == 409
    assert api.post(f"/api/runs/{run_id}/step").status_code == 409
    missing = api.get(f"/api/runs/{run_id}/snapshots/3")
    assert missing.status_code == 404 and f"GET /api/runs/{run_id}/snapshots lists" in missing.json()["detail"]
    half = api.get(f"/api/runs/{run_id}/snapshots/1/cell", params={"true": 3})
    assert half.status_code == 422 and "predicted" in json.dumps(half.json())
    backwards = api.get(f"/api/runs/{run_id}/history", params={"first": 9, "last": 3})
    assert backwards.status_code == 422 and "last (3) comes before first (9)" in backwards.json()["detail"]
    assert api.get("/api/runs/000000000000/history").status_code == 404
    assert api.get(f"/api/runs/{run_id}/snapshots/1/mistakes", params={"limit": 101}).status_code == 422
