"""Lesson 8, the transposed convolution, in a real browser: the stamps step by step, the size
formula, the stamp counts and their sentence, the gradient and the PyTorch code all follow the
inputs; bad input shows the engine's message."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_lessons import (MINUS, TIMES, api, api_error, grid_values, only_expected_4xx, open_lesson,
                                        same_grid, shown_request, sub, wait_idle)

pytestmark = pytest.mark.browser
SLUG = "transposed-convolution"


def test_stamps_formula_overlap_and_gradient_follow_the_inputs(page: Page, page_problems) -> None:
    open_lesson(page, SLUG)
    section = page.locator('[data-section="transposed"]')
    body = shown_request(section)
    assert body == {"x": [[1, 2, 0], [0, 1, 3], [2, 0, 1]], "w": [[1, 1, 1], [1, 2, 1], [1, 1, 1]], "stride": 2,
                    "padding": 0, "output_padding": 0}
    answer = api(page, "transposed", body)
    # The first answer shows the whole output: the last of 9 stamps.
    assert same_grid(grid_values(section.locator('[data-grid="output"]')), answer["output"])
    expect(page.locator("[data-step-text]")).to_contain_text("Step 9 of 9")
    expect(page.locator('[data-formula="rows"]')).to_have_text(
        f"(3 {MINUS} 1){TIMES}2 {MINUS} 2{TIMES}0 + (3 {MINUS} 1) + 0 + 1 = 7")

    # Back to step 2: x(1, 2) = 2 stamps twice the kernel with its corner at output (1, 3).
    page.locator("[data-scrub]").fill("1")
    expect(page.locator("[data-step-text]")).to_have_text(
        f"Step 2 of 9: x{sub('1,2')} = 2 adds 2 {TIMES} w with its corner at output (1, 3).")
    assert same_grid(grid_values(section.locator('[data-grid="output"]')), answer["partial"][1])
    lit = section.locator('[data-grid="output"] .ls-num.is-window').evaluate_all(
        "els => els.map(e => [+e.dataset.r, +e.dataset.c])")
    assert sorted(map(tuple, lit)) == [(r, c) for r in range(3) for c in range(2, 5)]

    # Kernel 3x3, stride 2: the checkerboard, in a sentence computed from the counts.
    stamps = np.array(answer["stamps"])
    assert same_grid(grid_values(page.locator('[data-grid="stamps"]')), answer["stamps"])
    inner = sorted(set(stamps[2:-2, 2:-2].flat))
    expect(page.locator("[data-overlap-text]")).to_have_text(
        f"The 3{TIMES}3 kernel is not a multiple of stride 2, so cells away from the border get "
        f"{', '.join(map(str, inner[:-1]))} or {inner[-1]} stamps, in a pattern that repeats every 2 {TIMES} 2 cells: "
        "the checkerboard.")
    expect(page.locator("[data-gradient-text]")).to_have_text(
        "In all 49 cells, the convolution's input gradient equals the output above exactly (largest difference 0).")

    # A 4x4 kernel at stride 2 covers evenly; padding 1 and output padding 1 change the formula.
    page.select_option('[data-size="w-rows"]', "4")
    page.select_option('[data-size="w-cols"]', "4")
    page.select_option('[data-option="padding"]', "1")
    page.select_option('[data-option="output_padding"]', "1")
    wait_idle(page)
    body = shown_request(section)
    assert (len(body["w"]), len(body["w"][0]), body["padding"], body["output_padding"]) == (4, 4, 1, 1)
    answer = api(page, "transposed", body)
    expect(page.locator('[data-formula="cols"]')).to_have_text(
        f"(3 {MINUS} 1){TIMES}2 {MINUS} 2{TIMES}1 + (4 {MINUS} 1) + 1 + 1 = {len(answer['output'][0])}")
    assert same_grid(grid_values(page.locator('[data-grid="gradient"]')), answer["gradient"])
    expect(page.locator("[data-overlap-text]")).to_contain_text(
        f"The 4{TIMES}4 kernel is a multiple of stride 2 in both directions, so every cell away from the border gets 4 stamps")

    # The player kept its step (2 of 9); at the last step the output is the whole answer, and the code on
    # the page prints it in PyTorch.
    expect(page.locator("[data-step-text]")).to_contain_text("Step 2 of 9")
    page.locator("[data-scrub]").fill("8")
    expect(page.locator("[data-step-text]")).to_contain_text("Every input cell has stamped")
    assert same_grid(grid_values(section.locator('[data-grid="output"]')), answer["output"])
    torch = pytest.importorskip("torch")
    code = page.locator("[data-code-block] [data-code]").text_content()
    namespace: dict = {"torch": torch}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "page.py", "exec"), namespace)
    assert same_grid(namespace["y"].tolist(), grid_values(page.locator('[data-grid="output"]')))
    page_problems.assert_none()


def test_bad_input_shows_the_engines_message(page: Page, page_problems) -> None:
    open_lesson(page, SLUG)
    for size in ("x-rows", "x-cols", "w-rows", "w-cols"):
        page.select_option(f'[data-size="{size}"]', "1")
    page.select_option('[data-option="stride"]', "1")
    wait_idle(page)
    page.select_option('[data-option="padding"]', "1")
    wait_idle(page)
    expected = api_error(page, "transposed", {"x": [[1]], "w": [[1]], "stride": 1, "padding": 1, "output_padding": 0})
    assert expected.startswith("Padding 1 crops away every output row")
    expect(page.locator('[data-error="transposed"]')).to_have_text(expected)
    only_expected_4xx(page_problems)
