"""Two learners in two browsers on one server: one activates a run and sees it named on /digits
and /receptive-field, the other keeps the pretrained LeNet-5; the way back is one click."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_custom_networks import serve_trained

pytestmark = pytest.mark.browser

TIMEOUT = 20_000
LENET = [{"kind": "conv", "channels": 6, "kernel": 5, "padding": 2, "bias": False}, {"kind": "relu"},
         {"kind": "maxpool", "kernel": 2}, {"kind": "flatten"}, {"kind": "linear", "features": 10}]


def test_each_learner_sees_the_network_that_answers_them_and_can_go_back(page: Page, page_problems,
                                                                         browser: Browser, live_server) -> None:  # noqa: ANN001
    run_id = serve_trained(page, LENET)  # this browser activates its run
    other = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    try:
        theirs = other.new_page()
        for path in ("/digits", "/receptive-field"):
            page.goto(path)
            bar = page.locator("[data-network-choice]")
            expect(bar).to_have_attribute("data-source", f"run:{run_id}", timeout=TIMEOUT)
            expect(bar).to_contain_text(f"The network from training run {run_id} answers on this page, for you only")
            expect(bar.locator("[data-network-choice-back]")).to_be_visible()
            theirs.goto(path)  # at the same time, the other learner's pages are the pretrained network's
            their_bar = theirs.locator("[data-network-choice]")
            expect(their_bar).to_have_attribute("data-source", "pretrained", timeout=TIMEOUT)
            expect(their_bar.locator("[data-network-choice-text]")).to_have_text("The pretrained LeNet-5 answers on this page.")
            expect(their_bar.locator("[data-network-choice-back]")).to_be_hidden()
        page.locator("[data-network-choice-back]").click()
        bar = page.locator("[data-network-choice]")
        expect(bar).to_have_attribute("data-source", "pretrained", timeout=TIMEOUT)
        expect(bar.locator("[data-network-choice-back]")).to_be_hidden()
        assert page.request.get("/api/model").json()["source"] == "pretrained"
    finally:
        other.close()
    page_problems.assert_none()
