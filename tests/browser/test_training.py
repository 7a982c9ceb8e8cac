"""The live training page in a real browser: start a short run, watch it, pause, resume, stop; the
form's errors; past runs and the LeNet-5 / MLP comparison.

The page is served with a strict Content-Security-Policy (no inline scripts or styles) to show it
needs neither. Runs use 2,000 training images, so an epoch takes well under a second.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'none'")
ROOT = "[data-training-page]"

# The policy goes in as a <meta> at the top of <head>, before any stylesheet or script, and every
# violation is reported as a console error. (Adding a response header through page.route would
# make Chromium treat the page as coming from outside the machine and block its WebSocket to
# 127.0.0.1 under its local-network-access checks.)
ENFORCE_CSP = """
new MutationObserver((records, observer) => {
  if (!document.head) return;
  const meta = document.createElement("meta");
  meta.httpEquiv = "Content-Security-Policy";
  meta.content = %r;
  document.head.prepend(meta);
  observer.disconnect();
}).observe(document, { childList: true, subtree: true });
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
});
""" % CSP


def enforce_csp(page: Page) -> None:
    page.add_init_script(ENFORCE_CSP)


def counter(page: Page, name: str) -> int:
    return int(page.locator(ROOT).get_attribute(f"data-{name}") or 0)


def wait_counter(page: Page, name: str, at_least: int, timeout: float = 20_000) -> None:
    attr = "".join(w if i == 0 else w.title() for i, w in enumerate(name.split("-")))
    page.wait_for_function("([sel, key, n]) => Number(document.querySelector(sel).dataset[key]) >= n",
                           arg=[ROOT, attr, at_least], timeout=timeout)


def wait_finished(page: Page, run_id: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = page.request.get(f"/api/runs/{run_id}").json()
        if run["status"] == "completed":
            return
        assert run["status"] in ("queued", "running"), run
        time.sleep(0.2)
    pytest.fail(f"run {run_id} did not finish in {timeout} s")


def test_page_has_no_inline_scripts_or_styles(page: Page, page_problems) -> None:  # noqa: ANN001
    html = page.request.get("/training").text()
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None, "inline <script>"
    assert "<style" not in html and " style=" not in html, "inline styles"
    assert 'src="/static/js/training/training-page.js"' in html

    # The policy the other tests run under is really enforced: an inline style is refused.
    enforce_csp(page)
    page.goto("/training")
    expect(page.locator(ROOT)).to_have_attribute("data-ready", "true")
    assert page.locator("head meta[http-equiv]").first.get_attribute("content") == CSP
    page.evaluate("""() => {
      const style = document.createElement("style");
      style.textContent = "body { display: none }";
      document.head.append(style);
    }""")
    expect(page.locator("body")).to_be_visible()
    for _ in range(50):
        if any("CSP violation: style-src" in p for p in page_problems.items):
            break
        page.wait_for_timeout(100)
    assert any("CSP violation: style-src" in p for p in page_problems.items), page_problems.items


def test_start_watch_pause_resume_stop(page: Page, page_problems, tmp_path: Path) -> None:  # noqa: ANN001
    enforce_csp(page)
    page.goto("/training")
    root = page.locator(ROOT)
    expect(root).to_have_attribute("data-ready", "true")
    expect(page).to_have_title(re.compile(r"^Live training"))

    # The quick demo size; many epochs so the run is still going while we look, then we stop it.
    form = page.locator("[data-run-form]")
    form.get_by_role("group", name="Quick training-set sizes").get_by_role("button", name="2,000").click()
    expect(form.get_by_label("Training images")).to_have_value("2000")
    form.get_by_label("Epochs").fill("50")
    form.get_by_role("button", name="Start training").click()
    expect(root).to_have_attribute("data-status", re.compile("queued|running"))
    expect(root).to_have_attribute("data-status", "running", timeout=20_000)
    run_id = root.get_attribute("data-run-id")
    assert run_id and re.fullmatch(r"[0-9a-f]{12}", run_id)
    expect(page).to_have_url(re.compile(rf"\?run={run_id}$"))
    status = page.locator("[data-run-status]")
    expect(status.locator("[data-status-pill]")).to_have_text("running")

    # The loss chart grows, and conv1's kernels change between two moments.
    wait_counter(page, "batch-points", 3)
    conv1 = page.locator('canvas[data-kernels="conv1"]')
    expect(conv1).to_be_visible()
    expect(page.locator('canvas[data-kernels="conv2"]')).to_be_visible()
    points_before = counter(page, "batch-points")
    version_before = counter(page, "weights-version")
    pixels_before = conv1.evaluate("c => c.toDataURL()")
    wait_counter(page, "weights-version", version_before + 2)
    wait_counter(page, "batch-points", points_before + 3)
    assert conv1.evaluate("c => c.toDataURL()") != pixels_before, "conv1's kernels did not change"
    loss_points = int(page.locator('[data-chart="loss"]').get_attribute("data-points") or 0)
    assert loss_points >= points_before + 3
    expect(page.locator('[data-chart="loss"] canvas').first).to_be_visible()

    # Live numbers: progress, speed, time left.
    expect(status.locator("[data-progress-text]")).to_have_text(re.compile(r"^Epoch \d+ of 50, batch \d+ of 32"))
    expect(status.locator('[data-stat="speed"]')).to_have_text(re.compile(r"^\d[\d,]*$"))
    expect(status.locator('[data-stat="eta"]')).to_have_text(re.compile(r"\d+ (s|min)"))

    # After an epoch: the epoch curves, the confusion matrix over the 10,000 test images, the mistakes.
    wait_counter(page, "epoch-points", 1)
    table = page.locator(".tr-confusion-table")
    expect(table.locator("tbody tr")).to_have_count(10)
    counts = table.locator("tbody td").evaluate_all("cells => cells.map(c => Number(c.textContent))")
    assert len(counts) == 100 and sum(counts) == 10_000
    missed = page.locator("[data-misclassified] figcaption")
    expect(missed.first).to_have_text(re.compile(r"^\d \u2192 \d$"))
    expect(page.locator("[data-probe-view] canvas[data-layer]").first).to_be_visible()
    expect(page.locator('[data-probe-view] canvas[data-layer="pool2"]')).to_be_visible()
    expect(page.locator("[data-probe-caption]")).to_have_text(re.compile(r"^a 7"))  # MNIST's first test image
    wait_counter(page, "activations-version", 2)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(tmp_path / "training-desktop.png"))

    # Pause: nothing more arrives; Resume is the way on.
    status.get_by_role("button", name="Pause").click()
    expect(root).to_have_attribute("data-status", "paused")
    expect(status.get_by_role("button", name="Resume")).to_be_enabled()
    expect(status.get_by_role("button", name="Pause")).to_be_disabled()
    expect(status.locator("[data-progress-text]")).to_have_text(re.compile(r"^Paused in epoch \d+"))

    page.set_viewport_size(PHONE)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than a {PHONE['width']}px phone screen"
    page.screenshot(path=str(tmp_path / "training-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)

    points_paused = counter(page, "batch-points")
    status.get_by_role("button", name="Resume").click()
    expect(root).to_have_attribute("data-status", "running")
    wait_counter(page, "batch-points", points_paused + 2)

    status.get_by_role("button", name="Stop").click()
    expect(root).to_have_attribute("data-status", "stopped", timeout=15_000)
    expect(status.locator("[data-status-pill]")).to_have_text("stopped")
    expect(status.get_by_role("button", name="Resume")).to_be_enabled()
    expect(status.get_by_role("button", name="Stop")).to_be_disabled()
    expect(status.get_by_role("link", name="Download weights")).to_have_attribute("href", f"/api/runs/{run_id}/weights")
    expect(page.locator(f'.tr-run[data-run-id="{run_id}"] .tr-pill')).to_have_text("stopped")
    assert page.request.get(f"/api/runs/{run_id}").json()["status"] == "stopped"
    page_problems.assert_none()


def test_form_shows_each_error_next_to_its_field(page: Page, page_problems) -> None:  # noqa: ANN001
    page.goto("/training")
    expect(page.locator(ROOT)).to_have_attribute("data-ready", "true")
    runs_before = len(page.request.get("/api/runs").json())
    form = page.locator("[data-run-form]")

    form.get_by_label("Learning rate").fill("5")
    form.get_by_label("Batch size").fill("2")
    form.get_by_role("button", name="Start training").click()
    lr_error = form.locator('[data-error-for="lr"]')
    expect(lr_error).to_have_text(re.compile(r"less than or equal to 1"))
    expect(form.locator('[data-error-for="batch_size"]')).to_have_text(re.compile(r"greater than or equal to 8"))
    expect(form.get_by_label("Learning rate")).to_have_attribute("aria-invalid", "true")
    # The 422 is the answer this step expects; nothing else may go wrong.
    expected = [p for p in page_problems.items if "422" in p]
    assert expected and len(expected) == len(page_problems.items), page_problems.items
    page_problems.items.clear()

    # Typing clears a field's error; a preset restores every default.
    form.get_by_label("Learning rate").fill("0.1")
    expect(lr_error).to_be_hidden()
    form.get_by_role("button", name="The tutorial\u2019s").click()
    expect(form.get_by_role("button", name="The tutorial\u2019s")).to_have_attribute("aria-pressed", "true")
    expect(form.get_by_label("Learning rate")).to_have_value("0.01")
    expect(form.get_by_label("Optimizer")).to_have_value("sgd")
    expect(form.get_by_label("Learning-rate schedule")).to_have_value("constant")
    expect(form.get_by_label("Momentum")).to_be_disabled()  # plain SGD has none
    expect(form.get_by_label("Batch size")).to_have_value("64")
    form.get_by_role("button", name="Fast").click()
    expect(form.get_by_label("Learning rate")).to_have_value("0.05")
    expect(form.get_by_label("Optimizer")).to_have_value("momentum")
    expect(form.get_by_label("Learning-rate schedule")).to_have_value("onecycle")
    expect(form.get_by_label("Epochs")).to_have_value("8")

    # Caught before sending: Nesterov without momentum, and a seed that is not a whole number.
    form.get_by_label("Optimizer").select_option("nesterov")
    form.get_by_label("Momentum").fill("0")
    form.get_by_label("Seed").fill("2.5")
    form.get_by_role("button", name="Start training").click()
    expect(form.locator('[data-error-for="momentum"]')).to_have_text(re.compile("Nesterov"))
    expect(form.locator('[data-error-for="seed"]')).to_have_text("Enter a whole number.")
    assert len(page.request.get("/api/runs").json()) == runs_before, "no run may have been created"
    page_problems.assert_none()


def test_past_runs_and_lenet5_against_the_mlp(page: Page, page_problems) -> None:  # noqa: ANN001
    ids = {}
    for model in ("lenet5", "mlp"):
        response = page.request.post("/api/runs", data={"model": model, "train_size": 640, "epochs": 2})
        assert response.status == 201, response.text()
        ids[model] = response.json()["id"]
    for run_id in ids.values():
        wait_finished(page, run_id)

    enforce_csp(page)
    page.goto(f"/training?run={ids['mlp']}")
    root = page.locator(ROOT)
    expect(root).to_have_attribute("data-ready", "true")
    expect(root).to_have_attribute("data-run-id", ids["mlp"])
    expect(root).to_have_attribute("data-status", "completed")
    # A finished run: its epochs from the snapshot, its last kernels from the saved weights.
    expect(root).to_have_attribute("data-epoch-points", "2")
    expect(page.locator('canvas[data-kernels="fc1"]')).to_be_visible()
    expect(page.locator("[data-kernels-source]")).to_have_text("saved after epoch 2")
    expect(page.locator(".tr-confusion-table tbody tr")).to_have_count(10)

    # Watch the other one from the list.
    page.locator(f'.tr-run[data-run-id="{ids["lenet5"]}"]').click()
    expect(root).to_have_attribute("data-run-id", ids["lenet5"])
    expect(page.locator('canvas[data-kernels="conv1"]')).to_be_visible()
    expect(page.locator(f'.tr-run[data-run-id="{ids["lenet5"]}"]')).to_have_attribute("aria-current", "true")

    compare = page.locator("[data-compare-view]")
    compare.locator('[data-compare-run="a"]').select_option(ids["lenet5"])
    compare.locator('[data-compare-run="b"]').select_option(ids["mlp"])
    rows = compare.locator("[data-compare-rows] tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("61,684")
    expect(rows.nth(1)).to_contain_text("251,060")
    expect(compare.locator('[data-chart="compare"]')).to_have_attribute("data-points", "2")
    expect(compare.locator("[data-compare-title]")).to_have_text(re.compile("Test error"))
    compare.get_by_role("radio", name="Test accuracy").check()
    expect(compare.locator("[data-compare-title]")).to_have_text(re.compile("^Test accuracy"))
    expect(compare.locator("table.tr-table-reference")).to_contain_text("251,060")
    page_problems.assert_none()
