"""The record of runs in PostgreSQL (psycopg 3): the same rows and answers as ``app/runs/store.py``.

Every web replica and every worker reads and writes it. What two of them could race on is one
statement each: a worker claims a queued run (``claim``), and a replica takes a run whose worker
died (``interrupt_if``); an epoch of a run deleted meanwhile is not written. Each method is one
transaction, so a request that fails half-way leaves
nothing half-written. When the database cannot be reached a method raises ``RunError(503)``
saying so; the next call connects again.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import psycopg

from app.distributed.services import postgres_options, where
from app.runs.handles import RunError
from app.runs.status import ACTIVE, FINISHED, RunStatus
from app.runs.store import RunRecord

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    created_at DOUBLE PRECISION NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL,
    queued_at DOUBLE PRECISION NOT NULL,
    config TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    epochs_done INTEGER NOT NULL DEFAULT 0,
    test_accuracy DOUBLE PRECISION
);
CREATE TABLE IF NOT EXISTS epochs (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch INTEGER NOT NULL,
    metrics TEXT NOT NULL,
    PRIMARY KEY (run_id, epoch)
);
CREATE INDEX IF NOT EXISTS runs_by_status ON runs (status, queued_at);
ALTER TABLE runs ADD COLUMN IF NOT EXISTS job_id TEXT;
"""
_COLUMNS = "id, created_at, updated_at, config, status, error, epochs_done, test_accuracy"
_ACTIVE = [str(s) for s in ACTIVE]
QUEUE_LOCK = 0x636F6E76  # "conv": the advisory lock under which a replica counts the queue and adds to it


class PgRunStore:
    def __init__(self, url: str, timeout: float = 5) -> None:
        self.url, self.timeout = url, timeout
        self._conn: psycopg.Connection | None = None
        self._lock = threading.Lock()
        self._run(lambda db: db.execute(SCHEMA))

    # ---- connection ---------------------------------------------------------------------------
    def _run(self, work: Any) -> Any:
        """``work(connection)`` in one transaction; a lost connection is a 503 and is made again."""
        with self._lock:
            try:
                if self._conn is None or self._conn.closed:
                    self._conn = psycopg.connect(self.url, autocommit=True, **postgres_options(self.timeout))
                with self._conn.transaction():
                    return work(self._conn)
            except psycopg.OperationalError as exc:
                if self._conn is not None:
                    self._conn.close()
                self._conn = None
                reason = (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
                raise RunError(503, f"the record of runs (PostgreSQL at {where(self.url)}) cannot be reached: "
                                    f"{reason}. Try again shortly") from None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # ---- what RunStore does -------------------------------------------------------------------
    def create(self, run_id: str, config: dict[str, Any]) -> RunRecord:
        now = time.time()
        self._run(lambda db: db.execute(
            "INSERT INTO runs (id, created_at, updated_at, queued_at, config, status) VALUES (%s, %s, %s, %s, %s, %s)",
            (run_id, now, now, now, json.dumps(config), RunStatus.QUEUED)))
        return RunRecord(run_id, now, now, config, RunStatus.QUEUED)

    def create_if_room(self, run_id: str, config: dict[str, Any], limit: int) -> RunRecord | None:
        """``create``, unless ``limit`` runs are already queued (None then). Every replica counts
        and inserts under one transaction-wide advisory lock, so two replicas cannot both see room
        for the last place and both take it."""
        now = time.time()

        def work(db: psycopg.Connection) -> bool:
            db.execute("SELECT pg_advisory_xact_lock(%s)", (QUEUE_LOCK,))
            (queued,) = db.execute("SELECT count(*) FROM runs WHERE status = %s", (str(RunStatus.QUEUED),)).fetchone()
            if queued >= limit:
                return False
            db.execute("INSERT INTO runs (id, created_at, updated_at, queued_at, config, status) "
                       "VALUES (%s, %s, %s, %s, %s, %s)", (run_id, now, now, now, json.dumps(config), RunStatus.QUEUED))
            return True

        return RunRecord(run_id, now, now, config, RunStatus.QUEUED) if self._run(work) else None

    def set_status(self, run_id: str, status: RunStatus, error: str | None = None) -> None:
        status = RunStatus(status)
        queued = ", queued_at = %(now)s" if status == RunStatus.QUEUED else ""
        self._run(lambda db: db.execute(
            f"UPDATE runs SET status = %(status)s, error = %(error)s, updated_at = %(now)s{queued} WHERE id = %(id)s",
            {"status": str(status), "error": error, "now": time.time(), "id": run_id}))

    def add_epoch(self, run_id: str, metrics: dict[str, Any]) -> None:
        def work(db: psycopg.Connection) -> None:
            db.execute("INSERT INTO epochs (run_id, epoch, metrics) SELECT %s, %s, %s WHERE EXISTS "
                       "(SELECT 1 FROM runs WHERE id = %s) ON CONFLICT (run_id, epoch) DO UPDATE SET "
                       "metrics = EXCLUDED.metrics", (run_id, metrics["epoch"], json.dumps(metrics), run_id))
            db.execute("UPDATE runs SET epochs_done = %s, test_accuracy = %s, updated_at = %s WHERE id = %s",
                       (metrics["epoch"], metrics.get("test_accuracy"), time.time(), run_id))
        self._run(work)

    def get(self, run_id: str, with_history: bool = True) -> RunRecord | None:
        def work(db: psycopg.Connection) -> RunRecord | None:
            row = db.execute(f"SELECT {_COLUMNS} FROM runs WHERE id = %s", (run_id,)).fetchone()
            if row is None:
                return None
            history = [json.loads(m) for (m,) in db.execute(
                "SELECT metrics FROM epochs WHERE run_id = %s ORDER BY epoch", (run_id,))] if with_history else []
            return _record(row, history)
        return self._run(work)

    def list(self) -> list[RunRecord]:
        def work(db: psycopg.Connection) -> list[RunRecord]:
            rows = db.execute(f"SELECT {_COLUMNS} FROM runs ORDER BY created_at DESC").fetchall()
            history: dict[str, list[dict[str, Any]]] = {}
            for run_id, metrics in db.execute("SELECT run_id, metrics FROM epochs ORDER BY run_id, epoch"):
                history.setdefault(run_id, []).append(json.loads(metrics))
            return [_record(row, history.get(row[0], [])) for row in rows]
        return self._run(work)

    def delete(self, run_id: str) -> None:
        self._run(lambda db: db.execute("DELETE FROM runs WHERE id = %s", (run_id,)))

    # ---- what several nodes need to agree on --------------------------------------------------
    def claim(self, run_id: str) -> RunRecord | None:
        """A worker takes a queued run: it becomes running. None if it is no longer queued (stopped
        or deleted while it waited, or taken by another worker)."""
        def work(db: psycopg.Connection) -> RunRecord | None:
            row = db.execute(f"UPDATE runs SET status = %s, error = NULL, updated_at = %s WHERE id = %s AND status = %s "
                             f"RETURNING {_COLUMNS}", (RunStatus.RUNNING, time.time(), run_id, RunStatus.QUEUED)).fetchone()
            return None if row is None else _record(row, [])
        return self._run(work)

    def set_status_if(self, run_id: str, status: RunStatus, statuses: tuple[RunStatus, ...]) -> bool:
        """Sets ``status`` only if the run is in one of ``statuses`` (in one statement: a worker's
        claim or another replica's change in between wins); True if this call did."""
        queued = ", queued_at = %(now)s, error = NULL" if RunStatus(status) == RunStatus.QUEUED else ""
        return self._run(lambda db: db.execute(
            f"UPDATE runs SET status = %(status)s, updated_at = %(now)s{queued} WHERE id = %(id)s "
            f"AND status = ANY(%(from)s) RETURNING id",
            {"status": str(status), "now": time.time(), "id": run_id, "from": [str(x) for x in statuses]}).fetchone()
        ) is not None

    def delete_finished(self, run_id: str) -> bool:
        """Deletes the run only if it has finished (a run resumed meanwhile stays); True if deleted."""
        return self._run(lambda db: db.execute("DELETE FROM runs WHERE id = %s AND status = ANY(%s) RETURNING id",
                                               (run_id, [str(s) for s in FINISHED])).fetchone()) is not None

    def interrupt_if(self, run_id: str, statuses: tuple[RunStatus, ...], reason: str) -> bool:
        """Marks the run interrupted if it is still in one of ``statuses``; True if this call did."""
        return self._run(lambda db: db.execute(
            "UPDATE runs SET status = %s, error = %s, updated_at = %s WHERE id = %s AND status = ANY(%s) RETURNING id",
            (RunStatus.INTERRUPTED, reason, time.time(), run_id, [str(s) for s in statuses])).fetchone()) is not None

    def active(self) -> list[tuple[str, RunStatus]]:
        """Runs that are queued, running or paused, oldest in the queue first."""
        rows = self._run(lambda db: db.execute(
            "SELECT id, status FROM runs WHERE status = ANY(%s) ORDER BY queued_at", (_ACTIVE,)).fetchall())
        return [(run_id, RunStatus(status)) for run_id, status in rows]

    def set_job(self, run_id: str, job_id: str) -> None:
        """The queue's job that will train the run (the lease watch checks it is still there)."""
        self._run(lambda db: db.execute("UPDATE runs SET job_id = %s WHERE id = %s", (job_id, run_id)))

    def queued_jobs(self, before: float) -> list[tuple[str, str | None]]:
        """(run id, job id) of the runs queued since before ``before`` (a time.time())."""
        return self._run(lambda db: db.execute(
            "SELECT id, job_id FROM runs WHERE status = %s AND queued_at < %s ORDER BY queued_at",
            (RunStatus.QUEUED, before)).fetchall())

    def queue_position(self, run_id: str) -> int | None:
        """1 for the next queued run to start (the queue is first in, first out), None if not queued."""
        ids = [run_id_ for run_id_, status in self.active() if status == RunStatus.QUEUED]
        return ids.index(run_id) + 1 if run_id in ids else None


def _record(row: tuple, history: list[dict[str, Any]]) -> RunRecord:
    return RunRecord(row[0], row[1], row[2], json.loads(row[3]), RunStatus(row[4]), row[5], row[6], row[7], history)
