"""At most a few requests at a time do each kind of heavy work; one more is told to come back.

Decoding a 40-megapixel upload or filtering it at full resolution takes hundreds of megabytes;
ten at once would take gigabytes. Running the engine (a prediction, a gradient) takes a core. So
each kind has a number of slots (CONVSCOPE_MAX_CONCURRENT_IMAGES, _ENGINE): a request takes one
without waiting, and when none is free it is answered at once with 503 and ``Retry-After``
instead of queueing in memory. Routes ask for a slot with a dependency::

    def apply(body: ApplyRequest, _: ImageSlot) -> Response: ...
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, HTTPException, Request

RETRY_AFTER_SECONDS = 1
WORKER_NICE = 10  # see lower_priority


def lower_priority() -> None:
    """Run the calling thread at nice 10 (Linux schedules threads one by one). The event loop's
    thread stays at 0, so the OS runs it first when a request arrives while the cores are busy with
    heavy work; a nice value only ever goes up here (no privilege needed)."""
    if not hasattr(os, "setpriority"):
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, max(WORKER_NICE, os.getpriority(os.PRIO_PROCESS, tid)))
    except OSError:
        pass


def nice_every_new_thread() -> None:
    """From now on every thread this process starts (the threadpool's workers above all) runs at
    nice 10 from its first instruction, whatever it is asked to do; the calling thread (the event
    loop's) keeps its priority. Called once by ``convscope serve``."""
    def first_call(frame: object, event: str, arg: object) -> None:
        lower_priority()
        sys.setprofile(None)  # once per thread: the hook removes itself

    threading.setprofile(first_call)


class WorkSlots:
    """Named counting semaphores that never block: `take` succeeds or answers 503."""

    def __init__(self, **limits: int) -> None:
        self.limits = dict(limits)
        self._slots = {kind: threading.BoundedSemaphore(n) for kind, n in limits.items()}

    @contextmanager
    def holding(self, kind: str) -> Iterator[None]:
        """``with slots.holding("image"):`` for work whose kind depends on the request."""
        slot = self.take(kind)
        try:
            yield
        finally:
            slot.release()

    def take(self, kind: str) -> threading.BoundedSemaphore:
        slot = self._slots[kind]
        if not slot.acquire(blocking=False):
            raise HTTPException(503, f"the server is busy with {self.limits[kind]} other {kind} requests; "
                                     f"try again in {RETRY_AFTER_SECONDS} s",
                                headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        return slot


def _slot(kind: str):  # noqa: ANN202
    async def hold(request: Request) -> AsyncIterator[None]:
        # async: taking a slot never waits, so it needs no trip through the threadpool
        with request.app.state.work_slots.holding(kind):
            yield

    return hold


ImageSlot = Annotated[None, Depends(_slot("image"))]
EngineSlot = Annotated[None, Depends(_slot("engine"))]
BUSY = {503: {"description": "Busy: every slot for this kind of work is taken; see Retry-After."}}
