"""The digit page (/digits) in a real browser: drawing with the mouse, the live prediction from
POST /api/digits/predict, the 28x28 image the network saw, the probability bars, every layer's
maps, undo and clear, and the hand-over of the drawing to /receptive-field."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TIMEOUT = 20_000


# The page aborts a request whose answer a newer one makes stale (the drawing changed while it
# was on its way); the browser reports those as failed requests (net::ERR_ABORTED). They are the
# design, not a fault: every other problem fails the test.
ABORTABLE = ("/api/digits/predict",)


def assert_no_problems(page_problems) -> None:  # noqa: ANN001
    page_problems.items[:] = [p for p in page_problems.items
                              if not ("net::ERR_ABORTED" in p and any(u in p for u in ABORTABLE))]
    page_problems.assert_none()

# Strokes as a person draws them, in fractions of the canvas (0..1 across and down), each a
# list of points the pen passes through. Both fill most of the canvas.
ONE = [[(0.56, 0.12), (0.545, 0.3), (0.52, 0.5), (0.5, 0.7), (0.48, 0.88)]]
SEVEN = [
    [(0.24, 0.2), (0.4, 0.185), (0.58, 0.18), (0.76, 0.175)],  # the bar, left to right
    [(0.76, 0.175), (0.68, 0.36), (0.6, 0.54), (0.53, 0.72), (0.48, 0.88)],  # the stem, down-left
]


def root(page: Page) -> Locator:
    return page.locator("[data-digits-page]")


def wait_idle(page: Page) -> None:
    expect(root(page)).to_have_attribute("data-busy", "false", timeout=TIMEOUT)


def draw(page: Page, strokes: list[list[tuple[float, float]]]) -> None:
    """Draw each stroke with the mouse: press, move through the points in small steps, release."""
    canvas = page.locator("[data-draw-pad] canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    at = lambda p: (box["x"] + p[0] * box["width"], box["y"] + p[1] * box["height"])  # noqa: E731
    for stroke in strokes:
        page.mouse.move(*at(stroke[0]))
        page.mouse.down()
        for point in stroke[1:]:
            page.mouse.move(*at(point), steps=8)
        page.mouse.up()


def preview_pixels(page: Page) -> str:
    return page.locator("[data-preview] canvas").evaluate("c => c.toDataURL()")


def bars(page: Page) -> dict[int, float]:
    rows = page.locator("[data-bars] [data-digit]")
    expect(rows).to_have_count(10)
    return {int(r.get_attribute("data-digit")): float(r.get_attribute("data-probability") or "nan") for r in rows.all()}


def assert_prediction(page: Page, digit: int) -> dict[int, float]:
    """The page shows `digit` as its answer, everywhere it says so."""
    wait_idle(page)
    expect(root(page)).to_have_attribute("data-state", "predicted")
    expect(root(page)).to_have_attribute("data-digit", str(digit))
    expect(page.locator("[data-guess-digit]")).to_have_text(str(digit))
    expect(page.locator("[data-guess-line]")).to_have_text(f"It\u2019s a {digit}")
    probabilities = bars(page)
    assert max(probabilities, key=probabilities.get) == digit
    assert sum(probabilities.values()) == pytest.approx(1, abs=1e-3)
    expect(page.locator(f'[data-bars] [data-digit="{digit}"]')).to_have_class(re.compile(r"\bis-top\b"))
    runner_up = int(root(page).get_attribute("data-runner-up"))
    assert runner_up != digit
    assert probabilities[runner_up] == max(p for d, p in probabilities.items() if d != digit)
    expect(page.locator(f'[data-bars] [data-digit="{runner_up}"]')).to_have_class(re.compile(r"\bis-runner-up\b"))
    expect(page.locator("[data-runner-up-line]")).to_contain_text(f"runner-up {runner_up}")
    return probabilities


def test_draw_a_one_then_a_seven_then_clear(page: Page, page_problems, tmp_path: Path) -> None:
    page.goto("/digits")
    wait_idle(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Draw a digit, watch the network read it")
    # Nothing drawn: a prompt, no guess, and no request for one.
    expect(root(page)).to_have_attribute("data-state", "empty")
    expect(page.locator("[data-prompt]")).to_be_visible()
    expect(page.locator("[data-guess]")).to_be_hidden()
    expect(page.locator("[data-pad-prompt]")).to_be_visible()
    expect(page.locator("[data-model-line]")).to_contain_text("the pretrained LeNet-5")
    blank = preview_pixels(page)

    # A 1. The canvas travels as a file in a multipart form (Playwright cannot see a Blob body).
    with page.expect_request(lambda r: "/api/digits/predict" in r.url) as first_request:
        draw(page, ONE)
    request = first_request.value
    assert request.method == "POST"
    assert request.headers["content-type"].startswith("multipart/form-data")
    expect(page.locator("[data-pad-prompt]")).to_be_hidden()
    one = assert_prediction(page, 1)
    expect(root(page)).to_have_attribute("data-model", "pretrained")
    one_preview = preview_pixels(page)
    assert one_preview != blank
    expect(page.locator("[data-preview-note]")).to_contain_text("centre of mass")
    expect(page.locator("[data-ink-box]")).to_be_visible()
    # Lifting the pen brought every layer's maps: conv1's six 28x28 maps, ..., fc3's ten scores.
    maps = page.locator("[data-layer-maps]")
    expect(maps).to_have_attribute("data-layers", "12")
    expect(maps.locator('[data-layer="conv1"] canvas')).to_have_count(6)
    expect(maps.locator('[data-layer="conv2"] canvas')).to_have_count(16)
    expect(maps.locator('[data-layer="fc3"] canvas')).to_have_count(1)
    assert maps.locator('[data-layer="pool1"] canvas').first.evaluate("c => [c.width, c.height]") == [14, 14]

    # Clear, then a 7 in two strokes: the preview and the bars follow.
    page.get_by_role("button", name="Clear").click()
    expect(root(page)).to_have_attribute("data-state", "empty")
    version = int(root(page).get_attribute("data-version"))
    draw(page, SEVEN)
    expect(root(page)).not_to_have_attribute("data-version", str(version))
    seven = assert_prediction(page, 7)
    assert seven[7] > one[7] and seven[1] < one[1]
    assert preview_pixels(page) not in (one_preview, blank)
    expect(page.locator("[data-draw-pad]")).to_have_attribute("data-strokes", "2")
    page.screenshot(path=str(tmp_path / "digits-seven.png"), full_page=True)

    # The drawing is kept for /receptive-field, and is still here on coming back.
    page.goto("/receptive-field")
    rf = page.locator("[data-rf-page]")
    expect(rf).to_have_attribute("data-busy", "false", timeout=TIMEOUT)
    expect(rf).to_have_attribute("data-picture", "stored")
    expect(page.locator('[data-pick="stored"]')).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-source-status]")).to_contain_text("The network reads it as 7")
    page.go_back()
    expect(page.locator("[data-draw-pad]")).to_have_attribute("data-strokes", "2", timeout=TIMEOUT)
    assert_prediction(page, 7)

    # Undo takes away the last stroke; Clear everything: the friendly prompt again, no guess.
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("[data-draw-pad]")).to_have_attribute("data-strokes", "1")
    wait_idle(page)
    page.get_by_role("button", name="Clear").click()
    expect(root(page)).to_have_attribute("data-state", "empty")
    expect(page.locator("[data-prompt]")).to_be_visible()
    expect(page.locator("[data-guess]")).to_be_hidden()
    expect(page.locator("[data-bars] .is-top")).to_have_count(0)
    expect(page.locator("[data-bars] [data-value]").first).to_have_text("\u2013")
    expect(page.locator("[data-maps-message], .dg-maps-message")).to_be_visible()
    assert preview_pixels(page) == blank
    assert page.evaluate("sessionStorage.getItem('convscope:last-digit')") is None
    wait_idle(page)
    assert_no_problems(page_problems)


def test_server_messages_are_shown_not_guessed(page: Page, page_problems) -> None:
    """A faint scribble the server finds empty: its 422 message is shown, and no digit."""
    page.goto("/digits")
    wait_idle(page)

    def faint(route) -> None:  # noqa: ANN001
        route.fulfill(status=422, content_type="application/json",
                      body=json.dumps({"detail": "the drawing is empty: no stroke darker or lighter than the "
                                                 "background; draw a digit first"}))

    page.route("**/api/digits/predict*", faint)
    draw(page, ONE)
    wait_idle(page)
    expect(root(page)).to_have_attribute("data-state", "error")
    expect(page.locator("[data-error]")).to_have_text(
        "The drawing is empty: no stroke darker or lighter than the background; draw a digit first")
    expect(page.locator("[data-guess]")).to_be_hidden()
    expect(page.locator("[data-bars] .is-top")).to_have_count(0)
    # The 422s are the only problems the browser saw.
    problems = [p for p in page_problems.items if "net::ERR_ABORTED" not in p]
    assert problems and all("422" in p for p in problems), problems


def test_pure_maths_module(page: Page, page_problems) -> None:
    page.goto("/digits")
    wait_idle(page)
    result = page.evaluate("""async () => {
        const m = await import('/static/js/digits/digit-math.js');
        const image = Array.from({length: 28}, (_, y) => Array.from({length: 28}, (_, x) =>
            (y >= 4 && y <= 23 && x >= 10 && x <= 15) ? 255 : 0));
        return {
            pct: [0.98213, 0.00001, 0, 1, 0.05].map(m.formatPercent),
            top: m.topTwo([0.1, 0.5, 0.05, 0.3, 0, 0, 0, 0.05, 0, 0]),
            path: m.strokePath([{x: 0, y: 0}, {x: 10, y: 0}, {x: 10, y: 10}]),
            dot: m.strokePath([{x: 3, y: 4}]),
            geometry: m.inkGeometry(image),
            model: [m.modelLabel('pretrained', 'lenet5').text, m.modelLabel('run:ab12', 'lenet5').text],
            roundTrip: m.decodeDrawing(m.encodeDrawing({strokes: [{width: 20, points: [{x: 1, y: 2}]}], input: image, digit: 1})).digit,
            bad: [m.decodeDrawing('{'), m.decodeDrawing(null), m.decodeDrawing('{"v": 2, "strokes": []}')],
            colours: [m.divergingColor(-1), m.divergingColor(0), m.divergingColor(1)],
            shapes: [m.shapeText([6, 28, 28]), m.shapeText([120])],
            pretty: m.prettyDescription('400 -> 120, 6@5x5'),
        };
    }""")
    assert result["pct"] == ["98.2%", "<0.1%", "0%", "100%", "5.0%"]
    assert result["top"] == {"digit": 1, "runnerUp": 3}
    assert result["path"] == [["M", 0, 0], ["Q", 10, 0, 10, 5], ["L", 10, 10]]
    assert result["dot"] == [["dot", 3, 4]]
    assert result["geometry"] == {"top": 4, "bottom": 23, "left": 10, "right": 15, "cy": 13.5, "cx": 12.5}
    assert result["model"] == ["the pretrained LeNet-5", "LeNet-5 from training run ab12"]
    assert result["roundTrip"] == 1
    assert result["bad"] == [None, None, None]
    assert result["colours"] == [[165, 0, 38], [250, 250, 252], [49, 54, 149]]
    assert result["shapes"] == ["6 maps of 28 \u00d7 28", "120 numbers"]
    assert result["pretty"] == "400 \u2192 120, 6@5\u00d75"
    assert_no_problems(page_problems)


def test_phone_layout(page: Page, page_problems, tmp_path: Path) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/digits")
    wait_idle(page)
    draw(page, SEVEN)
    assert_prediction(page, 7)
    expect(page.locator("[data-layer-maps]")).to_have_attribute("data-layers", "12")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than a {PHONE['width']}px phone screen"
    canvas = page.locator("[data-draw-pad] canvas").bounding_box()
    assert canvas["width"] >= 280, "the drawing area should be most of the phone's width"
    assert page.locator("[data-draw-pad] canvas").evaluate("c => getComputedStyle(c).touchAction") == "none"
    for selector in ["[data-bars]", "[data-preview]", '[data-layer-maps] [data-layer="conv2"]', '[data-layer="fc1"] canvas']:
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], selector
    page.screenshot(path=str(tmp_path / "digits-phone.png"), full_page=True)
    assert_no_problems(page_problems)
