"""Digits "drawn as a person would" on a 280x280 canvas, made from MNIST test digits.

Each drawing takes one test digit and changes what a canvas changes: it is enlarged to a random
height (80 to 240 px), its strokes thickened or thinned, its ink made solid as a pen's, and put
at a random place; half are dark ink on white paper, half are a transparent canvas with black
ink (as a browser's canvas.toBlob gives). They travel as PNG bytes, like the page's uploads.

    python -m tests.digit_drawings 20 /tmp/drawings     # writes 20 PNGs to look at
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

CANVAS = 280


@dataclass(frozen=True)
class Drawing:
    png: bytes
    label: int
    index: int  # in the MNIST test set


def draw(digit: np.ndarray, rng: np.random.Generator) -> Image.Image:
    """One 28x28 MNIST digit (white on black, 0..255) -> a 280x280 canvas drawing."""
    height = int(rng.integers(80, 241))
    ink = Image.fromarray(digit).resize((height, height), Image.BICUBIC)
    stroke = rng.choice(["thick", "thicker", "thin", "as is"], p=[0.35, 0.15, 0.2, 0.3])
    if stroke in ("thick", "thicker"):
        ink = ink.filter(ImageFilter.MaxFilter(5 if stroke == "thick" else 9))
    elif stroke == "thin":
        ink = ink.filter(ImageFilter.MinFilter(3))
    # a pen's ink is solid, with only its edge anti-aliased
    solid = np.clip((np.asarray(ink, dtype=np.float64) - 60) * 2.5, 0, 255).astype(np.uint8)
    top, left = (int(v) for v in rng.integers(0, CANVAS - height + 1, size=2))
    field = np.zeros((CANVAS, CANVAS), dtype=np.uint8)
    field[top:top + height, left:left + height] = solid
    if rng.random() < 0.5:  # dark ink on white paper
        return Image.fromarray(255 - field)
    rgba = np.zeros((CANVAS, CANVAS, 4), dtype=np.uint8)  # a transparent canvas, black ink
    rgba[..., 3] = field
    return Image.fromarray(rgba, "RGBA")


def drawings(images: np.ndarray, labels: np.ndarray, count: int, seed: int = 0) -> list[Drawing]:
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(images), size=count, replace=False)
    out = []
    for i in picks:
        buf = io.BytesIO()
        draw(images[i], rng).save(buf, "PNG")
        out.append(Drawing(buf.getvalue(), int(labels[i]), int(i)))
    return out


if __name__ == "__main__":
    from model.datasets import load_dataset

    n, folder = int(sys.argv[1]), Path(sys.argv[2])
    folder.mkdir(parents=True, exist_ok=True)
    ds = load_dataset()
    for k, d in enumerate(drawings(ds.test_images, ds.test_labels, n)):
        (folder / f"{k:03d}-label{d.label}.png").write_bytes(d.png)
