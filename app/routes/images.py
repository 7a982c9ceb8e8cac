"""Image uploads for the kernel playground: POST /api/images, GET /api/images/{id}[/preview].

The upload size limit (``max_upload_bytes``) is enforced while the body arrives, by
``app/guards/body_limits.py``: a ``Content-Length`` above it is refused before any of the body is
read, and a body without one (chunked) as soon as it passes the limit. The handlers are plain
``def`` functions (FastAPI runs them in its threadpool) that decode, store and answer, holding one
of the few image slots (``app/guards/work_slots.py``) while they decode.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from app.deps import SettingsDep, StoreDep
from app.guards.json_body import GuardedRoute
from app.guards.large_answers import sliced_response
from app.guards.uploads import upload_bytes
from app.guards.work_slots import BUSY
from app.image_store import ImageStore, ImageStoreCapacityError, StoredImage
from app.image_encode import encode_image
from app.settings import Settings
from app.imaging import EXPECTED_FORMATS, ImageError, decode_image, error_status

UPLOAD_FIELD = "file"


class UploadRoute(GuardedRoute):
    """A route that takes an upload: its size is bounded while it streams in (app/guards/body_limits.py),
    and a POST holds one of the few image slots from before its body is read until it is answered."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def upload_handler(request: Request) -> Response:
            if request.method != "POST":
                return await handler(request)
            # An image slot before a byte of the body is read: a busy server refuses at once,
            # instead of parsing twenty megabytes only to answer 503.
            async with request.app.state.work_slots.waiting("image"):
                return await handler(request)

        return upload_handler


router = APIRouter(prefix="/api", tags=["images"], route_class=UploadRoute)


class ImageInfo(BaseModel):
    """An uploaded image, as stored: pass its ``id`` to the endpoints that convolve it."""

    id: str = Field(..., description="Opaque id; the store keeps the most recently used images.",
                    examples=["q3Zl0fKx2mVbT1aE"])
    width: int = Field(..., ge=1, description="Pixels, after applying the EXIF orientation.", examples=[4000])
    height: int = Field(..., ge=1, description="Pixels, after applying the EXIF orientation.", examples=[3000])
    format: str = Field(..., description="Detected from the bytes (Pillow's name).", examples=["JPEG"])
    channels: int = Field(..., description="1 for greyscale, 3 for colour (transparency is composited "
                          "over white).", examples=[3])
    preview_width: int = Field(..., ge=1, description="Of the downscaled preview (longer side at most "
                               "CONVSCOPE_PREVIEW_MAX_SIDE).", examples=[1600])
    preview_height: int = Field(..., ge=1, examples=[1200])


class ErrorMessage(BaseModel):
    detail: str = Field(..., description="What went wrong and what was expected.")


def _info(stored: StoredImage) -> ImageInfo:
    return ImageInfo(id=stored.id, width=stored.width, height=stored.height, format=stored.format,
                     channels=stored.channels, preview_width=stored.preview_width,
                     preview_height=stored.preview_height)


ImageId = Annotated[str, Path(description="The id `POST /api/images` returned.", max_length=64)]


def _lookup(store: ImageStore, image_id: str) -> StoredImage:
    try:
        return store.get(image_id)
    except KeyError:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            detail=f"no image with id {image_id!r}; upload it again (the store keeps the most recently "
                   f"used images)",
        ) from None


def _decode_and_store(data: bytes, store: ImageStore, settings: Settings) -> StoredImage:
    try:
        decoded = decode_image(data, max_pixels=settings.max_image_pixels, max_side=settings.max_image_side)
        return store.put(decoded)
    except ImageStoreCapacityError as exc:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, detail=str(exc)) from None
    except ImageError as exc:
        raise HTTPException(error_status(exc), detail=str(exc)) from None


UPLOAD_BODY = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": [UPLOAD_FIELD], "properties": {
        UPLOAD_FIELD: {"type": "string", "format": "binary", "description": f"The image: {EXPECTED_FORMATS}."}}}}}}


@router.post(
    "/images",
    openapi_extra={"requestBody": UPLOAD_BODY},
    status_code=status.HTTP_201_CREATED,
    response_model=ImageInfo,
    summary="Upload an image",
    responses={
        400: {"model": ErrorMessage, "description": "Empty, truncated or corrupt image data."},
        413: {"model": ErrorMessage, "description": "Upload over CONVSCOPE_MAX_UPLOAD_BYTES, image over "
              "CONVSCOPE_MAX_IMAGE_PIXELS or with a side over CONVSCOPE_MAX_IMAGE_SIDE, or larger than the "
              "whole image store."},
        415: {"model": ErrorMessage, "description": f"Not a supported image ({EXPECTED_FORMATS})."},
        422: {"model": ErrorMessage, "description": f"No multipart field named `{UPLOAD_FIELD}`."},
        **BUSY,
    },
)
async def upload_image(request: Request, response: Response, store: StoreDep, settings: SettingsDep) -> ImageInfo:
    """Decode the image (first frame of an animation, EXIF orientation applied, transparency over
    white, greyscale kept as one channel), store it with a preview, and return its id and sizes.

    The request body may be at most `CONVSCOPE_MAX_UPLOAD_BYTES` (20 MB by default) and the image at
    most `CONVSCOPE_MAX_IMAGE_PIXELS` pixels (40 million by default), with no side longer than
    `CONVSCOPE_MAX_IMAGE_SIDE` (16,384 by default). The multipart body is parsed, and the image
    decoded, in a worker thread.
    """
    data = await upload_bytes(request, "image")
    stored = await run_in_threadpool(_decode_and_store, data, store, settings)
    response.headers["Location"] = f"{router.prefix}/images/{stored.id}"
    return _info(stored)


_NOT_FOUND = {404: {"model": ErrorMessage, "description": "Unknown id, or dropped from the store."}}


@router.get("/images/{image_id}", response_model=ImageInfo, summary="An uploaded image's details",
            responses=_NOT_FOUND)
def image_info(image_id: ImageId, store: StoreDep) -> ImageInfo:
    return _info(_lookup(store, image_id))


@router.get(
    "/images/{image_id}/preview",
    summary="An uploaded image's preview (JPEG) or full-resolution original (PNG)",
    response_class=Response,
    responses={
        200: {"content": {"image/jpeg": {}, "image/png": {}},
              "description": "The preview as JPEG, or with `full_resolution=true` the original as PNG."},
        **_NOT_FOUND,
    },
)
def image_preview(
    image_id: ImageId,
    store: StoreDep,
    full_resolution: Annotated[bool, Query(description="The original pixels, losslessly as PNG, "
                                           "instead of the JPEG preview.")] = False,
) -> Response:
    """The image upright (EXIF orientation applied) with transparency over white: what the
    convolutions see."""
    stored = _lookup(store, image_id)
    if full_resolution:
        content, media_type = encode_image(stored.original, "png"), "image/png"
    else:
        content, media_type = encode_image(stored.preview, "jpeg", quality=90), "image/jpeg"
    # An id always names the same pixels, so clients may keep what they fetched.
    return sliced_response(content, media_type, {"Cache-Control": "private, max-age=3600"})
