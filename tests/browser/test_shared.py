"""The shared frontend layer (static/js/shared/), in Chromium: the number formats and the words that
follow numbers, the editable number grid, the latest-answer-wins query, the HTTP client's errors
and its patience with a busy server, the heat map, and the limits the server hands the pages."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def run(page: Page, script: str):  # noqa: ANN201
    """Evaluate an async function body with the shared modules imported as n, w, g, q, a, h, l."""
    page.goto("/")
    return page.evaluate(f"""async () => {{
        const [n, w, g, q, a, h, l] = await Promise.all(["numbers", "words", "number-grid", "live-query", "api",
            "heatmap", "limits"].map((m) => import(`/static/js/shared/${{m}}.js`)));
        {script}
    }}""")


def test_probabilities_never_read_100_or_0_percent(page: Page, page_problems) -> None:
    got = run(page, "return [0, 1e-9, 0.0004, 0.0005, 0.98213, 0.9994, 0.99951, 1].map(n.formatProbability);")
    assert got == ["<0.1%", "<0.1%", "<0.1%", "0.1%", "98.2%", "99.9%", ">99.9%", ">99.9%"]
    page_problems.assert_none()


def test_numbers_print_as_the_pages_need_them(page: Page, page_problems) -> None:
    got = run(page, """return {
        fixed: [0.125, -0.0001, 3, -2.5, NaN].map((v) => n.formatNumber(v)),
        sig: [0.0123456, 2e-7, 123456].map((v) => n.formatSignificant(v)),
        ints: [61684, -3].map(n.formatInteger), pct: n.formatPercent(0.0065), ratio: n.formatRatio(4.0703),
        parsed: ["3", "\\u22120.5", "1/9", "", "abc"].map((t) => n.parseNumber(t)),
        cells: n.parseCells([["1", "x"]], (r, c) => `x${c + 1}`),
    };""")
    assert got["fixed"] == ["0.125", "0", "3", "\u22122.5", "\u2014"]
    assert got["sig"] == ["0.0123", "2e\u22127", "1.23e5"]
    assert got["ints"] == ["61,684", "\u22123"] and got["pct"] == "0.65%" and got["ratio"] == "4.07\u00d7"
    assert [p.get("value") for p in got["parsed"][:4]] == [3, -0.5, pytest.approx(1 / 9), 0]
    assert got["parsed"][4]["ok"] is False and "not a number" in got["parsed"][4]["error"]
    assert got["cells"]["values"] is None and got["cells"]["errors"][0]["message"].startswith("x2:")
    page_problems.assert_none()


def test_words_follow_the_numbers(page: Page, page_problems) -> None:
    got = run(page, """return {
        articles: [1, 7, 8, 11, 18, 80, 100, 800, 8000, 11000, "Ankle boot", "Shirt"].map(w.withArticle),
        plurals: [w.plural(1, "layer"), w.plural(3, "layer"), w.plural(2, "matrix", "matrices")],
        compare: [4.0703, 1.125, 0.112, 1, 1.001].map((r) => w.compare(r)),
        mass: w.compare(0.5, {mass: true}).text, list: w.listText(["a", "b", "c"]),
    };""")
    assert got["articles"] == ["a 1", "a 7", "an 8", "an 11", "an 18", "an 80", "a 100", "an 800", "an 8000",
                               "an 11000", "an Ankle boot", "a Shirt"]
    assert got["plurals"] == ["1 layer", "3 layers", "2 matrices"]
    assert [c["text"] for c in got["compare"]] == ["4.07 times as many", "1.13 times as many", "8.93 times fewer",
                                                   "as many", "as many"]
    assert [c["word"] for c in got["compare"]] == ["more", "more", "fewer", "same", "same"]
    assert got["compare"][1]["percent"] == "12.5% more"
    assert got["mass"] == "2 times less" and got["list"] == "a, b and c"
    page_problems.assert_none()


def test_the_number_grid_edits_resizes_and_moves_with_the_keyboard(page: Page, page_problems) -> None:
    got = run(page, """
        const box = document.createElement("div"); document.body.append(box);
        const grid = new g.NumberGrid(box, {name: "k", cells: [["1", "2"], ["3", "4"]], centred: true, anchor: true});
        const events = []; box.addEventListener("grid-edit", (e) => events.push(e.detail));
        const first = grid.input(0, 0); first.value = "-5"; first.dispatchEvent(new Event("input", {bubbles: true}));
        first.focus(); first.setSelectionRange(2, 2);
        first.dispatchEvent(new KeyboardEvent("keydown", {key: "ArrowRight", bubbles: true}));
        const moved = document.activeElement === grid.input(0, 1);
        grid.resize(4, 4);
        return {events, moved, cells: grid.getCells(), signs: [...box.querySelectorAll("input")].slice(5, 7)
            .map((i) => [...i.classList].filter((c) => c.startsWith("is-"))),
            anchor: box.querySelector(".is-anchor").getAttribute("aria-label"), read: grid.read().values[1]};
    """)
    assert got["events"][0] == {"name": "k", "cells": [["-5", "2"], ["3", "4"]], "reason": "cell"}
    assert got["events"][1]["reason"] == "size" and got["moved"]
    assert got["cells"][1] == ["0", "-5", "2", "0"] and got["cells"][2] == ["0", "3", "4", "0"]  # grown from the centre
    assert got["signs"][0] == ["is-neg"] and got["signs"][1] == ["is-pos"]
    assert got["anchor"].endswith("(centre)") and got["read"] == [0, -5, 2, 0]
    page_problems.assert_none()


def test_the_live_query_reports_only_the_latest_answer(page: Page, page_problems) -> None:
    got = run(page, """
        const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
        const results = [], aborted = [];
        const send = async (body, signal) => {
            signal.addEventListener("abort", () => aborted.push(body));
            await sleep(body === 1 ? 200 : 20);  // the first answer comes back last
            return body * 10;
        };
        const lazy = new q.LiveQuery(send, {delay: 0, onResult: (r) => results.push(r)});
        lazy.now(1); await sleep(5); lazy.now(2); await sleep(300);
        const eager = new q.LiveQuery(send, {delay: 0, abortStale: true, onResult: (r) => results.push(r)});
        eager.now(1); await sleep(5); eager.now(3); await sleep(300);
        const calls = []; const debounced = new q.LiveQuery(async (b) => { calls.push(b); return b; }, {delay: 80});
        for (const b of [4, 5, 6]) { debounced.schedule(b); await sleep(10); }
        await sleep(200);
        return {results, aborted, calls, busy: lazy.busy || eager.busy || debounced.busy};
    """)
    assert got["results"] == [20, 30]  # 10 arrived after 20 and was dropped, both times
    assert got["aborted"] == [1] and got["calls"] == [6] and got["busy"] is False
    page_problems.assert_none()


def test_the_client_words_errors_and_waits_out_a_busy_server(page: Page, page_problems) -> None:
    busy = {"left": 1}

    def once_busy(route):  # noqa: ANN001
        if busy["left"]:
            busy["left"] -= 1
            route.fulfill(status=503, headers={"Retry-After": "0", "Content-Type": "application/json"},
                          body=json.dumps({"detail": "busy"}))
        else:
            route.continue_()

    page.route("**/api/lessons/conv-cost", once_busy)
    got = run(page, """
        const ok = await a.postJson("/api/lessons/conv-cost", {dk: 3});
        let error = null;
        try { await a.postJson("/api/lessons/conv-cost", {dk: 0}); } catch (e) { error = e; }
        return {depthwise: ok.depthwise, status: error.status, message: error.message, fields: error.fields,
                name: error.name};
    """)
    assert got["depthwise"] == 3 * 3 * 32 * 112 * 112  # answered after one 503 with Retry-After
    assert got["status"] == 422 and got["name"] == "ApiError" and got["fields"] == ["dk"]
    assert got["message"].startswith("D_K (the kernel size) must be at least 1")
    assert busy["left"] == 0


def test_the_heat_map_and_the_limits(page: Page, page_problems) -> None:
    got = run(page, """
        const c = document.createElement("canvas");
        const size = h.drawHeatmap(c, [[-1, 0], [0.5, 1]], {scale: 3});
        const px = (x, y) => [...c.getContext("2d").getImageData(x, y, 1, 1).data.slice(0, 3)];
        return {size, neg: px(0, 0), zero: px(4, 0), pos: px(4, 4), heat: h.heatColor(0),
                limits: l.pageLimits(), max: h.maxAbs([[0, -3], [2]])};
    """)
    assert got["size"] == {"width": 6, "height": 6}
    assert got["neg"][0] > got["neg"][2] and got["pos"][2] > got["pos"][0]  # red below zero, blue above
    assert got["zero"] == [250, 250, 252] and got["heat"] == [255, 255, 255] and got["max"] == 3
    assert got["limits"]["max_kernel_size"] == 15 and got["limits"]["max_upload_bytes"] == 20_000_000
    page_problems.assert_none()


def test_unit_picking_keys_windows_and_where_probe_units_are_drawn(page: Page, page_problems) -> None:
    page.goto("/")
    got = page.evaluate("""async () => {
        const u = await import("/static/js/shared/unit-grid.js");
        const sm = await import("/static/js/training/small-multiples.js");
        const maps = [6, 10, 10], strip = [84];
        const keys = [
            u.keyedUnit("ArrowRight", [2, 3, 9], [2, 0, 0], maps),   // stays inside the map
            u.keyedUnit("ArrowDown", [2, 3, 4], [2, 0, 0], maps),
            u.keyedUnit("ArrowUp", null, [2, 0, 0], maps),           // nothing picked: the start
            u.keyedUnit("Home", [2, 3, 4], [2, 0, 0], maps),
            u.keyedUnit("Enter", [2, 3, 4], [2, 0, 0], maps),
            u.keyedUnit("a", [2, 3, 4], [2, 0, 0], maps),
            u.keyedUnit("ArrowDown", [50], [0], strip, 60),          // the short last row: its last cell
            u.keyedUnit("ArrowLeft", [60], [0], strip, 60),
        ];
        const windows = [u.windowInMap({origin: [-2, -2], size: [5, 5]}, 28, 28),
                         u.windowInMap({origin: [8, 6], size: [5, 5]}, 10, 10),
                         u.windowInMap({origin: [10, 0], size: [2, 2]}, 10, 10)];
        const canvas = document.createElement("canvas");
        const layer = {shape: [16, 10, 10], min: 0, max: 1, bytes: new Uint8Array(1600)};
        const tiles = sm.drawMaps(canvas, layer, {target: 40, maxCols: 8});
        const rect = sm.tileRect(tiles, 9, 3, 6);
        const back = sm.tileCellAt(tiles, rect.left + rect.width / 2, rect.top + rect.height / 2);
        const frame = sm.tileCellAt(tiles, 0, 0);
        const strips = sm.drawStrip(canvas, {shape: [120], min: 0, max: 1, bytes: new Uint8Array(120)}, {width: 300});
        const cell = sm.stripRect(strips, 77);
        const marks = u.marksOf({kind: "Linear", unit: [3], input_layer: "relu3", window_origin: null,
                                 inputs: [{index: 5, product: 0.5}, {index: 9, product: -0.1}]});
        return {keys, windows, back, frame, strip: sm.stripIndexAt(strips, cell.left + 1, cell.top + 1),
                past: sm.stripIndexAt(strips, 9999, 0), marks};
    }""")
    assert got["keys"] == [[2, 3, 9], [2, 4, 4], [2, 0, 0], [2, 0, 0], [2, 3, 4], None, [83], [60]]
    assert got["windows"] == [{"top": 0, "left": 0, "rows": 3, "cols": 3},
                              {"top": 8, "left": 6, "rows": 2, "cols": 4}, None]
    assert got["back"] == [9, 3, 6] and got["frame"] is None
    assert got["strip"] == 77 and got["past"] is None
    assert got["marks"] == {"window": None, "inputs": {"layer": "relu3", "indices": [5, 9], "signs": [1, -1]}}
    page_problems.assert_none()
