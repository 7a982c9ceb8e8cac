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


def drawn_answer(page: Page, strokes: list[list[tuple[float, float]]], how=draw) -> dict:  # noqa: ANN001
    """Draw with `how` (draw or redraw), wait until the page is idle, and return the answer it shows.

    A lifted pen asks for every layer; when the pause before the next stroke outlasts the page's
    debounce, the first stroke's own answer comes too. The page shows the last one, so that is
    the one to compare with.
    """
    answers = []

    def keep(response) -> None:  # noqa: ANN001
        if "activations=true" in response.url and response.ok:
            answers.append(response)

    page.on("response", keep)
    try:
        how(page, strokes)
        wait_idle(page)
    finally:
        page.remove_listener("response", keep)
    assert answers, "no answer with every layer came"
    return answers[-1].json()


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
    expect(page.locator("[data-layer-maps] .dg-maps-message")).to_be_visible()
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
        const strokes = await import('/static/js/digits/strokes.js');
        const store = await import('/static/js/digits/drawing-store.js');
        const words = await import('/static/js/digits/prediction-words.js');
        const ink = await import('/static/js/digits/ink-geometry.js');
        const layers = await import('/static/js/digits/layer-words.js');
        const heat = await import('/static/js/shared/heatmap.js');
        const image = Array.from({length: 28}, (_, y) => Array.from({length: 28}, (_, x) =>
            (y >= 4 && y <= 23 && x >= 10 && x <= 15) ? 255 : 0));
        const geometry = ink.inkGeometry(image);
        return {
            top: words.topTwo([0.1, 0.5, 0.05, 0.3, 0, 0, 0, 0.05, 0, 0]),
            path: strokes.strokePath([{x: 0, y: 0}, {x: 10, y: 0}, {x: 10, y: 10}]),
            dot: strokes.strokePath([{x: 3, y: 4}]),
            resolution: [strokes.padResolution(376, 2), strokes.padResolution(376, 2, 40000), strokes.padResolution(50, 1)],
            geometry,
            note: ink.inkNote(geometry, {box: 20, field: 28}),
            noteOff: ink.inkNote({top: 0, bottom: 18, left: 0, right: 9, cy: 9, cx: 4.5}, {box: 20, field: 28}),
            model: [words.modelLabel('pretrained', 'lenet5').text, words.modelLabel('run:ab12', 'lenet5').text],
            accuracy: [words.accuracyText(0.9935), words.accuracyText(null)],
            guesses: [0, 1, 7, 8].map(words.guessSentence),
            sure: [0.9995, 0.9496, 0.9494, 0.6, 0.2].map(words.confidenceSentence),
            runnerUps: [words.runnerUpSentence(3, 0.0001, 0.9999), words.runnerUpSentence(3, 0.05, 0.9),
                        words.runnerUpSentence(3, 0.4, 0.55)],
            roundTrip: store.decodeDrawing(store.encodeDrawing({strokes: [{width: 20, points: [{x: 1, y: 2}]}], input: image, digit: 1}), 28).digit,
            wrongSide: store.decodeDrawing(store.encodeDrawing({strokes: [], input: image, digit: 1}), 20).input,
            bad: [store.decodeDrawing('{', 28), store.decodeDrawing(null, 28), store.decodeDrawing('{"v": 2, "strokes": []}', 28)],
            colours: [heat.divergingColor(-1), heat.divergingColor(0), heat.divergingColor(1)],
            shapes: [layers.shapeText([6, 28, 28]), layers.shapeText([120]), layers.shapeText([1, 5, 5])],
            pretty: layers.prettyDescription('400 -> 120, 6@5x5'),
            sizes: [layers.sizeChangeText([6, 28, 28], [6, 14, 14]), layers.sizeChangeText([6, 14, 14], [16, 10, 10]),
                    layers.sizeChangeText([1, 28, 28], [6, 28, 28])],
            range: layers.valueRangeText([[[-1.234, 0], [2, 4.5]]]),
        };
    }""")
    assert result["top"] == {"digit": 1, "runnerUp": 3}
    assert result["path"] == [["M", 0, 0], ["Q", 10, 0, 10, 5], ["L", 10, 10]]
    assert result["dot"] == [["dot", 3, 4]]
    assert result["resolution"] == [640, 200, 140]  # sharp, then capped by the server's pixel limit
    assert result["geometry"] == {"top": 4, "bottom": 23, "left": 10, "right": 15, "cy": 13.5, "cx": 12.5}
    assert result["note"] == ("Ink box 6 \u00d7 20 px (longer side 20, as the recipe scales it); centre of mass (+) at "
                              "x 12.5, y 13.5, off the centre (14, 14) by x \u22121.5, y \u22120.5 px.")
    assert result["noteOff"].startswith("Ink box 10 \u00d7 19 px (the recipe scales the longer side to 20 px; pixels under 10%")
    assert result["noteOff"].endswith("by x \u22129.5, y \u22125 px.")
    assert result["model"] == ["the pretrained LeNet-5", "LeNet-5 from training run ab12"]
    assert result["accuracy"] == [" (99.35% right on the MNIST test set)", ""]
    assert result["guesses"] == ["It\u2019s a 0", "It\u2019s a 1", "It\u2019s a 7", "It\u2019s an 8"]
    # The word follows the percentage as shown: "95%" is "Sure", "94.9%" is not.
    assert result["sure"] == ["Sure: >99.9%", "Sure: 95%", "Fairly sure: 94.9%", "Leaning: 60%", "Unsure: 20%"]
    assert result["runnerUps"] == ["runner-up 3 (<0.1%): no other digit comes close", "runner-up 3 (5%)",
                                   "runner-up 3 (40%): a close call"]
    assert result["roundTrip"] == 1
    assert result["wrongSide"] is None
    assert result["bad"] == [None, None, None]
    assert result["colours"] == [[165, 0, 38], [250, 250, 252], [49, 54, 149]]
    assert result["shapes"] == ["6 maps of 28 \u00d7 28", "120 numbers", "1 map of 5 \u00d7 5"]
    assert result["pretty"] == "400 \u2192 120, 6@5\u00d75"
    assert result["sizes"] == ["half the size (28 \u00d7 28 to 14 \u00d7 14)", "14 \u00d7 14 to 10 \u00d7 10",
                               "the same 28 \u00d7 28 size"]
    assert result["range"] == "From \u22121.23 to 4.5"
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


# ------------------------------------------------------------------- words follow numbers

def js_round(value: float, places: int) -> str:
    """A number as the page's formatNumber prints it: rounded half up (as toFixed does), trailing
    zeros dropped, a typographic minus."""
    from decimal import ROUND_HALF_UP, Decimal

    text = str(Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "0") else text.replace("-", "\u2212")


def bar_image() -> list[list[int]]:
    """A 28x28 image with a vertical bar: something for the preview to draw."""
    return [[255 if 4 <= y <= 23 and 12 <= x <= 15 else 0 for x in range(28)] for y in range(28)]


def fake_answer(digit: int, probabilities: dict[int, float], runner_up: int, **extra) -> dict:  # noqa: ANN003
    p = [probabilities.get(d, 0.0) for d in range(10)]
    return {"digit": digit, "runner_up": runner_up, "probabilities": p, "input": bar_image(),
            "model": "pretrained", "architecture": "lenet5", **extra}


def answer_with(page: Page, reply: dict) -> None:
    """Every POST /api/digits/predict from now on is answered with reply["body"]."""
    page.route("**/api/digits/predict*", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(reply["body"])))


def redraw(page: Page, strokes: list[list[tuple[float, float]]]) -> None:
    version = root(page).get_attribute("data-version")
    if page.locator("[data-pad-clear]").is_enabled():
        page.get_by_role("button", name="Clear").click()
    draw(page, strokes)
    if version is not None:
        expect(root(page)).not_to_have_attribute("data-version", version, timeout=TIMEOUT)
    wait_idle(page)


def test_the_answer_sentences_follow_the_probabilities(page: Page, page_problems) -> None:
    """The article follows the digit ("an 8"), the confidence word and every percentage follow the
    probabilities (never "100%" or "0%"), and the runner-up is still named when tiny, at "<0.1%",
    with what that means."""
    reply = {"body": fake_answer(8, {8: 1.0, 3: 0.0}, runner_up=3)}
    page.goto("/digits")
    wait_idle(page)
    answer_with(page, reply)
    redraw(page, ONE)
    expect(root(page)).to_have_attribute("data-digit", "8")
    expect(page.locator("[data-guess-line]")).to_have_text("It\u2019s an 8")
    expect(page.locator("[data-confidence-line]")).to_have_text("Sure: >99.9%")
    expect(page.locator("[data-runner-up-line]")).to_have_text("runner-up 3 (<0.1%): no other digit comes close")
    values = page.locator("[data-bars] [data-value]").all_inner_texts()
    assert values == ["<0.1%"] * 8 + [">99.9%", "<0.1%"]

    # A close call: another digit, another article, the runner-up near the top.
    reply["body"] = fake_answer(1, {1: 0.55, 7: 0.4, 2: 0.05}, runner_up=7)
    redraw(page, SEVEN)
    expect(page.locator("[data-guess-line]")).to_have_text("It\u2019s a 1")
    expect(page.locator("[data-confidence-line]")).to_have_text("Leaning: 55%")
    expect(page.locator("[data-runner-up-line]")).to_have_text("runner-up 7 (40%): a close call")
    expect(page.locator('[data-bars] [data-digit="2"] [data-value]')).to_have_text("5%")

    # Fairly sure, a runner-up that is neither tiny nor close; 94.96% shows as 95%, so it reads "Sure".
    reply["body"] = fake_answer(0, {0: 0.9, 6: 0.06, 9: 0.04}, runner_up=6)
    redraw(page, ONE)
    expect(page.locator("[data-guess-line]")).to_have_text("It\u2019s a 0")
    expect(page.locator("[data-confidence-line]")).to_have_text("Fairly sure: 90%")
    expect(page.locator("[data-runner-up-line]")).to_have_text("runner-up 6 (6%)")
    reply["body"] = fake_answer(8, {8: 0.9496, 5: 0.0504}, runner_up=5)
    redraw(page, SEVEN)
    expect(page.locator("[data-guess-line]")).to_have_text("It\u2019s an 8")
    expect(page.locator("[data-confidence-line]")).to_have_text("Sure: 95%")
    assert_no_problems(page_problems)


def test_the_real_answer_never_says_100_or_0_percent(page: Page, page_problems) -> None:
    """With the real network a clear 7 is near-certain: the page says ">99.9%" and "<0.1%" as the
    API's own probabilities call for, and the runner-up's sentence follows its probability."""
    page.goto("/digits")
    wait_idle(page)
    answer = drawn_answer(page, SEVEN)
    p = answer["probabilities"]
    digit, runner_up = answer["digit"], answer["runner_up"]

    def shown(q: float) -> str:
        pct = q * 100
        return "<0.1%" if pct < 0.05 else ">99.9%" if pct >= 99.95 else f"{js_round(pct, 1)}%"

    values = page.locator("[data-bars] [data-value]").all_inner_texts()
    assert values == [shown(q) for q in p]
    assert "100%" not in values and "0%" not in values
    expect(page.locator("[data-guess-line]")).to_have_text(f"It\u2019s {'an' if digit == 8 else 'a'} {digit}")
    expect(page.locator("[data-runner-up-line]")).to_contain_text(f"runner-up {runner_up} ({shown(p[runner_up])})")
    if shown(p[runner_up]) == "<0.1%":
        expect(page.locator("[data-runner-up-line]")).to_contain_text("no other digit comes close")
    assert_no_problems(page_problems)


def ink_geometry(pixels: list[list[int]]) -> dict:
    ink = [(y, x, v) for y, row in enumerate(pixels) for x, v in enumerate(row)]
    mass = sum(v for _, _, v in ink)
    boxed = [(y, x) for y, x, v in ink if v > 0.1 * 255]
    ys, xs = [y for y, _ in boxed], [x for _, x in boxed]
    return {"w": max(xs) - min(xs) + 1, "h": max(ys) - min(ys) + 1,
            "cy": sum(v * y for y, _, v in ink) / mass, "cx": sum(v * x for _, x, v in ink) / mass}


def test_the_preview_note_follows_the_image(page: Page, page_problems) -> None:
    """The ink box and centre of mass are the prepared image's, and the conclusions (the longer side
    against the recipe's, the centre of mass against the field's centre) follow them."""
    page.goto("/digits")
    wait_idle(page)
    notes = []
    for strokes in (ONE, SEVEN):
        g = ink_geometry(drawn_answer(page, strokes, redraw)["input"])
        note = page.locator("[data-preview-note]").inner_text()
        assert note.startswith(f"Ink box {g['w']} \u00d7 {g['h']} px")
        assert f"centre of mass (+) at x {js_round(g['cx'], 1)}, y {js_round(g['cy'], 1)}" in note
        assert ("longer side 20, as the recipe scales it" in note) == (max(g["w"], g["h"]) == 20)
        centred = max(abs(g["cx"] - 14), abs(g["cy"] - 14)) <= 0.5
        assert ("within half a pixel of the centre (14, 14)" in note) == centred
        notes.append(note)
    assert notes[0] != notes[1]

    # A bar in the middle, 20 px tall; then a short one in the corner: the conclusions change with them.
    reply = {"body": fake_answer(1, {1: 0.9, 7: 0.1}, runner_up=7)}
    answer_with(page, reply)
    redraw(page, ONE)
    expect(page.locator("[data-preview-note]")).to_have_text(
        "Ink box 4 \u00d7 20 px (longer side 20, as the recipe scales it); centre of mass (+) at x 13.5, y 13.5, "
        "within half a pixel of the centre (14, 14).")
    corner = [[255 if y <= 14 and 2 <= x <= 5 else 0 for x in range(28)] for y in range(28)]
    reply["body"] = {**reply["body"], "input": corner}
    redraw(page, SEVEN)
    expect(page.locator("[data-preview-note]")).to_have_text(
        "Ink box 4 \u00d7 15 px (the recipe scales the longer side to 20 px; pixels under 10% ink, as at its faint "
        "edges, are not counted here); centre of mass (+) at x 3.5, y 7, off the centre (14, 14) by x \u221210.5, "
        "y \u22127 px.")
    assert_no_problems(page_problems)


def test_the_layer_sentences_follow_the_network(page: Page, page_problems) -> None:
    """Each layer's sentence is worded from its shape and the one before it, and its range from its
    values: another network (here a small one the routes serve) gets other sentences."""
    page.goto("/digits")
    wait_idle(page)
    layers = {a["name"]: a for a in drawn_answer(page, SEVEN)["activations"]}
    maps = page.locator("[data-layer-maps]")
    note = lambda name: maps.locator(f'[data-layer="{name}"] .dg-layer-note')  # noqa: E731
    expect(note("conv1")).to_have_text("6 filters of 5 \u00d7 5 slide across the image: one 28 \u00d7 28 map per filter, "
                                       "as large as its input. Blue is a strong positive response, red negative.")
    expect(note("pool1")).to_contain_text("half the size (28 \u00d7 28 to 14 \u00d7 14)")
    expect(note("conv2")).to_contain_text("16 filters of 5 \u00d7 5, each over all 6 maps below, slide across: one "
                                          "10 \u00d7 10 map per filter, smaller than its 14 \u00d7 14 input.")
    expect(note("flatten")).to_have_text("The 16 maps of 5 \u00d7 5 laid end to end: 400 numbers.")
    expect(note("fc1")).to_have_text("120 weighted sums of the 400 numbers before.")
    for name in ("conv1", "fc3"):
        flat = json.dumps(layers[name]["values"]).replace("[", "").replace("]", "").split(",")
        values = [float(v) for v in flat]
        expect(maps.locator(f'[data-layer="{name}"] [data-scale]')).to_have_text(
            f"From {js_round(min(values), 2)} to {js_round(max(values), 2)}")

    # A smaller network: 4 filters without padding, 3 x 3 pooling, a flatten of 64, ten scores; and
    # another accuracy.
    model = page.request.get("/api/model").json()
    model.update(test_accuracy=0.871, layers=[
        {"name": "conv1", "type": "Conv2d", "description": "4@5x5, padding valid", "output_shape": [4, 24, 24], "params": 104},
        {"name": "pool1", "type": "MaxPool2d", "description": "3x3, stride 3", "output_shape": [4, 8, 8], "params": 0},
        {"name": "flatten", "type": "Flatten", "description": "", "output_shape": [256], "params": 0},
        {"name": "fc1", "type": "Linear", "description": "256 -> 10", "output_shape": [10], "params": 2570}])
    grid = lambda channels, n, v: [[[v * (c + 1)] * n for _ in range(n)] for c in range(channels)]  # noqa: E731
    activations = [{"name": "conv1", "shape": [4, 24, 24], "values": grid(4, 24, -0.5)},
                   {"name": "pool1", "shape": [4, 8, 8], "values": grid(4, 8, 0.25)},
                   {"name": "flatten", "shape": [256], "values": [0.25] * 256},
                   {"name": "fc1", "shape": [10], "values": [float(d) for d in range(10)]}]
    page.route("**/api/model", lambda route: route.fulfill(status=200, content_type="application/json",
                                                           body=json.dumps(model)))
    page.route("**/api/digits/predict*", lambda route: route.fulfill(
        status=200, content_type="application/json",
        body=json.dumps(fake_answer(9, {9: 0.8, 4: 0.2}, runner_up=4, activations=activations))))
    page.reload()
    wait_idle(page)
    redraw(page, ONE)
    expect(maps).to_have_attribute("data-layers", "4")
    expect(note("conv1")).to_have_text("4 filters of 5 \u00d7 5 slide across the image: one 24 \u00d7 24 map per filter, "
                                       "smaller than its 28 \u00d7 28 input. Blue is a strong positive response, red negative.")
    expect(note("pool1")).to_have_text("The largest value of each 3 \u00d7 3 block: a third of the size "
                                       "(24 \u00d7 24 to 8 \u00d7 8), and a little shift no longer matters.")
    expect(note("flatten")).to_have_text("The 4 maps of 8 \u00d7 8 laid end to end: 256 numbers.")
    expect(note("fc1")).to_have_text("10 scores, one per digit, each a weighted sum of the 256 numbers before; "
                                     "softmax turns them into the probabilities above.")
    expect(maps.locator('[data-layer="conv1"] [data-scale]')).to_have_text("From \u22122 to \u22120.5")
    expect(page.locator("[data-model-line]")).to_contain_text("(87.1% right on the MNIST test set)")
    assert_no_problems(page_problems)


def test_the_pad_never_sends_more_pixels_than_the_server_takes(page: Page, page_problems) -> None:
    """The largest drawing comes from the server (pageLimits().max_digit_pixels): with a limit of
    40,000 pixels the pad draws, and sends, at most 200 x 200."""
    def smaller_limit(route) -> None:  # noqa: ANN001
        html = route.fetch().text()
        assert '"max_digit_pixels": ' in html
        route.fulfill(status=200, content_type="text/html",
                      body=re.sub(r'"max_digit_pixels": \d+', '"max_digit_pixels": 40000', html))

    page.route("**/digits", smaller_limit)
    page.goto("/digits")
    wait_idle(page)
    assert page.locator("[data-draw-pad] canvas").evaluate("c => [c.width, c.height]") == [200, 200]
    with page.expect_request(lambda r: "activations=true" in r.url) as request:
        draw(page, SEVEN)
    body = request.value.post_data_buffer
    header = body[body.index(b"\x89PNG"):]
    width, height = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
    assert (width, height) == (200, 200)
    assert_prediction(page, 7)
    assert_no_problems(page_problems)


def test_predictions_while_drawing_are_debounced_but_keep_coming(page: Page, page_problems) -> None:
    """A long stroke: the page asks while the pen moves (at least every ~450 ms), far less often
    than the pen moves, and shows an answer before the pen lifts."""
    page.goto("/digits")
    wait_idle(page)
    sent: list[str] = []
    page.on("request", lambda r: "/api/digits/predict" in r.url and sent.append(r.url))
    canvas = page.locator("[data-draw-pad] canvas")
    box = canvas.bounding_box()
    at = lambda fx, fy: (box["x"] + fx * box["width"], box["y"] + fy * box["height"])  # noqa: E731
    page.mouse.move(*at(0.56, 0.12))
    page.mouse.down()
    moves = 0
    for i in range(60):  # about 2 s of drawing, a move every 33 ms
        page.mouse.move(*at(0.56 - 0.1 * i / 60, 0.12 + 0.76 * i / 60))
        page.wait_for_timeout(33)
        moves += 1
    expect(root(page)).to_have_attribute("data-state", "predicted", timeout=TIMEOUT)
    while_drawing = list(sent)
    page.mouse.up()
    wait_idle(page)
    assert 3 <= len(while_drawing) <= moves // 4, while_drawing
    assert not any("activations=true" in u for u in while_drawing)  # the maps wait for the pen to lift
    assert "activations=true" in sent[-1]
    assert_prediction(page, 1)
    assert_no_problems(page_problems)
