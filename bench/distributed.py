"""The distributed mode on this machine's loopback: Redis, PostgreSQL, two web replicas, workers.

    python bench/distributed.py queue   [--runs 8] [--rounds 2]
    python bench/distributed.py viewers [--viewers 400] [--epochs 2]

queue     Eight LeNet-5 runs (one epoch of all MNIST each) queued at once: the time until all have
          finished with one single-thread worker, against two. Rounds interleave one and two
          workers; the best of each is reported, and its ratio (target: two at least 1.6x sooner).
viewers   One run watched by 400 WebSocket viewers split across both replicas: every epoch message
          must reach every viewer, and a batch's lateness (arrival minus the worker's ``sent_at``)
          p99 at most 250 ms. Then the same with one replica killed halfway: its viewers
          reconnect to the other and must still see every epoch (from the snapshot or live).
Both also print the per-run figures the README's capacity estimate uses: stream entries and bytes
a run writes to Redis, rows it writes to PostgreSQL, and bytes it leaves in the shared folder.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import websockets

from live_server import request

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.services import PostgresServer, RedisServer, free_port  # noqa: E402


class Deployment:
    def __init__(self, stack: ExitStack, redis: RedisServer, pg: PostgresServer) -> None:
        self.stack, self.dir = stack, Path(stack.enter_context(tempfile.TemporaryDirectory()))
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "CONVSCOPE_REDIS_URL": redis.url,
                    "CONVSCOPE_DATABASE_URL": pg.create_database(f"b_{secrets.token_hex(5)}"),
                    "CONVSCOPE_RUNS_DIR": str(self.dir / "runs"), "CONVSCOPE_TRAIN_THREADS": "1",
                    "CONVSCOPE_MAX_WS_PER_CLIENT": "1000", "CONVSCOPE_MAX_CONNECTIONS_PER_CLIENT": "1000",
                    "CONVSCOPE_MAX_QUEUED_RUNS": "100"}
        self.procs: list[subprocess.Popen] = []
        stack.callback(self.stop_all)

    def _start(self, *args: str) -> subprocess.Popen:
        log = open(self.dir / f"{args[0]}-{len(self.procs)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen([sys.executable, "-m", "app.cli", *args], cwd=self.dir, env=self.env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        return proc

    def replica(self) -> tuple[int, subprocess.Popen]:
        port = free_port()
        proc = self._start("serve", "--port", str(port))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request(port, "GET", "/api/health", timeout=2)[0] == 200:
                    return port, proc
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("replica did not start")

    def worker(self) -> subprocess.Popen:
        return self._start("worker")

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def wait_all_finished(port: int, ids: list[str], timeout: float = 1800) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = {r["id"]: r["status"] for r in request(port, "GET", "/api/runs")[1]}
        if all(runs.get(i) in ("completed", "failed", "stopped") for i in ids):
            assert all(runs[i] == "completed" for i in ids), runs
            return
        time.sleep(0.2)
    raise TimeoutError("runs did not finish")


def footprint(redis: RedisServer, deployment: Deployment, run_id: str) -> dict:
    import psycopg
    import redis as redis_py

    client = redis_py.Redis.from_url(redis.url)
    entries = client.xrange(f"convscope:run:{run_id}:events")
    stream_bytes = sum(len(v) for _, fields in entries for v in fields.values())
    with psycopg.connect(deployment.env["CONVSCOPE_DATABASE_URL"]) as db:
        epochs = db.execute("SELECT count(*) FROM epochs WHERE run_id = %s", (run_id,)).fetchone()[0]
    folder = Path(deployment.env["CONVSCOPE_RUNS_DIR"]) / run_id
    return {"stream_entries": len(entries), "stream_bytes": stream_bytes, "epoch_rows": epochs,
            "folder_bytes": sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())}


def bench_queue(args: argparse.Namespace, redis: RedisServer, pg: PostgresServer) -> None:
    config = {"model": "lenet5", "epochs": 1, "seed": 1}
    times: dict[int, list[float]] = {1: [], 2: []}
    for round_ in range(args.rounds):
        for workers in (1, 2) if round_ % 2 == 0 else (2, 1):
            with ExitStack() as stack:
                deployment = Deployment(stack, redis, pg)
                port, _ = deployment.replica()
                ids = [request(port, "POST", "/api/runs", config)[1]["id"] for _ in range(args.runs)]
                began = time.monotonic()
                for _ in range(workers):
                    deployment.worker()
                wait_all_finished(port, ids)
                times[workers].append(time.monotonic() - began)
                print(f"round {round_ + 1}: {workers} worker(s): {times[workers][-1]:.1f} s", flush=True)
                if round_ == 0 and workers == 1:
                    print("one run's footprint:", json.dumps(footprint(redis, deployment, ids[0])), flush=True)
    one, two = min(times[1]), min(times[2])
    print(f"{args.runs} runs, best of {args.rounds}: one worker {one:.1f} s, two workers {two:.1f} s: "
          f"two finish {one / two:.2f}x sooner (target >= 1.6x)")


async def watch(url: str, out: dict, ready: asyncio.Event, reconnect_to: str | None = None) -> None:
    """One viewer; when its replica dies it reconnects to ``reconnect_to`` and reads on."""
    targets = [url] + ([reconnect_to] if reconnect_to else [])
    for target in targets:
        try:
            async with websockets.connect(target, max_size=None, open_timeout=60) as ws:
                ready.set()
                async for text in ws:
                    message = json.loads(text)
                    kind = message["type"]
                    if kind == "snapshot":
                        out["epochs"].update(e["epoch"] for e in message["run"]["history"])
                    elif kind == "batch":
                        out["latency"].append(time.time() - message["sent_at"])
                    elif kind == "epoch":
                        out["epochs"].add(message["epoch"])
                    elif kind == "done":
                        return
        except (websockets.ConnectionClosed, OSError):
            out["reconnects"] += 1
            continue


async def viewers_once(args: argparse.Namespace, redis: RedisServer, pg: PostgresServer, kill_half: bool) -> None:
    with ExitStack() as stack:
        deployment = Deployment(stack, redis, pg)
        (a, proc_a), (b, _) = deployment.replica(), deployment.replica()
        deployment.worker()
        status, run = request(a, "POST", "/api/runs", {"model": "lenet5", "epochs": args.epochs, "seed": 2})
        assert status == 201, run
        results, tasks = [], []
        for i in range(args.viewers):
            port, other = (a, b) if i % 2 == 0 else (b, a)
            out = {"epochs": set(), "latency": [], "reconnects": 0}
            ready = asyncio.Event()
            url = f"ws://127.0.0.1:{port}/ws/runs/{run['id']}"
            spare = f"ws://127.0.0.1:{other}/ws/runs/{run['id']}" if kill_half else None
            tasks.append(asyncio.create_task(watch(url, out, ready, spare)))
            results.append(out)
            await ready.wait()
        if kill_half:
            while not any(r["epochs"] for r in results):
                await asyncio.sleep(0.2)
            os.killpg(proc_a.pid, signal.SIGKILL)
            print("killed replica A after the first epoch", flush=True)
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=1800)
        everyone = all(r["epochs"] == set(range(1, args.epochs + 1)) for r in results)
        latency = sorted(x for r in results for x in r["latency"])
        p50 = statistics.median(latency) * 1000
        p99 = latency[int(0.99 * (len(latency) - 1))] * 1000
        moved = sum(1 for r in results if r["reconnects"])
        print(f"{args.viewers} viewers{' (replica A killed halfway)' if kill_half else ''}: every epoch to every "
              f"viewer: {everyone}; batch lateness p50 {p50:.0f} ms, p99 {p99:.0f} ms (target p99 <= 250 ms) over "
              f"{len(latency)} batch frames; viewers that reconnected: {moved}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["queue", "viewers"])
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--viewers", type=int, default=400)
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    with ExitStack() as stack:
        redis = RedisServer().start()
        stack.callback(redis.close)
        pg = PostgresServer().start()
        stack.callback(pg.close)
        if args.what == "queue":
            bench_queue(args, redis, pg)
        else:
            asyncio.run(viewers_once(args, redis, pg, kill_half=False))
            asyncio.run(viewers_once(args, redis, pg, kill_half=True))


if __name__ == "__main__":
    main()
