"""The kernel playground's camera and its in-browser filter, in a real browser: the browser's
filter (static/js/kernels/browser-filter.js) gives the server's bytes for the same picture over
presets, border modes, strides and mappings; the camera runs on Chromium's fake media stream
(--use-fake-device-for-media-stream), its status sentence states the measured frame rate, and
"Use this frame" hands the frame to the server, whose result the browser's filter matches."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.browser.test_kernels import open_page, root, wait_idle

pytestmark = pytest.mark.browser
FAKE_CAMERA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]

# In the page: the uploaded picture (its lossless PNG: the canvas shows a JPEG preview) through the
# browser's filter, against the server's PNG result for the same request; returns the number of
# bytes that differ and the largest difference.
COMPARE = """async ([body, settings]) => {
  const { filterFrame } = await import("/static/js/kernels/browser-filter.js");
  const pixels = async (response) => {
    const bitmap = await createImageBitmap(await response.blob());
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext("2d");
    context.drawImage(bitmap, 0, 0);
    return context.getImageData(0, 0, bitmap.width, bitmap.height);
  };
  const frame = await pixels(await fetch(`/api/images/${body.image_id}/preview?full_resolution=true`));
  const mine = filterFrame(frame, settings);
  const response = await fetch("/api/kernels/apply", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...body, format: "png" }) });
  const bitmap = await createImageBitmap(await response.blob());
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext("2d");
  context.drawImage(bitmap, 0, 0);
  const theirs = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
  let differ = 0, largest = 0;
  for (let k = 0; k < theirs.length; k += 1) {
    const d = Math.abs(theirs[k] - mine.data[k]);
    if (d) { differ += 1; largest = Math.max(largest, d); }
  }
  return { differ, largest, size: [mine.width, mine.height], server: [bitmap.width, bitmap.height] };
}"""


@pytest.fixture
def camera_page(browser: Browser, live_server, page_problems) -> Iterator[Page]:  # noqa: ANN001
    """A page in a Chromium whose camera is the fake device (a 640x480 test pattern), allowed."""
    camera_browser = browser.browser_type.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS + FAKE_CAMERA)
    context = camera_browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and page_problems.items.append(f"console: {msg.text}"))
    page.on("pageerror", lambda exc: page_problems.items.append(f"uncaught: {exc}"))
    try:
        yield page
    finally:
        context.close()
        camera_browser.close()


def compare(page: Page, settings: dict) -> dict:
    wait_idle(page)
    body = json.loads(root(page).get_attribute("data-request"))
    for name in ("padding", "stride", "output", "flip", "channels"):
        assert body[name] == settings[name], (name, body, settings)
    return page.evaluate(COMPARE, [body, settings])


def settings_of(preset: dict, **options) -> dict:
    base = {"kernel": preset["kernel"], "divisor": preset["divisor"], "normalize": False, "channels": "rgb",
            "padding": "edge", "stride": 1, "output": preset["output"], "flip": False,
            "second": preset.get("second_kernel")}
    return base | options


@pytest.mark.parametrize("preset,options,controls", [
    ("outline", {}, []),
    ("gaussian-5", {"padding": "reflect", "stride": 2}, [("radio", "Reflect"), ("radio", "2")]),
    ("sobel-left", {"padding": "zero", "output": "offset"}, [("radio", "Zero"), ("radio", "+128")]),
    ("emboss", {"padding": "wrap", "flip": True, "output": "rescale"}, [("radio", "Wrap"), ("switch", "Flip kernel"),
                                                                       ("radio", "Rescale")]),
    ("motion-blur", {"padding": "valid", "stride": 3}, [("radio", "Valid"), ("radio", "3")]),
    ("sobel-magnitude", {}, []),
])
def test_the_browsers_filter_gives_the_servers_bytes(page: Page, page_problems, preset, options, controls) -> None:
    open_page(page)
    presets = {p["name"]: p for p in page.request.get("/api/kernels/presets").json()}
    page.select_option("#kp-preset", preset)
    for role, name in controls:
        wait_idle(page)
        page.get_by_role(role, name=name, exact=role == "radio").check()
    got = compare(page, settings_of(presets[preset], **options))
    assert got["size"] == got["server"]
    assert got["differ"] == 0, got


def test_the_camera_filters_frames_in_the_browser_and_a_frame_matches_the_server(camera_page: Page,
                                                                                 page_problems) -> None:
    page = camera_page
    open_page(page)
    presets = {p["name"]: p for p in page.request.get("/api/kernels/presets").json()}
    photo = root(page).get_attribute("data-image-id")
    page.locator("[data-camera-start]").click()
    camera = page.locator("[data-camera]")
    expect(camera).to_have_attribute("data-camera", "on", timeout=20_000)
    expect(camera).to_have_attribute("data-camera-frames", re.compile(r"^([5-9]|\d\d+)$"), timeout=20_000)
    assert page.locator('[data-pixel-view="input"]').get_attribute("data-width") == "640"
    assert page.locator('[data-pixel-view="output"]').get_attribute("data-height") == "480"
    expect(page.locator("[data-input-size]")).to_have_text("640 \u00d7 480 px")
    fps = int(camera.get_attribute("data-camera-fps"))
    status = page.locator("[data-camera-status]").text_content()
    match = re.search(r"640\u00d7480 camera, filtered in this browser with the 3\u00d73 kernel: (\d+) frames a second", status)
    assert match and abs(int(match.group(1)) - fps) <= 60 and "No frame leaves this machine" in status

    page.locator("[data-camera-use]").click()
    expect(camera).to_have_attribute("data-camera", "off")
    expect(root(page)).not_to_have_attribute("data-image-id", photo)
    wait_idle(page)
    expect(page.locator("[data-input-size]")).to_contain_text("640 \u00d7 480")
    got = compare(page, settings_of(presets["outline"]))
    assert got["size"] == [640, 480] and got["differ"] == 0, got
