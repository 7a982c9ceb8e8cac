"""What the run manager keeps for each run it owns: the live worker's handles, a place in the queue,
and the error a command the run's state does not allow raises."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

from app.runs.pace import Controls
from app.runs.status import RunStatus


class RunError(Exception):
    """A request the run's state does not allow; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class _Live:
    process: BaseProcess
    events: Any  # multiprocessing.Queue
    controls: Controls  # paused, stopping, pace, steps
    pump: threading.Thread | None = None
    status: RunStatus = RunStatus.RUNNING

    @property
    def paused(self) -> Any:
        return self.controls.paused

    @property
    def stopping(self) -> Any:
        return self.controls.stopping

    def release(self) -> None:
        """Once the worker has ended: close its queue (and the queue's feeder thread) and the process
        handle, so their semaphores are freed now, not reported as leaked at shutdown."""
        self.events.close()
        self.events.join_thread()


@dataclass
class _Waiting:
    run_id: str
    resume: bool
