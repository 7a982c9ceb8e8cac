#!/usr/bin/env python3
"""Screenshot the landing page with the system Chromium (for docs and eyeballing).

    .venv/bin/python scripts/screenshot.py            # docs/screenshot-landing.png + /tmp/convscope-phone.png
    .venv/bin/python scripts/screenshot.py --path /kernels --out /tmp/kernels.png

Starts ``uvicorn app.main:app`` on a free port, takes the pictures, stops it.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/api/health", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit("server did not become healthy")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", default="/", help="page to capture (default: /)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot-landing.png", help="desktop PNG")
    parser.add_argument("--phone-out", type=Path, default=Path("/tmp/convscope-phone.png"), help="phone PNG")
    parser.add_argument("--full-page", action="store_true", help="capture the whole page, not just the viewport")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
        cwd=ROOT,
    )
    try:
        wait_healthy(url, proc)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for out, viewport, scale in [
                (args.out, {"width": 1280, "height": 800}, 1),
                (args.phone_out, {"width": 390, "height": 844}, 2),
            ]:
                context = browser.new_context(viewport=viewport, device_scale_factor=scale, reduced_motion="reduce")
                page = context.new_page()
                page.goto(url + args.path)
                page.wait_for_load_state("networkidle")
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out), full_page=args.full_page)
                print(f"{viewport['width']}x{viewport['height']} -> {out}")
                context.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=15)


if __name__ == "__main__":
    main()
