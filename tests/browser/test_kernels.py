"""The kernel playground (/kernels) in a real browser: photo upload, presets, editing the
kernel, the result, and the arithmetic panel checked against POST /api/kernels/explain."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from app.paths import STATIC_DIR
from tests.conftest import LiveServer, serve

pytestmark = pytest.mark.browser

SAMPLES = STATIC_DIR / "samples"
PHONE = {"width": 390, "height": 844}
TIMEOUT = 20_000
# Stricter than the app's own policy (no blob: images): the page has no inline scripts or styles
# (styles set through the CSSOM are allowed) and draws its images on canvases.
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'"


def number(text: str) -> float:
    """A number as the page prints it (typographic minus)."""
    return float(text.strip().replace("\u2212", "-"))


def root(page: Page) -> Locator:
    return page.locator("[data-kernels-page]")


def wait_idle(page: Page) -> None:
    expect(root(page)).to_have_attribute("data-busy", "false", timeout=TIMEOUT)


def result_pixels(page: Page) -> str:
    return page.locator('[data-pixel-view="output"] canvas').evaluate("c => c.toDataURL()")


def open_page(page: Page) -> None:
    page.goto("/kernels")
    expect(root(page)).to_have_attribute("data-result-version", re.compile(r"^[1-9]\d*$"), timeout=TIMEOUT)
    wait_idle(page)
    expect(page.locator("[data-arithmetic]")).to_have_attribute("data-explained", re.compile(r"^\d+,\d+$"))


def hover_pixel(page: Page, view: str, x: int, y: int) -> None:
    """Move the mouse over the centre of image pixel (x, y) of the input or output view."""
    frame = page.locator(f'[data-pixel-view="{view}"]')
    frame.scroll_into_view_if_needed()
    width, height = (int(frame.get_attribute(f"data-{a}")) for a in ("width", "height"))
    box = frame.locator("canvas").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + (x + 0.5) * box["width"] / width, box["y"] + (y + 0.5) * box["height"] / height)


def grid_values(section: Locator, kind: str) -> list[list[float]]:
    rows = section.locator(f'[data-grid="{kind}"] .kp-mini-row')
    return [[number(t) for t in rows.nth(i).locator(".kp-num").all_text_contents()] for i in range(rows.count())]


def same_grid(shown: list[list[float]], expected: list[list[float]]) -> bool:
    """Same shape, and equal entries to the 3 decimals the page prints."""
    return [len(r) for r in shown] == [len(r) for r in expected] and all(
        abs(a - b) <= 1e-3 for ra, rb in zip(shown, expected) for a, b in zip(ra, rb))


def assert_arithmetic_matches_api(page: Page) -> dict:
    """The panel shows exactly what POST /api/kernels/explain answers for the same request."""
    wait_idle(page)
    panel = page.locator("[data-arithmetic]")
    body = json.loads(panel.get_attribute("data-request"))
    assert body["image_id"] == root(page).get_attribute("data-image-id")
    assert panel.get_attribute("data-explained") == f"{body['x']},{body['y']}"
    response = page.request.post("/api/kernels/explain", data=body)
    assert response.ok, response.text()
    api = response.json()

    sections = panel.locator(".kp-channel")
    expect(sections).to_have_count(len(api["channels"]))
    for channel in api["channels"]:
        section = panel.locator(f'.kp-channel[data-channel="{channel["channel"]}"]')
        first = channel["first"]
        assert same_grid(grid_values(section, "window"), first["window"])
        assert same_grid(grid_values(section, "products"), first["products"])

        # "w×k + w×k + ... = sum": every term pairs a window value with the weight used.
        sum_text = section.locator("[data-sum]").inner_text()
        lhs, rhs = sum_text.rsplit(" = ", 1)
        assert number(rhs) == pytest.approx(first["sum"], abs=1e-3)
        terms = [t.split("\u00d7") for t in lhs.split(" + ")]
        pairs = [(w, k) for wr, kr in zip(first["window"], api["kernel"]) for w, k in zip(wr, kr)]
        assert same_grid([[number(w), number(k.strip("()"))] for w, k in terms], [list(p) for p in pairs])

        divide = section.locator("[data-divide]")
        if api["divisor"] != 1:
            lhs, value = divide.inner_text().rsplit(" = ", 1)
            assert lhs == f"{rhs} / {api['divisor']:g}".replace("-", "\u2212")
            assert number(value) == pytest.approx(first["value"], abs=1e-3)
        else:
            expect(divide).to_have_count(0)
        assert int(section.locator("[data-mapped]").inner_text()) == channel["mapped"]
    return api


def test_upload_preset_edit_and_arithmetic(page: Page, page_problems, tmp_path: Path) -> None:
    open_page(page)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Kernels")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Slide a kernel over a photo")
    expect(page.locator("[data-sample][aria-pressed='true']")).to_have_attribute("data-name", "chelsea.png")
    sample_id = root(page).get_attribute("data-image-id")

    # Upload one of the samples through the file input, like a photo of one's own.
    page.set_input_files("#kp-file", str(SAMPLES / "coffee.png"))
    expect(root(page)).not_to_have_attribute("data-image-id", sample_id, timeout=TIMEOUT)
    wait_idle(page)
    expect(page.locator("[data-input-size]")).to_have_text("600 \u00d7 400 px")
    expect(page.locator("[data-source-status]")).to_have_text("coffee.png")
    expect(page.locator("[data-sample][aria-pressed='true']")).to_have_count(0)

    # Pick a preset: its weights, divisor and description appear, and the result follows.
    presets = {p["name"]: p for p in page.request.get("/api/kernels/presets").json()}
    version = int(root(page).get_attribute("data-result-version"))
    page.select_option("#kp-preset", "gaussian-3")
    expect(page.locator("[data-preset-description]")).to_have_text(presets["gaussian-3"]["description"])
    expect(page.locator("#kp-divisor")).to_have_value("16")
    cells = page.locator("[data-cells] .num-cell")
    expect(cells).to_have_count(9)
    assert [int(v) for v in cells.evaluate_all("els => els.map(e => e.value)")] == [
        w for row in presets["gaussian-3"]["kernel"] for w in row]
    wait_idle(page)
    assert int(root(page).get_attribute("data-result-version")) > version
    assert json.loads(root(page).get_attribute("data-request"))["preset"] == "gaussian-3"
    assert_arithmetic_matches_api(page)
    before = result_pixels(page)

    # Edit a weight: the preset becomes "custom" and the result changes.
    version = int(root(page).get_attribute("data-result-version"))
    page.locator('[data-cells] .num-cell[data-r="1"][data-c="1"]').fill("-12")
    expect(page.locator("#kp-preset")).to_have_value("custom")
    wait_idle(page)
    assert int(root(page).get_attribute("data-result-version")) > version
    request = json.loads(root(page).get_attribute("data-request"))
    assert "preset" not in request
    assert request["kernel"] == [[1, 2, 1], [2, -12, 2], [1, 2, 1]]
    assert request["divisor"] == 16
    assert result_pixels(page) != before

    # Hover a pixel of the result: the panel shows that pixel's arithmetic, as the API computes it.
    page.locator("#kp-options-heading").scroll_into_view_if_needed()
    page.locator('[data-pixel-view="output"]').scroll_into_view_if_needed()
    hover_pixel(page, "output", 301, 123)
    expect(page.locator("[data-arithmetic]")).to_have_attribute("data-explained", "301,123")
    api = assert_arithmetic_matches_api(page)
    assert [c["channel"] for c in api["channels"]] == ["R", "G", "B"]
    assert (api["window_left"], api["window_top"]) == (300, 122)
    # ... and the window is outlined on the original: 3x3 pixels centred on (301, 123).
    marker = page.locator('[data-pixel-view="input"] [data-marker]')
    expect(marker).to_be_visible()
    canvas = page.locator('[data-pixel-view="input"] canvas').bounding_box()
    mark = marker.bounding_box()
    scale = canvas["width"] / 600
    assert mark["x"] + mark["width"] / 2 == pytest.approx(canvas["x"] + 301.5 * scale, abs=2)
    assert mark["y"] + mark["height"] / 2 == pytest.approx(canvas["y"] + 123.5 * scale, abs=2)

    # The arrow keys move the pixel too.
    page.locator('[data-pixel-view="output"]').focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    expect(page.locator("[data-arithmetic]")).to_have_attribute("data-explained", "302,124")
    assert_arithmetic_matches_api(page)

    page.screenshot(path=str(tmp_path / "kernels.png"), full_page=True)
    page_problems.assert_none()


def test_options_change_the_size_and_the_mapping_of_pixels(page: Page, page_problems) -> None:
    open_page(page)  # chelsea.png, 451 x 300
    page.select_option("#kp-preset", "sobel-magnitude")
    expect(page.locator("[data-second-kernel]")).to_be_visible()
    # The note names the second kernel after the preset it equals.
    presets = {p["name"]: p for p in page.request.get("/api/kernels/presets").json()}
    assert presets["sobel-magnitude"]["second_kernel"] == presets["sobel-bottom"]["kernel"]
    expect(page.locator("[data-second-kernel]")).to_contain_text(f"({presets['sobel-bottom']['label']})")
    # One change at a time: a change while a result is on its way aborts that request, which the
    # page_problems fixture would count as a failed request.
    for control in [page.get_by_role("radio", name="Valid"), page.get_by_role("radio", name="2", exact=True),
                    page.get_by_role("radio", name="Rescale"), page.get_by_role("switch", name="Flip kernel")]:
        wait_idle(page)
        control.check()
    # floor((451 - 3) / 2) + 1 = 225, floor((300 - 3) / 2) + 1 = 149
    expect(page.locator("[data-output-size]")).to_have_text("225 \u00d7 149 px")
    expect(page.locator("[data-size-formula]")).to_contain_text("\u230a(451 \u2212 3) / 2\u230b + 1 = 225")
    wait_idle(page)
    assert page.locator('[data-pixel-view="output"]').get_attribute("data-width") == "225"
    request = json.loads(root(page).get_attribute("data-request"))
    assert {k: request[k] for k in ("preset", "padding", "stride", "output", "flip")} == {
        "preset": "sobel-magnitude", "padding": "valid", "stride": 2, "output": "rescale", "flip": True}

    # Pointing at input pixel (101, 51) picks the output pixel whose window is centred there:
    # with "valid" and stride 2, output x's window is centred on input 2x + 1.
    hover_pixel(page, "input", 101, 51)
    expect(page.locator("[data-arithmetic]")).to_have_attribute("data-explained", "50,25")
    api = assert_arithmetic_matches_api(page)
    assert api["second_kernel"] is not None and api["rescale_range"] is not None
    for channel in api["channels"]:
        section = page.locator(f'.kp-channel[data-channel="{channel["channel"]}"]')
        assert same_grid(grid_values(section, "products-second"), channel["second"]["products"])
        expect(section.locator("[data-magnitude]")).to_contain_text("\u221a(")

    # Luminance: one channel.
    wait_idle(page)
    page.get_by_role("radio", name="Luminance only").check()
    wait_idle(page)
    expect(page.locator(".kp-channel")).to_have_count(1)
    assert_arithmetic_matches_api(page)

    # Resizing the kernel keeps it centred, makes it custom, and changes the "valid" size.
    wait_idle(page)
    page.get_by_label("Kernel columns").select_option("5")
    expect(page.locator("#kp-preset")).to_have_value("custom")
    expect(page.locator("[data-cells] .num-cell")).to_have_count(15)
    wait_idle(page)
    assert json.loads(root(page).get_attribute("data-request"))["kernel"] == [
        [0, -1, 0, 1, 0], [0, -2, 0, 2, 0], [0, -1, 0, 1, 0]]
    expect(page.locator("[data-output-size]")).to_have_text("224 \u00d7 149 px")  # floor((451 - 5) / 2) + 1
    assert_arithmetic_matches_api(page)
    page_problems.assert_none()


def test_bad_input_is_explained_next_to_the_control(page: Page, page_problems, tmp_path: Path) -> None:
    open_page(page)
    version = root(page).get_attribute("data-result-version")
    cell = page.locator('[data-cells] .num-cell[data-r="0"][data-c="2"]')
    cell.fill("abc")
    expect(cell).to_have_attribute("aria-invalid", "")
    expect(page.locator("[data-kernel-error]")).to_have_text(re.compile(r"Row 1, column 3: .abc. is not a number"))
    cell.fill("1/4")
    expect(page.locator("[data-kernel-error]")).to_be_hidden()
    wait_idle(page)
    page.locator("#kp-divisor").fill("0")
    expect(page.locator("[data-kernel-error]")).to_contain_text("divisor can\u2019t be 0")
    page.locator("#kp-divisor").fill("2")
    wait_idle(page)
    assert root(page).get_attribute("data-result-version") != version
    assert json.loads(root(page).get_attribute("data-request"))["kernel"][0][2] == 0.25

    # The server's own messages are shown too: upload something that is not an image.
    not_image = tmp_path / "notes.png"
    not_image.write_text("this is not a picture")
    page.set_input_files("#kp-file", str(not_image))
    detail = page.request.post("/api/images", multipart={
        "file": {"name": "notes.png", "mimeType": "image/png", "buffer": not_image.read_bytes()}}).json()["detail"]
    expect(page.locator("[data-source-error]")).to_have_text(f"Could not load notes.png: {detail[0].upper()}{detail[1:]}")
    # The previous photo stays, and the only problems reported are that expected 415.
    expect(page.locator("[data-source-status]")).to_have_text("chelsea.png")
    assert page_problems.items and all("415" in p for p in page_problems.items), page_problems.items


SEND_FILE = """async ([url, name, how]) => {
    const blob = await (await fetch(url)).blob();
    const data = new DataTransfer();
    data.items.add(new File([blob], name, { type: blob.type }));
    if (how === "paste") {
        document.body.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true }));
        return null;
    }
    document.body.dispatchEvent(new DragEvent("dragenter", { dataTransfer: data, bubbles: true, cancelable: true }));
    const overlay = !document.querySelector("[data-drop-overlay]").hidden;
    document.body.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    return overlay;
}"""


def test_paste_and_drop_load_a_photo(page: Page, page_problems) -> None:
    open_page(page)
    for how, name, size in [("paste", "rocket.jpg", "640 \u00d7 427 px"), ("drop", "camera.png", "512 \u00d7 512 px, grey")]:
        before = root(page).get_attribute("data-image-id")
        overlay_shown = page.evaluate(SEND_FILE, [f"/static/samples/{name}", name, how])
        expect(root(page)).not_to_have_attribute("data-image-id", before, timeout=TIMEOUT)
        wait_idle(page)
        expect(page.locator("[data-source-status]")).to_have_text(name)
        expect(page.locator("[data-input-size]")).to_have_text(size)
        if how == "drop":
            assert overlay_shown is True
            expect(page.locator("[data-drop-overlay]")).to_be_hidden()
    # camera.png is greyscale: one channel, and the colour choice does not apply.
    expect(page.locator(".kp-channel")).to_have_count(1)
    expect(page.get_by_role("radio", name="Luminance only")).to_be_disabled()
    assert_arithmetic_matches_api(page)
    page_problems.assert_none()


def download_once(page: Page) -> tuple[str, bytes]:
    """One click on "Download PNG" -> (the file's name, its bytes)."""
    wait_idle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download full-size PNG").click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_download_is_full_resolution_png(page: Page, page_problems) -> None:
    open_page(page)
    name, data = download_once(page)
    assert name == "convscope-outline-chelsea.png"
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") == 451 and int.from_bytes(data[20:24], "big") == 300
    # The note says what was saved; there is no second link to click.
    expect(page.locator("[data-download-status]")).to_have_text(
        "Downloading convscope-outline-chelsea.png (451 \u00d7 300 px).")
    expect(page.locator("[data-download-note] a")).to_have_count(0)
    page_problems.assert_none()


def test_download_is_named_after_the_kernel_as_applied(page: Page, page_problems) -> None:
    open_page(page)
    flip = page.get_by_role("switch", name="Flip kernel")
    # Sobel left flipped 180 degrees is Sobel right, and the file says so.
    page.select_option("#kp-preset", "sobel-left")
    wait_idle(page)
    flip.check()
    assert download_once(page)[0] == "convscope-sobel-right-chelsea.png"
    # A flipped preset that is no other preset says it was flipped ...
    page.select_option("#kp-preset", "emboss")
    assert download_once(page)[0] == "convscope-emboss-flipped-chelsea.png"
    # ... one that flipping leaves alone keeps its name ...
    page.select_option("#kp-preset", "gaussian-3")
    assert download_once(page)[0] == "convscope-gaussian-3-chelsea.png"
    # ... and without the flip it is the preset chosen.
    wait_idle(page)
    flip.uncheck()
    page.select_option("#kp-preset", "sobel-left")
    assert download_once(page)[0] == "convscope-sobel-left-chelsea.png"
    # The learner's own weights are "custom", flipped or not.
    page.locator('[data-cells] .num-cell[data-r="0"][data-c="0"]').fill("3")
    expect(page.locator("#kp-preset")).to_have_value("custom")
    assert download_once(page)[0] == "convscope-custom-chelsea.png"
    wait_idle(page)
    flip.check()
    assert download_once(page)[0] == "convscope-custom-chelsea.png"
    page_problems.assert_none()


def test_pure_maths_module(page: Page, page_problems) -> None:
    open_page(page)
    result = page.evaluate("""async () => {
        const m = await import('/static/js/kernels/kernel-math.js');
        const numbers = await import('/static/js/shared/numbers.js');
        const grid = await import('/static/js/shared/number-grid.js');
        return {
            sum: m.formatSum([[40, 42, 46]], [[0, 1, 0]]),
            neg: m.formatSum([[10, 20]], [[-1, 0.5]], -0),
            parsed: ['1/9', ' \u22122 ', '', 'x', '1e3', '3/0'].map((t) => numbers.parseNumber(t).ok ? numbers.parseNumber(t).value : null),
            same: m.outputSize(300, 451, 3, 3, 'edge', 1),
            valid: m.outputSize(300, 451, 5, 5, 'valid', 3),
            tooBig: m.outputSize(4, 4, 7, 7, 'valid', 1).error ? 'error' : 'ok',
            centre: m.outputPixelFor(10, 10, 3, 3, 'zero', 1, 451, 300),
            strided: m.outputPixelFor(9, 9, 5, 5, 'valid', 2, 100, 100),
            clamped: m.outputPixelFor(0, 0, 5, 5, 'valid', 1, 100, 100),
            window: m.windowFor(4, 2, 3, 5, 'edge', 2),
            resized: grid.resizeFromCentre([['1']], 3, 3),
            mapping: m.formatMapping(-20, 'offset', 108),
        };
    }""")
    assert result["sum"] == "40\u00d70 + 42\u00d71 + 46\u00d70 = 42"
    assert result["neg"] == "10\u00d7(\u22121) + 20\u00d70.5 = 0"
    assert result["parsed"] == [pytest.approx(1 / 9), -2, 0, None, 1000, None]
    assert result["same"] == {"width": 451, "height": 300}
    assert result["valid"] == {"width": 149, "height": 99}  # floor((451-5)/3)+1, floor((300-5)/3)+1
    assert result["tooBig"] == "error"
    assert result["centre"] == {"x": 10, "y": 10}
    assert result["strided"] == {"x": 4, "y": 4}  # window of output 4 spans input 8..12, centred on 10
    assert result["clamped"] == {"x": 0, "y": 0}
    assert result["window"] == {"left": 6, "top": 3, "width": 5, "height": 3}
    assert result["resized"] == [["0", "0", "0"], ["0", "1", "0"], ["0", "0", "0"]]
    assert result["mapping"] == "\u221220 + 128 = 108 \u2192 108"
    page_problems.assert_none()


def test_runs_under_a_strict_content_security_policy(page: Page, page_problems) -> None:
    def add_csp(route) -> None:  # noqa: ANN001
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    page.route("**/kernels", add_csp)
    open_page(page)
    hover_pixel(page, "output", 10, 10)
    expect(page.locator("[data-arithmetic]")).to_have_attribute("data-explained", "10,10")
    wait_idle(page)
    page_problems.assert_none()  # a CSP violation is reported as a console error


def test_phone_layout(page: Page, page_problems, tmp_path: Path) -> None:
    page.set_viewport_size(PHONE)
    open_page(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than a {PHONE['width']}px phone screen"
    original = page.locator('[data-pixel-view="input"]').bounding_box()
    result = page.locator('[data-pixel-view="output"]').bounding_box()
    assert result["y"] >= original["y"] + original["height"], "original and result should stack on a phone"
    for selector in ["[data-cells]", ".kp-options", "[data-arithmetic]"]:
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], selector
    # A tap picks a pixel too.
    page.locator('[data-pixel-view="output"]').scroll_into_view_if_needed()
    hover_pixel(page, "output", 40, 30)
    page.mouse.down()
    page.mouse.up()
    expect(page.locator("[data-arithmetic]")).to_have_attribute("data-explained", "40,30")
    wait_idle(page)
    page.screenshot(path=str(tmp_path / "kernels-phone.png"), full_page=True)
    page_problems.assert_none()


# ---------------------------------------------------------------- words follow numbers


def test_size_sentences_follow_kernel_size_padding_and_stride(page: Page, page_problems) -> None:
    open_page(page)  # chelsea.png, 451 x 300; Outline, 3x3, edge, stride 1
    padding = page.locator("[data-padding-size]")
    stride = page.locator("[data-stride-note]")
    summary = page.locator(".kp-size-summary")
    expect(padding).to_have_text("Padding of 2 columns and 2 rows (the kernel size minus 1) lets a 3 \u00d7 3 kernel "
                                 "fit at every pixel, so at stride 1 the output keeps the input\u2019s size, "
                                 "451 \u00d7 300: \u201csame\u201d convolution.")
    expect(stride).to_have_text("Stride 1: the window moves one pixel at a time, so every window position makes an "
                                "output pixel (451 \u00d7 300).")
    expect(summary).to_have_text("Output 451 \u00d7 300: the same size as the input.")

    # A wider kernel needs more padding.
    page.get_by_label("Kernel columns").select_option("5")
    expect(padding).to_contain_text("Padding of 4 columns and 2 rows (the kernel size minus 1) lets a 5 \u00d7 3 kernel")
    wait_idle(page)

    # "valid": the output shrinks by the kernel size minus 1 on each axis, here 4 and 2.
    page.get_by_role("radio", name="Valid").check()
    expect(padding).to_have_text("Without padding a 5 \u00d7 3 kernel loses 4 columns and 2 rows (the kernel size "
                                 "minus 1), so at stride 1 the 451 \u00d7 300 input gives a 447 \u00d7 298 output: "
                                 "\u201cvalid\u201d convolution.")
    expect(summary).to_have_text("Output 447 \u00d7 298, from 451 \u00d7 300.")
    expect(stride).to_contain_text("(447 \u00d7 298)")
    wait_idle(page)

    # Stride 3: floor((451 - 5) / 3) + 1 = 149, floor((300 - 3) / 3) + 1 = 100.
    page.get_by_role("radio", name="3", exact=True).check()
    expect(stride).to_have_text("Stride 3: the window moves 3 pixels at a time and keeps every third window in each "
                                "direction, so each side is about a third as long: 447 \u00d7 298 at stride 1 "
                                "becomes 149 \u00d7 100.")
    expect(summary).to_have_text("Output 149 \u00d7 100, from 451 \u00d7 300.")
    expect(page.locator("[data-output-size]")).to_have_text("149 \u00d7 100 px")
    wait_idle(page)

    # 8 columns: "an 8", 7 columns lost; floor((451 - 8) / 3) + 1 = 148.
    page.get_by_label("Kernel columns").select_option("8")
    expect(padding).to_contain_text("Without padding an 8 \u00d7 3 kernel loses 7 columns and 2 rows")
    expect(padding).to_contain_text("gives a 444 \u00d7 298 output")
    expect(stride).to_contain_text("444 \u00d7 298 at stride 1 becomes 148 \u00d7 100.")
    wait_idle(page)

    # Back to padding: the stride now starts from the input's own size.
    page.get_by_role("radio", name="Edge").check()
    expect(padding).to_contain_text("Padding of 7 columns and 2 rows (the kernel size minus 1) lets an 8 \u00d7 3 kernel")
    expect(stride).to_contain_text("451 \u00d7 300 at stride 1 becomes 151 \u00d7 100.")
    wait_idle(page)
    assert page.locator('[data-pixel-view="output"]').get_attribute("data-width") == "151"
    page_problems.assert_none()


def test_sum_sentence_follows_weights_and_divisor(page: Page, page_problems) -> None:
    open_page(page)
    note = page.locator("[data-kernel-sum]")
    expect(note).to_have_text("Weights add up to 0: flat areas become 0, only changes show.")  # Outline
    page.select_option("#kp-preset", "gaussian-3")
    expect(note).to_have_text("Weights add up to 16, the same as the divisor: flat areas keep their brightness.")
    wait_idle(page)
    page.locator("#kp-divisor").fill("8")
    expect(note).to_have_text("Weights add up to 16; divided by 8, flat areas come out 2\u00d7 as bright.")
    wait_idle(page)
    centre = page.locator('[data-cells] .num-cell[data-r="1"][data-c="1"]')
    centre.fill("-20")  # 12 around it, -20 in the middle
    expect(note).to_have_text("Weights add up to \u22128; divided by 8, flat areas come out below 0 "
                              "(\u22121\u00d7 their brightness).")
    wait_idle(page)
    page.get_by_label("Normalise to sum 1").check()
    expect(note).to_have_text("Weights add up to \u22128, so the divisor is \u22128: flat areas keep their brightness.")
    expect(page.locator("#kp-divisor")).to_have_value("\u22128")
    wait_idle(page)
    centre.fill("-12")
    expect(note).to_have_text("Weights add up to 0, so the divisor stays 1 (there is no normalising a sum of 0).")
    wait_idle(page)
    page_problems.assert_none()


def test_where_sentence_counts_the_padding_it_reads(page: Page, page_problems) -> None:
    open_page(page)  # 3x3 Outline, edge padding
    where = page.locator("[data-arith-where]")
    output = page.locator('[data-pixel-view="output"]')
    # The pointer picks a pixel, the arrow keys move it into the corner (where the window reads padding).
    for x, y, key in [(1, 1, None), (1, 0, "ArrowUp"), (0, 0, "ArrowLeft"), (440, 290, None),
                      (450, 290, "Shift+ArrowRight")]:
        wait_idle(page)
        if key:
            output.press(key)
        else:
            hover_pixel(page, "output", x, y)
        expect(page.locator("[data-arithmetic]")).to_have_attribute("data-explained", f"{x},{y}")
        api = assert_arithmetic_matches_api(page)
        padded = sum(cell for row in api["outside"] for cell in row)
        first = f"Output pixel ({x}, {y}) of 451 \u00d7 300 comes from input columns "
        expect(where).to_contain_text(first)
        if padded:
            expect(where).to_contain_text(f"; {padded} of its 9 cells {'is' if padded == 1 else 'are'} padding")
        else:
            expect(where).not_to_contain_text("padding")
    page_problems.assert_none()


def test_sentence_and_naming_modules(page: Page, page_problems) -> None:
    open_page(page)
    presets = page.request.get("/api/kernels/presets").json()
    result = page.evaluate("""async (list) => {
        const s = await import('/static/js/kernels/kernel-sentences.js');
        const m = await import('/static/js/kernels/kernel-math.js');
        const n = await import('/static/js/kernels/preset-names.js');
        const presets = new Map(list.map((p) => [p.name, p]));
        const nine = Array.from({ length: 9 }, () => Array(9).fill('0'));
        return {
            oneCell: s.whereSentence({ x: 0, y: 0, output_width: 10, output_height: 1, window_left: -1,
                window_top: 0, kernel: [[1, 2, 1]], outside: [[true, false, false]] }),
            noPadding: s.whereSentence({ x: 4, y: 2, output_width: 10, output_height: 5, window_left: 4,
                window_top: 2, kernel: [[1]], outside: [[false]] }),
            unit: s.paddingSentence('zero', 1, 1, 451, 300),
            eleven: s.paddingSentence('valid', 11, 11, 100, 80),
            eight: s.paddingSentence('valid', 3, 3, 10, 10),
            noImage: s.paddingSentence('edge', 3, 3),
            strideNoImage: s.strideSentence(2),
            half: s.sumSentence([[1, 1]], 4, false),
            largest: m.readKernel(nine, 7).errors[0].message,
            ragged: m.readKernel([['1', '2'], ['3']], 15).errors.map((e) => e.message),
            badCell: m.readKernel([['1', 'x']], 15).errors.map((e) => e.message),
            fine: m.readKernel([['1/2', '-1']], 15).kernel,
            names: [['sobel-left', true], ['sobel-right', true], ['emboss', true], ['gaussian-5', true],
                    ['sobel-magnitude', true], ['shift', true], ['outline', false], ['custom', true]]
                .map(([name, flip]) => n.appliedKernelName(presets, name, flip)),
            file: n.downloadFileName('sobel-right', 'my.photo.jpeg'),
        };
    }""", presets)
    assert result["oneCell"] == ("Output pixel (0, 0) of 10 \u00d7 1 comes from input columns \u22121 to 1, row 0; "
                                 "1 of its 3 cells is padding (outside the image).")
    assert result["noPadding"] == "Output pixel (4, 2) of 10 \u00d7 5 comes from input column 4, row 2."
    assert result["unit"] == ("A 1 \u00d7 1 kernel fits at every pixel, so at stride 1 the output keeps the input\u2019s "
                              "size, 451 \u00d7 300, with or without padding.")
    assert result["eleven"].startswith("Without padding an 11 \u00d7 11 kernel loses 10 columns and 10 rows")
    assert "the 100 \u00d7 80 input gives a 90 \u00d7 70 output" in result["eleven"]
    assert "the 10 \u00d7 10 input gives an 8 \u00d7 8 output" in result["eight"]
    assert result["noImage"] == ("Padding of 2 columns and 2 rows (the kernel size minus 1) lets a 3 \u00d7 3 kernel "
                                 "fit at every pixel, so at stride 1 the output keeps the input\u2019s size: "
                                 "\u201csame\u201d convolution.")
    assert result["strideNoImage"].endswith("so each side is about half as long.")
    assert result["half"] == "Weights add up to 2; divided by 4, flat areas come out 0.5\u00d7 as bright."
    assert result["largest"] == "The largest kernel is 7\u00d77."
    assert result["ragged"] == ["Row 2 has 1 weights, not 2."]
    assert result["badCell"] == ["Row 1, column 2: \u201cx\u201d is not a number."]
    assert result["fine"] == [[0.5, -1]]
    assert result["names"] == ["sobel-right", "sobel-left", "emboss-flipped", "gaussian-5", "sobel-magnitude-flipped",
                               "shift-flipped", "outline", "custom"]
    assert result["file"] == "convscope-sobel-right-my.photo.png"
    page_problems.assert_none()


# ---------------------------------------------------------------- requests


def test_quick_edits_send_one_request_and_the_last_edit_wins(page: Page, page_problems) -> None:
    open_page(page)
    applies: list[dict] = []
    page.on("request", lambda r: r.url.endswith("/api/kernels/apply") and applies.append(json.loads(r.post_data)))
    version = int(root(page).get_attribute("data-result-version"))
    # Three weights typed within one debounce pause: one request, for the last state.
    page.evaluate("""() => {
        for (const [c, v] of [[0, '1'], [1, '2'], [2, '3']]) {
            const cell = document.querySelector(`[data-cells] .num-cell[data-r="0"][data-c="${c}"]`);
            cell.value = v;
            cell.dispatchEvent(new Event('input', { bubbles: true }));
        }
    }""")
    wait_idle(page)
    assert [a["kernel"][0] for a in applies] == [[1, 2, 3]]
    assert int(root(page).get_attribute("data-result-version")) == version + 1
    assert json.loads(root(page).get_attribute("data-request"))["kernel"][0] == [1, 2, 3]
    page_problems.assert_none()


# ---------------------------------------------------------------- the largest kernel comes from the server

SMALL_MAX_KERNEL = 7


@pytest.fixture(scope="module")
def small_kernel_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A second ``convscope serve`` whose largest kernel is 7x7 (CONVSCOPE_MAX_KERNEL_SIZE), with its
    own runs directory."""
    with serve(tmp_path_factory.mktemp("small-kernel-server"), {"CONVSCOPE_MAX_KERNEL_SIZE": str(SMALL_MAX_KERNEL)}) as server:
        yield server


def test_largest_kernel_comes_from_the_server(page: Page, page_problems, small_kernel_server: LiveServer) -> None:
    page.goto(small_kernel_server.url + "/kernels")
    expect(root(page)).to_have_attribute("data-result-version", re.compile(r"^[1-9]\d*$"), timeout=TIMEOUT)
    wait_idle(page)
    sizes = [str(n) for n in range(1, SMALL_MAX_KERNEL + 1)]
    for label in ["Kernel rows", "Kernel columns"]:
        options = page.get_by_label(label).locator("option")
        assert options.evaluate_all("els => els.map(e => e.value)") == sizes, label
    expect(page.locator("#kp-grid-help")).to_contain_text(f"The largest kernel is {SMALL_MAX_KERNEL}\u00d7{SMALL_MAX_KERNEL}.")
    # Presets larger than that are listed but cannot be chosen; the rest can.
    presets = page.request.get(small_kernel_server.url + "/api/kernels/presets").json()
    for preset in presets:
        fits = len(preset["kernel"]) <= SMALL_MAX_KERNEL and len(preset["kernel"][0]) <= SMALL_MAX_KERNEL
        option = page.locator(f'#kp-preset option[value="{preset["name"]}"]')
        assert option.evaluate("o => o.disabled") is (not fits), preset["name"]
    assert not all(len(p["kernel"][0]) <= SMALL_MAX_KERNEL for p in presets), "no preset is larger: the test proves nothing"
    # The largest size works end to end.
    page.get_by_label("Kernel columns").select_option(str(SMALL_MAX_KERNEL))
    page.get_by_label("Kernel rows").select_option(str(SMALL_MAX_KERNEL))
    expect(page.locator("[data-cells] .num-cell")).to_have_count(SMALL_MAX_KERNEL ** 2)
    wait_idle(page)
    assert len(json.loads(root(page).get_attribute("data-request"))["kernel"]) == SMALL_MAX_KERNEL
    expect(page.locator("[data-kernel-error]")).to_be_hidden()
    page_problems.assert_none()
