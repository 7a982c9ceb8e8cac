"""Uploaded images, kept in memory for the kernel playground.

One :class:`ImageStore` lives on ``app.state.images`` (created in the lifespan).  It holds each
upload's decoded pixels and a downscaled preview, under a byte budget: when a new image would
go over it, the least recently used images are dropped.  A client whose image was dropped gets
a 404 and uploads it again.  FastAPI runs ``def`` handlers in a threadpool, so every method is
safe to call from several threads at once.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from app.image_encode import make_preview, preview_size
from app.imaging import DecodedImage


class ImageStoreCapacityError(ValueError):
    """A single image needs more memory than the whole store may use."""


@dataclass(frozen=True)
class StoredImage:
    id: str
    #: ``(height, width, channels)`` uint8, channels 1 or 3; read-only (shared by requests).
    original: np.ndarray
    #: The original downscaled so its longer side is at most the store's ``preview_max_side``;
    #: the very same array as ``original`` when that is already small enough. Read-only.
    preview: np.ndarray
    #: Pillow's name of the uploaded format, e.g. "PNG", "JPEG".
    format: str
    width: int
    height: int
    preview_width: int
    preview_height: int

    @property
    def channels(self) -> int:
        return int(self.original.shape[2])

    @property
    def nbytes(self) -> int:
        """What the image counts against the store's budget."""
        return int(self.original.nbytes + self.preview.nbytes)


class ImageStore:
    """Thread-safe in-memory images with least-recently-used eviction past ``byte_budget``."""

    def __init__(self, byte_budget: int, preview_max_side: int = 1600) -> None:
        if byte_budget < 1:
            raise ValueError(f"byte_budget must be positive, got {byte_budget}")
        if preview_max_side < 1:
            raise ValueError(f"preview_max_side must be positive, got {preview_max_side}")
        self.byte_budget = byte_budget
        self.preview_max_side = preview_max_side
        self._lock = threading.Lock()
        self._images: OrderedDict[str, StoredImage] = OrderedDict()  # least recently used first
        self._bytes_used = 0

    def put(self, decoded: DecodedImage) -> StoredImage:
        """Store an image (making its preview) and return it with its new id.

        Evicts least recently used images as needed; raises :class:`ImageStoreCapacityError`
        if the image alone needs more than the whole budget.
        """
        original = decoded.pixels
        if original.dtype != np.uint8 or original.ndim != 3 or original.shape[2] not in (1, 3):
            raise ValueError(f"expected (H, W, 1 or 3) uint8 pixels, got {original.dtype} {original.shape}")
        height, width, channels = original.shape
        preview_width, preview_height = preview_size(width, height, self.preview_max_side)
        needed = original.nbytes + preview_width * preview_height * channels
        if needed > self.byte_budget:
            raise ImageStoreCapacityError(self._capacity_message(decoded, needed))

        # Preview outside the lock: it is the slow part, and needs no shared state.
        preview = make_preview(original, self.preview_max_side)
        original = _read_only(original)
        preview = original if preview is decoded.pixels else _read_only(preview)
        with self._lock:
            image_id = secrets.token_urlsafe(12)
            while image_id in self._images:  # pragma: no cover - 96 random bits
                image_id = secrets.token_urlsafe(12)
            stored = StoredImage(
                id=image_id, original=original, preview=preview, format=decoded.format,
                width=int(original.shape[1]), height=int(original.shape[0]),
                preview_width=int(preview.shape[1]), preview_height=int(preview.shape[0]),
            )
            self._images[image_id] = stored
            self._bytes_used += stored.nbytes
            while self._bytes_used > self.byte_budget:
                _, evicted = self._images.popitem(last=False)
                self._bytes_used -= evicted.nbytes
        return stored

    def get(self, image_id: str) -> StoredImage:
        """The image with ``image_id``, now the most recently used; ``KeyError`` if unknown or evicted."""
        with self._lock:
            stored = self._images[image_id]
            self._images.move_to_end(image_id)
            return stored

    def __contains__(self, image_id: object) -> bool:
        """Whether ``image_id`` is stored (does not count as a use)."""
        with self._lock:
            return image_id in self._images

    def __len__(self) -> int:
        with self._lock:
            return len(self._images)

    @property
    def bytes_used(self) -> int:
        with self._lock:
            return self._bytes_used

    def ids(self) -> list[str]:
        """Stored ids, least recently used first (does not count as a use)."""
        with self._lock:
            return list(self._images)

    def _capacity_message(self, decoded: DecodedImage, needed: int) -> str:
        return (f"image is {decoded.width}x{decoded.height} with {decoded.channels} channel(s): it needs "
                f"{needed} bytes decoded (with its preview), more than the image store's whole budget of "
                f"{self.byte_budget} bytes (CONVSCOPE_IMAGE_STORE_BYTES)")


def _read_only(array: np.ndarray) -> np.ndarray:
    view = array.view()
    view.flags.writeable = False
    return view


__all__ = ["ImageStore", "ImageStoreCapacityError", "StoredImage"]
