"""Limits not covered elsewhere: WebSocket viewers in all, message sizes, and the disk budget."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
import websockets
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.main import create_app
from app.settings import Settings
from tests.http import post_json


def _finished_run(api: TestClient) -> str:
    """Starts a tiny run and waits until it has completed (or, past a disk budget, been pruned)."""
    run_id = api.post("/api/runs", json={"train_size": 64, "epochs": 1}).json()["id"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        r = api.get(f"/api/runs/{run_id}")
        if r.status_code == 404 or r.json()["status"] == "completed":
            break
        time.sleep(0.05)
    return run_id


def test_viewers_in_all_are_limited(tmp_path):
    settings = Settings(runs_dir=tmp_path / "runs", max_ws_connections=2, train_threads=1)
    with TestClient(create_app(settings)) as api:
        run_id = _finished_run(api)
        with api.websocket_connect(f"/ws/runs/{run_id}") as a, api.websocket_connect(f"/ws/runs/{run_id}") as b:
            a.receive_text(), b.receive_text()
            with api.websocket_connect(f"/ws/runs/{run_id}") as c:
                with pytest.raises(WebSocketDisconnect) as closed:
                    c.receive_text()
        assert closed.value.code == 1013 and "allows 2 at once" in closed.value.reason


def test_finished_runs_past_the_byte_budget_are_pruned(tmp_path):
    settings = Settings(runs_dir=tmp_path / "runs", max_runs_bytes=1, train_threads=1)  # any run is too big
    with TestClient(create_app(settings)) as api:
        first = _finished_run(api)
        second = _finished_run(api)
        deadline = time.monotonic() + 10
        while api.get("/api/runs").json() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert api.get("/api/runs").json() == []  # both over the budget once finished
        assert not (tmp_path / "runs" / first).exists() and not (tmp_path / "runs" / second).exists()


def test_a_viewer_sending_a_huge_message_is_closed_and_others_carry_on(live_server):
    run_id = post_json(f"{live_server.url}/api/runs", {"train_size": 64, "epochs": 1})["id"]
    ws_url = live_server.url.replace("http", "ws") + f"/ws/runs/{run_id}"

    async def scenario() -> tuple[int | None, str]:
        async with websockets.connect(ws_url) as calm, websockets.connect(ws_url) as loud:
            await calm.recv()
            await loud.recv()
            await loud.send("x" * 200_000)  # viewers only listen; 64 KB is the most they may send
            try:
                while True:
                    await asyncio.wait_for(loud.recv(), timeout=10)
            except websockets.ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else None
            async with websockets.connect(ws_url) as later:
                snapshot = json.loads(await later.recv())
            return code, snapshot["type"]

    code, kind = asyncio.run(scenario())
    assert code == 1009  # message too big
    assert kind == "snapshot"
