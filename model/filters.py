"""Image filtering: one kernel slid over a photo, as in an image editor.

For each channel on its own (or the luminance only), output pixel (i, j) is

    out[i, j] = (1 / divisor) * sum_{u, v} K[u, v] * P[i*s + u, j*s + v]

where P is the image padded by the border mode and s the stride. That is cross-correlation,
the operation deep-learning libraries call convolution; ``flip=True`` rotates the kernel by
180 degrees first, which makes it a true convolution. Even-sized kernels are anchored like
``scipy.ndimage.correlate``: the kernel's centre is entry (KH // 2, KW // 2).

Border modes, by NumPy's ``np.pad`` names (and ``scipy.ndimage``'s):
    zero    -> "constant" (0s; scipy "constant")         edge -> "edge" (scipy "nearest")
    reflect -> "reflect": mirrored *without* repeating the edge pixel (scipy "mirror")
    wrap    -> "wrap" (scipy "wrap")                      valid -> no padding: the image shrinks
Output size per axis: floor((n + pad_before + pad_after - k) / s) + 1, i.e. ceil(n / s) when
padded and floor((n - k) / s) + 1 for "valid".

``model/filter_plan.py`` does the same sums fast (cache-sized bands, separable kernels as two
passes, exact integer arithmetic where it fits); ``explain`` spells out one pixel's sum.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from model import filter_plan
from model.geometry import conv_output_size

BORDER_MODES = {"zero": "constant", "edge": "edge", "reflect": "reflect", "wrap": "wrap", "valid": None}
OUTPUT_MAPPINGS = ("clip", "abs", "rescale", "offset")
MAX_WEIGHT = 1e6  # larger weights or divisors only overflow the sums a learner is shown


@dataclass(frozen=True)
class Kernel:
    """Weights (KH, KW) in float64, already flipped if asked, and the divisor the sum is divided by."""

    weights: np.ndarray
    divisor: float = 1.0

    @property
    def scaled(self) -> np.ndarray:
        return self.weights / self.divisor


def make_kernel(values: Sequence[Sequence[float]] | np.ndarray, divisor: float | None = None,
                normalize: bool = False, flip: bool = False, max_size: int = 15) -> Kernel:
    """Validates a kernel: a non-empty rectangle of finite numbers, at most max_size on a side.

    ``normalize`` divides by the sum of the weights (when it is not 0), so the kernel keeps the
    image's brightness; otherwise ``divisor`` (default 1).
    """
    rows = [list(r) for r in values] if not isinstance(values, np.ndarray) else values.tolist()
    if not rows or not rows[0]:
        raise ValueError("kernel must be a non-empty list of rows of numbers")
    if any(len(r) != len(rows[0]) for r in rows):
        raise ValueError(f"kernel rows must all have the same length; got lengths {[len(r) for r in rows]}")
    weights = np.array(rows, dtype=np.float64)
    kh, kw = weights.shape
    if kh > max_size or kw > max_size:
        raise ValueError(f"kernel is {kh}x{kw}; the largest allowed is {max_size}x{max_size}")
    if not np.all(np.isfinite(weights)):
        raise ValueError("kernel entries must be finite numbers (no NaN or infinity)")
    if np.abs(weights).max() > MAX_WEIGHT:
        raise ValueError(f"kernel entries must lie between -{MAX_WEIGHT:g} and {MAX_WEIGHT:g}")
    if normalize:
        total = weights.sum()
        divisor = float(total) if total != 0 else 1.0
    divisor = 1.0 if divisor is None else float(divisor)
    if not np.isfinite(divisor) or not 1 / MAX_WEIGHT <= abs(divisor) <= MAX_WEIGHT:
        raise ValueError(f"divisor must be a number from {1 / MAX_WEIGHT:g} to {MAX_WEIGHT:g} "
                         f"(or the same negative); got {divisor}")
    if flip:
        weights = weights[::-1, ::-1].copy()
    return Kernel(weights, divisor)


def luminance(pixels: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 RGB -> (H, W, 1) uint8, ITU-R 601: Y = 0.299 R + 0.587 G + 0.114 B (Pillow's "L")."""
    if pixels.shape[2] == 1:
        return pixels
    r, g, b = (pixels[..., i].astype(np.uint32) for i in range(3))
    return ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16).astype(np.uint8)[..., None]


def pad_widths(kh: int, kw: int, padding: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """((top, bottom), (left, right)) so that the output keeps the size at stride 1 (none for 'valid')."""
    if padding not in BORDER_MODES:
        raise ValueError(f"padding must be one of {', '.join(BORDER_MODES)}; got {padding!r}")
    if padding == "valid":
        return (0, 0), (0, 0)
    return (kh // 2, kh - 1 - kh // 2), (kw // 2, kw - 1 - kw // 2)


def pad_image(pixels: np.ndarray, kh: int, kw: int, padding: str) -> np.ndarray:
    """(H, W, C) -> (H + KH - 1, W + KW - 1, C) filled by the border mode (unchanged for 'valid')."""
    (top, bottom), (left, right) = pad_widths(kh, kw, padding)
    if padding == "valid":
        return pixels
    return np.pad(pixels, ((top, bottom), (left, right), (0, 0)), mode=BORDER_MODES[padding])


def output_size(h: int, w: int, kh: int, kw: int, padding: str, stride: int) -> tuple[int, int]:
    """(OH, OW) for an H x W image; a ValueError saying why when the kernel cannot be applied."""
    (top, bottom), (left, right) = pad_widths(kh, kw, padding)
    if padding == "reflect" and (max(top, bottom) >= h or max(left, right) >= w):
        raise ValueError(f"'reflect' needs the image to be larger than half the kernel; the image is {w}x{h}")
    oh = conv_output_size(h, kh, stride, (top, bottom))
    ow = conv_output_size(w, kw, stride, (left, right))
    if oh < 1 or ow < 1:
        raise ValueError(f"a {kh}x{kw} kernel does not fit a {w}x{h} image with padding {padding!r}")
    return oh, ow


def filter_image(pixels: np.ndarray, kernel: Kernel, padding: str = "edge", stride: int = 1,
                 mapping: str | None = None, threads: int = 2) -> np.ndarray:
    """Filter every channel of a uint8 image (the fast path is in ``model/filter_plan.py``).

    Args:
        pixels: (H, W, C) uint8. mapping: None for the float32 values (sum / divisor), or an
        output mapping for uint8.
    Returns:
        (OH, OW, C), float32 or uint8.
    """
    if not 1 <= stride <= 16:
        raise ValueError(f"stride must be between 1 and 16; got {stride}")
    if mapping is not None and mapping not in OUTPUT_MAPPINGS:
        raise ValueError(f"output must be one of {', '.join(OUTPUT_MAPPINGS)}; got {mapping!r}")
    if mapping == "rescale":
        return map_output(filter_image(pixels, kernel, padding, stride, None, threads), "rescale")
    h, w, c = pixels.shape
    kh, kw = kernel.weights.shape
    oh, ow = output_size(h, w, kh, kw, padding, stride)
    # (Hp, Wp, C) -> (Hp, Wp*C): channels interleaved along the row, so a 1-pixel shift is C entries
    padded = pad_image(pixels, kh, kw, padding)
    hp, wp = padded.shape[:2]
    plan = filter_plan.make_plan(kernel.weights, kernel.divisor)
    full = filter_plan.run(padded.reshape(hp, wp * c), plan, kh, stride, c, oh, (wp - kw + 1) * c, mapping,
                           threads)
    # (OH, W'*C) -> (OH, W', C), then every stride-th column
    return full.reshape(oh, -1, c)[:, ::stride][:, :ow]


def correlate_image(pixels: np.ndarray, kernel: Kernel, padding: str = "edge", stride: int = 1,
                    threads: int = 2) -> np.ndarray:
    """The filtered values before any output mapping: (H, W, C) uint8 -> (OH, OW, C) float32."""
    return filter_image(pixels, kernel, padding, stride, None, threads)


def map_output(values: np.ndarray, mapping: str, low: float | None = None, high: float | None = None
               ) -> np.ndarray:
    """Filtered values -> displayable uint8, rounding half up: clip(floor(mapped + 0.5), 0, 255).

    clip:    the value itself (an image editor's default)
    abs:     |value| (edges of either sign show bright)
    rescale: min..max of the whole result stretched onto 0..255 (pass ``low``/``high`` to map a
             few values with the whole result's range)
    offset:  value + 128 (signed kernels: 0 shows as mid-grey)
    """
    values = np.asarray(values, dtype=np.float64)
    if mapping == "clip":
        mapped = values
    elif mapping == "abs":
        mapped = np.abs(values)
    elif mapping == "offset":
        mapped = values + 128
    elif mapping == "rescale":
        low = float(values.min()) if low is None else low
        high = float(values.max()) if high is None else high
        mapped = (values - low) * (255.0 / (high - low)) if high > low else np.zeros_like(values)
    else:
        raise ValueError(f"output must be one of {', '.join(OUTPUT_MAPPINGS)}; got {mapping!r}")
    return np.clip(np.floor(mapped + 0.5), 0, 255).astype(np.uint8)


def apply_filter(pixels: np.ndarray, kernel: Kernel, padding: str = "edge", stride: int = 1,
                 mapping: str = "clip", second: Kernel | None = None, threads: int = 2) -> np.ndarray:
    """The playground's result, uint8 (OH, OW, C); with ``second``, the gradient magnitude
    sqrt(a^2 + b^2) of the two kernels' responses (e.g. Sobel Gx and Gy)."""
    if second is None:
        return filter_image(pixels, kernel, padding, stride, mapping, threads)
    return map_output(filter_values(pixels, kernel, padding, stride, second, threads), mapping)


def filter_values(pixels: np.ndarray, kernel: Kernel, padding: str = "edge", stride: int = 1,
                  second: Kernel | None = None, threads: int = 2) -> np.ndarray:
    """The values before the output mapping, float32 (OH, OW, C): sum / divisor, or the magnitude."""
    a = correlate_image(pixels, kernel, padding, stride, threads)
    if second is None:
        return a
    b = correlate_image(pixels, second, padding, stride, threads)
    return np.hypot(a, b)


@dataclass(frozen=True)
class PixelArithmetic:
    """One output pixel of one channel, term by term."""

    window: np.ndarray  # (KH, KW) input values under the kernel, border filled by the padding mode
    outside: np.ndarray  # (KH, KW) bool: True where the window reads padding, not the image
    products: np.ndarray  # window * kernel
    total: float  # sum of the products
    value: float  # total / divisor


def explain_pixel(pixels: np.ndarray, kernel: Kernel, x: int, y: int, padding: str = "edge",
                  stride: int = 1) -> tuple[tuple[int, int], list[PixelArithmetic]]:
    """The arithmetic behind output pixel (x, y), per channel.

    Returns ((left, top), per-channel arithmetic), where (left, top) is the window's top-left
    corner in the input's coordinates (negative when it hangs over the border).
    """
    h, w, c = pixels.shape
    kh, kw = kernel.weights.shape
    oh, ow = output_size(h, w, kh, kw, padding, stride)
    if not (0 <= x < ow and 0 <= y < oh):
        raise ValueError(f"output pixel ({x}, {y}) is outside the {ow}x{oh} result")
    (top, _), (left, _) = pad_widths(kh, kw, padding)
    row0, col0 = y * stride, x * stride  # in padded coordinates
    padded = pad_image(pixels, kh, kw, padding)
    rows = np.arange(row0, row0 + kh) - top
    cols = np.arange(col0, col0 + kw) - left
    outside = (rows[:, None] < 0) | (rows[:, None] >= h) | (cols[None, :] < 0) | (cols[None, :] >= w)
    result = []
    for ch in range(c):
        window = padded[row0:row0 + kh, col0:col0 + kw, ch].astype(np.float64)
        products = window * kernel.weights
        total = float(products.sum())
        result.append(PixelArithmetic(window, outside, products, total, total / kernel.divisor))
    return (col0 - left, row0 - top), result
