"""Test images made in memory with Pillow: every format and mode an upload can arrive in,
plus broken and hostile files."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image

RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)


def encode(im: Image.Image, fmt: str, **params: object) -> bytes:
    """``im`` saved as ``fmt`` ("PNG", "JPEG", ...), as bytes."""
    out = io.BytesIO()
    im.save(out, fmt, **params)
    return out.getvalue()


def quadrants(size: tuple[int, int] = (32, 24)) -> Image.Image:
    """RGB image with four flat quadrants (red, green / blue, white): survives lossy codecs."""
    width, height = size
    arr = np.zeros((height, width, 3), np.uint8)
    arr[: height // 2, : width // 2] = RED
    arr[: height // 2, width // 2 :] = GREEN
    arr[height // 2 :, : width // 2] = BLUE
    arr[height // 2 :, width // 2 :] = (255, 255, 255)
    return Image.fromarray(arr, "RGB")


def palette_image(colour: tuple[int, int, int] = (10, 200, 30), size: tuple[int, int] = (8, 6)) -> Image.Image:
    """Mode P with an adaptive palette, so ``colour`` is exact."""
    return Image.new("RGB", size, colour).quantize(colors=4)


def transparent_rgba(size: tuple[int, int] = (8, 6)) -> Image.Image:
    """RGBA: left half opaque red, right half fully transparent black."""
    width, height = size
    arr = np.zeros((height, width, 4), np.uint8)
    arr[:, : width // 2] = (255, 0, 0, 255)
    arr[:, width // 2 :] = (0, 0, 0, 0)
    return Image.fromarray(arr, "RGBA")


def grey16(values: list[int]) -> Image.Image:
    """One row of 16-bit greyscale (mode I;16)."""
    return Image.fromarray(np.array([values], dtype=np.uint16))


def animated(fmt: str, colours: list[tuple[int, int, int]], size: tuple[int, int] = (8, 8)) -> bytes:
    """An animation in ``fmt`` (GIF, WEBP or PNG for APNG) whose frames are flat ``colours``."""
    frames = [Image.new("RGB", size, c) for c in colours]
    params: dict[str, object] = {"save_all": True, "append_images": frames[1:], "duration": 100, "loop": 0}
    if fmt == "WEBP":
        params["lossless"] = True
    return encode(frames[0], fmt, **params)


def exif_rotated_jpeg(orientation: int = 6, size: tuple[int, int] = (40, 20), mark: int = 6) -> bytes:
    """A grey JPEG as a camera stores it, with a red ``mark`` x ``mark`` block in the stored
    top-left corner and the EXIF Orientation tag set."""
    width, height = size
    arr = np.full((height, width, 3), 128, np.uint8)
    arr[:mark, :mark] = RED
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(Image.fromarray(arr, "RGB"), "JPEG", quality=95, exif=exif.tobytes())


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` 8-bit greyscale pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def compressible_png(width: int, height: int) -> bytes:
    """A real, all-black greyscale PNG: large in pixels, small in bytes."""
    return encode(Image.new("L", (width, height), 0), "PNG", optimize=False, compress_level=9)


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    return data[: int(len(data) * keep)]


def noisy_jpeg(size: tuple[int, int] = (64, 48), seed: int = 0) -> bytes:
    """A JPEG whose data is spread over the whole file (noise does not compress away)."""
    rng = np.random.default_rng(seed)
    arr = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    return encode(Image.fromarray(arr, "RGB"), "JPEG", quality=90)
