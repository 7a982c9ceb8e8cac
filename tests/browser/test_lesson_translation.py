"""Lesson 11, translation, in a real browser: the sliders move the digit, and the maps, the answers,
the sentences and the charts follow the engine's answer for that shift; a channel button picks the
map shown; the curves, their table and the sentence under them are the API's numbers; the
learner's drawing from /digits is offered and used."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from model.datasets import load_dataset
from tests.browser.test_lessons import api, open_lesson, shown_request, wait_idle

pytestmark = pytest.mark.browser
SLUG = "translation"
MINUS = "\u2212"


def slide(page: Page, axis: str, value: int) -> None:
    page.locator(f'[data-shift="{axis}"]').fill(str(value))
    wait_idle(page)


def shown(page: Page) -> dict:
    body = shown_request(page.locator('[data-section="shift"]'))
    return {"dx": body["dx"], "dy": body["dy"]}


def answer_for(page: Page, dx: int, dy: int) -> dict:
    pixels = json.loads(page.locator('[data-section="shift"]').get_attribute("data-request"))["pixels"]
    return api(page, "translation", {"pixels": pixels, "dx": dx, "dy": dy})


def pct(value: float, decimals: int = 0) -> str:
    text = f"{value * 100:.{decimals}f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def test_the_sliders_move_the_digit_and_the_maps_and_words_follow(page: Page, page_problems) -> None:
    open_lesson(page, SLUG)
    expect(page.locator('[data-pick="sample:7"]')).to_have_attribute("aria-pressed", "true")
    assert shown(page) == {"dx": 0, "dy": 0}
    expect(page.locator("[data-shift-text]")).to_have_text("Not moved yet: slide dx or dy.")
    expect(page.locator('[data-layer="conv1"] [data-map-text]')).to_contain_text("Not moved")

    slide(page, "dx", 3)
    assert shown(page) == {"dx": 3, "dy": 0}
    answer = answer_for(page, 3, 0)
    conv1, conv2 = answer["maps"]
    expect(page.locator("[data-shift-text]")).to_have_text("Moved 3 pixels right. All the ink is still in the picture.")
    expect(page.locator('[data-layer="conv1"] [data-map-text]')).to_contain_text(
        f"inside the region compared, {conv1['inside_cells']} of 784 cells, the two agree exactly")
    expect(page.locator('[data-layer="conv1"] [data-map-text]')).to_contain_text(
        f"The {conv1['differing_outside']} cells that differ lie outside it")
    expect(page.locator('[data-layer="conv2"] [data-map-text]')).to_contain_text(
        "3 pixels right is not a whole number of cells: moved by 1 cell right (rounded towards 0), the maps differ in "
        + ("all" if conv2["differing_inside"] == conv2["inside_cells"] else f"{conv2['differing_inside']} of the")
        + f" {conv2['inside_cells']} cells compared")
    expect(page.locator('[data-layer="conv2"] [data-map-caption]')).to_have_text("conv2(x), moved 1 cell right")
    expect(page.locator('[data-section="maps"] [data-code]')).to_have_text(answer["code"])
    items = page.locator("[data-answers] li")
    expect(items).to_have_count(4)
    for key, probabilities in answer["current"].items():
        top = int(np.argmax(probabilities))
        expect(page.locator(f'[data-answers] [data-network="{key}"] strong')).to_contain_text(f"{top} (")

    slide(page, "dx", 2)
    slide(page, "dy", 6)
    assert shown(page) == {"dx": 2, "dy": 6}
    answer = answer_for(page, 2, 6)
    conv2 = answer["maps"][1]
    assert conv2["whole"] and conv2["differing_inside"] == 0
    expect(page.locator('[data-layer="conv2"] [data-map-text]')).to_contain_text(
        f"conv2 (moved 1 cell right and 3 cells down of its grid): inside the region compared, {conv2['inside_cells']} of "
        "100 cells, the two agree exactly")
    lost = 1 - answer["ink_kept"]
    assert lost > 0.1  # the 7's foot leaves the picture
    expect(page.locator("[data-shift-text]")).to_have_text(
        f"Moved 2 pixels right and 6 pixels down. {pct(lost)} of the ink has left the picture and is lost.")
    page_problems.assert_none()


def test_a_channel_button_picks_the_map_and_the_canvas_shows_it(page: Page, page_problems) -> None:
    open_lesson(page, SLUG)
    slide(page, "dx", 4)
    layer = page.locator('[data-layer="conv2"]')
    expect(layer.locator("[data-channels] button")).to_have_count(16)
    before = layer.locator('[data-map="of_shifted"]').evaluate("c => c.toDataURL()")
    layer.locator('[data-channel="5"]').click()
    expect(layer).to_have_attribute("data-channel", "5")
    expect(layer.locator('[data-channel="5"]')).to_have_attribute("aria-pressed", "true")
    assert layer.locator('[data-map="of_shifted"]').evaluate("c => c.toDataURL()") != before
    # the canvas is the API's map 6, painted cell by cell (16 px a cell): the sign of its centre pixels
    answer = answer_for(page, 4, 0)
    maps = np.array(answer["maps"][1]["of_shifted"][5])
    rgb = layer.locator('[data-map="of_shifted"]').evaluate(
        "c => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)")
    pixels = np.array(rgb, dtype=np.uint8).reshape(160, 160, 4)
    centres = pixels[8::16, 8::16, :3].astype(int)  # (10, 10, 3)
    bluer = centres[..., 2] - centres[..., 0]
    strong = np.abs(maps) > 0.3 * np.abs(maps).max()
    assert np.all(np.sign(bluer[strong]) == np.sign(maps[strong]))  # blue above 0, red below
    page_problems.assert_none()


def test_the_profiles_charts_and_sentences_follow_the_axis(page: Page, page_problems) -> None:
    open_lesson(page, SLUG)
    section = page.locator('[data-section="pooling"]')
    assert shown_request(section)["axis"] == "x"
    answer = answer_for(page, 0, 0)
    profile = answer["profiles"][0]
    at = lambda layer, d: (profile["change"][layer][8 + d] + profile["change"][layer][8 - d]) / 2  # noqa: E731
    expect(page.locator("[data-pooling-text]")).to_contain_text(f"pool2 changes by {pct(at('pool2', 1))}")
    expect(page.locator("[data-pooling-text]")).to_contain_text(f"conv1's {pct(at('conv1', 1))}")
    expect(page.locator('[data-chart="change"]')).to_have_attribute("data-points", "17")
    page.get_by_label("up and down").first.check()
    wait_idle(page)
    expect(section).to_have_attribute("data-request", re.compile('"axis":"y"'))
    text = page.locator("[data-probability-text]").inner_text()
    assert text.startswith("Moved up and down, the digit is still read as 7: by LeNet-5, trained with distortions")
    profile = answer["profiles"][1]
    top = profile["top"]["mlp_plain"]
    low = next(s for s in range(0, -9, -1) if s == -8 or top[8 + s - 1] != 7)
    high = next(s for s in range(0, 9) if s == 8 or top[8 + s + 1] != 7)
    if (low, high) != (-8, 8):
        expect(page.locator("[data-probability-text]")).to_contain_text(
            f"by the MLP, trained without distortions from {str(low).replace('-', MINUS)} to {high} pixels")
    page_problems.assert_none()


def test_the_curves_table_and_sentence_are_the_measured_numbers(page: Page, page_problems) -> None:
    open_lesson(page, SLUG)
    curves = api(page, "translation/curves")
    section = page.locator('[data-section="curves"]')
    expect(section.locator("[data-curve-rows] tr")).to_have_count(4)
    mean = {key: [np.mean([c[d][i] for d in c]) for i in range(7)] for key, c in curves["curves"].items()}
    for key, values in mean.items():
        cells = section.locator(f'[data-curve-rows] [data-network="{key}"] td')
        assert cells.all_inner_texts() == [f"{v * 100:.1f}%" for v in values]
    text = section.locator("[data-curves-text]").inner_text()
    fixed = lambda v: f"{v * 100:.1f}%"  # noqa: E731
    assert f"LeNet-5 keeps {fixed(mean['lenet5_plain'][4])} of the test digits and the MLP {fixed(mean['mlp_plain'][4])}" in text
    assert f"they keep {fixed(mean['lenet5'][4])} and {fixed(mean['mlp'][4])}" in text
    assert f"the best of the four keeps {fixed(max(v[6] for v in mean.values()))} against" in text
    assert "shifts of up to 2 pixels, turns of up to 10\u00b0, scalings by up to 10% and shears of up to 10\u00b0" in text
    assert "none of them is translation invariant" in text
    expect(section.locator('[data-chart="curves"]')).to_have_attribute("data-points", "13")
    page_problems.assert_none()


def test_the_drawing_from_the_digits_page_is_offered_and_used(page: Page, page_problems) -> None:
    three = load_dataset().test_images[30].tolist()  # a 3
    page.goto("/lessons")
    page.evaluate("pixels => sessionStorage.setItem('convscope:last-digit', JSON.stringify("
                  "{v: 1, strokes: [{width: 20, points: [{x: 1, y: 1}, {x: 9, y: 9}]}], input: pixels, digit: 3}))", three)
    open_lesson(page, SLUG)
    expect(page.locator('[data-pick="stored"]')).to_be_visible()
    expect(page.locator('[data-pick="stored"]')).to_have_attribute("aria-pressed", "true")
    body = json.loads(page.locator('[data-section="shift"]').get_attribute("data-request"))
    assert body["pixels"] == three
    page.locator('[data-pick="sample:4"]').click()
    wait_idle(page)
    expect(page.locator('[data-pick="sample:4"]')).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-probability-text]")).to_contain_text("still read as 4")
    page_problems.assert_none()


def test_on_a_phone_the_three_maps_fit_side_by_side(browser, live_server, page_problems) -> None:  # noqa: ANN001
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    page = context.new_page()
    open_lesson(page, SLUG)
    boxes = [page.locator(f'[data-layer="conv1"] [data-map="{m}"]').bounding_box() for m in ("of_shifted", "shifted", "difference")]
    assert len({round(b["y"]) for b in boxes}) == 1  # one row
    assert max(b["x"] + b["width"] for b in boxes) <= 390
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width}px"
    context.close()
