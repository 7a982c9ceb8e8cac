"""Inside one unit on /digits, in a real browser: click, tap or key to a unit of a conv, pool,
linear and output layer, and the panel states the numbers POST /api/digits/explain gives for the
same drawing; its sentences follow those numbers; the target class changes the backward pass."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_digits import ABORTABLE, PHONE, SEVEN, TIMEOUT, drawn_answer, root, wait_idle

pytestmark = pytest.mark.browser

PANEL = "[data-unit-panel]"


def assert_no_problems(page_problems) -> None:  # noqa: ANN001
    """Picking units one after another aborts the stale explanation: by design, not a fault."""
    allowed = (*ABORTABLE, "/api/digits/explain", "/api/digits/gradients", "/api/digits/gradient-check")
    page_problems.items[:] = [p for p in page_problems.items
                              if not ("net::ERR_ABORTED" in p and any(u in p for u in allowed))]
    page_problems.assert_none()


def drawn_seven(page: Page) -> list[list[int]]:
    page.goto("/digits")
    wait_idle(page)
    expect(page.locator(PANEL)).to_have_attribute("data-state", "prompt")
    answer = drawn_answer(page, SEVEN)
    expect(page.locator("[data-layer-maps]")).to_have_attribute("data-layers", "12", timeout=TIMEOUT)
    return answer["input"]


def cell_point(page: Page, layer: str, canvas_index: int, row: int, col: int) -> tuple[float, float]:
    """The page point at the centre of cell (row, col) of one of `layer`'s canvases, scrolled into view."""
    canvas = page.locator(f'[data-layer-maps] [data-layer="{layer}"] canvas').nth(canvas_index)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    w, h = canvas.evaluate("c => [c.width, c.height]")
    return box["x"] + (col + 0.5) * box["width"] / w, box["y"] + (row + 0.5) * box["height"] / h


def click_cell(page: Page, layer: str, canvas_index: int, row: int, col: int) -> None:
    page.mouse.click(*cell_point(page, layer, canvas_index, row, col))


def shown(page: Page, layer: str, unit: list[int]) -> dict[str, str]:
    panel = page.locator(PANEL)
    expect(panel).to_have_attribute("data-state", "shown", timeout=TIMEOUT)
    expect(panel).to_have_attribute("data-explained-unit", ",".join(map(str, unit)), timeout=TIMEOUT)
    expect(panel).to_have_attribute("data-explained-layer", layer)
    return {k: panel.get_attribute(f"data-explained-{k}") for k in ("activation", "grad")} | {
        "target": panel.get_attribute("data-target")}


def api_explain(page: Page, pixels, layer: str, unit: list[int], target: int) -> dict:  # noqa: ANN001
    r = page.request.post("/api/digits/explain", data={"pixels": pixels, "layer": layer, "unit": unit, "target": target})
    assert r.ok, r.text()
    return r.json()


@pytest.mark.parametrize("layer,canvas,cell,unit", [
    ("conv1", 2, (14, 9), [2, 14, 9]),
    ("pool1", 4, (3, 7), [4, 3, 7]),
    ("conv2", 7, (4, 4), [7, 4, 4]),
    ("fc1", 0, (0, 33), [33]),
    ("fc3", 0, (0, 7), [7]),
])
def test_a_clicked_unit_shows_the_apis_numbers(page: Page, page_problems, layer, canvas, cell, unit) -> None:
    pixels = drawn_seven(page)
    click_cell(page, layer, canvas, *cell)
    numbers = shown(page, layer, unit)
    top = int(root(page).get_attribute("data-digit"))
    truth = api_explain(page, pixels, layer, unit, top)
    assert float(numbers["activation"]) == pytest.approx(truth["activation"], rel=1e-6, abs=1e-9)
    assert float(numbers["grad"]) == pytest.approx(truth["gradient"]["grad"], rel=1e-6, abs=1e-15)
    assert numbers["target"] == str(top)
    panel = page.locator(PANEL)
    expect(panel.locator(".up-title")).to_contain_text(f"{layer}, ")
    # The sum the panel writes out ends in the unit's own value (pre-activation), as the API says.
    if layer.startswith(("conv", "fc")):
        expect(panel.locator(".up-sum").first).to_contain_text(re.compile(r"= \S+$"))
    if layer == "fc3":
        expect(panel).to_contain_text("Softmax turns the 10 scores into probabilities")
    if layer.startswith("pool"):
        expect(panel).to_contain_text("The largest of the 4 values in its 2\u00d72 window of relu1")
    assert_no_problems(page_problems)


def test_the_target_class_changes_the_backward_pass(page: Page, page_problems) -> None:
    pixels = drawn_seven(page)
    click_cell(page, "fc3", 0, 0, 3)
    first = shown(page, "fc3", [3])
    page.locator("[data-unit-target]").select_option("3")
    expect(page.locator(PANEL)).to_have_attribute("data-target", "3", timeout=TIMEOUT)
    again = shown(page, "fc3", [3])
    truth = api_explain(page, pixels, "fc3", [3], 3)
    assert float(again["grad"]) == pytest.approx(truth["gradient"]["grad"], rel=1e-6)
    assert float(first["grad"]) > 0 > float(again["grad"])  # p_3 for another class; p_3 - 1 for its own
    expect(page.locator(PANEL)).to_contain_text("how the error for 3 reaches it")
    assert_no_problems(page_problems)


def test_the_keyboard_moves_the_pick_and_stale_answers_never_show(page: Page, page_problems) -> None:
    drawn_seven(page)
    canvas = page.locator('[data-layer-maps] [data-layer="conv1"] canvas').first
    canvas.focus()
    page.keyboard.press("Enter")
    shown(page, "conv1", [0, 0, 0])
    for _ in range(5):  # fast, one after another: only the last is shown
        page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    numbers = shown(page, "conv1", [0, 1, 5])
    wait_idle(page)
    assert page.locator(PANEL).get_attribute("data-explained-unit") == "0,1,5" and numbers["activation"]
    expect(canvas).to_have_attribute("data-selected", "1,5")
    assert_no_problems(page_problems)


def test_on_a_phone_a_tap_brings_the_panel_into_view(page: Page, page_problems, tmp_path: Path) -> None:
    page.set_viewport_size(PHONE)
    drawn_seven(page)
    click_cell(page, "conv2", 0, 5, 5)
    shown(page, "conv2", [0, 5, 5])
    page.wait_for_timeout(800)  # the smooth scroll
    top = page.locator("[data-unit-inspector]").evaluate("n => n.getBoundingClientRect().top")
    assert -2 <= top < PHONE["height"]  # scrolled to its top (sub-pixel)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width} px"
    page.screenshot(path=str(tmp_path / "unit-phone.png"))
    assert_no_problems(page_problems)


def test_the_gradient_on_the_drawing_follows_the_target(page: Page, page_problems, tmp_path: Path) -> None:
    pixels = drawn_seven(page)
    backward = page.locator("[data-backward]")
    expect(backward).to_have_attribute("data-state", "shown", timeout=TIMEOUT)
    top = int(root(page).get_attribute("data-digit"))
    expect(backward).to_have_attribute("data-target", str(top))
    page.locator("[data-unit-target]").select_option("2")
    expect(backward).to_have_attribute("data-target", "2", timeout=TIMEOUT)
    truth = page.request.post("/api/digits/gradients", data={"pixels": pixels, "target": 2}).json()
    assert float(backward.get_attribute("data-loss")) == pytest.approx(truth["loss"], rel=1e-6)
    # The sentence states the strongest pixel of the answer's input gradient, with its sign.
    grad = truth["input_grad"]
    value, row, col = max((abs(v), r, c) for r, line in enumerate(grad) for c, v in enumerate(line))
    note = page.locator("[data-saliency-note]")
    expect(note).to_contain_text(f"row {row}, column {col}")
    expect(note).to_contain_text("less likely." if grad[row][col] > 0 else "likelier.")
    assert page.locator("[data-saliency]").evaluate("c => [c.width, c.height]") == [28, 28]
    expect(backward.locator(".gv-kernel")).to_have_count(6 + 16 * 6)
    expect(backward.locator("[data-grad-maps] section[data-grad-layer]")).to_have_count(12)
    backward.screenshot(path=str(tmp_path / "backward.png"))
    assert_no_problems(page_problems)


def test_the_receptive_field_page_explains_its_selected_unit(page: Page, page_problems) -> None:
    sent = []
    page.on("request", lambda r: "/api/digits/explain" in r.url and sent.append(r.post_data_json))
    page.goto("/receptive-field")
    rf = page.locator("[data-rf-page]")
    expect(rf).to_have_attribute("data-busy", "false", timeout=TIMEOUT)
    expect(rf).to_have_attribute("data-unit", re.compile(r"^pool2:"))
    box = page.locator("[data-unit-sum]")
    page.locator("[data-unit-sum] summary").click()
    layer, position = rf.get_attribute("data-unit").split(":")
    y, x = position.split(",")
    expect(box).to_have_attribute("data-for", f"{layer}:0,{y},{x}", timeout=TIMEOUT)
    panel = box.locator(PANEL)
    expect(panel).to_have_attribute("data-state", "shown")
    truth = page.request.post("/api/digits/explain", data=sent[-1]).json()
    assert sent[-1]["layer"] == layer and sent[-1]["unit"] == [0, int(y), int(x)]
    assert float(panel.get_attribute("data-explained-activation")) == pytest.approx(truth["activation"], abs=1e-9)
    expect(panel).to_contain_text("The largest of the 4 values in its 2\u00d72 window of relu2")
    assert_no_problems(page_problems)


def test_the_finite_difference_check_states_its_numbers(page: Page, page_problems) -> None:
    pixels = drawn_seven(page)
    expect(page.locator("[data-backward]")).to_have_attribute("data-state", "shown", timeout=TIMEOUT)
    result = page.locator("[data-check-result]")
    with page.expect_request(lambda r: "/api/digits/gradient-check" in r.url) as asked:
        page.get_by_role("button", name="conv1\u2019s strongest weight").click()
    expect(result).to_have_attribute("data-relative-error", re.compile(r"."), timeout=TIMEOUT)
    body = asked.value.post_data_json
    assert body["what"] == "weight" and body["layer"] == "conv1" and len(body["index"]) == 4
    truth = page.request.post("/api/digits/gradient-check", data=body).json()
    assert float(result.get_attribute("data-relative-error")) == pytest.approx(truth["relative_error"], rel=1e-6, abs=1e-15)
    expect(result).to_contain_text(f"conv1.weight[{', '.join(map(str, body['index']))}]")
    expect(result).to_contain_text("They agree" if truth["relative_error"] < 1e-4 else "the loss has a kink here")
    with page.expect_request(lambda r: "/api/digits/gradient-check" in r.url) as asked:
        page.get_by_role("button", name="The strongest pixel").click()
    expect(result).to_contain_text("Nudging pixel (row", timeout=TIMEOUT)
    assert asked.value.post_data_json["pixels"] == pixels
    assert_no_problems(page_problems)


def test_a_picked_unit_marks_the_window_it_reads_in_the_layer_below(page: Page, page_problems) -> None:
    drawn_seven(page)
    click_cell(page, "conv2", 3, 4, 6)  # reads rows 4-8, columns 6-10 of every pool1 map
    shown(page, "conv2", [3, 4, 6])
    below = page.locator('[data-layer-maps] [data-layer="pool1"] canvas')
    expect(below).to_have_count(6)
    for i in range(6):
        expect(below.nth(i)).to_have_attribute("data-window", "4,6,5,5")
    click_cell(page, "pool2", 5, 1, 2)  # a 2x2 window of its own relu2 map only: rows 2-3, columns 4-5
    shown(page, "pool2", [5, 1, 2])
    relu2 = page.locator('[data-layer-maps] [data-layer="relu2"] canvas')
    expect(relu2.nth(5)).to_have_attribute("data-window", "2,4,2,2")
    expect(relu2.nth(4)).not_to_have_attribute("data-window", re.compile(r"."))
    expect(below.first).not_to_have_attribute("data-window", re.compile(r"."))
    click_cell(page, "conv1", 0, 0, 0)  # reads the drawing itself, padding included: nothing to mark
    shown(page, "conv1", [0, 0, 0])
    expect(page.locator(".dg-window-marker")).to_have_count(0)
    assert_no_problems(page_problems)


def hover_cell(page: Page, layer: str, canvas_index: int, row: int, col: int) -> None:
    page.mouse.move(*cell_point(page, layer, canvas_index, row, col))


def test_hovering_marks_what_a_unit_reads_and_a_linear_units_strongest_inputs(page: Page, page_problems) -> None:
    pixels = drawn_seven(page)
    top = int(root(page).get_attribute("data-digit"))
    # A linear unit, picked: its ten strongest inputs are marked in the flatten strip, each with its sign.
    click_cell(page, "fc1", 0, 0, 17)
    shown(page, "fc1", [17])
    truth = api_explain(page, pixels, "fc1", [17], top)
    strip = page.locator('[data-layer-maps] [data-layer="flatten"] canvas')
    expect(strip).to_have_attribute("data-inputs", ",".join(str(t["index"]) for t in truth["inputs"]), timeout=TIMEOUT)
    negative = sum(t["product"] < 0 for t in truth["inputs"])
    expect(page.locator(".dg-input-marker.is-negative")).to_have_count(negative)
    expect(page.locator(".dg-input-marker.is-positive")).to_have_count(len(truth["inputs"]) - negative)
    # Hovering a conv2 unit (not picking it) marks its window instead; the panel keeps fc1.
    hover_cell(page, "conv2", 1, 2, 3)
    pool1 = page.locator('[data-layer-maps] [data-layer="pool1"] canvas')
    expect(pool1.first).to_have_attribute("data-window", "2,3,5,5", timeout=TIMEOUT)
    expect(page.locator('[data-layer="conv2"] canvas').nth(1)).to_have_attribute("data-hovered", "2,3")
    expect(strip).not_to_have_attribute("data-inputs", re.compile(r"."))
    assert page.locator(PANEL).get_attribute("data-explained-layer") == "fc1"
    # The pointer leaves the maps: the picked unit's marks come back.
    page.mouse.move(2, 2)
    expect(strip).to_have_attribute("data-inputs", re.compile(r"\d"), timeout=TIMEOUT)
    expect(pool1.first).not_to_have_attribute("data-window", re.compile(r"."))
    expect(page.locator(".dg-hover-marker")).to_have_count(0)
    assert_no_problems(page_problems)
