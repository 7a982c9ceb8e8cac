"""The record of runs in PostgreSQL answers as the SQLite one does, and lets nodes agree on who
takes a run (real PostgreSQL)."""

from __future__ import annotations

import secrets
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from app.distributed.pg_store import PgRunStore
from app.runs.status import RunStatus
from app.runs.store import RunStore, record_event
from tests.services import PostgresServer


@pytest.fixture
def pg(postgres_server: PostgresServer) -> PgRunStore:
    store = PgRunStore(postgres_server.create_database(f"s_{secrets.token_hex(6)}"))
    yield store
    store.close()


def _story(store) -> list:  # noqa: ANN001
    """The same life of three runs, told to either store."""
    store.create("a" * 12, {"model": "lenet5", "epochs": 2, "dataset": "mnist"})
    store.create("b" * 12, {"model": "mlp", "epochs": 1, "dataset": "fashion-mnist"})
    store.create("c" * 12, {"model": "lenet5", "epochs": 3, "dataset": "mnist"})
    record_event(store, "a" * 12, {"type": "status", "status": "running"})
    for epoch in (1, 2):
        record_event(store, "a" * 12, {"type": "epoch", "epoch": epoch, "test_accuracy": 0.9 + epoch / 100,
                                       "misclassified": [1, 2], "stored": True, "train_loss": 1 / epoch})
    record_event(store, "a" * 12, {"type": "epoch", "epoch": 2, "test_accuracy": 0.95, "train_loss": 0.4})
    assert record_event(store, "a" * 12, {"type": "done", "stopped": False})
    assert record_event(store, "b" * 12, {"type": "error", "message": "MemoryError: out of memory"})
    store.delete("c" * 12)
    return [replace(r, created_at=0, updated_at=0) for r in store.list()]


def test_the_same_story_gives_the_same_records_in_sqlite_and_postgres(pg: PgRunStore, tmp_path: Path) -> None:
    sqlite = RunStore(tmp_path / "runs.sqlite3")
    told_sqlite, told_pg = _story(sqlite), _story(pg)
    sqlite.close()
    assert told_pg == told_sqlite
    a = next(r for r in told_pg if r.id == "a" * 12)
    assert a.status == RunStatus.COMPLETED and a.epochs_done == 2 and a.test_accuracy == 0.95
    assert [h["epoch"] for h in a.history] == [1, 2] and "misclassified" not in a.history[0]
    assert next(r for r in told_pg if r.id == "b" * 12).error == "MemoryError: out of memory"


def test_a_queued_run_is_claimed_by_exactly_one_of_many_workers(pg: PgRunStore,
                                                                 postgres_server: PostgresServer) -> None:
    pg.create("d" * 12, {"dataset": "mnist"})
    others = [PgRunStore(pg.url) for _ in range(8)]
    won: list[bool] = []
    barrier = threading.Barrier(len(others))

    def claim(store: PgRunStore) -> None:
        barrier.wait()
        won.append(store.claim("d" * 12) is not None)

    threads = [threading.Thread(target=claim, args=(s,)) for s in others]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(won) == [False] * 7 + [True]
    assert pg.get("d" * 12).status == RunStatus.RUNNING
    for store in others:
        store.close()


def test_only_a_live_run_is_interrupted_and_the_queue_is_first_in_first_out(pg: PgRunStore) -> None:
    for name in "efg":
        pg.create(name * 12, {"dataset": "mnist"})
    assert [pg.queue_position(n * 12) for n in "efg"] == [1, 2, 3]
    assert pg.claim("e" * 12) is not None
    assert [pg.queue_position(n * 12) for n in "efg"] == [None, 1, 2]
    live = (RunStatus.RUNNING, RunStatus.PAUSED)
    assert pg.interrupt_if("e" * 12, live, "its worker stopped answering")
    assert not pg.interrupt_if("e" * 12, live, "twice"), "a second replica finds it already done"
    assert not pg.interrupt_if("f" * 12, live, "queued runs have no worker to lose")
    record = pg.get("e" * 12)
    assert record.status == RunStatus.INTERRUPTED and record.error == "its worker stopped answering"
    pg.set_status("e" * 12, RunStatus.QUEUED)  # queued again: at the back
    assert [pg.queue_position(n * 12) for n in "efg"] == [3, 1, 2]


def test_replicas_racing_for_the_last_places_in_the_queue_take_no_more_than_the_limit(postgres_server):
    """Two replicas (two connections) and twelve requests at once, three places: exactly three runs
    are queued, whoever asked, and the rest are told there is no room."""
    url = postgres_server.create_database(f"q_{secrets.token_hex(6)}")
    replicas = [PgRunStore(url), PgRunStore(url)]
    start = threading.Barrier(12)
    made: list = []

    def ask(i: int) -> None:
        start.wait()
        made.append(replicas[i % 2].create_if_room(f"{i:012x}", {"model": "lenet5"}, limit=3))

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    try:
        assert len(made) == 12 and sum(r is not None for r in made) == 3
        assert sorted(r.id for r in made if r) == sorted(run_id for run_id, _ in replicas[0].active())
        replicas[1].set_status(next(r.id for r in made if r), RunStatus.RUNNING)  # one starts: a place frees
        assert replicas[0].create_if_room("f" * 12, {"model": "mlp"}, limit=3) is not None
        assert replicas[1].create_if_room("e" * 12, {"model": "mlp"}, limit=3) is None
    finally:
        for store in replicas:
            store.close()
