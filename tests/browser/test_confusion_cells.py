"""A confusion-matrix count opens its test images, paged, and the mistakes page on: the same
images, in the same order, as the run's stored step holds (GET .../cell and .../mistakes)."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_training import PHONE, ROOT, enforce_csp

pytestmark = pytest.mark.browser

TIMEOUT = 30_000


def _indices(locator) -> list[int]:
    return [int(i) for i in locator.evaluate_all("items => items.map(li => li.dataset.index)")]


def test_a_count_opens_its_images_page_by_page_and_the_mistakes_page_on(page: Page, page_problems, tmp_path) -> None:
    enforce_csp(page)
    answer = page.request.post("/api/runs", data=json.dumps({"train_size": 200, "epochs": 1}),
                               headers={"content-type": "application/json"})
    run_id = answer.json()["id"]  # 200 images, one epoch: thousands of mistakes
    page.goto(f"/training?run={run_id}")
    expect(page.locator(ROOT)).to_have_attribute("data-status", "completed", timeout=TIMEOUT)
    step = page.request.get(f"/api/runs/{run_id}").json()["history"][-1]["step"]
    matrix = np.array(page.request.get(f"/api/runs/{run_id}/snapshots/{step}").json()["evaluation"]["confusion"])
    off = matrix - np.diag(np.diag(matrix))
    truth, predicted = (int(v) for v in np.unravel_index(off.argmax(), off.shape))
    assert matrix[truth, predicted] > 24  # more than one page

    page.locator(f'.tr-cell-button[data-true="{truth}"][data-predicted="{predicted}"]').click()
    panel = page.locator("[data-cell-images]")
    expect(panel).to_be_visible()
    expect(panel).to_have_attribute("data-total", str(matrix[truth, predicted]), timeout=TIMEOUT)
    count = int(matrix[truth, predicted])
    expect(panel.locator("[data-cell-heading]")).to_have_text(
        f"{count:,} test images of {truth} taken for {predicted} after epoch 1")
    cell = f"/api/runs/{run_id}/snapshots/{step}/cell?true={truth}&predicted={predicted}"
    first = page.request.get(f"{cell}&offset=0&limit=24").json()
    assert _indices(panel.locator("[data-cell-list] li")) == [i["index"] for i in first["items"]]
    expect(panel.locator(".tr-pager-line")).to_have_text(f"Images 1\u201324 of {count:,}.")
    panel.get_by_role("button", name="Next").click()
    expect(panel.locator(".tr-pager")).to_have_attribute("data-offset", "24", timeout=TIMEOUT)
    second = page.request.get(f"{cell}&offset=24&limit=24").json()
    expect(panel.locator("[data-cell-list] li").first).to_have_attribute("data-index", str(second["items"][0]["index"]))
    assert _indices(panel.locator("[data-cell-list] li")) == [i["index"] for i in second["items"]]

    right = int(np.diag(matrix).argmax())  # a diagonal count: the images classified right
    page.locator(f'.tr-cell-button[data-true="{right}"][data-predicted="{right}"]').click()
    expect(panel.locator("[data-cell-heading]")).to_contain_text(f"of {right} classified right after epoch 1")
    expect(panel).to_have_attribute("data-total", str(matrix[right, right]), timeout=TIMEOUT)
    button = page.locator(f'.tr-cell-button[data-true="{truth}"][data-predicted="{predicted}"]')
    diagonal = page.locator(f'.tr-cell-button[data-true="{right}"][data-predicted="{right}"]')
    expect(diagonal).to_have_attribute("aria-pressed", "true")  # the open count is marked, the other not
    expect(button).to_have_attribute("aria-pressed", "false")
    panel.get_by_role("button", name="Close").click()
    expect(panel).to_be_hidden()
    expect(diagonal).to_be_focused()  # back where the learner was
    expect(diagonal).to_have_attribute("aria-pressed", "false")
    button.focus()  # the keyboard opens a count too
    page.keyboard.press("Enter")
    expect(panel).to_have_attribute("data-true", str(truth))
    expect(panel.locator("[data-cell-list] li").first).to_have_attribute("data-index", str(first["items"][0]["index"]),
                                                                      timeout=TIMEOUT)
    assert page.locator(".tr-confusion-table tbody tr").nth(right).locator("td").nth(right).locator("button").count() == 1
    empty = np.argwhere(matrix == 0)
    if len(empty):  # a zero count is text, not a button
        t, p = (int(v) for v in empty[0])
        assert page.locator(f'.tr-cell-button[data-true="{t}"][data-predicted="{p}"]').count() == 0

    missed = page.locator("[data-misclassified-view]")
    errors = int(off.sum())
    expect(missed.locator("[data-misclassified-summary]")).to_have_text(
        f"The first 12 of {errors:,} mistakes after epoch 1, in test-set order.")
    missed.get_by_role("button", name="Next").click()
    expect(missed.locator("[data-misclassified-summary]")).to_have_text(
        f"Mistakes 13\u201324 of {errors:,} after epoch 1, in test-set order.", timeout=TIMEOUT)
    wanted = page.request.get(f"/api/runs/{run_id}/snapshots/{step}/mistakes?offset=12&limit=12").json()
    assert _indices(missed.locator("[data-misclassified] li")) == [i["index"] for i in wanted["items"]]

    page.set_viewport_size(PHONE)  # the cell's images still open
    expect(panel).to_be_visible()
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE["width"], f"the page is {wide} px wide on a {PHONE['width']} px phone"
    shot = tmp_path / "phone.png"
    page.locator(".tr-eval").screenshot(path=str(shot))
    width, = struct.unpack(">I", shot.read_bytes()[16:20])  # the PNG's IHDR width
    assert width <= PHONE["width"]
    page_problems.assert_none()


def test_without_a_stored_step_the_counts_are_text_and_the_headings_follow_the_numbers(page: Page, page_problems) -> None:
    page.goto("/training")
    expect(page.locator(ROOT)).to_have_attribute("data-ready", "true")
    r = page.evaluate("""async () => {
        const ev = await import('/static/js/training/evaluation-views.js');
        const ci = await import('/static/js/training/cell-images.js');
        const figure = document.querySelector('[data-confusion-view]').cloneNode(true);
        document.body.append(figure);
        const view = new ev.ConfusionView(figure);
        const matrix = [[5, 0, 1], [2, 3, 0], [0, 0, 4]];
        const buttons = () => figure.querySelectorAll('.tr-cell-button').length;
        const note = () => figure.querySelector('[data-cell-note]').textContent;
        view.show(matrix, { epoch: 2, dataset: 'mnist', runId: 'old-run' });
        const old = { buttons: buttons(), note: note(), cells: [...figure.querySelectorAll('.tr-confusion-table tbody td')].map((td) => td.textContent) };
        view.show(matrix, { epoch: null, dataset: 'mnist', runId: 'run', step: 8, testImages: 15 });
        const stored = { buttons: buttons(), note: note(), labels: [...figure.querySelectorAll('.tr-cell-button')].map((b) => b.getAttribute('aria-label')) };
        figure.remove();
        return { old, stored, titles: [
            ci.cellTitle({ truth: 4, predicted: 9, epoch: null, step: 8, dataset: 'mnist', testImages: 1000 }, 37),
            ci.cellTitle({ truth: 4, predicted: 6, epoch: 2, step: 1876, dataset: 'fashion-mnist', testImages: 10000 }, 1),
            ci.cellTitle({ truth: 7, predicted: 7, epoch: 3, step: 90, dataset: 'mnist' }, 1028),
        ] };
    }""")
    assert r["old"]["buttons"] == 0 and r["old"]["cells"] == ["5", "0", "1", "2", "3", "0", "0", "0", "4"]
    assert r["old"]["note"] == "This run kept no stored steps, so its counts cannot be opened."
    assert r["stored"]["buttons"] == 5  # the non-zero counts
    assert r["stored"]["note"] == "Click a count to see its test images."
    assert r["stored"]["labels"][:2] == ["5 0 right: show them", "1 0 taken for 2: show them"]
    assert r["titles"] == ["37 test images of 4 taken for 9 at step 8, among the first 1,000 test images",
                           "1 test image of Coat taken for Shirt after epoch 2",
                           "1,028 test images of 7 classified right after epoch 3"]
    page_problems.assert_none()
