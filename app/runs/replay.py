"""A run's replay as the API serves it: pages of its per-batch history, its snapshots in the shape
of the live messages (so the page draws a stored step with the code that draws a live one), and
pages of the test images in a confusion cell or among the mistakes."""

from __future__ import annotations

import base64
import functools
from pathlib import Path
from typing import Any

import numpy as np

from app.runs.history_log import COLUMNS, read_rows, read_stride
from app.runs.snapshots import SnapshotShelf

#: The most history rows one request returns, and the most images: the one place they are set.
HISTORY_PAGE_MAX = 50_000
IMAGES_PAGE_MAX = 100
MISTAKES_SHOWN = 12  # as the live epoch message carries


def _b64(values: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(values, dtype=np.uint8).tobytes()).decode("ascii")


def history_page(run_dir: Path, first: int | None, last: int | None, offset: int, limit: int) -> dict[str, Any]:
    """Rows with ``first <= step <= last`` (either may be None), then ``offset``/``limit`` within
    them; columns as lists, with how many matched and which steps the file keeps (``stride``)."""
    rows = read_rows(run_dir)
    steps = rows["step"]
    keep = np.ones(len(rows), bool)
    if first is not None:
        keep &= steps >= first
    if last is not None:
        keep &= steps <= last
    chosen = rows[keep]
    page = chosen[offset:offset + limit]
    columns = {name: page[name].tolist() for name in COLUMNS}
    return {"total": int(len(chosen)), "offset": offset, "limit": limit, "stride": read_stride(run_dir),
            "columns": columns}


def _mistakes(labels: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    return np.flatnonzero(predicted != labels)


def snapshot_view(shelf: SnapshotShelf, step: int, test_images: np.ndarray) -> dict[str, Any] | None:
    """The stored step as the live socket would have said it: a ``weights`` and an ``activations``
    message, and an ``evaluation`` like an epoch message's (confusion, the first mistakes)."""
    stored = shelf.read(step)
    if stored is None:
        return None
    meta, arrays = stored
    kernels = [dict(k, data=_b64(arrays[f"kernel{i}"])) for i, k in enumerate(meta["kernels"])]
    maps = [dict(m, data=_b64(arrays[f"map{i}"])) for i, m in enumerate(meta["maps"])]
    labels, predicted = arrays["labels"], arrays["predicted"]
    wrong = _mistakes(labels, predicted)
    first = [{"index": int(i), "label": int(labels[i]), "predicted": int(predicted[i]),
              "data": _b64(test_images[i])} for i in wrong[:MISTAKES_SHOWN]]
    where = {key: meta[key] for key in ("step", "epoch", "batch", "kind")}
    return where | {
        "weights": {"type": "weights", "step": step, "layers": kernels},
        "activations": {"type": "activations", "step": step, "layers": maps,
                        "probe": {"label": meta["probe_label"], "data": _b64(arrays["probe"])}},
        "evaluation": {"test_images": meta["test_images"], "test_accuracy": meta["test_accuracy"],
                       "test_loss": meta["test_loss"], "confusion": meta["confusion"],
                       "mistakes": int(len(wrong)), "misclassified": first},
    }


def images_page(shelf: SnapshotShelf, step: int, test_images: np.ndarray, true: int | None, predicted: int | None,
                offset: int, limit: int) -> dict[str, Any] | None:
    """The test images of one confusion cell (``true`` and ``predicted`` given), or every mistake
    (neither given), at a stored step: ``limit`` of them from ``offset``, with how many there are."""
    stored = shelf.read(step)
    if stored is None:
        return None
    _, arrays = stored
    labels, guesses = arrays["labels"], arrays["predicted"]
    if true is None:
        chosen = _mistakes(labels, guesses)
    else:
        chosen = np.flatnonzero((labels == true) & (guesses == predicted))
    page = chosen[offset:offset + limit]
    return {"step": step, "true": true, "predicted": predicted, "total": int(len(chosen)), "offset": offset,
            "limit": limit, "test_images": int(len(labels)),
            "items": [{"index": int(i), "label": int(labels[i]), "predicted": int(guesses[i]),
                       "data": _b64(test_images[i])} for i in page]}


@functools.lru_cache(maxsize=2)
def test_images_of(data_dir: str) -> np.ndarray:
    """The test images of the dataset a run trained on (loaded once per dataset)."""
    from model.datasets import load_dataset

    return load_dataset(data_dir).test_images
