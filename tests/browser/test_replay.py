"""Watching at a human pace and replaying in a real browser: slow motion, one batch at a time,
and scrubbing a finished run back to its first stored step after a reload."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_training import ROOT, counter, enforce_csp, wait_counter
from tests.distributed.modes import live_server_in_both_modes  # noqa: F401 - the live_server here

pytestmark = pytest.mark.browser

TIMEOUT = 30_000


def _start(page: Page, config: dict) -> str:
    answer = page.request.post("/api/runs", data=json.dumps(config), headers={"content-type": "application/json"})
    assert answer.status == 201, answer.text()
    return answer.json()["id"]


@contextmanager
def _training(page: Page, config: dict) -> Iterator[str]:
    """A run that is stopped at the end whatever happens: the live server trains one run at a
    time, so a slow one left behind would hold up every later test's."""
    run_id = _start(page, config)
    try:
        yield run_id
    finally:
        page.request.post(f"/api/runs/{run_id}/stop")


def _status(page: Page, status: str) -> None:
    expect(page.locator(ROOT)).to_have_attribute("data-status", status, timeout=TIMEOUT)


def test_slow_motion_then_single_steps_redraw_the_kernels_after_every_batch(page: Page, page_problems) -> None:
    enforce_csp(page)
    with _training(page, {"train_size": 60_000, "epochs": 2}) as run_id:
        page.goto(f"/training?run={run_id}")
        _status(page, "running")
        pace = page.locator("[data-pace-control]")
        pace.locator("[data-pace-rate]").fill("3")
        pace.locator('[data-pace-mode][value="slow"]').check()
        expect(pace.locator("[data-pace-note]")).to_contain_text("Slow motion: 3 batches a second, so an epoch of 938 batches takes 5 min 13 s", timeout=TIMEOUT)
        page.wait_for_function("(id) => fetch(`/api/runs/${id}`).then(r => r.json()).then(b => b.pace?.mode === 'slow')",
                               arg=run_id, timeout=TIMEOUT)
        assert page.request.get(f"/api/runs/{run_id}").json()["pace"] == {"mode": "slow", "batches_per_second": 3.0}
        time.sleep(0.6)  # the batch under way when the pace changed has landed
        before = (counter(page, "weights-version"), counter(page, "activations-version"), _rows(page, run_id))
        time.sleep(2.0)
        after = (counter(page, "weights-version"), counter(page, "activations-version"), _rows(page, run_id))
        trained = after[2] - before[2]
        assert 2 <= trained <= 9  # about 3 a second for 2 s, never full speed's hundreds
        assert after[0] - before[0] >= trained - 1 and after[1] - before[1] >= trained - 1  # redrawn every batch

        pace.locator('[data-pace-mode][value="step"]').check()
        _status(page, "paused")
        step = pace.locator('[data-action="step"]')
        expect(step).to_be_enabled(timeout=TIMEOUT)
        start = _rows(page, run_id)
        for n in range(1, 4):
            version = counter(page, "weights-version")
            step.click()
            wait_counter(page, "weights-version", version + 1)
            expect(pace.locator("[data-pace-note]")).to_contain_text(f"step {start + n} is on screen", timeout=TIMEOUT)
            expect(page.locator(ROOT)).to_have_attribute("data-status", "paused")
        assert _rows(page, run_id) == start + 3
        pace.locator('[data-pace-mode][value="full"]').check()
        _status(page, "running")
        page.request.post(f"/api/runs/{run_id}/stop")
        _status(page, "stopped")
        expect(pace.locator('[data-pace-mode][value="slow"]')).to_be_disabled()
        page_problems.assert_none()


def _rows(page: Page, run_id: str) -> int:
    return page.request.get(f"/api/runs/{run_id}/history?limit=1").json()["total"]


def test_a_finished_run_replays_from_its_first_stored_step_after_a_reload(page: Page, page_problems) -> None:
    enforce_csp(page)
    run_id = _start(page, {"train_size": 2000, "epochs": 2})  # 32 batches an epoch
    page.goto(f"/training?run={run_id}")
    _status(page, "completed")
    page.reload()  # everything from here comes from the run's stored replay
    _status(page, "completed")
    bar = page.locator("[data-replay-bar]")
    stored = page.request.get(f"/api/runs/{run_id}/snapshots").json()["steps"]
    assert [s["step"] for s in stored] == [1, 2, 4, 8, 16, 32, 64]
    expect(bar).to_have_attribute("data-stored", "7", timeout=TIMEOUT)
    wait_counter(page, "batch-points", 64)  # every batch drawn, not only the epochs
    expect(page.locator(ROOT)).to_have_attribute("data-replay-shown", "64", timeout=TIMEOUT)
    end_confusion = _matrix(page)
    assert end_confusion == page.request.get(f"/api/runs/{run_id}/snapshots/64").json()["evaluation"]["confusion"]

    bar.locator("[data-replay-range]").fill("0")  # the first stored step
    expect(page.locator(ROOT)).to_have_attribute("data-replay-shown", "1", timeout=TIMEOUT)
    expect(bar).to_have_attribute("data-step", "1")
    expect(bar.locator("[data-replay-line]")).to_contain_text("Step 1 of 64 (epoch 1, batch 1)")
    expect(bar.locator("[data-replay-line]")).to_contain_text("the first 1,000 test images")
    assert counter(page, "batch-points") == 1  # the curves up to step 1
    first = page.request.get(f"/api/runs/{run_id}/snapshots/1").json()
    assert _matrix(page) == first["evaluation"]["confusion"] != end_confusion

    bar.locator("[data-replay-play]").click()  # play through the stored steps to the end
    expect(bar).to_have_attribute("data-step", "8", timeout=TIMEOUT)
    expect(bar).to_have_attribute("data-live", "true", timeout=TIMEOUT)
    expect(page.locator(ROOT)).to_have_attribute("data-replay-shown", "64", timeout=TIMEOUT)
    assert counter(page, "batch-points") == 64
    page_problems.assert_none()


def _matrix(page: Page) -> list[list[int]]:
    rows = page.locator(".tr-confusion-table tbody tr")
    return rows.evaluate_all("rows => rows.map(r => [...r.querySelectorAll('td')]"
                             ".map(c => Number(c.textContent.replace(/[^0-9]/g, ''))))")


def test_scrubbing_back_while_a_run_trains_then_back_to_live(page: Page, page_problems) -> None:
    with _training(page, {"train_size": 60_000, "epochs": 2}) as run_id:
        page.goto(f"/training?run={run_id}")
        _status(page, "running")
        pace = page.locator("[data-pace-control]")
        pace.locator("[data-pace-rate]").fill("8")
        pace.locator('[data-pace-mode][value="slow"]').check()  # steps 1, 2, 4, 8, 16 stored within seconds
        bar = page.locator("[data-replay-bar]")
        page.wait_for_function("() => Number(document.querySelector('[data-replay-bar]').dataset.stored) >= 3",
                               timeout=TIMEOUT)
        bar.locator("[data-replay-range]").fill("1")  # stored step 2
        expect(page.locator(ROOT)).to_have_attribute("data-replay-shown", "2", timeout=TIMEOUT)
        expect(bar.locator("[data-replay-line]")).to_contain_text("Step 2 of")
        shown = counter(page, "weights-version")
        time.sleep(1.0)  # live batches keep arriving, but the stored step stays on screen
        assert counter(page, "weights-version") == shown and counter(page, "batch-points") == 2
        assert page.locator(ROOT).get_attribute("data-replay-shown") == "2"
        bar.get_by_role("button", name="Back to live").click()
        expect(bar).to_have_attribute("data-live", "true")
        expect(page.locator(ROOT)).to_have_attribute("data-replay-shown", "")
        wait_counter(page, "weights-version", shown + 2)  # live pictures again
        assert counter(page, "batch-points") > 2
        page.request.post(f"/api/runs/{run_id}/stop")
        _status(page, "stopped")
        page_problems.assert_none()


def test_a_training_run_reopened_shows_its_last_epochs_mistakes_at_once(page: Page, page_problems) -> None:
    with _training(page, {"train_size": 2000, "epochs": 8}) as run_id:
        page.goto(f"/training?run={run_id}")
        wait_counter(page, "epoch-points", 1)
        paced = page.request.post(f"/api/runs/{run_id}/pace", data=json.dumps({"batches_per_second": 1}),
                                  headers={"content-type": "application/json"})
        assert paced.ok  # the next epoch now takes half a minute: no new epoch message comes while we look
        # The pace takes hold between two batches (distributed: after up to 50 ms more), so an epoch
        # about to end may still end: read the last epoch once two reads a second apart agree.
        done, before = -1, -2
        while done != before:
            before, done = done, page.request.get(f"/api/runs/{run_id}").json()["epochs_done"]
            page.wait_for_timeout(1000)
        page.reload()
        _status(page, "running")
        missed = page.locator("[data-misclassified-view]")
        expect(missed).to_have_attribute("data-count", "12", timeout=TIMEOUT)
        expect(missed.locator("[data-misclassified-summary]")).to_contain_text(f"after epoch {done}")
        page.request.post(f"/api/runs/{run_id}/stop")
        _status(page, "stopped")
        page_problems.assert_none()
