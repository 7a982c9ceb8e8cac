"""The distributed mode end to end, on real Redis and PostgreSQL: a run queued on one replica is
trained by a worker, watched from any replica, and commanded from any replica."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

from tests.distributed.conftest import Deployment, Viewer, get
from tests.http import get_json, post_json

SMALL = {"model": "lenet5", "epochs": 2, "train_size": 640, "batch_size": 64, "seed": 5}


def test_a_run_queued_on_one_replica_trains_on_a_worker_and_reaches_viewers_on_both(deployment: Deployment) -> None:
    a, b = deployment.replica(), deployment.replica()
    run = post_json(a.url + "/api/runs", SMALL)
    assert run["status"] == "queued"
    on_a, on_b = Viewer(a, run["id"]), Viewer(b, run["id"])
    assert on_a.until(lambda m: m["type"] == "snapshot")["run"]["id"] == run["id"]
    on_b.until(lambda m: m["type"] == "snapshot")
    deployment.worker()
    for viewer in (on_a, on_b):
        viewer.until(lambda m: m["type"] == "done", timeout=120)
        assert [m["epoch"] for m in viewer.of("epoch")] == [1, 2]
        assert [m["status"] for m in viewer.of("status")][:1] == ["running"]
        assert viewer.of("batch"), "batches are streamed too"
    record = get_json(b.url + f"/api/runs/{run['id']}")
    assert record["status"] == "completed"
    assert [e["epoch"] for e in record["history"]] == [1, 2]
    # The weights are in the shared folder: any replica serves them.
    with urllib.request.urlopen(a.url + f"/api/runs/{run['id']}/weights", timeout=10) as response:
        assert response.status == 200 and len(response.read()) > 100_000
    # What Redis keeps of a finished run: the end of its stream, its controls and owner, for an
    # hour; no lease.
    import redis

    client = redis.Redis.from_url(deployment.env["CONVSCOPE_REDIS_URL"])
    events = f"convscope:run:{run['id']}:events"
    deadline = time.monotonic() + 10  # the worker tidies up just after its last word
    while client.ttl(events) < 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    for what in ("events", "owner"):
        assert 0 < client.ttl(f"convscope:run:{run['id']}:{what}") <= 3600, what
    assert client.xlen(events) <= 200
    assert not client.exists(f"convscope:run:{run['id']}:lease")


def test_the_network_a_browser_chose_on_one_replica_answers_it_on_the_other(deployment: Deployment) -> None:
    import http.cookiejar

    a, b = deployment.replica(), deployment.replica()
    deployment.worker()
    run = post_json(a.url + "/api/runs", SMALL | {"epochs": 1})
    Viewer(a, run["id"]).until(lambda m: m["type"] == "done", timeout=120)
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    activate = urllib.request.Request(a.url + f"/api/runs/{run['id']}/activate", data=b"{}", method="POST",
                                      headers={"Content-Type": "application/json"})
    with browser.open(activate, timeout=10) as response:
        assert json.loads(response.read())["source"] == f"run:{run['id']}"
    cookie = next(c for c in jar if c.name == "convscope_network")
    ask_b = urllib.request.Request(b.url + "/api/model", headers={"Cookie": f"{cookie.name}={cookie.value}"})
    with urllib.request.urlopen(ask_b, timeout=10) as response:
        assert json.loads(response.read())["source"] == f"run:{run['id']}", "replica B answers with the run too"
    with urllib.request.urlopen(b.url + "/api/model", timeout=10) as response:
        assert json.loads(response.read())["source"] == "pretrained", "and other browsers keep theirs"


def test_a_run_deleted_while_it_trains_stops_its_worker_which_takes_the_next(deployment: Deployment) -> None:
    a, b = deployment.replica(), deployment.replica()
    deployment.worker()
    doomed = post_json(a.url + "/api/runs", SMALL | {"epochs": 50})
    viewer = Viewer(a, doomed["id"])
    viewer.until(lambda m: m["type"] == "epoch")
    nxt = post_json(b.url + "/api/runs", SMALL | {"epochs": 1})
    request = urllib.request.Request(b.url + f"/api/runs/{doomed['id']}", method="DELETE")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 204
    assert "deleted" in viewer.until(lambda m: m["type"] == "error", timeout=10)["message"]
    assert get(a.url + f"/api/runs/{doomed['id']}")[0] == 404
    Viewer(a, nxt["id"]).until(lambda m: m["type"] == "done", timeout=120)  # the worker went on to the next
    folder = Path(deployment.env["CONVSCOPE_RUNS_DIR"]) / doomed["id"]
    deadline = time.monotonic() + 10
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not folder.exists(), "nothing of the deleted run is left in the shared folder"


def test_the_queue_limit_holds_across_replicas(deployment: Deployment) -> None:
    """CONVSCOPE_MAX_QUEUED_RUNS counts the runs waiting on every replica, not on the one asked."""
    import urllib.error

    a, b = deployment.replica(CONVSCOPE_MAX_QUEUED_RUNS="2"), deployment.replica(CONVSCOPE_MAX_QUEUED_RUNS="2")
    assert post_json(a.url + "/api/runs", SMALL)["status"] == "queued"
    assert post_json(b.url + "/api/runs", SMALL)["status"] == "queued"
    for replica in (a, b):
        try:
            post_json(replica.url + "/api/runs", SMALL)
        except urllib.error.HTTPError as refused:
            assert refused.code == 429
            assert "2 runs are already waiting" in json.loads(refused.read())["detail"]
        else:
            raise AssertionError("a third run was queued past the limit")
    assert len(get_json(a.url + "/api/runs")) == 2
