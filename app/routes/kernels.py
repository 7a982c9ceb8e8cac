"""The kernel playground's API: presets, applying a kernel to an uploaded image, and the
arithmetic behind any one output pixel."""

from __future__ import annotations

from typing import Literal

import numpy as np
from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from app.guards.json_body import GuardedRoute
from app.guards.large_answers import sliced_response
from app.guards.work_slots import BUSY
from app.api_models import Body, Bounded, Whole, rows_of
from app.deps import SettingsDep, StoreDep
from app.image_store import ImageStore, StoredImage
from app.image_encode import encode_image
from model.filter_code import torch_code
from model.filters import (Kernel, PixelArithmetic, apply_filter, explain_pixel, filter_values, luminance,
                           make_kernel, map_output, output_size)
from model.kernel_presets import PRESETS, PRESETS_BY_NAME, applied_name

router = APIRouter(prefix="/api/kernels", tags=["kernels"], route_class=GuardedRoute)

PADDING_DOC = ("Border handling, by NumPy's np.pad mode: `zero` = 'constant' (0s), `edge` = 'edge' "
               "(repeat the edge pixel), `reflect` = 'reflect' (mirror *without* repeating the edge "
               "pixel; scipy's 'mirror'), `wrap` = 'wrap' (the opposite side), `valid` = no padding: "
               "the output shrinks by the kernel size minus 1.")
MEDIA_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
PRESET_NAMES = tuple(PRESETS_BY_NAME)
MAX_KERNEL_SIDE = 64  # the schema's ceiling; app/schema_rules.py lowers it to CONVSCOPE_MAX_KERNEL_SIZE
KernelRows = rows_of(Bounded, MAX_KERNEL_SIDE, MAX_KERNEL_SIDE)
PresetName = Literal[PRESET_NAMES]  # type: ignore[valid-type]


class PresetOut(BaseModel):
    name: str = Field(..., examples=["sharpen"])
    label: str = Field(..., examples=["Sharpen"])
    kernel: list[list[int]]
    divisor: int
    description: str
    output: str = Field(..., description="The output mapping that shows this kernel best.")
    second_kernel: list[list[int]] | None = Field(None, description="Sobel magnitude only: combined "
                                                  "with `kernel` as sqrt(a^2 + b^2).")


class FilterOptions(Body):
    image_id: str = Field(..., max_length=64, title="image_id", description="From POST /api/images.")
    kernel: KernelRows | None = Field(None, title="the kernel", description="Rows of weights, 1x1 to 15x15 "
                                      "(any rectangle). Give this or `preset`.",
                                      examples=[[[0, -1, 0], [-1, 5, -1], [0, -1, 0]]])
    preset: PresetName | None = Field(None, title="the preset", description="A name from GET /api/kernels/presets.")
    divisor: Bounded | None = Field(None, title="the divisor", description="The sum is divided by this; default: "
                                    "the preset's, or 1 for a custom kernel.")
    normalize: bool = Field(False, description="Divide by the sum of the weights instead (when it is not 0).")
    channels: Literal["rgb", "luminance"] = Field("rgb", description="Filter each colour channel on its "
                                                  "own, or the luminance (0.299 R + 0.587 G + 0.114 B) only.")
    padding: Literal["zero", "edge", "reflect", "wrap", "valid"] = Field("edge", description=PADDING_DOC)
    stride: Whole = Field(1, ge=1, le=4, description="Step between windows: the output is about 1/stride "
                        "the size on each axis, floor((n - k) / stride) + 1 for `valid`.")
    output: Literal["clip", "abs", "rescale", "offset"] | None = Field(
        None, description="Mapping to 0..255: `clip`, `abs` (|v|), `rescale` (min..max of the result "
        "onto 0..255), `offset` (v + 128). Rounded half up. Default: the preset's, else `clip`.")
    flip: bool = Field(False, description="Rotate the kernel by 180 degrees first: true convolution "
                       "instead of cross-correlation.")
    full_resolution: bool = Field(False, description="Use the uploaded image itself instead of its "
                                  "preview (at most 1600 px on the long side).")


class ApplyRequest(FilterOptions):
    format: Literal["png", "jpeg", "webp"] = Field("png", description="PNG is lossless; JPEG and WebP "
                                                   "encode a large result much faster.")


class ExplainRequest(FilterOptions):
    x: Whole = Field(..., ge=0, description="Output pixel column.")
    y: Whole = Field(..., ge=0, description="Output pixel row.")


class Arithmetic(BaseModel):
    window: list[list[float]] = Field(..., description="Input values under the kernel.")
    products: list[list[float]] = Field(..., description="window x kernel, entry by entry.")
    sum: float
    value: float = Field(..., description="sum / divisor.")


class ChannelExplanation(BaseModel):
    channel: Literal["R", "G", "B", "Y"]
    first: Arithmetic
    second: Arithmetic | None = Field(None, description="Sobel magnitude's second kernel.")
    value: float = Field(..., description="The value before mapping: `first.value`, or "
                         "sqrt(first.value^2 + second.value^2).")
    mapped: int = Field(..., ge=0, le=255, description="The output pixel, after the output mapping.")


class Explanation(BaseModel):
    x: int
    y: int
    window_left: int = Field(..., description="Input column under the kernel's left edge (negative: padding).")
    window_top: int
    outside: list[list[bool]] = Field(..., description="True where the window reads padding, not the image.")
    kernel: list[list[float]] = Field(..., description="The weights used (flipped, if asked).")
    second_kernel: list[list[float]] | None = None
    divisor: float
    output: str
    rescale_range: list[float] | None = Field(None, description="[min, max] of the whole result, for `rescale`.")
    output_width: int
    output_height: int
    channels: list[ChannelExplanation]


def _resolve(options: FilterOptions, store: ImageStore, max_kernel: int
             ) -> tuple[np.ndarray, Kernel, Kernel | None, str, list[str]]:
    """-> (pixels, kernel, second kernel, output mapping, channel names); HTTP errors for bad input."""
    try:
        image: StoredImage = store.get(options.image_id)
    except KeyError:
        raise HTTPException(404, f"no image with id {options.image_id!r}; upload it again with "
                                 "POST /api/images (the store keeps the most recently used images)") from None
    if (options.kernel is None) == (options.preset is None):
        raise HTTPException(422, "give either `kernel` (rows of numbers) or `preset` (a name from "
                                 "GET /api/kernels/presets), not both or neither")
    second = None
    try:
        if options.preset is not None:
            preset = PRESETS_BY_NAME.get(options.preset)
            if preset is None:
                raise HTTPException(422, f"unknown preset {options.preset!r}; expected one of "
                                         f"{', '.join(PRESETS_BY_NAME)}")
            divisor = preset.divisor if options.divisor is None else options.divisor
            kernel = make_kernel(preset.kernel, divisor, options.normalize, options.flip, max_kernel)
            if preset.second_kernel is not None:
                second = make_kernel(preset.second_kernel, divisor, options.normalize, options.flip, max_kernel)
            mapping = options.output or preset.output
        else:
            kernel = make_kernel(options.kernel, options.divisor, options.normalize, options.flip, max_kernel)
            mapping = options.output or "clip"
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    pixels = image.original if options.full_resolution else image.preview
    names = ["R", "G", "B"] if pixels.shape[2] == 3 else ["Y"]
    if options.channels == "luminance" and pixels.shape[2] == 3:
        pixels, names = luminance(pixels), ["Y"]
    kh, kw = kernel.weights.shape
    try:
        output_size(pixels.shape[0], pixels.shape[1], kh, kw, options.padding, options.stride)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    return pixels, kernel, second, mapping, names


@router.get("/presets", response_model=list[PresetOut], summary="The preset kernels")
def presets() -> list[PresetOut]:
    return [PresetOut(name=p.name, label=p.label, kernel=p.kernel, divisor=p.divisor, description=p.description,
                      output=p.output, second_kernel=p.second_kernel) for p in PRESETS]


@router.post("/apply", summary="Apply a kernel to an uploaded image",
             response_class=Response,
             responses={200: {"content": {t: {} for t in MEDIA_TYPES.values()},
                              "description": "The filtered image; X-Output-Width and X-Output-Height give its size."},
                        404: {"description": "Unknown image id."}, 422: {"description": "Bad kernel or options."},
                        **BUSY})
async def apply(body: ApplyRequest, store: StoreDep, settings: SettingsDep, request: Request) -> Response:
    async with request.app.state.work_slots.waiting(_kind(body)):
        return await run_in_threadpool(_apply, body, store, settings.max_kernel_size)


def _kind(options: FilterOptions) -> str:
    return "image" if options.full_resolution else "engine"


def _apply(body: ApplyRequest, store: ImageStore, max_kernel: int) -> Response:
    pixels, kernel, second, mapping, _ = _resolve(body, store, max_kernel)
    result = apply_filter(pixels, kernel, body.padding, body.stride, mapping, second)
    data = encode_image(result, body.format, quality=90)
    name = applied_name(body.preset, body.flip)
    return sliced_response(data, MEDIA_TYPES[body.format], {
        "X-Output-Width": str(result.shape[1]), "X-Output-Height": str(result.shape[0]),
        "Content-Disposition": f'inline; filename="convscope-{name}.{body.format}"',
        "Cache-Control": "no-store"})


class ShownCode(BaseModel):
    code: str = Field(..., description="Python that computes the page's result with PyTorch: it expects `x`, "
                      "the picture as a uint8 tensor (C, H, W), and leaves the shown bytes in `out`.")


@router.post("/code", response_model=ShownCode, summary="The PyTorch code for what the playground shows",
             responses={404: {"description": "Unknown image id."}, 422: {"description": "Bad kernel or options."}})
def code(body: FilterOptions, store: StoreDep, settings: SettingsDep) -> ShownCode:
    _, kernel, second, mapping, names = _resolve(body, store, settings.max_kernel_size)
    preset = PRESETS_BY_NAME.get(body.preset or "")
    rows = preset.kernel if preset is not None else body.kernel
    colour = store.get(body.image_id).preview.shape[2] == 3
    return ShownCode(code=torch_code(rows, kernel.divisor, flip=body.flip, channels=len(names),
                                     luminance=colour and names == ["Y"], padding=body.padding, stride=body.stride,
                                     output=mapping, second=None if second is None else preset.second_kernel))


@router.post("/explain", response_model=Explanation, summary="The arithmetic behind one output pixel",
             responses={404: {"description": "Unknown image id."},
                        422: {"description": "Bad kernel, options, or a pixel outside the result."}, **BUSY})
async def explain(body: ExplainRequest, store: StoreDep, settings: SettingsDep, request: Request) -> Explanation:
    async with request.app.state.work_slots.waiting(_kind(body)):
        return await run_in_threadpool(_explain, body, store, settings.max_kernel_size)


def _explain(body: ExplainRequest, store: ImageStore, max_kernel: int) -> Explanation:
    pixels, kernel, second, mapping, names = _resolve(body, store, max_kernel)
    return _explanation(body, pixels, kernel, second, mapping, names)


def _explanation(body: ExplainRequest, pixels: np.ndarray, kernel: Kernel, second: Kernel | None, mapping: str,
                 names: list[str]) -> Explanation:
    try:
        (left, top), first = explain_pixel(pixels, kernel, body.x, body.y, body.padding, body.stride)
        other = explain_pixel(pixels, second, body.x, body.y, body.padding, body.stride)[1] if second else None
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    kh, kw = kernel.weights.shape
    oh, ow = output_size(pixels.shape[0], pixels.shape[1], kh, kw, body.padding, body.stride)
    low = high = None
    if mapping == "rescale":
        values = filter_values(pixels, kernel, body.padding, body.stride, second)
        low, high = float(values.min()), float(values.max())
    channels = []
    for i, name in enumerate(names):
        a = first[i]
        b = other[i] if other else None
        value = float(np.hypot(a.value, b.value)) if b else a.value
        mapped = int(map_output(np.array([value]), mapping, low, high)[0])
        channels.append(ChannelExplanation(
            channel=name, first=_arith(a), second=_arith(b) if b else None, value=value, mapped=mapped))
    return Explanation(x=body.x, y=body.y, window_left=left, window_top=top, outside=first[0].outside.tolist(),
                       kernel=kernel.weights.tolist(), second_kernel=second.weights.tolist() if second else None,
                       divisor=kernel.divisor, output=mapping,
                       rescale_range=[low, high] if low is not None else None,
                       output_width=ow, output_height=oh, channels=channels)


def _arith(a: PixelArithmetic) -> Arithmetic:
    return Arithmetic(window=a.window.tolist(), products=a.products.tolist(), sum=a.total, value=a.value)
