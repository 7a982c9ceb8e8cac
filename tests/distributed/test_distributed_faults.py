"""The distributed mode's faults, each with the real services: a worker killed mid-epoch, Redis
restarted under a training run, a web replica killed under its viewers, PostgreSQL taken away,
and services that cannot be reached at start-up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.distributed.conftest import Deployment, Viewer, get, post
from tests.http import get_json, post_json
from tests.services import PostgresServer, free_port

# 20 batches an epoch: a worker can be caught in the middle of one.
RUN = {"model": "lenet5", "epochs": 3, "train_size": 1280, "batch_size": 64, "seed": 11}


def weights_of(deployment: Deployment, run_id: str) -> dict[str, np.ndarray]:
    with np.load(Path(deployment.env["CONVSCOPE_RUNS_DIR"]) / run_id / "weights.npz", allow_pickle=False) as f:
        return {k: f[k] for k in f.files if k != "__meta__"}


def test_a_worker_killed_mid_epoch_is_replaced_and_the_run_ends_bit_exact(deployment: Deployment) -> None:
    replica = deployment.replica()
    first = deployment.worker("first")
    run = post_json(replica.url + "/api/runs", RUN)
    viewer = Viewer(replica, run["id"])
    viewer.until(lambda m: m["type"] == "epoch" and m["epoch"] == 1, timeout=120)
    assert post(replica.url + f"/api/runs/{run['id']}/pace", {"batches_per_second": 5})[0] == 200
    viewer.until(lambda m: m["type"] == "batch" and m["epoch"] == 2 and m["batch"] >= 3)
    deployment.worker("second")  # idle until the first one's run is given up
    deployment.kill(first)
    killed_at = time.monotonic()
    viewer.until(lambda m: m["type"] == "status" and m["status"] == "interrupted", timeout=30)
    taken_up = time.monotonic() - killed_at
    viewer.until(lambda m: m["type"] == "done", timeout=120)
    statuses = [m["status"] for m in viewer.of("status")]
    assert statuses[statuses.index("interrupted"):] [:3] == ["interrupted", "queued", "running"], statuses
    assert taken_up < 4 * 2 + 2, f"the dead worker's run was taken up after {taken_up:.1f} s"
    assert sorted({m["epoch"] for m in viewer.of("epoch")}) == [1, 2, 3]
    record = get_json(replica.url + f"/api/runs/{run['id']}")
    assert record["status"] == "completed" and [e["epoch"] for e in record["history"]] == [1, 2, 3]

    # The same run, uninterrupted, on the worker left.
    again = post_json(replica.url + "/api/runs", RUN)
    Viewer(replica, again["id"]).until(lambda m: m["type"] == "done", timeout=120)
    resumed, straight = weights_of(deployment, run["id"]), weights_of(deployment, again["id"])
    assert resumed.keys() == straight.keys()
    for name in resumed:
        assert np.array_equal(resumed[name], straight[name]), f"{name} differs after the resume"


def test_commands_from_any_replica_reach_the_worker_that_holds_the_run(deployment: Deployment) -> None:
    a, b = deployment.replica(), deployment.replica()
    deployment.worker()
    run = post_json(a.url + "/api/runs", RUN | {"epochs": 20})
    url = f"/api/runs/{run['id']}"
    viewer = Viewer(a, run["id"])
    viewer.until(lambda m: m["type"] == "batch")
    assert post(b.url + url + "/pause")[0] == 200
    viewer.until(lambda m: m["type"] == "status" and m["status"] == "paused", timeout=10)
    assert get_json(a.url + url)["status"] == "paused"
    steps_before = viewer.of("activations")[-1]["step"]  # a paused run shows the step it stopped at
    assert post(b.url + url + "/step")[0] == 200
    stepped = viewer.until(lambda m: m["type"] == "batch", timeout=10)
    assert stepped["step"] == steps_before + 1, "one step trains exactly one batch"
    assert post(a.url + url + "/resume")[0] == 200
    viewer.until(lambda m: m["type"] == "status" and m["status"] == "running", timeout=10)
    status, body = post(b.url + url + "/pace", {"batches_per_second": 2})
    assert status == 200 and body["batches_per_second"] == 2
    assert get_json(a.url + url)["pace"]["batches_per_second"] == 2, "the pace is seen from every replica"
    assert post(a.url + url + "/stop")[0] == 200
    done = viewer.until(lambda m: m["type"] == "done", timeout=20)
    assert done["status"] == "stopped"
    assert get_json(b.url + url)["status"] == "stopped"
    status, body = post(b.url + url + "/pause")
    assert status == 409 and "not training" in body["detail"]


def test_redis_restarted_under_a_training_run_loses_no_epoch(deployment: Deployment, redis_server) -> None:  # noqa: ANN001
    replica = deployment.replica()
    deployment.worker()
    run = post_json(replica.url + "/api/runs", RUN | {"epochs": 4})
    viewer = Viewer(replica, run["id"])
    viewer.until(lambda m: m["type"] == "epoch" and m["epoch"] == 1, timeout=120)
    redis_server.stop()
    time.sleep(1.5)  # an epoch and more goes by without Redis
    redis_server.start()
    viewer.until(lambda m: m["type"] == "done", timeout=120)
    assert sorted({m["epoch"] for m in viewer.of("epoch")}) == [1, 2, 3, 4], "every epoch reached the viewer"
    record = get_json(replica.url + f"/api/runs/{run['id']}")
    assert record["status"] == "completed" and [e["epoch"] for e in record["history"]] == [1, 2, 3, 4]


def test_a_killed_replicas_viewers_reconnect_to_another_and_get_a_snapshot_then_live_events(deployment: Deployment) -> None:
    a, b = deployment.replica(), deployment.replica()
    deployment.worker()
    run = post_json(a.url + "/api/runs", RUN | {"epochs": 4})
    viewer = Viewer(a, run["id"])
    viewer.until(lambda m: m["type"] == "epoch" and m["epoch"] == 1, timeout=120)
    os.kill(a.pid, signal.SIGKILL)
    with pytest.raises(Exception):
        viewer.until(lambda m: False, timeout=10)  # the connection drops
    again = Viewer(b, run["id"])
    snapshot = again.until(lambda m: m["type"] == "snapshot")["run"]
    assert snapshot["id"] == run["id"] and snapshot["history"], "the snapshot carries the epochs so far"
    done = again.until(lambda m: m["type"] == "done", timeout=120)
    seen = {e["epoch"] for e in snapshot["history"]} | {m["epoch"] for m in again.of("epoch")}
    assert seen == {1, 2, 3, 4} and done["status"] == "completed"
    assert again.of("batch"), "live events after the snapshot"


def test_postgres_unreachable_is_a_503_that_says_so_and_leaves_nothing_half_written(deployment: Deployment) -> None:
    own = PostgresServer().start()  # this test's own database server, to take away
    try:
        replica = deployment.replica(CONVSCOPE_DATABASE_URL=own.create_database("runs"))
        assert get_json(replica.url + "/api/runs") == []
        own.stop()
        for status, body in (post(replica.url + "/api/runs", RUN),
                             get(replica.url + "/api/runs")):
            assert status == 503, body
            assert "PostgreSQL" in body["detail"] and "cannot be reached" in body["detail"]
        own.start()
        assert get_json(replica.url + "/api/runs") == [], "the refused run left no record"
        runs_dir = Path(deployment.env["CONVSCOPE_RUNS_DIR"])
        assert not [p for p in runs_dir.glob("*") if p.is_dir() and p.name != "imports"], "nor a folder"
        assert post(replica.url + "/api/runs", RUN)[0] == 201, "it works again once the database is back"
    finally:
        own.close()


@pytest.mark.parametrize("command", ["serve", "worker"])
@pytest.mark.parametrize("broken", ["redis", "database"])
def test_an_unreachable_service_at_start_up_is_a_clear_error_not_a_hang(deployment: Deployment, command: str,
                                                                          broken: str) -> None:
    closed = f"127.0.0.1:{free_port()}"  # nothing listens there
    env = {**os.environ, **deployment.env, "CONVSCOPE_SERVICE_TIMEOUT": "2"}
    if broken == "redis":
        env["CONVSCOPE_REDIS_URL"] = f"redis://{closed}/0"
    else:
        env["CONVSCOPE_DATABASE_URL"] = f"postgresql://convscope@{closed}/runs"
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "app.cli", command, *(["--port", str(free_port())] * (command == "serve"))],
                          env=env, capture_output=True, text=True, timeout=60, cwd=deployment.workdir)
    assert done.returncode == 1, done.stderr
    assert time.monotonic() - began < 20
    name = "Redis" if broken == "redis" else "PostgreSQL"
    assert f"cannot reach {name} at {closed}" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_half_the_distributed_settings_is_refused_at_start_up(deployment: Deployment) -> None:
    env = {**os.environ, **deployment.env}
    del env["CONVSCOPE_DATABASE_URL"]
    done = subprocess.run([sys.executable, "-m", "app.cli", "worker"], env=env, capture_output=True, text=True,
                          timeout=60, cwd=deployment.workdir)
    assert done.returncode != 0 and "needs both CONVSCOPE_REDIS_URL and CONVSCOPE_DATABASE_URL" in done.stderr


def test_an_idle_worker_and_the_replicas_take_new_runs_after_redis_restarted(deployment: Deployment,
                                                                             redis_server) -> None:  # noqa: ANN001
    replica = deployment.replica()
    worker = deployment.worker()
    time.sleep(1.0)  # the worker is waiting on the queue
    redis_server.stop()
    time.sleep(1.0)
    redis_server.start()
    deadline = time.monotonic() + 30
    while (answer := post(replica.url + "/api/runs", RUN | {"epochs": 1}))[0] != 201:
        assert answer[0] == 503 and time.monotonic() < deadline, answer  # only while Redis comes back
        time.sleep(0.2)
    Viewer(replica, answer[1]["id"]).until(lambda m: m["type"] == "done", timeout=120)
    assert worker.poll() is None, "the worker outlived the restart"


def test_a_worker_runs_nothing_but_training_jobs_whatever_is_put_in_its_queue(deployment: Deployment,
                                                                             tmp_path: Path) -> None:
    import redis
    from rq import Queue
    from rq.serializers import JSONSerializer

    from app.distributed.services import QUEUE_NAME

    replica = deployment.replica()
    worker = deployment.worker()
    planted = tmp_path / "planted"
    queue = Queue(QUEUE_NAME, connection=redis.Redis.from_url(deployment.env["CONVSCOPE_REDIS_URL"]),
                  serializer=JSONSerializer)
    bad = queue.enqueue_call("os.system", args=(f"touch {planted}",))
    run = post_json(replica.url + "/api/runs", RUN | {"epochs": 1})
    Viewer(replica, run["id"]).until(lambda m: m["type"] == "done", timeout=120)  # queued after it: so it was taken
    bad.refresh()
    assert bad.get_status() == "failed" and "trains runs" in (bad.latest_result().exc_string or "")
    assert not planted.exists(), "the function the job named never ran"
    assert worker.poll() is None


def test_a_queued_run_whose_job_redis_lost_is_queued_again_and_trains(deployment: Deployment) -> None:
    import redis

    replica = deployment.replica()
    run = post_json(replica.url + "/api/runs", RUN | {"epochs": 1})  # no worker yet: it waits in the queue
    client = redis.Redis.from_url(deployment.env["CONVSCOPE_REDIS_URL"])
    assert client.llen("rq:queue:convscope-runs") == 1
    client.flushall()  # Redis lost its last writes: the job is gone, the record says queued
    deployment.worker()
    done = Viewer(replica, run["id"]).until(lambda m: m["type"] == "done", timeout=60)
    assert done["status"] == "completed"
    assert get_json(replica.url + f"/api/runs/{run['id']}")["status"] == "completed"
