"""The training page's chart extras in a real browser: the loss chart's log/linear switch, the
learning rate each batch trained with, and each class's accuracy beside the confusion matrix.

The pure parts (the series, the sentences, the per-class maths, a chart's scale) are imported
into the page and tested directly; then a short run checks the page against the WebSocket's
messages and the API's confusion matrix.
"""

from __future__ import annotations

import json
import math
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_training import ROOT, confusion_counts, enforce_csp, shown, start_from_form

pytestmark = pytest.mark.browser

MINUS = "\u2212"


def significant(value: float, digits: int = 3) -> str:
    """shared/numbers.js formatSignificant: ``digits`` significant figures, e-notation below 1e-3
    and from 1e5, a typographic minus."""
    if value == 0:
        return "0"

    def js(number: float) -> str:  # String(Number(...)): no trailing ".0"
        text = repr(float(number))
        return text[:-2] if text.endswith(".0") else text

    if 1e-3 <= abs(value) < 1e5:
        text = js(float(f"{value:.{digits}g}"))
    else:
        mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
        text = f"{js(float(mantissa))}e{int(exponent)}"
    return text.replace("-", MINUS)


def lr_sentence(points: list[tuple[float, float]]) -> str:
    """run-series.js lrSummary(lrStats(...)) for (x, lr) points in x order."""
    first, current = points[0], points[-1]
    peak = next(p for p in points if p[1] == max(lr for _, lr in points))
    low = min(lr for _, lr in points)

    def at(p: tuple[float, float]) -> str:
        return f"epoch {shown(p[0], 2)}"

    if peak[1] == low:
        return f"Constant at {significant(current[1])} from {at(first)} to {at(current)}."
    if current[1] == peak[1]:
        return (f"At its highest so far: {significant(current[1])} at {at(current)}, up from "
                f"{significant(first[1])} at {at(first)}.")
    ratio = current[1] / peak[1]
    share = (f"{shown(100 * ratio, 1)}% of the peak" if ratio >= 0.01
             else f"{math.floor(peak[1] / current[1] + 0.5):,} times below the peak")
    return f"Peak {significant(peak[1])} at {at(peak)}; now {significant(current[1])} at {at(current)}, {share}."


def class_sentence(matrix: list[list[int]]) -> str:
    """evaluation-views.js classAccuracySummary for an MNIST matrix."""
    acc = {i: row[i] / sum(row) for i, row in enumerate(matrix) if sum(row)}
    low, high = min(acc.values()), max(acc.values())
    strongest = next(i for i, a in acc.items() if a == high)
    if low == high:
        return f"Every class: {shown(100 * low)}% right."
    tied = [str(i) for i, a in acc.items() if a == low]
    if len(tied) > 1:
        names = ", ".join(tied[:-1]) + " and " + tied[-1]
        weakest = f"{names}, each {shown(100 * low)}% right"
    else:
        row = matrix[int(tied[0])]
        weakest = f"{tied[0]}, {shown(100 * low)}% right ({row[int(tied[0])]:,} of {sum(row):,})"
    return f"Weakest: {weakest}; strongest: {strongest}, {shown(100 * high)}%."


def test_pure_parts_of_the_charts_and_the_class_accuracies(page: Page, page_problems) -> None:  # noqa: ANN001
    page.goto("/training")
    expect(page.locator(ROOT)).to_have_attribute("data-ready", "true")
    r = page.evaluate("""async () => {
        const [s, cm, ev, ch] = await Promise.all(['training/run-series', 'training/confusion-math',
            'training/evaluation-views', 'shared/charts'].map((name) => import(`/static/js/${name}.js`)));
        const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));

        // The learning rates: each batch's, a replay dropping the ones it redoes, the epoch's where a batch has none.
        const series = new s.RunSeries();
        const batch = (b, lr) => ({ epoch: 1, batch: b, batches: 4, loss: 1, accuracy: 0.5, lr });
        for (const b of [1, 2, 3, 4]) series.addBatch(batch(b, 0.01 * b));
        series.addBatch(batch(3, 0.5));
        series.addBatch(batch(4, undefined));
        series.addEpoch({ epoch: 1, lr: 0.02, train_loss: 1, test_loss: 1, train_accuracy: 0.5, test_accuracy: 0.5 });
        const lr = series.chartData('lr');
        const says = (xs, rates) => s.lrSummary(s.lrStats([xs, rates, rates.map(() => null)]));

        // The per-class accuracies, as numbers and as the view draws them.
        const figure = document.createElement('figure');
        figure.innerHTML = '<figcaption><span data-confusion-summary></span></figcaption><div data-confusion></div>'
            + '<div data-class-accuracy></div><p data-confusion-empty>none yet</p>';
        document.body.append(figure);
        const view = new ev.ConfusionView(figure);
        view.show([[9, 1], [3, 7]], { epoch: 1, dataset: 'fashion-mnist' });
        const rows = [...figure.querySelectorAll('.tr-class-table tbody tr')].map((tr) => ({
            ...tr.dataset, name: tr.querySelector('th').textContent, weakest: tr.classList.contains('is-weakest'),
            cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
            bar: tr.querySelector('.tr-class-fill').style.width }));
        const drawn = { rows, summary: figure.querySelector('[data-class-summary]').textContent,
                        caption: figure.querySelector('.tr-class-table caption').textContent };
        view.clear();
        drawn.cleared = figure.querySelector('[data-class-accuracy]').children.length;
        const summary = (m, d = 'mnist') => ev.classAccuracySummary(cm.classAccuracies(m), d);

        // A chart's y scale: where 10 sits between 1 and 100 says whether it is log or linear.
        const box = document.createElement('figure');
        box.innerHTML = '<div data-chart-plot></div><p data-chart-empty>empty</p>';
        document.body.append(box);
        const chart = new ch.LineChart(box, { series: [{ label: 'y', stroke: '#000' }], xLabel: 'x', yLabel: 'y',
                                              format: ch.plain, log: true });
        chart.setData([[1, 2, 3], [1, 10, 100]]);
        await frame();
        const place = () => {
            const y = (v) => chart.plot.valToPos(v, 'y');
            return { scale: box.dataset.scale, ten: (y(10) - y(1)) / (y(100) - y(1)), half: (y(50.5) - y(1)) / (y(100) - y(1)),
                     points: box.dataset.points, plots: box.querySelectorAll('.uplot').length };
        };
        const scales = [place()];
        chart.setLog(false);
        await frame();
        scales.push(place());
        chart.setLog(true);
        await frame();
        scales.push(place());
        chart.destroy();
        return {
            lr, stats: s.lrStats(lr), sentence: s.lrSummary(s.lrStats(lr)),
            sentences: [says([0.5, 1], [0.01, 0.01]), says([0.1, 0.2], [0.002, 0.05]), says([1, 2], [0.05, 2e-7]),
                        s.lrSummary(s.lrStats([[], [], []])), s.lrSummary(s.lrStats([[1, 2], [null, null], [0.04, 0.001]]))],
            accuracies: cm.classAccuracies([[5, 1, 0], [0, 4, 3], [0, 0, 0]]),
            extremes: [cm.accuracyExtremes(cm.classAccuracies([[5, 1, 0], [0, 4, 3], [0, 0, 0]])),
                       cm.accuracyExtremes(cm.classAccuracies([[0]]))],
            summaries: [summary([[5, 1, 0], [0, 4, 3], [0, 0, 0]]), summary([[9, 1], [3, 7]], 'fashion-mnist'),
                        summary([[1, 1, 0], [0, 1, 1], [0, 0, 4]]), summary([[3, 0], [0, 2]]), summary([[0]])],
            drawn, scales,
        };
    }""")
    assert r["lr"] == [[0.25, 0.5, 0.75, 1], [0.01, 0.02, 0.5, None], [None, None, None, 0.02]]
    assert r["stats"] == {"first": {"x": 0.25, "lr": 0.01}, "peak": {"x": 0.75, "lr": 0.5},
                          "low": {"x": 0.25, "lr": 0.01}, "current": {"x": 1, "lr": 0.02}, "batches": 3}
    assert r["sentence"] == "Peak 0.5 at epoch 0.75; now 0.02 at epoch 1, 4% of the peak."
    assert r["sentences"] == [
        "Constant at 0.01 from epoch 0.5 to epoch 1.",
        "At its highest so far: 0.05 at epoch 0.2, up from 0.002 at epoch 0.1.",
        f"Peak 0.05 at epoch 1; now 2e{MINUS}7 at epoch 2, 250,000 times below the peak.",
        "",
        "At the epochs\u2019 ends only: peak 0.04 at epoch 1; now 0.001 at epoch 2, 2.5% of the peak.",
    ]
    assert r["accuracies"] == [{"correct": 5, "total": 6, "accuracy": pytest.approx(5 / 6)},
                               {"correct": 4, "total": 7, "accuracy": pytest.approx(4 / 7)},
                               {"correct": 0, "total": 0, "accuracy": None}]
    assert r["extremes"] == [{"weakest": 1, "strongest": 0}, None]
    assert r["summaries"] == [
        "Weakest: 1, 57.14% right (4 of 7); strongest: 0, 83.33%.",
        "Weakest: Trouser, 70% right (7 of 10); strongest: T-shirt/top, 90%.",
        "Weakest: 0 and 1, each 50% right; strongest: 2, 100%.",
        "Every class: 100% right.",
        "",
    ]
    drawn = r["drawn"]
    assert [(row["class"], row["correct"], row["total"], row["name"], row["weakest"]) for row in drawn["rows"]] == [
        ("0", "9", "10", "0 T-shirt/top", False), ("1", "7", "10", "1 Trouser", True)]
    assert [row["cells"] for row in drawn["rows"]] == [["90%", "9/10"], ["70%", "7/10"]]
    assert [row["bar"] for row in drawn["rows"]] == ["90%", "70%"]
    assert drawn["summary"] == r["summaries"][1] and drawn["caption"] == "Right, per class"
    assert drawn["cleared"] == 0
    log, linear, back = r["scales"]
    assert log["scale"] == "log" and log["ten"] == pytest.approx(0.5) and log["half"] == pytest.approx(math.log10(50.5) / 2)
    assert linear["scale"] == "linear" and linear["ten"] == pytest.approx(9 / 99) and linear["half"] == pytest.approx(0.5)
    assert back["scale"] == "log" and back["ten"] == pytest.approx(0.5)
    assert log["points"] == linear["points"] == back["points"] == "3"
    assert log["plots"] == linear["plots"] == back["plots"] == 1  # the old plot is gone, not stacked
    page_problems.assert_none()


def test_a_run_draws_its_learning_rate_its_loss_either_way_and_each_class(page: Page, page_problems) -> None:  # noqa: ANN001
    batches: list[dict] = []

    def listen(ws) -> None:  # noqa: ANN001
        def frame(payload: str | bytes) -> None:
            message = json.loads(payload)
            if message.get("type") == "batch":
                batches.append(message)
        ws.on("framereceived", frame)

    page.on("websocket", listen)
    enforce_csp(page)
    page.goto("/training")
    root = page.locator(ROOT)
    expect(root).to_have_attribute("data-ready", "true")
    loss = page.locator('[data-chart="loss"]')
    toggle = page.get_by_role("checkbox", name="Log scale")
    expect(toggle).to_be_checked()
    expect(loss).to_have_attribute("data-scale", "log")

    # Switched to linear while the run trains: the chart made again keeps drawing what arrives.
    run_id = start_from_form(page, 3)
    page.wait_for_function("sel => Number(document.querySelector(sel).dataset.batchPoints) >= 2", arg=ROOT)
    toggle.uncheck()
    expect(loss).to_have_attribute("data-scale", "linear")
    expect(root).to_have_attribute("data-status", "completed", timeout=60_000)
    run = page.request.get(f"/api/runs/{run_id}").json()
    assert run["epochs_done"] == 3
    expect(loss).to_have_attribute("data-points", str(sum(1 for _ in {round(b["epoch"] - 1 + b["batch"] / b["batches"], 6)
                                                                      for b in batches})))
    page.wait_for_timeout(200)  # a frame for the last draw
    plot = loss.locator("canvas").first
    linear = plot.evaluate("c => c.toDataURL()")
    toggle.check()
    expect(loss).to_have_attribute("data-scale", "log")
    log = plot.evaluate("c => c.toDataURL()")
    assert log != linear, "the loss curve looks the same on both scales"
    toggle.uncheck()
    expect(loss).to_have_attribute("data-scale", "linear")
    assert plot.evaluate("c => c.toDataURL()") == linear, "the linear chart drawn again differs from the first"
    expect(loss.locator(".uplot")).to_have_count(1)

    # The learning rate: one point per batch received (the last batch of each epoch is always sent),
    # the last one the last batch's, and the sentence from the same numbers.
    assert batches and batches[-1]["batch"] == batches[-1]["batches"] and batches[-1]["epoch"] == 3
    lr_chart = page.locator('[data-chart="lr"]')
    points = sorted({round(b["epoch"] - 1 + b["batch"] / b["batches"], 6): b["lr"] for b in batches}.items())
    expect(lr_chart).to_have_attribute("data-points", str(len(points)))
    assert float(lr_chart.get_attribute("data-current")) == batches[-1]["lr"]
    expect(lr_chart.locator("canvas").first).to_be_visible()
    expect(page.locator("[data-lr-summary]")).to_have_text(lr_sentence(points))
    assert max(lr for _, lr in points) <= run["config"]["lr"]  # one-cycle never goes past its peak

    # Each class's accuracy: row i of the API's last confusion matrix, right on the diagonal.
    matrix = run["history"][-1]["confusion"]
    expect(page.locator("[data-confusion-view]")).to_have_attribute("data-epoch", "3")
    assert confusion_counts(page) == matrix
    rows = page.locator(".tr-class-table tbody tr")
    expect(rows).to_have_count(10)
    drawn = rows.evaluate_all("""rows => rows.map((tr) => ({
        ...tr.dataset, name: tr.querySelector('th').textContent, weakest: tr.classList.contains('is-weakest'),
        percent: tr.querySelector('.tr-class-percent').textContent, counts: tr.querySelector('.tr-class-counts').textContent }))""")
    accuracies = [row[i] / sum(row) for i, row in enumerate(matrix)]
    weakest = accuracies.index(min(accuracies))
    for i, (row, got) in enumerate(zip(matrix, drawn)):
        assert (got["class"], got["name"]) == (str(i), str(i))
        assert (int(got["correct"]), int(got["total"])) == (row[i], sum(row))
        assert got["counts"] == f"{row[i]:,}/{sum(row):,}"
        assert got["percent"] == f"{shown(100 * row[i] / sum(row))}%"
        assert got["weakest"] == (i == weakest)
    expect(page.locator("[data-class-summary]")).to_have_text(class_sentence(matrix))
    assert re.match(r"^(Weakest|Every class)", page.locator("[data-class-summary]").text_content())

    # Reopened: the same last rate (the epoch's end is its last batch's), the loss still on the scale chosen.
    page.reload()
    expect(root).to_have_attribute("data-status", "completed")
    expect(page.locator(".tr-class-table tbody tr")).to_have_count(10)
    last_lr = run["history"][-1]["lr"]
    assert last_lr == batches[-1]["lr"]
    expect(lr_chart).to_have_attribute("data-current", re.compile(r"."))
    assert float(lr_chart.get_attribute("data-current")) == last_lr
    expect(page.locator("[data-lr-summary]")).to_contain_text(f"now {significant(last_lr)} at epoch 3")
    expect(loss).to_have_attribute("data-scale", "log" if toggle.is_checked() else "linear")
    page_problems.assert_none()
