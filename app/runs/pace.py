"""How fast a run trains, as its viewer chose: full speed, slow motion, or one batch per click.

The server and the worker share ``Controls``: ``paused`` and ``stopping`` (flags), ``pace``
(batches a second in slow motion, 0 for full speed) and the single steps asked for and not yet
taken. A step on a paused run trains one batch and stays paused; on a running run it pauses after
the next batch. At slow pace and in steps every batch's curves, kernels and probe are sent, so a
viewer sees the filters change batch by batch.

They live in one block of shared memory with no lock: a worker killed while it held a lock (the
``multiprocessing.Event`` and ``Value`` these were before) would leave the server's next pause or
step waiting on that lock for ever. Each number has one writer: the server writes the flags, the
pace and the steps asked for; the worker writes only the steps it has taken.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

#: Slow motion's range, in batches a second (the one place it is written down).
PACE_RANGE = (0.1, 20.0)

PAUSED, STOPPING, PACE, ASKED, TAKEN = range(5)  # the shared block's slots
WAIT_TICK = 0.01  # how often a waiting flag looks again, in seconds


@dataclass
class Flag:
    """``threading.Event``'s set, clear, is_set and wait, on one slot of the shared block."""

    block: Any
    slot: int

    def set(self) -> None:
        self.block[self.slot] = 1.0

    def clear(self) -> None:
        self.block[self.slot] = 0.0

    def is_set(self) -> bool:
        return self.block[self.slot] != 0.0

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not self.is_set() and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(WAIT_TICK, left))
        return self.is_set()


@dataclass
class Controls:
    block: Any  # multiprocessing.RawArray("d", 5): paused, stopping, pace, steps asked, steps taken

    @classmethod
    def create(cls, ctx: Any) -> "Controls":
        return cls(ctx.RawArray("d", 5))

    @property
    def paused(self) -> Flag:
        return Flag(self.block, PAUSED)

    @property
    def stopping(self) -> Flag:
        return Flag(self.block, STOPPING)

    @property
    def pace(self) -> float:
        """Batches a second; 0 is full speed."""
        return self.block[PACE]

    @pace.setter
    def pace(self, batches_per_second: float) -> None:
        self.block[PACE] = batches_per_second

    def pending_steps(self) -> int:
        return max(0, int(self.block[ASKED] - self.block[TAKEN]))

    # ---- the worker's side -------------------------------------------------------------------
    def take_step(self) -> bool:
        """True (and one fewer pending) if a single step was asked for."""
        if self.block[ASKED] > self.block[TAKEN]:
            self.block[TAKEN] += 1
            return True
        return False

    # ---- the server's side -------------------------------------------------------------------
    def add_steps(self, count: int = 1) -> None:
        # From what has been taken: a step the worker took as the last ones were cancelled counts.
        self.block[ASKED] = max(self.block[ASKED], self.block[TAKEN]) + count

    def ask_step(self) -> None:
        self.add_steps(1)
        self.paused.set()

    def cancel_steps(self) -> None:
        """Resumed: steps asked for while paused are not taken after it."""
        self.block[ASKED] = self.block[TAKEN]

    def describe(self) -> dict[str, Any]:
        """What the viewers are told: {"type": "pace", "mode": "full" | "slow", "batches_per_second": r}.
        (A paused run is stepped with ``ask_step``; its status says it is paused.)"""
        rate = float(self.pace)
        return {"type": "pace", "mode": "slow" if rate > 0 else "full", "batches_per_second": rate or None}
