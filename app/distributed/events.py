"""A run's events through a Redis Stream: written by its worker, read by every web replica.

Fire-and-forget pub/sub would lose what is said while a replica reconnects. A stream keeps the
last ``event_stream_length`` messages with increasing ids, so a replica that lost Redis for a
while reads on from the last id it saw, and no epoch, status, done or error message is lost.

    worker   RunSink.put(message): the record first (epochs and statuses, in PostgreSQL), then
             XADD. While Redis is down the essential messages wait in order and go first once it
             answers again; the frames that only show the present are dropped.
    replica  StreamRelay: one task that XREADs the streams of the runs its viewers watch and
             hands each message to its ``Hub``, which fans it out as in the embedded mode.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from typing import Any

from app.distributed.services import key
from app.runs.handles import RunError
from app.runs.store import record_event

log = logging.getLogger("convscope.events")
ESSENTIAL = ("epoch", "status", "done", "error", "pace", "snapshot_saved")
RECORD_RETRY_SECONDS = 60.0  # a worker waits this long for PostgreSQL to come back before failing its run


class Fenced(BaseException):
    """This job's run was given to another worker: stop without a word (not an ``Exception``, so
    the worker's own error report does not catch it)."""


def encode(message: dict[str, Any]) -> dict[str, str]:
    return {"k": message["type"], "m": json.dumps(message, separators=(",", ":"))}


def publish(client: Any, run_id: str, message: dict[str, Any], length: int) -> str:
    """Appends one message to the run's stream (a replica speaking for a run no worker holds)."""
    return client.xadd(key(run_id, "events"), encode(message), maxlen=length, approximate=True)


class RunSink:
    """Where a distributed worker's training loop puts its messages (``app/runs/worker.py``'s Sink)."""

    QUIET = 1.0  # seconds without frames of the present after Redis failed
    def __init__(self, client: Any, store: Any, run_id: str, fenced: Any, length: int) -> None:
        self.client, self.store, self.run_id, self.fenced, self.length = client, store, run_id, fenced, length
        self.waiting: deque[dict[str, str]] = deque()
        self.finished = False
        self.quiet_until = 0.0

    def put(self, message: dict[str, Any]) -> None:
        if self.fenced.is_set():
            raise Fenced(self.run_id)
        self.finished = self._record(message) or self.finished
        if self.fenced.is_set():  # fenced off while that was written: what it said is not ours to say
            raise Fenced(self.run_id)
        if message["type"] in ESSENTIAL:
            self.waiting.append(encode(message))
            self.flush()
        elif time.monotonic() >= self.quiet_until and self.flush():  # what waits goes first, in order
            self._send(encode(message))

    def flush(self, patience: float = 0.0) -> bool:
        """Sends what waits, in order; keeps trying for ``patience`` seconds. True when all went.
        After a failure, frames of the present are not tried for ``QUIET`` seconds: a Redis that
        is away must not slow the training down with a failed connection per frame."""
        import redis

        give_up = time.monotonic() + patience
        while self.waiting:
            try:
                self.client.xadd(key(self.run_id, "events"), self.waiting[0], maxlen=self.length, approximate=True)
                self.waiting.popleft()
            except redis.RedisError:
                self.quiet_until = time.monotonic() + self.QUIET
                if time.monotonic() >= give_up:
                    return False
                time.sleep(0.2)
        return True

    def _send(self, fields: dict[str, str]) -> None:
        import redis

        try:
            self.client.xadd(key(self.run_id, "events"), fields, maxlen=self.length, approximate=True)
        except redis.RedisError:
            self.quiet_until = time.monotonic() + self.QUIET  # a frame of the present: the next replaces it

    def _record(self, message: dict[str, Any]) -> bool:
        give_up = time.monotonic() + RECORD_RETRY_SECONDS
        while True:
            try:
                return record_event(self.store, self.run_id, message)
            except RunError as exc:
                if exc.status != 503 or time.monotonic() >= give_up:
                    raise
                time.sleep(0.5)


class StreamRelay:
    """A web replica's reader of the event streams its viewers need."""

    BLOCK_MS = 100  # how long one XREAD waits; also how soon a newly followed run is read
    BATCH = 500

    def __init__(self, client: Any, hub: Any) -> None:
        self.client, self.hub = client, hub
        self.last: dict[str, str] = {}  # run id -> id of the last message handed to the hub
        self.connected = True
        self._task: asyncio.Task | None = None

    async def follow(self, run_id: str) -> None:
        """Called when a viewer joins, before it is sent the run's snapshot: from here on every
        message of the run reaches the hub. Raises ``RunError(503)`` if Redis cannot be reached."""
        import redis

        if run_id in self.last:
            return
        try:
            newest = await self.client.xrevrange(key(run_id, "events"), count=1)
        except redis.RedisError as exc:
            raise RunError(503, f"the run's events (Redis) cannot be reached: {exc}") from None
        self.last.setdefault(run_id, newest[0][0] if newest else "0-0")

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="stream-relay")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        await self.client.aclose()

    async def _loop(self) -> None:
        """Reads for as long as the replica lives: whatever goes wrong is logged and reading goes on."""
        while True:
            try:
                await self._read()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001
                log.exception("the event relay failed; starting it again")
                await asyncio.sleep(1)

    async def _read(self) -> None:
        import redis

        pause = 0.1
        while True:
            for run_id in [r for r in self.last if not self.hub.count(r)]:
                del self.last[run_id]  # nobody here watches it any more
            if not self.last:
                await asyncio.sleep(self.BLOCK_MS / 1000)
                continue
            try:
                answer = await self.client.xread({key(r, "events"): i for r, i in self.last.items()},
                                                 count=self.BATCH, block=self.BLOCK_MS)
            except (redis.RedisError, OSError) as exc:
                if self.connected:
                    log.warning("lost Redis (%s); reading on from the last ids seen once it is back", exc)
                self.connected = False
                await asyncio.sleep(pause)
                pause = min(pause * 2, 2.0)
                continue
            if not self.connected:
                log.warning("Redis is back; reading on")
            self.connected, pause = True, 0.1
            for stream, entries in answer or []:
                run_id = stream.split(":")[2]
                for entry_id, fields in entries:
                    if run_id not in self.last:
                        break
                    self.last[run_id] = entry_id
                    try:
                        self.hub.publish(run_id, fields["k"], fields["m"])
                    except Exception:  # noqa: BLE001 - one bad entry must not stop every viewer's feed
                        log.exception("could not hand on entry %s of run %s", entry_id, run_id)
