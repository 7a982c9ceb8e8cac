"""One server per runs directory.

A runs directory holds one server's record of runs: a second server on it would read the first
one's active runs as cut off, mark them interrupted, and both would then show wrong states. So
a server holds an exclusive OS lock (``flock``) on ``<runs_dir>/server.lock`` for as long as it
runs. The OS releases it when the holder's process ends, however it ends (even ``kill -9``),
so a crashed server never leaves the directory locked. The file also says who holds it -- the
process id, the host and when it started -- for the message a second server gives.

``flock`` locks belong to an open file, not to a process: two apps in one process (tests) are
refused just as two processes are. It is meant for a local disk; on a network file system use
one directory per server (the distributed mode shares its record of runs another way).
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from pathlib import Path

LOCK_NAME = "server.lock"


class RunsDirLocked(RuntimeError):
    """Another server holds the runs directory."""


def _holder(fd: int) -> str:
    try:
        who = json.loads(os.pread(fd, 4096, 0) or b"{}")
        since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(float(who["started"])))
        return f"process {int(who['pid'])} on {who['host']}, since {since}"
    except (ValueError, KeyError, TypeError, OSError):
        return "another process"


class RunsDirLock:
    def __init__(self, runs_dir: Path) -> None:
        self.runs_dir = Path(runs_dir)
        self.path = self.runs_dir / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> "RunsDirLock":
        """Take the lock, or raise ``RunsDirLocked`` naming the directory and its holder."""
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)  # not inherited by the training workers
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise RunsDirLocked(
                f"the runs directory {self.runs_dir} is in use by another convscope server ({holder}). "
                f"A runs directory belongs to one server at a time: stop that server, or give this one "
                f"its own directory with CONVSCOPE_RUNS_DIR.") from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}).encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.ftruncate(fd, 0)
            os.close(fd)  # closing the file lets the lock go

    @property
    def held(self) -> bool:
        return self._fd is not None


def check_free(runs_dir: Path) -> None:
    """Raise ``RunsDirLocked`` now if another server holds ``runs_dir`` (before a server starts
    up, for a plain message; the server itself then takes the lock for its whole life)."""
    RunsDirLock(runs_dir).acquire().release()
