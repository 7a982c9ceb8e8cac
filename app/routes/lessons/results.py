"""Lesson 7, the tutorial's results: both committed networks on the test set, side by side
(``model/results_lesson.py``), and the same pair trained without distortions. Evaluated once per process: the weights and the test set do not
change while it runs."""

from __future__ import annotations

import threading

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.guards.json_body import GuardedRoute
from model.datasets import DEFAULT_MNIST_DIR, load_dataset
from model.results_lesson import NetworkResult, claim_ratios, network_result
from model.zoo import PRETRAINED_LENET5, PRETRAINED_LENET5_PLAIN, PRETRAINED_MLP, PRETRAINED_MLP_PLAIN

router = APIRouter(route_class=GuardedRoute)


class ModelResult(BaseModel):
    architecture: str
    params: int
    test_accuracy: float
    test_error: float
    confusion: list[list[int]]
    trained_with: str | None


class VersionOut(BaseModel):
    """Both networks as trained one way: on the digits as they are, or on distorted ones."""

    distorted: bool = Field(..., description="Trained with distortions (augmentation).")
    lenet5_accuracy: float
    mlp_accuracy: float
    error_ratio: float
    lenet5_command: str | None
    mlp_command: str | None


class ResultsOut(BaseModel):
    lenet5: ModelResult
    mlp: ModelResult
    error_ratio: float = Field(..., description="MLP error / LeNet-5 error: the tutorial says about 2.")
    size_ratio: float = Field(..., description="MLP parameters / LeNet-5 parameters: the tutorial says about 4.")
    versions: list[VersionOut] = Field(..., description="Both networks trained without distortions, then with "
                                                        "them (the committed pair above).")


_results: dict[str, ResultsOut] = {}
_results_lock = threading.Lock()


def _shape(r: NetworkResult) -> ModelResult:
    return ModelResult(architecture=r.architecture, params=r.params, test_accuracy=r.test_accuracy,
                       test_error=r.test_error, confusion=r.confusion, trained_with=r.trained_with)


def _version(distorted: bool, pair: tuple[NetworkResult, NetworkResult]) -> VersionOut:
    lenet, mlp = pair
    return VersionOut(distorted=distorted, lenet5_accuracy=lenet.test_accuracy, mlp_accuracy=mlp.test_accuracy,
                      error_ratio=claim_ratios(lenet, mlp)[0], lenet5_command=lenet.trained_with,
                      mlp_command=mlp.trained_with)


@router.get("/results", response_model=ResultsOut, summary="The committed LeNet-5 and MLP on the 10,000 test "
            "images, side by side")
def results() -> ResultsOut:
    with _results_lock:
        if "mnist" not in _results:
            data = load_dataset(DEFAULT_MNIST_DIR)  # the committed networks' data, whatever the server trains on
            lenet, mlp = network_result(PRETRAINED_LENET5, data), network_result(PRETRAINED_MLP, data)
            plain = network_result(PRETRAINED_LENET5_PLAIN, data), network_result(PRETRAINED_MLP_PLAIN, data)
            error_ratio, size_ratio = claim_ratios(lenet, mlp)
            versions = [_version(distorted, pair) for distorted, pair in ((False, plain), (True, (lenet, mlp)))]
            _results["mnist"] = ResultsOut(lenet5=_shape(lenet), mlp=_shape(mlp), error_ratio=error_ratio,
                                           size_ratio=size_ratio, versions=versions)
        return _results["mnist"]
