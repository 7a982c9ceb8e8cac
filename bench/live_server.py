"""Start `convscope serve` on a free loopback port for a benchmark, and talk to it."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, method: str, path: str, body: Any = None, timeout: float = 60) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    data = json.dumps(body).encode() if body is not None else None
    conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
    resp = conn.getresponse()
    raw = resp.read()
    conn.close()
    try:
        return resp.status, json.loads(raw)
    except ValueError:
        return resp.status, raw


def multipart(data: bytes, filename: str = "upload.png", content_type: str = "image/png") -> tuple[bytes, str]:
    """A multipart/form-data body with one file field named "file", and its Content-Type header."""
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            f"Content-Type: {content_type}\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


@contextmanager
def serve(env_extra: dict[str, str] | None = None, root: Path = ROOT) -> Iterator[int]:
    """Yields the port of a fresh server (of the checkout at `root`) with its own runs folder; stops
    it afterwards."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(root), "CONVSCOPE_RUNS_DIR": f"{tmp}/runs", **(env_extra or {})}
        log = open(os.environ.get("CONVSCOPE_BENCH_LOG", str(Path(tmp) / "server.log")), "wb")
        proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
                                cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if request(port, "GET", "/api/health", timeout=2)[0] == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            yield port
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            log.close()
