"""A run's replay: what it stores, and how long a finished run's page takes to load.

    python bench/replay_storage.py [--epochs 8 30]

Trains LeNet-5 on all of MNIST in the app: the defaults for 8 epochs, and the tutorial's settings
(plain SGD, lr 0.01, constant) for 30. For each it reports the bytes of the per-batch history, of
the snapshots and of the run's whole folder; the cost of the early snapshots (epoch 1's images/s
against epoch 2's, which has none); and the time from opening /training?run=<id> in headless
Chromium to the run's last stored step drawn with every batch on the charts (median of 5 loads,
each in a fresh browser context), against the same loads' time to the page being ready (its list
of runs in), the peer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import websockets

from live_server import request, serve

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

CONFIGS = {8: {"epochs": 8}, 30: {"epochs": 30, "optimizer": "sgd", "lr": 0.01, "schedule": "constant"}}


async def _train(port: int, config: dict) -> tuple[str, list[dict]]:
    status, body = request(port, "POST", "/api/runs", config)
    assert status == 201, body
    epochs = []
    async with websockets.connect(f"ws://127.0.0.1:{port}/ws/runs/{body['id']}", max_size=None) as ws:
        async for text in ws:
            message = json.loads(text)
            if message["type"] == "epoch":
                epochs.append(message)
            if message["type"] in ("done", "error"):
                assert message["type"] == "done", message
                return body["id"], epochs
    raise AssertionError("the socket closed early")


def _sizes(run_dir: Path) -> dict[str, int]:
    snapshots = sum(p.stat().st_size for p in (run_dir / "snapshots").glob("*"))
    every = sum(p.stat().st_size for p in run_dir.rglob("*") if p.is_file())
    return {"history": (run_dir / "history.bin").stat().st_size, "snapshots": snapshots, "folder": every}


def _load_times(url: str, run_id: str, last_step: int, batches: int, loads: int = 5) -> list[tuple[float, float]]:
    """(seconds to the replay drawn, seconds to the page ready: its list of runs in) per load."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        for _ in range(loads):
            context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=url)
            page = context.new_page()
            started = time.perf_counter()
            page.goto(f"/training?run={run_id}")
            page.wait_for_function("() => document.querySelector('[data-training-page]').dataset.ready === 'true'",
                                   timeout=60_000)
            ready = time.perf_counter() - started
            page.wait_for_function(
                "([step, n]) => { const d = document.querySelector('[data-training-page]').dataset;"
                " return d.replayShown === String(step) && Number(d.batchPoints) >= n; }",
                arg=[last_step, batches], timeout=60_000)
            times.append((time.perf_counter() - started, ready))
            context.close()
        browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, nargs="+", default=[8, 30], choices=sorted(CONFIGS))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir, serve({"CONVSCOPE_RUNS_DIR": f"{workdir}/runs"}) as port:
        for epochs in args.epochs:
            started = time.perf_counter()
            run_id, records = asyncio.run(_train(port, CONFIGS[epochs]))
            seconds = time.perf_counter() - started
            sizes = _sizes(Path(workdir) / "runs" / run_id)
            _, listed = request(port, "GET", f"/api/runs/{run_id}/snapshots")
            _, history = request(port, "GET", f"/api/runs/{run_id}/history?limit=1")
            last = listed["steps"][-1]["step"]
            loads = _load_times(f"http://127.0.0.1:{port}", run_id, last, history["total"])
            first, second = records[0]["images_per_sec"], records[1]["images_per_sec"]
            print(f"LeNet-5, {epochs} epochs ({seconds:.0f} s, test accuracy {records[-1]['test_accuracy']:.2%}):")
            print(f"  history {sizes['history'] / 1e6:.2f} MB ({history['total']:,} batches), snapshots "
                  f"{sizes['snapshots'] / 1e6:.2f} MB ({len(listed['steps'])} steps), replay "
                  f"{(sizes['history'] + sizes['snapshots']) / 1e6:.2f} MB, whole folder {sizes['folder'] / 1e6:.2f} MB")
            print(f"  epoch 1 (10 early snapshots) {first:,.0f} images/s against epoch 2 {second:,.0f}: "
                  f"{first / second:.3f}x")
            drawn = [d for d, _ in loads]
            ready = [r for _, r in loads]
            print(f"  page load to the last stored step drawn: median {statistics.median(drawn):.2f} s, "
                  f"best {min(drawn):.2f} s, worst {max(drawn):.2f} s ({len(loads)} loads); the page ready "
                  f"(its list of runs in, the peer): median {statistics.median(ready):.2f} s; drawn / ready "
                  f"{statistics.median(d / r for d, r in loads):.2f}x (median of the loads' ratios)")


if __name__ == "__main__":
    main()
