"""Security: response headers, no inline script, CORS off by default, ids that cannot escape
the data folder, no pickle, loopback by default."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.paths import ROOT, TEMPLATES_DIR
from app.settings import Settings


@pytest.mark.parametrize("path", ["/", "/api/health", "/static/css/site.css", "/api/model", "/nope", "/kernels"])
def test_every_response_has_the_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"


def test_only_the_api_reference_allows_inline_styles(client):
    csp = client.get("/docs").headers["content-security-policy"]
    assert "style-src 'self' 'unsafe-inline'" in csp and "script-src 'self';" in csp


def test_templates_hold_no_inline_script_or_handlers():
    for template in TEMPLATES_DIR.rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag, f"{template.name}: inline <script>"
        assert not re.search(r"\son[a-z]+\s*=", text), f"{template.name}: inline event handler"
        assert not re.search(r"\sstyle\s*=", text), f"{template.name}: inline style attribute"


def test_cors_is_off_unless_configured(client, tmp_path):
    preflight = {"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"}
    assert "access-control-allow-origin" not in client.options("/api/runs", headers=preflight).headers
    settings = Settings(runs_dir=tmp_path / "cors-runs", cors_origins=("https://school.example",))
    with TestClient(create_app(settings)) as allowed:
        r = allowed.get("/api/health", headers={"Origin": "https://school.example"})
        assert r.headers["access-control-allow-origin"] == "https://school.example"
        r = allowed.get("/api/health", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in r.headers


@pytest.mark.parametrize("path", ["/api/runs/..%2F..%2Fetc%2Fpasswd", "/api/runs/../../etc/passwd/weights",
                                  "/api/runs/%2e%2e/weights", "/api/images/..%2Fsecret/preview"])
def test_ids_cannot_reach_outside_the_data_folder(client, path):
    r = client.get(path)
    assert r.status_code in (404, 422)
    assert b"root:" not in r.content


def test_templates_escape_what_they_show(client):
    r = client.get("/lessons/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert r.status_code == 404 and b"<script>alert(1)" not in r.content


def test_no_pickle_anywhere():
    for source in list((ROOT / "app").rglob("*.py")) + list((ROOT / "model").rglob("*.py")):
        text = source.read_text()
        assert "import pickle" not in text and "allow_pickle=True" not in text, source
        for call in re.findall(r"np\.load\([^)]*\)", text):
            assert "allow_pickle=False" in call or "allow_pickle" not in call, source


def test_binds_loopback_unless_told_otherwise(monkeypatch):
    for var in ("CONVSCOPE_HOST",):
        monkeypatch.delenv(var, raising=False)
    assert Settings.from_env({}).host == "127.0.0.1"
    assert Settings.from_env({"CONVSCOPE_HOST": "0.0.0.0"}).host == "0.0.0.0"


def test_uploaded_file_names_are_never_used_as_paths(client):
    r = client.post("/api/images", files={"file": ("../../../../tmp/evil.png", b"\x89PNG\r\n\x1a\n", "image/png")})
    assert r.status_code == 400
    assert not Path("/tmp/evil.png").exists()
