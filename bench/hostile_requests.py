"""The hostile requests of issue 17, one at a time, against `convscope serve`: for each, the status,
how long it took, how long a concurrent /api/health waited at most, and how much the server's
memory (RSS) grew.

    python bench/hostile_requests.py [--root /path/to/another/checkout]

`--root` serves another checkout, to compare with the code before app/guards/ existed.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import socket
import threading
import time
from pathlib import Path

import numpy as np
from PIL import Image

from live_server import ROOT, multipart, serve


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def server_pid(port: int) -> int:
    """The pid listening on `port` (from /proc/net/tcp and the fds of python processes)."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "0A":
            inode = fields[9]
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if any(f"socket:[{inode}]" == str(fd.readlink()) for fd in (proc / "fd").iterdir()):
                    return int(proc.name)
            except OSError:
                continue
    raise RuntimeError("no server process found")


class HealthWatch:
    """GET /api/health every 20 ms in a thread; the longest wait while it ran."""

    def __init__(self, port: int) -> None:
        self.port, self.worst, self.stop = port, 0.0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                conn.request("GET", "/api/health")
                conn.getresponse().read()
                conn.close()
            except OSError:
                pass
            self.worst = max(self.worst, time.perf_counter() - started)
            time.sleep(0.02)

    def __enter__(self) -> HealthWatch:
        self.thread.start()
        time.sleep(0.2)
        return self

    def __exit__(self, *exc: object) -> None:
        time.sleep(0.3)
        self.stop.set()
        self.thread.join(60)


def post(port: int, path: str, body: bytes, content_type: str, headers: dict | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": content_type, **(headers or {})})
        r = conn.getresponse()
        return r.status, r.read()
    except OSError as exc:
        return 0, str(exc).encode()
    finally:
        conn.close()


def png(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, "PNG")
    return buf.getvalue()


def cases() -> list[tuple[str, str, bytes, str, dict]]:
    thin_drawing, drawing_type = multipart(png(np.full((1, 4_000_000), 255, np.uint8)))
    thin_upload, upload_type = multipart(png(np.zeros((40_000_000, 1), np.uint8)))
    return [
        ("1. 5 MB JSON array to correlate-1d", "/api/lessons/correlate-1d",
         json.dumps({"x": [1.5] * 1_000_000, "w": [1]}).encode(), "application/json", {}),
        ("1. 100 MB JSON to kernels/apply", "/api/kernels/apply",
         b'{"image_id": "x", "kernel": [[' + b"1," * 50_000_000 + b"1]]}", "application/json", {}),
        ("1. 19 MB JSON pixels to digits/predict", "/api/digits/predict",
         json.dumps({"pixels": [[0.123456789] * 28] * 28 * 1000}).encode(), "application/json", {}),
        ("1. a 1 MB invalid body (the answer's size)", "/api/lessons/slide",
         json.dumps({"x": [["a" * 100] * 32] * 320, "w": [[1]]}).encode(), "application/json", {}),
        ("2. parameters: conv 1024->1024 channels, 15x15", "/api/lessons/parameters",
         json.dumps({"input": [1024, 32, 32], "layers": [{"kind": "conv", "channels": 1024, "kernel": 15}]}).encode(),
         "application/json", {}),
        ("2. parameters: 29 linear layers of 100,000", "/api/lessons/parameters",
         json.dumps({"layers": [{"kind": "flatten"}] + [{"kind": "linear", "features": 100_000}] * 29}).encode(),
         "application/json", {}),
        ("3. NaN in a lesson", "/api/lessons/correlate-1d", b'{"x": [1, NaN], "w": [1]}', "application/json", {}),
        ("3. NaN as a run's lr", "/api/runs", b'{"lr": NaN}', "application/json", {}),
        ("4. JSON nested 10,000 deep", "/api/digits/predict", b"[" * 10_000 + b"]" * 10_000, "application/json", {}),
        ("5. a 1 x 4,000,000 drawing", "/api/digits/predict", thin_drawing, drawing_type, {}),
        ("5. a 1 x 40,000,000 upload", "/api/images", thin_upload, upload_type, {}),
        ("8. a form POST from another site swapping the model", "/api/model/pretrained", b"a=1",
         "application/x-www-form-urlencoded", {"Origin": "https://evil.example"}),
    ]


def websocket_reason(port: int, run_id: str) -> str:
    """Open WS /ws/runs/<run_id> and say how the server closed it."""
    import asyncio

    import websockets

    async def main() -> str:
        try:
            async with websockets.connect(f"ws://127.0.0.1:{port}/ws/runs/{run_id}") as ws:
                await ws.recv()
        except websockets.ConnectionClosed as exc:
            reason = exc.rcvd.reason if exc.rcvd else ""
            return f"closed {exc.rcvd.code if exc.rcvd else None} ({len(reason.encode())}-byte reason)"
        except Exception as exc:  # noqa: BLE001
            return f"{type(exc).__name__}: {exc}"[:100]
        return "still open"

    return asyncio.run(main())


def slow_headers(port: int, seconds: float = 30) -> str:
    """Send a request's headers a byte every 0.1 s; when did the server give up on them?"""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(0.1)
    request = b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 1000 + b"\r\n\r\n"
    started = time.monotonic()
    for byte in request:
        if time.monotonic() - started > seconds:
            return f"still reading after {seconds:.0f} s"
        try:
            sock.sendall(bytes([byte]))
            answer = sock.recv(100)
            if answer:
                return f"answered {answer.split(b' ')[1].decode()} after {time.monotonic() - started:.1f} s"
        except socket.timeout:
            continue
        except OSError:
            return f"closed after {time.monotonic() - started:.1f} s"
    return f"accepted in full after {time.monotonic() - started:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args()
    with serve(root=args.root) as port:
        pid = server_pid(port)
        for name, path, body, content_type, headers in cases():
            before = rss_mb(pid)
            with HealthWatch(port) as watch:
                started = time.perf_counter()
                status, answer = post(port, path, body, content_type, headers)
                took = time.perf_counter() - started
            print(f"{name}: {status} in {took * 1e3:,.0f} ms, answer {len(answer):,} bytes; /api/health waited "
                  f"{watch.worst * 1e3:,.0f} ms at most; server RSS {rss_mb(pid) - before:+,.0f} MB "
                  f"({rss_mb(pid):,.0f} MB)")
        print(f"6. WebSocket with a 110-character run id: {websocket_reason(port, 'x' * 110)}")
        print(f"7. headers a byte at a time: {slow_headers(port)}")


if __name__ == "__main__":
    main()
