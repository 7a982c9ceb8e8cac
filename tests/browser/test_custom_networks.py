"""A network of your own, trained and served, on the pages that look inside it: /digits draws
its layers (batch norm and dropout included) and explains their units; /receptive-field says in a
sentence that a network with no convolution has no receptive fields to draw. The pretrained
LeNet-5 is served again afterwards."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_digit_units import PANEL, assert_no_problems, click_cell
from tests.browser.test_digits import PHONE, SEVEN, TIMEOUT, drawn_answer, wait_idle

pytestmark = pytest.mark.browser

OWN = [{"kind": "conv", "channels": 12, "kernel": 3, "padding": 1}, {"kind": "batchnorm"}, {"kind": "relu"},
       {"kind": "maxpool", "kernel": 2}, {"kind": "flatten"}, {"kind": "dropout", "p": 0.25},
       {"kind": "linear", "features": 10}]
NO_CONV = [{"kind": "flatten"}, {"kind": "linear", "features": 32}, {"kind": "sigmoid"},
           {"kind": "linear", "features": 10}]


def serve_trained(page: Page, layers: list[dict]) -> str:
    run_id = page.request.post("/api/runs", data={"layers": layers, "train_size": 1000, "epochs": 1}).json()["id"]
    deadline = time.monotonic() + 90
    while page.request.get(f"/api/runs/{run_id}").json()["status"] != "completed":
        assert time.monotonic() < deadline, "the run did not finish"
        time.sleep(0.2)
    assert page.request.post(f"/api/runs/{run_id}/activate").ok
    return run_id


@pytest.fixture
def pretrained_after(page: Page):  # noqa: ANN201
    yield
    assert page.request.post("/api/model/pretrained").ok


def test_your_network_is_drawn_and_explained_on_digits(page: Page, page_problems, pretrained_after) -> None:
    serve_trained(page, OWN)
    page.goto("/digits")
    wait_idle(page)
    drawn_answer(page, SEVEN)
    maps = page.locator("[data-layer-maps]")
    expect(maps).to_have_attribute("data-layers", "7", timeout=TIMEOUT)
    expect(maps.locator('[data-layer="bn1"] canvas')).to_have_count(12)
    click_cell(page, "bn1", 4, 6, 9)
    panel = page.locator(PANEL)
    expect(panel).to_have_attribute("data-explained-unit", "4,6,9", timeout=TIMEOUT)
    expect(panel).to_contain_text("Batch norm, with the mean and variance its channel had over the training batches")
    click_cell(page, "dropout1", 0, 0, 50)
    expect(panel).to_have_attribute("data-explained-unit", "50", timeout=TIMEOUT)
    expect(panel).to_contain_text("a trained network answers with dropout off")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_problems(page_problems)


def test_a_network_without_convolution_says_it_has_no_receptive_fields(page: Page, page_problems,
                                                                       pretrained_after) -> None:
    serve_trained(page, NO_CONV)
    page.goto("/receptive-field")
    expect(page.locator("[data-grids]")).to_contain_text("has no convolution or pooling layers: every unit sees the "
                                                         "whole input", timeout=TIMEOUT)
    page_problems.assert_none()


def test_a_network_trained_in_pytorch_is_uploaded_from_the_training_page(page: Page, page_problems,
                                                                          pretrained_after) -> None:
    import numpy as np
    from safetensors.numpy import save

    from model.torch_code import pytorch_code
    from model.zoo import from_spec

    net = from_spec((1, 28, 28), OWN, seed=5)
    page.goto("/training")
    box = page.locator("[data-network-import]")
    box.locator("summary").click()
    expect(box.get_by_text("save_file(model.state_dict(), \"weights.safetensors\")")).to_be_visible()
    form = box.locator("[data-import-form]")
    form.locator("input[name=weights]").set_input_files({"name": "model.pt", "mimeType": "application/octet-stream",
                                                         "buffer": b"\x80\x04K\x01."})
    form.locator("textarea[name=architecture]").fill(pytorch_code(OWN))
    form.locator("[data-import-submit]").click()
    result = form.locator("[data-import-result]")
    expect(result).to_have_attribute("data-state", "refused", timeout=TIMEOUT)
    expect(result).to_contain_text("is a pickle")
    weights = save({k: np.array(v, order="C") for k, v in net.state_dict().items()})
    form.locator("input[name=weights]").set_input_files({"name": "model.safetensors",
                                                         "mimeType": "application/octet-stream", "buffer": weights})
    form.locator("[data-import-submit]").click()
    expect(result).to_have_attribute("data-state", "served", timeout=TIMEOUT)
    expect(result).to_contain_text(f"7 layers, {net.num_params():,} parameters")
    assert page.request.get("/api/model").json()["source"].startswith("import:")
    refused = [p for p in page_problems.items if "/api/networks/import" in p or "status of 415" in p]
    assert len(refused) == 2, page_problems.items
    page_problems.items[:] = [p for p in page_problems.items if p not in refused]
    page_problems.assert_none()
