"""A distributed worker: ``convscope worker`` takes runs from the queue and trains them, one at a time.

The queue is RQ's on Redis, with JSON job payloads (RQ's default is pickle, which this project
never reads). Each job is ``train_run(run_id, resume)``. It runs in the worker's own process
(RQ's ``SimpleWorker``), so killing the worker kills its training too, and nothing trains on
unseen. The training loop is the embedded mode's (``app/runs/worker.py``); only where its
messages go (``events.RunSink``) and where its controls come from (``controls.ControlsMirror``)
differ. The steps of one job:

    1. claim the run in PostgreSQL (queued -> running; a run stopped or deleted while it waited is
       skipped), then take its lease, which says which job trains it
    2. train, from the run's checkpoint when resuming, renewing the lease as it goes
    3. let the lease go; a run deleted meanwhile has its folder removed; prune the oldest runs

A queued run whose job the queue lost (Redis losing its last writes) is queued again by the
replicas' lease watch (``manager.py``): a run is never left waiting for a job that is gone.
"""

from __future__ import annotations

import multiprocessing as mp
import secrets
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.distributed.controls import ControlsMirror
from app.distributed.events import Fenced, RunSink
from app.distributed.pg_store import PgRunStore
from app.distributed.services import QUEUE_NAME, check_services, key, redis_client
from app.runs import worker
from app.runs.handles import RunError
from app.runs.pace import Controls
from app.runs.pruning import prune_finished
from app.settings import Settings


@lru_cache(maxsize=1)
def _services() -> tuple[Settings, Any, PgRunStore]:
    """This worker process's settings and connections, made on its first job."""
    settings = Settings.from_env()
    return settings, redis_client(settings.redis_url, settings.service_timeout), PgRunStore(
        settings.database_url, settings.service_timeout)


def data_dirs(settings: Settings) -> dict[str, Path]:
    return {"mnist": settings.data_dir, "fashion-mnist": settings.fashion_mnist_dir}


def train_run(run_id: str, resume: bool) -> str:
    """One queued run, trained to its end here; returns how it ended (RQ keeps it as the result)."""
    settings, client, store = _patiently(_services)
    token = _job_id()
    controls = Controls.create(mp.get_context("spawn"))
    record = _patiently(store.claim, run_id)  # first: a job that finds its run taken must not touch its lease
    if record is None:
        return "skipped: the run was no longer queued"
    mirror = ControlsMirror(client, run_id, token, controls, settings.worker_lease_seconds)
    mirror.take()  # within milliseconds of the claim; a replica waits a whole lease before it doubts
    run_dir = settings.runs_dir / run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    config = {k: v for k, v in record.config.items() if k != "dataset"} | {"threads": settings.train_threads}
    spec = worker.WorkerSpec(run_id, config, str(data_dirs(settings)[record.config["dataset"]]), str(run_dir),
                             resume and (run_dir / "checkpoint.npz").is_file(), settings.max_replay_bytes)
    sink = RunSink(client, store, run_id, mirror.fenced, settings.event_stream_length)
    mirror.start()
    try:
        worker.main(spec, sink, controls)
    except Fenced:
        return "fenced: another worker has taken the run"
    finally:
        mirror.stop()
    sink.flush(patience=30.0)
    forget_later(client, run_id)
    if store.get(run_id, with_history=False) is None:
        shutil.rmtree(run_dir, ignore_errors=True)  # deleted while it trained
        return "deleted"
    prune_finished(store, settings.runs_dir, settings.max_runs_kept, settings.max_runs_bytes)
    return "finished" if sink.finished else "ended without a final word"


#: How long a finished run's event stream stays in Redis: long enough for a replica that was away
#: to read its end; after that its viewers get everything from the record and the shared folder.
STREAM_KEPT_SECONDS = 3600
STREAM_TAIL = 200  # messages kept of it: the end of the last epoch and the run's last words


def forget_later(client: Any, run_id: str, seconds: int = STREAM_KEPT_SECONDS) -> None:
    """A run no worker holds needs little in Redis: its stream's last messages, its controls and
    owner, for ``seconds`` more (a worker still stopping reads them), then nothing."""
    import redis

    try:
        pipe = client.pipeline()
        pipe.xtrim(key(run_id, "events"), maxlen=STREAM_TAIL, approximate=False)
        for what in ("events", "controls", "owner"):
            pipe.expire(key(run_id, what), seconds)
        pipe.execute()
    except redis.RedisError:
        pass  # Redis away: the keys stay until the run is deleted


def _patiently(fn: Any, *args: Any, seconds: float = 60.0) -> Any:
    """``fn(*args)``, tried again while PostgreSQL is away (a 503) for up to ``seconds``: a job
    that gave up at once would leave its run queued with no job to take it."""
    import time

    give_up = time.monotonic() + seconds
    while True:
        try:
            return fn(*args)
        except RunError as exc:
            if exc.status != 503 or time.monotonic() >= give_up:
                raise
            time.sleep(1.0)


def _job_id() -> str:
    from rq import get_current_job

    job = get_current_job()
    return job.id if job is not None else secrets.token_hex(8)


TRAIN_RUN = "app.distributed.job.train_run"


def _training_job_class() -> Any:
    from rq.job import Job

    class TrainingJob(Job):
        """RQ runs whatever function a job names: this queue's jobs may name one only. (JSON keeps
        a job's payload from being code; this keeps its function name from being anything.)"""

        def perform(self) -> Any:
            if self.func_name != TRAIN_RUN:
                raise PermissionError(f"this queue trains runs ({TRAIN_RUN}) and nothing else; "
                                      f"refused a job for {self.func_name!r}")
            return super().perform()

    return TrainingJob


def run_worker(settings: Settings, name: str | None = None, burst: bool = False) -> None:
    """``convscope worker``: checks Redis and PostgreSQL answer, then takes jobs until stopped."""
    from rq import Queue, SimpleWorker
    from rq.serializers import JSONSerializer

    check_services(settings)
    connection = redis_client(settings.redis_url, settings.service_timeout, decode=False)
    job_class = _training_job_class()
    queue = Queue(QUEUE_NAME, connection=connection, serializer=JSONSerializer, job_class=job_class)
    SimpleWorker([queue], connection=connection, serializer=JSONSerializer, name=name, job_class=job_class).work(
        burst=burst, with_scheduler=False, logging_level="WARNING")


#: What RQ says of a job that will not train its run any more.
GONE = ("failed", "finished", "stopped", "canceled")


def job_gone(client: Any, job_id: str | None) -> bool:
    """True if the queue no longer has ``job_id``, or it has ended (``client`` made with
    ``decode=False``): its run, still queued, would wait for ever."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job
    from rq.serializers import JSONSerializer

    if job_id is None:
        return True
    try:
        return str(Job.fetch(job_id, connection=client, serializer=JSONSerializer).get_status()) in GONE
    except NoSuchJobError:
        return True


def enqueue(client: Any, run_id: str, resume: bool) -> str:
    """Puts a run in the queue (``client`` made with ``decode=False``); returns the job's id."""
    from rq import Queue
    from rq.serializers import JSONSerializer

    queue = Queue(QUEUE_NAME, connection=client, serializer=JSONSerializer)
    job = queue.enqueue_call(TRAIN_RUN, args=(run_id, resume), timeout=-1,
                             result_ttl=24 * 3600, failure_ttl=7 * 24 * 3600, description=f"train run {run_id}")
    return job.id
