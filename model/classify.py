"""One digit through a network: the probabilities, the two likeliest classes, every layer's output.

    p = softmax(logits) = exp(z_k - max z) / sum_j exp(z_j - max z)

The order of the classes is by probability, the smaller digit first on ties (a stable sort), so
the top guess and the runner-up are the same whichever way the scores are read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.loss import softmax
from model.network import Sequential


@dataclass(frozen=True)
class Classification:
    probabilities: np.ndarray  # (K,) float64, summing to 1
    top: int
    runner_up: int
    activations: dict[str, np.ndarray] | None  # layer -> (C, H, W) or (D,), when asked


def classify(net: Sequential, image: np.ndarray, with_activations: bool = False) -> Classification:
    """`image`: (28, 28) ink in 0..255, as the network was trained on."""
    pixels = image[None]
    # (1, K) logits -> (K,) probabilities, in float64 so tiny ones do not round to 0 early
    probabilities = softmax(net.predict_logits(pixels)[0].astype(np.float64))
    order = np.argsort(-probabilities, kind="stable")
    layers = {name: value[0] for name, value in net.activations(pixels).items()} if with_activations else None
    return Classification(probabilities, int(order[0]), int(order[1]), layers)
