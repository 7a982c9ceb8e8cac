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
    expect(page.get_by_label("Layer 1 kernel")).to_have_attribute("aria-invalid", "true")
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
        const stack = await import('/static/js/receptive-field/stack-math.js');
        const table = (await (await fetch('/api/receptive-field')).json()).table;
        const model = await (await fetch('/api/model')).json();
        const layers = m.gridLayers(table, model.layers, 28);
        const pool2 = layers.find((l) => l.name === 'pool2');
        return {
            geometry: layers.map((l) => [l.name, l.kernel, l.stride, l.padding, l.dilation]),
            frame: m.frameFor(layers, 28),
            box: m.unitBox(pool2, 0, 4),
            rect: m.regionRect(pool2, {top: 0, bottom: 0, left: 4, right: 4}),
            unit: m.unitAt(pool2, 22, 6),
            parsed: [m.parseDescription('16@5x5, padding valid, stride 2, dilation 3'), m.parseDescription('')],
            bounded: [stack.parseBounded('7', {min: 1, max: 15}, 'k'), stack.parseBounded('0', {min: 1, max: 15}, 'k'),
                      stack.parseBounded('2.5', {min: 1, max: 15}, 'k')],
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


# ------------------------------------------------------------------- words follow numbers

def js_percent(fraction: float) -> str:
    """A share as the page prints it (rf-words.js percent): whole percent, half up, never a part
    rounded to "0%" or "100%"."""
    from decimal import ROUND_HALF_UP, Decimal

    if 0 < fraction < 0.005:
        return "<1%"
    if 0.995 <= fraction < 1:
        return ">99%"
    return f"{Decimal(fraction * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def concentration(gradient: list[list[float]], row: dict, y: int, x: int) -> dict:
    """centralShare() again, from the API's gradient and the table's geometry: the share of the
    sensitivity in the central square (half the box's side) against that square's share of the
    box's pixels inside the image, and the conclusion it supports."""
    rf, start, jump = row["rf"], row["start"], row["jump"]
    half, q = (rf - 1) / 2, rf / 4
    cy, cx = start + y * jump, start + x * jump
    n = len(gradient)
    central = lambda p, c: abs(p - c) <= q  # noqa: E731
    in_box = lambda p, c: c - half <= p <= c + half  # noqa: E731
    total = sum(map(sum, gradient))
    inner = sum(gradient[r][c] for r in range(n) for c in range(n) if central(r, cy) and central(c, cx))
    box = [(r, c) for r in range(n) for c in range(n) if in_box(r, cy) and in_box(c, cx)]
    centre = [(r, c) for r, c in box if central(r, cy) and central(c, cx)]
    share, area = inner / total, len(centre) / len(box)
    ratio = share / area
    if 1 - share <= 0.1 and area <= 0.5:
        verdict = "edges-negligible"
    elif ratio >= 1.25:
        verdict = "middle" if share >= 0.5 else "middle-per-pixel"
    else:
        verdict = "edges" if ratio <= 0.8 else "even"
    side = sum(1 for p in range(-n, 2 * n) if central(p, cx))
    return {"share": share, "area": area, "ratio": ratio, "verdict": verdict, "clipped": len(box) < rf * rf,
            "box_pixels": len(box), "central_pixels": len(centre), "side": side}


def expect_note(page: Page, c: dict) -> None:
    note = page.locator("[data-effective-note]")
    expect(note).to_have_attribute("data-verdict", c["verdict"])
    where = (f"Of the box\u2019s {c['box_pixels']} pixels inside the image, the central {c['central_pixels']} "
             f"({js_percent(c['area'])})" if c["clipped"]
             else f"The central {c['side']} \u00d7 {c['side']} pixels, {js_percent(c['area'])} of the box,")
    expect(note).to_contain_text(f"{where} hold {js_percent(c['share'])} of the sensitivity")
    if c["verdict"] == "edges-negligible":
        expect(note).to_contain_text("so its edges hardly matter")
    else:
        expect(note).not_to_contain_text("hardly matter")


def test_the_effective_note_is_computed_from_the_gradient(page: Page, page_problems) -> None:
    """Every number of the effective-field note, and its conclusion, come from the gradient and the
    box: a conv1 corner unit's field is about even (its edges matter), pool2's leans to the middle,
    and "the edges hardly matter" appears only when they do."""
    from model.datasets import load_dataset

    open_page(page)
    pixels = load_dataset().test_images[0].astype(int).tolist()
    rows = {r["name"]: r for r in page.request.get("/api/receptive-field").json()["table"]}
    seen = {}
    for layer, y, x in [("conv1", 0, 0), ("pool2", 2, 2), ("conv2", 0, 0)]:
        page.mouse.move(*unit_point(page, layer, y, x))
        expect(root(page)).to_have_attribute("data-effective-for", f"{layer}:{y},{x}", timeout=TIMEOUT)
        gradient = page.request.post("/api/receptive-field/effective",
                                     data={"layer": layer, "y": y, "x": x, "pixels": pixels}).json()["gradient"]
        seen[layer] = concentration(gradient, rows[layer], y, x)
        expect_note(page, seen[layer])
    assert seen["conv1"]["verdict"] == "even" and seen["conv1"]["clipped"]  # the canned case
    assert seen["pool2"]["verdict"] != seen["conv1"]["verdict"]

    # Gradients made up to say something else: all in the middle, then all at the edges.
    page.mouse.move(*unit_point(page, "pool2", 2, 2))
    expect(root(page)).to_have_attribute("data-effective-for", "pool2:2,2", timeout=TIMEOUT)
    made_up = {}

    def effective(route) -> None:  # noqa: ANN001
        route.fulfill(status=200, content_type="application/json", body=json.dumps(made_up))

    page.route("**/api/receptive-field/effective", effective)
    pool2 = rows["pool2"]
    centre = pool2["start"] + 2 * pool2["jump"]  # 13.5
    for shape in ("middle", "ring"):
        dist = lambda r, c: max(abs(r - centre), abs(c - centre))  # noqa: E731
        made_up.update(activation=1.5, gradient=[[(1.0 if dist(r, c) <= 2 else 0.0) if shape == "middle"
                                                 else (1.0 if 5 <= dist(r, c) <= 7.5 else 0.0)
                                                 for c in range(28)] for r in range(28)])
        page.select_option("#rf-map", "0")
        page.select_option("#rf-map", "")
        wait_idle(page)
        c = concentration(made_up["gradient"], pool2, 2, 2)
        expect_note(page, c)
        assert c["verdict"] == ("edges-negligible" if shape == "middle" else "edges")
    expect(page.locator("[data-effective-note]")).to_contain_text("the edges of the box matter more than its middle")
    assert_no_problems(page_problems)


def test_the_unit_and_digit_sentences_follow_their_numbers(page: Page, page_problems) -> None:
    """The unit's summary, box, border and activation, and the digit's description, are worded from
    the table, the API's regions and the classifier's answer; they change with the unit and digit."""
    from model.datasets import load_dataset

    open_page(page)
    rows = {r["name"]: r for r in page.request.get("/api/receptive-field").json()["table"]}
    page.mouse.move(*unit_point(page, "conv1", 0, 0))
    expect(root(page)).to_have_attribute("data-regions-for", "conv1:0,0")
    expect(page.locator("[data-unit-summary]")).to_have_text(
        f"conv1, unit at row 0, column 0 of its {rows['conv1']['output_size']} \u00d7 {rows['conv1']['output_size']} "
        f"grid ({rows['conv1']['output_shape'][0]} feature maps).")
    region = {r["layer"]: r for r in page.request.get("/api/receptive-field?layer=conv1&y=0&x=0").json()["regions"]}["input"]
    outside = round(region["outside_fraction"] * 25)
    expect(page.locator("[data-padding-text]")).to_contain_text(
        f"{outside} of its 25 pixels ({js_percent(region['outside_fraction'])}) fall outside the image")
    expect(page.locator("[data-padding-text]")).to_contain_text("Inside the image it covers rows 0 to 2, columns 0 to 2.")
    expect(page.locator("[data-box-text]")).to_have_text("5 \u00d7 5 pixels: rows \u22122 to 2, columns \u22122 to 2.")
    expect(page.locator("[data-activation]")).to_contain_text("summed over its 6 maps")
    page.mouse.move(*unit_point(page, "conv1", 10, 14))
    expect(root(page)).to_have_attribute("data-regions-for", "conv1:10,14")
    expect(page.locator("[data-padding-text]")).to_have_text("All of it lies inside the image.")
    expect(page.locator("[data-box-text]")).to_have_text("5 \u00d7 5 pixels: rows 8 to 12, columns 12 to 16.")

    # The digit: "An 8", and what the network makes of it, as the API says for the same pixels.
    eight = page.locator('[data-samples] button[data-label="8"]')
    expect(eight).to_have_attribute("title", "An 8 from the MNIST test set")
    eight.click()
    expect(root(page)).to_have_attribute("data-picture", "sample:8")
    wait_idle(page)
    answer = page.request.post("/api/digits/predict",
                               data={"pixels": load_dataset().test_images[128].astype(int).tolist()}).json()
    p = answer["probabilities"][answer["digit"]] * 100
    shown = ">99.9%" if p >= 99.95 else f"{p:.1f}%".replace(".0%", "%")
    expect(page.locator("[data-source-status]")).to_have_text(
        f"An 8 from the MNIST test set (image 128). The network reads it as {answer['digit']} ({shown}).")
    page.locator('[data-samples] button[data-label="7"]').click()
    expect(page.locator("[data-source-status]")).to_contain_text("A 7 from the MNIST test set (image 0).")
    wait_idle(page)
    assert_no_problems(page_problems)


def test_the_served_convolutions_note_follows_their_parameters(page: Page, page_problems) -> None:
    """"No biases: 150 and 2,400" is read from the served table's parameter counts; a network whose
    convolutions have biases is said to have them."""
    open_page(page)
    note = page.locator("[data-served-convs]")
    table = page.request.get("/api/receptive-field").json()
    convs = [r for r in table["table"] if r["type"] == "Conv2d"]
    assert [r["params"] for r in convs] == [150, 2400]
    expect(note).to_have_text(" (The served LeNet-5\u2019s convolutions have no biases: 150 and 2,400 parameters there.)")
    expect(page.locator("[data-network-table] [data-total]")).to_have_text("61,684")

    with_biases = {**table, "table": [{**r, "params": r["params"] + (r["output_shape"][0] if r["type"] == "Conv2d" else 0)}
                                      for r in table["table"]]}
    page.route("**/api/receptive-field", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(with_biases)))
    page.reload()
    wait_idle(page)
    expect(note).to_have_text(" (The served LeNet-5\u2019s convolutions have biases too: 156 and 2,416 parameters.)")
    expect(page.locator("[data-network-table] [data-total]")).to_have_text("61,706")
    assert_no_problems(page_problems)


def test_words_pure_module(page: Page, page_problems) -> None:
    open_page(page)
    result = page.evaluate("""async () => {
        const w = await import('/static/js/receptive-field/rf-words.js');
        const central = (share, areaShare, clipped = false) => ({share, areaShare, ratio: share / areaShare, total: 1,
            side: 8, centralPixels: 64, boxPixels: clipped ? 196 : 256, clipped});
        const conv = (name, params, channels, previous) => ({name, type: 'Conv2d', kernel: 5, params, channels,
            previous: {channels: previous}});
        const layer = {name: 'conv1', channels: 6};
        return {
            percents: [0, 0.004, 0.234375, 0.996, 1].map(w.percent),
            spans: [w.span('row', 5, 5), w.span('row', -2, 13)],
            notes: [central(0.95, 0.25), central(0.6, 0.25), central(0.45, 0.25), central(0.26, 0.25),
                    central(0.1, 0.25), {total: 0}].map((c) => w.effectiveNote(c).verdict),
            clipped: w.effectiveNote(central(0.41, 0.44, true)).text,
            activations: [w.activationText(1.23456, layer), w.activationText(0.5, layer, {channel: 2, asked: 2}),
                          w.activationText(0.5, layer, {channel: null, asked: 9})],
            served: [w.servedConvsText([conv('conv1', 150, 6, 1)], 'lenet5'),
                     w.servedConvsText([conv('conv1', 156, 6, 1), conv('conv2', 2400, 16, 6)], 'lenet5'),
                     w.servedConvsText([conv('conv1', 151, 6, 1)], 'lenet5'), w.servedConvsText([], 'mlp')],
            samples: [w.sampleText({label: 8, index: 128}), w.sampleText({label: 1, index: 2}, {withIndex: false})],
        };
    }""")
    assert result["percents"] == ["0%", "<1%", "23%", ">99%", "100%"]
    assert result["spans"] == ["row 5", "rows \u22122 to 13"]
    assert result["notes"] == ["edges-negligible", "middle", "middle-per-pixel", "even", "edges", "none"]
    assert result["clipped"] == ("Of the box\u2019s 196 pixels inside the image, the central 64 (44%) hold 41% of the "
                                 "sensitivity, 1.1 times less than an even spread would give them: the edges of the "
                                 "box matter about as much as its middle.")
    assert result["activations"] == ["1.235, summed over its 6 maps", "0.5, feature map 3",
                                     "0.5, summed over its 6 maps (conv1 has only 6 maps, so all are summed)"]
    assert result["served"] == [" (The served LeNet-5\u2019s convolution has no bias: 150 parameters there.)",
                                " (In the served LeNet-5: conv1 with biases (156) and conv2 without biases (2,400).)",
                                "", ""]
    assert result["samples"] == ["An 8 from the MNIST test set (image 128)", "A 1 from the MNIST test set"]
    assert_no_problems(page_problems)
