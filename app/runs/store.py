"""Training runs on disk: their configs, status and per-epoch metrics in SQLite.

Each run also has a folder ``<runs_dir>/<id>/`` with ``checkpoint.npz`` (written atomically after
every epoch) and ``run.log``. The database is the list a restarted server reads back.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.runs.status import ACTIVE, FINISHED, RunStatus


SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    config TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    epochs_done INTEGER NOT NULL DEFAULT 0,
    test_accuracy REAL
);
CREATE TABLE IF NOT EXISTS epochs (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch INTEGER NOT NULL,
    metrics TEXT NOT NULL,
    PRIMARY KEY (run_id, epoch)
);
"""


@dataclass
class RunRecord:
    id: str
    created_at: float
    updated_at: float
    config: dict[str, Any]
    status: RunStatus
    error: str | None = None
    epochs_done: int = 0
    test_accuracy: float | None = None
    history: list[dict[str, Any]] = field(default_factory=list)


def record_event(store: "RunStore", run_id: str, message: dict[str, Any]) -> bool:
    """Keeps a run's record up to date with one of its worker's messages (``app/runs/worker.py``):
    epochs and status changes are written, ``done`` gets its final status. True when the run has
    ended. The one place both modes (a local worker, a worker anywhere) turn events into records."""
    kind = message["type"]
    if kind == "epoch":
        store.add_epoch(run_id, {k: v for k, v in message.items() if k not in ("type", "misclassified", "stored")})
    elif kind == "status":
        store.set_status(run_id, message["status"])
    elif kind == "done":
        status = RunStatus.STOPPED if message.get("stopped") else RunStatus.COMPLETED
        message["status"] = status
        store.set_status(run_id, status)
        return True
    elif kind == "error":
        store.set_status(run_id, RunStatus.FAILED, message["message"])
        return True
    return False


class RunStore:
    """Thread-safe: the request threads and the event pump share one connection behind a lock."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def create(self, run_id: str, config: dict[str, Any]) -> RunRecord:
        now = time.time()
        with self._lock:
            self._db.execute("INSERT INTO runs (id, created_at, updated_at, config, status) VALUES (?, ?, ?, ?, ?)",
                             (run_id, now, now, json.dumps(config), RunStatus.QUEUED))
        return RunRecord(run_id, now, now, config, RunStatus.QUEUED)

    def set_status(self, run_id: str, status: RunStatus, error: str | None = None) -> None:
        status = RunStatus(status)
        with self._lock:
            self._db.execute("UPDATE runs SET status = ?, error = ?, updated_at = ? WHERE id = ?",
                             (status, error, time.time(), run_id))

    def add_epoch(self, run_id: str, metrics: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO epochs (run_id, epoch, metrics) VALUES (?, ?, ?)",
                             (run_id, metrics["epoch"], json.dumps(metrics)))
            self._db.execute("UPDATE runs SET epochs_done = ?, test_accuracy = ?, updated_at = ? WHERE id = ?",
                             (metrics["epoch"], metrics.get("test_accuracy"), time.time(), run_id))

    def get(self, run_id: str, with_history: bool = True) -> RunRecord | None:
        with self._lock:
            row = self._db.execute("SELECT id, created_at, updated_at, config, status, error, epochs_done, "
                                   "test_accuracy FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row is None:
                return None
            history = [json.loads(m) for (m,) in self._db.execute(
                "SELECT metrics FROM epochs WHERE run_id = ? ORDER BY epoch", (run_id,))] if with_history else []
        return RunRecord(row[0], row[1], row[2], json.loads(row[3]), RunStatus(row[4]), row[5], row[6], row[7], history)

    def list(self) -> list[RunRecord]:
        with self._lock:
            ids = [r for (r,) in self._db.execute("SELECT id FROM runs ORDER BY created_at DESC")]
        return [run for run in (self.get(i) for i in ids) if run is not None]

    def delete(self, run_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM runs WHERE id = ?", (run_id,))

    def delete_finished(self, run_id: str) -> bool:
        """Deletes the run only if it has finished; True if it was deleted."""
        with self._lock:
            cursor = self._db.execute(f"DELETE FROM runs WHERE id = ? AND status IN ({', '.join('?' * len(FINISHED))})",
                                      (run_id, *map(str, FINISHED)))
        return cursor.rowcount > 0

    def mark_interrupted(self) -> list[str]:
        """At start-up: every run a previous server left active was cut off."""
        with self._lock:
            ids = [r for (r,) in self._db.execute(
                f"SELECT id FROM runs WHERE status IN ({', '.join('?' * len(ACTIVE))})", [str(s) for s in ACTIVE])]
            self._db.execute(f"UPDATE runs SET status = '{RunStatus.INTERRUPTED}', updated_at = ? "
                             f"WHERE status IN ({', '.join('?' * len(ACTIVE))})", (time.time(), *map(str, ACTIVE)))
        return ids
