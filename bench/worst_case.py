"""/api/health while ten worst-case requests of every route run at once, against `convscope serve`.

    python bench/worst_case.py [--rounds 3] [--root /path/to/another/checkout]

Every route gets ten copies at once of the most expensive request it takes: the largest upload
(a 40-megapixel photo, 20 MB), a full-resolution 15x15 filter of it, its full-resolution explained
pixel (rescale: the whole filter again), a 2,000 x 2,000 drawing with every layer's maps, the lessons
at their largest grids, a 30-layer architecture, the timed run at its budget, a JSON body just under
the limit of every JSON route (parsed, then refused), and training runs. Meanwhile a client asks
for /api/health every 20 ms. Prints the health latency p50/p99/max under that load and without it,
and how each route answered (200, or 503 Retry-After from a full work slot, 413, 422, 429).
The target: health p99 <= 50 ms. `--root` runs the same load against another checkout (the
figures before app/guards/ existed).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import io
import multiprocessing as mp
import os
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import httpx2
import numpy as np
from PIL import Image

from live_server import ROOT, multipart, serve

COPIES = 10
HEALTH_EVERY = 0.02


def photo_png(width: int = 8000, height: int = 5000) -> bytes:
    """A noisy 40-megapixel photo-like image as PNG (noise keeps it from compressing to nothing)."""
    rng = np.random.default_rng(0)
    base = np.linspace(0, 255, width, dtype=np.float32)[None, :, None] * np.ones((height, 1, 3), np.float32)
    noisy = np.clip(base + rng.normal(0, 6, (height, 1, 3)), 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(noisy, "RGB").save(buf, "JPEG", quality=95)
    return buf.getvalue()


def drawing_png(side: int = 2000) -> bytes:
    canvas = np.full((side, side), 255, np.uint8)
    canvas[side // 5:4 * side // 5, side // 2 - side // 20:side // 2 + side // 20] = 0  # a 1
    buf = io.BytesIO()
    Image.fromarray(canvas, "L").save(buf, "PNG")
    return buf.getvalue()


def near_limit_json(limit: int) -> bytes:
    """Valid JSON just under the JSON body limit: read and parsed in full, then refused by the schema."""
    numbers = (limit - 40) // 6
    return json.dumps({"x": [1.2345] * numbers, "w": [1]}, separators=(",", ":")).encode()[:limit - 10]


def requests_for(image_id: str, big_photo: bytes, drawing: bytes, junk: bytes) -> list[tuple[str, str, dict]]:
    kernel = [[1] * 15] * 15
    grid12 = [[float((r * 7 + c * 3) % 11) for c in range(12)] for r in range(12)]
    grid32 = [[float((r + c) % 9) for c in range(32)] for r in range(32)]
    body, content_type = multipart(big_photo, "photo.jpg", "image/jpeg")
    pad, pad_type = multipart(drawing)
    pixels = [[((r * 28 + c) % 255) / 255 for c in range(28)] for r in range(28)]
    json_routes = ["/api/lessons/correlate-1d", "/api/lessons/correlate-2d", "/api/kernels/apply", "/api/runs",
                   "/api/receptive-field/stack", "/api/lessons/parameters", "/api/digits/predict"]
    return [
        ("upload 40 MP", "/api/images", {"content": body, "headers": {"Content-Type": content_type}}),
        ("apply 15x15 full resolution", "/api/kernels/apply", {"json": {
            "image_id": image_id, "kernel": kernel, "full_resolution": True, "format": "png"}}),
        ("explain full resolution, rescale", "/api/kernels/explain", {"json": {
            "image_id": image_id, "kernel": kernel, "full_resolution": True, "output": "rescale", "x": 9, "y": 9}}),
        ("predict 2000x2000 drawing", "/api/digits/predict?activations=true", {
            "content": pad, "headers": {"Content-Type": pad_type}}),
        ("predict JSON pixels", "/api/digits/predict?activations=true", {"json": {"pixels": pixels}}),
        ("effective field", "/api/receptive-field/effective", {"json": {
            "layer": "pool2", "y": 2, "x": 2, "pixels": pixels}}),
        ("correlate-2d 12x12 + gradients", "/api/lessons/correlate-2d", {"json": {
            "x": grid12, "w": [[1, 2, 3, 4, 5]] * 5, "delta": [[1.0] * 8] * 8}}),
        ("slide 32x32, 7x7 dilated", "/api/lessons/slide", {"json": {
            "x": grid32, "w": [[1.0] * 7] * 7, "dilation": 4, "padding": "reflect"}}),
        ("pooling 16x16", "/api/lessons/pooling", {"json": {"x": [r[:16] for r in grid32[:16]], "kernel": 2,
                                                              "delta": [[1.0] * 8] * 8}}),
        ("timed run at its budget", "/api/lessons/conv-types/run", {"json": {"dk": 5, "m": 16, "n": 32, "df": 128}}),
        ("parameters, 30 layers", "/api/lessons/parameters", {"json": {"input": [1024, 1024, 1024], "layers": [
            {"kind": "conv", "channels": 1024, "kernel": 3, "padding": 1}] * 30}}),
        ("training run", "/api/runs", {"json": {"train_size": 60_000, "epochs": 1}}),
        *[(f"JSON near the limit to {path}", path, {"content": junk, "headers": {"Content-Type": "application/json"}})
          for path in json_routes],
    ]


def probe(port: int, commands, out) -> None:  # noqa: ANN001  (multiprocessing Queues)
    """In a process of its own, at normal priority, so the load's client (niced) can never delay it:
    for each "start", GET /api/health every 20 ms on a fresh connection until "stop", then put the
    latencies on `out`."""
    while commands.get() == "start":
        samples = []
        while commands.empty():
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/api/health")
                ok = conn.getresponse().status == 200
                conn.close()
            except OSError:
                ok = False
            samples.append(time.perf_counter() - started if ok else float("inf"))  # a failed check counts as infinitely slow
            time.sleep(HEALTH_EVERY if ok else 0.5)
        commands.get()  # the "stop"
        out.put(samples)


class Prober:
    """A health prober started before this process lowers its own priority (see main)."""

    def __init__(self, port: int) -> None:
        ctx = mp.get_context("spawn")
        self.commands, self.out = ctx.Queue(), ctx.Queue()
        self.process = ctx.Process(target=probe, args=(port, self.commands, self.out), daemon=True)
        self.process.start()

    def measure(self, work) -> tuple[list[float], object]:  # noqa: ANN001
        """Health latencies while `work()` runs (with a second of quiet before and after)."""
        self.commands.put("start")
        time.sleep(1)
        result = work()
        time.sleep(0.5)
        self.commands.put("stop")
        return self.out.get(timeout=60), result

    def close(self) -> None:
        self.commands.put("end")
        self.process.join(10)


def summary(samples: list[float]) -> str:
    ms = sorted(s * 1e3 for s in samples)
    p99 = ms[min(len(ms) - 1, int(0.99 * len(ms)))]
    failed = sum(1 for s in samples if s == float("inf"))
    return (f"p50 {statistics.median(ms):.1f} ms, p99 {p99:.1f} ms, max {ms[-1]:.1f} ms ({len(ms)} checks"
            + (f", {failed} failed" if failed else "") + ")")


async def send_load(port: int, load: list[tuple[str, str, dict]]) -> Counter:
    limits = httpx2.Limits(max_connections=400, max_keepalive_connections=400)
    async with httpx2.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=300, limits=limits) as heavy:
        outcomes: Counter = Counter()

        async def send(name: str, path: str, kwargs: dict) -> None:
            try:
                r = await heavy.post(path, **kwargs)
                outcomes[(name, r.status_code)] += 1
            except httpx2.HTTPError as exc:  # the server dropped the connection, or never answered
                outcomes[(name, type(exc).__name__)] += 1

        await asyncio.gather(*(send(name, path, kwargs) for name, path, kwargs in load for _ in range(COPIES)))
        return outcomes


def one_round(prober: Prober, port: int, load: list[tuple[str, str, dict]]) -> tuple[list[float], Counter]:
    return prober.measure(lambda: asyncio.run(send_load(port, load)))


def idle_round(prober: Prober, seconds: float = 5) -> list[float]:
    return prober.measure(lambda: time.sleep(seconds))[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to serve (default: this one)")
    parser.add_argument("--only", default="", help="only the routes whose name contains this (to find the culprit)")
    parser.add_argument("--skip", default="", help="leave out the routes whose name contains this")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="a CONVSCOPE_* setting for the server (repeatable)")
    args = parser.parse_args()
    big_photo, drawing = photo_png(), drawing_png()
    env = {"CONVSCOPE_MAX_QUEUED_RUNS": "5", "CONVSCOPE_TRAIN_THREADS": "1", **dict(e.split("=", 1) for e in args.env)}
    with serve(env, root=args.root) as port:
        body, content_type = multipart(big_photo, "p.jpg", "image/jpeg")
        uploaded = httpx2.post(f"http://127.0.0.1:{port}/api/images", content=body,
                               headers={"Content-Type": content_type}, timeout=120)
        assert uploaded.status_code == 201, uploaded.text
        image_id = uploaded.json()["id"]
        print(f"the photo: {len(big_photo) / 1e6:.1f} MB of JPEG, 8000x5000 pixels; the drawing {len(drawing) / 1e3:.0f} kB")
        junk = near_limit_json(64_000)
        load = [r for r in requests_for(image_id, big_photo, drawing, junk) if args.only in r[0] and not (args.skip and args.skip in r[0])]
        prober = Prober(port)
        # The load's client shares the two cores with the server: it runs at nice 10, as the
        # server's worker threads do, so that it does not starve the server's event loop (nice 0)
        # of the CPU it is here to measure.
        os.nice(10)
        print(f"idle: /api/health {summary(idle_round(prober))}")
        everything: list[float] = []
        for i in range(args.rounds):
            started = time.perf_counter()
            samples, outcomes = one_round(prober, port, load)
            everything += samples
            print(f"round {i + 1}: {len(load)} routes x {COPIES} at once for {time.perf_counter() - started:.1f} s: "
                  f"/api/health {summary(samples)}")
            if i == 0:
                for (name, status), n in sorted(outcomes.items(), key=str):
                    print(f"    {name}: {n} x {status}")
        print(f"all rounds: /api/health {summary(everything)} (target p99 <= 50 ms)")
        prober.close()


if __name__ == "__main__":
    sys.exit(main())
