"""The kernel playground's camera: frames a second at 640x480 for a 3x3 and a 7x7 kernel, filtered
in headless Chromium by static/js/kernels/browser-filter.js on Chromium's fake camera, against
the server's engine (model/filters.py) filtering a 640x480 frame in this process.

    .venv/bin/python bench/camera_fps.py

It reports the page's own rate (frames filtered in the last second, sampled every half second for
four seconds: the median) and the filter's time per frame (the median of the same samples), then
the engine's best of 5 for the same kernel on one thread, and their ratio.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from live_server import serve  # noqa: E402
from model.conv_types import best_of  # noqa: E402
from model.filters import filter_image, make_kernel  # noqa: E402
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

FAKE_CAMERA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
KERNELS = {"3x3": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], "7x7": [[1] * 7 for _ in range(7)]}


def browser_rates(port: int) -> dict[str, tuple[float, float]]:
    from playwright.sync_api import sync_playwright

    rates = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS + FAKE_CAMERA)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"http://127.0.0.1:{port}/kernels")
        page.wait_for_selector('[data-kernels-page][data-busy="false"]', timeout=30_000)
        page.select_option("#kp-preset", "outline")
        page.locator("[data-camera-start]").click()
        page.wait_for_selector('[data-camera="on"]', timeout=30_000)
        for name in KERNELS:
            if name == "7x7":
                page.get_by_label("Kernel rows").select_option("7")
                page.get_by_label("Kernel columns").select_option("7")
                for r in range(7):
                    for c in range(7):
                        page.locator(f'[data-cells] .num-cell[data-r="{r}"][data-c="{c}"]').fill("1")
                page.locator("#kp-divisor").fill("49")
            time.sleep(1.5)
            fps, ms = [], []
            for _ in range(8):
                time.sleep(0.5)
                camera = page.locator("[data-camera]")
                fps.append(int(camera.get_attribute("data-camera-fps")))
                ms.append(float(camera.get_attribute("data-camera-filter-ms")))
            status = page.locator("[data-camera-status]").text_content()
            assert f"with the {name.replace('x', chr(0xd7))} kernel" in status, status
            rates[name] = (statistics.median(fps), statistics.median(ms))
        browser.close()
    return rates


def engine_ms(kernel: list[list[int]], divisor: int) -> float:
    frame = np.random.default_rng(0).integers(0, 256, (480, 640, 3), dtype=np.uint8)
    k = make_kernel(kernel, divisor)
    return 1000 * best_of(lambda: filter_image(frame, k, "edge", 1, "clip", threads=1), 5)


def main() -> None:
    with serve() as port:
        rates = browser_rates(port)
    for name, kernel in KERNELS.items():
        fps, ms = rates[name]
        server = engine_ms(kernel, 49 if name == "7x7" else 1)
        print(f"{name}: {fps:.0f} frames a second in Chromium ({ms:.1f} ms a frame, median); "
              f"the engine {server:.1f} ms a frame (best of 5, 1 thread): browser / engine {ms / server:.2f}x")


if __name__ == "__main__":
    main()
