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
LEASE_SECONDS = 2  # short, so that a killed worker's run is taken up again within seconds


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


def environment(settings: Settings) -> dict[str, str]:
    """``settings`` as the CONVSCOPE_* variables a worker or a replica process reads."""
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "CONVSCOPE_REDIS_URL": settings.redis_url, "CONVSCOPE_DATABASE_URL": settings.database_url,
            "CONVSCOPE_RUNS_DIR": str(settings.runs_dir), "CONVSCOPE_TRAIN_THREADS": str(settings.train_threads),
            "CONVSCOPE_WORKER_LEASE_SECONDS": str(settings.worker_lease_seconds),
            "CONVSCOPE_MAX_REPLAY_BYTES": str(settings.max_replay_bytes),
            "CONVSCOPE_MAX_RUNS_KEPT": str(settings.max_runs_kept),
            "CONVSCOPE_FASHION_MNIST_DIR": str(settings.fashion_mnist_dir)}


@contextmanager
def worker_for(settings: Settings, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A ``convscope worker`` with ``settings`` (as its environment), killed afterwards."""
    env = {**os.environ, **environment(settings)}
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


@contextmanager
def distributed_live_server(request: pytest.FixtureRequest, workdir: Path) -> Iterator[Any]:
    """``convscope serve`` as a replica of a fresh distributed deployment, with one worker: what the
    browser tests of the training page also run against."""
    from tests.conftest import serve

    settings = distributed_settings(request, workdir / "runs", train_threads=1)
    with worker_for(settings, workdir / "worker.log"), serve(workdir, environment(settings)) as server:
        yield server


@pytest.fixture(scope="module", params=MODES, name="live_server")
def live_server_in_both_modes(request: pytest.FixtureRequest, live_server: Any,
                              tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A module that imports this has its browser tests run against both modes: the session's
    embedded server, and a replica of a distributed deployment (real Redis, PostgreSQL, a worker)."""
    if request.param == "embedded":
        yield live_server
        return
    with distributed_live_server(request, tmp_path_factory.mktemp("distributed-server")) as server:
        yield server
