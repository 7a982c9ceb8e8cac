"""Softmax cross-entropy and accuracy, on batch-last logits (K, N).

    p_k = exp(z_k - max z) / sum_j exp(z_j - max z)        (subtracting max z changes nothing
                                                            but keeps exp() from overflowing)
    L = -(1/N) sum_n log p_{y_n}
    dL/dz = (p - onehot(y)) / N
"""

from __future__ import annotations

import numpy as np


def softmax(logits: np.ndarray, axis: int = 0) -> np.ndarray:
    shifted = logits - logits.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of softmax(logits) against integer labels, and its gradient.

    Args:
        logits: (K, N), batch-last. labels: (N,) integers in [0, K).
    Returns:
        loss (a float) and dlogits (K, N).
    """
    k, n = logits.shape
    if labels.shape != (n,):
        raise ValueError(f"labels must have shape ({n},), got {labels.shape}")
    p = softmax(logits, axis=0)
    picked = p[labels, np.arange(n)]
    loss = float(-np.log(np.maximum(picked, np.finfo(p.dtype).tiny)).mean())
    dlogits = p
    dlogits[labels, np.arange(n)] -= 1
    dlogits *= 1.0 / n
    return loss, dlogits


def accuracy(logits: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of columns whose arg-max is the label. logits: (K, N); labels: (N,)."""
    return float((logits.argmax(axis=0) == labels).mean())


def confusion_matrix(predicted: np.ndarray, labels: np.ndarray, num_classes: int = 10) -> np.ndarray:
    """(K, K) counts: row = true class, column = predicted class."""
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(cm, (labels.astype(np.int64), predicted.astype(np.int64)), 1)
    return cm
