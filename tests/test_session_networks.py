"""A classroom on one server (app/session_networks.py): which network answers is each browser's
own choice. Two learners on one server, at the same time, are answered by two different networks;
one's activation, import or way back changes nothing for the other."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.session_networks import COOKIE
from app.settings import Settings
from model.datasets import load_dataset
from model.presets import PRESETS
from model.zoo import from_spec

DIGIT = load_dataset().test_images[0].astype(float) / 255.0  # a 7


@pytest.fixture(scope="module")
def learners(tmp_path_factory):
    """Two browsers (two cookie jars) on one server."""
    app = create_app(Settings(runs_dir=tmp_path_factory.mktemp("runs"), train_threads=1))
    with TestClient(app) as first:
        yield first, TestClient(app)  # the second shares the running app without starting it again


def _trained_run(api: TestClient) -> str:
    run_id = api.post("/api/runs", json={"train_size": 640, "epochs": 1}).json()["id"]
    deadline = time.monotonic() + 60
    while api.get(f"/api/runs/{run_id}").json()["status"] != "completed":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return run_id


def _predict(api: TestClient) -> dict:
    r = api.post("/api/digits/predict", json={"pixels": DIGIT.tolist()})
    assert r.status_code == 200, r.text
    return r.json()


def _import(api: TestClient, tmp_path) -> str:  # noqa: ANN001
    net = from_spec((1, 28, 28), PRESETS["mlp"]["layers"], seed=4)
    net.save(tmp_path / "mlp.npz")
    r = api.post("/api/networks/import", files={"weights": ("mlp.npz", (tmp_path / "mlp.npz").read_bytes())})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_two_learners_are_answered_by_two_networks_at_the_same_time(learners, tmp_path):
    ada, ben = learners
    run_id = _trained_run(ada)
    assert ada.post(f"/api/runs/{run_id}/activate").json()["source"] == f"run:{run_id}"
    assert ada.get("/api/model").json()["source"] == f"run:{run_id}"
    assert ben.get("/api/model").json()["source"] == "pretrained"  # Ada's choice is hers alone

    with ThreadPoolExecutor(4) as pool:  # side by side, interleaved
        answers = list(pool.map(lambda who: (who, _predict(who)["model"]), [ada, ben] * 20))
    assert {model for who, model in answers if who is ada} == {f"run:{run_id}"}
    assert {model for who, model in answers if who is ben} == {"pretrained"}
    assert _predict(ada)["probabilities"] != _predict(ben)["probabilities"]
    explained = ben.post("/api/digits/explain", json={"pixels": DIGIT.tolist(), "layer": "fc3", "unit": [7]})
    assert explained.status_code == 200 and explained.json()["model"] == "pretrained"

    import_id = _import(ben, tmp_path)
    assert ben.get("/api/model").json()["architecture"] == "custom"
    assert _predict(ben)["model"] == f"import:{import_id}"
    assert _predict(ada)["model"] == f"run:{run_id}"  # Ben's import did not reach Ada

    assert ada.post("/api/model/pretrained").json()["source"] == "pretrained"
    assert _predict(ada)["model"] == "pretrained"
    assert _predict(ben)["model"] == f"import:{import_id}"  # nor Ada's way back, Ben

    ben.post("/api/model/pretrained")


@pytest.mark.parametrize("cookie", ["../../etc/passwd", "run:../../x", "import:zz", "run:", "lenet5", ""])
def test_a_cookie_that_names_no_network_is_answered_by_the_pretrained_one(learners, cookie):
    ada, _ = learners
    ada.cookies.set(COOKIE, cookie)
    try:
        assert ada.get("/api/model").json()["source"] == "pretrained"
        assert _predict(ada)["model"] == "pretrained"
    finally:
        ada.cookies.delete(COOKIE)


def test_a_chosen_run_that_is_deleted_falls_back_to_the_pretrained_network(learners):
    ada, ben = learners
    run_id = _trained_run(ada)
    ada.post(f"/api/runs/{run_id}/activate")
    assert _predict(ada)["model"] == f"run:{run_id}"
    assert ben.delete(f"/api/runs/{run_id}").status_code == 204
    assert ada.get("/api/model").json()["source"] == "pretrained"  # what really answers, said so
    assert _predict(ada)["model"] == "pretrained"


def test_the_choice_is_a_cookie_the_pages_cannot_read_and_other_sites_do_not_send(learners):
    ada, _ = learners
    r = ada.post("/api/model/pretrained")
    cookie = r.headers["set-cookie"].lower()
    assert cookie.startswith(f"{COOKIE}=pretrained;") and "httponly" in cookie and "samesite=lax" in cookie
    assert "path=/" in cookie and "max-age=" in cookie
