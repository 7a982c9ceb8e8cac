"""What the run manager keeps for each run it owns: the live worker's handles, a place in the queue,
and the error a command the run's state does not allow raises."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

from app.runs.event_pipe import EventSource
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
    events: EventSource  # what the worker says
    controls: Controls  # paused, stopping, pace, steps (shared with the worker)
    pump: threading.Thread | None = None
    status: RunStatus = RunStatus.RUNNING

    @property
    def paused(self) -> Any:
        return self.controls.paused

    @property
    def stopping(self) -> Any:
        return self.controls.stopping

    def release(self) -> None:
        """Once the worker has ended: close its pipe now, not when the handle is collected."""
        self.events.close()


@dataclass
class _Waiting:
    run_id: str
    resume: bool
