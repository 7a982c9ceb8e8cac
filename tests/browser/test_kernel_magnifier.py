"""The kernel playground's magnifier beside the pointer, in a real browser: at 1280x800 the pixel
pointed at and its sum are on screen together; it follows the pointer, a tap and the arrow keys,
shows the engine's numbers (POST /api/kernels/explain), never covers the window it explains, and
sits under the images on a phone. A stride-4 result is shown at a readable size."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_kernels import PHONE, hover_pixel, number, open_page, root, wait_idle

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 800}


def overlap(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def inside_viewport(box: dict, viewport: dict) -> bool:
    return box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= viewport["width"] \
        and box["y"] + box["height"] <= viewport["height"]


def assert_magnifier_matches_api(page: Page) -> dict:
    wait_idle(page)
    body = json.loads(page.locator("[data-arithmetic]").get_attribute("data-request"))
    magnifier = page.locator("[data-magnifier]")
    expect(magnifier).to_have_attribute("data-explained", f"{body['x']},{body['y']}")
    api = page.request.post("/api/kernels/explain", data=body).json()
    for channel in api["channels"]:
        row = magnifier.locator(f'[data-channel="{channel["channel"]}"]')
        window = [[number(t) for t in r.locator(".kp-num").all_text_contents()]
                  for r in row.locator(".kp-mini-row").all()]
        assert window == [[round(v) for v in r] for r in channel["first"]["window"]]
        text = row.locator("[data-mag-sum]").text_content()
        sum_text, mapped = text.split(" \u2192 ")
        assert number(sum_text.split(" = ")[1].split(" ")[0]) == pytest.approx(channel["first"]["sum"], abs=1e-3)
        assert int(mapped) == channel["mapped"]
    return api


def test_the_pixel_and_its_sum_are_seen_together_and_follow_pointer_and_keys(page: Page, page_problems) -> None:
    page.set_viewport_size(DESKTOP)
    open_page(page)
    magnifier = page.locator("[data-magnifier]")
    for x, y in [(120, 90), (400, 250), (10, 290)]:
        hover_pixel(page, "input", x, y)
        wait_idle(page)
        assert_magnifier_matches_api(page)
        window = page.locator('[data-pixel-view="input"] [data-marker]').bounding_box()
        box = magnifier.bounding_box()
        assert inside_viewport(box, DESKTOP) and inside_viewport(window, DESKTOP)
        assert not overlap(box, window), (box, window)
        gap = max(window["x"] - (box["x"] + box["width"]), box["x"] - (window["x"] + window["width"]))
        assert 0 <= gap <= 40, "beside the window it explains"

    # The keyboard moves the selection, and the magnifier with it.
    page.locator('[data-pixel-view="output"]').focus()
    before = root(page).get_attribute("data-selected")
    page.keyboard.press("ArrowRight")
    wait_idle(page)
    x, y = map(int, before.split(","))
    expect(magnifier).to_have_attribute("data-explained", f"{x + 1},{y}")
    assert_magnifier_matches_api(page)
    ring = page.locator('[data-pixel-view="output"] [data-marker]').bounding_box()
    assert not overlap(magnifier.bounding_box(), ring)


def test_on_a_phone_it_sits_under_the_images_and_answers_a_tap(page: Page, page_problems) -> None:
    page.set_viewport_size(PHONE)
    open_page(page)
    frame = page.locator('[data-pixel-view="input"]')
    frame.scroll_into_view_if_needed()
    box = frame.locator("canvas").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.6)
    wait_idle(page)
    assert_magnifier_matches_api(page)
    images = page.locator(".kp-figures").bounding_box()
    magnifier = page.locator("[data-magnifier]").bounding_box()
    assert magnifier["y"] >= images["y"] + images["height"] - 1, "in the flow, under the images"
    assert magnifier["width"] <= PHONE["width"]


def test_a_stride_4_result_is_shown_at_a_readable_size(page: Page, page_problems) -> None:
    page.set_viewport_size(DESKTOP)
    open_page(page)
    page.get_by_role("radio", name="4", exact=True).check()
    wait_idle(page)
    expect(page.locator("[data-output-size]")).to_have_text("113 \u00d7 75 px")  # ceil(451 / 4), ceil(300 / 4)
    shown = page.locator('[data-pixel-view="output"] canvas').bounding_box()
    original = page.locator('[data-pixel-view="input"] canvas').bounding_box()
    assert shown["width"] >= 0.5 * original["width"] - 1  # not a quarter: half the column at least
    assert "is-upscaled" in page.locator('[data-pixel-view="output"]').get_attribute("class")  # crisp pixels
    # and one click downloads the full result
    with page.expect_download() as download:
        page.locator("[data-download]").click()
    assert download.value.suggested_filename.endswith(".png")
