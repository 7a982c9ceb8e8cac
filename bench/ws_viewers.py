"""200 WebSocket viewers of one training run, on loopback, plus one that stops reading.

    python bench/ws_viewers.py [--viewers 200] [--epochs 2]

Checks that every viewer receives every epoch message, measures how late batch messages arrive
(now minus the worker's ``sent_at``; target p99 <= 250 ms), and that one stalled viewer changes
nothing for the others: the same run is watched once with and once without it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import websockets

from live_server import request, serve


async def viewer(url: str, latencies: list[float], epochs: list[int], ready: asyncio.Event) -> None:
    async with websockets.connect(url, max_size=None, open_timeout=60) as ws:
        ready.set()
        async for text in ws:
            message = json.loads(text)
            kind = message["type"]
            if kind == "batch":
                latencies.append(time.time() - message["sent_at"])
            elif kind == "epoch":
                epochs.append(message["epoch"])
            elif kind == "snapshot":
                epochs.extend(h["epoch"] for h in message["run"]["history"])
            elif kind in ("done", "error"):
                return


async def stalled_viewer(url: str, opened: asyncio.Event, release: asyncio.Event) -> None:
    """Connects, then never reads: its TCP window fills and the server's sends to it block."""
    async with websockets.connect(url, max_size=None, max_queue=1, open_timeout=60):
        opened.set()
        await release.wait()


async def watch(port: int, viewers: int, epochs: int, stall: bool) -> dict:
    status, run = request(port, "POST", "/api/runs", {"epochs": epochs, "train_size": 20_000})
    assert status == 201, run
    request(port, "POST", f"/api/runs/{run['id']}/pause")  # everyone connects first, as a class would
    url = f"ws://127.0.0.1:{port}/ws/runs/{run['id']}"
    latencies: list[float] = []
    received: list[list[int]] = [[] for _ in range(viewers)]
    release = asyncio.Event()
    tasks, stalled = [], None
    if stall:
        opened = asyncio.Event()
        stalled = asyncio.create_task(stalled_viewer(url, opened, release))
        await opened.wait()
    readies = []
    for i in range(viewers):
        readies.append(asyncio.Event())
        tasks.append(asyncio.create_task(viewer(url, latencies, received[i], readies[-1])))
    await asyncio.gather(*(r.wait() for r in readies))
    await asyncio.sleep(0.5)
    latencies.clear()  # frames sent before the pause took effect
    request(port, "POST", f"/api/runs/{run['id']}/resume")
    started = time.perf_counter()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    release.set()
    if stalled is not None:
        await stalled
    latencies.sort()
    complete = sum(1 for r in received if sorted(set(r)) == list(range(1, epochs + 1)))
    return {"complete": complete, "frames": len(latencies), "elapsed": elapsed,
            "p50": latencies[len(latencies) // 2], "p99": latencies[int(0.99 * (len(latencies) - 1))]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    with serve() as port:
        for stall in (False, True):
            r = asyncio.run(watch(port, args.viewers, args.epochs, stall))
            label = "with one stalled viewer" if stall else "all viewers reading"
            print(f"{label}: {r['complete']}/{args.viewers} viewers got every epoch message; "
                  f"{r['frames']} batch frames, latency p50 {r['p50'] * 1e3:.0f} ms, p99 {r['p99'] * 1e3:.0f} ms "
                  f"(target <= 250 ms); run watched for {r['elapsed']:.1f} s")


if __name__ == "__main__":
    main()
