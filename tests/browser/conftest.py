"""Headless Chromium (the system one, via Playwright) against ``live_server``.

Playwright never downloads a browser here: it drives /usr/bin/chromium
(``apt-get install -y chromium``; ``make test`` does that when root).  Without
it these tests are skipped locally, but fail when ``CI`` is set, so CI cannot
go green by silently skipping them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

DESKTOP = {"width": 1280, "height": 800}


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        reason = f"{CHROMIUM} not found; install it with `apt-get install -y chromium` (or run `make test` as root)"
        if _in_ci():
            pytest.fail(f"{reason}. Browser tests may not be skipped in CI.")
        pytest.skip(reason)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class PageProblems:
    """Console errors, uncaught exceptions and failed/4xx/5xx requests seen by a page."""

    items: list[str] = field(default_factory=list)

    def assert_none(self) -> None:
        assert not self.items, "browser reported problems:\n" + "\n".join(self.items)


def _note_failed_request(problems: PageProblems, req) -> None:  # noqa: ANN001
    """Record a failed request, except a GET that was aborted (net::ERR_ABORTED).

    Those are cancelled on purpose, never failed: the pages abort a stale query when a newer one
    starts (LiveQuery, AbortController), and a reload or navigation cancels what the page had in
    flight, the favicon Chromium fetches after the load event included. No learner sees them.
    """
    if req.method == "GET" and "ERR_ABORTED" in str(req.failure):
        return
    problems.items.append(f"request failed: {req.method} {req.url} ({req.failure})")


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def page(browser: Browser, live_server, page_problems: PageProblems) -> Iterator[Page]:  # noqa: ANN001
    """A fresh 1280x800 page whose relative URLs resolve against the live server."""
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and page_problems.items.append(f"console: {msg.text}"))
    page.on("pageerror", lambda exc: page_problems.items.append(f"uncaught: {exc}"))
    page.on("requestfailed", lambda req: _note_failed_request(page_problems, req))
    page.on(
        "response",
        lambda resp: resp.status >= 400 and page_problems.items.append(f"HTTP {resp.status}: {resp.url}"),
    )
    try:
        yield page
    finally:
        context.close()
