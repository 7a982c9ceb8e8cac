"""Lesson errors speak the lesson's language: values the browser lets a learner type but the engine
refuses come back as field errors, and the page names the input as the lesson does (D_K, M, N, D_F;
"layer 3's kernel size"; "x₃"), states the rule the engine gave, and marks that input. It never shows
a field path ("layers.2.kernel"), the validator's wording ("Input should be ...") or a raw tuple."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_lessons import (
    MINUS, TIMES, assert_lesson_words, field_errors, only_expected_4xx, open_lesson, sub, wait_idle,
)

pytestmark = pytest.mark.browser

LENET5 = [
    {"kind": "conv", "channels": 6, "kernel": 5, "padding": 2, "bias": False}, {"kind": "relu"}, {"kind": "maxpool", "kernel": 2},
    {"kind": "conv", "channels": 16, "kernel": 5, "bias": False}, {"kind": "relu"}, {"kind": "maxpool", "kernel": 2},
    {"kind": "flatten"}, {"kind": "linear", "features": 120}, {"kind": "relu"}, {"kind": "linear", "features": 84},
    {"kind": "relu"}, {"kind": "linear", "features": 10},
]


def test_layer_sizes_the_engine_refuses(page: Page, page_problems) -> None:
    open_lesson(page, "convolution-types")
    error = page.locator('[data-error="cost"]')
    page.locator("#ct-dk").fill("0")
    wait_idle(page)
    assert [e["loc"][-1] for e in field_errors(page, "conv-cost", {"dk": 0, "m": 32, "n": 64, "df": 112})] == ["dk"]
    expect(error).to_have_text("D_K, the kernel size, must be at least 1.")
    assert_lesson_words(error.text_content())
    expect(page.locator("#ct-dk")).to_have_attribute("aria-invalid", "true")
    expect(page.locator('[data-section="cost"]')).to_have_class(re.compile(r"\bis-stale\b"))
    page.locator("#ct-dk").fill("3")
    page.locator("#ct-m").fill("5000")
    wait_idle(page)
    expect(error).to_have_text("M, the number of input channels, must be at most 2,048.")
    expect(page.locator("#ct-m")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#ct-dk")).not_to_have_attribute("aria-invalid", "true")

    # The timed run: D_F below the photo's smallest size.
    page.locator("#ct-run-df").fill("8")
    page.get_by_role("button", name="Run on the photo").click()
    run_error = page.locator('[data-error="run"]')
    expect(run_error).to_have_text("D_F, the output size, must be at least 16.")
    assert_lesson_words(run_error.text_content())
    expect(page.locator("#ct-run-df")).to_have_attribute("aria-invalid", "true")
    only_expected_4xx(page_problems)


def test_a_layer_the_engine_refuses_is_named_as_the_editor_numbers_it(page: Page, page_problems) -> None:
    open_lesson(page, "parameters")
    error = page.locator('[data-error="custom"]')
    # Layer 3 is LeNet-5's first max pooling; its kernel may be at most 15.
    kernel = page.get_by_label("Layer 3 (Max pooling): kernel")
    kernel.fill("40")
    wait_idle(page)
    body = {"input": [1, 28, 28], "layers": [dict(layer) for layer in LENET5]}
    body["layers"][2]["kernel"] = 40
    [refused] = field_errors(page, "parameters", body)
    assert refused["loc"][1:3] == ["layers", 2] and refused["loc"][-1] == "kernel"  # (perhaps with the layer's kind between)
    expect(error).to_have_text("Layer 3\u2019s kernel size must be at most 15.")
    assert_lesson_words(error.text_content())
    expect(kernel).to_have_attribute("aria-invalid", "true")
    expect(page.locator('[data-architecture] li[data-layer="3"]')).to_have_class(re.compile(r"\bis-invalid\b"))
    kernel.fill("2")
    wait_idle(page)
    expect(error).to_be_hidden()
    expect(page.locator('[data-architecture] li.is-invalid')).to_have_count(0)

    # A layer that does not fit: conv2 (layer 4) with a 15x15 kernel on 14x14 maps.
    page.get_by_label("Layer 4 (Convolution): kernel").fill("15")
    wait_idle(page)
    message = error.text_content()
    assert_lesson_words(message)
    assert not re.search(r"\(\s*-?\d+,", message), f"a raw tuple: {message!r}"
    assert "conv2" in message
    expect(page.locator('[data-architecture] li[data-layer="4"]')).to_have_class(re.compile(r"\bis-invalid\b"))

    # The input shape: zero channels.
    page.get_by_label("Layer 4 (Convolution): kernel").fill("5")
    page.get_by_label("Input channels").fill("0")
    wait_idle(page)
    assert_lesson_words(error.text_content())
    expect(error).to_contain_text("channels")
    only_expected_4xx(page_problems)


def test_numbers_out_of_the_engines_range_name_their_cell(page: Page, page_problems) -> None:
    open_lesson(page, "cross-correlation")
    cell = page.locator('[data-edit="x"] input[data-c="2"]')
    cell.fill("1e7")  # a number the page parses, beyond the engine's 1,000,000
    wait_idle(page)
    error = page.locator('[data-error="forward"]')
    expect(error).to_have_text(f"x{sub(3)} must be at most 1,000,000.")
    assert_lesson_words(error.text_content())
    expect(cell).to_have_attribute("aria-invalid", "")
    cell.fill("3")
    wait_idle(page)
    expect(error).to_be_hidden()
    expect(cell).not_to_have_attribute("aria-invalid", "")

    delta = page.locator('[data-edit="delta"] input[data-c="0"]')
    delta.fill("-2e6")
    wait_idle(page)
    expect(page.locator('[data-error="backward"]')).to_have_text(f"\u03b4{sub(1)} must be at least {MINUS}1,000,000.")
    expect(delta).to_have_attribute("aria-invalid", "")
    expect(page.locator('[data-error="forward"]')).to_be_hidden()

    grid_cell = page.locator('[data-edit="x2"] input[data-r="1"][data-c="2"]')
    grid_cell.fill("5000000")
    wait_idle(page)
    expect(page.locator('[data-error="two-d"]')).to_have_text("x at row 2, column 3 must be at most 1,000,000.")
    expect(grid_cell).to_have_attribute("aria-invalid", "")
    only_expected_4xx(page_problems)


def test_pooling_and_sliding_refusals_name_their_cells(page: Page, page_problems) -> None:
    open_lesson(page, "pooling")
    page.locator('[data-edit="delta"] input[data-r="1"][data-c="0"]').fill("3e6")
    wait_idle(page)
    expect(page.locator('[data-error="pooling"]')).to_have_text("\u03b4 at row 2, column 1 must be at most 1,000,000.")
    open_lesson(page, "padding-and-stride")
    page.locator('[data-edit="w"] input[data-c="0"]').fill("2e6")
    wait_idle(page)
    expect(page.locator('[data-error="pad-1d"]')).to_have_text(f"w{sub(1)} must be at most 1,000,000.")
    page.locator('[data-edit="w2"] input[data-r="0"][data-c="0"]').fill("2e6")
    wait_idle(page)
    expect(page.locator('[data-error="slide"]')).to_have_text("w at row 1, column 1 must be at most 1,000,000.")
    assert TIMES not in page.locator('[data-error="slide"]').text_content()
    only_expected_4xx(page_problems)
