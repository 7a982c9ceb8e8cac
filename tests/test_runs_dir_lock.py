"""One server per runs directory (app/runs/dir_lock.py): a second server on a directory in use
refuses to start, names the directory and the process holding it, and leaves the first server's
runs as they were; a holder that dies, even by SIGKILL, frees the directory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.runs.dir_lock import RunsDirLock, RunsDirLocked
from app.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def _wait_status(api: TestClient, run_id: str, wanted: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while api.get(f"/api/runs/{run_id}").json()["status"] != wanted:
        assert time.monotonic() < deadline, f"run {run_id} never became {wanted}"
        time.sleep(0.05)


def test_a_second_server_refuses_the_directory_and_leaves_the_first_ones_runs_alone(tmp_path):
    runs_dir = tmp_path / "runs"
    with TestClient(create_app(Settings(runs_dir=runs_dir, train_threads=1))) as first:
        run_id = first.post("/api/runs", json={"train_size": 60_000, "epochs": 3}).json()["id"]
        _wait_status(first, run_id, "running")
        assert first.post(f"/api/runs/{run_id}/pause").status_code == 200
        _wait_status(first, run_id, "paused")

        with pytest.raises(RunsDirLocked) as refused:
            with TestClient(create_app(Settings(runs_dir=runs_dir, train_threads=1))):
                pass
        message = str(refused.value)
        assert str(runs_dir) in message and f"process {os.getpid()} on {socket.gethostname()}" in message
        assert "CONVSCOPE_RUNS_DIR" in message

        assert first.get(f"/api/runs/{run_id}").json()["status"] == "paused"  # not marked interrupted
        assert first.post(f"/api/runs/{run_id}/stop").status_code == 200
        _wait_status(first, run_id, "stopped")

    with TestClient(create_app(Settings(runs_dir=runs_dir, train_threads=1))) as second:  # now it is free
        assert second.get(f"/api/runs/{run_id}").json()["status"] == "stopped"


HOLD = """
import sys, time
from pathlib import Path
from app.runs.dir_lock import RunsDirLock
RunsDirLock(Path(sys.argv[1])).acquire()
print("held", flush=True)
time.sleep(600)
"""


def test_a_holder_killed_with_sigkill_frees_the_directory(tmp_path):
    runs_dir = tmp_path / "runs"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(runs_dir)], cwd=ROOT, stdout=subprocess.PIPE,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout.readline().strip() == b"held"
        with pytest.raises(RunsDirLocked, match=f"process {holder.pid} on "):
            RunsDirLock(runs_dir).acquire()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        holder.stdout.close()
    lock = RunsDirLock(runs_dir).acquire()  # no stale lock is left behind
    assert lock.held
    lock.release()
    assert not lock.held


def test_convscope_serve_on_a_directory_in_use_exits_1_and_says_why(tmp_path):
    runs_dir = tmp_path / "runs"
    lock = RunsDirLock(runs_dir).acquire()
    try:
        done = subprocess.run([sys.executable, "-m", "app.cli", "serve", "--port", "0"], cwd=tmp_path,
                              env={**os.environ, "PYTHONPATH": str(ROOT), "CONVSCOPE_RUNS_DIR": str(runs_dir)},
                              capture_output=True, text=True, timeout=60)
    finally:
        lock.release()
    assert done.returncode == 1
    assert done.stderr.startswith("convscope serve: the runs directory ") and str(runs_dir) in done.stderr
    assert f"process {os.getpid()}" in done.stderr and "Traceback" not in done.stderr
