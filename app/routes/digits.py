"""POST /api/digits/predict: classify a drawn digit, and show what the network saw."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, ValidationError

from app.imaging import ImageError, decode_image, error_status
from app.api_models import Body, DigitPixels
from app.deps import ModelDep, SettingsDep
from app.errors import describe
from app.model_state import ModelState
from app.guards.json_body import GuardedRoute, largest_body, parse_request_json, refuse_oversized
from app.guards.uploads import upload_bytes
from app.guards.work_slots import BUSY
from model.classify import classify
from model.digit_prep import EmptyDrawingError, from_pixels, prepare_digit
from model.filters import luminance

router = APIRouter(prefix="/api/digits", tags=["digits"], route_class=GuardedRoute)


class PixelsIn(Body):
    pixels: DigitPixels = Field(..., title="pixels", description="28 rows of 28 numbers, 0..1 or 0..255, white ink on "
                                      "black as in MNIST; used as they are (no cropping or centring).")


LARGEST_PIXELS_BODY = largest_body(PixelsIn)


class LayerActivations(BaseModel):
    name: str
    shape: list[int] = Field(..., description="[C, H, W] for feature maps, [D] for vectors.")
    values: list[Any] = Field(..., description="Nested lists in that shape.")


class Prediction(BaseModel):
    digit: int = Field(..., ge=0, le=9)
    probabilities: list[float] = Field(..., min_length=10, max_length=10)
    runner_up: int = Field(..., ge=0, le=9)
    input: list[list[int]] = Field(..., description="The 28x28 image the network saw, 0..255.")
    model: str = Field(..., description="Which weights answered: `pretrained` or `run:<id>`.")
    architecture: str
    activations: list[LayerActivations] | None = Field(None, description="Every layer's output, when asked.")


REQUEST_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
            "file": {"type": "string", "format": "binary", "description":
                     "The canvas as an image (PNG, ...): any size up to the limits, dark ink on a light "
                     "background or light on dark. It is cropped, scaled to 20 px and centred by mass in "
                     "28x28, as MNIST's digits were."}}}},
        "application/json": {"schema": PixelsIn.model_json_schema()},
    },
}


def _prepare_file(data: bytes, max_pixels: int, max_side: int) -> np.ndarray:
    """A canvas image -> the 28x28 MNIST-style digit (crop, 20 px, centre of mass)."""
    try:
        decoded = decode_image(data, max_pixels=max_pixels, max_side=max_side)
        gray = decoded.pixels if decoded.pixels.shape[2] == 1 else luminance(decoded.pixels)
        return prepare_digit(gray[..., 0])
    except EmptyDrawingError as exc:
        raise HTTPException(422, f"{exc}; draw a digit first") from None
    except ImageError as exc:
        raise HTTPException(error_status(exc), str(exc)) from None


def _prepare_pixels(payload: Any) -> np.ndarray:
    """JSON {"pixels": 28x28} -> the digit as it is (validated here, off the event loop)."""
    try:
        body = PixelsIn.model_validate(payload)
    except ValidationError as exc:
        message = describe(list(exc.errors()), PixelsIn)[0]
        raise HTTPException(422, f"expected JSON {{\"pixels\": 28 rows of 28 numbers}}: {message}") from None
    return prepared_digit(body.pixels)


def prepared_digit(pixels: list[list[float]]) -> np.ndarray:
    """28 rows of 28 numbers (0..1 or 0..255) -> the digit in 0..255, used as it is; a 422 for an
    empty drawing or numbers out of range (also for /api/digits/explain and its kin)."""
    try:
        return from_pixels(np.array(pixels, dtype=np.float64))
    except EmptyDrawingError as exc:
        raise HTTPException(422, f"{exc}; draw a digit first") from None
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None


def _classify(state: ModelState, image: np.ndarray, with_activations: bool) -> Prediction:
    net = state.model
    c = classify(net, image, with_activations)
    layers = None if c.activations is None else [
        LayerActivations(name=name, shape=list(value.shape), values=np.round(value, 4).tolist())
        for name, value in c.activations.items()]
    return Prediction(digit=c.top, runner_up=c.runner_up, probabilities=c.probabilities.round(6).tolist(),
                      input=np.rint(image).astype(int).tolist(), model=state.source, architecture=net.architecture,
                      activations=layers)


@router.post("/predict", response_model=Prediction, summary="Classify a drawn digit",
             openapi_extra={"requestBody": REQUEST_BODY},
             responses={400: {"description": "Not a readable image."},
                        413: {"description": "Too many bytes, too many pixels, or a side too long."},
                        415: {"description": "Not a supported image type."},
                        422: {"description": "Empty drawing, wrong shape, or numbers out of range."}, **BUSY})
async def predict(request: Request, state: ModelDep, settings: SettingsDep,
                  activations: Annotated[bool, Query(description="Also return every layer's output.")] = False
                  ) -> Prediction:
    """Send the canvas as multipart `file`, or JSON `{"pixels": [[...28 numbers], ...28 rows]}`."""
    content_type = request.headers.get("content-type", "")
    slots = request.app.state.work_slots
    if content_type.startswith("multipart/form-data"):
        async with slots.waiting("image"):  # before the body is read: waiting holds no body
            data = await upload_bytes(request, "drawing")
            image = await run_in_threadpool(_prepare_file, data, settings.max_digit_pixels, settings.max_digit_side)
    elif content_type.startswith("application/json"):
        refuse_oversized(await request.body(), LARGEST_PIXELS_BODY, "POST /api/digits/predict")
        image = await run_in_threadpool(_prepare_pixels, await parse_request_json(request))
    else:
        raise HTTPException(415, "send the drawing as multipart/form-data (field 'file') or as JSON "
                                 "{\"pixels\": 28x28 numbers}")
    async with slots.waiting("engine"):
        return await run_in_threadpool(_classify, state, image, activations)
