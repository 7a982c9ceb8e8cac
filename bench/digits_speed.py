"""POST /api/digits/predict from request to last byte, on loopback against `convscope serve`.

    python bench/digits_speed.py      # target: median <= 15 ms

Sends drawings like the page's (280x280 PNG canvases made from MNIST test digits by
tests/digit_drawings.py), one request at a time, and reports median and p90 of 200 requests,
and the accuracy over them.
"""

from __future__ import annotations

import http.client
import json
import statistics
import sys
import time

from live_server import ROOT, multipart, serve

sys.path.insert(0, str(ROOT))

from model.datasets import load_dataset  # noqa: E402
from tests.digit_drawings import drawings  # noqa: E402


def main(count: int = 200) -> None:
    ds = load_dataset()
    items = drawings(ds.test_images, ds.test_labels, count, seed=3)
    times, correct = [], 0
    with serve() as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # keep-alive, as a browser would
        for d in items:
            body, content_type = multipart(d.png, "d.png")
            started = time.perf_counter()
            conn.request("POST", "/api/digits/predict", body=body, headers={"Content-Type": content_type})
            response = conn.getresponse()
            data = response.read()
            times.append(time.perf_counter() - started)
            correct += json.loads(data)["digit"] == d.label
        conn.close()
    times.sort()
    print(f"POST /api/digits/predict, 280x280 PNG canvas, {count} requests: median "
          f"{statistics.median(times) * 1e3:.1f} ms, p90 {times[int(0.9 * count)] * 1e3:.1f} ms "
          f"(target: median <= 15 ms); {correct}/{count} classified correctly")


if __name__ == "__main__":
    main()
