"""A network the app serves and where its weights came from (``ModelState``).

The pretrained LeNet-5 is loaded once in the lifespan; each browser may choose a run's or
an import's weights instead (``app/session_networks.py``). Every route reads the
``ModelState`` for its request and reports which weights answered.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.settings import Settings
from model.network import Sequential
from model.zoo import load_model


class ModelLoadError(RuntimeError):
    """The configured weights are missing or unreadable: the app refuses to start without a model."""


@dataclass
class ModelState:
    model: Sequential
    path: Path
    source: str  # "pretrained", later "run:<id>"
    meta: dict[str, Any] = field(default_factory=dict)  # from the .npz
    sidecar: dict[str, Any] = field(default_factory=dict)  # the JSON beside it, if any

    @property
    def test_accuracy(self) -> float | None:
        value = self.sidecar.get("test_accuracy", self.meta.get("test_accuracy"))
        return None if value is None else float(value)


def load_model_state(settings: Settings) -> ModelState:
    path = Path(settings.weights_path)
    if not path.is_file():
        raise ModelLoadError(f"weights file not found: {path} (set CONVSCOPE_WEIGHTS_PATH, or train one "
                             f"with `convscope train --out {path}`)")
    try:
        model, meta = load_model(path)
    except ValueError as exc:
        raise ModelLoadError(str(exc)) from exc
    sidecar_path = path.with_suffix(".json")
    sidecar = json.loads(sidecar_path.read_text()) if sidecar_path.is_file() else {}
    return ModelState(model, path, "pretrained", meta, sidecar)



class RunNetworks:
    """Networks loaded from runs' weights, for the requests that name a run: the few most recently
    asked for stay loaded, each until its file changes (a training run rewrites it every epoch)."""

    def __init__(self, keep: int = 4) -> None:
        self.keep = keep
        self._loaded: OrderedDict[tuple[str, int], tuple[Sequential, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, path: Path) -> tuple[Sequential, dict[str, Any]]:
        """-> (the network, the file's meta)."""
        key = (str(path), path.stat().st_mtime_ns)
        with self._lock:
            if key in self._loaded:
                self._loaded.move_to_end(key)
                return self._loaded[key]
        loaded = load_model(path)
        with self._lock:
            self._loaded[key] = loaded
            while len(self._loaded) > self.keep:
                self._loaded.popitem(last=False)
        return loaded
