"""Shared fixtures: an in-process app with its lifespan running, and a live server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.paths import ROOT
from app.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Default settings, with training runs written under the test's tmp dir."""
    return Settings(runs_dir=tmp_path / "runs")


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app with default settings for a whole test module (its own runs folder); a module that
    needs other settings defines its own ``api``."""
    with TestClient(create_app(Settings(runs_dir=tmp_path_factory.mktemp("runs") / "runs"))) as c:
        yield c


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """A TestClient whose ``with`` block runs the app's lifespan (start-up and shut-down)."""
    with TestClient(create_app(settings)) as c:
        yield c


# --------------------------------------------------------------------------
# A real server in a subprocess, for browser tests and anything that needs a
# socket (e.g. the container HEALTHCHECK command).
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveServer:
    url: str  # e.g. "http://127.0.0.1:40123", no trailing slash
    log_path: Path  # uvicorn's combined stdout/stderr
    pid: int  # the server process's (its event loop runs in the main thread: tid == pid)

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_healthy(server: LiveServer, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"uvicorn exited with {proc.returncode} before becoming healthy:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url + "/api/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:  # connection refused / reset while starting up
            pass
        time.sleep(0.1)
    pytest.fail(f"uvicorn not healthy after {timeout:.0f}s:\n{server.log_tail()}")


@contextmanager
def serve(workdir: Path, extra_env: dict[str, str] | None = None, timeout: float = 60) -> Iterator[LiveServer]:
    """``convscope serve`` on a free 127.0.0.1 port, started in `workdir` with its own runs
    directory there, and `extra_env` (CONVSCOPE_* settings) on top of this process's environment;
    stopped when the block ends. Started from a scratch directory, not the checkout: static files,
    templates and weights must be found from the package's own root, never the working directory."""
    port = _free_port()
    log_path = workdir / "uvicorn.log"
    env = {**os.environ, "CONVSCOPE_RUNS_DIR": str(workdir / "runs"), "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    cmd = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
        server = LiveServer(url=f"http://127.0.0.1:{port}", log_path=log_path, pid=proc.pid)
        try:
            _wait_until_healthy(server, proc, timeout=timeout)
            yield server
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``convscope serve`` for the whole session, with the default settings."""
    with serve(tmp_path_factory.mktemp("live-server")) as server:
        yield server


# --------------------------------------------------------------------------
# The distributed mode's services: a real redis-server and a real PostgreSQL, started once per
# session on free loopback ports (tests/services.py) when a test first asks for one.
# --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def redis_server() -> Iterator[object]:
    from tests.services import RedisServer

    server = RedisServer().start()
    yield server
    server.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[object]:
    from tests.services import PostgresServer

    server = PostgresServer().start()
    yield server
    server.close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests run last: Playwright's sync API keeps an event loop running in the main
    thread for as long as its session-wide browser lives, and tests that call asyncio.run()
    themselves cannot run while it does. Every test under tests/browser/ counts, marked or not."""
    browser_dir = Path(__file__).parent / "browser"

    def is_browser(item: pytest.Item) -> bool:
        return item.get_closest_marker("browser") is not None or browser_dir in Path(item.path).parents

    items.sort(key=is_browser)
