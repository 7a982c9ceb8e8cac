"""Turning a drawing into the kind of image MNIST's digits are, before the network sees it.

LeCun, Cortes and Burges prepared MNIST like this, and a drawing classified without the same
steps is a different kind of picture to the network:

1. Find the ink: light strokes on dark, or dark strokes on light (then inverted).
2. Crop to the ink's bounding box.
3. Scale the longer side to 20 pixels, keeping the aspect ratio, with anti-aliasing: each new
   pixel is the average of the area of the old image it covers.
4. Place the result in a 28 x 28 field so that its centre of mass lands on the centre.

The output is a 28 x 28 image of ink in 0..255 (white strokes on black, like MNIST).
"""

from __future__ import annotations

import numpy as np

FIELD, BOX = 28, 20
INK_THRESHOLD = 0.1  # of full strength: lighter marks are paper, not ink


class EmptyDrawingError(ValueError):
    """Nothing was drawn: no pixel is darker (or lighter) than the paper by INK_THRESHOLD."""


def ink_map(gray: np.ndarray) -> np.ndarray:
    """(H, W) grey 0..255 -> ink strength 0..1, whichever way round the drawing is.

    The paper is the most common brightness, so the median tells which way round it is.
    """
    values = gray.astype(np.float64) / 255.0
    return 1.0 - values if np.median(values) > 0.5 else values


def area_resample_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in): row i averages the stretch [i, i+1) * n_in / n_out of the input, by overlap."""
    edges = np.arange(n_out + 1) * (n_in / n_out)
    m = np.zeros((n_out, n_in))
    for i in range(n_out):
        lo, hi = edges[i], edges[i + 1]
        for j in range(int(np.floor(lo)), min(int(np.ceil(hi)), n_in)):
            m[i, j] = min(hi, j + 1) - max(lo, j)
        m[i] /= hi - lo
    return m


def resize_area(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Anti-aliased resize by area averaging: R_h @ image @ R_w^T."""
    return area_resample_matrix(image.shape[0], height) @ image @ area_resample_matrix(image.shape[1], width).T


def center_of_mass(image: np.ndarray) -> tuple[float, float]:
    total = image.sum()
    rows, cols = np.indices(image.shape)
    return float((rows * image).sum() / total), float((cols * image).sum() / total)


def prepare_digit(gray: np.ndarray) -> np.ndarray:
    """A drawing (H, W) grey 0..255, any size -> (28, 28) float ink 0..255, MNIST style."""
    ink = ink_map(gray)
    mask = ink > INK_THRESHOLD
    if not mask.any():
        raise EmptyDrawingError("the drawing is empty: no stroke darker or lighter than the background")
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    crop = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    h, w = crop.shape
    scale = BOX / max(h, w)
    new_h, new_w = max(1, round(h * scale)), max(1, round(w * scale))
    small = resize_area(crop, new_h, new_w)
    # Place the box so its centre of mass sits at the field's centre (14, 14), rounded to a pixel.
    cy, cx = center_of_mass(small)
    top = int(np.clip(round(FIELD / 2 - cy), 0, FIELD - new_h))
    left = int(np.clip(round(FIELD / 2 - cx), 0, FIELD - new_w))
    field = np.zeros((FIELD, FIELD))
    field[top:top + new_h, left:left + new_w] = small
    return np.clip(field * 255.0, 0, 255)


def from_pixels(pixels: np.ndarray) -> np.ndarray:
    """A ready 28 x 28 image in 0..1 or 0..255 (white ink on black) -> 0..255, unchanged otherwise."""
    if pixels.shape != (FIELD, FIELD):
        got = f"{pixels.shape[0]} rows of {pixels.shape[1]}" if pixels.ndim == 2 else f"{pixels.ndim} dimensions"
        raise ValueError(f"pixels must be {FIELD} rows of {FIELD} numbers; got {got}")
    if not np.all(np.isfinite(pixels)):
        raise ValueError("pixels must be finite numbers (no NaN or infinity)")
    if pixels.min() < 0 or pixels.max() > 255:
        raise ValueError("pixels must lie in 0..1 or 0..255")
    scaled = pixels * 255.0 if pixels.max() <= 1.0 else pixels.astype(np.float64)
    if scaled.max() / 255.0 <= INK_THRESHOLD:
        raise EmptyDrawingError("the image is empty: every pixel is (nearly) 0")
    return scaled
