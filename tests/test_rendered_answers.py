"""GuardedRoute dumps a route's answer to JSON in the worker thread, not on the event loop
(app/guards/rendered_answers.py), and the answer is byte for byte the one FastAPI would send."""

from __future__ import annotations

import threading

import pytest
from fastapi import APIRouter, FastAPI, Response
from fastapi.exceptions import ResponseValidationError
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel, field_serializer

from app.guards.json_body import GuardedRoute
from app.main import create_app
from app.settings import Settings

DUMPED_IN: list[str] = []  # the thread each answer was dumped in


class Answer(BaseModel):
    total: float
    values: list[float]

    @field_serializer("values")
    def _noting_the_thread(self, values: list[float]) -> list[float]:
        DUMPED_IN.append(threading.current_thread().name)
        return values


def make_app(route_class: type[APIRoute]) -> tuple[FastAPI, dict[str, str]]:
    router = APIRouter(route_class=route_class)
    loop_thread: dict[str, str] = {}

    @router.post("/sum")
    def total(values: list[float]) -> Answer:
        return Answer(total=sum(values), values=values)

    @router.post("/made", status_code=201)
    async def made(values: list[float]) -> Answer:
        loop_thread["name"] = threading.current_thread().name
        return Answer(total=len(values), values=values)

    @router.get("/plain")
    def plain() -> dict[str, int]:
        return {"a": 1}

    @router.get("/with-header")
    def with_header(response: Response) -> Answer:
        response.headers["X-Set-By-Route"] = "yes"
        return Answer(total=0, values=[])

    @router.get("/wrong")
    def wrong() -> Answer:
        return {"total": "not a number"}  # type: ignore[return-value]

    app = FastAPI()
    app.state.settings = Settings()  # GuardedRoute reads its JSON depth limit
    app.include_router(router)
    return app, loop_thread


@pytest.fixture
def clients():
    guarded, guarded_loop = make_app(GuardedRoute)
    plain, plain_loop = make_app(APIRoute)
    with TestClient(guarded) as g, TestClient(plain) as p:
        yield g, p, guarded_loop, plain_loop


def test_a_plain_def_routes_answer_is_dumped_in_its_worker_thread(clients):
    guarded, _, loop_thread, _ = clients
    DUMPED_IN.clear()
    guarded.post("/made", json=[1])  # the loop's thread, as an async route sees it
    DUMPED_IN.clear()
    assert guarded.post("/sum", json=[1, 2.5]).json() == {"total": 3.5, "values": [1.0, 2.5]}
    assert DUMPED_IN and DUMPED_IN[0] != loop_thread["name"] and DUMPED_IN[0].startswith("AnyIO worker")


def test_an_async_routes_answer_is_dumped_in_a_worker_thread_too(clients):
    guarded, _, loop_thread, _ = clients
    DUMPED_IN.clear()
    assert guarded.post("/made", json=[1, 2]).status_code == 201
    assert DUMPED_IN[0] != loop_thread["name"] and DUMPED_IN[0].startswith("AnyIO worker")


def test_without_the_guard_fastapi_dumps_on_the_loop(clients):
    """The spy can tell the two apart: FastAPI's own route dumps in the loop's thread."""
    _, plain, _, loop_thread = clients
    plain.post("/made", json=[1])
    DUMPED_IN.clear()
    plain.post("/sum", json=[1])
    assert DUMPED_IN == [loop_thread["name"]]


@pytest.mark.parametrize("method,path,body", [("POST", "/sum", [1, 2.5, -3]), ("POST", "/made", [4.0]),
                                              ("GET", "/plain", None), ("GET", "/with-header", None),
                                              ("POST", "/sum", ["not a number"])])
def test_the_answer_is_byte_for_byte_fastapis(clients, method, path, body):
    guarded, plain, _, _ = clients
    a, b = guarded.request(method, path, json=body), plain.request(method, path, json=body)
    assert (a.status_code, a.content, a.headers["content-type"]) == (b.status_code, b.content,
                                                                        b.headers["content-type"])
    assert a.headers.get("x-set-by-route") == b.headers.get("x-set-by-route")


def test_an_answer_its_model_refuses_is_still_a_server_error(clients):
    guarded, _, _, _ = clients
    with pytest.raises(ResponseValidationError):
        guarded.get("/wrong")


@pytest.fixture
def api(tmp_path):
    with TestClient(create_app(Settings(runs_dir=tmp_path / "runs"))) as c:
        yield c


def test_the_real_apps_larger_answers_are_dumped_off_the_loop(api, monkeypatch):
    """/api/lessons/slide's 95 kB answer: its model's dump runs in a worker thread."""
    from app.guards import rendered_answers

    threads = []
    real = rendered_answers.AnswerRenderer.__call__

    def spying(self, result):  # noqa: ANN001, ANN202
        threads.append(threading.current_thread().name)
        return real(self, result)

    monkeypatch.setattr(rendered_answers.AnswerRenderer, "__call__", spying)
    grid = [[float((r + c) % 9) for c in range(32)] for r in range(32)]
    r = api.post("/api/lessons/slide", json={"x": grid, "w": [[1.0] * 7] * 7, "dilation": 4, "padding": "reflect"})
    assert r.status_code == 200 and len(r.content) > 50_000
    assert threads and all(name.startswith("AnyIO worker") for name in threads)


def test_routes_are_built_at_start_up_not_on_the_first_request(tmp_path, monkeypatch):
    """FastAPI builds an included router's routes lazily; create_app builds them all up front, so
    the first burst of requests does not wait while the event loop builds them."""
    import fastapi.routing

    app = create_app(Settings(runs_dir=tmp_path / "runs"))
    built = []
    real = fastapi.routing._EffectiveRouteContext.from_api_route.__func__

    def counting(cls, **kwargs):  # noqa: ANN001, ANN202
        built.append(kwargs["original_route"].path)
        return real(cls, **kwargs)

    monkeypatch.setattr(fastapi.routing._EffectiveRouteContext, "from_api_route", classmethod(counting))
    with TestClient(app) as c:
        assert c.post("/api/lessons/conv-cost", json={"dk": 3}).status_code == 200
        assert c.get("/api/model").status_code == 200
    assert built == []
