"""The fast path of ``model/filters.py``: how a kernel is applied to a whole photo quickly.

The sum is the same one the lesson shows; only the order of the work changes.

1. Taps. Each non-zero weight K[u, v] becomes one pass over a tile: ``acc += K[u, v] * view``,
   where ``view`` is the tile shifted by (u, v). A weight of +1 or -1 needs no multiply.
2. Separable kernels. A rank-1 kernel (box and Gaussian blurs, Sobel, Prewitt) is an outer
   product, column x row, and is applied as a column pass then a row pass: KH + KW taps
   instead of KH * KW.
3. Integers. With integer weights and pixels 0..255, every sum is an integer: when the largest
   possible sum fits, the work is done in int16 (twice the values per SIMD instruction of
   float32), else int32; the result is then exact. Other kernels run in float32.
4. Tiles. The image is cut into bands of output rows small enough that a band's accumulator
   stays in the core's cache while all its taps are added; bands are split over two threads.
5. Output. The divisor and the output mapping are applied per band, straight into uint8.

Rounding is "half up" everywhere: mapped = clip(floor(sum / divisor + 0.5), 0, 255).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from model import parallel

TILE_VALUES = 1 << 17  # values per band's accumulator: 256 KB in int16, 512 KB in float32

Tap = tuple[int, int, float]  # (u, v, weight)


def separate(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(column, row) with weights == outer(column, row) exactly, when the kernel is rank 1.

    Taken from the kernel's own entries (its heaviest row, and the ratios down one column),
    so integer kernels give integer factors: a 3x3 Gaussian is [1, 2, 1] down, [1, 2, 1] across.
    """
    kh, kw = weights.shape
    if kh == 1 or kw == 1 or not np.any(weights):
        return None
    row = weights[int(np.argmax(np.abs(weights).sum(axis=1)))].copy()
    nonzero = np.abs(row[row != 0])
    if np.all(nonzero == np.round(nonzero)):
        row /= np.gcd.reduce(nonzero.astype(np.int64))
    j = int(np.argmax(np.abs(row)))
    column = weights[:, j] / row[j]
    if not np.allclose(np.outer(column, row), weights, rtol=0, atol=1e-12 * np.abs(weights).max()):
        return None
    return column, row


def _taps(weights: np.ndarray) -> list[Tap]:
    kh, kw = weights.shape
    return [(u, v, float(weights[u, v])) for u in range(kh) for v in range(kw) if weights[u, v] != 0]


def _cost(taps: list[Tap]) -> int:
    return sum(1 if abs(k) == 1 else 2 for _, _, k in taps)


def _range_after(taps: list[Tap], low: float, high: float) -> tuple[float, float]:
    """The interval a pass can produce from inputs in [low, high]."""
    lo = sum(min(k * low, k * high) for _, _, k in taps)
    hi = sum(max(k * low, k * high) for _, _, k in taps)
    return lo, hi


@dataclass(frozen=True)
class Plan:
    passes: list[list[Tap]]  # one pass (the taps), or a column pass then a row pass
    dtype: type  # np.int16, np.int32 or np.float32
    divisor: float

    @property
    def exact(self) -> bool:
        return self.dtype is not np.float32


def make_plan(weights: np.ndarray, divisor: float) -> Plan:
    direct = _taps(weights)
    passes = [direct]
    pair = separate(weights) if weights.shape[0] > 1 and weights.shape[1] > 1 else None
    if pair is not None:
        column, row = pair
        split = [_taps(column[:, None]), _taps(row[None, :])]
        if _cost(split[0]) + _cost(split[1]) < _cost(direct):
            passes = split
    integer = all(k == round(k) for p in passes for _, _, k in p)
    dtype: type = np.float32
    if integer:
        low, high, widest = 0.0, 255.0, 0.0
        for p in passes:
            low, high = _range_after(p, low, high)
            widest = max(widest, abs(low), abs(high))
        widest += 256 * abs(divisor)  # room for the mapping's offset and rounding
        dtype = np.int16 if widest < 2 ** 15 else np.int32 if widest < 2 ** 31 else np.float32
    return Plan(passes, dtype, divisor)


def _apply(src: np.ndarray, taps: list[Tap], rows: int, stride: int, step: int, acc: np.ndarray,
           tmp: np.ndarray) -> None:
    """acc = sum over taps (u, v, k) of k * src[u + i*stride, x + v*step] for i < rows, all x."""
    width = acc.shape[1]
    if not taps:
        acc[...] = 0
        return
    for t, (u, v, k) in enumerate(taps):
        view = src[u:u + stride * (rows - 1) + 1:stride, v * step:v * step + width]
        weight = acc.dtype.type(k)
        if t == 0:
            if k == 1:
                np.copyto(acc, view, casting="unsafe")
            else:
                np.multiply(view, weight, out=acc, dtype=acc.dtype, casting="unsafe")
        elif k == 1:
            np.add(acc, view, out=acc, casting="unsafe")
        elif k == -1:
            np.subtract(acc, view, out=acc, casting="unsafe")
        else:
            np.multiply(view, weight, out=tmp, dtype=acc.dtype, casting="unsafe")
            acc += tmp


def _map_band(acc: np.ndarray, plan: Plan, mapping: str, out: np.ndarray) -> None:
    """out (uint8) = clip(floor(mapped + 0.5), 0, 255) for one band, from exact or float sums."""
    d = plan.divisor
    power_of_two = plan.exact and d >= 1 and d == 2 ** round(np.log2(d))
    if plan.exact and power_of_two:
        shift = round(np.log2(d))
        half = (1 << shift) >> 1
        if mapping == "abs":
            np.abs(acc, out=acc)
        if mapping == "offset":
            acc += acc.dtype.type(128 * (1 << shift))
        if shift:
            acc += acc.dtype.type(half)
            acc >>= shift  # floor((sum + d/2) / d): round half up
        np.clip(acc, 0, 255, out=acc)
        out[...] = acc
        return
    values = acc if acc.dtype == np.float32 else acc.astype(np.float32)
    if d != 1:
        np.divide(values, np.float32(d), out=values)  # a true division: exact halves stay halves
    if mapping == "abs":
        np.abs(values, out=values)
    values += np.float32(128.5 if mapping == "offset" else 0.5)
    np.clip(values, np.float32(0), np.float32(255), out=values)
    out[...] = values  # truncation of values >= 0: the floor


def run(flat: np.ndarray, plan: Plan, kh: int, stride: int, channels: int, oh: int, wo: int,
        mapping: str | None, threads: int) -> np.ndarray:
    """Filters a padded uint8 image laid out as (Hp, Wp*C).

    Returns (OH, Wo) with Wo = (Wp - KW + 1) * C: uint8 when a mapping is given (not
    "rescale"), else float32 sums / divisor.
    """
    width_in = flat.shape[1]
    out = np.empty((oh, wo), dtype=np.uint8 if mapping else np.float32)
    step = max(1, TILE_VALUES // max(wo, width_in))
    bands = [(r, min(r + step, oh)) for r in range(0, oh, step)]

    def work(some: Sequence[tuple[int, int]]) -> None:
        acc = np.empty((step, wo), dtype=plan.dtype)
        tmp = np.empty_like(acc)
        mid = np.empty((step, width_in), dtype=plan.dtype) if len(plan.passes) == 2 else None
        for r0, r1 in some:
            rows = r1 - r0
            src = flat[r0 * stride:(r1 - 1) * stride + kh]
            if plan.dtype is np.float32:
                src = src.astype(np.float32)
            a, t = acc[:rows], tmp[:rows]
            if mid is not None:
                m = mid[:rows]
                _apply(src, plan.passes[0], rows, stride, channels, m, np.empty_like(m))
                _apply(m, plan.passes[1], rows, 1, channels, a, t)
            else:
                _apply(src, plan.passes[0], rows, stride, channels, a, t)
            if mapping:
                _map_band(a, plan, mapping, out[r0:r1])
            else:
                np.divide(a, plan.divisor, out=out[r0:r1], casting="unsafe")

    parallel.split_map(work, bands, threads=threads)
    return out
