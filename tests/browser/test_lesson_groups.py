"""Lesson 9, grouped convolution, in a real browser: the groups slider stops where G divides both
channel counts; the wiring, the sentences, the cost formulas and the PyTorch code follow it; the
timings table and its sentence come from the same measured answer; new channels move the stops."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from model.conv_types import cost_formulas
from tests.browser.test_lessons import api, open_lesson, shown_request, wait_idle

pytestmark = pytest.mark.browser
SLUG = "groups"
DASH = "\u2013"


def slide_to(page: Page, groups: int, stops: list[int]) -> None:
    page.locator("[data-groups-slider]").fill(str(stops.index(groups)))
    wait_idle(page)


def wires(page: Page) -> list[tuple[int, int]]:
    found = page.locator("[data-wire]").evaluate_all("els => els.map(e => e.dataset.wire)")
    return sorted(tuple(map(int, w.split("-"))) for w in found)


def ms(text: str) -> float:
    return float(re.sub(r"[^\d.]", "", text))


def test_the_slider_wiring_costs_and_code_follow_the_groups(page: Page, page_problems) -> None:
    open_lesson(page, SLUG)
    section = page.locator('[data-section="groups"]')
    assert shown_request(section) == {"c_in": 12, "c_out": 12, "kernel": 3, "size": 32, "groups": 1}
    expect(page.locator("[data-groups-stops]")).to_have_text("G can be 1, 2, 3, 4, 6 or 12: it divides 12 and 12")
    assert len(wires(page)) == 144
    expect(page.locator("[data-sees-text]")).to_have_text(
        "With 1 group, each of the 12 filters sees all 12 input channels: LeNet\u2019s convolution.")

    slide_to(page, 3, [1, 2, 3, 4, 6, 12])
    body = shown_request(section)
    assert body["groups"] == 3
    answer = api(page, "groups", body)
    assert wires(page) == sorted((c, f) for f, seen in enumerate(answer["sees"]) for c in seen)
    assert len(wires(page)) == 48
    expect(page.locator("[data-groups-value]")).to_have_text("3")
    expect(page.locator("[data-sees-text]")).to_have_text(
        f"With 3 groups, each of the 12 filters sees 4 of the 12 input channels: filters 1{DASH}4 see channels "
        f"1{DASH}4, filters 5{DASH}8 see channels 5{DASH}8 and filters 9{DASH}12 see channels 9{DASH}12.")
    expect(page.locator('[data-formula="weights"]')).to_have_text("12 \u00d7 4 \u00d7 3 \u00d7 3 = 432")
    expect(page.locator("[data-cost-text]")).to_have_text(
        "That is 1/3 of the 1,296 weights and of the 1,327,104 multiply-adds at groups = 1.")
    expect(page.locator("[data-code]")).to_have_text(answer["code"])
    expect(page.locator('[data-timings] tr.is-selected th')).to_have_text("3")

    slide_to(page, 12, [1, 2, 3, 4, 6, 12])
    expect(page.locator("[data-sees-text]")).to_contain_text(
        "sees 1 of the 12 input channels: filter 1 sees channel 1, filter 2 sees channel 2, filter 3 sees channel 3 "
        "and filter 4 sees channel 4, and so on for all 12 groups. Each filter sees one channel: this is the "
        "depthwise convolution.")
    assert wires(page) == [(c, c) for c in range(12)]


def test_the_timings_and_their_sentences_are_one_measured_answer(page: Page, page_problems) -> None:
    open_lesson(page, SLUG)
    timings = page.locator('[data-section="timings"]')
    assert shown_request(timings) == {"c_in": 12, "c_out": 12, "kernel": 3, "size": 32}
    rows = page.locator("[data-timings] tr")
    expect(rows).to_have_count(6)
    cells = rows.evaluate_all("rows => rows.map(r => [...r.children].map(c => c.textContent))")
    assert [int(r[0]) for r in cells] == [1, 2, 3, 4, 6, 12]
    assert [int(r[2].replace(",", "")) for r in cells] == [1_327_104 // g for g in (1, 2, 3, 4, 6, 12)]
    first, last = ms(cells[0][3]), ms(cells[-1][3])
    text = page.locator("[data-timing-text]").text_content()
    assert text.startswith("From groups = 1 to groups = 12 the multiply-adds fall 12\u00d7 and the engine takes "
                           f"{cells[0][3]} then {cells[-1][3]} on 4 images: ")
    assert (" faster" if first >= last else " slower") in text
    formulas = cost_formulas(3, 12, 12, 32)
    for name in ("standard", "separable", "ratio"):
        expect(page.locator(f'[data-separable="{name}"]')).to_have_text(formulas[name])
    expect(page.locator("[data-separable-text]")).to_contain_text(
        "With 12 input channels, 12 filters and a 3\u00d73 kernel, the separable layer needs 19.4% of the standard "
        "layer\u2019s multiply-adds (258,048 against 1,327,104)")

    # 8 filters: G = 3 no longer divides them, so the slider goes back to 1 and stops at 1, 2 and 4.
    page.locator("[data-groups-slider]").fill("2")
    wait_idle(page)
    page.select_option('[data-option="c_out"]', "8")
    wait_idle(page)
    assert shown_request(page.locator('[data-section="groups"]'))["groups"] == 1
    expect(page.locator("[data-groups-stops]")).to_have_text("G can be 1, 2 or 4: it divides 12 and 8")
    assert shown_request(timings)["c_out"] == 8
    expect(rows).to_have_count(3)
    slide_to(page, 4, [1, 2, 4])
    expect(page.locator("[data-sees-text]")).to_contain_text(
        f"each of the 8 filters sees 3 of the 12 input channels: filters 1{DASH}2 see channels 1{DASH}3")
    expect(page.locator('[data-timings] tr.is-selected th')).to_have_text("4")
