"""Decoding untrusted image uploads into uint8 NumPy arrays (encoding them back, and previews, are
in ``app/image_encode.py``).

Everything a user uploads passes through :func:`decode_image`, which

* accepts only PNG, JPEG, WebP, GIF, BMP and TIFF (sniffed from the bytes, never from the
  file name or the client's content type);
* refuses decompression bombs: the pixel limit is applied per call while Pillow reads the
  header, Pillow's ``DecompressionBombWarning`` is an error, and ``width * height`` is checked
  again before any pixel is decoded;
* honours the EXIF orientation, so a portrait phone photo stays portrait;
* normalises every Pillow mode to ``(H, W, C)`` uint8 with ``C`` 1 (greyscale) or 3 (RGB):
  palettes are expanded, transparency is composited over white, 16-bit greyscale keeps its
  top 8 bits, CMYK becomes RGB, and an animation contributes its first frame.

Every failure is an :class:`ImageError` whose message says what was expected.
"""

from __future__ import annotations

import io
import re
import threading
import warnings
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

#: Pillow format names accepted from users, in the order Pillow tries them.
ALLOWED_FORMATS: tuple[str, ...] = ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF")
#: The same list for people.
EXPECTED_FORMATS = "PNG, JPEG, WebP, GIF, BMP or TIFF"
DEFAULT_MAX_PIXELS = 40_000_000

# Leading bytes of the accepted formats: data that starts like one of them but cannot be
# opened is reported as corrupt (400), anything else as "not a supported image" (415).
_SIGNATURES: tuple[tuple[str, bytes], ...] = (
    ("PNG", b"\x89PNG\r\n\x1a\n"),
    ("JPEG", b"\xff\xd8\xff"),
    ("GIF", b"GIF87a"),
    ("GIF", b"GIF89a"),
    ("BMP", b"BM"),
    ("TIFF", b"II*\x00"),
    ("TIFF", b"MM\x00*"),
    ("TIFF", b"II+\x00"),  # BigTIFF
    ("TIFF", b"MM\x00+"),
)

# Pillow's own bomb check reads the process-wide Image.MAX_IMAGE_PIXELS. It is set once and only
# ever raised (to the largest limit a caller asks for), never lowered per call: a per-call value
# would need a lock held for the whole decode, which made every upload and every drawing wait for
# the slowest one. Each call's own limits (pixels, sides) are checked explicitly after Pillow has
# read the header and before any pixel is decoded; Pillow's check stays as the safety net.
_PILLOW_GLOBALS = threading.Lock()
warnings.filterwarnings("error", category=Image.DecompressionBombWarning)
DEFAULT_MAX_SIDE = 16_384


class ImageError(ValueError):
    """The upload cannot be used as an image; the message says what was expected."""


class NotAnImageError(ImageError):
    """The bytes are not in any accepted image format."""


class ImageTooLargeError(ImageError):
    """The image has more pixels than the configured limit."""


@dataclass(frozen=True)
class DecodedImage:
    #: ``(height, width, channels)`` uint8, channels 1 (greyscale) or 3 (RGB).
    pixels: np.ndarray
    #: Pillow's format name: "PNG", "JPEG", "WEBP", "GIF", "BMP" or "TIFF".
    format: str
    #: Of ``pixels``, i.e. after the EXIF orientation has been applied.
    width: int
    height: int

    @property
    def channels(self) -> int:
        return int(self.pixels.shape[2])


def error_status(exc: ImageError) -> int:
    """The HTTP status an upload error answers with: 413 too large, 415 not an image, 400 corrupt."""
    if isinstance(exc, ImageTooLargeError):
        return 413
    if isinstance(exc, NotAnImageError):
        return 415
    return 400


def decode_image(source: bytes | BinaryIO, *, max_pixels: int = DEFAULT_MAX_PIXELS,
                 max_side: int = DEFAULT_MAX_SIDE) -> DecodedImage:
    """Decode an uploaded image (bytes or a seekable binary file) into ``(H, W, C)`` uint8.

    Raises :class:`NotAnImageError` for data in no accepted format, :class:`ImageTooLargeError`
    when ``width * height > max_pixels`` or a side is longer than ``max_side`` (a 1 x 40,000,000
    image is within 40 megapixels, but costs seconds and gigabytes to decode and resample), and
    :class:`ImageError` for empty, truncated or corrupt data.
    """
    if max_pixels < 1 or max_side < 1:
        raise ValueError(f"max_pixels and max_side must be positive, got {max_pixels} and {max_side}")
    fp: BinaryIO = io.BytesIO(source) if isinstance(source, (bytes, bytearray, memoryview)) else source
    fp.seek(0)
    head = fp.read(16)
    if not head:
        raise ImageError(f"the file is empty: expected {EXPECTED_FORMATS} data")

    im = _open_and_load(fp, head, max_pixels, max_side)
    try:
        fmt = str(im.format)
        pixels = _to_uint8(_upright(im))
    finally:
        im.close()
    height, width = pixels.shape[:2]
    return DecodedImage(pixels=pixels, format=fmt, width=width, height=height)


def _raise_pillow_limit(max_pixels: int) -> None:
    """Pillow's process-wide limit at least `max_pixels` (see the comment on _PILLOW_GLOBALS)."""
    with _PILLOW_GLOBALS:
        if Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS < max_pixels:
            Image.MAX_IMAGE_PIXELS = max_pixels


def _open_and_load(fp: BinaryIO, head: bytes, max_pixels: int, max_side: int) -> Image.Image:
    """Open, check the size against this call's limits, and fully decode the first frame; or raise
    an :class:`ImageError`."""
    _raise_pillow_limit(max_pixels)
    im: Image.Image | None = None
    try:
        im = Image.open(fp, formats=ALLOWED_FORMATS)
        width, height = im.size
        if width * height > max_pixels:
            raise ImageTooLargeError(_too_many_pixels(width, height, max_pixels))
        if max(width, height) > max_side:
            raise ImageTooLargeError(f"image is {width}x{height}: a side may be at most {max_side} pixels")
        # Animated GIF / WebP / APNG and multi-page TIFF open on their first frame.
        im.load()
        return im
    except ImageError:
        _close(im)
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        _close(im)
        raise ImageTooLargeError(_bomb_message(exc, max_pixels)) from None
    except UnidentifiedImageError:
        _close(im)
        looks_like = _sniff(head)
        if looks_like is None:
            raise NotAnImageError(f"not a supported image: expected {EXPECTED_FORMATS}") from None
        raise ImageError(f"truncated or corrupt image data: starts like {looks_like} but its "
                         f"header cannot be read") from None
    except Exception as exc:  # any decoder failure on untrusted bytes is the upload's fault
        _close(im)
        raise ImageError(f"truncated or corrupt image data: {exc}") from None


def _close(im: Image.Image | None) -> None:
    if im is not None:
        im.close()


def _sniff(head: bytes) -> str | None:
    for name, signature in _SIGNATURES:
        if head.startswith(signature):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    return None


def _too_many_pixels(width: int, height: int, limit: int) -> str:
    return f"image is {width}x{height} = {width * height} pixels; the limit is {limit}"


def _bomb_message(exc: Exception, limit: int) -> str:
    """Pillow's bomb check names the pixel count: say it against this call's limit."""
    match = re.search(r"\((\d+) pixels\)", str(exc))
    if match:
        return f"image is {match.group(1)} pixels; the limit is {limit}"
    return f"image has more pixels than the limit of {limit}"


def _upright(im: Image.Image) -> Image.Image:
    """The image turned as its EXIF orientation says; itself, not a copy, when it is upright
    (``exif_transpose`` copies every pixel even then: 120 MB for a 40-megapixel photo)."""
    try:
        if im.getexif().get(ExifTags.Base.Orientation, 1) in (0, 1):
            return im
        return ImageOps.exif_transpose(im)
    except Exception:  # malformed EXIF: show the pixels as stored rather than refuse them
        return im


ROW_BLOCK_BYTES = 1 << 20


def _pixels(im: Image.Image) -> np.ndarray:
    """An L or RGB image -> ``(H, W)`` or ``(H, W, 3)`` uint8, copied a megabyte of rows at a time.

    ``np.asarray(im)`` goes through ``tobytes``: chunks joined into one bytes object, then read,
    two whole copies, the join holding the interpreter lock throughout (for 40 megapixels: 209 ms,
    and a thread waiting 10 ms for the lock). Row blocks copy once into the array: 54 ms, and no
    wait over 1.5 ms (measured on this machine)."""
    width, height = im.size
    channels = len(im.getbands())
    out = np.empty((height, width, channels) if channels > 1 else (height, width), np.uint8)
    step = max(1, ROW_BLOCK_BYTES // (width * channels))
    for top in range(0, height, step):  # y: a block of rows
        bottom = min(height, top + step)
        out[top:bottom] = np.asarray(im.crop((0, top, width, bottom)))
    return out


def _to_uint8(im: Image.Image) -> np.ndarray:
    """Any Pillow mode -> ``(H, W, 1)`` or ``(H, W, 3)`` uint8."""
    mode = im.mode
    if mode == "1":
        im = im.convert("L")
    elif mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    elif mode == "PA":
        im = im.convert("RGBA")
    elif mode.startswith("I;16"):  # 16-bit greyscale, any byte order: keep the top 8 bits
        grey16 = np.asarray(im)
        return (grey16 >> 8).astype(np.uint8)[:, :, None]
    elif mode == "I":  # 32-bit signed integers, as 16-bit data usually arrives: clip to 0..65535
        grey32 = np.asarray(im)
        return (np.clip(grey32, 0, 65535) >> 8).astype(np.uint8)[:, :, None]
    elif mode == "L" and "transparency" in im.info:
        im = im.convert("LA")
    elif mode == "RGB" and "transparency" in im.info:
        im = im.convert("RGBA")

    mode = im.mode
    if mode in ("LA", "La"):
        im = _over_white(im.convert("LA"), "L")
    elif mode in ("RGBA", "RGBa"):
        im = _over_white(im.convert("RGBA"), "RGB")
    elif mode not in ("L", "RGB"):
        # CMYK, YCbCr, LAB, HSV, RGBX, F, ...: Pillow's own conversions (F is clipped to 0..255).
        im = im.convert("L" if mode == "F" else "RGB")

    pixels = _pixels(im)
    if pixels.ndim == 2:
        pixels = pixels[:, :, None]
    return np.ascontiguousarray(pixels)


def _over_white(im: Image.Image, mode: str) -> Image.Image:
    """Composite an image with alpha over a white background."""
    background = Image.new(mode, im.size, 255 if mode == "L" else (255, 255, 255))
    background.paste(im.convert(mode), mask=im.getchannel("A"))
    return background


__all__ = [
    "ALLOWED_FORMATS",
    "DEFAULT_MAX_PIXELS",
    "EXPECTED_FORMATS",
    "DecodedImage",
    "ImageError",
    "ImageTooLargeError",
    "NotAnImageError",
    "decode_image",
]
