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

from model.datasets import load_dataset
from tests.distributed.modes import live_server_in_both_modes  # noqa: F401 - the live_server here

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


def shown(value: float, decimals: int = 2) -> str:
    """A number as shared/numbers.js formatNumber prints it: at most ``decimals`` places, no
    trailing zeros."""
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def times(ratio: float) -> str:
    """shared/words.js compare(): "4.07 times as many" above 1, "4.07 times fewer" below."""
    return f"{shown(ratio)} times as many" if ratio > 1 else f"{shown(1 / ratio)} times fewer"


def confusion_counts(page: Page) -> list[list[int]]:
    rows = page.locator(".tr-confusion-table tbody tr")
    return rows.evaluate_all("rows => rows.map(r => [...r.querySelectorAll('td')].map(c => Number(c.textContent)))")


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
    expect(status.get_by_role("link", name="PyTorch code")).to_have_attribute("href", f"/api/runs/{run_id}/export/pytorch")
    expect(status.get_by_role("link", name="safetensors")).to_have_attribute(
        "href", f"/api/runs/{run_id}/export/safetensors")
    expect(page.locator(f'.tr-run[data-run-id="{run_id}"] .tr-pill')).to_have_text("stopped")
    stopped = page.request.get(f"/api/runs/{run_id}").json()
    assert stopped["status"] == "stopped"
    # Words follow numbers: the stop message counts the epochs the run really finished.
    done = stopped["epochs_done"]
    expect(status.locator("[data-run-message]")).to_have_text(
        f"Stopped after {done} finished epoch{'' if done == 1 else 's'}.")
    resume = f"restarts from the end of epoch {done}" if done else "starts it again from the beginning"
    expect(status.locator("[data-progress-text]")).to_have_text(re.compile(rf"^Stopped at \d+%\. Resume {resume}\.$"))
    page_problems.assert_none()


def api_field_errors(page: Page, body: dict) -> dict[str, str]:
    """POST /api/runs with ``body``: the 422's messages by field, as the form words them (the
    server's own ``message`` when it gives one, else pydantic's ``msg`` with "Must be")."""
    answer = page.request.post("/api/runs", data=body)
    assert answer.status == 422, answer.text()
    out = {}
    for item in answer.json()["errors"]:
        text = item.get("message") or re.sub(r"^Input should be ", "Must be ", item["msg"])
        out[item["loc"][-1]] = text
    return out


def test_form_shows_each_error_next_to_its_field(page: Page, page_problems) -> None:  # noqa: ANN001
    page.goto("/training")
    expect(page.locator(ROOT)).to_have_attribute("data-ready", "true")
    runs_before = len(page.request.get("/api/runs").json())
    form = page.locator("[data-run-form]")

    # Out of the ranges the page states (its min and max come from RunConfig's schema).
    too_high_lr = float(form.get_by_label("Learning rate").get_attribute("max")) * 2
    too_small_batch = int(float(form.get_by_label("Batch size").get_attribute("min"))) - 1
    form.get_by_label("Learning rate").fill(f"{too_high_lr:g}")
    form.get_by_label("Batch size").fill(str(too_small_batch))
    form.get_by_role("button", name="Start training").click()
    expected = api_field_errors(page, {"lr": too_high_lr, "batch_size": too_small_batch})
    assert set(expected) == {"lr", "batch_size"}, expected
    lr_error = form.locator('[data-error-for="lr"]')
    expect(lr_error).to_have_text(expected["lr"])
    expect(form.locator('[data-error-for="batch_size"]')).to_have_text(expected["batch_size"])
    expect(form.get_by_label("Learning rate")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("Batch size")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_label("Epochs")).to_have_attribute("aria-invalid", "false")
    # The 422 is the answer this step expects; nothing else may go wrong.
    problems = [p for p in page_problems.items if "422" in p]
    assert problems and len(problems) == len(page_problems.items), page_problems.items
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
    # A finished run: its epochs from the snapshot, its last kernels from its last stored step.
    expect(root).to_have_attribute("data-epoch-points", "2")
    expect(page.locator('canvas[data-kernels="fc1"]')).to_be_visible()
    expect(page.locator("[data-kernels-source]")).to_have_text(re.compile(r"^step \d+, the end of epoch 2 \(stored\)$"))
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

    # Words follow numbers: the sentence under the table is computed from the two runs.
    def cells(row: int) -> list[str]:
        return rows.nth(row).locator("td").all_text_contents()

    params = [int(cells(i)[1].replace(",", "")) for i in (0, 1)]
    assert params[1] > params[0]
    final = {k: 1 - page.request.get(f"/api/runs/{i}").json()["history"][-1]["test_accuracy"] for k, i in ids.items()}
    verdict = compare.locator("[data-compare-verdict]")
    expect(verdict).to_contain_text(
        f"Run A\u2019s LeNet-5 has {times(params[0] / params[1])} parameters than run B\u2019s MLP 784-300-50-10 "
        f"({params[0]:,} against {params[1]:,})")
    expect(verdict).to_contain_text(f"{shown(100 * final['lenet5'])}% after 2 epochs against "
                                    f"{shown(100 * final['mlp'])}% after 2 epochs")
    if final["lenet5"] != final["mlp"]:
        expect(verdict).to_contain_text(f"gets {times(final['lenet5'] / final['mlp'])} test images wrong")

    # Another B (a LeNet-5 of one epoch): the sentence follows.
    response = page.request.post("/api/runs", data={"model": "lenet5", "train_size": 640, "epochs": 1, "seed": 3})
    assert response.status == 201, response.text()
    third = response.json()["id"]
    wait_finished(page, third)
    page.get_by_role("button", name="Refresh").click()
    compare.locator('[data-compare-run="b"]').select_option(third)
    expect(rows.nth(1)).to_have_attribute("data-run", third)
    expect(verdict).to_contain_text(f"has as many parameters as run B\u2019s LeNet-5 ({params[0]:,} each)")
    expect(verdict).to_contain_text("against ")
    expect(verdict).to_contain_text(" after 1 epoch)")
    compare.locator('[data-compare-run="b"]').select_option("")
    expect(verdict).to_be_empty()

    # The tutorial's sentence, from the reference table next to it.
    reference = compare.locator("table.tr-table-reference tbody tr")
    ref = [reference.nth(i).locator("td").all_text_contents() for i in (0, 1)]
    lenet, mlp = (int(r[0].replace(",", "")) for r in ref)
    errors = [float(re.search(r"[\d.]+", r[1]).group()) for r in ref]
    expect(compare.locator("[data-tutorial-sentence]")).to_have_text(
        f"The tutorial\u2019s point: LeNet-5 has {times(lenet / mlp)} parameters than a fully connected "
        f"MLP 784-300-50-10 network ({lenet:,} against {mlp:,}) and gets {times(errors[0] / errors[1])} test images "
        f"wrong (about {shown(errors[0], 1)}% against about {shown(errors[1], 1)}%).")
    page_problems.assert_none()


def start_from_form(page: Page, epochs: int) -> str:
    """Starts a run of ``epochs`` epochs on 2,000 images from the form; its id once it runs."""
    form = page.locator("[data-run-form]")
    form.get_by_role("button", name="Fast").click()
    form.get_by_role("group", name="Quick training-set sizes").get_by_role("button", name="2,000").click()
    form.get_by_label("Epochs").fill(str(epochs))
    before = page.locator(ROOT).get_attribute("data-run-id")
    form.get_by_role("button", name="Start training").click()
    expect(page.locator(ROOT)).not_to_have_attribute("data-run-id", before or "")
    return page.locator(ROOT).get_attribute("data-run-id")


def test_sentences_follow_the_watched_run(page: Page, page_problems) -> None:  # noqa: ANN001
    """One run of 1 epoch, then one of 2: every sentence about them counts what they did."""
    enforce_csp(page)
    page.goto("/training")
    root = page.locator(ROOT)
    expect(root).to_have_attribute("data-ready", "true")
    status = page.locator("[data-run-status]")
    for epochs in (1, 2):
        run_id = start_from_form(page, epochs)
        expect(root).to_have_attribute("data-status", "completed", timeout=60_000)
        run = page.request.get(f"/api/runs/{run_id}").json()
        assert run["epochs_done"] == epochs

        plural = "epoch" if epochs == 1 else "epochs"
        message = status.locator("[data-run-message]")
        expect(message).to_have_text(re.compile(rf"^Finished: [\d.]+% of the test images right after {epochs} {plural}\.$"))
        percent = float(re.search(r"[\d.]+", message.text_content()).group())
        assert percent == pytest.approx(100 * run["test_accuracy"], abs=0.005)
        expect(status.locator("[data-progress-text]")).to_have_text(
            "Finished its 1 epoch." if epochs == 1 else f"Finished all {epochs} epochs.")
        expect(status.locator("[data-run-config]")).to_contain_text(f" {epochs} {plural} \u00b7 2,000 images")
        expect(status.locator('[data-stat="test"]')).to_have_text(f"{shown(100 * run['test_accuracy'])}%")
        expect(page.locator(f'.tr-run[data-run-id="{run_id}"] .tr-run-bottom')).to_have_text(
            re.compile(rf"^{epochs}/{epochs} {plural} \u00b7 test "))

        # Under the confusion matrix and over the mistakes: counts from the matrix itself.
        expect(page.locator("[data-confusion-view]")).to_have_attribute("data-epoch", str(epochs))
        matrix = confusion_counts(page)
        total = sum(map(sum, matrix))
        correct = sum(matrix[i][i] for i in range(10))
        worst = max((matrix[i][j], -i, -j) for i in range(10) for j in range(10) if i != j)
        count, truth, guess = worst[0], -worst[1], -worst[2]
        times_text = "time" if count == 1 else "times"
        expect(page.locator("[data-confusion-summary]")).to_have_text(
            f"Epoch {epochs}: {correct:,} of {total:,} test images right ({shown(100 * correct / total)}%). "
            f"Most often confused: {truth} taken for {guess}, {count:,} {times_text}.")
        pictures = page.locator("[data-misclassified] figure").count()
        errors = total - correct
        assert 0 < pictures <= errors
        expected = (f"All {errors:,} mistakes" if pictures == errors else f"The first {pictures} of {errors:,} mistakes")
        expect(page.locator("[data-misclassified-summary]")).to_have_text(f"{expected} after epoch {epochs}, in test-set order.")
    page_problems.assert_none()


def test_form_is_built_from_the_api_schema(page: Page, page_problems) -> None:  # noqa: ANN001
    """Every field's range, default and choices are RunConfig's, as /openapi.json states them (the
    augmentation's options as fields named augment.<option>)."""
    schemas = page.request.get("/openapi.json").json()["components"]["schemas"]
    fields = dict(schemas["RunConfig"]["properties"])
    augment = fields.pop("augment")
    ref = next(s["$ref"] for s in augment["anyOf"] if "$ref" in s).rsplit("/", 1)[1]
    fields |= {f"augment.{name}": spec for name, spec in schemas[ref]["properties"].items()}
    page.goto("/training")
    form = page.locator("[data-run-form]")
    for name, spec in fields.items():
        if name == "layers":  # your own network: the designer, shown when Network is "custom"
            expect(page.locator("[data-network-designer] [data-architecture]")).to_have_count(1)
            continue
        spec = {**spec, **next((s for s in spec.get("anyOf", []) if s.get("type") != "null"), {})}
        control = form.locator(f'[name="{name}"]')
        expect(control).to_have_count(1)
        if "enum" in spec:
            values = control.locator("option").evaluate_all("options => options.map(o => o.value)")
            assert values == spec["enum"], name
            expect(control).to_have_value(spec["default"])
            continue
        low = spec.get("minimum", spec.get("exclusiveMinimum"))
        high = spec.get("maximum", spec.get("exclusiveMaximum"))
        assert float(control.get_attribute("min")) == low, name
        assert float(control.get_attribute("max")) == high, name
        default = spec.get("default")
        if default is None:
            expect(control).to_have_value("")
        else:
            assert float(control.input_value()) == default, name
        # The help under the field states the same range.
        if name != "seed":
            help_text = form.locator(f'[id="tr-{name}-help"]').text_content()
            assert re.search(r"\d", help_text), (name, help_text)
    page_problems.assert_none()


def test_pure_modules_word_their_numbers(page: Page, page_problems) -> None:  # noqa: ANN001
    """The sentences, changed input by input: each follows the numbers it is given."""
    page.goto("/training")
    r = page.evaluate("""async () => {
        const [w, c, p] = await Promise.all(['run-words', 'compare-words', 'picture-words']
            .map((name) => import(`/static/js/training/${name}.js`)));
        const run = (status, epochs, extra = {}) => ({ id: 'x', status, config: { epochs }, ...extra });
        const latest = { epoch: 2, batch: 12, batches: 32, loss: 0.123456, lr: 2e-7, images_per_sec: 1234.4 };
        const lenet = { subject: 'A', object: 'a', parameters: 61684, error: 0.012, epochs: 2 };
        const mlp = { subject: 'B', object: 'b', parameters: 251060, error: 0.023, epochs: 1 };
        return {
            progress: [w.progressLine(run('running', 8, { latest }), 0.18), w.progressLine(run('running', 3, { latest }), 0.6),
                       w.progressLine(run('completed', 1), 1), w.progressLine(run('completed', 3), 1),
                       w.progressLine(run('paused', 3), 0.996), w.progressLine(run('stopped', 3, { epochsDone: 0 }), 0.1),
                       w.progressLine(run('stopped', 3, { epochsDone: 2 }), 0.7),
                       w.progressLine(run('queued', 3, { position: 1 }), 0), w.progressLine(run('queued', 3, { position: 3 }), 0)],
            eta: [42, 185, 3725].map((s) => w.statTexts({ status: 'running', latest: { ...latest, eta_seconds: s } }).eta),
            paused: w.statTexts({ status: 'paused', latest: { ...latest, eta_seconds: 42 },
                                  lastEpoch: { images_per_sec: 999.6, test_accuracy: 0.9876 } }),
            running: w.statTexts({ status: 'running', latest: { ...latest, eta_seconds: 42 } }),
            reopened: w.statTexts({ status: 'completed', config: { lr: 0.05 },
                                    lastEpoch: { images_per_sec: 999.6, test_accuracy: 0.9876, lr: 2.1e-7 } }),
            done: [w.doneMessage({ status: 'completed', test_accuracy: 0.9876, epochs_completed: 1 }),
                   w.doneMessage({ status: 'completed', test_accuracy: 0.5, epochs_completed: 3 }),
                   w.doneMessage({ status: 'stopped' }, 1), w.doneMessage({ status: 'stopped', epochs_completed: 4 })],
            queued: [1, 2, 5].map(w.queuedMessage),
            config: [w.describeConfig({ model: 'mlp', optimizer: 'adam', lr: 0.001, schedule: 'onecycle', batch_size: 32,
                                        epochs: 1, train_size: null }, { allImages: 60000 }),
                     w.describeSettings({ model: 'lenet5', optimizer: 'sgd', lr: 0.01, schedule: 'constant', batch_size: 64,
                                          epochs: 10, train_size: 2000, dataset: 'fashion-mnist' })],
            epochsDone: [w.epochsDoneText(1, 1), w.epochsDoneText(4, 6), w.epochsDoneText(0, 2)],
            activated: w.activatedMessage('abc', { architecture: 'lenet5', test_accuracy: 0.99 }),
            compare: [c.comparisonSentence(lenet, mlp), c.comparisonSentence(mlp, lenet),
                      c.comparisonSentence(lenet, { ...lenet, object: 'a2', epochs: 1 }),
                      c.comparisonSentence(lenet, { ...mlp, error: null }), c.comparisonSentence(lenet, { ...mlp, error: 0 })],
            tutorial: [c.tutorialSentence({ lenet5: 61684, mlp: 251060 }, { lenet5: 0.01, mlp: 0.02 }),
                       c.tutorialSentence({ lenet5: 100, mlp: 50 }, { lenet5: 0.03, mlp: 0.01 })],
            classes: [[8, 'mnist'], [7, 'mnist'], [11, 'mnist'], [9, 'fashion-mnist'], [0, 'fashion-mnist']]
                .map(([i, d]) => p.classWithArticle(i, d)),
            probe: [p.probeWords(8, 3, 'mnist'), p.probeWords(7, 7, 'mnist'), p.probeWords(7, null, 'mnist')],
            confusion: [p.confusionSummary([[5, 1, 0], [0, 4, 3], [0, 0, 7]], 2), p.confusionSummary([[5, 1], [0, 4]], 1),
                        p.confusionSummary([[5, 0], [0, 4]], 3)],
            missed: [p.mistakesSummary(16, 1234, 3), p.mistakesSummary(3, 3, 2), p.mistakesSummary(1, 1, 2),
                     p.mistakesSummary(0, 0, 2), p.noMistakes(4)],
            layers: [p.layerNote('pool1', [6, 14, 14], 'lenet5', [6, 28, 28]), p.layerNote('pool1', [6, 8, 8], 'lenet5', [6, 24, 24]),
                     p.layerNote('flatten', [784], 'mlp', [1, 28, 28]), p.layerNote('flatten', [400], 'lenet5', [16, 5, 5]),
                     p.layerNote('conv2', [16, 10, 10], 'lenet5', [6, 14, 14]), p.layerNote('fc1', [120], 'lenet5', [400]),
                     p.layerNote('conv1', [6, 28, 28], 'lenet5', [1, 28, 28]), p.layerNote('relu1', [6, 28, 28], 'lenet5')],
            kernels: [p.kernelNote({ name: 'conv1', shape: [6, 1, 5, 5] }, 'lenet5'),
                      p.kernelNote({ name: 'conv1', shape: [1, 1, 3, 3] }, 'lenet5'),
                      p.kernelNote({ name: 'conv2', shape: [16, 6, 5, 5] }, 'lenet5'),
                      p.kernelNote({ name: 'fc1', shape: [16, 1, 28, 28] }, 'mlp')],
        };
    }""")
    assert r["progress"] == [
        "Epoch 2 of 8, batch 12 of 32: 18% done.", "Epoch 2 of 3, batch 12 of 32: 60% done.",
        "Finished its 1 epoch.", "Finished all 3 epochs.",
        "Paused at 99%. Resume continues from the next batch.",  # never "100%" before the end
        "Stopped at 10%. Resume starts it again from the beginning.",
        "Stopped at 70%. Resume restarts from the end of epoch 2.",
        "Waiting: next in the queue.", "Waiting: number 3 in the queue, after 2 other waiting runs.",
    ]
    assert r["eta"] == ["42 s", "3 min 05 s", "1 h 02 min"]
    assert r["running"] == {"loss": "0.123", "speed": "1,234", "eta": "42 s", "lr": "2e\u22127", "test": "\u2014"}
    # Paused: no time left, and the speed of the last whole epoch.
    assert r["reopened"]["lr"] == "2.1e\u22127"  # where the schedule ended, not the configured peak of 0.05
    assert r["paused"] == {"loss": "0.123", "speed": "1,000", "eta": "\u2014", "lr": "2e\u22127", "test": "98.76%"}
    assert r["done"] == [
        "Finished: 98.76% of the test images right after 1 epoch.",
        "Finished: 50% of the test images right after 3 epochs.",
        "Stopped after 1 finished epoch.", "Stopped after 4 finished epochs.",
    ]
    assert r["queued"] == ["Queued: next in the queue, behind the running run.",
                           "Queued: number 2 in the queue, after 1 other waiting run.",
                           "Queued: number 5 in the queue, after 4 other waiting runs."]
    assert r["config"] == [("MLP 784-300-50-10 \u00b7 Adam \u00b7 lr 0.001 \u00b7 one-cycle \u00b7 batch 32 \u00b7 1 epoch "
                            "\u00b7 60,000 images"),
                           ("SGD \u00b7 lr 0.01 \u00b7 constant \u00b7 batch 64 \u00b7 10 epochs \u00b7 2,000 images "
                            "\u00b7 fashion-mnist")]
    assert r["epochsDone"] == ["1/1 epoch", "4/6 epochs", "0/2 epochs"]
    assert r["activated"] == "The digit classifier now uses run abc (LeNet-5, 99% on the test set)."
    assert r["compare"] == [
        ("A has 4.07 times fewer parameters than b (61,684 against 251,060) and gets 1.92 times fewer test images "
         "wrong (1.2% after 2 epochs against 2.3% after 1 epoch)."),
        ("B has 4.07 times as many parameters as a (251,060 against 61,684) and gets 1.92 times as many test images "
         "wrong (2.3% after 1 epoch against 1.2% after 2 epochs)."),
        "A has as many parameters as a2 (61,684 each) and gets as many test images wrong (1.2% each).",
        "A has 4.07 times fewer parameters than b (61,684 against 251,060).",
        ("A has 4.07 times fewer parameters than b (61,684 against 251,060) and gets some test images wrong where b "
         "gets none (1.2% after 2 epochs against 0% after 1 epoch)."),
    ]
    assert r["tutorial"] == [
        ("The tutorial\u2019s point: LeNet-5 has 4.07 times fewer parameters than a fully connected MLP 784-300-50-10 "
         "network (61,684 against 251,060) and gets 2 times fewer test images wrong (about 1% against about 2%)."),
        ("The tutorial\u2019s point: LeNet-5 has 2 times as many parameters as a fully connected MLP 784-300-50-10 "
         "network (100 against 50) and gets 3 times as many test images wrong (about 3% against about 1%)."),
    ]
    assert r["classes"] == ["an 8", "a 7", "an 11", "an Ankle boot", "a T-shirt/top"]
    assert r["probe"] == [
        {"caption": "an 8 \u2192 says 3", "label": "The probe: a test image of an 8; the network currently says 3",
         "right": False},
        {"caption": "a 7 \u2192 says 7", "label": "The probe: a test image of a 7; the network currently says 7",
         "right": True},
        {"caption": "a 7", "label": "The probe: a test image of a 7", "right": False},
    ]
    assert r["confusion"] == [
        "Epoch 2: 16 of 20 test images right (80%). Most often confused: 1 taken for 2, 3 times.",
        "Epoch 1: 9 of 10 test images right (90%). Most often confused: 0 taken for 1, 1 time.",
        "Epoch 3: 9 of 9 test images right (100%). No mistakes.",
    ]
    assert r["missed"] == ["The first 16 of 1,234 mistakes after epoch 3, in test-set order.",
                           "All 3 mistakes after epoch 2, in test-set order.", "The only mistake after epoch 2.", "",
                           "No mistakes on the test set after epoch 4."]
    assert r["layers"] == [
        "the largest of each 2\u00d72: 28\u00d728 \u2192 14\u00d714", "the largest of each 3\u00d73: 24\u00d724 \u2192 8\u00d78",
        "the 28\u00d728 image as one row of 784 numbers", "the 16 maps above (5\u00d75 each) as one row of 400 numbers",
        "16 maps, each a sum over all 6 input maps", "120 units, each a weighted sum of all 400 inputs",
        "6 kernels slid over the digit", "negatives set to 0",
    ]
    assert r["kernels"] == ["6 kernels, 5\u00d75", "1 kernel, 3\u00d73",
                            "16 kernels (columns) \u00d7 6 input maps (rows), 5\u00d75 each",
                            "the weights of 16 of its units, one per input pixel (28\u00d728)"]
    page_problems.assert_none()


def test_pure_modules_decode_read_and_colour(page: Page, page_problems) -> None:  # noqa: ANN001
    """Numbers in the shared formats, the form's values and the server's refusals by field, the
    series the charts draw, and colour tables made from the shared colour maps."""
    page.goto("/training")
    r = page.evaluate("""async () => {
        const [f, s, st, t, b, sm, h, { ApiError }] = await Promise.all([
            'training/form-values', 'training/run-series', 'training/run-states', 'training/colour-tables',
            'training/byte-codes', 'training/small-multiples', 'shared/heatmap', 'shared/api',
        ].map((name) => import(`/static/js/${name}.js`)));
        const specs = [{ name: 'train_size', kind: 'number', integer: true, optional: true },
                       { name: 'seed', kind: 'number', integer: true }, { name: 'lr', kind: 'number' },
                       { name: 'epochs', kind: 'number', integer: true }, { name: 'momentum', kind: 'number' },
                       { name: 'optimizer', kind: 'select' }];
        const fields = ['model', 'lr', 'epochs', 'batch_size'];
        const series = new s.RunSeries();
        for (const batch of [1, 2, 3, 4]) series.addBatch({ epoch: 1, batch, batches: 4, loss: 1 / batch, smoothed_loss: 1 - batch / 10, accuracy: batch / 10 });
        series.addBatch({ epoch: 1, batch: 3, batches: 4, loss: 0.9, smoothed_loss: 0.65, accuracy: 0.2 }); // a resumed run replays batch 3
        series.addEpoch({ epoch: 1, train_loss: 0.5, test_loss: 0.6, train_accuracy: 0.8, test_accuracy: 0.7 });
        const table = (tab, code) => Array.from(tab.subarray(code * 3, code * 3 + 3));
        const canvas = document.createElement('canvas');
        sm.drawDigit(canvas, new Uint8Array([0, 255, 128, 64]), { scale: 1 });
        const pixels = Array.from(canvas.getContext('2d').getImageData(0, 0, 2, 2).data);
        return {
            read: [f.readConfig({ train_size: '10,000', seed: '2.5', lr: 'abc', epochs: '', momentum: '0', optimizer: 'nesterov' }, specs),
                   f.readConfig({ train_size: '', seed: '7', lr: '\u22121e-3', epochs: '3', momentum: '0.9', optimizer: 'sgd' }, specs)],
            refused: [
                f.errorsByField(new ApiError('lr: too high', 422, { errors: [
                    { loc: ['body', 'lr'], msg: 'Input should be less than or equal to 10' },
                    { loc: ['body', 'epochs'], msg: 'x', message: 'epochs must be at least 1' },
                    { loc: ['body'], msg: 'Value error, Nesterov momentum needs momentum > 0' }] }), fields),
                f.errorsByField(new ApiError('x', 422, { detail: [{ loc: ['body', 'batch_size'], msg: 'Input should be a valid integer' }] }), fields),
                f.errorsByField(new ApiError('Cannot resume: lr is too high', 409, { detail: 'cannot resume: lr is too high' }), fields),
                f.errorsByField(new ApiError('The queue is full.', 429, { detail: 'the queue is full.' }), fields),
                f.errorsByField(new ApiError('The server answered 502.', 502), fields)],
            series: { points: series.batchCount, loss: series.chartData('loss', { smooth: true }), accuracy: series.chartData('accuracy') },
            compare: s.compareData([[{ epoch: 1, test_accuracy: 0.9 }, { epoch: 2, test_accuracy: 0.95 }], [{ epoch: 2, test_accuracy: 0.5 }]]),
            best: [s.bestTestError([{ test_accuracy: 0.9 }, { test_accuracy: 0.95 }, { test_accuracy: 0.93 }]), s.bestTestError([])],
            final: [s.finalTestError([{ test_accuracy: 0.9 }, { test_accuracy: 0.93 }]), s.finalTestError([])],
            allowed: ['running', 'paused', 'completed', 'idle'].map((x) => st.allowedActions(x, x === 'completed' ? 2 : 0)),
            progress: [st.runProgress({ epoch: 2, batch: 16, batches: 32 }, 1, 4), st.runProgress(null, 3, 4), st.runProgress(null, 0, 0)],
            kernel: [0, 1, 128, 255].map((code) => [table(t.KERNEL_TABLE, code), h.divergingColor((code - 128) / 127)]),
            activation: [0, 255].map((code) => [table(t.activationTable(-2, 1), code), h.divergingColor(b.decodeLevel(code, -2, 1) / 2)]),
            digit: [pixels.slice(0, 3), pixels.slice(4, 7), pixels.slice(8, 11), pixels.slice(12, 15)],
            paper: [0, 255, 128, 64].map((v) => h.paperColor(v, t.INK_STRENGTH)),
            encoded: Array.from(b.encodeKernels('k', [-2, 0, 1, 2], [1, 1, 2, 2]).bytes),
            strip: [sm.stripLayout(10), sm.stripLayout(300, 128), sm.pixelScale(5, 52)],
        };
    }""")
    assert r["read"][0] == {"config": {"train_size": 10000, "momentum": 0, "optimizer": "nesterov"},
                            "errors": {"seed": "Enter a whole number.", "lr": "\u201cabc\u201d is not a number.",
                                       "epochs": "Enter a number.",
                                       "momentum": "Nesterov momentum needs a momentum above 0."}}
    assert r["read"][1] == {"config": {"train_size": None, "seed": 7, "lr": -0.001, "epochs": 3, "momentum": 0.9,
                                       "optimizer": "sgd"}, "errors": {}}
    assert r["refused"] == [
        {"lr": "Must be less than or equal to 10", "epochs": "epochs must be at least 1",
         "": "Value error, Nesterov momentum needs momentum > 0"},
        {"batch_size": "Must be a valid integer"},  # FastAPI's own list, under detail
        {"lr": "Cannot resume: lr is too high"},  # a sentence that names a field goes to it
        {"": "The queue is full."},
        {"": "The server answered 502."},
    ]
    xs = [0.25, 0.5, 0.75, 1]
    assert r["series"]["points"] == 3  # the replayed batch 3 replaced batches 3 and 4
    loss = r["series"]["loss"]
    assert loss[0] == xs and loss[1] == [1, 0.5, 0.9, None] and loss[3] == [None, None, None, 0.5]
    assert loss[2] == pytest.approx([0.9, 0.8, 0.65, None])  # the worker's smoothed loss, as sent
    assert loss[4] == [None, None, None, 0.6]
    assert r["series"]["accuracy"] == [xs, [0.1, 0.2, 0.2, None], [None, None, None, 0.8], [None, None, None, 0.7]]
    assert r["compare"][0] == [1, 2]
    assert r["compare"][1] == pytest.approx([10, 5]) and r["compare"][2] == [None, 50]
    assert r["best"][0] == pytest.approx(0.05) and r["best"][1] is None
    assert r["final"][0] == pytest.approx(0.07) and r["final"][1] is None
    assert [a["pause"] for a in r["allowed"]] == [True, False, False, False]
    assert [a["resume"] for a in r["allowed"]] == [False, True, False, False]
    assert [a["weights"] for a in r["allowed"]] == [False, False, True, False]
    assert r["progress"] == [pytest.approx(1.5 / 4), 0.75, 0]
    for got, want in r["kernel"] + r["activation"]:
        assert got == want
    assert r["digit"] == r["paper"]  # a digit is painted with the shared paper colours
    assert r["encoded"] == [1, 128, 192, 255]
    assert r["strip"] == [{"rows": 1, "cols": 10}, {"rows": 3, "cols": 100}, 10]
    page_problems.assert_none()


def click_probe_cell(page: Page, layer: str, x: float, y: float) -> None:
    """Click the probe picture of `layer` at canvas pixel (x, y)."""
    canvas = page.locator(f'[data-probe-view] canvas[data-layer="{layer}"]')
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    w, h = canvas.evaluate("c => [c.width, c.height]")
    page.mouse.click(box["x"] + x * box["width"] / w, box["y"] + y * box["height"] / h)


def test_a_unit_of_the_probe_is_explained_with_the_weights_that_drew_it(page: Page, page_problems) -> None:  # noqa: ANN001
    page.goto("/training")
    expect(page.locator(ROOT)).to_have_attribute("data-ready", "true")
    run_id = start_from_form(page, 50)
    expect(page.locator(ROOT)).to_have_attribute("data-status", "running", timeout=20_000)
    wait_counter(page, "activations-version", 1)
    page.locator("[data-run-status]").get_by_role("button", name="Pause").click()
    expect(page.locator(ROOT)).to_have_attribute("data-status", "paused")
    # conv2's picture: 16 tiles of 10x10 cells, 8 to a row; tile 9 is the second row's second.
    layout = page.evaluate("""() => { const c = document.querySelector('[data-probe-view] canvas[data-layer="conv2"]');
        return [c.width, c.height]; }""")
    tile_w = (layout[0] - 7 * 4) / 8  # frames and gaps as drawTiles lays them out
    scale = (tile_w - 2) / 10
    click_probe_cell(page, "conv2", tile_w + 4 + 1 + scale * 6.5, tile_w + 4 + 1 + scale * 3.5)
    panel = page.locator("[data-probe-unit] [data-unit-panel]")
    expect(panel).to_have_attribute("data-state", "shown", timeout=20_000)
    expect(panel).to_have_attribute("data-explained-unit", "9,3,6")
    canvas = page.locator('[data-probe-view] canvas[data-layer="conv2"]')
    expect(canvas).to_have_attribute("data-selected", "3,6")
    expect(page.locator('[data-probe-view] canvas[data-layer="pool1"]')).to_have_attribute("data-window", "3,6,5,5")
    note = page.locator("[data-probe-unit-note]")
    step = int(note.get_attribute("data-step"))
    expect(page.locator("[data-probe-source]")).to_have_text(f"step {step}")  # the picture's weights, paused
    expect(note).to_have_text(f"Computed with the weights of step {step}, the ones that made the picture above.")
    # The panel states the API's numbers for the probe digit with the run's probe weights.
    probe = load_dataset().test_images[0].tolist()  # the probe: MNIST's first test digit
    truth = page.request.post("/api/digits/explain", data={
        "pixels": probe, "run_id": run_id, "weights": "probe", "layer": "conv2", "unit": [9, 3, 6]}).json()
    assert truth["weights_step"] == step
    assert float(panel.get_attribute("data-explained-activation")) == pytest.approx(truth["activation"], rel=1e-6)
    # The keyboard moves the pick; a vector layer picks by index and marks the strongest inputs.
    canvas.focus()
    page.keyboard.press("ArrowLeft")
    expect(panel).to_have_attribute("data-explained-unit", "9,3,5", timeout=20_000)
    fc1 = page.locator('[data-probe-view] canvas[data-layer="fc1"]')
    fc1.focus()
    page.keyboard.press("Enter")
    expect(panel).to_have_attribute("data-explained-unit", "0", timeout=20_000)
    page.keyboard.press("ArrowRight")
    expect(panel).to_have_attribute("data-explained-unit", "1", timeout=20_000)
    expect(page.locator('[data-probe-view] canvas[data-layer="flatten"]')).to_have_attribute("data-inputs", re.compile(r"^\d+(,\d+){9}$"))
    page.locator("[data-run-status]").get_by_role("button", name="Stop").click()
    expect(page.locator(ROOT)).to_have_attribute("data-status", "stopped", timeout=15_000)
    page_problems.assert_none()


def test_design_your_own_network_see_its_plan_and_train_it(page: Page, page_problems) -> None:  # noqa: ANN001
    page.goto("/training")
    expect(page.locator(ROOT)).to_have_attribute("data-ready", "true")
    designer = page.locator("[data-network-designer]")
    expect(designer).to_be_hidden()
    page.select_option("#tr-model", "custom")
    expect(designer).to_be_visible()
    expect(designer).to_have_attribute("data-state", "planned", timeout=20_000)
    # Start from ConvNetJS's net: the plan is the API's, and the sentence states its totals.
    designer.locator('[data-network-preset="convnetjs"]').click()
    expect(designer.locator("[data-layers] > li")).to_have_count(8)
    layers = page.request.get("/api/networks/presets").json()[2]["layers"]
    truth = page.request.post("/api/networks", data={"layers": layers}).json()
    expect(designer).to_have_attribute("data-params", str(truth["params"]), timeout=20_000)
    expect(designer.locator("[data-network-summary]")).to_contain_text(
        f"8 layers, {truth['params']:,} parameters and {truth['macs']:,} multiply-adds per image")
    rows = designer.locator(".tr-plan-table tbody tr")
    expect(rows).to_have_count(8)
    expect(rows.nth(3)).to_contain_text("16\u00d714\u00d714")
    # A kernel too big for its maps: the sentence names the layer, and that row is marked.
    rf = next(row["receptive_field"] for row in truth["layers"] if row["name"] == "pool2")
    expect(designer.locator("[data-network-summary]")).to_contain_text(
        f"A unit of pool2, the last layer of maps, sees {rf}\u00d7{rf} of the 28\u00d728 input pixels")
    conv2 = designer.locator('[data-layers] > li[data-layer="4"]')
    conv2.locator('input[data-field="padding"]').fill("0")
    expect(designer).to_have_attribute("data-state", "planned", timeout=20_000)
    kernel = conv2.locator('input[data-field="kernel"]')
    kernel.fill("15")
    expect(designer).to_have_attribute("data-state", "refused", timeout=20_000)
    expect(designer.locator("[data-network-error]")).to_have_text(
        "Conv2: a 15x15 kernel does not fit the 14x14 maps from pool1")
    expect(designer.locator('[data-layers] > li[data-layer="4"]')).to_have_class(re.compile("is-invalid"))
    kernel.fill("5")
    conv2.locator('input[data-field="padding"]').fill("2")
    expect(designer).to_have_attribute("data-params", str(truth["params"]), timeout=20_000)
    # Train it: the run is custom, and the probe shows its own layers.
    form = page.locator("[data-run-form]")
    form.get_by_role("group", name="Quick training-set sizes").get_by_role("button", name="2,000").click()
    form.get_by_label("Epochs").fill("20")
    form.get_by_role("button", name="Start training").click()
    expect(page.locator(ROOT)).to_have_attribute("data-status", "running", timeout=20_000)
    run_id = page.locator(ROOT).get_attribute("data-run-id")
    run = page.request.get(f"/api/runs/{run_id}").json()
    assert run["config"]["model"] == "custom" and run["config"]["layers"] == layers
    wait_counter(page, "activations-version", 1)
    expect(page.locator('[data-probe-view] canvas[data-layer="pool2"]')).to_be_visible()
    expect(page.locator('canvas[data-kernels="conv2"]')).to_be_visible()
    page.locator("[data-run-status]").get_by_role("button", name="Stop").click()
    expect(page.locator(ROOT)).to_have_attribute("data-status", "stopped", timeout=15_000)
    # The one refusal asked for above (the 15x15 kernel) is the browser's only complaint.
    refused = [p for p in page_problems.items if "/api/networks" in p or "status of 422" in p]
    assert len(refused) == 2, page_problems.items
    page_problems.items[:] = [p for p in page_problems.items if p not in refused]
    page_problems.assert_none()


def test_a_summary_from_before_a_pace_choice_does_not_turn_the_radio_back(page: Page, page_problems) -> None:
    """The pace radio follows the server, except during the few seconds after the learner chose,
    when a message or summary asked for before the choice can still arrive, even after the answer."""
    page.goto("/training")
    expect(page.locator(ROOT)).to_have_attribute("data-ready", "true")
    modes = page.evaluate("""async () => {
        const { PaceControl } = await import('/static/js/training/pace-control.js');
        const control = new PaceControl(document.querySelector('[data-pace-control]'));
        control.rate.value = '3';
        control.choose('slow');
        const seen = [];
        const hear = (pace) => { control.follow(pace); seen.push(control.mode); };
        hear({ mode: 'full' });                            // a message from before the choice
        hear({ mode: 'slow', batches_per_second: 3 });     // the server's answer
        hear({ mode: 'full' });                            // a summary asked for before the choice
        control.asked.until = Date.now() - 1;              // the choice's window has passed
        hear({ mode: 'full' });                            // a change made elsewhere is followed
        return seen;
    }""")
    assert modes == ["slow", "slow", "slow", "full"]
    page_problems.assert_none()
