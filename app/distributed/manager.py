"""A web replica's run manager in the distributed mode: the embedded ``RunManager``'s answers, from
shared parts.

    the record of runs     PostgreSQL (``pg_store.PgRunStore``)
    starting a run         a job on the Redis queue, taken by any ``convscope worker``
    commands               the run's controls hash, mirrored by the worker that holds it
    what viewers see       the run's event stream, read by this replica's ``StreamRelay``
    checkpoints, weights   ``runs_dir``, a directory every node mounts (the replay API reads it)

Any number of replicas may run side by side; none owns a run. A run is live while its worker
holds its lease. Each replica watches the leases of running runs (``_watch_leases``): a lease
that stays missing for a whole ``worker_lease_seconds`` means the worker died, and the first
replica to see it marks the run interrupted and queues it again, to resume from its checkpoint.
A queued run whose job the queue lost is queued again the same way.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.distributed import controls as remote
from app.distributed.events import StreamRelay, publish
from app.distributed.job import data_dirs, enqueue, forget_later, job_gone
from app.distributed.pg_store import PgRunStore
from app.distributed.services import async_redis_client, check_services, key, redis_client, where
from app.runs.handles import RunError
from app.runs.lookups import dataset_dir, record_or_404, weights_file
from app.runs.hub import Hub
from app.runs.pace import PACE_RANGE
from app.runs.status import RESUMABLE, RunStatus
from app.runs.store import RunRecord

LIVE = (RunStatus.RUNNING, RunStatus.PAUSED)


@dataclass
class DistributedRunManager:
    settings: Any
    hub: Hub
    store: PgRunStore = field(init=False)
    _suspects: dict[str, float] = field(default_factory=dict, init=False)
    _closing: threading.Event = field(default_factory=threading.Event, init=False)

    def __post_init__(self) -> None:
        s = self.settings
        check_services(s)
        self.runs_dir: Path = s.runs_dir
        self.data_dirs = data_dirs(s)
        self.store = PgRunStore(s.database_url, s.service_timeout)
        self.redis = redis_client(s.redis_url, s.service_timeout)
        self.queue_redis = redis_client(s.redis_url, s.service_timeout, decode=False)
        self.relay: StreamRelay | None = None
        self._watcher = threading.Thread(target=self._watch_leases, name="lease-watch", daemon=True)

    # ---- lifecycle ---------------------------------------------------------------------------
    def start(self, loop: asyncio.AbstractEventLoop) -> list[str]:
        self.relay = StreamRelay(async_redis_client(self.settings.redis_url, self.settings.service_timeout), self.hub)
        self.relay.start()
        self._watcher.start()
        return []  # runs belong to their workers: a replica starting interrupts nothing

    def shutdown(self) -> None:
        self._closing.set()
        self._watcher.join(5)
        self.store.close()
        self.redis.close()
        self.queue_redis.close()

    async def aclose(self) -> None:
        if self.relay is not None:
            await self.relay.stop()

    async def follow(self, run_id: str) -> None:
        assert self.relay is not None
        await self.relay.follow(run_id)

    # ---- queries -----------------------------------------------------------------------------
    def get(self, run_id: str) -> RunRecord:
        return record_or_404(self.store, run_id)

    def list(self) -> list[RunRecord]:
        return self.store.list()

    def position(self, run_id: str) -> int | None:
        return self.store.queue_position(run_id)

    def run_dir(self, run_id: str) -> Path:
        return self.runs_dir / run_id

    def weights_path(self, run_id: str, probe: bool = False) -> Path:
        self.get(run_id)
        return weights_file(self.run_dir(run_id), run_id, probe)

    # ---- commands ----------------------------------------------------------------------------
    def create(self, config: dict[str, Any]) -> RunRecord:
        dataset = config.pop("dataset")
        dataset_dir(self.data_dirs, dataset)
        run_id = secrets.token_hex(6)
        record = self.store.create_if_room(run_id, config | {"dataset": dataset}, self.settings.max_queued_runs)
        if record is None:  # counted and refused under the lock every replica takes (pg_store.py)
            raise RunError(429, f"{self.settings.max_queued_runs} runs are already waiting; "
                                "try again when one has started")
        try:
            self.run_dir(run_id).mkdir(parents=True, exist_ok=True)
            self.store.set_job(run_id, self._redis(enqueue, self.queue_redis, run_id, False))
        except BaseException:
            self.store.delete(run_id)  # nothing half-made: no record of a run no worker will take
            shutil.rmtree(self.run_dir(run_id), ignore_errors=True)
            raise
        return record

    def pause(self, run_id: str) -> None:
        self._live_or_409(run_id, "pause")
        self._redis(remote.ask, self.redis, run_id, paused=1)

    def resume(self, run_id: str) -> None:
        record = self.get(run_id)
        if record.status in LIVE and self._holder(run_id):
            if record.status == RunStatus.RUNNING and not self._redis(remote.read, self.redis, run_id)["paused"]:
                raise RunError(409, f"run {run_id} is already running")
            self._redis(remote.ask, self.redis, run_id, paused=0, steps=0)
            return
        if record.status not in RESUMABLE:
            raise RunError(409, f"cannot resume run {run_id}: it is {record.status}; "
                                f"only {', '.join(RESUMABLE)} runs can be resumed")
        self._requeue(run_id)

    def pace(self, run_id: str, batches_per_second: float | None) -> dict[str, Any]:
        low, high = PACE_RANGE
        if batches_per_second is not None and not low <= batches_per_second <= high:
            raise RunError(422, f"slow motion runs at {low} to {high} batches a second; got {batches_per_second}")
        self._live_or_409(run_id, "set the pace of")
        self._redis(remote.ask, self.redis, run_id, pace=batches_per_second or 0.0)
        described = remote.describe(self._redis(remote.read, self.redis, run_id))
        self._publish(run_id, described)
        return described

    def step(self, run_id: str) -> None:
        self._live_or_409(run_id, "step")
        self._redis(remote.ask_step, self.redis, run_id)

    def pace_of(self, run_id: str) -> dict[str, Any] | None:
        try:
            if not self._holder(run_id):
                return None
            return remote.describe(self._redis(remote.read, self.redis, run_id))
        except RunError:
            return None  # a summary without its pace rather than no summary

    def stop(self, run_id: str) -> None:
        record = self.get(run_id)
        if record.status in LIVE and self._holder(run_id):
            self._redis(remote.ask, self.redis, run_id, stopping=1)
            return
        if record.status != RunStatus.QUEUED:
            raise RunError(409, f"cannot stop run {run_id}: it is {record.status}")
        if not self.store.set_status_if(run_id, RunStatus.STOPPED, (RunStatus.QUEUED,)):
            # A worker claimed it in between: it is training now, so ask its worker.
            self._redis(remote.ask, self.redis, run_id, stopping=1)
            return
        self._publish(run_id, {"type": "status", "status": RunStatus.STOPPED})
        self._publish(run_id, {"type": "done", "status": RunStatus.STOPPED, "stopped": True})
        self._redis(forget_later, self.redis, run_id)

    def delete(self, run_id: str) -> None:
        self.get(run_id)
        if self._holder(run_id):
            self._redis(remote.ask, self.redis, run_id, stopping=1)
        self.store.delete(run_id)
        shutil.rmtree(self.run_dir(run_id), ignore_errors=True)
        self._publish(run_id, {"type": "error", "message": "this run was deleted"})
        self._redis(forget_later, self.redis, run_id, 60)  # its viewers and its worker have a minute to read it

    def prune(self) -> list[str]:
        return []  # the workers prune, when a run ends (app/distributed/job.py)

    # ---- helpers -----------------------------------------------------------------------------
    def _requeue(self, run_id: str) -> None:
        if not self.store.set_status_if(run_id, RunStatus.QUEUED, RESUMABLE):
            raise RunError(409, f"run {run_id} is {self.get(run_id).status} now: another request came first")
        try:
            self.store.set_job(run_id, self._redis(enqueue, self.queue_redis, run_id, True))
        except RunError:
            self.store.set_status(run_id, RunStatus.INTERRUPTED, "could not be queued again: Redis is unreachable")
            raise
        self._publish(run_id, {"type": "status", "status": RunStatus.QUEUED,
                               "position": self.store.queue_position(run_id)})

    def _holder(self, run_id: str) -> str | None:
        return self._redis(remote.holder, self.redis, run_id)

    def _live_or_409(self, run_id: str, what: str) -> None:
        record = self.get(run_id)
        if record.status not in LIVE or not self._holder(run_id):
            raise RunError(409, f"cannot {what} run {run_id}: it is {record.status}, not training")

    def _redis(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        import redis

        try:
            return fn(*args, **kwargs)
        except redis.RedisError as exc:
            raise RunError(503, f"the job queue (Redis at {where(self.settings.redis_url)}) cannot be reached: "
                                f"{exc}. Try again shortly") from None

    def _publish(self, run_id: str, message: dict[str, Any]) -> None:
        self._redis(publish, self.redis, run_id, message, self.settings.event_stream_length)

    def _check_queued(self, lease: float) -> None:
        """A run queued for more than a lease whose job the queue no longer has is queued again
        (two replicas may both do it: the second job finds the run taken, and skips it)."""
        for run_id, job_id in self.store.queued_jobs(time.time() - lease):
            if job_gone(self.queue_redis, job_id):
                resume = (self.run_dir(run_id) / "checkpoint.npz").is_file()
                self.store.set_job(run_id, enqueue(self.queue_redis, run_id, resume))

    def _watch_leases(self) -> None:
        """Every third of a lease: a running run whose lease has been missing for a whole lease
        lost its worker. Any doubt (Redis or PostgreSQL not answering) starts the count again."""
        lease = self.settings.worker_lease_seconds
        while not self._closing.wait(lease / 3):
            try:
                self._check_leases(lease)
            except Exception:  # noqa: BLE001 - a service away: doubt nothing until it is back
                self._suspects.clear()

    def _check_leases(self, lease: float) -> None:
        self._check_queued(lease)
        now = time.monotonic()
        live = [run_id for run_id, status in self.store.active() if status in LIVE]
        pipe = self.redis.pipeline(transaction=False)
        for run_id in live:
            pipe.exists(key(run_id, "lease"))
        held = pipe.execute() if live else []
        self._suspects = {r: t for r, t in self._suspects.items() if r in live}  # ended meanwhile: forget
        for run_id, has_lease in zip(live, held):
            if has_lease:
                self._suspects.pop(run_id, None)
                continue
            if now - self._suspects.setdefault(run_id, now) < lease:
                continue
            del self._suspects[run_id]
            reason = "its worker stopped answering; it resumes from its last checkpoint on another worker"
            if self.store.interrupt_if(run_id, LIVE, reason):
                self._publish(run_id, {"type": "status", "status": RunStatus.INTERRUPTED, "reason": reason})
                self._requeue(run_id)
