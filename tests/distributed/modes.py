"""One app, either mode: the run tests that hold for both run twice, ``[embedded]`` and
``[distributed]``.

    embedded      the app as ``make serve`` runs it: one process, local workers, SQLite
    distributed   the same app as a web replica: real Redis and PostgreSQL (the session's
                  servers, a database of the test's own), and one ``convscope worker`` process
                  that takes the runs from the queue
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.paths import ROOT
from app.settings import Settings

MODES = ["embedded", "distributed"]
LEASE_SECONDS = 2


def distributed_settings(request: pytest.FixtureRequest, runs_dir: Path, **overrides: Any) -> Settings:
    """Settings for a replica of a fresh distributed deployment (empty queue, a new database)."""
    import redis

    redis_server, postgres_server = request.getfixturevalue("redis_server"), request.getfixturevalue("postgres_server")
    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    client.close()
    database = postgres_server.create_database(f"m_{secrets.token_hex(6)}")
    return Settings(runs_dir=runs_dir, redis_url=redis_server.url, database_url=database,
                    worker_lease_seconds=LEASE_SECONDS, **overrides)


@contextmanager
def worker_for(settings: Settings, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A ``convscope worker`` with ``settings`` (as its environment), killed afterwards."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "CONVSCOPE_REDIS_URL": settings.redis_url, "CONVSCOPE_DATABASE_URL": settings.database_url,
           "CONVSCOPE_RUNS_DIR": str(settings.runs_dir), "CONVSCOPE_TRAIN_THREADS": str(settings.train_threads),
           "CONVSCOPE_WORKER_LEASE_SECONDS": str(settings.worker_lease_seconds),
           "CONVSCOPE_MAX_REPLAY_BYTES": str(settings.max_replay_bytes),
           "CONVSCOPE_MAX_RUNS_KEPT": str(settings.max_runs_kept),
           "CONVSCOPE_FASHION_MNIST_DIR": str(settings.fashion_mnist_dir)}
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "app.cli", "worker"], env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)


@contextmanager
def app_in(mode: str, request: pytest.FixtureRequest, runs_dir: Path, **overrides: Any) -> Iterator[TestClient]:
    """A TestClient on the app in ``mode``, its lifespan running (and, distributed, its worker)."""
    if mode == "embedded":
        with TestClient(create_app(Settings(runs_dir=runs_dir, **overrides))) as client:
            yield client
        return
    settings = distributed_settings(request, runs_dir, **overrides)
    with worker_for(settings, runs_dir.parent / "worker.log"), TestClient(create_app(settings)) as client:
        yield client
