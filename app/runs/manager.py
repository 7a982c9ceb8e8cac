"""Owns the training runs: a queue, a worker process per running run, and the event pump.

At most ``max_concurrent`` runs train at once; the rest wait in order. For each running run a
thread reads the worker's queue, records epochs and status changes in SQLite, and hands every
message, encoded to JSON once, to the event loop's ``Hub``. A worker that dies without saying
"done" (killed, out of memory) leaves its run marked failed, its last checkpoint intact.
"""

from __future__ import annotations

import asyncio
import gc
import json
import multiprocessing as mp
import queue
import secrets
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.runs import worker
from app.runs.dir_lock import RunsDirLock
from app.runs.event_pipe import EventPipe
from app.runs.hub import Hub
from app.runs.pace import PACE_RANGE, Controls
from app.runs.status import RESUMABLE, RunStatus
from app.runs.handles import RunError, _Live, _Waiting
from app.runs.lookups import dataset_dir, record_or_404, weights_file
from app.runs.pruning import prune_finished
from app.runs.store import RunRecord, RunStore, record_event


@dataclass
class RunManager:
    runs_dir: Path
    data_dirs: dict[str, Path]
    hub: Hub
    max_concurrent: int = 1
    max_queued: int = 20
    threads: int = 2
    max_kept: int = 100
    max_bytes: int = 2 * 1024 ** 3
    replay_bytes: int = 20 * 1024 ** 2
    store: RunStore = field(init=False)
    _live: dict[str, _Live] = field(default_factory=dict, init=False)
    _waiting: list[_Waiting] = field(default_factory=list, init=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, init=False)
    _loop: asyncio.AbstractEventLoop | None = field(default=None, init=False)
    _closing: bool = field(default=False, init=False)
    _pumps: set[threading.Thread] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        # Before the record of runs is opened: a second server must not touch the first one's.
        self._dir_lock = RunsDirLock(self.runs_dir).acquire()
        try:
            self.store = RunStore(self.runs_dir / "runs.sqlite3")
        except BaseException:
            self._dir_lock.release()
            raise
        self._ctx = mp.get_context("spawn")

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self, loop: asyncio.AbstractEventLoop) -> list[str]:
        self._loop = loop
        return self.store.mark_interrupted()

    def shutdown(self) -> None:
        """Server stopping: end every worker at once; their runs become interrupted (resumable)."""
        with self._lock:
            self._closing = True
            live = list(self._live.items())
            self._waiting.clear()
        for _, handle in live:
            handle.process.terminate()
        for _, handle in live:
            handle.process.join(5)
        for pump in list(self._pumps):  # also those of runs that just ended and are tidying up
            pump.join(5)
        # Drop the workers' pipes and events now: their semaphores are unlinked when collected.
        # uvicorn re-raises SIGTERM once the app has shut down, so the process dies by the signal,
        # without the finalizers that would otherwise unlink them, and the resource tracker would
        # report them leaked.
        with self._lock:
            self._live.clear()
        while live:
            live.pop()[1].release()
        handle = pump = None  # the loops' last values, so nothing here keeps a handle alive
        gc.collect()
        self.store.mark_interrupted()
        self.store.close()
        self._dir_lock.release()

    async def follow(self, run_id: str) -> None:
        """A viewer joins (the distributed mode reads the run's event stream from here on)."""

    async def aclose(self) -> None:
        """After ``shutdown``: nothing more to close here."""

    # ---- queries -----------------------------------------------------------------------------
    def get(self, run_id: str) -> RunRecord:
        return record_or_404(self.store, run_id)

    def list(self) -> list[RunRecord]:
        return self.store.list()

    def position(self, run_id: str) -> int | None:
        """1 for the next run to start, 2 after it, ...; None when not waiting."""
        with self._lock:
            for i, waiting in enumerate(self._waiting, start=1):
                if waiting.run_id == run_id:
                    return i
        return None

    def run_dir(self, run_id: str) -> Path:
        return self.runs_dir / run_id

    def weights_path(self, run_id: str, probe: bool = False) -> Path:
        self.get(run_id)
        return weights_file(self.run_dir(run_id), run_id, probe)

    # ---- commands ----------------------------------------------------------------------------
    def create(self, config: dict[str, Any]) -> RunRecord:
        dataset = config.pop("dataset")
        dataset_dir(self.data_dirs, dataset)
        with self._lock:
            if len(self._waiting) >= self.max_queued:
                raise RunError(429, f"{self.max_queued} runs are already waiting; try again when one has started")
            run_id = secrets.token_hex(6)
            record = self.store.create(run_id, config | {"dataset": dataset})
            self.run_dir(run_id).mkdir(parents=True, exist_ok=True)
            self._waiting.append(_Waiting(run_id, resume=False))
            self._schedule()
        return record

    def pause(self, run_id: str) -> None:
        with self._lock:
            handle = self._live.get(run_id)
            if handle is None:
                raise RunError(409, f"cannot pause run {run_id}: it is {self.get(run_id).status}, not running")
            handle.paused.set()

    def resume(self, run_id: str) -> None:
        with self._lock:
            handle = self._live.get(run_id)
            if handle is not None:
                if not handle.paused.is_set():
                    raise RunError(409, f"run {run_id} is already running")
                handle.controls.cancel_steps()
                handle.paused.clear()
                return
            record = self.get(run_id)
            if record.status not in RESUMABLE:
                raise RunError(409, f"cannot resume run {run_id}: it is {record.status}; "
                                    f"only {', '.join(RESUMABLE)} runs can be resumed")
            checkpoint = self.run_dir(run_id) / "checkpoint.npz"
            self.store.set_status(run_id, RunStatus.QUEUED)
            self._waiting.append(_Waiting(run_id, resume=checkpoint.is_file()))
            self._publish_status(run_id, RunStatus.QUEUED)
            self._schedule()

    def pace(self, run_id: str, batches_per_second: float | None) -> dict[str, Any]:
        """Full speed (None) or slow motion at ``batches_per_second`` (within ``PACE_RANGE``)."""
        low, high = PACE_RANGE
        if batches_per_second is not None and not low <= batches_per_second <= high:
            raise RunError(422, f"slow motion runs at {low} to {high} batches a second; got {batches_per_second}")
        with self._lock:
            handle = self._live_or_409(run_id, "set the pace of")
            handle.controls.pace = batches_per_second or 0.0
            described = handle.controls.describe()
        self._publish(run_id, described)
        return described

    def step(self, run_id: str) -> None:
        """One batch, then paused (a running run pauses after its next batch)."""
        with self._lock:
            self._live_or_409(run_id, "step").controls.ask_step()

    def pace_of(self, run_id: str) -> dict[str, Any] | None:
        with self._lock:
            handle = self._live.get(run_id)
            return None if handle is None else handle.controls.describe()

    def _live_or_409(self, run_id: str, what: str) -> _Live:
        handle = self._live.get(run_id)
        if handle is None:
            raise RunError(409, f"cannot {what} run {run_id}: it is {self.get(run_id).status}, not training")
        return handle

    def stop(self, run_id: str) -> None:
        with self._lock:
            handle = self._live.get(run_id)
            if handle is not None:
                handle.stopping.set()
                return
            waiting = next((w for w in self._waiting if w.run_id == run_id), None)
            if waiting is None:
                raise RunError(409, f"cannot stop run {run_id}: it is {self.get(run_id).status}")
            self._waiting.remove(waiting)
            self.store.set_status(run_id, RunStatus.STOPPED)
            self._publish_status(run_id, RunStatus.STOPPED)
            self._publish(run_id, {"type": "done", "status": RunStatus.STOPPED, "stopped": True})

    def delete(self, run_id: str) -> None:
        self.get(run_id)
        with self._lock:
            handle = self._live.pop(run_id, None)
            self._waiting = [w for w in self._waiting if w.run_id != run_id]
        if handle is not None:
            handle.stopping.set()
            handle.process.terminate()
            handle.process.join(5)
        self.store.delete(run_id)
        shutil.rmtree(self.run_dir(run_id), ignore_errors=True)
        self._publish(run_id, {"type": "error", "message": "this run was deleted"})
        with self._lock:
            self._schedule()

    # ---- workers -----------------------------------------------------------------------------
    def _schedule(self) -> None:
        """Starts waiting runs while there is room. Call with the lock held."""
        while self._waiting and len(self._live) < self.max_concurrent:
            waiting = self._waiting.pop(0)
            record = self.store.get(waiting.run_id, with_history=False)
            if record is None:
                continue
            config = {k: v for k, v in record.config.items() if k != "dataset"} | {"threads": self.threads}
            spec = worker.WorkerSpec(waiting.run_id, config, str(self.data_dirs[record.config["dataset"]]),
                                     str(self.run_dir(waiting.run_id)), waiting.resume, self.replay_bytes)
            events, controls = EventPipe(self._ctx), Controls.create(self._ctx)
            process = self._ctx.Process(target=worker.main, args=(spec, events.sink, controls),
                                        name=f"convscope-run-{waiting.run_id}", daemon=True)
            try:
                process.start()
            except BaseException:
                events.close()
                raise
            events.worker_started()
            handle = _Live(process, events.source, controls)
            self._live[waiting.run_id] = handle
            self.store.set_status(waiting.run_id, RunStatus.RUNNING)
            handle.pump = threading.Thread(target=self._pump, args=(waiting.run_id, handle),
                                           name=f"pump-{waiting.run_id}", daemon=True)
            self._pumps.add(handle.pump)
            handle.pump.start()
        for i, waiting in enumerate(self._waiting, start=1):
            self._publish(waiting.run_id, {"type": "status", "status": RunStatus.QUEUED, "position": i})

    def _pump(self, run_id: str, handle: _Live) -> None:
        try:
            self._pump_messages(run_id, handle)
        finally:
            self._pumps.discard(threading.current_thread())

    def _pump_messages(self, run_id: str, handle: _Live) -> None:
        finished = False
        while not finished:
            text = None  # the worker's own JSON for the message, when it sent one
            try:
                message, text = handle.events.take(timeout=0.25)
            except (queue.Empty, EOFError) as nothing:
                if isinstance(nothing, queue.Empty) and handle.process.is_alive():
                    continue
                if self._closing:
                    return  # the server ended it: shutdown() marks the run interrupted
                try:  # the process ended: what it said last (not a message its death cut short)
                    message, text = handle.events.take(timeout=0.5)
                except (queue.Empty, EOFError):
                    handle.process.join(5)
                    code = handle.process.exitcode
                    message = {"type": "error", "message": f"the training process ended unexpectedly "
                                                           f"(exit code {code}); resume from the last checkpoint"}
            if self.store.get(run_id, with_history=False) is None:
                break  # deleted meanwhile
            with self._lock:
                finished = self._record(run_id, handle, message)
                if finished and self._live.get(run_id) is handle:
                    del self._live[run_id]  # from now on commands see the run's final status
            # The last message ("done", "error") is completed by its record (its final status): encode it anew.
            self._publish(run_id, message, None if finished else text)
        handle.process.join(5)
        handle.release()
        with self._lock:
            if self._closing:
                return
            if self._live.get(run_id) is handle:
                del self._live[run_id]
            self._schedule()
            self.prune()

    def prune(self) -> list[str]:
        """Deletes the oldest finished runs past the limits (see ``app/runs/pruning.py``). Call with
        the lock held."""
        return prune_finished(self.store, self.runs_dir, self.max_kept, self.max_bytes)

    def _record(self, run_id: str, handle: _Live, message: dict[str, Any]) -> bool:
        """Keeps SQLite up to date; True when the run has ended."""
        if message["type"] == "status":
            handle.status = RunStatus(message["status"])
        return record_event(self.store, run_id, message)

    def _publish_status(self, run_id: str, status: RunStatus) -> None:
        self._publish(run_id, {"type": "status", "status": status})

    def _publish(self, run_id: str, message: dict[str, Any], text: str | None = None) -> None:
        """To the run's viewers; `text`: the message's JSON if it came as text (it is not encoded twice)."""
        if self._loop is None or self._loop.is_closed():
            return
        if text is None:
            text = json.dumps(message, separators=(",", ":"))
        self._loop.call_soon_threadsafe(self.hub.publish, run_id, message["type"], text)


def make_run_manager(settings: Any) -> Any:
    """The app's manager, from its settings (runs_dir, data dirs, limits): this process's own, or
    with ``CONVSCOPE_REDIS_URL`` and ``CONVSCOPE_DATABASE_URL`` a replica of the distributed mode's."""
    hub = Hub(settings.max_ws_connections, settings.max_ws_per_client)
    if settings.distributed:
        from app.distributed.manager import DistributedRunManager

        return DistributedRunManager(settings, hub)
    return RunManager(settings.runs_dir, {"mnist": settings.data_dir, "fashion-mnist": settings.fashion_mnist_dir},
                      hub, settings.max_concurrent_runs,
                      settings.max_queued_runs, settings.train_threads, settings.max_runs_kept,
                      settings.max_runs_bytes, settings.max_replay_bytes)
