"""What state a training run is in, and which states allow what.

    queued --> running <--> paused          (a live server owns these: ACTIVE)
                  |
                  v
    completed | stopped | failed | interrupted   (no worker: FINISHED, may be pruned)

stopped, failed, interrupted and paused runs can be resumed (RESUMABLE): a finished one from its
last checkpoint. A server that starts finds the runs a previous one left ACTIVE cut off, and marks
them interrupted. The values are the words the API and the WebSocket send.
"""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"
    COMPLETED = "completed"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.PAUSED)
RESUMABLE = (RunStatus.PAUSED, RunStatus.STOPPED, RunStatus.INTERRUPTED, RunStatus.FAILED)
FINISHED = (RunStatus.STOPPED, RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.INTERRUPTED)
