"""The lesson pages without a browser: /lessons and /lessons/{slug} render, name themselves, link to the
previous and next lesson and to the tools that use them, and load only same-origin files, with no inline
scripts or styles."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from app.paths import STATIC_DIR, TEMPLATES_DIR
from app.routes.lesson_pages import LESSONS, tools_for
from app.routes.pages import TOOLS

SLUGS = [
    "cross-correlation",
    "padding-and-stride",
    "convolution-vs-correlation",
    "pooling",
    "convolution-types",
    "parameters",
    "results",
    "transposed-convolution",
    "groups",
    "causal-convolution",
    "translation",
]


def lesson_body(page: str) -> str:
    """The lesson itself: everything inside <main>, without the site header and footer."""
    match = re.search(r"<main id=\"main\">(.*)</main>", page, re.S)
    assert match, "no <main> element"
    return match.group(1)


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_the_lessons_in_order() -> None:
    assert [lesson.slug for lesson in LESSONS] == SLUGS
    for lesson in LESSONS:
        assert (TEMPLATES_DIR / lesson.template).is_file(), lesson.template
        assert (STATIC_DIR / lesson.script.removeprefix("/static/")).is_file(), lesson.script
        assert set(lesson.tools) <= {"/kernels", "/training", "/digits", "/receptive-field"}


def test_index_links_every_lesson(client: TestClient) -> None:
    r = client.get("/lessons")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "<title>Lessons &middot; convscope</title>" in r.text or "<title>Lessons · convscope</title>" in r.text
    body = lesson_body(r.text)
    links = hrefs(body)
    assert [h for h in links if h.startswith("/lessons/")] == [f"/lessons/{s}" for s in SLUGS]
    for lesson in LESSONS:
        assert str(escape(lesson.title)) in body


@pytest.mark.parametrize("number, slug", list(enumerate(SLUGS, start=1)))
def test_each_lesson_renders_with_title_and_neighbours(client: TestClient, number: int, slug: str) -> None:
    lesson = LESSONS[number - 1]
    r = client.get(f"/lessons/{slug}")
    assert r.status_code == 200, r.text[:500]
    page = r.text
    title = str(escape(lesson.title))
    assert re.search(rf"<title>{re.escape(title)} &middot; Lessons &middot; convscope</title>", page)
    assert re.search(rf"<h1>{re.escape(title)}</h1>", page)
    assert f"Lesson {number} of {len(SLUGS)}" in page
    assert '<link rel="stylesheet" href="/static/css/lessons.css">' in page
    assert f'<script type="module" src="/static/js/lessons/{slug}-page.js"></script>' in page
    assert f'data-lesson-page="{slug}"' in page

    body = lesson_body(page)
    pager = re.search(r'<nav class="ls-pager"[^>]*>(.*?)</nav>', body, re.S).group(1)
    if number > 1:
        assert re.search(rf'href="/lessons/{SLUGS[number - 2]}" rel="prev"', pager)
    else:
        assert 'href="/lessons" data-pager="index"' in pager and 'rel="prev"' not in pager
    if number < len(SLUGS):
        assert re.search(rf'href="/lessons/{SLUGS[number]}" rel="next"', pager)
    else:
        assert 'href="/lessons" data-pager="index"' in pager and 'rel="next"' not in pager

    # The lesson list marks this lesson as the current one.
    steps = re.search(r'<nav class="ls-steps" aria-label="Lessons">(.*?)</nav>', body, re.S).group(1)
    assert re.findall(r'href="([^"]+)"', steps) == [f"/lessons/{s}" for s in SLUGS]
    assert re.search(rf'href="/lessons/{slug}" aria-current="page"', steps)
    assert steps.count('aria-current="page"') == 1


@pytest.mark.parametrize("slug", SLUGS)
def test_lessons_link_to_their_tools(client: TestClient, slug: str) -> None:
    lesson = next(lesson for lesson in LESSONS if lesson.slug == slug)
    body = lesson_body(client.get(f"/lessons/{slug}").text)
    related = re.search(r'<aside class="[^"]*\bls-related\b[^"]*".*?</aside>', body, re.S).group(0)
    tools = tools_for(lesson)
    assert tools, f"{slug} names no tool"
    for tool in tools:
        assert tool.title in related
        assert f'href="{tool.path}"' in related
    # Pages only: a lesson never links a learner to a JSON endpoint.
    assert not [h for h in hrefs(body) if h.startswith("/api")]


@pytest.mark.parametrize("slug", SLUGS)
def test_no_inline_script_or_style(client: TestClient, slug: str) -> None:
    page = client.get(f"/lessons/{slug}").text
    assert " style=" not in page and "<style" not in page
    for script in re.findall(r"<script\b[^>]*>", page):
        assert "src=" in script, script
    assert not re.search(r"\son[a-z]+=\"", page), "inline event handler"


@pytest.mark.parametrize("path", ["/lessons"] + [f"/lessons/{s}" for s in SLUGS])
def test_every_internal_link_and_file_resolves(client: TestClient, path: str) -> None:
    page = client.get(path).text
    targets = set(re.findall(r'(?:href|src)="(/[^"#]*)"', page))
    assert targets
    for target in sorted(targets):
        r = client.get(target)
        assert r.status_code == 200, f"{path} -> {target}: {r.status_code}"


def test_unknown_lesson_is_404_with_the_list(client: TestClient) -> None:
    r = client.get("/lessons/deconvolution")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "There is no lesson called \u201cdeconvolution\u201d" in r.text
    assert [h for h in hrefs(lesson_body(r.text)) if h.startswith("/lessons/")] == [f"/lessons/{s}" for s in SLUGS]
    # What the learner typed is escaped, never markup.
    r = client.get("/lessons/%3Cb%3Ebold")
    assert r.status_code == 404
    assert "<b>bold" not in r.text and "&lt;b&gt;bold" in r.text


def test_lessons_are_not_in_the_api_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/lessons" not in paths and "/lessons/{slug}" not in paths
    assert "/api/lessons/correlate-1d" in paths


def test_navigation_names_lessons_as_the_tools_list_says(client: TestClient) -> None:
    """TOOLS (app/routes/pages.py) decides whether the main navigation links the lessons."""
    page = client.get("/lessons/pooling").text
    nav = re.search(r'<nav class="site-nav" aria-label="Main">(.*?)</nav>', page, re.S).group(1)
    assert any(t.path == "/lessons/cross-correlation" for t in TOOLS)
    assert re.search(r'href="/lessons/cross-correlation" aria-current="page"', nav)
