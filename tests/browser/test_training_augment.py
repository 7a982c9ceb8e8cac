"""Augmentation on /training, in a real browser: the fieldset's preview shows the first training
digits beside their distortions, a range it cannot take is said next to its field, and a run
started with distortions trains with them (its config is the form's)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
ROOT = "[data-training-page]"


def test_preview_errors_and_a_run_with_distortions(page: Page, page_problems) -> None:
    page.goto("/training")
    root = page.locator(ROOT)
    expect(root).to_have_attribute("data-ready", "true")
    form = page.locator("[data-run-form]")
    fieldset = page.locator("[data-augment]")

    form.get_by_label("Shift").fill("9")
    fieldset.get_by_role("button", name="Preview").click()
    expect(page.locator('[data-augment-error]')).to_contain_text("the shift (pixels) must be at most 6")
    page_problems.items.clear()  # that 422 was the point

    form.get_by_label("Shift").fill("2")
    form.get_by_label("Rotation").fill("15")
    form.get_by_label("Elastic strength").fill("30")
    fieldset.get_by_role("button", name="Preview").click()
    grid = page.locator("[data-augment-grid]")
    expect(grid).to_have_attribute("data-shown", re.compile(r'"rotate":15'))
    expect(grid.locator(".tr-augment-row")).to_have_count(4)
    expect(grid.locator(".tr-augment-row").first.locator("canvas")).to_have_count(7)  # the digit and 6 distortions
    assert page.locator("[data-augment-error]").is_hidden()

    form.get_by_role("group", name="Quick training-set sizes").get_by_role("button", name="2,000").click()
    form.get_by_label("Epochs").fill("1")
    form.get_by_role("button", name="Start training").click()
    expect(root).to_have_attribute("data-run-id", re.compile(r"^[0-9a-f]{12}$"), timeout=20_000)
    run = page.request.get(f"/api/runs/{root.get_attribute('data-run-id')}").json()
    assert run["config"]["augment"] == {"shift": 2.0, "rotate": 15.0, "scale": 0.0, "shear": 0.0,
                                        "elastic_alpha": 30.0, "elastic_sigma": 4.0}

    # A range the run cannot take is said next to its field.
    page.request.post(f"/api/runs/{run['id']}/stop")
    form.get_by_label("Shear").fill("45")
    form.get_by_role("button", name="Start training").click()
    expect(form.locator('[data-error-for="augment.shear"]')).to_contain_text("at most 30")
    page_problems.items.clear()
