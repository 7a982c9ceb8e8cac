"""Words follow numbers, in the seven lessons: every sentence that states a number, a comparison or a
conclusion is worded from the values it describes. Each test changes the inputs and checks that the
sentence changes with them (never "k − 1 = 2 shorter" for a kernel of 5, "0.9 times fewer" for a
ratio above 1, or "1 times as many")."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_lessons import (
    MINUS, RESULTS_TIMEOUT, TIMES, api, fmt, only_expected_4xx, open_lesson, shown_request, wait_idle,
)

pytestmark = pytest.mark.browser


def test_padding_lengths_follow_the_kernel(page: Page, page_problems) -> None:
    open_lesson(page, "padding-and-stride")
    summary = page.locator("[data-pad-summary]")
    expect(summary).to_have_text("With one zero added at each end (\u201czero fill\u201d, p = 1) the output keeps the "
                                 f"input\u2019s length; without padding it is k {MINUS} 1 = 2 shorter.")
    for k, padded, unpadded in [(5, "is 2 shorter than the input", f"is k {MINUS} 1 = 4 shorter"),
                                (1, "is 2 longer than the input", f"keeps it too (k {MINUS} 1 = 0)"),
                                (3, "keeps the input\u2019s length", f"is k {MINUS} 1 = 2 shorter")]:
        page.select_option('[data-size="w"]', str(k))
        wait_idle(page)
        lengths = {pad: len(api(page, "correlate-1d", shown_request(page.locator(f'[data-variant="pad-{pad}"]')))["y"])
                   for pad in (1, 0)}
        assert lengths == {1: 8 + 2 - k + 1, 0: 8 - k + 1}
        expect(summary).to_contain_text(f"the output {padded};")
        expect(summary).to_contain_text(f"without padding it {unpadded}.")
    # A kernel longer than the input: no sentence about lengths the engine did not give.
    page.select_option('[data-size="x"]', "2")
    page.select_option('[data-size="w"]', "4")
    wait_idle(page)
    expect(summary).to_have_text("")
    only_expected_4xx(page_problems)


def test_sliding_window_notes_follow_stride_border_and_kernel(page: Page, page_problems) -> None:
    open_lesson(page, "padding-and-stride")
    note = page.locator("[data-size-note]")
    expect(note).to_have_text(f"The output keeps the input\u2019s size, 6 {TIMES} 6.")
    page.locator('[data-options] input[name="stride"][value="2"]').check()
    wait_idle(page)
    expect(note).to_have_text(f"The output is smaller than the input, 6 {TIMES} 6 \u2192 3 {TIMES} 3: stride 2 keeps every 2nd place.")
    page.locator('[data-options] input[name="padding"][value="valid"]').check()
    wait_idle(page)
    expect(note).to_contain_text(f"6 {TIMES} 6 \u2192 2 {TIMES} 2: without padding the window has d(k {MINUS} 1) fewer "
                                 "places to stand: 2 rows and 2 columns; stride 2 keeps every 2nd place.")
    expect(page.locator("[data-border-note]")).to_contain_text("only windows that fit inside the input")
    page.locator('[data-options] input[name="stride"][value="1"]').check()
    page.locator('[data-options] input[name="padding"][value="zero"]').check()
    page.select_option('[data-size="w2-cols"]', "2")
    wait_idle(page)
    expect(note).to_have_text(f"The output keeps the input\u2019s size, 6 {TIMES} 6.")
    expect(page.locator("[data-asymmetric-note]")).to_have_text(
        f"Along the columns the kernel spans d(k {MINUS} 1) = 1 extra cell, an odd number, so the padding is 0 before "
        "and 1 after: 2p becomes 0 + 1.")
    page.locator('[data-options] input[name="dilation"][value="3"]').check()
    wait_idle(page)
    expect(page.locator("[data-asymmetric-note]")).to_contain_text(f"d(k {MINUS} 1) = 3 extra cells, an odd number")
    page.locator("[data-speed]").fill("1")
    expect(page.locator("[data-speed-text]")).to_have_text("1 step/s")
    page_problems.assert_none()


def test_gradient_sentences_follow_the_sizes(page: Page, page_problems) -> None:
    open_lesson(page, "cross-correlation")
    expect(page.locator("[data-delta-size]")).to_have_text("6 numbers: one per output")
    expect(page.locator("[data-pad-note]")).to_have_text(f"k {MINUS} 1 = 2")
    page.select_option('[data-size="w"]', "8")
    wait_idle(page)
    expect(page.locator("[data-delta-size]")).to_have_text("1 number: one per output")
    expect(page.locator("[data-pad-note]")).to_have_text(f"k {MINUS} 1 = 7")
    verdict = page.locator("[data-max-difference]")
    answer = api(page, "correlate-1d", shown_request(page.locator('[data-section="backward"]')))
    assert float(verdict.get_attribute("data-value")) == pytest.approx(answer["max_difference"], rel=1e-6)
    expect(verdict).to_contain_text("agree")
    # 2-D: the padding zeros a corner window reads are counted from the picked window.
    page.select_option('[data-option="pad"]', "1")
    wait_idle(page)
    figures = page.locator('[data-figures="two-d"]')
    figures.locator('[data-grid="y"] [data-r="0"][data-c="0"]').click()
    expect(page.locator('[data-sum="two-d"]')).to_contain_text("(5 padding zeros)")
    figures.locator('[data-grid="y"] [data-r="0"][data-c="1"]').click()
    expect(page.locator('[data-sum="two-d"]')).to_contain_text("(3 padding zeros)")
    figures.locator('[data-grid="y"] [data-r="1"][data-c="1"]').click()
    expect(page.locator('[data-sum="two-d"]')).not_to_contain_text("padding")
    page_problems.assert_none()


def test_flip_verdict_follows_the_kernel_and_the_outputs(page: Page, page_problems) -> None:
    open_lesson(page, "convolution-vs-correlation")
    verdict = page.locator("[data-compare]")
    expect(verdict).to_have_attribute("data-same", "false")
    expect(verdict).to_contain_text("The two outputs differ")
    # A 1x1 input with padding 1: both see only the kernel's middle weight, so the outputs agree
    # although the kernel is not symmetric, and the sentence says that, not "looks the same turned".
    page.select_option('[data-size="x-rows"]', "1")
    page.select_option('[data-size="x-cols"]', "1")
    page.locator('[data-edit="x"] input').fill("2")
    wait_idle(page)
    expect(verdict).to_have_attribute("data-same", "true")
    expect(verdict).to_contain_text("although this kernel changes when turned 180\u00b0")
    for r, row in enumerate([[1, 0, 1], [0, 4, 0], [1, 0, 1]]):
        for c, v in enumerate(row):
            page.locator(f'[data-edit="w"] input[data-r="{r}"][data-c="{c}"]').fill(str(v))
    wait_idle(page)
    expect(verdict).to_contain_text("this kernel looks the same turned 180\u00b0, so flipping changes nothing")
    expect(page.locator("[data-learned-verdict]")).to_have_attribute("data-same", "true")
    page_problems.assert_none()


def test_pooling_sentences_follow_window_and_stride(page: Page, page_problems) -> None:
    open_lesson(page, "pooling")
    dropped = page.locator("[data-dropped-note]")
    expect(dropped).to_have_text("Every input cell is in some window: none is dropped.")
    expect(page.locator('[data-back="max"]')).to_contain_text("the other 3 cells of the window get nothing from it")
    expect(page.locator('[data-back="average"]')).to_contain_text(f"the window gives each of its 2{TIMES}2 = 4 cells the same share")
    page.select_option('[data-size="x-rows"]', "5")
    page.select_option('[data-size="x-cols"]', "5")
    wait_idle(page)
    expect(dropped).to_have_text("Faded input cells (9 cells here) are in no window and are simply dropped.")
    page.select_option('[data-option="stride"]', "1")
    wait_idle(page)
    expect(dropped).to_have_text("Every input cell is in some window: none is dropped.")
    page.locator('[data-grid="max"] [data-r="1"][data-c="1"]').click()
    expect(page.locator('[data-back="average"]')).to_contain_text("(4 windows overlap here, so this cell gets a share from each)")
    page.select_option('[data-option="kernel"]', "1")
    wait_idle(page)
    expect(page.locator('[data-where="pooling"]')).to_contain_text("pools input row 2, column 2.")
    expect(page.locator('[data-back="max"]')).to_contain_text("the window is that one cell")
    expect(page.locator('[data-back="average"]')).to_contain_text("the window gives each of its 1 cell the same share")
    page_problems.assert_none()


def test_cost_comparison_follows_the_ratio(page: Page, page_problems) -> None:
    open_lesson(page, "convolution-types")
    ratio = page.locator("[data-ratio]")
    cost = api(page, "conv-cost", shown_request(page.locator('[data-section="cost"]')))
    expect(ratio).to_contain_text(f"the separable layer needs {fmt(1 / cost['ratio'], 2)} times fewer multiply-adds "
                                  "than the standard one.")
    # D_K = 1 and N = 8: separable / standard = 1/8 + 1 = 1.125, so the separable layer costs more.
    page.locator("#ct-dk").fill("1")
    page.locator("#ct-n").fill("8")
    wait_idle(page)
    cost = api(page, "conv-cost", shown_request(page.locator('[data-section="cost"]')))
    assert cost["ratio"] == pytest.approx(1.125)
    expect(ratio).to_contain_text(f"needs {fmt(cost['ratio'], 2)} times as many multiply-adds as the standard one.")
    expect(ratio).not_to_contain_text("fewer")
    # D_K = 1 and N = 1: the separable layer does the 1x1 work twice, 1/1 + 1/1 = 2.
    page.locator("#ct-n").fill("1")
    wait_idle(page)
    expect(ratio).to_contain_text("needs 2 times as many multiply-adds as the standard one.")
    page_problems.assert_none()


def test_measured_comparison_follows_the_measurement(page: Page, page_problems) -> None:
    open_lesson(page, "convolution-types")
    page.locator("#ct-run-df").fill("32")
    page.get_by_role("button", name="Run on the photo").click()
    measured = page.locator("[data-measured]")
    expect(measured).to_have_attribute("data-value", re.compile(r"^\d"), timeout=60_000)
    wait_idle(page, 60_000)
    r = float(measured.get_attribute("data-value"))
    if float(fmt(r, 1)) < 1:
        expect(measured).to_contain_text(f"ran {fmt(1 / r, 1)} times faster than the standard one")
    elif float(fmt(r, 1)) > 1:
        expect(measured).to_contain_text(f"took {fmt(r, 1)} times as long as the standard one")
    else:
        expect(measured).to_contain_text("took as long as the standard one")
    expect(measured).to_contain_text("times fewer multiply-adds.")
    page_problems.assert_none()


def test_parameter_comparison_follows_the_network(page: Page, page_problems) -> None:
    open_lesson(page, "parameters")
    compare = page.locator('[data-compare="custom"]')
    expect(compare).to_have_text("61,684 parameters: 2,550 in convolutions, 59,134 in linear layers; "
                                 "exactly as many as LeNet-5.")
    expect(page.locator('[data-compare="builtin"]')).to_contain_text(
        "The MLP has 4.07 times as many parameters as LeNet-5 (251,060 / 61,684 = 4.07).")
    page.get_by_label("Layer 1 (Convolution): bias").check()  # 6 biases more: equal at the printed precision
    wait_idle(page)
    expect(compare).to_contain_text("61,690 parameters")
    expect(compare).to_contain_text("; about as many as LeNet-5 (61,684).")
    page.get_by_label("Layer 1 (Convolution): channels").fill("8")
    wait_idle(page)
    total = api(page, "parameters", shown_request(page.locator('[data-section="custom"]')))["total"]
    expect(compare).to_contain_text(f"{fmt(total / 61_684, 2)} times as many as LeNet-5 (61,684)")
    page.get_by_role("button", name="The MLP").click()
    wait_idle(page)
    expect(compare).to_contain_text("4.07 times as many as LeNet-5")
    page.get_by_label("Layer 2 (Linear): features").fill("30")
    wait_idle(page)
    total = api(page, "parameters", shown_request(page.locator('[data-section="custom"]')))["total"]
    assert total == 784 * 30 + 30 + 30 * 50 + 50 + 50 * 10 + 10
    expect(compare).to_contain_text(f"{fmt(61_684 / total, 2)} times fewer than LeNet-5 (61,684)")
    expect(compare).not_to_contain_text(re.compile(r"(?<![\d.])1 times"))
    page_problems.assert_none()


def test_the_claims_conclusion_follows_its_ratios(page: Page, page_problems) -> None:
    """The results are fixed (committed weights), so the page's input here is the API's answer: the
    test answers for the server with other ratios and checks that every verdict follows them."""
    open_lesson(page, "results", RESULTS_TIMEOUT)
    answer = api(page, "results")
    claim = page.locator("[data-claim]")
    expect(claim).to_have_attribute("data-holds", "true")
    expect(claim).to_contain_text(f"Yes. LeNet-5 makes {fmt(answer['error_ratio'], 2)} times fewer mistakes than the MLP")
    expect(claim).to_contain_text(f"with {fmt(answer['size_ratio'], 2)} times fewer parameters.")

    def answer_with(error_scale: float) -> None:
        lenet = {**answer["lenet5"], "test_error": answer["lenet5"]["test_error"] * error_scale}
        data = {**answer, "lenet5": lenet, "error_ratio": answer["mlp"]["test_error"] / lenet["test_error"]}
        page.unroute_all()
        page.route("**/api/lessons/results", lambda route: route.fulfill(json=data))
        page.reload()
        wait_idle(page)

    # LeNet-5's error made higher, so that the error ratio is 1.2: short of "about 2".
    answer_with(answer["error_ratio"] / 1.2)
    error_box = page.locator('[data-ratio="error"]')
    expect(error_box.locator("[data-value]")).to_have_text("1.2")
    expect(error_box.locator("[data-verdict]")).to_contain_text("falls short")
    expect(claim).to_have_attribute("data-holds", "false")
    expect(claim).to_contain_text("Not quite. LeNet-5 makes 1.2 times fewer mistakes than the MLP")
    expect(claim).to_contain_text("the test error falls short of the claim.")
    # LeNet-5 worse than the MLP: the page says "higher", and "as many mistakes as".
    answer_with(answer["error_ratio"] / 0.75)
    expect(error_box.locator("[data-value]")).to_have_text("1.3")
    expect(error_box.locator("[data-unit]")).to_have_text(f"{TIMES} higher for LeNet-5")
    expect(claim).to_contain_text("makes 1.33 times as many mistakes as the MLP")
    page_problems.assert_none()
