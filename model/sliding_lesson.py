"""The sliding window of the padding-and-stride lesson, one position at a time.

On a small grid (up to 32 x 32) with any border mode, stride and dilation:

    out[i, j] = sum_{u,v} w[u, v] * P[i*s + u*d, j*s + v*d]

where P is x padded by ``pad_before``/``pad_after`` = d(k-1)//2, d(k-1) - d(k-1)//2 (none for
"valid"), so that along each axis

    n_out = floor((n + p_before + p_after - d(k - 1) - 1) / s) + 1

which is the lesson's floor((n + 2p - d(k - 1) - 1) / s) + 1 when the padding is symmetric.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.filters import BORDER_MODES
from model.geometry import conv_output_size


@dataclass(frozen=True)
class Axis:
    n: int
    k: int
    p_before: int
    p_after: int
    s: int
    d: int

    @property
    def size(self) -> int:
        return conv_output_size(self.n, self.k, self.s, (self.p_before, self.p_after), self.d)

    def expression(self) -> str:
        p = f"2*{self.p_before}" if self.p_before == self.p_after else f"{self.p_before} + {self.p_after}"
        return (f"floor(({self.n} + {p} - {self.d}*({self.k} - 1) - 1) / {self.s}) + 1 = {self.size}")


@dataclass(frozen=True)
class Slide:
    padded: np.ndarray
    output: np.ndarray
    rows: Axis
    cols: Axis
    positions: list[tuple[int, int, list[int], list[int]]]  # (i, j, padded rows, padded cols) per output


def axis(n: int, k: int, padding: str, stride: int, dilation: int) -> Axis:
    span = dilation * (k - 1)
    before, after = (0, 0) if padding == "valid" else (span // 2, span - span // 2)
    return Axis(n, k, before, after, stride, dilation)


def slide(x: np.ndarray, w: np.ndarray, padding: str = "zero", stride: int = 1, dilation: int = 1) -> Slide:
    if padding not in BORDER_MODES:
        raise ValueError(f"padding must be one of {', '.join(BORDER_MODES)}; got {padding!r}")
    rows, cols = axis(x.shape[0], w.shape[0], padding, stride, dilation), axis(x.shape[1], w.shape[1], padding,
                                                                             stride, dilation)
    if rows.size < 1 or cols.size < 1:
        raise ValueError(f"the {w.shape[0]}x{w.shape[1]} kernel with dilation {dilation} spans more than the "
                         f"{x.shape[0]}x{x.shape[1]} input with padding {padding!r}")
    if padding == "reflect" and (max(rows.p_before, rows.p_after) >= x.shape[0]
                                 or max(cols.p_before, cols.p_after) >= x.shape[1]):
        raise ValueError("'reflect' needs the input to be larger than the padding it mirrors")
    mode = BORDER_MODES[padding]
    padded = x if mode is None else np.pad(x, ((rows.p_before, rows.p_after), (cols.p_before, cols.p_after)),
                                           mode=mode)
    # the padded rows and columns under the kernel at each output place: R[i, u] = i*s + u*d
    r_idx = np.arange(rows.size)[:, None] * stride + np.arange(w.shape[0])[None, :] * dilation  # (OH, KH)
    c_idx = np.arange(cols.size)[:, None] * stride + np.arange(w.shape[1])[None, :] * dilation  # (OW, KW)
    # (OH, OW, KH, KW) windows, then oh ow kh kw , kh kw -> oh ow
    windows = padded[r_idx[:, None, :, None], c_idx[None, :, None, :]]
    out = np.einsum("ijuv,uv->ij", windows, w)
    row_lists, col_lists = r_idx.tolist(), c_idx.tolist()
    positions = [(i, j, row_lists[i], col_lists[j]) for i in range(rows.size) for j in range(cols.size)]
    return Slide(padded, out, rows, cols, positions)
