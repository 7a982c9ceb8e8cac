"""A confusion-matrix count opens its test images, paged, and the mistakes page on: the same
images, in the same order, as the run's stored step holds (GET .../cell and .../mistakes)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_training import PHONE, ROOT, enforce_csp

pytestmark = pytest.mark.browser

TIMEOUT = 30_000


def _indices(locator) -> list[int]:
    return [int(i) for i in locator.evaluate_all("items => items.map(li => li.dataset.index)")]


def test_a_count_opens_its_images_page_by_page_and_the_mistakes_page_on(page: Page, page_problems) -> None:
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

    page.set_viewport_size(PHONE)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE["width"], f"the page is {wide} px wide on a {PHONE['width']} px phone"
    page_problems.assert_none()
