#!/usr/bin/env python3
"""Screenshot convscope with the system Chromium (for docs and eyeballing).

    .venv/bin/python scripts/screenshot.py            # docs/screenshot-landing.png + /tmp/convscope-phone.png
    .venv/bin/python scripts/screenshot.py --path /kernels --out /tmp/kernels.png
    .venv/bin/python scripts/screenshot.py --readme   # every docs/screenshot-*.png the README shows

``--readme`` takes each tool at 1280x800 in use: a pixel's arithmetic on /kernels, a short run
training on /training, a drawn 7 classified on /digits, one of its conv2 units explained (and
the 7 handed to /receptive-field, with a unit selected), a network of your own planned on
/training, the first lesson.

Starts ``uvicorn app.main:app`` on a free port (training runs go to a scratch directory), takes
the pictures, stops it.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (the tests' own browser set-up)


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


DESKTOP = {"width": 1280, "height": 800}
DOCS = ROOT / "docs"
TIMEOUT = 60_000
# A 7 as a person draws it, in fractions of the pad: the bar left to right, then the stem.
SEVEN = [
    [(0.24, 0.2), (0.4, 0.185), (0.58, 0.18), (0.76, 0.175)],
    [(0.76, 0.175), (0.68, 0.36), (0.6, 0.54), (0.53, 0.72), (0.48, 0.88)],
]


def at(box: dict, x: float, y: float) -> tuple[float, float]:
    return box["x"] + x * box["width"], box["y"] + y * box["height"]


def shoot_landing(page, out: Path) -> None:  # noqa: ANN001
    page.goto("/")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(out))


def shoot_kernels(page, out: Path) -> None:  # noqa: ANN001
    page.goto("/kernels")
    root = page.locator("[data-kernels-page]")
    root.and_(page.locator('[data-busy="false"]')).wait_for(timeout=TIMEOUT)
    page.wait_for_function("() => Number(document.querySelector('[data-kernels-page]').dataset.resultVersion) >= 1",
                           timeout=TIMEOUT)
    box = page.locator('[data-pixel-view="output"]').bounding_box()
    page.mouse.move(*at(box, 0.5, 0.5), steps=5)  # the cat's left eye: its sum appears below
    page.wait_for_timeout(400)
    root.and_(page.locator('[data-busy="false"]')).wait_for(timeout=TIMEOUT)
    page.screenshot(path=str(out))


def shoot_training(page, out: Path) -> None:  # noqa: ANN001
    """A short run, caught while it trains: its second epoch under way, curves, kernels and maps in."""
    page.goto("/training")
    root = page.locator("[data-training-page]")
    root.and_(page.locator('[data-ready="true"]')).wait_for(timeout=TIMEOUT)
    form = page.locator("[data-run-form]")
    form.get_by_role("button", name="Fast").click()
    form.get_by_role("group", name="Quick training-set sizes").get_by_role("button", name="10,000").click()
    form.get_by_label("Epochs").fill("6")
    form.get_by_role("button", name="Start training").click()
    page.wait_for_function(
        "() => { const d = document.querySelector('[data-training-page]').dataset;"
        " return d.status === 'running' && Number(d.epochPoints) >= 1 && Number(d.batchPoints) >= 60; }",
        timeout=4 * TIMEOUT)
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)
    page.screenshot(path=str(out))


def draw_seven(page) -> None:  # noqa: ANN001
    canvas = page.locator("[data-draw-pad] canvas")
    box = canvas.bounding_box()
    for stroke in SEVEN:
        page.mouse.move(*at(box, *stroke[0]))
        page.mouse.down()
        for point in stroke[1:]:
            page.mouse.move(*at(box, *point), steps=8)
        page.mouse.up()


def settle_and_shoot(page, ready: str, out: Path, pause_ms: int = 300) -> None:  # noqa: ANN001
    """Wait for the `ready` selector, move the pointer out of the way, let hover effects fade, shoot."""
    page.locator(ready).wait_for(timeout=TIMEOUT)
    page.mouse.move(0, 0)
    page.wait_for_timeout(pause_ms)
    page.screenshot(path=str(out))


def shoot_digits(page, out: Path) -> None:  # noqa: ANN001
    page.goto("/digits")
    page.wait_for_load_state("networkidle")
    draw_seven(page)
    settle_and_shoot(page, '[data-digits-page][data-state="predicted"][data-busy="false"]', out)


def shoot_digit_unit(page, out: Path) -> None:  # noqa: ANN001
    """The 7 just drawn (same session), a conv2 unit on its bar picked: its sum and its gradient."""
    page.goto("/digits")
    page.locator('[data-digits-page][data-state="predicted"][data-busy="false"]').wait_for(timeout=TIMEOUT)
    canvas = page.locator('[data-layer-maps] [data-layer="conv2"] canvas').nth(1)
    canvas.scroll_into_view_if_needed()
    page.mouse.click(*at(canvas.bounding_box(), 0.55, 0.45))
    page.locator('[data-unit-panel][data-state="shown"]').wait_for(timeout=TIMEOUT)
    page.evaluate("document.querySelector('[data-layer=\"pool1\"]').scrollIntoView({block: 'start'})")
    page.evaluate("window.scrollBy(0, -70)")
    settle_and_shoot(page, '[data-unit-panel][data-state="shown"]', out, 500)


def shoot_receptive_field(page, out: Path) -> None:  # noqa: ANN001
    """The 7 just drawn on /digits (same browser session), with a pool2 unit on its bar selected."""
    page.goto("/receptive-field")
    page.locator('[data-rf-page][data-picture="stored"][data-busy="false"]').wait_for(timeout=TIMEOUT)
    box = page.locator('[data-layer="pool2"] .rf-grid-frame').bounding_box()
    page.mouse.click(*at(box, 0.62, 0.27))
    settle_and_shoot(page, '[data-rf-page][data-busy="false"]', out, 500)


def shoot_network(page, out: Path) -> None:  # noqa: ANN001
    """/training with Network "your own": the modern small preset and its plan, layer by layer."""
    page.goto("/training")
    page.locator("[data-training-page][data-ready]").wait_for(timeout=TIMEOUT)
    page.select_option("#tr-model", "custom")
    page.locator('[data-network-designer][data-state="planned"]').wait_for(timeout=TIMEOUT)
    page.mouse.move(0, 0)
    page.evaluate("window.scrollTo(0, 0)")  # a full-page clip: the sticky header stays at the top, off the panel
    box = page.locator("[data-network-designer]").bounding_box()
    page.screenshot(path=str(out), full_page=True, clip={"x": box["x"] - 8, "y": box["y"] - 8,
                                                         "width": box["width"] + 16, "height": box["height"] + 16})


def shoot_lessons(page, out: Path) -> None:  # noqa: ANN001
    page.goto("/lessons/cross-correlation")
    page.locator('[data-lesson-page][data-busy="false"]').wait_for(timeout=TIMEOUT)
    page.screenshot(path=str(out))


def hide_header(page) -> None:  # noqa: ANN001
    """The sticky site header would lie over an element's shot."""
    page.evaluate("document.querySelectorAll('body > header').forEach(h => { h.style.visibility = 'hidden'; })")


def shoot_impulse(page, out: Path) -> None:  # noqa: ANN001
    """/kernels: a black canvas, one white pixel (the impulse tool), the emboss kernel's response."""
    page.goto("/kernels")
    root = page.locator("[data-kernels-page]")
    root.and_(page.locator('[data-busy="false"]')).wait_for(timeout=TIMEOUT)
    page.select_option("#kp-preset", "emboss")
    root.and_(page.locator('[data-busy="false"]')).wait_for(timeout=TIMEOUT)
    page.locator("[data-paint-fill]").click()
    root.and_(page.locator('[data-busy="false"]')).wait_for(timeout=TIMEOUT)
    page.get_by_role("radio", name="Impulse").check()
    box = page.locator('[data-pixel-view="input"] canvas').bounding_box()
    page.mouse.click(*at(box, 0.5, 0.5))
    page.wait_for_timeout(600)
    root.and_(page.locator('[data-busy="false"]')).wait_for(timeout=TIMEOUT)
    hide_header(page)
    page.locator(".kp-stage").screenshot(path=str(out))


def shoot_lesson(slug: str, section: str):  # noqa: ANN201
    """A lesson's part as its page first shows it."""
    def shoot(page, out: Path) -> None:  # noqa: ANN001
        page.goto(f"/lessons/{slug}")
        page.locator('[data-lesson-page][data-busy="false"]').wait_for(timeout=TIMEOUT)
        page.mouse.move(0, 0)
        hide_header(page)
        page.locator(f'[data-section="{section}"]').screenshot(path=str(out))
    return shoot


ONLY = ""


def readme(browser, url: str) -> None:  # noqa: ANN001
    """Every screenshot the README shows, in one browser session (the drawing carries over)."""
    context = browser.new_context(viewport=DESKTOP, base_url=url, reduced_motion="reduce")
    page = context.new_page()
    for name, shoot in [("landing", shoot_landing), ("kernels", shoot_kernels), ("training", shoot_training),
                        ("digits", shoot_digits), ("digit-unit", shoot_digit_unit),
                        ("receptive-field", shoot_receptive_field), ("network", shoot_network),
                        ("lessons", shoot_lessons), ("impulse", shoot_impulse),
                        ("transposed", shoot_lesson("transposed-convolution", "transposed")),
                        ("groups", shoot_lesson("groups", "groups")),
                        ("causal", shoot_lesson("causal-convolution", "stack")),
                        ("translation", shoot_lesson("translation", "curves"))]:
        out = DOCS / f"screenshot-{name}.png"
        if ONLY and ONLY not in name and name != "digits":
            continue
        shoot(page, out if not ONLY or ONLY in name else Path(tempfile.gettempdir()) / out.name)
        print(f"{DESKTOP['width']}x{DESKTOP['height']} -> {out}")
    context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", default="/", help="page to capture (default: /)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot-landing.png", help="desktop PNG")
    parser.add_argument("--phone-out", type=Path, default=Path("/tmp/convscope-phone.png"), help="phone PNG")
    parser.add_argument("--full-page", action="store_true", help="capture the whole page, not just the viewport")
    parser.add_argument("--readme", action="store_true", help="retake every docs/screenshot-*.png instead")
    parser.add_argument("--only", default="", help="with --readme: only the shots whose name contains this "
                        "(the earlier ones in the session still run, unsaved, when a later one needs their drawing)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    runs = tempfile.TemporaryDirectory(prefix="convscope-screenshot-")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
        cwd=ROOT,
        env={**os.environ, "CONVSCOPE_RUNS_DIR": runs.name},
    )
    try:
        wait_healthy(url, proc)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            if args.readme:
                global ONLY
                ONLY = args.only
                readme(browser, url)
                browser.close()
                return
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
        runs.cleanup()


if __name__ == "__main__":
    main()
