"""Where the batch axis lives, and why the engine puts it last.

The outside world (PyTorch, the web app, the saved weights' docstrings) speaks NCHW:
a batch of N images, each with C channels of H x W pixels. Between its layers the
engine keeps the batch as the *innermost* axis instead, (C, H, W, N) -- "batch-last".

Why: a convolution reads the same window position ``x[c, i:i+OH, j:j+OW]`` for every
image of the batch. With the batch last, that window is one contiguous block of
``OW * N`` floats per row, so im2col is a plain block copy and the result of
``W @ cols`` is already laid out as (F, OH, OW, N) with no transpose. Flattening
(C, H, W, N) -> (C*H*W, N) is free and keeps PyTorch's (c, h, w) feature order, and a
linear layer on (D, N) is just ``W @ x`` with PyTorch's (out, in) weight layout.

Weights always keep PyTorch's layouts: conv (F, C, KH, KW), linear (out, in).
These two functions are the only place the layouts meet.
"""

from __future__ import annotations

import numpy as np


def to_batch_last(x: np.ndarray) -> np.ndarray:
    """(N, C, H, W) -> (C, H, W, N), or (N, D) -> (D, N). Returns a contiguous copy."""
    if x.ndim not in (2, 4):
        raise ValueError(f"expected (N, C, H, W) or (N, D), got shape {x.shape}")
    axes = (1, 2, 3, 0) if x.ndim == 4 else (1, 0)
    return np.ascontiguousarray(x.transpose(axes))


def to_batch_first(x: np.ndarray) -> np.ndarray:
    """(C, H, W, N) -> (N, C, H, W), or (D, N) -> (N, D). Returns a contiguous copy."""
    if x.ndim not in (2, 4):
        raise ValueError(f"expected (C, H, W, N) or (D, N), got shape {x.shape}")
    axes = (3, 0, 1, 2) if x.ndim == 4 else (1, 0)
    return np.ascontiguousarray(x.transpose(axes))
