"""Painting on the kernel playground's original, in a real browser: a black canvas and one white
pixel (the impulse tool) give the kernel itself as the result, rotated by 180 degrees when the
playground cross-correlates and as typed when it convolves (the flip); a brush stroke is uploaded
and the result, the arithmetic and the magnifier answer for the painted picture."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_kernels import hover_pixel, open_page, root, wait_idle

pytestmark = pytest.mark.browser
KERNEL = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]


def explain(page: Page, x: int, y: int) -> dict:
    body = json.loads(page.locator("[data-arithmetic]").get_attribute("data-request")) | {"x": x, "y": y}
    assert body["image_id"] == root(page).get_attribute("data-image-id")
    response = page.request.post("/api/kernels/explain", data=body)
    assert response.ok, response.text()
    return response.json()


def click_pixel(page: Page, x: int, y: int) -> None:
    hover_pixel(page, "input", x, y)
    page.mouse.down()
    page.mouse.up()


def test_an_impulse_on_black_shows_the_kernel_rotated_or_as_typed(page: Page, page_problems) -> None:
    open_page(page)
    first_image = root(page).get_attribute("data-image-id")
    for r, row in enumerate(KERNEL):
        for c, v in enumerate(row):
            page.locator(f'[data-cells] .num-cell[data-r="{r}"][data-c="{c}"]').fill(str(v))
    page.locator("#kp-divisor").fill("255")
    wait_idle(page)
    page.locator("[data-paint-fill]").click()
    expect(root(page)).not_to_have_attribute("data-image-id", first_image)
    wait_idle(page)
    assert {c["mapped"] for c in explain(page, 60, 40)["channels"]} == {0}  # black everywhere

    page.get_by_role("radio", name="Impulse").check()
    expect(page.locator("[data-paint-hint]")).to_contain_text("rotated by 180\u00b0: the playground cross-correlates")
    black = root(page).get_attribute("data-image-id")
    click_pixel(page, 60, 40)
    expect(root(page)).not_to_have_attribute("data-image-id", black)
    wait_idle(page)
    expect(page.locator("[data-magnifier]")).to_have_attribute("data-explained", "60,40")  # the painted pixel
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            channels = explain(page, 60 + dx, 40 + dy)["channels"]
            assert {c["mapped"] for c in channels} == {KERNEL[1 - dy][1 - dx]}, (dx, dy)

    page.get_by_role("switch", name="Flip kernel").check()
    expect(page.locator("[data-paint-hint]")).to_contain_text("shows the kernel as you typed it")
    wait_idle(page)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            channels = explain(page, 60 + dx, 40 + dy)["channels"]
            assert {c["mapped"] for c in channels} == {KERNEL[1 + dy][1 + dx]}, (dx, dy)


def test_a_brush_stroke_is_what_the_result_and_the_arithmetic_answer_for(page: Page, page_problems) -> None:
    open_page(page)
    before = root(page).get_attribute("data-image-id")
    page.get_by_role("radio", name="Brush").check()
    page.select_option("[data-paint-colour]", "#e63946")  # red: (230, 57, 70)
    page.select_option("[data-paint-size]", "7")
    hover_pixel(page, "input", 100, 100)
    page.mouse.down()
    for x in range(100, 141, 5):
        hover_pixel(page, "input", x, 100)
    page.mouse.up()
    expect(root(page)).not_to_have_attribute("data-image-id", before)
    wait_idle(page)
    answer = explain(page, 120, 100)
    assert [c["first"]["window"][1][1] for c in answer["channels"]] == [230, 57, 70]
    # back to pointing: the arithmetic follows the pointer again, over the painted picture
    page.get_by_role("radio", name="Point").check()
    hover_pixel(page, "input", 130, 100)
    expect(page.locator("[data-arithmetic]")).to_have_attribute("data-explained", re.compile(r"^130,100$"))
