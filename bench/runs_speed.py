"""Live training inside the app, against `convscope train` on the same machine.

    python bench/runs_speed.py

1. Time from `POST /api/runs` to the first `batch` message on its WebSocket (target <= 2 s).
2. Images/s of a 1-epoch run inside the app against `convscope train --epochs 1` (target: the
   app within 10%).
3. `GET /api/health` latency while that run trains: p50, p99 of 300 requests (target p99 <= 50 ms).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import websockets

from live_server import ROOT, request, serve


async def _first_batch_and_epoch(port: int, config: dict) -> tuple[float, dict]:
    started = time.perf_counter()
    status, body = request(port, "POST", "/api/runs", config)
    assert status == 201, body
    first_batch = None
    async with websockets.connect(f"ws://127.0.0.1:{port}/ws/runs/{body['id']}", max_size=None) as ws:
        async for text in ws:
            message = json.loads(text)
            if message["type"] == "batch" and first_batch is None:
                first_batch = time.perf_counter() - started
            if message["type"] == "epoch":
                return first_batch, message
    raise AssertionError("the run ended without an epoch")


def _health_latencies(port: int, stop: threading.Event, out: list[float]) -> None:
    while not stop.is_set() and len(out) < 300:
        t = time.perf_counter()
        request(port, "GET", "/api/health")
        out.append(time.perf_counter() - t)
        time.sleep(0.02)


def _cli_images_per_sec() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        cli = subprocess.run([sys.executable, "-m", "app.cli", "train", "--epochs", "1", "--json",
                              "--out", f"{tmp}/w.npz"], cwd=ROOT, capture_output=True, text=True, check=True)
    return next(json.loads(line) for line in cli.stdout.splitlines() if '"type": "epoch"' in line)["images_per_sec"]


def main() -> None:
    cli, app, first = [], [], []
    with serve() as port:
        for _ in range(2):  # interleaved, best of 2 each
            cli.append(_cli_images_per_sec())
            first_batch, epoch = asyncio.run(_first_batch_and_epoch(port, {"epochs": 1}))
            first.append(first_batch)
            app.append(epoch["images_per_sec"])
        latencies: list[float] = []
        stop = threading.Event()
        prober = threading.Thread(target=_health_latencies, args=(port, stop, latencies))
        prober.start()
        asyncio.run(_first_batch_and_epoch(port, {"epochs": 1}))
        stop.set()
        prober.join()
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    print(f"1. first batch message {max(first):.2f} s after POST /api/runs (worst of {len(first)}; target <= 2 s)")
    ratio = max(app) / max(cli)
    print(f"2. one epoch of LeNet-5: app {max(app):,.0f} img/s, `convscope train` {max(cli):,.0f} img/s "
          f"(best of 2 each, interleaved): app/cli = {ratio:.2f} (target >= 0.90)")
    print(f"3. GET /api/health while training ({len(latencies)} requests): p50 "
          f"{statistics.median(latencies) * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms (target p99 <= 50 ms)")


if __name__ == "__main__":
    main()
