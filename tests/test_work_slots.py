"""app/guards/work_slots.py: a few slots per kind of heavy work, a short fair queue behind them."""

from __future__ import annotations

import asyncio

import pytest
from fastapi import HTTPException

from app.guards.work_slots import WorkSlots


def run(coro):  # noqa: ANN001, ANN201
    return asyncio.run(coro)


def test_free_slots_are_taken_at_once_and_the_next_is_refused_without_a_queue():
    async def scenario():
        slots = WorkSlots(wait_ms=0, max_queue=0, engine=2)
        await slots.take("engine")
        await slots.take("engine")
        with pytest.raises(HTTPException) as refused:
            await slots.take("engine")
        assert refused.value.status_code == 503 and refused.value.headers == {"Retry-After": "1"}
        slots.release("engine")
        await slots.take("engine")
        assert slots.in_use("engine") == 2

    run(scenario())


def test_waiting_requests_are_served_first_come_first_served():
    async def scenario():
        slots = WorkSlots(wait_ms=5000, max_queue=8, image=1)
        await slots.take("image")
        order = []

        async def request(name: str) -> None:
            async with slots.waiting("image"):
                order.append(name)
                await asyncio.sleep(0.01)

        tasks = [asyncio.create_task(request(n)) for n in "abcd"]
        await asyncio.sleep(0.05)
        assert slots.queued("image") == 4 and order == []
        slots.release("image")
        await asyncio.gather(*tasks)
        assert order == list("abcd") and slots.in_use("image") == 0 and slots.queued("image") == 0

    run(scenario())


def test_a_full_queue_refuses_at_once_and_a_long_wait_runs_out():
    async def scenario():
        slots = WorkSlots(wait_ms=100, max_queue=2, engine=1)
        await slots.take("engine")
        waiting = [asyncio.create_task(slots.take("engine")) for _ in range(2)]
        await asyncio.sleep(0.01)
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(HTTPException) as full:  # a third in the queue: refused at once
            await slots.take("engine")
        assert loop.time() - started < 0.05 and "2 waiting" in full.value.detail
        for task in waiting:  # the two in the queue run out of time
            with pytest.raises(HTTPException):
                await task
        assert loop.time() - started >= 0.09 and slots.queued("engine") == 0 and slots.in_use("engine") == 1

    run(scenario())


def test_a_waiter_that_leaves_gives_up_its_place_and_no_slot_is_lost():
    async def scenario():
        slots = WorkSlots(wait_ms=5000, max_queue=8, engine=1)
        await slots.take("engine")
        leaving = asyncio.create_task(slots.take("engine"))
        staying = asyncio.create_task(slots.take("engine"))
        await asyncio.sleep(0.01)
        leaving.cancel()  # the client hung up while it waited
        slots.release("engine")  # the same instant a slot frees
        await asyncio.sleep(0)
        await staying
        assert leaving.cancelled() and slots.in_use("engine") == 1 and slots.queued("engine") == 0
        slots.release("engine")
        assert slots.in_use("engine") == 0

    run(scenario())


def test_a_turn_handed_over_as_the_wait_runs_out_is_passed_on():
    """release() grants the first waiter's turn in the same loop pass in which its timeout fires:
    the slot must go on to the next waiter (or back to the pool), not vanish."""
    async def scenario():
        slots = WorkSlots(wait_ms=50, max_queue=8, engine=1)
        await slots.take("engine")
        first = asyncio.create_task(slots.take("engine"))
        await asyncio.sleep(0.01)
        released = asyncio.Event()
        asyncio.get_running_loop().call_later(0.04, lambda: (slots.release("engine"), released.set()))
        try:
            await first
            slots.release("engine")
        except HTTPException:
            pass
        await released.wait()  # the first may run out of time before the slot frees: wait for both
        assert slots.in_use("engine") == 0 and slots.queued("engine") == 0

    for _ in range(20):
        run(scenario())
