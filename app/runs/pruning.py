"""Keeping the runs directory within its budget: the oldest finished runs go first.

Past ``CONVSCOPE_MAX_RUNS_KEPT`` finished runs, or ``CONVSCOPE_MAX_RUNS_BYTES`` of their files on
disk, the oldest finished runs are deleted with their checkpoints and weights. Active runs
(queued, running, paused) are never pruned.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from app.runs.status import FINISHED
from app.runs.store import RunStore


def prune_finished(store: RunStore, runs_dir: Path, max_kept: int, max_bytes: int) -> list[str]:
    """Delete the oldest finished runs until at most `max_kept` remain in at most `max_bytes`;
    returns the ids deleted, oldest first. A run is deleted only if it is still finished when its
    turn comes."""
    finished = [r for r in store.list() if r.status in FINISHED]  # newest first
    sizes = {r.id: sum(f.stat().st_size for f in (runs_dir / r.id).glob("*") if f.is_file()) for r in finished}
    total = sum(sizes.values())
    pruned: list[str] = []
    for record in reversed(finished):  # oldest first
        if len(finished) - len(pruned) <= max_kept and total <= max_bytes:
            break
        if not store.delete_finished(record.id):
            continue  # resumed since the list was read (another node may prune at the same time)
        shutil.rmtree(runs_dir / record.id, ignore_errors=True)
        total -= sizes[record.id]
        pruned.append(record.id)
    return pruned
