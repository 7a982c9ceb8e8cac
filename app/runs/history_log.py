"""Every batch of a run, on disk: ``history.bin`` in the run's folder, one fixed-size row a batch.

The worker appends a row per batch (step, epoch, loss, smoothed loss, running accuracy, learning
rate, images/s) and flushes them about once a second, at every epoch end and when it pauses, so a
reopened run -- after a reload or a server restart -- draws the same batch curves the live page
drew. Rows are little-endian and fixed-size, so a reader takes whole rows only, even while the
worker writes.

The file is bounded: past ``cap_bytes`` every other row is dropped and from then on only every
``stride``-th step is kept (stride 1, 2, 4, ...). A 30-epoch LeNet-5 run on all of MNIST is
28,140 rows, 900 KB, far below the default cap; the thinning is for batch size 1 and long runs.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HISTORY_FILE = "history.bin"
HISTORY_META = "history.json"  # {"stride": s}: which steps the file keeps (step % s == 0)
ROW = np.dtype([("step", "<u4"), ("epoch", "<u4"), ("lr", "<f8"), ("loss", "<f4"), ("smoothed_loss", "<f4"),
                ("accuracy", "<f4"), ("images_per_sec", "<f4")])  # 32 bytes; lr exactly as the optimiser had it
COLUMNS = ROW.names
FLUSH_EVERY = 1.0  # seconds between writes of the buffered rows


def read_stride(run_dir: Path) -> int:
    try:
        return int(json.loads((run_dir / HISTORY_META).read_text())["stride"])
    except (OSError, ValueError, KeyError, TypeError):
        return 1


def _write_stride(run_dir: Path, stride: int) -> None:
    tmp = run_dir / (HISTORY_META + ".tmp")
    tmp.write_text(json.dumps({"stride": stride}))
    os.replace(tmp, run_dir / HISTORY_META)


def read_rows(run_dir: Path) -> np.ndarray:
    """Every whole row written so far (a structured array with ``COLUMNS``)."""
    try:
        raw = (run_dir / HISTORY_FILE).read_bytes()
    except FileNotFoundError:
        return np.zeros(0, ROW)
    whole = len(raw) - len(raw) % ROW.itemsize
    return np.frombuffer(raw[:whole], ROW)


@dataclass
class HistoryLog:
    """The worker's writer. ``keep_until(step)`` first drops rows a resumed run will redo."""

    run_dir: Path
    cap_bytes: int
    stride: int = field(init=False)
    _pending: list[tuple] = field(default_factory=list, init=False)
    _size: int = field(init=False)

    def __post_init__(self) -> None:
        self.stride = read_stride(self.run_dir)
        path = self.run_dir / HISTORY_FILE
        self._size = path.stat().st_size if path.exists() else 0

    @property
    def path(self) -> Path:
        return self.run_dir / HISTORY_FILE

    def keep_until(self, step: int) -> None:
        """A run resumed from the checkpoint at ``step`` trains the steps after it again."""
        rows = read_rows(self.run_dir)
        kept = rows[rows["step"] <= step]
        if len(kept) != len(rows) or len(rows) * ROW.itemsize != self._size:
            self._rewrite(kept)

    def add(self, step: int, epoch: int, loss: float, smoothed_loss: float, accuracy: float, lr: float,
            images_per_sec: float) -> None:
        if step % self.stride == 0:
            self._pending.append((step, epoch, lr, loss, smoothed_loss, accuracy, images_per_sec))

    def flush(self) -> None:
        if not self._pending:
            return
        rows = np.array(self._pending, ROW)
        self._pending.clear()
        with self.path.open("ab") as out:
            out.write(rows.tobytes())
        self._size += rows.nbytes
        while self._size > self.cap_bytes and self.stride < 2 ** 30:
            self._thin()

    def _thin(self) -> None:
        """Keep every other kept step: stride s -> 2s."""
        self.stride *= 2
        rows = read_rows(self.run_dir)
        self._rewrite(rows[rows["step"] % self.stride == 0])
        _write_stride(self.run_dir, self.stride)

    def _rewrite(self, rows: np.ndarray) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_bytes(np.ascontiguousarray(rows).tobytes())
        os.replace(tmp, self.path)
        self._size = rows.nbytes
