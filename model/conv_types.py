"""Three kinds of convolution layer, their costs by formula, and their costs measured.

With a D_K x D_K kernel, M input channels, N output channels and a D_F x D_F output:

    image-editor style   one kernel per channel (depthwise), N = M:   D_K^2 * M * D_F^2
    LeNet style          every kernel spans all M channels:           D_K^2 * M * N * D_F^2
    depthwise separable  depthwise, then a 1x1 ("pointwise") mix:     D_K^2 * M * D_F^2 + M * N * D_F^2

so separable / standard = 1/N + 1/D_K^2 (MobileNets, Howard et al. 2017).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from model.conv import conv2d_forward, im2col, pad_input


@dataclass(frozen=True)
class Costs:
    depthwise: int
    standard: int
    separable: int

    @property
    def ratio(self) -> float:
        """separable / standard."""
        return self.separable / self.standard


def costs(dk: int, m: int, n: int, df: int) -> Costs:
    """Multiply-adds of each kind, by the formulas above."""
    return Costs(dk * dk * m * df * df, dk * dk * m * n * df * df, dk * dk * m * df * df + m * n * df * df)


def cost_formulas(dk: int, m: int, n: int, df: int) -> dict[str, str]:
    """Each cost's formula with the numbers filled in: "3*3*32*112*112 = 3,612,672"."""
    c = costs(dk, m, n, df)
    return {"depthwise": f"{dk}*{dk}*{m}*{df}*{df} = {c.depthwise:,}",
            "standard": f"{dk}*{dk}*{m}*{n}*{df}*{df} = {c.standard:,}",
            "separable": f"{dk}*{dk}*{m}*{df}*{df} + {m}*{n}*{df}*{df} = {c.separable:,}",
            "ratio": f"1/{n} + 1/{dk}^2 = {c.ratio:.4f}"}


def photo_channels(rgb: np.ndarray, m: int) -> np.ndarray:
    """(H, W, 3) -> (H, W, M): the photo's R, G, B, then shifted copies of them, so any number of
    input channels comes from a real image."""
    # channel c is colour c % 3, rolled by c // 3 pixels along rows or columns
    return np.stack([np.roll(rgb[..., c % 3], c // 3, axis=c % 2) for c in range(m)], axis=-1)


def depthwise_conv2d(x: np.ndarray, w: np.ndarray, pad: int) -> np.ndarray:
    """One kernel per channel: out[c] = x[c] cross-correlated with w[c].

    Args: x (C, H, W, N) batch-last; w (C, 1, KH, KW). Returns (C, OH, OW, N).
    """
    c, _, kh, kw = w.shape
    _, h, wd, n = x.shape
    oh, ow = h + 2 * pad - kh + 1, wd + 2 * pad - kw + 1
    xpad = pad_input(x, (pad, pad))
    # (C*KH*KW, OH*OW*N) -> (C, KH*KW, OH*OW*N): each channel's own windows
    cols = im2col(xpad, kh, kw, 1, 1, (0, oh), ow).reshape(c, kh * kw, -1)
    # c1k,ckl->c1l: a batch of C (1 x KH*KW) @ (KH*KW x L) products
    return np.matmul(w.reshape(c, 1, kh * kw), cols).reshape(c, oh, ow, n)


@dataclass(frozen=True)
class Timing:
    depthwise: float
    standard: float
    separable: float


def best_of(fn: Callable[[], object], repeats: int = 3) -> float:
    """The fastest of ``repeats`` timed calls, after one untimed warm-up call (seconds)."""
    fn()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def time_conv_types(image: np.ndarray, n: int, dk: int, repeats: int = 3, seed: int = 0) -> Timing:
    """Seconds for each kind on one image (H, W, M) float32, 'same' padding, with random weights."""
    m = image.shape[2]
    rng = np.random.default_rng(seed)
    x = np.ascontiguousarray(image.transpose(2, 0, 1)[..., None], dtype=np.float32)  # (M, H, W, 1)
    depth_w = rng.standard_normal((m, 1, dk, dk)).astype(np.float32)
    full_w = rng.standard_normal((n, m, dk, dk)).astype(np.float32)
    point_w = rng.standard_normal((n, m, 1, 1)).astype(np.float32)
    pad = dk // 2
    return Timing(
        depthwise=best_of(lambda: depthwise_conv2d(x, depth_w, pad), repeats),
        standard=best_of(lambda: conv2d_forward(x, full_w, None, 1, pad), repeats),
        separable=best_of(lambda: conv2d_forward(depthwise_conv2d(x, depth_w, pad), point_w, None, 1, 0), repeats),
    )
