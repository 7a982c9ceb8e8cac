"""Max and average pooling, forward and backward, batch-last (C, H, W, N).

Both slide a KH x KW window with stride s over each channel on its own:

    max: out[c, i, j] = max_{u, v} x[c, i*s + u, j*s + v]
    avg: out[c, i, j] = mean_{u, v} x[c, i*s + u, j*s + v]     (LeCun's "subsampling")

OH = (H - KH) // s + 1 (no padding). Both loop over the KH*KW offsets of the window -- four
steps for the usual 2x2 -- and treat a whole (C, OH, OW, N) slab at each step.

Max pooling's backward sends each output gradient to one input: the arg-max of its window,
the *first* one in row-major order when several values tie, as PyTorch does. Real MNIST
windows hold exact ties (often several 0s after a ReLU, or saturated 1.0 pixels); sending
the gradient to every tied value would make conv1's gradient about 4% too large.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from model.geometry import conv_output_size
from model.layers import Layer, Shape


def _window_slices(kh: int, kw: int, stride: int, oh: int, ow: int) -> list[tuple[slice, slice]]:
    """For each window offset (u, v), the slices picking x[c, i*s + u, j*s + v] for all i, j."""
    return [(slice(u, u + stride * (oh - 1) + 1, stride), slice(v, v + stride * (ow - 1) + 1, stride))
            for u in range(kh) for v in range(kw)]


def _pool_geometry(x_shape: tuple[int, ...], kh: int, kw: int, stride: int) -> tuple[int, int]:
    _, h, w, _ = x_shape
    oh, ow = conv_output_size(h, kh, stride), conv_output_size(w, kw, stride)
    if oh <= 0 or ow <= 0:
        raise ValueError(f"pooling window {kh}x{kw} does not fit a {h}x{w} input")
    return oh, ow


def maxpool_forward(x: np.ndarray, kh: int, kw: int, stride: int) -> tuple[np.ndarray, dict[str, Any]]:
    """Args: x (C, H, W, N). Returns: out (C, OH, OW, N), the maximum of each window, and a cache."""
    oh, ow = _pool_geometry(x.shape, kh, kw, stride)
    slices = _window_slices(kh, kw, stride, oh, ow)
    out = x[:, slices[0][0], slices[0][1]].copy()
    for rows, cols in slices[1:]:
        np.maximum(out, x[:, rows, cols], out=out)
    return out, {"x": x, "out": out, "slices": slices, "overlap": stride < max(kh, kw)}


def maxpool_backward(dout: np.ndarray, cache: dict[str, Any]) -> np.ndarray:
    """Args: dout (C, OH, OW, N). Returns: dx (C, H, W, N), dout routed to each window's first arg-max.

    Visits the window offsets in row-major order; the first offset whose value equals the
    window's maximum takes the gradient, and ``pending`` forgets it so later ties get none.
    """
    x, out, slices = cache["x"], cache["out"], cache["slices"]
    dx = np.zeros(x.shape, dtype=dout.dtype)
    pending = dout.copy()
    hit = np.empty(out.shape, dtype=bool)
    for t, (rows, cols) in enumerate(slices):
        np.equal(x[:, rows, cols], out, out=hit)
        if cache["overlap"]:
            routed = pending * hit
            dx[:, rows, cols] += routed
        else:
            routed = dx[:, rows, cols]  # a view: this offset's inputs, each in one window only
            np.multiply(pending, hit, out=routed)
        if t < len(slices) - 1:
            pending -= routed
    return dx


def avgpool_forward(x: np.ndarray, kh: int, kw: int, stride: int) -> tuple[np.ndarray, dict[str, Any]]:
    """Args: x (C, H, W, N). Returns: out (C, OH, OW, N), the mean of each window."""
    oh, ow = _pool_geometry(x.shape, kh, kw, stride)
    slices = _window_slices(kh, kw, stride, oh, ow)
    out = x[:, slices[0][0], slices[0][1]].copy()
    for rows, cols in slices[1:]:
        out += x[:, rows, cols]
    out *= 1.0 / (kh * kw)
    return out, {"x_shape": x.shape, "slices": slices, "area": kh * kw}


def avgpool_backward(dout: np.ndarray, cache: dict[str, Any]) -> np.ndarray:
    """Args: dout (C, OH, OW, N). Returns: dx (C, H, W, N); each input gets dout / (KH*KW) per window."""
    dx = np.zeros(cache["x_shape"], dtype=dout.dtype)
    share = dout * (1.0 / cache["area"])
    for rows, cols in cache["slices"]:
        dx[:, rows, cols] += share
    return dx


class _Pool2d(Layer):
    def __init__(self, kernel_size: int | tuple[int, int] = 2, stride: int | None = None) -> None:
        super().__init__()
        kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
        self.kernel_size = (kh, kw)
        self.stride = stride if stride is not None else kh
        if min(kh, kw, self.stride) < 1:
            raise ValueError("pooling kernel size and stride must be >= 1")

    def output_shape(self, input_shape: Shape) -> Shape:
        c, h, w = input_shape
        oh, ow = _pool_geometry((c, h, w, 1), *self.kernel_size, self.stride)
        return (c, oh, ow)

    def describe(self) -> str:
        kh, kw = self.kernel_size
        return f"{kh}x{kw}, stride {self.stride}"


class MaxPool2d(_Pool2d):
    kind = "MaxPool2d"

    def forward(self, x: np.ndarray, train: bool = True) -> np.ndarray:
        out, cache = maxpool_forward(x, *self.kernel_size, self.stride)
        if train:
            self.cache = cache
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return maxpool_backward(dout, self.cache)


class AvgPool2d(_Pool2d):
    kind = "AvgPool2d"

    def forward(self, x: np.ndarray, train: bool = True) -> np.ndarray:
        out, cache = avgpool_forward(x, *self.kernel_size, self.stride)
        if train:
            self.cache = cache
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return avgpool_backward(dout, self.cache)
