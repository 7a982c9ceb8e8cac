"""The learned kernels on /training, read in a real browser: their size on a desktop and a phone,
the value under the pointer against the run's own weights, the fixed colour scale, and "Try this
kernel on a photo" opening the kernel playground with the same weights (and a malformed link
worded, not failing)."""

from __future__ import annotations

import base64
import io
import json
import re
import time

import numpy as np
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

ROOT = "[data-training-page]"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def wait_finished(page: Page, run_id: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = page.request.get(f"/api/runs/{run_id}").json()["status"]
        if status == "completed":
            return
        assert status in ("queued", "running"), status
        time.sleep(0.2)
    pytest.fail(f"run {run_id} did not finish in {timeout} s")


def cell_centre(page: Page, layer: str, cell: list[int]) -> tuple[float, float]:
    """Page coordinates of the centre of weight `cell` = [out, in, row, col] of `layer`'s picture,
    from the layout kernel-layout.js gives for the panel's width (checked against the canvas)."""
    canvas = page.locator(f'canvas[data-kernels="{layer}"]')
    canvas.scroll_into_view_if_needed()
    rect, size, drawn = canvas.evaluate("""async (c, [o, i, row, col]) => {
        const m = await import("/static/js/training/kernel-layout.js");
        const view = document.querySelector("[data-kernel-layers]");
        const shape = c.dataset.shape.split(",").map(Number);
        const layout = m.kernelLayout(shape, view.clientWidth);
        return [m.kernelCellRect(layout, {out: o, input: i, row, col}), [layout.width, layout.height],
                [c.width, c.height]];
    }""", cell)
    assert size == drawn, "the canvas is not drawn with kernel-layout.js's layout"
    box = canvas.bounding_box()
    assert box is not None
    return (box["x"] + (rect["left"] + rect["width"] / 2) * box["width"] / size[0],
            box["y"] + (rect["top"] + rect["height"] / 2) * box["height"] / size[1])


def decoded(message_layer: dict, cell: list[int]) -> float:
    """Weight `cell` of a "weights" message's layer: (byte - 128) / 127 * scale."""
    data = np.frombuffer(base64.b64decode(message_layer["data"]), dtype=np.uint8).reshape(message_layer["shape"])
    return (int(data[tuple(cell)]) - 128) / 127 * message_layer["scale"]


def test_pure_kernel_modules(page: Page, page_problems) -> None:  # noqa: ANN001
    page.goto("/training")
    got = page.evaluate("""async () => {
        const m = await import("/static/js/training/kernel-layout.js");
        const s = await import("/static/js/training/kernel-scale.js");
        const k = await import("/static/js/shared/kernel-link.js");
        const sizes = [[6, 1, 5, 5], [16, 6, 5, 5], [16, 1, 28, 28]].flatMap((shape) => [832, 324].map((w) => {
            const l = m.kernelLayout(shape, w);
            return {shape, w, tile: l.tileW, cols: l.cols, bands: l.bands, width: l.width};
        }));
        const layout = m.kernelLayout([16, 6, 5, 5], 324);
        const cell = {out: 13, input: 4, row: 2, col: 3};
        const r = m.kernelCellRect(layout, cell);
        const back = m.kernelCellAt(layout, r.left + r.width / 2, r.top + r.height / 2);
        const frame = m.kernelCellAt(layout, layout.labelW, layout.labelH);
        const recoded = s.recode(new Uint8Array([192, 128, 1, 255]), 0.5, 0.25);
        const link = k.kernelLink([[0.123456, -0.5], [1e-7, 2]], {from: "conv1 kernel 3, step 9"});
        const read = k.readKernelLink(link.slice(link.indexOf("?")), 15);
        const bad = ["?kernel=1,2;3", "?kernel=1,x", "?kernel=" + Array(16).fill("1").join(","), "?kernel=",
                     "?kernel=1&output=loud", "?kernel=1e9"].map((q) => k.readKernelLink(q, 15));
        const keys = [m.keyedCell("ArrowRight", {out: 0, input: 0, row: 1, col: 4}, [6, 1, 5, 5]),
                      m.keyedCell("ArrowDown", {out: 2, input: 0, row: 4, col: 0}, [16, 6, 5, 5]),
                      m.keyedCell("ArrowLeft", {out: 0, input: 0, row: 0, col: 0}, [6, 1, 5, 5]),
                      m.keyedCell("x", {out: 0, input: 0, row: 0, col: 0}, [6, 1, 5, 5])];
        return {sizes, back, frame, recoded: [...recoded.codes], clipped: recoded.clipped, read, link,
                bad: bad.map((b) => [b.kernel, b.problems]), keys,
                words: [s.scaleWords({scale: 0.5}, {fixed: false}),
                        s.scaleWords({scale: 0.6}, {fixed: true, scale: 0.4, clipped: 3, since: "step 120"})]};
    }""")
    by = {(tuple(s["shape"]), s["w"]): s for s in got["sizes"]}
    assert by[((6, 1, 5, 5), 832)]["tile"] == 82 and by[((6, 1, 5, 5), 832)]["cols"] == 6  # 16 px a weight
    assert by[((6, 1, 5, 5), 324)]["tile"] == 82 and by[((6, 1, 5, 5), 324)]["cols"] == 3  # two rows of three
    assert by[((16, 6, 5, 5), 832)]["bands"] == 1 and by[((16, 6, 5, 5), 832)]["tile"] >= 42
    assert by[((16, 6, 5, 5), 324)]["bands"] == 3 and by[((16, 6, 5, 5), 324)]["cols"] == 6
    assert all(s["width"] <= s["w"] for s in got["sizes"]), got["sizes"]
    assert got["back"] == {"out": 13, "input": 4, "row": 2, "col": 3} and got["frame"] is None
    # Against a scale half as large, a code twice as far from 128; beyond it, clipped and counted.
    assert got["recoded"] == [255, 128, 1, 255] and got["clipped"] == 3
    assert got["read"] == {"kernel": [[0.1235, -0.5], [1e-7, 2]], "from": "conv1 kernel 3, step 9", "output": "rescale",
                           "channels": "luminance", "problems": []}
    problems = [p for _, p in got["bad"]]
    assert all(kernel is None for kernel, _ in got["bad"][:4]) and got["bad"][4][0] == [[1]]
    assert "row 2 has 1 weight, row 1 has 2" in problems[0][0]
    assert "row 1, column 2 is \u201cx\u201d, not a number" in problems[1][0]
    assert "it is 1\u00d716, and the largest kernel is 15\u00d715" in problems[2][0]
    assert "it is empty" in problems[3][0]
    assert problems[4] == ["The link\u2019s output \u201cloud\u201d is not one of clip, abs, rescale, offset; the usual one "
                           "is used."]
    assert "beyond \u00b11000000" in problems[5][0]
    assert got["keys"] == [{"out": 1, "input": 0, "row": 1, "col": 0}, {"out": 2, "input": 1, "row": 0, "col": 0},
                           {"out": 0, "input": 0, "row": 0, "col": 0}, None]
    assert got["words"] == [
        "colour scale \u00b10.5, this picture\u2019s largest |w| (re-fitted at every update)",
        "fixed colour scale \u00b10.4, the largest |w| at step 120 (now 0.6, 1.5\u00d7 as large); 3 weights beyond "
        "it drawn at full strength"]
    page_problems.assert_none()


def test_fixed_scale_keeps_the_colour_of_an_unchanged_weight(page: Page, page_problems) -> None:  # noqa: ANN001
    page.goto("/training")
    expect(page.locator(ROOT)).to_have_attribute("data-ready", "true")
    # A second kernels panel (a copy of the page's) shown two updates of one layer: weight 0 is
    # 0.25 both times, but the layer's largest |w| doubles from 0.5 to 1, so its byte moves 192 -> 160.
    got = page.evaluate("""async () => {
        const { KernelsView } = await import("/static/js/training/network-views.js");
        const section = document.querySelector("[data-kernels-view]").cloneNode(true);
        section.removeAttribute("data-kernels-view");
        section.querySelector("[data-kernel-layers]").replaceChildren();  // not the page's own pictures, if a run is on screen
        document.querySelector(".tr-main").append(section);
        const view = new KernelsView(section);
        const code = (w, scale) => Math.round(128 + 127 * w / scale);
        const layer = (scale, big) => ({name: "conv1", shape: [2, 1, 3, 3], scale,
            bytes: new Uint8Array([code(0.25, scale), ...Array(8).fill(128), code(big, scale), ...Array(8).fill(128)])});
        const canvas = () => section.querySelector('canvas[data-kernels="conv1"]');
        const colour = () => {
            const m = canvas().getContext("2d").getImageData(2, view.figures.get("conv1").layout.labelH + 2, 1, 1).data;
            return [m[0], m[1], m[2]];
        };
        const fixed = section.querySelector("[data-kernel-fixed]");
        const caption = () => section.querySelector("figcaption").textContent;
        const out = {};
        view.show([layer(0.5, 0.5)], {model: "lenet5", source: "step 1"});
        out.before = colour();
        view.show([layer(1, 1)], {model: "lenet5", source: "step 2"});
        out.refitted = colour();
        out.refittedCaption = caption();
        view.show([layer(0.5, 0.5)], {model: "lenet5", source: "step 3"});
        fixed.click();   // frozen at step 3's scale, 0.5
        out.frozen = colour();
        view.show([layer(1, 1)], {model: "lenet5", source: "step 4"});
        out.fixed = colour();
        out.fixedCaption = caption();
        out.scale = canvas().dataset.scale;
        fixed.click();
        out.off = colour();
        section.remove();
        return out;
    }""")
    assert got["refitted"] != got["before"], "re-fitted every update: the same weight changes colour"
    assert got["frozen"] == got["before"] and got["fixed"] == got["before"], "fixed: an unchanged weight keeps its colour"
    assert got["off"] == got["refitted"]
    assert got["scale"] == "0.5"
    assert got["refittedCaption"].endswith("colour scale \u00b11, this picture\u2019s largest |w| (re-fitted at every update)")
    assert got["fixedCaption"].endswith("fixed colour scale \u00b10.5, the largest |w| at step 3 (now 1, 2\u00d7 as large); "
                                        "1 weight beyond it drawn at full strength")
    page_problems.assert_none()


def test_hover_reads_the_live_weight_and_the_playground_gets_the_kernel(page: Page, page_problems) -> None:  # noqa: ANN001
    weights: list[dict] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: (
        isinstance(payload, str) and '"weights"' in payload[:40] and weights.append(json.loads(payload)))))
    run_id = page.request.post("/api/runs", data={"model": "lenet5", "train_size": 2000, "epochs": 50}).json()["id"]
    page.goto(f"/training?run={run_id}")
    root = page.locator(ROOT)
    expect(root).to_have_attribute("data-status", "running", timeout=20_000)
    expect(page.locator('canvas[data-kernels="conv2"]')).to_be_visible(timeout=20_000)
    page.locator("[data-run-status]").get_by_role("button", name="Pause").click()
    expect(root).to_have_attribute("data-status", "paused")
    page.wait_for_timeout(500)
    step = int(re.fullmatch(r"step (\d+)", page.locator("[data-kernels-source]").inner_text()).group(1))
    message = next(m for m in reversed(weights) if m["type"] == "weights" and m["step"] == step)
    layers = {layer["name"]: layer for layer in message["layers"]}

    # Pointing at a weight states it: the message's byte decoded, its kernel and its cell.
    readout = page.locator("[data-kernel-readout]")
    for layer, cell in (("conv1", [3, 0, 1, 4]), ("conv2", [13, 4, 2, 3])):
        page.mouse.move(*cell_centre(page, layer, cell))
        expect(readout).to_have_attribute("data-cell", ",".join(map(str, cell)))
        want = decoded(layers[layer], cell)
        assert float(readout.get_attribute("data-value")) == pytest.approx(want, rel=1e-12, abs=1e-12)
        words = readout.locator("[data-kernel-value]").inner_text()
        kernel = "conv1 kernel 3" if layer == "conv1" else "conv2 kernel 13, input channel 4"
        assert words.startswith(f"{kernel}, row {cell[2]}, column {cell[3]}: w \u2248 "), words
        shown = float(re.search(r"\u2248 (\S+) \(", words).group(1).replace("\u2212", "-"))
        assert shown == pytest.approx(want, rel=5e-3), words
        assert words.endswith(f"(step {step}).")

    # A click picks conv2's kernel 13; the keyboard moves the pick; the link carries the slice picked.
    page.mouse.click(*cell_centre(page, "conv2", [13, 4, 2, 3]))
    expect(readout).to_have_attribute("data-picked", "true")
    page.keyboard.press("ArrowDown")
    expect(readout).to_have_attribute("data-cell", "13,4,3,3")
    link = page.locator("[data-kernel-try]")
    expect(link).to_have_text("Try conv2 kernel 13\u2019s slice for input channel 4 on a photo")
    data = np.frombuffer(base64.b64decode(layers["conv2"]["data"]), dtype=np.uint8).reshape(layers["conv2"]["shape"])
    truth = (data[13, 4].astype(float) - 128) / 127 * layers["conv2"]["scale"]
    assert np.allclose(json.loads(link.get_attribute("data-kernel")), truth, rtol=0, atol=1e-12)
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a phone"
    page.set_viewport_size(DESKTOP)
    link.click()

    expect(page).to_have_url(re.compile(r"/kernels\?kernel="))
    kp = page.locator("[data-kernels-page]")
    expect(kp).to_have_attribute("data-result-version", re.compile(r"^[1-9]\d*$"), timeout=20_000)
    expect(kp).to_have_attribute("data-busy", "false", timeout=20_000)
    assert np.allclose(json.loads(kp.get_attribute("data-linked-kernel")), truth, rtol=5e-4, atol=1e-7)
    sent = json.loads(kp.get_attribute("data-request"))
    assert np.allclose(sent["kernel"], truth, rtol=5e-4, atol=1e-7)  # the kernel applied is the learned one
    assert sent["output"] == "rescale" and sent["channels"] == "luminance" and sent["divisor"] == 1
    expect(page.locator("#kp-preset")).to_have_value("custom")
    expect(page.locator("[data-link-note]")).to_have_text(
        f"A 5\u00d75 kernel from conv2 kernel 13, input channel 4, step {step}, as its weights were (to 4 significant "
        "digits). Its weights are small, so the result is rescaled: its lowest value shows black, its highest white.")
    expect(page.locator("[data-link-error]")).to_be_hidden()
    page.request.post(f"/api/runs/{run_id}/stop")
    page_problems.assert_none()


def test_saved_kernels_read_back_their_weights(page: Page, page_problems) -> None:  # noqa: ANN001
    run_id = page.request.post("/api/runs", data={"model": "lenet5", "train_size": 640, "epochs": 1}).json()["id"]
    wait_finished(page, run_id)
    saved = np.load(io.BytesIO(page.request.get(f"/api/runs/{run_id}/weights").body()))
    conv1 = next(saved[k] for k in saved.files if "conv1" in k and "weight" in k)
    page.goto(f"/training?run={run_id}")
    # its last stored step: the kernels of the weights saved at the end of epoch 1 (step 10)
    expect(page.locator("[data-kernels-source]")).to_have_text("step 10, the end of epoch 1 (stored)")
    readout = page.locator("[data-kernel-readout]")
    page.mouse.move(*cell_centre(page, "conv1", [5, 0, 4, 0]))
    expect(readout).to_have_attribute("data-cell", "5,0,4,0")
    step = float(np.abs(conv1).max()) / 127  # one byte's worth
    assert float(readout.get_attribute("data-value")) == pytest.approx(float(conv1[5, 0, 4, 0]), abs=step / 2 + 1e-9)
    # Keyboard: focusing the picture picks its first weight, the arrows walk across kernels.
    page.locator('canvas[data-kernels="conv1"]').focus()
    expect(readout).to_have_attribute("data-cell", "0,0,0,0")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    expect(readout).to_have_attribute("data-cell", "1,0,0,0")
    expect(page.locator("[data-kernel-try]")).to_have_attribute("href", re.compile(r"^/kernels\?kernel=[^&]+&from=conv1"))
    page_problems.assert_none()


def test_a_malformed_link_is_worded_and_the_page_still_works(page: Page, page_problems) -> None:  # noqa: ANN001
    page.goto("/kernels?kernel=1,2;3,oops&channels=ultraviolet")
    kp = page.locator("[data-kernels-page]")
    expect(kp).to_have_attribute("data-result-version", re.compile(r"^[1-9]\d*$"), timeout=20_000)
    expect(page.locator("[data-link-error]")).to_have_text(
        "The link\u2019s kernel could not be loaded (row 2, column 2 is \u201coops\u201d, not a number); a preset is "
        "shown instead. The link\u2019s channels \u201cultraviolet\u201d is not one of rgb, luminance; the usual one "
        "is used.")
    expect(page.locator("#kp-preset")).not_to_have_value("custom")
    expect(page.locator("[data-link-note]")).to_be_hidden()
    page_problems.assert_none()
