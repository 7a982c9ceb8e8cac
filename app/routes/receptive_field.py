"""Receptive fields of the served network, of a unit's box, of its gradient, and of a stack of
layers the learner edits."""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from app.guards.json_body import GuardedRoute
from app.guards.work_slots import BUSY, EngineSlot
from app.api_models import Body, DigitPixels, Whole, whole
from app.deps import ModelDep
from model.digit_prep import from_pixels
from model.receptive_field import effective_receptive_field, field_table, regions, scaled_to_peak, stack_fields, steps_of

router = APIRouter(prefix="/api/receptive-field", tags=["receptive fields"], route_class=GuardedRoute)

class FieldRowOut(BaseModel):
    name: str
    type: str
    output_size: int = Field(..., description="Units along each axis.")
    rf: int = Field(..., description="Receptive-field size in input pixels: r_out = r_in + (k_eff - 1) * j_in.")
    jump: int = Field(..., description="Input pixels between neighbouring units: j_out = j_in * s.")
    start: float = Field(..., description="Centre of unit 0 in input pixels: start_in + ((k_eff - 1)/2 - p) * j_in.")
    params: int | None = None
    output_shape: list[int] | None = None
    kernel: int | None = Field(None, description="Kernel size k (1 for layers that keep each pixel).")
    stride: int | None = None
    padding: int | None = None
    dilation: int | None = None


class RegionOut(BaseModel):
    layer: str
    top: int
    bottom: int
    left: int
    right: int
    grid: list[int] = Field(..., description="[H, W] of that layer's output (or the input).")
    outside_fraction: float = Field(..., description="Share of the full box that lies in padding.")


class FieldResponse(BaseModel):
    architecture: str
    table: list[FieldRowOut]
    layer: str | None = None
    unit: list[int] | None = Field(None, description="[y, x] of the unit asked about.")
    regions: list[RegionOut] | None = Field(None, description="The unit's box in every earlier layer and the input.")


class EffectiveRequest(Body):
    layer: str = Field(..., max_length=64, title="the layer", examples=["conv2"])
    y: Whole = Field(..., ge=0, le=1024, title="y")
    x: Whole = Field(..., ge=0, le=1024, title="x")
    channel: whole(0, 4096) | None = Field(None, title="the channel",
                                description="One feature map; default: all maps at (y, x).")
    pixels: DigitPixels = Field(..., title="pixels", description="The 28x28 input (e.g. the `input` the digit "
                                      "classifier returned), 0..255 or 0..1.")


class EffectiveResponse(BaseModel):
    gradient: list[list[float]] = Field(..., description="|d unit / d pixel|, 28x28, scaled so the largest is 1.")
    activation: float = Field(..., description="The unit's value (summed over channels when none was picked).")
    box: RegionOut = Field(..., description="The analytic receptive field in the input, for comparison.")


class StackLayer(Body):
    kind: Literal["conv", "maxpool", "avgpool"] = Field(..., title="kind")
    kernel: Whole = Field(3, ge=1, le=15, title="kernel")
    stride: Whole = Field(1, ge=1, le=8, title="stride")
    padding: Whole = Field(0, ge=0, le=14, title="padding")
    dilation: Whole = Field(1, ge=1, le=8, title="dilation")
    channels: Whole = Field(8, ge=1, le=512, title="channels", description="Output channels (conv only).")


class StackRequest(Body):
    input_size: Whole = Field(28, ge=1, le=1024, title="the input size")
    input_channels: Whole = Field(1, ge=1, le=512, title="the input channels")
    layers: list[StackLayer] = Field(..., min_length=1, max_length=20, title="layer")


def _table(rows, steps, params=None, shapes=None) -> list[FieldRowOut]:  # noqa: ANN001
    return [FieldRowOut(name=r.name, type=r.kind, output_size=r.size, rf=r.rf, jump=r.jump, start=r.start,
                        params=params[i] if params else None, output_shape=shapes[i] if shapes else None,
                        kernel=None if s.dense else s.kernel, stride=None if s.dense else s.stride,
                        padding=None if s.dense else s.padding, dilation=None if s.dense else s.dilation)
            for i, (r, s) in enumerate(zip(rows, steps))]


def _region(r) -> RegionOut:  # noqa: ANN001
    return RegionOut(layer=r.layer, top=r.top, bottom=r.bottom, left=r.left, right=r.right, grid=list(r.size),
                     outside_fraction=round(r.outside_fraction, 6))


@router.get("", response_model=FieldResponse, summary="Receptive fields of the served network",
            responses={422: {"description": "Unknown layer, or a unit outside its grid."}})
def receptive_field(state: ModelDep, layer: Annotated[str | None, Query(examples=["conv2"])] = None,
                    y: Annotated[int | None, Query(ge=0)] = None, x: Annotated[int | None, Query(ge=0)] = None
                    ) -> FieldResponse:
    """Without `layer`: the table of receptive-field size, jump and start per layer. With `layer`, `y`
    and `x`: also the region that unit sees in every earlier layer and in the input."""
    net = state.model
    steps = steps_of(net)
    summary = net.summary()
    table = _table(field_table(steps, net.input_shape[-1]), steps, [r.params for r in summary],
                   [list(r.output_shape) for r in summary])
    if layer is None:
        return FieldResponse(architecture=net.architecture, table=table)
    if y is None or x is None:
        raise HTTPException(422, "give the unit as y and x (0-based) with the layer")
    try:
        found = regions(steps, layer, y, x, net.input_shape[-1])
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    return FieldResponse(architecture=net.architecture, table=table, layer=layer, unit=[y, x],
                         regions=[_region(r) for r in found])


@router.post("/effective", response_model=EffectiveResponse, summary="Where inside its box a unit really looks",
             responses={422: {"description": "Unknown layer, unit out of range, or bad pixels."}, **BUSY})
def effective(body: EffectiveRequest, state: ModelDep, _: EngineSlot) -> EffectiveResponse:
    try:
        image = from_pixels(np.array(body.pixels, dtype=np.float64))
        gradient, activation = effective_receptive_field(state.model, image, body.layer, body.y, body.x,
                                                         body.channel)
        box = regions(steps_of(state.model), body.layer, body.y, body.x)[0]
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    return EffectiveResponse(gradient=scaled_to_peak(gradient).tolist(), activation=activation, box=_region(box))


@router.post("/stack", response_model=list[FieldRowOut], summary="Receptive fields of a stack you design",
             responses={422: {"description": "A layer that does not fit its input."}})
def stack(body: StackRequest) -> list[FieldRowOut]:
    specs = [layer.model_dump() for layer in body.layers]
    names = [f"{layer.kind}{i}" for i, layer in enumerate(body.layers, start=1)]
    try:
        planned, steps, rows = stack_fields(body.input_size, body.input_channels, specs, names)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    return _table(rows, steps, [p.params for p in planned], [list(p.output_shape) for p in planned])
