"""No request hurts the others (app/guards/): every body bounded, JSON parsed off the event loop and
refused when hostile, heavy work in a few slots, cost checked before work, errors that never echo
large input, WebSocket closes that fit, and no writes from other sites. Slow clients and the
connection caps are in tests/test_slow_clients.py."""

from __future__ import annotations

import json
import threading
import time

import anyio
import httpx2
import numpy as np
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.guards.json_body import parse_json
from app.main import create_app
from app.settings import Settings
from tests.fixtures_images import encode
from PIL import Image

HEADERS = {"Content-Type": "application/json"}


def post_json(api: TestClient, path: str, text: str | bytes, **headers: str):
    return api.post(path, content=text, headers=HEADERS | headers)


# ---- 1. one body limit for every request, JSON as well as multipart --------------------------
def test_a_5_mb_json_array_is_a_413_naming_the_limit(api):
    body = json.dumps({"x": [1.5] * 1_250_000, "w": [1]})  # about 6 MB
    r = post_json(api, "/api/lessons/correlate-1d", body)
    assert r.status_code == 413
    assert r.json()["detail"] == ("the request body is larger than the limit of 64,000 bytes for JSON "
                                  "(CONVSCOPE_MAX_JSON_BYTES)")


def test_a_chunked_json_body_is_cut_off_as_it_passes_the_limit(tmp_path):
    """Through the ASGI app, which (unlike TestClient) receives the body chunk by chunk."""
    app = create_app(Settings(runs_dir=tmp_path / "runs"))
    pulled = 0

    async def chunks():
        nonlocal pulled
        yield b'{"x": ['
        for _ in range(1000):  # 100 MB if it were all read
            pulled += 1
            yield b"1," * 50_000
        yield b"1]}"

    async def main():
        async with app.router.lifespan_context(app):
            transport = httpx2.ASGITransport(app=app)
            async with httpx2.AsyncClient(transport=transport, base_url="http://test") as c:
                r = await c.post("/api/lessons/correlate-1d", content=chunks(), headers=HEADERS)
                after = await c.post("/api/lessons/conv-cost", json={"dk": 3})
                return r, after.status_code

    r, after = anyio.run(main)
    assert "content-length" not in r.request.headers
    assert r.status_code == 413 and "64,000 bytes" in r.json()["detail"]
    assert pulled <= 3 and after == 200  # refused a chunk past the limit, not after 100 MB


def test_the_json_limit_is_configurable_and_uploads_keep_theirs(tmp_path):
    settings = Settings(runs_dir=tmp_path / "runs", max_json_bytes=1_000, max_upload_bytes=2_000_000)
    with TestClient(create_app(settings)) as c:
        r = post_json(c, "/api/lessons/conv-cost", json.dumps({"dk": 3, "pad": " " * 2_000}))
        assert r.status_code == 413 and "limit of 1,000 bytes" in r.json()["detail"]
        photo = encode(Image.new("RGB", (400, 300), (200, 30, 30)), "PNG")
        assert len(photo) > 1_000
        assert c.post("/api/images", files={"file": ("p.png", photo, "image/png")}).status_code == 201


# ---- 1. JSON parsed off the event loop ---------------------------------------------------------
def test_json_bodies_are_parsed_in_a_worker_thread_not_on_the_event_loop(api, monkeypatch):
    import app.guards.json_body as json_body

    threads = []
    real = json_body.json.loads

    def spying_loads(*args, **kwargs):  # the real parser, noting which thread ran it
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(json_body.json, "loads", spying_loads)
    for path, body in [("/api/lessons/conv-cost", {"dk": 3}), ("/api/digits/predict", {"pixels": [[0.5] * 28] * 28}),
                       ("/api/receptive-field/stack", {"layers": [{"kind": "conv"}]})]:
        assert api.post(path, json=body).status_code == 200
    assert len(threads) == 3 and threading.main_thread() not in threads
    assert all(t.name.startswith(("AnyIO", "asyncio", "ThreadPool")) for t in threads), threads


# ---- 3. NaN, Infinity and overflow are 422s naming the field -----------------------------------
@pytest.mark.parametrize("path,text", [
    ("/api/lessons/correlate-1d", '{"x": [1, NaN, 3], "w": [1]}'),
    ("/api/lessons/slide", '{"x": [[Infinity]], "w": [[1]]}'),
    ("/api/lessons/pooling", '{"x": [[-Infinity, 1], [2, 3]]}'),
    ("/api/runs", '{"lr": NaN}'),
    ("/api/runs", '{"momentum": 1e999}'),
    ("/api/kernels/explain", '{"image_id": "x", "x": 0, "y": 0, "kernel": [[NaN]]}'),
    ("/api/digits/predict", '{"pixels": [[NaN]]}'),
])
def test_nan_infinity_and_overflow_are_422s_that_encode(api, path, text):
    r = post_json(api, path, text)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert any(words in detail for words in ("is not a number in JSON", "must be a finite number",
                                             "must be at most")), detail


# ---- 4. deep nesting ---------------------------------------------------------------------------
@pytest.mark.parametrize("depth", [40, 10_000, 30_000])
@pytest.mark.parametrize("path", ["/api/digits/predict", "/api/lessons/correlate-2d", "/api/runs"])
def test_deeply_nested_json_is_refused_unparsed(api, path, depth):
    """Deeper than 32 levels is a 422; a document longer than any valid one is a 413 before that."""
    r = post_json(api, path, "[" * depth + "]" * depth)
    assert r.status_code in (413, 422), r.text
    assert ("deeper than 32 levels" if r.status_code == 422 else "the largest its schema allows") in r.json()["detail"]


def test_the_depth_of_an_ordinary_body_is_allowed():
    assert parse_json(json.dumps({"x": [[1, 2], [3, 4]], "layers": [{"kind": "relu"}]}).encode(), 3)
    with pytest.raises(ValueError, match="deeper than 2 levels"):
        parse_json(b'{"x": [[1]]}', 2)


# ---- 1. a 422 quotes at most a short excerpt ---------------------------------------------------
def test_a_422_never_echoes_a_large_input(api):
    text = json.dumps({"x": ["text " * 20] * 4_000, "w": [1]})  # 400 kB of strings is over the limit...
    assert post_json(api, "/api/lessons/correlate-1d", text).status_code == 413
    text = json.dumps({"x": [["a" * 100] * 12] * 12, "w": [[1]]})  # ...so 15 kB, every cell wrong
    r = post_json(api, "/api/lessons/correlate-2d", text)
    assert r.status_code == 422 and len(text) > 14_000
    assert len(r.content) < 6_000, len(r.content)
    assert "and " in r.json()["detail"] and "more like these" in r.json()["detail"]


# ---- 2. cost is checked before work ------------------------------------------------------------
def test_counting_parameters_builds_no_weights(api):
    huge_conv = {"input": [1024, 32, 32], "layers": [{"kind": "conv", "channels": 1024, "kernel": 15}]}
    started = time.perf_counter()
    r = api.post("/api/lessons/parameters", json=huge_conv)
    assert r.status_code == 200 and r.json()["total"] == 1024 * 1024 * 15 * 15 + 1024
    many_linear = {"layers": [{"kind": "flatten"}] + [{"kind": "linear", "features": 100_000}] * 29}
    r = api.post("/api/lessons/parameters", json=many_linear)
    assert r.status_code == 200 and r.json()["total"] == 784 * 100_000 + 100_000 + 28 * (100_000 ** 2 + 100_000)
    assert time.perf_counter() - started < 5  # before: 5.1 s and +2.7 GB for the first alone


# ---- 5. thin images are refused by their sides -------------------------------------------------
def test_a_1_by_4_million_drawing_is_refused_by_its_side(api):
    thin = encode(Image.new("L", (4_000_000, 1), 255), "PNG")
    r = api.post("/api/digits/predict", files={"file": ("d.png", thin, "image/png")})
    assert r.status_code == 413 and r.json()["detail"] == ("image is 4000000x1: a side may be at most "
                                                           "4096 pixels")


def test_a_1_by_40_million_upload_is_refused_by_its_side(api):
    thin = encode(Image.new("L", (1, 20_000_000), 0), "PNG")
    r = api.post("/api/images", files={"file": ("t.png", thin, "image/png")})
    assert r.status_code == 413 and "a side may be at most 16384 pixels" in r.json()["detail"]


# ---- heavy work in a few slots -----------------------------------------------------------------
def test_when_every_image_slot_stays_taken_past_the_wait_the_request_is_a_503_with_retry_after(tmp_path):
    with TestClient(create_app(Settings(runs_dir=tmp_path / "runs", slot_wait_ms=200))) as api:
        slots = api.app.state.work_slots
        for _ in range(slots.limits["image"]):
            api.portal.call(slots.take_now, "image")
        photo = encode(Image.new("RGB", (40, 30)), "PNG")
        started = time.perf_counter()
        r = api.post("/api/images", files={"file": ("p.png", photo, "image/png")})
        waited = time.perf_counter() - started
        assert r.status_code == 503 and r.headers["retry-after"] == "1" and 0.2 <= waited < 2
        assert "busy with 2 other image requests" in r.json()["detail"]
        for _ in range(slots.limits["image"]):
            api.portal.call(slots.release, "image")
        assert api.post("/api/images", files={"file": ("p.png", photo, "image/png")}).status_code == 201


def test_a_request_that_finds_every_slot_taken_waits_its_turn_and_is_served(tmp_path):
    with TestClient(create_app(Settings(runs_dir=tmp_path / "runs", slot_wait_ms=5000))) as api:
        slots = api.app.state.work_slots
        for _ in range(slots.limits["engine"]):
            api.portal.call(slots.take_now, "engine")
        answers = []
        waiter = threading.Thread(target=lambda: answers.append(
            api.post("/api/lessons/pooling", json={"x": [[1, 2], [3, 4]], "kernel": 2})))
        waiter.start()
        deadline = time.monotonic() + 5
        while api.portal.call(slots.queued, "engine") == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert api.portal.call(slots.queued, "engine") == 1 and not answers  # waiting, not refused
        api.portal.call(slots.release, "engine")  # one slot frees: it goes to the waiting request
        waiter.join(10)
        assert answers[0].status_code == 200 and answers[0].json()["max"] == [[4.0]]
        assert api.portal.call(slots.in_use, "engine") == slots.limits["engine"] - 1


def test_request_work_shares_as_many_worker_threads_as_the_settings_say(tmp_path):
    """Each busy worker thread is one more the event loop's thread must win the GIL from."""
    with TestClient(create_app(Settings(runs_dir=tmp_path / "runs", worker_threads=3))) as c:
        assert c.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens) == 3
        assert c.post("/api/lessons/conv-cost", json={"dk": 3}).status_code == 200
    assert Settings.from_env({"CONVSCOPE_WORKER_THREADS": "5"}).worker_threads == 5


# ---- 6. WebSocket closes always fit --------------------------------------------------------------
@pytest.mark.parametrize("run_id", ["x" * 110, "é" * 200, "0123456789ab", "nope"])
def test_unknown_run_ids_of_any_length_get_4404_with_a_reason_that_fits(api, run_id):
    with api.websocket_connect(f"/ws/runs/{run_id}") as ws:
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    assert closed.value.code == 4404
    assert 0 < len(closed.value.reason.encode()) <= 123


# ---- 8. no writes from other sites -------------------------------------------------------------
def test_a_form_post_from_another_site_cannot_swap_the_model(api):
    r = api.post("/api/model/pretrained", headers={"Origin": "https://evil.example", "Content-Type":
                                                    "application/x-www-form-urlencoded"}, content=b"a=1")
    assert r.status_code == 403 and "from another site (https://evil.example) is refused" in r.json()["detail"]
    r = api.post("/api/model/pretrained", headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403


@pytest.mark.parametrize("method,path", [("POST", "/api/runs/0123456789ab/stop"), ("DELETE", "/api/runs/0123456789ab"),
                                         ("POST", "/api/lessons/conv-cost"), ("POST", "/api/images")])
def test_every_state_changing_request_from_another_origin_is_a_403(api, method, path):
    r = api.request(method, path, headers={"Origin": "http://localhost.evil:8000"})
    assert r.status_code == 403


def test_the_same_origin_and_clients_without_one_are_served(api):
    assert api.post("/api/model/pretrained", headers={"Origin": "http://testserver"}).status_code == 200
    assert api.post("/api/model/pretrained").status_code == 200  # curl and scripts send no Origin
    assert api.post("/api/lessons/conv-cost", json={"dk": 3}, headers={"Origin": "http://testserver"}).status_code == 200


def test_a_plain_form_body_is_refused_even_without_an_origin(api):
    for content_type in ("application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"):
        r = api.post("/api/model/pretrained", content=b"a=1", headers={"Content-Type": content_type})
        assert r.status_code == 403 and "send JSON" in r.json()["detail"]


def test_origins_listed_in_the_settings_may_write(tmp_path):
    settings = Settings(runs_dir=tmp_path / "runs", cors_origins=("https://class.example.org",))
    with TestClient(create_app(settings)) as c:
        ok = c.post("/api/lessons/conv-cost", json={"dk": 3}, headers={"Origin": "https://class.example.org"})
        refused = c.post("/api/lessons/conv-cost", json={"dk": 3}, headers={"Origin": "https://other.example.org"})
    assert (ok.status_code, refused.status_code) == (200, 403)


def test_websockets_check_their_origin(api):
    run = api.post("/api/runs", json={"train_size": 500, "epochs": 1}).json()
    with pytest.raises(WebSocketDisconnect) as refused:
        with api.websocket_connect(f"/ws/runs/{run['id']}", headers={"Origin": "https://evil.example"}):
            pass
    assert refused.value.code == 1008
    with api.websocket_connect(f"/ws/runs/{run['id']}", headers={"Origin": "http://testserver"}) as ws:
        assert json.loads(ws.receive_text())["type"] == "snapshot"
    api.post(f"/api/runs/{run['id']}/stop")


def test_the_guards_leave_the_pages_and_their_reads_alone(api):
    for path in ("/", "/kernels", "/api/health", "/api/model"):
        assert api.get(path, headers={"Origin": "https://evil.example"}).status_code == 200
    assert np.isfinite(api.get("/api/health").json()["uptime_seconds"])


def test_a_body_longer_than_any_valid_one_is_refused_before_it_is_parsed(api):
    """correlate-1d takes at most 32 + 9 + 64 numbers: 60 kB of them cannot be right."""
    text = json.dumps({"x": [1.5] * 10_000, "w": [1]})
    r = post_json(api, "/api/lessons/correlate-1d", text)
    assert r.status_code == 413 and "the largest its schema allows" in r.json()["detail"]
    assert post_json(api, "/api/lessons/correlate-1d", json.dumps({"x": [1.5] * 32, "w": [1] * 9}, indent=8)
                     ).status_code == 200  # a valid body, pretty-printed, is still taken
