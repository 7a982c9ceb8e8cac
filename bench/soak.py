"""Soak: training runs watched by 100 WebSocket viewers for 10 minutes; the server's memory must
grow by at most 10% from its level after the first minute.

    python bench/soak.py [--minutes 10] [--viewers 100]

Runs start one after another (each 8 epochs over 20,000 images) for the whole time; viewers
follow each new run. The server's resident memory (VmRSS of the `convscope serve` process, not
its training workers) is sampled every 5 seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path

import websockets

from live_server import request, serve


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def server_pid(port: int) -> int:
    """The process listening on ``port`` (the server, not its workers)."""
    needle = f"--port {port}"
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if "app.cli serve" in cmdline and needle in cmdline:
                return int(proc.name)
    raise RuntimeError("server process not found")


async def follow(port: int, run_id: str, counts: dict[str, int]) -> None:
    async with websockets.connect(f"ws://127.0.0.1:{port}/ws/runs/{run_id}", max_size=None) as ws:
        async for text in ws:
            kind = json.loads(text)["type"]
            counts[kind] = counts.get(kind, 0) + 1
            if kind in ("done", "error"):
                return


async def soak(port: int, minutes: float, viewers: int) -> None:
    pid = server_pid(port)
    started = time.monotonic()
    samples: list[tuple[float, float]] = []
    counts: dict[str, int] = {}
    runs = 0

    async def sample() -> None:
        while True:
            samples.append((time.monotonic() - started, rss_mb(pid)))
            await asyncio.sleep(5)

    sampler = asyncio.create_task(sample())
    while time.monotonic() - started < minutes * 60:
        status, run = request(port, "POST", "/api/runs", {"epochs": 8, "train_size": 20_000})
        assert status == 201, run
        runs += 1
        await asyncio.gather(*(follow(port, run["id"], counts) for _ in range(viewers)))
    sampler.cancel()
    baseline = next(mb for t, mb in samples if t >= 60)
    final, peak = samples[-1][1], max(mb for _, mb in samples)
    growth = (final - baseline) / baseline
    print(f"{minutes:g} min, {runs} runs, {viewers} viewers: server RSS {baseline:.0f} MB after 1 min, "
          f"{final:.0f} MB at the end (peak {peak:.0f} MB): growth {growth:+.1%} (target <= +10%)")
    print(f"messages received by all viewers: {counts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--viewers", type=int, default=100)
    args = parser.parse_args()
    with serve() as port:
        asyncio.run(soak(port, args.minutes, args.viewers))


if __name__ == "__main__":
    main()
