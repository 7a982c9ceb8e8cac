"""Cross-correlation and its gradients, term by term, as the first lesson writes them.

1-D, with 1-based indices as in the tutorial, kernel w of length k and input x zero-padded by p:

    y_i      = sum_j x_(i+j-1) w_j                      (cross-correlation)
    dL/dx_m  = sum_i delta_i w_(m-i+1)                  (delta * W flipped: the *full* correlation)
    dL/dw_j  = sum_i delta_i x_(i+j-1)                  (X * delta)

e.g. with k = 3: dL/dx_2 = w_2 delta_1 + w_1 delta_2. The 2-D lesson uses the engine's own
``conv2d_forward``/``conv2d_backward`` for the numbers and these loops for the terms, and both
are checked against finite differences of L = sum_i delta_i y_i.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from model.conv import conv2d_backward, conv2d_forward


@dataclass(frozen=True)
class Term:
    """One product in a sum: a * b, with the 1-based indices of both factors."""

    a_name: str
    a_index: tuple[int, ...]
    a_value: float
    b_name: str
    b_index: tuple[int, ...]
    b_value: float

    @property
    def product(self) -> float:
        return self.a_value * self.b_value


@dataclass(frozen=True)
class Entry:
    name: str  # "y", "dL/dx", "dL/dw"
    index: tuple[int, ...]  # 1-based
    value: float
    terms: list[Term]


def _check_1d(x: np.ndarray, w: np.ndarray, pad: int) -> None:
    if x.ndim != 1 or w.ndim != 1 or not len(x) or not len(w):
        raise ValueError("x and w must be non-empty lists of numbers")
    if len(w) > len(x) + 2 * pad:
        raise ValueError(f"the kernel (length {len(w)}) is longer than the padded input ({len(x) + 2 * pad})")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(w))):
        raise ValueError("x and w must be finite numbers")


def correlate_1d(x: np.ndarray, w: np.ndarray, pad: int = 0) -> list[Entry]:
    """y_i = sum_j x_(i+j-1) w_j over x zero-padded by ``pad`` (padding entries are x_0, x_-1, ...)."""
    _check_1d(x, w, pad)
    xp = np.concatenate([np.zeros(pad), x, np.zeros(pad)])
    k, out = len(w), []
    for i in range(len(xp) - k + 1):
        terms = [Term("x", (i + j + 1 - pad,), float(xp[i + j]), "w", (j + 1,), float(w[j])) for j in range(k)]
        out.append(Entry("y", (i + 1,), float(sum(t.product for t in terms)), terms))
    return out


def gradients_1d(x: np.ndarray, w: np.ndarray, delta: np.ndarray, pad: int = 0) -> tuple[list[Entry], list[Entry]]:
    """(dL/dx, dL/dw) for L = sum_i delta_i y_i, each entry with its terms."""
    _check_1d(x, w, pad)
    xp = np.concatenate([np.zeros(pad), x, np.zeros(pad)])
    k, n_out = len(w), len(xp) - len(w) + 1
    if delta.shape != (n_out,):
        raise ValueError(f"delta needs one number per output: {n_out}, not {len(delta)}")
    dx = []
    for m in range(pad, pad + len(x)):  # only the real inputs; padding has no gradient to report
        terms = [Term("w", (m - i + 1,), float(w[m - i]), "delta", (i + 1,), float(delta[i]))
                 for i in range(n_out) if 0 <= m - i < k]
        dx.append(Entry("dL/dx", (m - pad + 1,), float(sum(t.product for t in terms)), terms))
    dw = []
    for j in range(k):
        terms = [Term("delta", (i + 1,), float(delta[i]), "x", (i + j + 1 - pad,), float(xp[i + j]))
                 for i in range(n_out)]
        dw.append(Entry("dL/dw", (j + 1,), float(sum(t.product for t in terms)), terms))
    return dx, dw


def central_differences(f: Callable[[np.ndarray], float], at: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """(f(at + h e_m) - f(at - h e_m)) / 2h for every entry m: the gradient, estimated."""
    at = at.astype(np.float64)
    grad = np.zeros_like(at)
    for idx in np.ndindex(at.shape):
        plus, minus = at.copy(), at.copy()
        plus[idx] += h
        minus[idx] -= h
        grad[idx] = (f(plus) - f(minus)) / (2 * h)
    return grad


def finite_difference_1d(x: np.ndarray, w: np.ndarray, delta: np.ndarray, pad: int = 0
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Central differences of L = sum delta_i y_i with respect to every x_m and w_j.

    All the nudged copies are correlated at once (one row each) with NumPy, an independent check
    of the term-by-term sums above; ``central_differences`` is the same estimate one entry at a time.
    """
    def losses(xs: np.ndarray, ws: np.ndarray) -> np.ndarray:
        """L for each row of xs (B, n) with the matching row of ws (B, k)."""
        xp = np.pad(xs, ((0, 0), (pad, pad)))
        # (B, n + 2p) -> (B, n_out, k): every window of every row
        windows = np.lib.stride_tricks.sliding_window_view(xp, ws.shape[1], axis=1)
        return np.einsum("bik,bk,i->b", windows, ws, delta)

    return (batched_central_differences(lambda xs: losses(xs, np.broadcast_to(w, (len(xs), len(w)))), x),
            batched_central_differences(lambda ws: losses(np.broadcast_to(x, (len(ws), len(x))), ws), w))


def batched_central_differences(f: Callable[[np.ndarray], np.ndarray], at: np.ndarray, h: float = 1e-5
                                ) -> np.ndarray:
    """``central_differences`` with every nudged copy in one batch: f maps (B, *at.shape) to (B,)."""
    at = at.astype(np.float64)
    nudges = np.eye(at.size).reshape(at.size, *at.shape) * h  # one e_m per row
    return ((f(at + nudges) - f(at - nudges)) / (2 * h)).reshape(at.shape)


def correlate_2d(x: np.ndarray, w: np.ndarray, delta: np.ndarray | None, pad: int = 0, stride: int = 1,
                 flip: bool = False) -> dict[str, np.ndarray]:
    """The engine's forward and backward on one small single-channel grid; with ``flip``, w is
    first rotated by 180 degrees, which turns the cross-correlation into a true convolution.

    Returns the kernel used and y, and with delta also dL/dx, dL/dw and their finite-difference
    estimates.
    """
    if x.ndim != 2 or w.ndim != 2:
        raise ValueError("x and w must be 2-D grids (lists of equal-length rows)")
    if flip:
        w = w[::-1, ::-1].copy()  # rot180: w'[u, v] = w[KH-1-u, KW-1-v]
    # (H, W) -> (C=1, H, W, N=1) batch-last; (KH, KW) -> (F=1, C=1, KH, KW)
    xb, wb = x[None, :, :, None].astype(np.float64), w[None, None].astype(np.float64)
    y, cache = conv2d_forward(xb, wb, None, stride, pad)
    result = {"kernel": w, "y": y[0, :, :, 0]}
    if delta is None:
        return result
    if delta.shape != result["y"].shape:
        oh, ow = result["y"].shape
        raise ValueError(f"delta must be {oh}x{ow}, the output's shape, not {delta.shape[0]}x{delta.shape[1]}")
    dx, dw, _ = conv2d_backward(delta[None, :, :, None].astype(np.float64), cache)
    result |= {"dx": dx[0, :, :, 0], "dw": dw[0, 0]}

    def loss_of_inputs(xs: np.ndarray) -> np.ndarray:
        """L for each nudged input (B, H, W): the batch is the engine's own batch axis."""
        # (B, H, W) -> (C=1, H, W, N=B) batch-last
        out = conv2d_forward(xs.transpose(1, 2, 0)[None], wb, None, stride, pad)[0]
        return np.einsum("fijb,ij->b", out, delta)

    def loss_of_kernels(ws: np.ndarray) -> np.ndarray:
        """L for each nudged kernel (B, KH, KW): the batch becomes B output channels."""
        # (B, KH, KW) -> (F=B, C=1, KH, KW)
        out = conv2d_forward(xb, ws[:, None], None, stride, pad)[0]
        return np.einsum("fijn,ij->f", out, delta)

    result["dx_numeric"] = batched_central_differences(loss_of_inputs, x)
    result["dw_numeric"] = batched_central_differences(loss_of_kernels, w)
    return result


def largest_difference(*pairs: tuple[np.ndarray, np.ndarray]) -> float:
    """The largest |analytic - numeric| over every (analytic, numeric) pair of gradients."""
    return float(max(np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float)).max() for a, b in pairs))
