"""Training checkpoints: everything needed to resume a run exactly, in one ``.npz``.

Keys: ``model.<param>`` (the weights, PyTorch names), ``optim.<state>`` (momentum buffers or
Adam's moments), and ``__meta__``, a JSON string with the epoch, the per-epoch history, the
config, the elapsed time and the input normalisation. Written atomically (temporary file, then
rename), so a crash or a full disk mid-write leaves the previous checkpoint whole. Read with
``allow_pickle=False``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from model.network import META_KEY, Sequential, atomic_savez, read_weights
from model.optim import SGD, Adam


def save_checkpoint(path: str | Path, model: Sequential, optimizer: SGD | Adam, epoch: int,
                    history: list[dict[str, Any]], config: dict[str, Any], elapsed_seconds: float) -> None:
    arrays = {f"model.{k}": v for k, v in model.state_dict().items()}
    arrays |= {f"optim.{k}": v for k, v in optimizer.state().items()}
    meta = model.meta() | {"epoch": epoch, "history": history, "config": config,
                           "elapsed_seconds": elapsed_seconds}
    arrays[META_KEY] = np.array(json.dumps(meta))
    atomic_savez(path, arrays)


def load_checkpoint(path: str | Path, model: Sequential, optimizer: SGD | Adam | None = None) -> dict[str, Any]:
    """Restores the weights (and the optimiser's state) in place; returns the checkpoint's metadata."""
    arrays, meta = read_weights(path)
    if "epoch" not in meta:
        raise ValueError(f"{path}: not a training checkpoint (no epoch recorded)")
    model.load_state_dict({k.removeprefix("model."): v for k, v in arrays.items() if k.startswith("model.")})
    model.input_mean, model.input_std = float(meta["input_mean"]), float(meta["input_std"])
    if optimizer is not None:
        optimizer.load_state({k.removeprefix("optim."): v for k, v in arrays.items() if k.startswith("optim.")})
    return meta
