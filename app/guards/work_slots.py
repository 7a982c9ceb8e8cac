"""At most a few requests at a time do each kind of heavy work; the next few wait their turn, briefly.

Decoding a 40-megapixel upload or filtering it at full resolution takes hundreds of megabytes;
ten at once would take gigabytes. Running the engine (a prediction, a gradient) takes a core. So
each kind has a number of slots (CONVSCOPE_MAX_CONCURRENT_IMAGES, _ENGINE). A request that finds
none free waits in a queue, first come first served, for at most CONVSCOPE_SLOT_WAIT_MS; the
queue holds at most CONVSCOPE_MAX_SLOT_QUEUE requests of each kind. Past either it is answered
503 with ``Retry-After``. Waiting costs nothing but the open connection: a slot is taken before a
body is read or any work starts, and the wait is an asyncio future, not a thread.

Refusing at once instead was simpler, and wrong for a classroom: eight learners pressing
"predict" together got 83% 503s (`hey -c 8`, bench/load.py), each then retried a second later.

Slots are taken and given back on the event loop only, so no lock is needed. Routes ask with a
dependency (``def slide(body: SlideIn, _: EngineSlot)``), or, when the kind depends on the
request, ``async with slots.waiting(kind):`` around the worker-thread call.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, HTTPException, Request

RETRY_AFTER_SECONDS = 1


@dataclass
class _Kind:
    limit: int
    free: int
    queue: deque[asyncio.Future[None]] = field(default_factory=deque)


class WorkSlots:
    """Named counting slots with a short, bounded, fair queue; every method runs on the event loop."""

    def __init__(self, wait_ms: int = 0, max_queue: int = 0, **limits: int) -> None:
        self.wait_s = wait_ms / 1000
        self.max_queue = max_queue
        self.limits = dict(limits)
        self._kinds = {kind: _Kind(n, n) for kind, n in limits.items()}

    @asynccontextmanager
    async def waiting(self, kind: str) -> AsyncIterator[None]:
        """``async with slots.waiting("image"):`` holds one slot of `kind` for the block."""
        await self.take(kind)
        try:
            yield
        finally:
            self.release(kind)

    def in_use(self, kind: str) -> int:
        k = self._kinds[kind]
        return k.limit - k.free

    def queued(self, kind: str) -> int:
        return sum(1 for f in self._kinds[kind].queue if not f.done())

    def take_now(self, kind: str) -> None:
        """A slot without waiting, or the 503."""
        k = self._kinds[kind]
        if k.free > 0 and not self.queued(kind):
            k.free -= 1
            return
        raise self._busy(kind)

    async def take(self, kind: str) -> None:
        """A slot: at once when one is free and nobody waits, else after the requests ahead of
        this one, within the wait; the 503 when the queue is full or the wait runs out."""
        k = self._kinds[kind]
        if k.free > 0 and not self.queued(kind):
            k.free -= 1
            return
        if self.wait_s <= 0 or self.queued(kind) >= self.max_queue:
            raise self._busy(kind)
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        k.queue.append(turn)
        try:
            async with asyncio.timeout(self.wait_s):
                await turn
        except BaseException as exc:  # out of time, or the client went away
            if turn.done() and not turn.cancelled():
                self.release(kind)  # handed a slot in the same instant: pass it on
            if isinstance(exc, TimeoutError):
                raise self._busy(kind) from None
            raise
        finally:
            if turn in k.queue:
                k.queue.remove(turn)

    def release(self, kind: str) -> None:
        """Give the slot to the longest-waiting request, or back to the pool."""
        k = self._kinds[kind]
        while k.queue:
            turn = k.queue.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        k.free = min(k.limit, k.free + 1)

    def _busy(self, kind: str) -> HTTPException:
        return HTTPException(503, f"the server is busy with {self.limits[kind]} other {kind} requests and "
                                  f"{self.queued(kind)} waiting for their turn; try again in "
                                  f"{RETRY_AFTER_SECONDS} s", headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def _slot(kind: str):  # noqa: ANN202
    async def hold(request: Request) -> AsyncIterator[None]:
        async with request.app.state.work_slots.waiting(kind):
            yield

    return hold


EngineSlot = Annotated[None, Depends(_slot("engine"))]
BUSY = {503: {"description": "Busy: every slot for this kind of work is taken and its queue is full, or the "
                             "wait for a turn ran out; see Retry-After."}}
