"""How fast is the kernel playground, against OpenCV, SciPy and Pillow on the same photo?

    pip install opencv-python-headless   # benchmark only
    python bench/kernels_speed.py

1. Filtering a 4000x3000 RGB photo (a sample, enlarged) with 3x3 and 5x5 kernels, uint8 in and
   out, edge pixels replicated: ours (model/filters.py, 2 threads), cv2.filter2D (2 threads),
   scipy.ndimage.correlate and Pillow's ImageFilter.Kernel (3x3 and 5x5 only). Best of 3 runs.
2. The playground's interactive loop: POST /api/kernels/apply on the 1600x1200 preview of that
   photo, JPEG out, from request to last byte over loopback against `convscope serve`: median
   and 90th percentile of 40 requests.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.ndimage as ndi
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from live_server import multipart, serve  # noqa: E402
from model.conv_types import best_of  # noqa: E402
from model.filters import filter_image, make_kernel  # noqa: E402

try:
    import cv2
except ImportError:
    cv2 = None

KERNELS = {
    "sharpen 3x3": (np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]), 1),
    "box blur 3x3": (np.ones((3, 3)), 9),
    "Gaussian 3x3": (np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]), 16),
    "dense random 3x3": (np.random.default_rng(0).uniform(-1, 1, (3, 3)), 1),
    "Gaussian 5x5": (np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]), 256),
    "dense random 5x5": (np.random.default_rng(1).uniform(-1, 1, (5, 5)), 1),
}


def filtering(photo: np.ndarray) -> None:
    print(f"1. Filtering a {photo.shape[1]}x{photo.shape[0]} RGB photo, uint8 -> uint8, edge replicated "
          "(best of 3, ms)")
    pil = Image.fromarray(photo)
    if cv2 is not None:
        cv2.setNumThreads(2)
    print(f"   {'kernel':18s} {'ours':>7s} {'cv2':>7s} {'scipy':>7s} {'Pillow':>7s}   ours/cv2  scipy/ours  Pillow/ours")
    for name, (weights, divisor) in KERNELS.items():
        kernel = make_kernel(weights, divisor)
        scaled = (weights / divisor).astype(np.float32)
        ours = best_of(lambda: filter_image(photo, kernel, "edge", 1, "clip", threads=2))
        peer_cv = best_of(lambda: cv2.filter2D(photo, -1, scaled, borderType=cv2.BORDER_REPLICATE)) if cv2 else None
        peer_scipy = best_of(lambda: ndi.correlate(photo, scaled[:, :, None], mode="nearest"), repeats=1)
        peer_pil = best_of(lambda: pil.filter(ImageFilter.Kernel(weights.shape, scaled.ravel().tolist(), scale=1)),
                           repeats=1) if weights.shape in ((3, 3), (5, 5)) else None
        fmt = lambda t: f"{t * 1e3:7.1f}" if t is not None else "      -"  # noqa: E731
        ratio = lambda a, b: f"{a / b:9.2f}x" if a is not None and b is not None else "        -"  # noqa: E731
        print(f"   {name:18s} {fmt(ours)} {fmt(peer_cv)} {fmt(peer_scipy)} {fmt(peer_pil)}  "
              f"{ratio(ours, peer_cv)}  {ratio(peer_scipy, ours)}   {ratio(peer_pil, ours)}")
    print("   targets: ours/cv2 <= 3x; scipy/ours and Pillow/ours >= 3x")


def _request(port: int, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, data


def preview_latency(photo: np.ndarray, requests: int = 40) -> None:
    with serve() as port, tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "photo.jpg"
        Image.fromarray(photo).save(png, quality=92)
        body, content_type = multipart(png.read_bytes(), "photo.jpg", "image/jpeg")
        status, data = _request(port, "POST", "/api/images", body, {"Content-Type": content_type})
        info = json.loads(data)
        print(f"2. POST /api/kernels/apply on the {info['preview_width']}x{info['preview_height']} preview, "
              f"JPEG out, loopback ({requests} requests)")
        for preset in ("sharpen", "gaussian-5"):
            payload = json.dumps({"image_id": info["id"], "preset": preset, "format": "jpeg"}).encode()
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                status, data = _request(port, "POST", "/api/kernels/apply", payload,
                                        {"Content-Type": "application/json"})
                times.append(time.perf_counter() - started)
                assert status == 200, data[:200]
            times.sort()
            print(f"   {preset:12s} median {statistics.median(times) * 1e3:6.1f} ms, "
                  f"p90 {times[int(0.9 * len(times))] * 1e3:6.1f} ms  (target: median <= 60 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", default=str(ROOT / "static" / "samples" / "chelsea.png"))
    parser.add_argument("--skip-server", action="store_true")
    args = parser.parse_args()
    sample = Path(args.sample)
    if not sample.exists():
        sample = ROOT.parent / "shared" / "samples" / "chelsea.png"
    photo = np.asarray(Image.open(sample).convert("RGB").resize((4000, 3000), Image.LANCZOS))
    filtering(photo)
    if not args.skip_server:
        preview_latency(photo)


if __name__ == "__main__":
    main()
