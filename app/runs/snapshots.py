"""What the training page showed at a step, kept so a run can be replayed: ``snapshots/`` in its folder.

A snapshot holds the kernels as drawn (uint8 around 128, with the layer's scale), the probe digit's
maps (uint8 over each layer's min..max), and an evaluation: the confusion matrix and every test
image's prediction, so a confusion cell or the mistakes can be paged through later. They are taken

* at the log-spaced early steps 1, 2, 4, 8, ... of the first epoch, whatever the pace, so the
  noise-to-edges phase can be replayed after a full-speed run; these evaluate on the first
  ``EARLY_TEST_IMAGES`` test images (a full test pass at every one would slow the run down);
* at every epoch end, on the whole test set.

The shelf is bounded (``cap_bytes``). When a new snapshot would not fit, the epoch-end snapshot
whose removal leaves the smallest gap between its neighbours goes first, and the newest epoch end
always stays (see ``_victim``). ``index.json`` lists what is kept, by step.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

SNAPSHOT_DIR = "snapshots"
INDEX = "index.json"
EARLY_TEST_IMAGES = 1000


def early_steps(batches_per_epoch: int) -> list[int]:
    """1, 2, 4, ... below the first epoch's end (which has its own snapshot)."""
    steps, step = [], 1
    while step < batches_per_epoch:
        steps.append(step)
        step *= 2
    return steps


def kernel_bytes(weights: np.ndarray) -> tuple[float, np.ndarray]:
    """Signed weights -> (scale, uint8 with 128 at zero): byte = round(128 + 127 w / scale), scale = max |w|."""
    scale = float(np.abs(weights).max()) or 1.0
    return scale, np.rint(128 + 127 * weights / scale).astype(np.uint8)


def map_bytes(array: np.ndarray) -> tuple[float, float, np.ndarray]:
    """Maps or a vector -> (min, max, uint8 over min..max)."""
    low, high = float(array.min()), float(array.max())
    scaled = np.zeros(array.shape) if high == low else (array - low) * (255.0 / (high - low))
    return low, high, np.rint(scaled).astype(np.uint8)


def _name(step: int, kind: str) -> str:
    return f"{step:09d}-{kind}.npz"


class SnapshotShelf:
    """Writes (the worker) and reads (the server) one run's snapshots."""

    def __init__(self, run_dir: Path, cap_bytes: int = 0) -> None:
        self.dir = Path(run_dir) / SNAPSHOT_DIR
        self.cap_bytes = cap_bytes

    # ---- reading ---------------------------------------------------------------------------
    def index(self) -> list[dict[str, Any]]:
        """Every kept snapshot's step, epoch, batch, kind, bytes, test images and accuracy, by step."""
        try:
            return json.loads((self.dir / INDEX).read_text())
        except (OSError, ValueError):
            return []

    def entry(self, step: int) -> dict[str, Any] | None:
        return next((e for e in self.index() if e["step"] == step), None)

    def read(self, step: int) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
        """(meta, arrays) of the snapshot at ``step``, or None. Never unpickles."""
        entry = self.entry(step)
        if entry is None:
            return None
        try:
            with np.load(self.dir / entry["file"], allow_pickle=False) as npz:
                arrays = {key: npz[key] for key in npz.files}
        except (OSError, ValueError, KeyError):
            return None
        meta = json.loads(arrays.pop("meta").tobytes().decode("utf-8"))
        return meta, arrays

    # ---- writing ---------------------------------------------------------------------------
    def add(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> bool:
        """Stores a snapshot (``meta`` has step, epoch, batch, kind, ...); False if it cannot fit."""
        self.dir.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        encoded = np.frombuffer(json.dumps(meta).encode("utf-8"), np.uint8)
        np.savez_compressed(buffer, meta=encoded, **arrays)
        data = buffer.getvalue()
        index = [e for e in self.index() if e["step"] != meta["step"]]
        while sum(e["bytes"] for e in index) + len(data) > self.cap_bytes:
            victim = _victim(index, meta["kind"])
            if victim is None:
                return False
            index.remove(victim)
            (self.dir / victim["file"]).unlink(missing_ok=True)
            self._write_index(index)
        name = _name(meta["step"], meta["kind"])
        tmp = self.dir / (name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, self.dir / name)
        entry = {key: meta[key] for key in ("step", "epoch", "batch", "kind", "test_images", "test_accuracy")}
        index.append(entry | {"file": name, "bytes": len(data)})
        self._write_index(sorted(index, key=lambda e: e["step"]))
        return True

    def keep_until(self, step: int) -> None:
        """A run resumed from the checkpoint at ``step`` takes the later snapshots again."""
        index = self.index()
        for entry in [e for e in index if e["step"] > step]:
            (self.dir / entry["file"]).unlink(missing_ok=True)
        if any(e["step"] > step for e in index):
            self._write_index([e for e in index if e["step"] <= step])

    def _write_index(self, index: list[dict[str, Any]]) -> None:
        tmp = self.dir / (INDEX + ".tmp")
        tmp.write_text(json.dumps(index))
        os.replace(tmp, self.dir / INDEX)


def _victim(index: list[dict[str, Any]], incoming: str) -> dict[str, Any] | None:
    """What goes to make room for an ``incoming`` snapshot ("early" or "epoch"):

    1. an epoch-end snapshot other than the newest, the one whose neighbours are closest together
       once it goes (the only one, too, when an epoch end is coming to replace it);
    2. for an epoch end only, then the latest early snapshot: a run's newest state matters more
       than its tenth early step. An early snapshot that finds no room is not kept."""
    epochs = [e for e in index if e["kind"] == "epoch"]
    removable = epochs[:-1] if len(epochs) > 1 else (epochs if incoming == "epoch" else [])
    if removable:
        def gap(i: int) -> int:
            before = epochs[i - 1]["step"] if i > 0 else 0
            after = epochs[i + 1]["step"] if i + 1 < len(epochs) else before
            return after - before
        return min(((gap(i), e["step"], e) for i, e in enumerate(removable)), key=lambda c: (c[0], c[1]))[2]
    early = [e for e in index if e["kind"] == "early"]
    return early[-1] if incoming == "epoch" and early else None
