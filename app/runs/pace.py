"""How fast a run trains, as its viewer chose: full speed, slow motion, or one batch per click.

The server and the worker share four handles (``Controls``): ``paused`` and ``stopping`` (events),
``pace`` (batches a second in slow motion, 0 for full speed) and ``steps`` (single steps asked for
and not yet taken). A step on a paused run trains one batch and stays paused; on a running run it
pauses after the next batch. At slow pace and in steps every batch's curves, kernels and probe
are sent, so a viewer sees the filters change batch by batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Slow motion's range, in batches a second (the one place it is written down).
PACE_RANGE = (0.1, 20.0)


@dataclass
class Controls:
    paused: Any  # multiprocessing.Event
    stopping: Any  # multiprocessing.Event
    pace: Any  # multiprocessing.Value("d"): batches a second, 0 = full speed
    steps: Any  # multiprocessing.Value("i"): single steps asked for, not yet taken

    @classmethod
    def create(cls, ctx: Any) -> "Controls":
        return cls(ctx.Event(), ctx.Event(), ctx.Value("d", 0.0), ctx.Value("i", 0))

    def take_step(self) -> bool:
        """True (and one fewer pending) if a single step was asked for."""
        with self.steps.get_lock():
            if self.steps.value > 0:
                self.steps.value -= 1
                return True
        return False

    def ask_step(self) -> None:
        with self.steps.get_lock():
            self.steps.value += 1
        self.paused.set()

    def describe(self) -> dict[str, Any]:
        """What the viewers are told: {"type": "pace", "mode": "full" | "slow", "batches_per_second": r}.
        (A paused run is stepped with ``ask_step``; its status says it is paused.)"""
        rate = float(self.pace.value)
        return {"type": "pace", "mode": "slow" if rate > 0 else "full", "batches_per_second": rate or None}
