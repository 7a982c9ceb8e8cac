"""A distributed deployment on this machine for each test: real Redis and PostgreSQL (started once
per session), a database and a runs directory of the test's own, web replicas (``convscope serve``)
and workers (``convscope worker``) as real processes."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LiveServer, serve
from tests.distributed.modes import distributed_settings, environment



@dataclass
class Deployment:
    workdir: Path
    env: dict[str, str]
    stack: ExitStack
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def replica(self, **extra_env: str) -> LiveServer:
        """One more web replica (``convscope serve``), stopped when the test ends."""
        folder = self.workdir / f"replica-{secrets.token_hex(3)}"
        folder.mkdir()
        return self.stack.enter_context(serve(folder, {**self.env, **extra_env}))

    def worker(self, name: str | None = None) -> subprocess.Popen[bytes]:
        """One more ``convscope worker``, in a process group of its own (killed when the test ends)."""
        name = name or f"w{len(self.workers) + 1}"
        log = open(self.workdir / f"worker-{name}.log", "wb")  # noqa: SIM115 - closed with the stack
        self.stack.callback(log.close)
        proc = subprocess.Popen([sys.executable, "-m", "app.cli", "worker", "--name", f"{name}-{secrets.token_hex(3)}"],
                                cwd=self.workdir, env={**os.environ, **self.env}, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.workers.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
                         for p in sorted(self.workdir.rglob("*.log")))


@pytest.fixture
def deployment(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Deployment]:
    """A fresh deployment (empty queue and streams, a database of its own) on the session's servers."""
    settings = distributed_settings(request, tmp_path / "shared-runs", train_threads=1)
    env = environment(settings) | {"PYTHONUNBUFFERED": "1"}
    with ExitStack() as stack:
        found = Deployment(tmp_path, env, stack)
        stack.callback(lambda: [found.kill(p) for p in found.workers])
        yield found
        if request.node.stash.get(FAILED, False):
            print(found.logs())


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    if report.when == "call" and report.failed:
        item.stash[FAILED] = True
    return report


class Viewer:
    """A WebSocket viewer of one run on one replica, reading with a deadline."""

    def __init__(self, server: LiveServer, run_id: str) -> None:
        from websockets.sync.client import connect

        self.ws = connect(server.url.replace("http", "ws") + f"/ws/runs/{run_id}", open_timeout=10, legacy=True)
        self.messages: list[dict[str, Any]] = []

    def until(self, done: Any, timeout: float = 60) -> dict[str, Any]:
        """Reads until a message for which ``done(message)`` is true, and returns it."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                if left <= 0:
                    raise TimeoutError
                message = json.loads(self.ws.recv(timeout=left))
            except TimeoutError:
                last = [m.get("status", m["type"]) for m in self.messages[-30:]]
                statuses = [(i, m["status"], m.get("step")) for i, m in enumerate(self.messages)
                            if m["type"] in ("status", "done")]
                raise AssertionError(f"no such message within {timeout:.0f} s; the last were {last}; "
                                     f"of {len(self.messages)}, the statuses: {statuses}") from None
            self.messages.append(message)
            if done(message):
                return message

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["type"] == kind]

    def close(self) -> None:
        self.ws.close()


def post(url: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body or {}).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")
