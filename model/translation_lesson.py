"""Lesson 11, the tutorial's opening question: is a convolutional network translation invariant?

Shift a digit by dx pixels to the right and dy down; nothing wraps round, what leaves the picture
is lost and what enters is 0 (no ink):

    shift(x; dx, dy)[i, j] = x[i - dy, j - dx]      (0 where i - dy or j - dx is outside)

*Equivariance.* A convolution of stride 1 slides the same kernel everywhere, so shifting its
input shifts its output by the same amount:

    conv(shift(x; dx, dy)) = shift(conv(x); dx, dy)

exactly, wherever the kernel's window lies inside the picture for both sides. At the picture's
edge a window reads padding, and the padding's zeros are added after the pixels are normalised,
where blank paper (pixel 0) is (0 - mean) / std = -0.42, not 0: the shifted digit's window reads
padding where the original's, shifted, read paper or ink. Deeper, after a stride-2 pooling, a shift of d
pixels is d / 2 cells of the layer's grid: whole only when d is even, so conv2's maps follow an
odd shift only roughly.

*Invariance.* A 2x2 max pooling keeps each window's largest value, and a shift smaller than the
window often keeps it: pool2 changes less than conv1 for a 1-pixel shift, and both change a lot
for larger ones. ``shift_profile`` measures it, with each network's answer against the shift;
``model/translation_curves.py`` does the same over the 10,000 test digits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.loss import softmax
from model.network import Sequential
from model.receptive_field import FieldRow, field_table, steps_of

MAX_SHIFT = 8  # the sliders' range, in pixels, both ways
COMPARED = ("conv1", "conv2")  # the maps compared shifted against shifted
CHANGED = ("conv1", "pool1", "conv2", "pool2")  # the layers whose change with the shift is measured
ROUNDING = 1e-4  # float32 sums of the same products in another order differ by less than this here


def check_shift(dx: int, dy: int, limit: int = MAX_SHIFT) -> None:
    for name, value in (("dx", dx), ("dy", dy)):
        if not -limit <= value <= limit:
            raise ValueError(f"{name} must be a whole number of pixels from -{limit} to {limit}; got {value}")


def shift(x: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """(..., H, W) -> the same shape, moved dx columns right and dy rows down, 0 filled in."""
    h, w = x.shape[-2:]
    out = np.zeros_like(x)
    if abs(dx) >= w or abs(dy) >= h:
        return out
    # rows [max(0, dy), min(h, h + dy)) of the output come from rows [max(0, -dy), min(h, h - dy)) of x
    out[..., max(0, dy):h + min(0, dy), max(0, dx):w + min(0, dx)] = \
        x[..., max(0, -dy):h + min(0, -dy), max(0, -dx):w + min(0, -dx)]
    return out


def ink_kept(image: np.ndarray, dx: int, dy: int) -> float:
    """The shifted digit's ink over the digit's: 1 until the shift pushes ink out of the picture."""
    return float(shift(image, dx, dy).sum() / image.sum())


def shift_loops(x: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """``shift`` for one (H, W) map, one output pixel at a time, as the formula reads."""
    h, w = x.shape
    out = np.zeros_like(x)
    for i in range(h):
        for j in range(w):
            if 0 <= i - dy < h and 0 <= j - dx < w:
                out[i, j] = x[i - dy, j - dx]
    return out


def inside_picture(row: FieldRow, picture: int) -> np.ndarray:
    """(size,) bool: whether unit i's receptive field (``row.rf`` pixels centred on
    start + i * jump) lies inside the picture along this axis, touching no padding."""
    centres = row.start + np.arange(row.size) * row.jump
    half = (row.rf - 1) / 2
    return (centres - half >= 0) & (centres + half <= picture - 1)


@dataclass(frozen=True)
class MapComparison:
    """One layer's maps of the shifted digit against its maps of the digit, shifted."""

    layer: str
    jump: int  # input pixels between neighbouring cells of this layer
    cells: tuple[int, int]  # (dx, dy) in this layer's cells: the pixels / jump, towards 0
    whole: bool  # whether the shift is a whole number of cells
    of_shifted: np.ndarray  # (C, H, W): layer(shift(x))
    shifted: np.ndarray  # (C, H, W): shift(layer(x)) by ``cells``
    inside: np.ndarray  # (H, W) bool: both windows inside the picture, and the cell has a source
    field: int  # the receptive field's side in pixels

    @property
    def difference(self) -> np.ndarray:
        return self.of_shifted - self.shifted

    def largest(self, where: np.ndarray) -> float:
        diff = np.abs(self.difference)[:, where]  # (C, cells)
        return float(diff.max()) if diff.size else 0.0

    @property
    def differing(self) -> np.ndarray:
        """(H, W) bool: the cells where some channel differs by more than the rounding."""
        return np.abs(self.difference).max(axis=0) > ROUNDING * max(1.0, float(np.abs(self.shifted).max()))


def _rows(net: Sequential, picture: int) -> dict[str, FieldRow]:
    return {row.name: row for row in field_table(steps_of(net), picture)}


def compare_maps(net: Sequential, image: np.ndarray, dx: int, dy: int) -> list[MapComparison]:
    """``image``: (H, W) ink in 0..255. Each layer of COMPARED, of the shifted digit against the
    digit's own maps shifted by the same amount in the layer's cells."""
    check_shift(dx, dy)
    picture = image.shape[-1]
    both = net.activations(np.stack([image, shift(image, dx, dy)]))  # layer -> (2, C, H, W)
    rows = _rows(net, picture)
    out = []
    for layer in COMPARED:
        row = rows[layer]
        cx, cy = int(dx / row.jump), int(dy / row.jump)  # towards 0
        original, of_shifted = both[layer][0], both[layer][1]
        inside_axis = inside_picture(row, picture)
        inside = np.outer(inside_axis, inside_axis)  # (H, W): the window of the cell in the shifted picture
        source = shift(np.ones_like(inside), cx, cy).astype(bool)  # the shifted map has a cell to bring here
        inside_source = shift(inside, cx, cy).astype(bool)  # ... whose window in the original was inside too
        out.append(MapComparison(layer, row.jump, (cx, cy), dx % row.jump == 0 and dy % row.jump == 0,
                                 of_shifted, shift(original, cx, cy), inside & source & inside_source, row.rf))
    return out


@dataclass(frozen=True)
class ShiftProfile:
    """A digit shifted along one axis, from -MAX_SHIFT to MAX_SHIFT pixels."""

    axis: str  # "x" (right is positive) or "y" (down is positive)
    shifts: list[int]
    change: dict[str, list[float]]  # layer -> |layer(shifted) - layer(x)| / |layer(x)| per shift
    probability: dict[str, list[float]]  # network -> its probability of ``answer`` per shift
    top: dict[str, list[int]]  # network -> its answer per shift


def shift_profile(nets: dict[str, Sequential], measured: Sequential, image: np.ndarray, answer: int, axis: str,
                  limit: int = MAX_SHIFT) -> ShiftProfile:
    """How ``measured``'s layers (CHANGED) and every network's answer move as the digit slides
    along ``axis``. The change is relative: the root-sum-square of the difference over the map's."""
    if axis not in ("x", "y"):
        raise ValueError(f"axis must be 'x' or 'y'; got {axis!r}")
    shifts = list(range(-limit, limit + 1))
    moved = np.stack([shift(image, s, 0) if axis == "x" else shift(image, 0, s) for s in shifts])  # (S, H, W)
    acts = measured.activations(np.concatenate([image[None], moved]))  # layer -> (1 + S, ...)
    change = {}
    for layer in CHANGED:
        a = acts[layer].reshape(len(shifts) + 1, -1).astype(np.float64)  # (1 + S, C*H*W)
        norm = float(np.linalg.norm(a[0])) or 1.0
        change[layer] = (np.linalg.norm(a[1:] - a[0], axis=1) / norm).tolist()
    probability, top = {}, {}
    for name, net in nets.items():
        p = softmax(net.predict_logits(moved).astype(np.float64).T)  # (K, S), as model/classify.py does
        probability[name] = p[answer].tolist()
        top[name] = p.argmax(axis=0).tolist()
    return ShiftProfile(axis, shifts, change, probability, top)
