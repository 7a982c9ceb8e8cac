"""The landing page in a real browser: title, navigation, links, the worked example, layout."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from app.routes.pages import TOOLS

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
NAV_ITEMS = ["Home", "Kernels", "Training", "Digits", "Receptive fields", "Lessons", "API"]


def test_title_nav_and_no_errors(page: Page, page_problems, tmp_path: Path) -> None:
    page.goto("/")
    expect(page).to_have_title(re.compile(r"^convscope"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    nav = page.get_by_role("navigation", name="Main")
    expect(nav.locator("li")).to_have_text([re.compile(r"^\s*" + re.escape(item)) for item in NAV_ITEMS])
    expect(nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    nav_links = nav.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert nav_links == ["/"] + [t.path for t in TOOLS]

    cards = page.locator("#tools .card")
    expect(cards).to_have_count(len(TOOLS))
    card_links = cards.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert card_links == [t.path for t in TOOLS]

    shot = tmp_path / "landing.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page_problems.assert_none()


def test_every_link_resolves(page: Page, page_problems, live_server) -> None:  # noqa: ANN001
    page.goto("/")
    hrefs = page.locator("a[href]").evaluate_all("els => els.map(e => e.href)")
    origin = urlsplit(live_server.url).netloc
    internal = sorted({h.split("#")[0] for h in hrefs if urlsplit(h).netloc == origin})
    assert len(internal) >= 3
    for href in internal:
        response = page.request.get(href)
        assert response.ok, f"{href} -> {response.status}"
    assert not [h for h in hrefs if urlsplit(h).netloc not in {origin, ""}], "no external links expected"

    page.get_by_role("link", name="Explore the tools").click()
    expect(page).to_have_url(re.compile(r"/#tools$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    expect(page).to_have_url(re.compile(r"/$"))
    page_problems.assert_none()


def test_worked_example_follows_clicks(page: Page, page_problems) -> None:
    page.goto("/")
    demo = page.locator("[data-conv-demo]")
    play = demo.locator("[data-play]")
    expect(play).to_be_visible()  # the module script ran

    demo.locator('.grid-output .cell[data-r="3"][data-c="2"]').click()
    expect(play).to_have_text("Play")  # clicking a cell pauses the animation
    expect(demo.locator("[data-formula]")).to_have_text(re.compile(r"output\[3, 2\] = .* = 21$"))
    window = demo.locator(".grid-input .cell.in-window")
    expect(window).to_have_count(9)
    cells = window.evaluate_all("els => els.map(e => [Number(e.dataset.r), Number(e.dataset.c)])")
    assert sorted(cells) == [[r, c] for r in range(3, 6) for c in range(2, 5)]
    expect(demo.locator(".grid-output .cell.is-current")).to_have_count(1)

    play.click()
    expect(play).to_have_text("Pause")
    expect(demo.locator("[data-formula]")).not_to_have_text(re.compile(r"output\[3, 2\]"), timeout=5000)
    page_problems.assert_none()


def test_api_reference_loads_offline(page: Page, page_problems) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="API").click()
    expect(page).to_have_url(re.compile(r"/docs$"))
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("convscope")
    expect(page.get_by_text("/api/health")).to_be_visible()
    page_problems.assert_none()


def test_phone_layout_has_no_horizontal_overflow(page: Page, page_problems, tmp_path: Path) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than a {PHONE['width']}px phone screen"
    demo_box = page.locator("[data-conv-demo]").bounding_box()
    assert demo_box is not None and demo_box["x"] >= 0 and demo_box["x"] + demo_box["width"] <= PHONE["width"]
    page.screenshot(path=str(tmp_path / "landing-phone.png"), full_page=True)
    page_problems.assert_none()
