"""The app skeleton: landing page, navigation, health, API docs, static files, settings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from app import paths
from app.main import create_app
from app.routes.pages import (
    DEMO_INPUT,
    DEMO_KERNEL,
    DEMO_OUTPUT,
    LENET5_PARAMS,
    MLP_PARAMS,
    TOOLS,
    cross_correlate_valid,
)
from app.settings import Settings, SettingsError

NAV_ITEMS = ["Home", "Kernels", "Training", "Digits", "Receptive fields", "Lessons", "API"]


def _nav_html(page: str) -> str:
    match = re.search(r'<nav class="site-nav" aria-label="Main">(.*?)</nav>', page, re.S)
    assert match, "navigation bar missing"
    return match.group(1)


def test_landing_page_renders(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "<title>convscope" in r.text
    assert '<link rel="stylesheet" href="/static/css/site.css">' in r.text


def test_landing_page_names_every_tool_with_a_card(client: TestClient) -> None:
    page = client.get("/").text
    for tool in TOOLS:
        assert tool.title in page
        assert str(escape(tool.blurb)) in page
    assert page.count('<li class="card') == len(TOOLS)


def test_landing_page_states_what_it_teaches(client: TestClient) -> None:
    page = client.get("/").text
    for phrase in ["dot product", "Padding", "stride", "pooling", "LeNet-5", "61,684", "784-300-50-10", "251,060",
                   "Receptive fields", "Training, live", "Draw a digit"]:
        assert phrase in page, phrase


def test_nav_lists_every_section_in_order(client: TestClient) -> None:
    nav = _nav_html(client.get("/").text)
    positions = [nav.find(">" + item) for item in NAV_ITEMS]
    assert all(p >= 0 for p in positions), dict(zip(NAV_ITEMS, positions))
    assert positions == sorted(positions)
    assert '<a href="/" aria-current="page">Home</a>' in nav


def test_every_tool_is_a_link_in_the_navigation_and_on_a_card(client: TestClient) -> None:
    page = client.get("/").text
    for tool in TOOLS:
        assert f'<a href="{tool.path}"' in _nav_html(page)
        assert f'<a class="card-link" href="{tool.path}">' in page
    assert "soon" not in page.lower()


@pytest.mark.parametrize("path", ["/", "/kernels", "/training", "/digits", "/receptive-field", "/lessons",
                                  "/lessons/pooling", "/docs", "/api/health", "/static/css/site.css"])
def test_head_answers_wherever_get_does_with_the_same_headers_and_no_body(client: TestClient, path: str) -> None:
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers.get("content-security-policy") == got.headers.get("content-security-policy")


@pytest.mark.parametrize("method,path,allow", [
    ("PUT", "/api/runs", "GET, HEAD, POST"), ("DELETE", "/api/health", "GET, HEAD"),
    ("PATCH", "/api/lessons/conv-cost", "POST"), ("PUT", "/api/runs/abc123", "GET, HEAD, DELETE"),
    ("POST", "/kernels", "GET, HEAD")])
def test_405_names_every_method_the_path_takes(client: TestClient, method: str, path: str, allow: str) -> None:
    r = client.request(method, path)
    assert r.status_code == 405 and r.headers["allow"] == allow
    assert r.json()["detail"] == f"{method} is not allowed on {path}; it takes {allow}"


def test_every_internal_link_on_the_landing_page_resolves(client: TestClient) -> None:
    page = client.get("/").text
    targets = set(re.findall(r'(?:href|src)="(/[^"#]*)"', page))
    assert "/docs" in targets and "/static/js/conv-demo.js" in targets
    for target in sorted(targets):
        assert client.get(target).status_code == 200, target


def test_worked_example_is_a_correct_cross_correlation() -> None:
    assert len(DEMO_OUTPUT) == len(DEMO_INPUT) - len(DEMO_KERNEL) + 1
    # Cross-check one value by hand: window at (0, 1), kernel = right column minus left column.
    window = [row[1:4] for row in DEMO_INPUT[0:3]]
    assert DEMO_OUTPUT[0][1] == sum(r[2] - r[0] for r in window)
    assert cross_correlate_valid(((1, 2), (3, 4)), ((1,),)) == [[1, 2], [3, 4]]


def test_parameter_counts_match_the_engine() -> None:
    from model.zoo import lenet5, mlp

    assert MLP_PARAMS == 784 * 300 + 300 + 300 * 50 + 50 + 50 * 10 + 10 == 251_060
    assert mlp().num_params() == MLP_PARAMS
    assert lenet5().num_params() == LENET5_PARAMS == 61_684


def test_templates_autoescape(client: TestClient) -> None:
    env = client.app.state.templates.env
    rendered = env.from_string("{{ x }}").render(x="<script>alert(1)</script>")
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered


def test_no_inline_scripts_or_styles(client: TestClient) -> None:
    page = client.get("/").text
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts, "expected at least one module script"
    for tag in scripts:
        assert 'type="module"' in tag and 'src="/static/' in tag, tag
    assert not re.search(r"<script\b[^>]*>(?!</script>)", page), "inline script body found"
    assert " style=" not in page and "<style" not in page
    assert not re.search(r"\son[a-z]+=", page), "inline event handler found"


def test_health(client: TestClient) -> None:
    r = client.get("/api/health")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"status", "version", "uptime_seconds"}
    assert body["status"] == "ok"
    assert isinstance(body["version"], str) and body["version"]
    assert isinstance(body["uptime_seconds"], float) and body["uptime_seconds"] >= 0


def test_lifespan_stores_settings_and_network_slots(client: TestClient, settings: Settings) -> None:
    from app.session_networks import SessionNetworks

    assert client.app.state.settings is settings
    assert isinstance(client.app.state.networks, SessionNetworks)


def test_openapi_and_docs(client: TestClient) -> None:
    spec = client.get("/openapi.json")
    assert spec.status_code == 200
    doc = spec.json()
    assert doc["info"]["title"] == "convscope"
    assert "NumPy" in doc["info"]["description"]
    assert "/api/health" in doc["paths"]
    assert "/" not in doc["paths"], "HTML pages should stay out of the API reference"
    health = doc["paths"]["/api/health"]["get"]
    assert health["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Health")
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert "cdn." not in docs.text, "the API reference must not depend on a CDN"
    assets = re.findall(r'(?:href|src)="(/static/vendor/[^"]+)"', docs.text)
    assert len(assets) == 2, assets
    for asset in assets:
        assert client.get(asset).status_code == 200, f"{asset} missing: run `make vendor`"


def test_vendored_browser_libraries_are_installed(client: TestClient) -> None:
    for asset in ["uplot/uPlot.esm.js", "uplot/uPlot.min.css", "swagger-ui/swagger-ui-bundle.js"]:
        assert (paths.STATIC_DIR / "vendor" / asset).is_file(), f"static/vendor/{asset} missing: run `make vendor`"
        assert client.get(f"/static/vendor/{asset}").status_code == 200


def test_static_files_are_served(client: TestClient) -> None:
    css = client.get("/static/css/site.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    js = client.get("/static/js/conv-demo.js")
    assert js.status_code == 200
    assert "javascript" in js.headers["content-type"]
    assert client.get("/static/../app/settings.py").status_code == 404


def test_favicon(client: TestClient) -> None:
    r = client.get("/favicon.svg")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")


def test_unknown_path_is_404(client: TestClient) -> None:
    assert client.get("/no-such-page").status_code == 404
    assert client.get("/api/no-such-endpoint").status_code == 404
    assert client.get("/static/no-such-file.css").status_code == 404


def test_paths_do_not_depend_on_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert paths.ROOT.is_absolute()
    assert (paths.ROOT / "app" / "paths.py").is_file()
    assert paths.STATIC_DIR == paths.ROOT / "static" and paths.STATIC_DIR.is_dir()
    assert paths.TEMPLATES_DIR == paths.ROOT / "templates" and (paths.TEMPLATES_DIR / "base.html").is_file()
    with TestClient(create_app(Settings())) as c:
        assert c.get("/").status_code == 200


def test_settings_defaults() -> None:
    s = Settings.from_env({})
    assert s == Settings()
    assert (s.host, s.port) == ("127.0.0.1", 8000)
    assert s.max_upload_bytes == 20_000_000
    assert s.max_image_pixels == 40_000_000
    assert s.max_kernel_size == 15
    assert s.weights_path == paths.ROOT / "model" / "weights" / "lenet5-mnist.npz"


def test_settings_from_env_overrides() -> None:
    s = Settings.from_env(
        {
            "CONVSCOPE_PORT": "9001",
            "CONVSCOPE_HOST": "0.0.0.0",
            "CONVSCOPE_MAX_UPLOAD_BYTES": "1_000",
            "CONVSCOPE_WEIGHTS_PATH": "/tmp/w.npz",
            "CONVSCOPE_RUNS_DIR": "relative/runs",
            "CONVSCOPE_MAX_KERNEL_SIZE": "",  # empty means default
            "OTHER_PORT": "1",
        }
    )
    assert (s.port, s.host, s.max_upload_bytes) == (9001, "0.0.0.0", 1000)
    assert s.weights_path == Path("/tmp/w.npz")
    assert s.runs_dir == paths.ROOT / "relative" / "runs"
    assert s.max_kernel_size == 15


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CONVSCOPE_PORT": "eighty"}, "CONVSCOPE_PORT='eighty' is not a valid integer"),
        ({"CONVSCOPE_PORT": "70000"}, "CONVSCOPE_PORT"),
        ({"CONVSCOPE_MAX_UPLOAD_BYTES": "1.5e6"}, "CONVSCOPE_MAX_UPLOAD_BYTES"),
        ({"CONVSCOPE_MAX_KERNEL_SIZE": "0"}, "CONVSCOPE_MAX_KERNEL_SIZE"),
        ({"CONVSCOPE_MAX_IMAGE_PIXELS": "-1"}, "CONVSCOPE_MAX_IMAGE_PIXELS"),
    ],
)
def test_settings_reject_bad_env(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        Settings.from_env(env)


def test_settings_are_frozen() -> None:
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().port = 1  # type: ignore[misc]


def test_create_app_reads_env_when_no_settings_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONVSCOPE_MAX_KERNEL_SIZE", "7")
    assert create_app().state.settings.max_kernel_size == 7
    monkeypatch.setenv("CONVSCOPE_MAX_KERNEL_SIZE", "seven")
    with pytest.raises(SettingsError):
        create_app()
