"""POST /api/digits/explain and /api/digits/gradients from request to last byte, on loopback
against `convscope serve`, beside POST /api/digits/predict?activations=true as the peer.

    python bench/units_speed.py [--count 200]    # targets: explain p50 <= 30 ms, gradients p50 <= 50 ms

For each of `count` MNIST test digits (as the prepared 28x28 pixels /api/digits/predict returns),
one request of each kind in turn on one keep-alive connection, as a page clicking through units
would: explain a unit of a layer chosen round-robin (conv, pool, linear, output), all gradients,
and the peer. Prints p50 and p90 of each and the ratios of the p50s to the peer's.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import time

from live_server import ROOT, serve

sys.path.insert(0, str(ROOT))

from model.datasets import load_dataset  # noqa: E402

UNITS = [("conv1", [3, 14, 14]), ("pool1", [2, 7, 7]), ("conv2", [9, 5, 5]), ("pool2", [4, 2, 2]),
         ("fc1", [17]), ("fc2", [40]), ("fc3", [3])]


def timed(conn: http.client.HTTPConnection, path: str, body: dict) -> float:
    data = json.dumps(body).encode()
    started = time.perf_counter()
    conn.request("POST", path, body=data, headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    assert response.status == 200, (path, response.status)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    images = load_dataset().test_images[:args.count]
    times: dict[str, list[float]] = {"explain": [], "gradients": [], "predict with activations (peer)": []}
    with serve() as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i, image in enumerate(images):
            pixels = (image / 255.0).round(4).tolist()
            layer, unit = UNITS[i % len(UNITS)]
            times["explain"].append(timed(conn, "/api/digits/explain", {"pixels": pixels, "layer": layer, "unit": unit}))
            times["gradients"].append(timed(conn, "/api/digits/gradients", {"pixels": pixels}))
            times["predict with activations (peer)"].append(
                timed(conn, "/api/digits/predict?activations=true", {"pixels": pixels}))
        conn.close()
    peer = statistics.median(times["predict with activations (peer)"])
    for name, samples in times.items():
        samples.sort()
        p50 = statistics.median(samples)
        print(f"{name}: p50 {p50 * 1e3:.1f} ms, p90 {samples[int(0.9 * len(samples))] * 1e3:.1f} ms "
              f"({p50 / peer:.2f}x the peer's p50; {len(samples)} requests)")
    print("targets: explain p50 <= 30 ms, gradients p50 <= 50 ms")


if __name__ == "__main__":
    main()
