"""Faults survived: a write that fails while checkpointing, a corrupt checkpoint, SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import websockets

from app.paths import ROOT
from app.runs.store import RunStore
from tests.http import get_json, post_json
from model import network
from model.checkpoint import load_checkpoint, save_checkpoint
from model.optim import SGD
from model.zoo import lenet5


def test_a_failed_checkpoint_write_keeps_the_previous_one(tmp_path, monkeypatch):
    path = tmp_path / "checkpoint.npz"
    model = lenet5(seed=1)
    optimizer = SGD(model.parameters(), 0.1, 0.9)
    save_checkpoint(path, model, optimizer, 1, [{"epoch": 1}], {}, 1.0)
    before = path.read_bytes()

    def disk_full(file, **arrays):
        file.write(b"PK\x03\x04 half a zip")  # some bytes reach the disk, then it is full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(network.np, "savez", disk_full)
    with pytest.raises(OSError, match="No space left"):
        save_checkpoint(path, lenet5(seed=2), optimizer, 2, [{"epoch": 1}, {"epoch": 2}], {}, 2.0)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["checkpoint.npz"]  # no temporary file left behind
    monkeypatch.undo()
    assert load_checkpoint(path, lenet5())["epoch"] == 1


def test_a_corrupt_checkpoint_fails_the_resume_with_a_clear_error(client, settings):
    runs = client.app.state.runs
    run = runs.create({"model": "lenet5", "epochs": 2, "train_size": 64, "dataset": "mnist"})
    deadline = time.monotonic() + 30
    while runs.get(run.id).status != "completed" and time.monotonic() < deadline:
        time.sleep(0.05)
    (settings.runs_dir / run.id / "checkpoint.npz").write_bytes(b"this is not a zip file")
    runs.store.set_status(run.id, "interrupted")
    assert client.post(f"/api/runs/{run.id}/resume").status_code == 200
    deadline = time.monotonic() + 30
    while runs.get(run.id).status not in ("failed", "completed") and time.monotonic() < deadline:
        time.sleep(0.05)
    failed = client.get(f"/api/runs/{run.id}").json()
    assert failed["status"] == "failed"
    assert "checkpoint.npz" in failed["error"] and "not a readable weights file" in failed["error"]
    assert client.get("/api/health").status_code == 200


def _start_server(runs_dir: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "CONVSCOPE_RUNS_DIR": str(runs_dir), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--port", str(port)], cwd=runs_dir.parent,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            get_json(f"http://127.0.0.1:{port}/api/health")
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("server did not start")


def test_sigterm_closes_viewers_cleanly_and_a_restart_lists_every_run(tmp_path, unused_port):
    runs_dir = tmp_path / "runs"
    base = f"http://127.0.0.1:{unused_port}"
    server = _start_server(runs_dir, unused_port)
    try:
        finished = post_json(f"{base}/api/runs", {"train_size": 64, "epochs": 1})["id"]
        deadline = time.monotonic() + 30
        while get_json(f"{base}/api/runs/{finished}")["status"] != "completed" and time.monotonic() < deadline:
            time.sleep(0.1)
        running = post_json(f"{base}/api/runs", {"train_size": 60_000, "epochs": 5})["id"]

        async def watch_until_closed() -> int | None:
            async with websockets.connect(f"ws://127.0.0.1:{unused_port}/ws/runs/{running}") as ws:
                await ws.recv()  # the snapshot
                server.send_signal(signal.SIGTERM)
                try:
                    while True:
                        await asyncio.wait_for(ws.recv(), timeout=20)
                except websockets.ConnectionClosed as closed:
                    return closed.rcvd.code if closed.rcvd else None

        code = asyncio.run(watch_until_closed())
        assert code in (1000, 1001, 1012)  # a clean close frame: normal, going away, service restart
        # uvicorn finishes its shutdown (lifespan included), then re-raises the signal it caught
        assert server.wait(timeout=30) in (0, -signal.SIGTERM)
    finally:
        if server.poll() is None:
            server.kill()
    store = RunStore(runs_dir / "runs.sqlite3")
    try:
        assert store.get(running).status == "interrupted" and store.get(finished).status == "completed"
    finally:
        store.close()
    server = _start_server(runs_dir, unused_port)
    try:
        listed = {r["id"]: r["status"] for r in get_json(f"{base}/api/runs")}
        assert listed == {running: "interrupted", finished: "completed"}
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_corrupt_weights_file_at_start_up_is_a_clear_error(tmp_path):
    from app.main import create_app
    from app.model_state import ModelLoadError
    from app.settings import Settings
    from fastapi.testclient import TestClient

    bad = tmp_path / "weights.npz"
    bad.write_bytes(np.arange(10).tobytes())
    with pytest.raises(ModelLoadError, match="not a readable weights file"):
        with TestClient(create_app(Settings(weights_path=bad, runs_dir=tmp_path / "runs"))):
            pass
