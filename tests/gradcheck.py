"""Finite-difference helpers for the gradient tests (CS231n's notebook checks, as asserts)."""

from __future__ import annotations

from typing import Callable

import numpy as np


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / (||a|| + ||b||) over all entries (0 when both are 0).

    A norm, not the largest elementwise ratio: central differences carry an absolute rounding
    error of about eps * |L| / h ~ 1e-9, which would swamp the ratio of a gradient entry near 0.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / denom) if denom else 0.0


def partial_derivative(f: Callable[[], float], x: np.ndarray, idx: tuple[int, ...], h: float = 1e-6) -> float:
    """(f(x + h e_idx) - f(x - h e_idx)) / 2h, nudging x[idx] in place and putting it back."""
    old = x[idx]
    x[idx] = old + h
    plus = f()
    x[idx] = old - h
    minus = f()
    x[idx] = old
    return (plus - minus) / (2 * h)


def numerical_grad(f: Callable[[], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar f() with respect to every entry of x."""
    grad = np.zeros_like(x, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        grad[idx] = partial_derivative(f, x, idx, h)
    return grad
