"""Lesson 10, 1-D and causal convolution, in a real browser: the two outputs are the engine's, the
time slider moves the samples each output reads and its sentence, a step shows who reads the
future, a bad kernel shows the engine's message, and the dilated stack's field, table, diagram and
sentence follow its settings."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_lessons import MINUS, api, api_error, only_expected_4xx, open_lesson, shown_request, wait_idle

pytestmark = pytest.mark.browser
SLUG = "causal-convolution"
SUB = str.maketrans("0123456789", "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089")


def reads(page: Page) -> dict[str, list[int]]:
    found = page.locator("[data-read]").evaluate_all("els => els.map(e => e.dataset.read)")
    out: dict[str, list[int]] = {"same": [], "causal": []}
    for item in found:
        key, t = item.split("-")
        out[key].append(int(t))
    return out


def test_same_and_causal_the_time_slider_and_a_step(page: Page, page_problems) -> None:
    open_lesson(page, SLUG)
    section = page.locator('[data-section="causal"]')
    body = shown_request(section)
    assert body == {"signal": "sine", "length": 48, "noise": 0.2, "w": [0.333, 0.333, 0.333], "dilation": 1}
    answer = api(page, "causal", body)
    expect(page.locator("[data-code]").first).to_have_text(answer["code"])
    assert reads(page) == {"same": [22, 23, 24], "causal": [21, 22, 23]}
    expect(page.locator("[data-window-text]")).to_have_text(
        "At t = 23, \u201csame\u201d reads x\u2082\u2082, x\u2082\u2083 and x\u2082\u2084: 1 sample ahead of t. "
        "Causal reads x\u2082\u2081, x\u2082\u2082 and x\u2082\u2083: none after t.")

    # Dilation 3 and t = 2: the windows spread, and the causal one reaches into the left padding.
    page.select_option('[data-option="dilation"]', "3")
    wait_idle(page)
    page.locator("[data-time]").fill("2")
    assert reads(page) == {"same": [2, 5], "causal": [2]}
    expect(page.locator("[data-window-text]")).to_have_text(
        "At t = 2, \u201csame\u201d reads x\u208b\u2081, x\u2082 and x\u2085 (one is padding: zero): 3 samples ahead of t. "
        "Causal reads x\u208b\u2084, x\u208b\u2081 and x\u2082 (2 are padding: zero): none after t.")
    body = shown_request(section)
    answer = api(page, "causal", body)
    largest = max(abs(answer["causal"][t] - answer["same"][t - 3]) for t in range(6, 48))
    assert largest == 0
    expect(page.locator("[data-delay-text]")).to_have_text(
        f"The causal output is the \u201csame\u201d one delayed by 3 samples: causal[t] = same[t {MINUS} 3] for every t "
        "from 6 to 47 (largest difference 0).")

    # A clean step: the centred output moves 3 samples before it, the causal one at it.
    page.select_option('[data-option="signal"]', "step")
    page.select_option('[data-option="noise"]', "0")
    wait_idle(page)
    expect(page.locator("[data-delay-text]")).to_contain_text(
        "The step comes at t = 24. The \u201csame\u201d output moves at t = 21, 3 samples early: it read the future. "
        "The causal one waits until t = 24.")

    # Two taps cannot be centred: the engine says so.
    page.select_option('[data-size="w"]', "2")
    wait_idle(page)
    body = shown_request(section) | {"w": [0.333, 0.333]}
    expect(page.locator('[data-error="causal"]')).to_have_text(api_error(page, "causal", body))
    only_expected_4xx(page_problems)
    page_problems.items.clear()


def test_the_dilated_stack_follows_its_settings(page: Page, page_problems) -> None:
    open_lesson(page, SLUG)
    section = page.locator('[data-section="stack"]')
    body = shown_request(section)
    assert body == {"signal": "sine", "length": 48, "noise": 0.2, "taps": 2, "layers": 4, "dilated": True}
    assert page.locator("[data-reach]").evaluate_all("els => els.map(e => +e.dataset.reach)") == list(range(32, 48))
    rows = page.locator("[data-fields] tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(3).locator("td").last).to_have_text(
        f"1 + (2 {MINUS} 1)\u00d71 + (2 {MINUS} 1)\u00d72 + (2 {MINUS} 1)\u00d74 + (2 {MINUS} 1)\u00d78 = 16")
    expect(page.locator("[data-stack-text]")).to_have_text(
        "With 4 layers of 2 taps and dilations 1, 2, 4 and 8, the last output sees 16 inputs (2\u2074), the 16 dark "
        "ones. Without dilation the same 4 layers would see 5.")

    page.locator('[data-option="dilated"]').uncheck()
    wait_idle(page)
    assert page.locator("[data-reach]").count() == 5
    expect(page.locator("[data-stack-text]")).to_have_text(
        "With 4 layers of 2 taps and every dilation 1, the last output sees 5 inputs, the 5 dark ones. With dilations "
        "1, 2, 4, \u2026 the same 4 layers would see 16.")

    page.locator('[data-option="dilated"]').check()
    page.select_option('[data-option="layers"]', "6")
    page.select_option('[data-option="taps"]', "3")
    wait_idle(page)
    answer = api(page, "causal/stack", shown_request(section))
    assert answer["fields"][-1] == 127
    assert page.locator("[data-reach]").count() == 48
    expect(page.locator("[data-stack-text]")).to_contain_text(
        "the last output would see 127 inputs, more than this signal\u2019s 48: all 48 of them reach it.")
    expect(section.locator("[data-code]")).to_have_text(answer["code"])
