"""Accuracy against shift over the 10,000 MNIST test digits, for the committed networks, trained
without and with distortions: the tutorial's opening question answered with measured curves.

    accuracy(d, direction) = (1 / N) * #{n : argmax net(shift(x_n; d * direction)) = y_n}

for d = 0 .. 6 pixels to the right, left, down and up (``model/translation_lesson.py``'s shift,
nothing wraps). The curves take the engine about 20 seconds, so they are kept beside the weights in
``translation-curves.json`` with the SHA-256 of every weight file and of the test set they were
measured on; a file that no longer matches is measured again (``load_or_measure``). Rewrite it,
after retraining, with

    python -m model.translation_curves
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from model.datasets import DEFAULT_MNIST_DIR, Dataset, load_dataset
from model.network import Sequential
from model.translation_lesson import shift
from model.zoo import PRETRAINED_LENET5, PRETRAINED_LENET5_PLAIN, PRETRAINED_MLP, PRETRAINED_MLP_PLAIN, \
    WEIGHTS_DIR, load_model

CURVE_SHIFTS = tuple(range(0, 7))  # pixels
DIRECTIONS = {"right": (1, 0), "left": (-1, 0), "down": (0, 1), "up": (0, -1)}  # (dx, dy) per pixel


@dataclass(frozen=True)
class Network:
    key: str  # "lenet5", "mlp", "lenet5_plain", "mlp_plain"
    architecture: str
    distorted: bool  # trained with augmentation
    path: Path

    @property
    def augment(self) -> dict[str, float] | None:
        """The distortions it was trained with, as its sidecar records them (None: none)."""
        sidecar = self.path.with_suffix(".json")
        if not sidecar.is_file():
            return None
        return json.loads(sidecar.read_text()).get("config", {}).get("augment") or None


NETWORKS = (Network("lenet5", "lenet5", True, PRETRAINED_LENET5),
            Network("mlp", "mlp", True, PRETRAINED_MLP),
            Network("lenet5_plain", "lenet5", False, PRETRAINED_LENET5_PLAIN),
            Network("mlp_plain", "mlp", False, PRETRAINED_MLP_PLAIN))
CACHE = WEIGHTS_DIR / "translation-curves.json"


@lru_cache(maxsize=1)
def loaded_networks() -> dict[str, Sequential]:
    """key -> the network, each loaded once per process (the files do not change while it runs)."""
    return {n.key: load_model(n.path)[0] for n in NETWORKS}


def accuracy_curves(net: Sequential, images: np.ndarray, labels: np.ndarray,
                    shifts: tuple[int, ...] = CURVE_SHIFTS) -> dict[str, list[float]]:
    """direction -> the accuracy at each shift of ``shifts`` (shift 0 is the same for all four)."""
    def accuracy(dx: int, dy: int) -> float:
        logits = net.predict_logits(shift(images, dx, dy), batch_size=500)  # (N, K)
        return float((logits.argmax(axis=1) == labels).mean())

    unshifted = accuracy(0, 0)
    return {name: [unshifted if d == 0 else accuracy(d * ux, d * uy) for d in shifts]
            for name, (ux, uy) in DIRECTIONS.items()}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fingerprints(data: Dataset, networks: tuple[Network, ...] = NETWORKS) -> dict[str, str]:
    """What the curves depend on: every weight file's bytes and the test set's."""
    prints = {n.key: sha256(n.path.read_bytes()) for n in networks}
    prints["test_set"] = sha256(data.test_images.tobytes() + data.test_labels.tobytes())
    return prints


def measure(data: Dataset, networks: tuple[Network, ...] = NETWORKS) -> dict[str, Any]:
    """Every network's curves, with the fingerprints they were measured for."""
    began = time.perf_counter()
    curves = {}
    for n in networks:  # from the files the fingerprints are taken of
        curves[n.key] = accuracy_curves(load_model(n.path)[0], data.test_images, data.test_labels)
    return {"shifts": list(CURVE_SHIFTS), "directions": list(DIRECTIONS), "test_digits": int(len(data.test_labels)),
            "curves": curves, "fingerprints": fingerprints(data, networks),
            "seconds": round(time.perf_counter() - began, 1)}


def load_or_measure(data: Dataset, cache: Path = CACHE, networks: tuple[Network, ...] = NETWORKS
                    ) -> tuple[dict[str, Any], bool]:
    """-> (the curves, whether they came from ``cache``): measured anew unless the cache was
    measured for exactly these weights and this test set."""
    if cache.is_file():
        kept = json.loads(cache.read_text())
        if kept.get("fingerprints") == fingerprints(data, networks) and kept.get("shifts") == list(CURVE_SHIFTS):
            return kept, True
    return measure(data, networks), False


def main() -> None:
    data = load_dataset(DEFAULT_MNIST_DIR)
    result = measure(data)
    CACHE.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {CACHE} in {result['seconds']} s")
    for key, curves in result["curves"].items():
        print(key, {name: [round(a * 100, 2) for a in values] for name, values in curves.items()})


if __name__ == "__main__":
    main()
