"""What both run managers (this process's, and a distributed replica's) answer the same way, from
the record of runs and the runs directory: a run or a 404, its weights or a 409, a dataset's
folder or a 422."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.runs.handles import RunError
from app.runs.store import RunRecord
from app.runs.worker import PROBE_WEIGHTS


def record_or_404(store: Any, run_id: str) -> RunRecord:
    record = store.get(run_id)
    if record is None:
        raise RunError(404, f"no run with id {run_id!r}")
    return record


def weights_file(run_dir: Path, run_id: str, probe: bool = False) -> Path:
    """The weights saved at the end of the run's last epoch, or (``probe``) those that made the
    last probe picture it sent (about once a second, and when paused)."""
    path = run_dir / (PROBE_WEIGHTS if probe else "weights.npz")
    if not path.is_file():
        when = "with its first probe picture" if probe else "at the end of each epoch"
        raise RunError(409, f"run {run_id} has no weights yet: they are saved {when}")
    return path


def dataset_dir(data_dirs: dict[str, Path], dataset: str) -> Path:
    """The folder a run on ``dataset`` reads, if it is installed here."""
    data_dir = data_dirs[dataset]
    if not data_dir.is_dir():
        raise RunError(422, f"dataset {dataset!r} is not installed here (looked in {data_dir}); "
                            "for Fashion-MNIST: apt-get install dataset-fashion-mnist")
    return data_dir
