"""Lesson 7: does the tutorial's claim hold? "About twice lower test error while four times
smaller": both committed networks on the 10,000 MNIST test images, and the two ratios

    error ratio = MLP test error / LeNet-5 test error       (the tutorial says about 2)
    size ratio  = MLP parameters / LeNet-5 parameters       (the tutorial says about 4)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from model.datasets import Dataset
from model.training import evaluate
from model.zoo import load_model


@dataclass(frozen=True)
class NetworkResult:
    architecture: str
    params: int
    test_accuracy: float
    confusion: list[list[int]]
    trained_with: str | None  # the command in the weights' sidecar

    @property
    def test_error(self) -> float:
        return 1 - self.test_accuracy


def network_result(path: Path, data: Dataset) -> NetworkResult:
    """One committed network, evaluated on the test set."""
    net, _ = load_model(path)
    ev = evaluate(net, data.test_images, data.test_labels)
    sidecar = path.with_suffix(".json")
    command = json.loads(sidecar.read_text()).get("command") if sidecar.is_file() else None
    return NetworkResult(net.architecture, net.num_params(), ev.accuracy, ev.confusion.tolist(), command)


def claim_ratios(lenet: NetworkResult, mlp: NetworkResult) -> tuple[float, float]:
    """(error ratio, size ratio): MLP over LeNet-5 for both."""
    return mlp.test_error / lenet.test_error, mlp.params / lenet.params
