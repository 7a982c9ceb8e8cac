"""The lessons in a real browser: change an input and the numbers on the page become what the
lessons API answers for that input; bad input shows the API's own 4xx message next to it; no console
errors or failed requests, under a strict Content-Security-Policy; readable on a phone."""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TIMEOUT = 20_000
RESULTS_TIMEOUT = 120_000  # GET /api/lessons/results evaluates both networks once per server
MINUS = "\u2212"
TIMES = "\u00d7"
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'"
SLUGS = ["cross-correlation", "padding-and-stride", "convolution-vs-correlation", "pooling", "convolution-types",
         "parameters", "results", "transposed-convolution", "groups", "causal-convolution", "translation"]
TUTORIAL_X = [1, 2, 5, 6, 2, -1, 3, -2]
SUBSCRIPT = str.maketrans("0123456789-", "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089\u208b")


# ---------------------------------------------------------------- how the page prints numbers

def fmt(value: float, places: int = 3) -> str:
    """shared/numbers.js formatNumber: up to `places` decimals, trailing zeros dropped, a typographic minus."""
    rounded = float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    if rounded == 0:
        return "0"
    text = str(int(rounded)) if rounded == int(rounded) else repr(rounded)
    return text.replace("-", MINUS)


def factor(value: float) -> str:
    text = fmt(value)
    return f"({text})" if text.startswith(MINUS) else text


def entry_numbers(entry: dict) -> str:
    """lesson-math.js entryNumeric: '2×1 + 5×0 + 6×(−1) = −4'."""
    terms = " + ".join(f"{factor(t['a']['value'])}{TIMES}{factor(t['b']['value'])}" for t in entry["terms"])
    return f"{terms} = {fmt(entry['value'])}" if terms else fmt(entry["value"])


def pretty(formula: str) -> str:
    """lesson-math.js prettyFormula: floor(...) -> ⌊...⌋, * -> ×, ' - ' -> ' − ', ^2 -> ²."""
    while "floor(" in formula:
        start = formula.index("floor(")
        depth = 0
        for i in range(start + 5, len(formula)):
            depth += {"(": 1, ")": -1}.get(formula[i], 0)
            if depth == 0:
                formula = formula[:start] + "\u230a" + formula[start + 6:i] + "\u230b" + formula[i + 1:]
                break
    return formula.replace("^2", "\u00b2").replace("*", TIMES).replace(" - ", f" {MINUS} ")


def number(text: str) -> float:
    return float(text.strip().replace(MINUS, "-").replace(",", ""))


def sub(text: str | int) -> str:
    return str(text).translate(SUBSCRIPT)


# ---------------------------------------------------------------- page helpers

def root(page: Page) -> Locator:
    return page.locator("[data-lesson-page]")


def wait_idle(page: Page, timeout: int = TIMEOUT) -> None:
    expect(root(page)).to_have_attribute("data-busy", "false", timeout=timeout)


def open_lesson(page: Page, slug: str, timeout: int = TIMEOUT) -> None:
    page.goto(f"/lessons/{slug}")
    expect(root(page)).to_have_attribute("data-lesson-page", slug)
    wait_idle(page, timeout)


def shown_request(locator: Locator) -> dict:
    """The JSON body of the request whose answer a section shows."""
    expect(locator).to_have_attribute("data-version", re.compile(r"^[1-9]\d*$"))
    return json.loads(locator.get_attribute("data-request"))


def api(page: Page, path: str, body: dict | None = None) -> dict:
    response = page.request.post(f"/api/lessons/{path}", data=body) if body is not None else \
        page.request.get(f"/api/lessons/{path}")
    assert response.ok, response.text()
    return response.json()


def api_error(page: Page, path: str, body: dict) -> str:
    """The message the page should show for a 4xx answer that names no field: the server's
    sentence, its first letter capitalised unless it starts with a layer's name ("fc1: ...",
    "conv2 would ..."), a shape "(16, -2, -2)" printed as 16×−2×−2 (lesson-errors.js detailText)."""
    response = page.request.post(f"/api/lessons/{path}", data=body)
    assert 400 <= response.status < 500, response.text()
    answer = response.json()
    assert not answer.get("errors"), f"a field error, worded by the page instead: {answer}"
    detail = re.sub(r"\((-?\d+(?:, -?\d+)+)\)",
                    lambda m: TIMES.join(d.replace("-", MINUS) for d in m.group(1).split(", ")), answer["detail"])
    return detail if re.match(r"^[a-z_]+\d+\b|^\w+:", detail) else detail[0].upper() + detail[1:]


def field_errors(page: Page, path: str, body: dict) -> list[dict]:
    """The field errors of a 422 answer (the page words them itself)."""
    response = page.request.post(f"/api/lessons/{path}", data=body)
    assert response.status == 422, response.text()
    errors = response.json().get("errors") or []
    assert errors, response.text()
    return errors


# What the page must never show: a validator's own words, or a field's path.
VALIDATOR_WORDS = re.compile(r"Input should|greater_than|less_than|\b(?:layers|input|x|w|delta)\.\d|\bdk:|\bn:")


def assert_lesson_words(message: str) -> None:
    assert message and not VALIDATOR_WORDS.search(message), f"not in the lesson's words: {message!r}"


def grid_values(grid: Locator) -> list[list[float]]:
    rows = grid.locator(".ls-grid-row:not(.ls-grid-head)")
    return [[number(t) for t in rows.nth(i).locator(".ls-num").all_text_contents()] for i in range(rows.count())]


def same_grid(shown: list[list[float]], expected: list[list[float]], places: int = 3) -> bool:
    return [len(r) for r in shown] == [len(r) for r in expected] and all(
        abs(a - b) <= 10 ** -places for ra, rb in zip(shown, expected) for a, b in zip(ra, rb))


def cells_with(grid: Locator, cls: str) -> set[tuple[int, int]]:
    found = grid.locator(f".ls-num.{cls}").evaluate_all("els => els.map(e => [+e.dataset.r, +e.dataset.c])")
    return {tuple(rc) for rc in found}


def only_expected_4xx(problems, status: int = 422) -> None:  # noqa: ANN001
    """The API's 4xx answers are the point of a bad-input test; nothing else may go wrong."""
    assert problems.items, "expected the 4xx answer to be seen"
    assert all(str(status) in p for p in problems.items), problems.items


# ---------------------------------------------------------------- lesson 1

def test_cross_correlation_terms_and_gradients_follow_an_edited_input(page: Page, page_problems) -> None:
    open_lesson(page, "cross-correlation")
    forward = page.locator('[data-section="forward"]')
    backward = page.locator('[data-section="backward"]')
    assert shown_request(forward) == {"x": TUTORIAL_X, "w": [1, 0, -1], "pad": 0, "delta": [1, 2, 0, -1, 1, 0]}

    # Edit x_2: every y, dL/dx and dL/dw entry is the API's, term by term.
    version = forward.get_attribute("data-version")
    page.locator('[data-edit="x"] input[data-c="1"]').fill("7")
    wait_idle(page)
    assert forward.get_attribute("data-version") != version
    body = shown_request(forward)
    assert body["x"] == [1, 7, 5, 6, 2, -1, 3, -2]
    assert shown_request(backward) == body
    answer = api(page, "correlate-1d", body)
    for key, entries in [("y", answer["y"]), ("dx", answer["dx"]), ("dw", answer["dw"])]:
        items = page.locator(f'[data-entries="{key}"] .ls-entry')
        expect(items).to_have_count(len(entries))
        for entry in entries:
            expect(page.locator(f'[data-entry="{key}-{entry["index"][0]}"] [data-numeric]')).to_have_text(entry_numbers(entry))
    expect(page.locator('[data-entry="y-1"] [data-numeric]')).to_have_text(f"1{TIMES}1 + 7{TIMES}0 + 5{TIMES}({MINUS}1) = {MINUS}4")
    expect(page.locator('[data-entry="y-1"] .ls-eq-sym')).to_have_text("y1 = x1w1 + x2w2 + x3w3")
    # dL/dx_2 = w_2 delta_1 + w_1 delta_2, as in the tutorial
    expect(page.locator('[data-entry="dx-2"] .ls-eq-sym')).to_have_text("\u2202L/\u2202x2 = w2\u03b41 + w1\u03b42")
    expect(page.locator('[data-entry="dx-2"] [data-numeric]')).to_have_text(f"0{TIMES}1 + 1{TIMES}2 = 2")
    # dL/dw_1 = sum_i delta_i x_i now includes 2 x 7
    expect(page.locator('[data-entry="dw-1"] [data-numeric]')).to_contain_text(f"2{TIMES}7")

    # The finite-difference check agrees, and says by how much.
    checks = page.locator('[data-check="1d"] tbody tr')
    expect(checks).to_have_count(len(answer["dx"]) + len(answer["dw"]))
    row = page.locator('[data-check="1d"] tr[data-check="dx-2"] td')
    expect(row.nth(0)).to_have_text(fmt(answer["dx"][1]["value"]))
    expect(row.nth(1)).to_have_text(fmt(answer["dx_numeric"][1], 11))
    verdict = page.locator("[data-max-difference]")
    expect(verdict).to_contain_text("agree")
    assert float(verdict.get_attribute("data-value")) == pytest.approx(answer["max_difference"], rel=1e-6)
    assert answer["max_difference"] < 1e-6

    # Picking y_4 moves the kernel under inputs 4 to 6.
    page.locator('[data-strip="forward"] [data-pick="4"]').click()
    expect(page.locator('[data-strip="forward"] [data-pick="4"]')).to_have_attribute("aria-pressed", "true")
    expect(page.locator('[data-where="forward"]')).to_have_text(f"(y{sub(4)}: inputs 4 to 6)")
    expect(page.locator('[data-strip="forward"] .ls-num.is-window')).to_have_count(3)
    expect(page.locator('[data-entry="y-4"]')).to_have_class(re.compile(r"\bis-selected\b"))

    # A longer kernel: delta follows the number of outputs.
    page.select_option('[data-size="w"]', "4")
    wait_idle(page)
    body = shown_request(backward)
    assert len(body["w"]) == 4 and len(body["delta"]) == 5
    expect(page.locator('[data-edit="delta"] input')).to_have_count(5)
    page_problems.assert_none()


def test_cross_correlation_in_2d_matches_the_engine(page: Page, page_problems) -> None:
    open_lesson(page, "cross-correlation")
    section = page.locator('[data-section="two-d"]')
    page.locator('[data-edit="x2"] input[data-r="0"][data-c="0"]').fill("9")
    wait_idle(page)
    page.select_option('[data-option="pad"]', "1")
    wait_idle(page)
    body = shown_request(section)
    assert body["x"][0][0] == 9 and body["pad"] == 1 and body["stride"] == 1 and body["flip"] is False
    answer = api(page, "correlate-2d", body)
    figures = page.locator('[data-figures="two-d"]')
    assert same_grid(grid_values(figures.locator('[data-grid="y"]')), answer["y"])
    grads = page.locator('[data-figures="two-d-grad"]')
    assert same_grid(grid_values(grads.locator('[data-grid="dx"]')), answer["dx"])
    assert same_grid(grid_values(grads.locator('[data-grid="dw"]')), answer["dw"])
    assert same_grid(grid_values(grads.locator('[data-grid="dw-numeric"]')), answer["dw_numeric"], places=5)
    assert float(page.locator("[data-max-difference-2d]").get_attribute("data-value")) == pytest.approx(
        answer["max_difference"], rel=1e-6)

    # Pick y_(2,3): its window is outlined and its sum written out with the engine's value.
    figures.locator('[data-grid="y"] [data-r="1"][data-c="2"]').click()
    x, w = body["x"], body["w"]
    terms = [f"{factor(x[r][c] if 0 <= r < 5 and 0 <= c < 5 else 0)}{TIMES}{factor(w[u][v])}"
             for u in range(3) for v in range(3) for r, c in [(1 + u - 1, 2 + v - 1)]]
    expect(page.locator('[data-sum="two-d"]')).to_have_text(" + ".join(terms) + f" = {fmt(answer['y'][1][2])}")
    assert cells_with(figures.locator('[data-grid="x"]'), "is-window") == {(r, c) for r in range(3) for c in range(1, 4)}

    # Stride 2 shrinks the output and delta with it.
    page.select_option('[data-option="stride"]', "2")
    wait_idle(page)
    body = shown_request(section)
    assert body["stride"] == 2 and len(body["delta"]) == 3
    assert same_grid(grid_values(figures.locator('[data-grid="y"]')), api(page, "correlate-2d", body)["y"])
    page_problems.assert_none()


def test_cross_correlation_bad_input_is_explained(page: Page, page_problems) -> None:
    open_lesson(page, "cross-correlation")
    error = page.locator('[data-error="forward"]')
    cell = page.locator('[data-edit="x"] input[data-c="2"]')
    cell.fill("abc")
    expect(cell).to_have_attribute("aria-invalid", "")
    expect(error).to_have_text(f"x{sub(3)}: \u201cabc\u201d is not a number.")
    cell.fill("1/2")
    expect(error).to_be_hidden()
    wait_idle(page)
    assert shown_request(page.locator('[data-section="forward"]'))["x"][2] == 0.5

    # The engine's own message: a kernel longer than the input.
    page.select_option('[data-size="x"]', "2")
    page.select_option('[data-size="w"]', "3")
    wait_idle(page)
    expected = api_error(page, "correlate-1d", {"x": [1, 2], "w": [1, 0, -1], "pad": 0})
    expect(error).to_have_text(expected)
    assert expected == "The kernel (length 3) is longer than the padded input (2)"
    expect(page.locator('[data-section="forward"]')).to_have_class(re.compile(r"\bis-stale\b"))
    only_expected_4xx(page_problems)


# ---------------------------------------------------------------- lesson 2

def test_padding_zero_fill_and_none_as_in_the_tutorial(page: Page, page_problems) -> None:
    open_lesson(page, "padding-and-stride")
    expect(page.locator('[data-output="pad-1"]')).to_have_text(f"[0, 1, 2, 5, 6, 2, {MINUS}1, 3]")
    expect(page.locator('[data-output="pad-0"]')).to_have_text(f"[1, 2, 5, 6, 2, {MINUS}1]")
    expect(page.locator('[data-length="pad-1"]')).to_have_text(f"n + 2p {MINUS} k + 1 = 8 + 2{TIMES}1 {MINUS} 3 + 1 = 8")
    expect(page.locator('[data-length="pad-0"]')).to_have_text(f"n + 2p {MINUS} k + 1 = 8 + 2{TIMES}0 {MINUS} 3 + 1 = 6")
    for pad in (1, 0):
        box = page.locator(f'[data-variant="pad-{pad}"]')
        body = shown_request(box)
        assert body == {"x": TUTORIAL_X, "w": [1, 0, 0], "pad": pad}
        answer = api(page, "correlate-1d", body)
        assert [e["value"] for e in answer["y"]] == ([0, 1, 2, 5, 6, 2, -1, 3] if pad else [1, 2, 5, 6, 2, -1])
        for entry in answer["y"]:
            expect(box.locator(f'[data-entry="y-pad{pad}-{entry["index"][0]}"] [data-numeric]')).to_have_text(
                entry_numbers(entry))
    # the zero fill's first window reads the padding x_0
    expect(page.locator('[data-entry="y-pad1-1"] .ls-eq-sym')).to_have_text("y1 = x0w1 + x1w2 + x2w3")

    # Edit the kernel: both variants follow.
    page.locator('[data-edit="w"] input[data-c="2"]').fill("2")
    wait_idle(page)
    for pad in (1, 0):
        body = shown_request(page.locator(f'[data-variant="pad-{pad}"]'))
        assert body["w"] == [1, 0, 2]
        values = [fmt(e["value"]) for e in api(page, "correlate-1d", body)["y"]]
        expect(page.locator(f'[data-output="pad-{pad}"]')).to_have_text(f"[{', '.join(values)}]")
    page_problems.assert_none()


def test_stride_dilation_and_border_fill_in_the_size_formula(page: Page, page_problems) -> None:
    open_lesson(page, "padding-and-stride")
    section = page.locator('[data-section="slide"]')
    rows_formula = page.locator('[data-formula="rows"]')
    expect(rows_formula).to_have_text(f"\u230a(6 + 2{TIMES}1 {MINUS} 1{TIMES}(3 {MINUS} 1) {MINUS} 1) / 1\u230b + 1 = 6")

    page.locator('[data-options] input[name="stride"][value="2"]').check()
    wait_idle(page)
    body = shown_request(section)
    assert (body["padding"], body["stride"], body["dilation"]) == ("zero", 2, 1)
    answer = api(page, "slide", body)
    assert answer["rows"]["formula"] == "floor((6 + 2*1 - 1*(3 - 1) - 1) / 2) + 1 = 3"
    expect(rows_formula).to_have_text(pretty(answer["rows"]["formula"]))
    expect(rows_formula).to_have_attribute("data-raw", answer["rows"]["formula"])
    expect(page.locator('[data-formula="cols"]')).to_have_text(pretty(answer["cols"]["formula"]))
    figures = page.locator('[data-figures="slide"]')
    assert same_grid(grid_values(figures.locator('[data-grid="output"]')), answer["output"])
    assert same_grid(grid_values(figures.locator('[data-grid="padded"]')), answer["padded"])

    # Dilation 2 with the edge border: padding 2 each side, a 7-cell span.
    page.locator('[data-options] input[name="dilation"][value="2"]').check()
    wait_idle(page)
    page.locator('[data-options] input[name="padding"][value="edge"]').check()
    wait_idle(page)
    body = shown_request(section)
    answer = api(page, "slide", body)
    assert (body["padding"], body["stride"], body["dilation"]) == ("edge", 2, 2)
    expect(rows_formula).to_have_text(pretty(answer["rows"]["formula"]))
    assert answer["rows"]["formula"] == "floor((6 + 2*2 - 2*(3 - 1) - 1) / 2) + 1 = 3"
    assert same_grid(grid_values(figures.locator('[data-grid="padded"]')), answer["padded"])
    expect(page.locator("[data-border-note]")).to_contain_text("nearest value")

    # An even span pads unevenly, and says so.
    page.select_option('[data-size="w2-cols"]', "2")
    page.locator('[data-options] input[name="dilation"][value="1"]').check()
    wait_idle(page)
    answer = api(page, "slide", shown_request(section))
    assert answer["cols"]["p_before"] != answer["cols"]["p_after"]
    expect(page.locator('[data-formula="cols"]')).to_have_text(pretty(answer["cols"]["formula"]))
    expect(page.locator("[data-asymmetric-note]")).to_be_visible()
    page_problems.assert_none()


def test_the_window_slides_step_by_step(page: Page, page_problems) -> None:
    open_lesson(page, "padding-and-stride")
    section = page.locator('[data-section="slide"]')
    page.locator('[data-options] input[name="stride"][value="2"]').check()
    wait_idle(page)
    answer = api(page, "slide", shown_request(section))
    positions = answer["positions"]
    assert len(positions) == 9
    padded = page.locator('[data-figures="slide"] [data-grid="padded"]')
    output = page.locator('[data-figures="slide"] [data-grid="output"]')
    player = page.locator("[data-player]")

    def assert_step(step: int) -> None:
        expect(player).to_have_attribute("data-step", str(step))
        position = positions[step]
        assert cells_with(padded, "is-window") == {(r, c) for r in position["rows"] for c in position["cols"]}
        assert cells_with(output, "is-selected") == {tuple(position["out"])}
        expect(page.locator("[data-step-text]")).to_contain_text(f"Step {step + 1} of {len(positions)}")
        i, j = position["out"]
        terms = [f"{factor(answer['padded'][r][c])}{TIMES}{factor(w)}"
                 for r, row in zip(position["rows"], shown_request(section)["w"]) for c, w in zip(position["cols"], row)]
        expect(page.locator('[data-sum="slide"]')).to_have_text(" + ".join(terms) + f" = {fmt(answer['output'][i][j])}")

    assert_step(0)
    page.get_by_role("button", name="Next step").click()
    assert_step(1)
    page.locator("[data-scrub]").fill("7")
    assert_step(7)
    page.get_by_role("button", name="Previous step").click()
    assert_step(6)
    output.locator('[data-r="2"][data-c="0"]').click()  # jump to that output's step
    assert_step(6)
    output.locator('[data-r="0"][data-c="2"]').click()
    assert_step(2)
    expect(output.locator('[data-r="2"][data-c="2"]')).to_have_class(re.compile(r"\bis-future\b"))

    # Play: the steps advance on their own at the chosen speed, until paused.
    page.locator("[data-speed]").fill("8")
    expect(page.locator("[data-speed-text]")).to_have_text("8 steps/s")
    page.locator("[data-speed]").fill("2")
    expect(page.locator("[data-speed-text]")).to_have_text("2 steps/s")
    play = page.locator("[data-play]")
    play.click()
    expect(play).to_have_attribute("aria-pressed", "true")
    expect(player).to_have_attribute("data-step", re.compile(r"^[3-5]$"), timeout=5_000)
    play.click()
    expect(play).to_have_attribute("aria-pressed", "false")
    step = int(player.get_attribute("data-step"))
    page.wait_for_timeout(400)
    assert int(player.get_attribute("data-step")) == step
    assert_step(step)

    # Inputs up to 32 x 32.
    page.select_option('[data-size="x2-rows"]', "32")
    page.select_option('[data-size="x2-cols"]', "32")
    wait_idle(page)
    expect(page.locator('[data-edit="x2"] input')).to_have_count(32 * 32)
    answer = api(page, "slide", shown_request(section))
    assert len(answer["positions"]) == 16 * 16
    expect(page.locator('[data-formula="rows"]')).to_have_text(pretty(answer["rows"]["formula"]))
    expect(page.locator("[data-scrub]")).to_have_attribute("max", str(16 * 16 - 1))
    page_problems.assert_none()


def test_padding_bad_input_shows_the_engines_message(page: Page, page_problems) -> None:
    open_lesson(page, "padding-and-stride")
    page.locator('[data-options] input[name="padding"][value="valid"]').check()
    wait_idle(page)
    page.select_option('[data-size="x2-rows"]', "2")
    wait_idle(page)
    error = page.locator('[data-error="slide"]')
    shown = json.loads(page.locator('[data-section="slide"]').get_attribute("data-request"))  # the last answer's
    expected = api_error(page, "slide", {**shown, "x": shown["x"][:2]})
    expect(error).to_have_text(expected)
    assert "spans more than the 2x6 input" in expected
    only_expected_4xx(page_problems)


# ---------------------------------------------------------------- lesson 3

def test_convolution_flips_the_kernel_and_learning_makes_it_moot(page: Page, page_problems) -> None:
    open_lesson(page, "convolution-vs-correlation")
    correlation = page.locator('[data-variant="flip-false"]')
    convolution = page.locator('[data-variant="flip-true"]')

    # A single 1 in the middle: convolution stamps the kernel as written, correlation turned.
    for box, flip in [(correlation, False), (convolution, True)]:
        body = shown_request(box)
        assert body["flip"] is flip and body["pad"] == 1 and body["w"] == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
        answer = api(page, "correlate-2d", body)
        shown = grid_values(box.locator('[data-grid="y"]'))
        assert same_grid(shown, answer["y"])
        assert same_grid(grid_values(box.locator('[data-grid="kernel"]')), answer["kernel"])
        middle = [row[1:4] for row in shown[1:4]]
        assert middle == ([[1, 2, 3], [4, 5, 6], [7, 8, 9]] if flip else [[9, 8, 7], [6, 5, 4], [3, 2, 1]])
    expect(page.locator("[data-compare]")).to_have_attribute("data-same", "false")

    # Edit the kernel and the input: both sides follow the engine.
    page.locator('[data-edit="w"] input[data-r="0"][data-c="0"]').fill("-2")
    page.locator('[data-fill="pattern"]').click()
    wait_idle(page)
    for box in (correlation, convolution):
        body = shown_request(box)
        assert body["w"][0][0] == -2
        assert same_grid(grid_values(box.locator('[data-grid="y"]')), api(page, "correlate-2d", body)["y"])

    # The kernel a convolution layer would learn: turned, convolved, the correlation's output exactly.
    learned = page.locator('[data-section="learned"]')
    body = shown_request(learned)
    assert body["flip"] is True and body["w"][2][2] == -2
    answer = api(page, "correlate-2d", body)
    assert answer["kernel"][0][0] == -2
    assert same_grid(grid_values(learned.locator('[data-grid="learned-y"]')), answer["y"])
    assert same_grid(answer["y"], grid_values(correlation.locator('[data-grid="y"]')))
    expect(page.locator("[data-learned-verdict]")).to_have_attribute("data-same", "true")

    # A kernel that looks the same turned makes no difference at all.
    for r, row in enumerate([[1, 0, 1], [0, 4, 0], [1, 0, 1]]):
        for c, v in enumerate(row):
            page.locator(f'[data-edit="w"] input[data-r="{r}"][data-c="{c}"]').fill(str(v))
    wait_idle(page)
    expect(page.locator("[data-compare]")).to_have_attribute("data-same", "true")
    page_problems.assert_none()


# ---------------------------------------------------------------- lesson 4

def test_pooling_routes_each_gradient_to_its_arg_max(page: Page, page_problems) -> None:
    open_lesson(page, "pooling")
    section = page.locator('[data-section="pooling"]')
    body = shown_request(section)
    assert body == {"x": [[1, 3, 2, 4], [5, 5, 1, 0], [7, 2, 9, 9], [0, 1, 9, 3]], "kernel": 2, "stride": 2,
                    "delta": [[1, 2], [3, 4]]}
    # Window (1, 1) holds 1, 3, 5, 5: the first 5 wins.
    expect(page.locator('[data-sum="max"]')).to_have_text(
        f"max(1, 3, 5, 5) = 5 at x{sub('2,1')} (2 cells tie: the first in reading order wins)")

    page.locator('[data-edit="x"] input[data-r="0"][data-c="3"]').fill("8")
    wait_idle(page)
    body = shown_request(section)
    assert body["x"][0][3] == 8
    answer = api(page, "pooling", body)
    assert same_grid(grid_values(section.locator('[data-grid="max"]')), answer["max"])
    assert same_grid(grid_values(section.locator('[data-grid="average"]')), answer["average"])
    assert same_grid(grid_values(section.locator('[data-grid="dx-max"]')), answer["dx_max"])
    assert same_grid(grid_values(section.locator('[data-grid="dx-average"]')), answer["dx_average"])
    argmax = {tuple(rc) for row in answer["argmax"] for rc in row}
    assert cells_with(section.locator('[data-grid="max-x"]'), "is-argmax") == argmax
    assert cells_with(section.locator('[data-grid="dx-max"]'), "is-routed") == argmax

    # Pick output (1, 2): its window, its maximum and where its gradient goes.
    section.locator('[data-grid="max"] [data-r="0"][data-c="1"]').click()
    expect(page.locator('[data-where="pooling"]')).to_contain_text("input rows 1 to 2, columns 3 to 4")
    expect(page.locator('[data-sum="max"]')).to_have_text(f"max(2, 8, 1, 0) = 8 at x{sub('1,4')}")
    expect(page.locator('[data-back="max"]')).to_contain_text(f"\u2202L/\u2202x{sub('1,4')} = \u03b4{sub('1,2')} = 2")
    expect(page.locator('[data-sum="average"]')).to_have_text(f"(2 + 8 + 1 + 0) / 4 = {fmt(answer['average'][0][1])}")
    expect(page.locator('[data-back="average"]')).to_contain_text(f"\u03b4{sub('1,2')} / 4 = 2 / 4 = 0.5")

    # Overlapping windows (stride 1): a cell can be the maximum of several, and collects each delta.
    page.select_option('[data-option="stride"]', "1")
    wait_idle(page)
    body = shown_request(section)
    assert body["stride"] == 1 and len(body["delta"]) == 3
    answer = api(page, "pooling", body)
    assert same_grid(grid_values(section.locator('[data-grid="dx-max"]')), answer["dx_max"])
    assert same_grid(grid_values(section.locator('[data-grid="dx-average"]')), answer["dx_average"])
    page_problems.assert_none()


def test_pooling_bad_input_shows_the_engines_message(page: Page, page_problems) -> None:
    open_lesson(page, "pooling")
    page.select_option('[data-size="x-rows"]', "2")
    wait_idle(page)
    page.select_option('[data-option="kernel"]', "3")
    wait_idle(page)
    x = [[1, 3, 2, 4], [5, 5, 1, 0]]
    expected = api_error(page, "pooling", {"x": x, "kernel": 3, "stride": 2})
    assert expected == "The 3x3 window does not fit the 2x4 input"
    expect(page.locator('[data-error="pooling"]')).to_have_text(expected)
    expect(page.locator('[data-edit="delta"]')).to_be_hidden()
    only_expected_4xx(page_problems)


# ---------------------------------------------------------------- lesson 5

def expect_kind_rows(section: Locator, table: str, cells) -> None:  # noqa: ANN001
    """Each kind's row of a lesson 5 table ([data-<table>="<kind>"]) shows cells(kind): (selector, text) pairs."""
    for kind in ("depthwise", "standard", "separable"):
        row = section.locator(f'[data-{table}="{kind}"]')
        for selector, text in cells(kind):
            expect(row.locator(selector)).to_have_text(text)


def test_cost_calculator_follows_n(page: Page, page_problems) -> None:
    open_lesson(page, "convolution-types")
    section = page.locator('[data-section="cost"]')
    assert shown_request(section) == {"dk": 3, "m": 32, "n": 64, "df": 112}
    page.locator("#ct-n").fill("128")
    wait_idle(page)
    body = shown_request(section)
    assert body == {"dk": 3, "m": 32, "n": 128, "df": 112}
    cost = api(page, "conv-cost", body)
    expect_kind_rows(section, "cost", lambda kind: [("[data-value]", f"{cost[kind]:,}"),
                                                   ("[data-formula]", pretty(cost["formulas"][kind].split(" = ")[0]))])
    expect(section.locator('[data-cost="standard"] [data-formula]')).to_have_text(
        f"3{TIMES}3{TIMES}32{TIMES}128{TIMES}112{TIMES}112")
    expect(section.locator('[data-cost="separable"] [data-value]')).to_have_text("54,992,896")  # 9*32*112*112 + 32*128*112*112
    ratio = page.locator("[data-ratio]")
    expect(ratio).to_contain_text(pretty(cost["formulas"]["ratio"]))
    assert float(ratio.get_attribute("data-value")) == pytest.approx(cost["ratio"])
    page_problems.assert_none()


def test_cost_calculator_bad_input(page: Page, page_problems) -> None:
    open_lesson(page, "convolution-types")
    error = page.locator('[data-error="cost"]')
    page.locator("#ct-dk").fill("2.5")
    expect(error).to_have_text("D_K, the kernel size, must be a whole number.")
    expect(page.locator("#ct-dk")).to_have_attribute("aria-invalid", "true")
    page.locator("#ct-dk").fill("3")
    wait_idle(page)
    expect(error).to_be_hidden()
    # N = 0 is a whole number the browser lets through; the engine refuses it, and the page says
    # so with the lesson's name for N and the bound the engine gave.
    page.locator("#ct-n").fill("0")
    wait_idle(page)
    errors = field_errors(page, "conv-cost", {"dk": 3, "m": 32, "n": 0, "df": 112})
    assert [e["loc"][-1] for e in errors] == ["n"]
    expect(error).to_have_text("N, the number of output channels, must be at least 1.")
    assert_lesson_words(error.text_content())
    expect(page.locator("#ct-n")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#ct-dk")).not_to_have_attribute("aria-invalid", "true")
    only_expected_4xx(page_problems)


def test_run_the_three_kinds_on_the_photo(page: Page, page_problems) -> None:
    open_lesson(page, "convolution-types")
    section = page.locator('[data-section="run"]')
    page.locator("#ct-run-df").fill("64")
    page.get_by_role("button", name="Run on the photo").click()
    expect(page.locator('[data-result="run"]')).to_be_visible(timeout=60_000)
    wait_idle(page, 60_000)
    body = shown_request(section)
    assert body == {"dk": 3, "m": 16, "n": 32, "df": 64}
    cost = api(page, "conv-cost", body)
    expect_kind_rows(section, "run", lambda kind: [("[data-macs]", f"{cost[kind]:,}"),
                                                  ("[data-time]", re.compile(r"^\d+(\.\d+)? ms$"))])
    measured = page.locator("[data-measured]")
    expect(measured).to_contain_text(f"{cost['ratio']:.4f} by the formula")
    assert float(measured.get_attribute("data-value")) > 0
    expect(page.get_by_role("button", name="Run on the photo")).to_be_enabled()
    page_problems.assert_none()


# ---------------------------------------------------------------- lesson 6

def test_parameters_of_lenet5_the_mlp_and_an_edited_network(page: Page, page_problems) -> None:
    open_lesson(page, "parameters")
    lenet = page.locator('[data-params="lenet5"]')
    expect(lenet.locator('[data-sum="conv"] td')).to_have_text("2,550")
    expect(lenet.locator('[data-sum="classifier"] td')).to_have_text("59,134")
    expect(lenet.locator('[data-sum="total"] td')).to_have_text("61,684")
    expect(page.locator('[data-params="mlp"] [data-sum="total"] td')).to_have_text("251,060")
    expect(lenet.locator('tr[data-layer="conv2"] td').nth(2)).to_have_text(f"16{TIMES}6{TIMES}5{TIMES}5")
    expect(page.locator('[data-compare="builtin"]')).to_contain_text("251,060 / 61,684 = 4.07")

    # The editable network starts as LeNet-5 ...
    custom = page.locator('[data-section="custom"]')
    expect(custom.locator('[data-params="custom"] [data-sum="total"] td')).to_have_text("61,684")
    # ... and follows an edited layer: conv1 with 8 kernels instead of 6.
    page.get_by_label("Layer 1 (Convolution): channels").fill("8")
    wait_idle(page)
    body = shown_request(custom)
    assert body["layers"][0] == {"kind": "conv", "channels": 8, "kernel": 5, "padding": 2, "bias": False}
    answer = api(page, "parameters", body)
    assert answer["total"] == 61_684 - 150 - 2_400 + 8 * 25 + 16 * 8 * 25
    expect(custom.locator('[data-params="custom"] [data-sum="total"] td')).to_have_text(f"{answer['total']:,}")
    expect(custom.locator('[data-params="custom"] tr[data-layer="conv2"] td').nth(2)).to_have_text(
        f"16{TIMES}8{TIMES}5{TIMES}5")
    expect(page.locator('[data-compare="custom"]')).to_contain_text(f"{answer['total']:,} parameters")

    # Remove the flatten layer: the engine says why the next layer cannot follow.
    page.get_by_role("button", name="Remove layer 7 (Flatten)").click()
    wait_idle(page)
    body_without = json.loads(json.dumps(body))
    del body_without["layers"][6]
    expected = api_error(page, "parameters", body_without)
    assert expected.startswith("fc1: ")
    expect(page.locator('[data-error="custom"]')).to_have_text(expected)
    expect(page.locator('[data-architecture] li[data-layer="7"]')).to_have_class(re.compile(r"\bis-invalid\b"))

    # Add a layer, move it, and start again from the MLP.
    page.select_option("[data-add-kind]", "flatten")
    page.get_by_role("button", name="Add layer").click()
    for _ in range(5):
        page.get_by_role("button", name=re.compile(r"^Move up layer \d+ \(Flatten\)$")).click()
    wait_idle(page)
    body = shown_request(custom)
    assert [layer["kind"] for layer in body["layers"]][6] == "flatten"
    expect(page.locator('[data-error="custom"]')).to_be_hidden()
    expect(custom.locator('[data-params="custom"] [data-sum="total"] td')).to_have_text(f"{answer['total']:,}")
    page.get_by_role("button", name="The MLP").click()
    wait_idle(page)
    expect(custom.locator('[data-params="custom"] [data-sum="total"] td')).to_have_text("251,060")
    only_expected_4xx(page_problems)


# ---------------------------------------------------------------- lesson 7

def test_results_show_both_networks_and_the_two_ratios(page: Page, page_problems) -> None:
    open_lesson(page, "results", RESULTS_TIMEOUT)
    expect(page.locator('[data-result="results"]')).to_be_visible()
    answer = api(page, "results")
    lenet, mlp = answer["lenet5"], answer["mlp"]
    for key, model, params in [("lenet5", lenet, "61,684"), ("mlp", mlp, "251,060")]:
        box = page.locator(f'[data-model="{key}"]')
        expect(box.locator('[data-stat="params"]')).to_have_text(params)
        expect(box.locator('[data-stat="error"]')).to_have_text(fmt(model["test_error"] * 100, 2) + "%")
        expect(box.locator('[data-stat="accuracy"]')).to_have_text(fmt(model["test_accuracy"] * 100, 2) + "%")
        table = box.locator(f'table[data-confusion="{key}"]')
        shown = [[int(t) for t in table.locator("tbody tr").nth(r).locator("td:not(.ls-confusion-wrong)").all_text_contents()]
                 for r in range(10)]
        assert shown == model["confusion"]
        wrong = sum(map(sum, model["confusion"])) - sum(model["confusion"][i][i] for i in range(10))
        expect(box.locator('[data-stat="wrong"]')).to_have_text(f"{wrong:,} of 10,000")
    assert lenet["params"] == 61_684 and mlp["params"] == 251_060
    error_ratio = page.locator('[data-ratio="error"]')
    expect(error_ratio.locator("[data-formula]")).to_have_text(
        f"{fmt(mlp['test_error'] * 100, 2)}% / {fmt(lenet['test_error'] * 100, 2)}% = {fmt(answer['error_ratio'], 2)}")
    expect(page.locator('[data-ratio="size"] [data-formula]')).to_have_text(
        f"251,060 / 61,684 = {fmt(answer['size_ratio'], 2)}")
    # the claim is judged on the ratios as shown, to one decimal place
    holds = float(fmt(answer["error_ratio"], 1)) >= 1.5 and float(fmt(answer["size_ratio"], 1)) >= 3.5
    expect(page.locator("[data-claim]")).to_have_attribute("data-holds", str(holds).lower())
    expect(error_ratio.locator("[data-value]")).to_have_text(fmt(answer["error_ratio"], 1))
    page_problems.assert_none()


# ---------------------------------------------------------------- every lesson

def test_every_lesson_runs_under_a_strict_csp_and_links_its_neighbours(page: Page, page_problems) -> None:
    """Every lesson works under a strict CSP (a violation is a console error) and links the next.

    Two things made this flaky, both timing: the page's data-busy flag covers the requests the
    lesson makes, but not the favicon the browser fetches after each page loads, so following the
    next link while the favicon was still on its way aborted it (net::ERR_ABORTED, a failed
    request) whenever the machine was slow; and the pattern that adds the CSP also caught the
    lessons' API calls (/api/lessons/...), sending each of them through this test process. Now
    only the pages themselves get the CSP, and each page is left only once nothing it started is
    still on its way."""
    documents = []

    def add_csp(route) -> None:  # noqa: ANN001
        response = route.fetch(max_retries=3)  # a kept-alive socket the server just closed: try again
        documents.append(route.request.url)
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    page.route(re.compile(r"^https?://[^/]+/lessons(/[\w-]+)?$"), add_csp)
    page.goto("/lessons")
    expect(page.locator(".ls-index-card")).to_have_count(len(SLUGS))
    page.wait_for_load_state("networkidle")
    page.locator(".ls-index-card a").first.click()
    for number, slug in enumerate(SLUGS, start=1):
        expect(root(page)).to_have_attribute("data-lesson-page", slug)
        wait_idle(page, RESULTS_TIMEOUT if slug == "results" else TIMEOUT)
        expect(page.get_by_role("navigation", name="Lessons").locator('[aria-current="page"]')).to_contain_text(
            f"{number}")
        assert page.locator("[data-lesson-page] section.ls-section").count() >= 1
        expect(page.locator(".ls-error:visible")).to_have_count(0)
        pager = page.get_by_role("navigation", name="Previous and next lesson")
        if number > 1:
            expect(pager.locator('a[rel="prev"]')).to_have_attribute("href", f"/lessons/{SLUGS[number - 2]}")
        page.wait_for_load_state("networkidle")  # the favicon too, not only the lesson's own requests
        if number < len(SLUGS):
            pager.locator('a[rel="next"]').click()
        else:
            expect(pager.locator('a[data-pager="index"]')).to_have_attribute("href", "/lessons")
    assert [url.split("/", 3)[3] for url in documents] == ["lessons", *(f"lessons/{slug}" for slug in SLUGS)]
    page_problems.assert_none()  # a CSP violation is reported as a console error


def test_keyboard_moves_between_cells(page: Page, page_problems) -> None:
    open_lesson(page, "cross-correlation")
    first = page.locator('[data-edit="x2"] input[data-r="0"][data-c="0"]')
    first.focus()
    page.keyboard.press("Enter")
    expect(page.locator('[data-edit="x2"] input[data-r="1"][data-c="0"]')).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(first).to_be_focused()
    page.locator('[data-edit="x"] input[data-c="0"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator('[data-edit="x"] input[data-c="1"]')).to_be_focused()
    expect(page.locator('[data-edit="x"] input[data-c="1"]')).to_have_attribute("aria-label", "x 2")
    expect(page.locator('[data-edit="x2"] input[data-r="1"][data-c="0"]')).to_have_attribute("aria-label", "x row 2, column 1")
    # the shared NumberGrid, with the lesson's names for its cells
    expect(page.locator('[data-edit="x2"]')).to_have_class(re.compile(r"\bnum-grid\b"))
    expect(page.locator('[data-edit="x2"] input.num-cell')).to_have_count(25)
    expect(page.locator('[data-edit="x"] .num-grid-index')).to_have_text([str(i) for i in range(1, 9)])
    page_problems.assert_none()


@pytest.mark.parametrize("slug", SLUGS)
def test_each_lesson_fits_a_phone(page: Page, page_problems, tmp_path: Path, slug: str) -> None:
    page.set_viewport_size(PHONE)
    open_lesson(page, slug, RESULTS_TIMEOUT if slug == "results" else TIMEOUT)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{slug} is {overflow}px wider than a {PHONE['width']}px phone screen"
    cards = page.locator(".ls-card")
    for i in range(cards.count()):
        box = cards.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{slug}: card {i}"
    # text stays readable: nothing in a card smaller than 9.5 px
    smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll('.ls-card *')]
        .filter((e) => e.childNodes.length && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
        .map((e) => parseFloat(getComputedStyle(e).fontSize)))""")
    assert smallest >= 9.5, f"{slug}: {smallest}px text"
    page.screenshot(path=str(tmp_path / f"{slug}-phone.png"), full_page=True)
    page_problems.assert_none()


# ---------------------------------------------------------------- the code you see
CODE_PARTS = {  # lesson: (the part that shows the code, the API path that answers its request)
    "cross-correlation": [("backward", "correlate-1d"), ("two-d", "correlate-2d")],
    "padding-and-stride": [("slide", "slide")],
    "convolution-vs-correlation": [("flip", "correlate-2d")],
    "pooling": [("pooling", "pooling")],
    "convolution-types": [("cost", "conv-cost")],
    "parameters": [("custom", "parameters")],
    "transposed-convolution": [("gradient", "transposed")],
    "groups": [("groups", "groups")],
    "causal-convolution": [("causal", "causal"), ("stack", "causal/stack")],
}


@pytest.mark.parametrize("slug", list(CODE_PARTS))
def test_every_lesson_shows_the_pytorch_code_for_what_is_on_screen(page: Page, page_problems, slug: str) -> None:
    """Each part's code is the engine's code for the very request whose numbers the page shows
    (tests/test_lesson_code.py and each lesson's tests run that code in PyTorch)."""
    open_lesson(page, slug)
    for part, path in CODE_PARTS[slug]:
        block = page.locator(f'[data-section="{part}"] [data-code-block]')
        expect(block).to_have_attribute("data-code-for", re.compile(r"^\{"))
        expect(block).not_to_have_class(re.compile("is-stale"))
        request = json.loads(block.get_attribute("data-code-for"))
        assert api(page, path, request)["code"] == block.locator("[data-code]").text_content()
