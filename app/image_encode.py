"""Encoding uint8 pixels as PNG, JPEG or WebP, and the downscaled preview kept beside each upload.

The pixels come from ``app/imaging.py``'s decoder (or from a filter), so they are trusted arrays:
``(H, W)`` or ``(H, W, C)`` uint8 with C 1, 3 or 4.
"""

from __future__ import annotations

import io
from typing import Literal

import numpy as np
from PIL import Image


def _to_pil(pixels: np.ndarray) -> Image.Image:
    if not isinstance(pixels, np.ndarray) or pixels.dtype != np.uint8:
        raise ValueError("pixels must be a uint8 numpy array")
    if pixels.ndim == 2:
        return Image.fromarray(pixels, "L")
    if pixels.ndim != 3 or pixels.shape[2] not in (1, 3, 4):
        raise ValueError(f"pixels must have shape (H, W), (H, W, 1), (H, W, 3) or (H, W, 4), got {pixels.shape}")
    if pixels.shape[2] == 1:
        return Image.fromarray(np.ascontiguousarray(pixels[:, :, 0]), "L")
    return Image.fromarray(np.ascontiguousarray(pixels), "RGB" if pixels.shape[2] == 3 else "RGBA")


EncodeFormat = Literal["png", "jpeg", "webp"]


def encode_image(pixels: np.ndarray, format: EncodeFormat, quality: int = 90) -> bytes:
    """Encode ``(H, W[, C])`` uint8 pixels as PNG (lossless), JPEG or WebP (``quality`` 1-100)."""
    fmt = format.lower()
    if fmt == "jpg":
        fmt = "jpeg"
    if fmt not in ("png", "jpeg", "webp"):
        raise ValueError(f"format must be 'png', 'jpeg' or 'webp', got {format!r}")
    if not 1 <= quality <= 100:
        raise ValueError(f"quality must be between 1 and 100, got {quality}")
    im = _to_pil(pixels)
    out = io.BytesIO()
    if fmt == "png":
        # Level 3 compresses photos nearly as well as the default 6, several times faster.
        im.save(out, "PNG", compress_level=3)
    elif fmt == "jpeg":
        if im.mode == "RGBA":
            raise ValueError("JPEG has no alpha channel: pass (H, W, 1) or (H, W, 3) pixels")
        im.save(out, "JPEG", quality=quality)
    else:
        im.save(out, "WEBP", quality=quality)
    return out.getvalue()


def preview_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    """``(width, height)`` scaled so the longer side is at most ``max_side``, aspect kept."""
    if max_side < 1:
        raise ValueError(f"max_side must be positive, got {max_side}")
    longest = max(width, height)
    if longest <= max_side:
        return width, height
    scale = max_side / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


def make_preview(pixels: np.ndarray, max_side: int = 1600) -> np.ndarray:
    """Downscale ``(H, W, C)`` uint8 pixels (Lanczos) so the longer side is at most ``max_side``.

    Returns ``pixels`` itself when it is already small enough.
    """
    height, width = pixels.shape[:2]
    new_width, new_height = preview_size(width, height, max_side)
    if (new_width, new_height) == (width, height):
        return pixels
    # reducing_gap: box-reduce by an integer factor first, then Lanczos; indistinguishable
    # from a plain Lanczos resize at a gap of 3, and much faster on camera-sized images.
    small = _to_pil(pixels).resize((new_width, new_height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    out = np.asarray(small, dtype=np.uint8)
    if out.ndim == 2:
        out = out[:, :, None]
    return np.ascontiguousarray(out)


__all__ = ["EncodeFormat", "encode_image", "make_preview", "preview_size"]
