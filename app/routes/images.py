"""Image uploads for the kernel playground: POST /api/images, GET /api/images/{id}[/preview].

The upload size limit (``max_upload_bytes``) is enforced while the body arrives: a
``Content-Length`` above it is refused before any of the body is read, and a body without one
(chunked) is counted as it streams in and refused as soon as it passes the limit.  That is the
job of :class:`UploadLimitRoute`, the route class of this router; the handlers themselves are
plain ``def`` functions (FastAPI runs them in its threadpool) that decode, store and answer.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, Path, Query, Request, Response, UploadFile, status
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.types import Message

from app.deps import SettingsDep, StoreDep
from app.image_store import ImageStore, ImageStoreCapacityError, StoredImage
from app.image_encode import encode_image
from app.imaging import EXPECTED_FORMATS, ImageError, decode_image, error_status
from app.settings import ENV_PREFIX

UPLOAD_FIELD = "file"


def _too_large(limit: int) -> HTTPException:
    return HTTPException(
        status.HTTP_413_CONTENT_TOO_LARGE,
        detail=f"upload is larger than the limit of {limit} bytes ({limit / 1e6:g} MB; "
               f"{ENV_PREFIX}MAX_UPLOAD_BYTES)",
    )


class UploadLimitRoute(APIRoute):
    """An :class:`APIRoute` that enforces ``settings.max_upload_bytes`` while the body streams in,
    and answers a missing upload field with a plain message instead of a validation list."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def limited_handler(request: Request) -> Response:
            limit = request.app.state.settings.max_upload_bytes
            declared = request.headers.get("content-length")
            if declared is not None and declared.strip().isdigit() and int(declared) > limit:
                raise _too_large(limit)  # before reading a single byte of the body

            received = 0
            receive = request.receive

            async def counting_receive() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > limit:
                        # Raised inside the multipart parser, which closes its temporary files.
                        raise _too_large(limit)
                return message

            try:
                return await handler(Request(request.scope, counting_receive))
            except RequestValidationError as exc:
                if any(tuple(err.get("loc", ()))[:2] == ("body", UPLOAD_FIELD) for err in exc.errors()):
                    raise HTTPException(
                        status.HTTP_422_UNPROCESSABLE_CONTENT,
                        detail=f"no image in the request: send it as multipart/form-data in a file field "
                               f"named '{UPLOAD_FIELD}' (e.g. curl -F {UPLOAD_FIELD}=@photo.jpg)",
                    ) from None
                raise

        return limited_handler


router = APIRouter(prefix="/api", tags=["images"], route_class=UploadLimitRoute)


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


@router.post(
    "/images",
    status_code=status.HTTP_201_CREATED,
    response_model=ImageInfo,
    summary="Upload an image",
    responses={
        400: {"model": ErrorMessage, "description": "Empty, truncated or corrupt image data."},
        413: {"model": ErrorMessage, "description": "Upload over CONVSCOPE_MAX_UPLOAD_BYTES, image over "
              "CONVSCOPE_MAX_IMAGE_PIXELS, or larger than the whole image store."},
        415: {"model": ErrorMessage, "description": f"Not a supported image ({EXPECTED_FORMATS})."},
        422: {"model": ErrorMessage, "description": f"No multipart field named `{UPLOAD_FIELD}`."},
    },
)
def upload_image(
    file: Annotated[UploadFile, File(description=f"The image: {EXPECTED_FORMATS}.")],
    response: Response,
    store: StoreDep,
    settings: SettingsDep,
) -> ImageInfo:
    """Decode the image (first frame of an animation, EXIF orientation applied, transparency over
    white, greyscale kept as one channel), store it with a preview, and return its id and sizes.

    The request body may be at most `CONVSCOPE_MAX_UPLOAD_BYTES` (20 MB by default) and the image at
    most `CONVSCOPE_MAX_IMAGE_PIXELS` pixels (40 million by default).
    """
    try:
        decoded = decode_image(file.file, max_pixels=settings.max_image_pixels)
        stored = store.put(decoded)
    except ImageStoreCapacityError as exc:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, detail=str(exc)) from None
    except ImageError as exc:
        raise HTTPException(error_status(exc), detail=str(exc)) from None
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
    return Response(content, media_type=media_type, headers={"Cache-Control": "private, max-age=3600"})
