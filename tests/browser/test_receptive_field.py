"""The receptive-field page (/receptive-field) in a real browser: the layers as grids over a
digit, a hovered unit's box in every earlier layer exactly as GET /api/receptive-field gives it,
its activation and effective field as POST /api/receptive-field/effective computes them, the
recurrences with their numbers, and the stack editor's table from POST .../stack."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TIMEOUT = 20_000


# The page aborts a request whose answer a newer one makes stale (the drawing changed while it
# was on its way); the browser reports those as failed requests (net::ERR_ABORTED). They are the
# design, not a fault: every other problem fails the test.
ABORTABLE = ("/api/digits/predict", "/api/receptive-field")


def assert_no_problems(page_problems) -> None:  # noqa: ANN001
    page_problems.items[:] = [p for p in page_problems.items
                              if not ("net::ERR_ABORTED" in p and any(u in p for u in ABORTABLE))]
    page_problems.assert_none()
GRIDS = ["input", "conv1", "pool1", "conv2", "pool2"]


def root(page: Page) -> Locator:
    return page.locator("[data-rf-page]")


def wait_idle(page: Page) -> None:
    expect(root(page)).to_have_attribute("data-busy", "false", timeout=TIMEOUT)


def open_page(page: Page) -> None:
    page.goto("/receptive-field")
    wait_idle(page)
    expect(root(page)).to_have_attribute("data-picture", "sample:7")
    expect(page.locator("[data-layer-grid]")).to_have_count(len(GRIDS))


def grid(page: Page, layer: str) -> Locator:
    return page.locator(f'[data-layer-grid][data-layer="{layer}"]')


def number(text: str) -> float:
    return float(text.strip().replace("\u2212", "-"))


def unit_point(page: Page, layer: str, y: int, x: int) -> tuple[float, float]:
    """Where unit (y, x) of a layer is on screen: its centre sits on input pixel start + i * jump,
    in a frame from frame-min to frame-min + frame-size input pixels (edges)."""
    figure = grid(page, layer)
    figure.scroll_into_view_if_needed()
    start, jump, lo, size = (float(figure.get_attribute(f"data-{a}")) for a in ("start", "jump", "frame-min", "frame-size"))
    box = figure.locator("canvas").bounding_box()
    assert box is not None
    at = lambda i, origin, extent: origin + (start + i * jump + 0.5 - lo) / size * extent  # noqa: E731
    return at(x, box["x"], box["width"]), at(y, box["y"], box["height"])


def edge_to_screen(figure: Locator, edge: float, axis: str) -> float:
    lo, size = float(figure.get_attribute("data-frame-min")), float(figure.get_attribute("data-frame-size"))
    box = figure.locator("canvas").bounding_box()
    origin, extent = (box["x"], box["width"]) if axis == "x" else (box["y"], box["height"])
    return origin + (edge - lo) / size * extent


def test_hovered_unit_shows_the_api_regions_and_effective_field(page: Page, page_problems, tmp_path: Path) -> None:
    open_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("What can one unit see?")
    table = page.request.get("/api/receptive-field").json()["table"]
    rows = {r["name"]: r for r in table}
    for name in GRIDS[1:]:
        expect(grid(page, name)).to_have_attribute("data-size", str(rows[name]["output_size"]))
        expect(grid(page, name)).to_have_attribute("data-jump", f"{rows[name]['jump']:g}")

    # Hover pool2's unit in the top row, fourth column: its 16x16 box hangs over the top edge.
    page.mouse.move(*unit_point(page, "pool2", 0, 4))
    expect(root(page)).to_have_attribute("data-unit", "pool2:0,4")
    expect(root(page)).to_have_attribute("data-regions-for", "pool2:0,4")
    api = page.request.get("/api/receptive-field?layer=pool2&y=0&x=4").json()
    regions = {r["layer"]: r for r in api["regions"]}
    for name in ["input", "conv1", "pool1", "conv2"]:
        figure = grid(page, name)
        r = regions[name]
        for attr in ("top", "bottom", "left", "right"):
            expect(figure).to_have_attribute(f"data-{attr}", str(r[attr]))
        expect(figure).to_have_attribute("data-outside-fraction", f"{r['outside_fraction']:g}")
    inp = regions["input"]
    assert (inp["top"], inp["bottom"], inp["left"], inp["right"]) == (0, 13, 14, 27)
    assert inp["outside_fraction"] == pytest.approx(0.234375)

    # The box is drawn where those pixels are: rows 0..13 and columns 14..27 of the input grid.
    figure = grid(page, "input")
    marker = figure.locator('[data-marker="region"]')
    expect(marker).to_be_visible()
    mark = marker.bounding_box()
    assert mark["x"] == pytest.approx(edge_to_screen(figure, inp["left"], "x"), abs=1.5)
    assert mark["x"] + mark["width"] == pytest.approx(edge_to_screen(figure, inp["right"] + 1, "x"), abs=1.5)
    assert mark["y"] == pytest.approx(edge_to_screen(figure, inp["top"], "y"), abs=1.5)
    assert mark["y"] + mark["height"] == pytest.approx(edge_to_screen(figure, inp["bottom"] + 1, "y"), abs=1.5)
    # ... and the whole box, two rows of it in the padding above the image, dashed around it.
    full = figure.locator('[data-marker="full"]').bounding_box()
    assert full["y"] == pytest.approx(edge_to_screen(figure, -2, "y"), abs=1.5)
    assert full["x"] + full["width"] == pytest.approx(edge_to_screen(figure, 30, "x"), abs=1.5)
    expect(page.locator("[data-padding-text]")).to_contain_text("60 of its 256 pixels (23%) fall outside the image")
    expect(page.locator("[data-box-text]")).to_have_text("16 \u00d7 16 pixels: rows \u22122 to 13, columns 14 to 29.")
    expect(grid(page, "pool2").locator('[data-marker="unit"]')).to_be_visible()

    # The recurrences for pool2, with its numbers and the hovered unit's.
    formulas = page.locator("[data-formulas]")
    expect(formulas.locator('[data-formula="rf"]')).to_have_text("14 + 1\u00b72 = 16")
    expect(formulas.locator('[data-formula="jump"]')).to_have_text("2\u00b72 = 4")
    expect(formulas.locator('[data-formula="start"]')).to_have_text("4.5 + (0.5 \u2212 0)\u00b72 = 5.5")
    expect(formulas.locator('[data-formula="box"]')).to_contain_text("columns 21.5 \u00b1 7.5 = 14 \u2026 29")
    expect(page.locator('[data-network-table] tr.is-selected')).to_have_attribute("data-layer", "pool2")

    # Its activation and effective field, as the API computes them for the same digit (a 7 from
    # the MNIST test set, image 0).
    from model.datasets import load_dataset

    pixels = load_dataset().test_images[0].astype(int).tolist()
    expect(root(page)).to_have_attribute("data-effective-for", "pool2:0,4")
    effective = page.request.post("/api/receptive-field/effective",
                                  data={"layer": "pool2", "y": 0, "x": 4, "pixels": pixels}).json()
    shown = page.locator("[data-activation]").inner_text()
    assert number(shown.split(",")[0]) == pytest.approx(effective["activation"], abs=1e-3)
    expect(page.locator("[data-effective-note]")).to_contain_text("of the sensitivity")

    # The arrow keys move the unit; a feature map narrows the activation to that map.
    grid(page, "pool2").locator(".rf-grid-frame").focus()
    page.keyboard.press("ArrowDown")
    expect(root(page)).to_have_attribute("data-regions-for", "pool2:1,4")
    expect(grid(page, "input")).to_have_attribute("data-top", "2")
    page.select_option("#rf-map", "2")
    wait_idle(page)
    expect(root(page)).to_have_attribute("data-effective-for", "pool2:1,4")
    effective = page.request.post("/api/receptive-field/effective",
                                  data={"layer": "pool2", "y": 1, "x": 4, "channel": 2, "pixels": pixels}).json()
    expect(page.locator("[data-activation]")).to_contain_text("feature map 3")
    shown = page.locator("[data-activation]").inner_text()
    assert number(shown.split(",")[0]) == pytest.approx(effective["activation"], abs=1e-3)

    # Hovering another layer's unit moves everything to it; later layers show no box.
    page.mouse.move(*unit_point(page, "conv1", 0, 0))
    expect(root(page)).to_have_attribute("data-regions-for", "conv1:0,0")
    expect(grid(page, "input")).to_have_attribute("data-outside-fraction", "0.64")  # 16 of 25
    for later in ["pool1", "conv2", "pool2"]:
        expect(grid(page, later).locator('[data-marker="region"]')).to_be_hidden()
    wait_idle(page)
    page.screenshot(path=str(tmp_path / "receptive-field.png"), full_page=True)
    assert_no_problems(page_problems)


def stack_rows(page: Page) -> list[dict]:
    rows = page.locator("[data-stack-table] tbody tr")
    return [{"name": r.get_attribute("data-layer"), "rf": int(r.get_attribute("data-rf")),
             "jump": int(r.get_attribute("data-jump"))} for r in rows.all()]


def assert_stack_matches_api(page: Page) -> list[dict]:
    wait_idle(page)
    body = json.loads(root(page).get_attribute("data-stack-request"))
    response = page.request.post("/api/receptive-field/stack", data=body)
    assert response.ok, response.text()
    api = response.json()
    assert stack_rows(page) == [{"name": r["name"], "rf": r["rf"], "jump": r["jump"]} for r in api]
    cells = page.locator("[data-stack-table] tbody tr").all()
    for tr, row in zip(cells, api):
        assert tr.locator("td").nth(1).inner_text() == " \u00d7 ".join(map(str, row["output_shape"]))
    return api


def test_stack_table_follows_the_editor(page: Page, page_problems) -> None:
    open_page(page)
    page.locator("[data-stack]").scroll_into_view_if_needed()
    # It starts as LeNet-5, with the served network's receptive fields.
    api = assert_stack_matches_api(page)
    assert [r["rf"] for r in api] == [5, 6, 14, 16]

    # Dilation 2 on the second convolution: its 5x5 kernel spans 9, so the field jumps.
    version = root(page).get_attribute("data-stack-version")
    page.get_by_label("Layer 3 dilation").fill("2")
    expect(root(page)).not_to_have_attribute("data-stack-version", version, timeout=TIMEOUT)
    api = assert_stack_matches_api(page)
    assert json.loads(root(page).get_attribute("data-stack-request"))["layers"][2]["dilation"] == 2
    assert [r["rf"] for r in api] == [5, 6, 22, 24]  # 6 + (9 - 1) * 2, then + 1 * 2
    expect(page.locator("[data-stack-preset]")).to_have_value("custom")
    expect(page.locator('[data-stack-formulas] [data-formula="k_eff"]')).to_have_text("2\u00b7(5 \u2212 1) + 1 = 9")
    expect(page.locator('[data-stack-formulas] [data-formula="rf"]')).to_have_text("6 + 8\u00b72 = 22")

    # Stride multiplies the jump for every later layer.
    page.get_by_label("Layer 3 stride").fill("2")
    expect(page.locator('[data-stack-table] tbody tr[data-layer="conv3"]')).to_have_attribute("data-jump", "4")
    api = assert_stack_matches_api(page)
    assert [r["jump"] for r in api] == [1, 2, 4, 8]
    assert [r["rf"] for r in api] == [5, 6, 22, 26]

    # Add a layer and remove one: the table follows.
    page.get_by_role("button", name="+ Conv").click()
    expect(page.locator("[data-stack-table] tbody tr")).to_have_count(5)
    assert_stack_matches_api(page)
    page.get_by_role("button", name="Remove layer 2").click()
    expect(page.locator("[data-stack-table] tbody tr")).to_have_count(4)
    assert [r["kind"] for r in json.loads(root(page).get_attribute("data-stack-request"))["layers"]] == [
        "conv", "conv", "maxpool", "conv"]
    assert_stack_matches_api(page)

    # Out of range: said beside the editor, nothing sent. A layer that does not fit: the API's message.
    page.get_by_label("Layer 1 kernel").fill("99")
    expect(page.locator("[data-stack-error]")).to_have_text("Layer 1, kernel: at most 15.")
    expect(page.get_by_label("Layer 1 kernel")).to_have_attribute("aria-invalid", "")
    page.get_by_label("Layer 1 kernel").fill("15")
    page.get_by_label("Input size in pixels").fill("8")
    expect(page.locator("[data-stack-error]")).to_contain_text("does not fit", timeout=TIMEOUT)
    expect(page.locator("[data-stack-table]")).to_have_class("rf-table is-stale")
    wait_idle(page)

    # A preset puts it all back.
    page.select_option("[data-stack-preset]", "dilated")
    expect(page.locator("[data-stack-error]")).to_be_hidden(timeout=TIMEOUT)
    api = assert_stack_matches_api(page)
    assert [r["rf"] for r in api] == [3, 7, 15]
    # The only problems the browser saw are that expected 422 (and its console line).
    problems = [p for p in page_problems.items if "net::ERR_ABORTED" not in p]
    assert problems and all("422" in p for p in problems), problems


def test_draw_here_and_pure_maths(page: Page, page_problems) -> None:
    open_page(page)
    page.get_by_role("button", name="Draw one").click()
    canvas = page.locator("[data-draw-pad] canvas")
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    at = lambda fx, fy: (box["x"] + fx * box["width"], box["y"] + fy * box["height"])  # noqa: E731
    page.mouse.move(*at(0.56, 0.12))
    page.mouse.down()
    for point in [(0.54, 0.4), (0.51, 0.65), (0.48, 0.88)]:
        page.mouse.move(*at(*point), steps=8)
    page.mouse.up()
    expect(root(page)).to_have_attribute("data-picture", "drawn", timeout=TIMEOUT)
    wait_idle(page)
    expect(page.locator("[data-source-status]")).to_contain_text("The network reads it as 1")
    stored = json.loads(page.evaluate("sessionStorage.getItem('convscope:last-digit')"))
    assert stored["digit"] == 1 and len(stored["input"]) == 28

    result = page.evaluate("""async () => {
        const m = await import('/static/js/receptive-field/rf-math.js');
        const table = (await (await fetch('/api/receptive-field')).json()).table;
        const model = await (await fetch('/api/model')).json();
        const layers = m.gridLayers(table, model.layers);
        const pool2 = layers.find((l) => l.name === 'pool2');
        return {
            geometry: layers.map((l) => [l.name, l.kernel, l.stride, l.padding, l.dilation]),
            frame: m.frameFor(layers),
            box: m.unitBox(pool2, 0, 4),
            rect: m.regionRect(pool2, {top: 0, bottom: 0, left: 4, right: 4}),
            unit: m.unitAt(pool2, 22, 6),
            parsed: [m.parseDescription('16@5x5, padding valid, stride 2, dilation 3'), m.parseDescription('')],
            bounded: [m.parseBounded('7', {min: 1, max: 15}, 'k'), m.parseBounded('0', {min: 1, max: 15}, 'k'),
                      m.parseBounded('2.5', {min: 1, max: 15}, 'k')],
            central: m.centralShare(Array.from({length: 28}, () => Array(28).fill(1)), m.unitBox(pool2, 2, 2)),
        };
    }""")
    assert result["geometry"] == [["conv1", 5, 1, 2, 1], ["pool1", 2, 2, 0, 1], ["conv2", 5, 1, 0, 1], ["pool2", 2, 2, 0, 1]]
    assert result["frame"] == {"min": -2, "size": 32, "ring": 2, "inputSize": 28}
    assert result["box"] == {"top": -2, "bottom": 13, "left": 14, "right": 29, "cy": 5.5, "cx": 21.5}
    assert result["rect"] == {"left": 20, "top": 4, "width": 4, "height": 4}
    assert result["unit"] == {"y": 0, "x": 4}
    assert result["parsed"] == [{"kernel": 5, "stride": 2, "dilation": 3}, None]
    assert result["bounded"] == [{"value": 7}, {"error": "k: at least 1."},
                                 {"error": "k: \u201c2.5\u201d is not a whole number."}]
    assert result["central"]["side"] == 8 and result["central"]["share"] == pytest.approx(64 / 784)
    assert_no_problems(page_problems)


def test_phone_layout(page: Page, page_problems, tmp_path: Path) -> None:
    page.set_viewport_size(PHONE)
    open_page(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than a {PHONE['width']}px phone screen"
    for selector in ["[data-grids]", "[data-effective]", "[data-network-table]", "[data-stack-table]",
                     "[data-stack-layers]"]:
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], selector
    # The input grid is the big one; the layers sit two by two below it.
    inp = grid(page, "input").bounding_box()
    conv1 = grid(page, "conv1").bounding_box()
    pool1 = grid(page, "pool1").bounding_box()
    assert inp["width"] > 1.8 * conv1["width"] and conv1["y"] > inp["y"] + inp["height"] - 1
    assert pool1["y"] == pytest.approx(conv1["y"], abs=1)
    # A tap picks a unit.
    page.mouse.move(*unit_point(page, "conv2", 5, 5))
    page.mouse.down()
    page.mouse.up()
    expect(root(page)).to_have_attribute("data-regions-for", "conv2:5,5")
    wait_idle(page)
    page.screenshot(path=str(tmp_path / "receptive-field-phone.png"), full_page=True)
    assert_no_problems(page_problems)
