"""Load on the two busiest endpoints with `hey` (Debian package `hey`), against `convscope serve`.

    apt-get install hey && python bench/load.py [--requests 2000] [--concurrency 8]

1. POST /api/digits/predict with a 280x280 canvas PNG (multipart).
2. POST /api/kernels/apply on a 1600x1200 preview, sharpen, JPEG out.
Prints hey's requests/s, latency percentiles and status codes for each.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

from live_server import ROOT, multipart, serve

sys.path.insert(0, str(ROOT))

from model.datasets import load_dataset  # noqa: E402
from tests.digit_drawings import drawings  # noqa: E402


def hey(url: str, body: Path, content_type: str, requests: int, concurrency: int) -> str:
    out = subprocess.run(["hey", "-n", str(requests), "-c", str(concurrency), "-m", "POST", "-T", content_type,
                          "-D", str(body), url], capture_output=True, text=True, check=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)
    pct = dict(re.findall(r"\s(50|90|99)%% in ([\d.]+) secs".replace("%%", "%"), out))
    codes = re.findall(r"\[(\d{3})\]\s+(\d+) responses", out)
    return (f"{float(rps):,.0f} requests/s; latency p50 {float(pct['50']) * 1e3:.1f} ms, "
            f"p90 {float(pct['90']) * 1e3:.1f} ms, p99 {float(pct['99']) * 1e3:.1f} ms; status "
            + ", ".join(f"{c}: {n}" for c, n in codes))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to serve (default: this one)")
    args = parser.parse_args()
    if shutil.which("hey") is None:
        sys.exit("hey is not installed: apt-get install hey")
    ds = load_dataset()
    digit = drawings(ds.test_images, ds.test_labels, 1, seed=5)[0].png
    photo = Image.open(ROOT / "static" / "samples" / "chelsea.png").convert("RGB").resize((4000, 3000))
    buf = io.BytesIO()
    photo.save(buf, "JPEG", quality=90)
    with serve(root=args.root) as port, tempfile.TemporaryDirectory() as tmp:
        base = f"http://127.0.0.1:{port}"
        body, ctype = multipart(digit, "d.png")
        (Path(tmp) / "digit").write_bytes(body)
        print(f"1. POST /api/digits/predict ({args.requests} requests, {args.concurrency} at a time): "
              + hey(f"{base}/api/digits/predict", Path(tmp) / "digit", ctype, args.requests, args.concurrency))
        upload, utype = multipart(buf.getvalue(), "photo.jpg", "image/jpeg")
        conn_status, image = _upload(port, upload, utype)
        assert conn_status == 201, image
        (Path(tmp) / "apply").write_text(json.dumps({"image_id": image["id"], "preset": "sharpen", "format": "jpeg"}))
        print(f"2. POST /api/kernels/apply on the {image['preview_width']}x{image['preview_height']} preview "
              f"({args.requests} requests, {args.concurrency} at a time): "
              + hey(f"{base}/api/kernels/apply", Path(tmp) / "apply", "application/json", args.requests,
                    args.concurrency))


def _upload(port: int, body: bytes, content_type: str) -> tuple[int, dict]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", "/api/images", body=body, headers={"Content-Type": content_type})
    response = conn.getresponse()
    data = json.loads(response.read())
    conn.close()
    return response.status, data


if __name__ == "__main__":
    main()
