"""Max and average pooling on one small grid, as the pooling lesson shows them.

Forward, for the k x k window at (i*s, j*s):

    max[i, j]     = max over the window          (its first arg-max, in reading order, on ties)
    average[i, j] = mean over the window

Backward, for an upstream gradient delta of the output's shape:

    max:      delta[i, j] goes to the window's arg-max; the other cells of the window get 0
    average:  delta[i, j] / k^2 goes to every cell of the window

Overlapping windows (s < k) add up. The numbers come from the plain loops in
``model/reference.py``, which the tests check against the engine's vectorised pooling.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.geometry import conv_output_size
from model.reference import (avgpool_backward_loops, avgpool_forward_loops, maxpool_backward_loops,
                             maxpool_forward_loops)


@dataclass(frozen=True)
class Pooled:
    max: np.ndarray  # (OH, OW)
    argmax: list[list[tuple[int, int]]]  # [row, col] in the input of each window's first maximum
    average: np.ndarray  # (OH, OW)
    dx_max: np.ndarray | None = None  # (H, W)
    dx_average: np.ndarray | None = None


def pool_grid(x: np.ndarray, k: int, stride: int | None = None, delta: np.ndarray | None = None) -> Pooled:
    """Both poolings of the (H, W) grid `x`, and their gradients when `delta` (OH, OW) is given."""
    s = stride or k
    h, w = x.shape
    oh, ow = conv_output_size(h, k, s), conv_output_size(w, k, s)
    if oh < 1 or ow < 1:
        raise ValueError(f"the {k}x{k} window does not fit the {h}x{w} input")
    if delta is not None and delta.shape != (oh, ow):
        raise ValueError(f"delta must have the output's shape {oh}x{ow}, not {delta.shape[0]}x{delta.shape[1]}")
    # (H, W) -> (N=1, C=1, H, W) for the loops
    out, arg = maxpool_forward_loops(x[None, None], k, s)
    average = avgpool_forward_loops(x[None, None], k, s)[0, 0]
    argmax = [[(i * s + int(arg[0, 0, i, j]) // k, j * s + int(arg[0, 0, i, j]) % k) for j in range(ow)]
              for i in range(oh)]
    if delta is None:
        return Pooled(out[0, 0], argmax, average)
    d = delta[None, None]
    return Pooled(out[0, 0], argmax, average, maxpool_backward_loops(d, (1, 1, h, w), arg, k, s)[0, 0],
                  avgpool_backward_loops(d, (1, 1, h, w), k, s)[0, 0])
