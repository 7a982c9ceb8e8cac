"""Lesson 8, the transposed convolution: stamps, overlaps, and the gradient it is
(``model/transposed_lesson.py``)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.api_models import Body, Bounded, Whole, rows_of
from app.guards.json_body import GuardedRoute
from app.guards.work_slots import EngineSlot
from app.routes.lessons.common import grid, refuse
from model.transposed_lesson import MAX_INPUT, MAX_KERNEL, MAX_STRIDE, transpose_grid

router = APIRouter(route_class=GuardedRoute)


class TransposedIn(Body):
    x: rows_of(Bounded, MAX_INPUT, MAX_INPUT) = Field(..., title="x")  # type: ignore[valid-type]
    w: rows_of(Bounded, MAX_KERNEL, MAX_KERNEL) = Field(..., title="the kernel")  # type: ignore[valid-type]
    stride: Whole = Field(2, ge=1, le=MAX_STRIDE, title="the stride")
    padding: Whole = Field(0, ge=0, le=MAX_KERNEL - 1, title="the padding")
    output_padding: Whole = Field(0, ge=0, le=MAX_STRIDE - 1, title="the output padding",
                                  description="Smaller than the stride.")


class TransposedOut(BaseModel):
    output: list[list[float]] = Field(..., description="conv_transpose2d(x, w), by the engine.")
    partial: list[list[list[float]]] = Field(..., description="The output after stamping input cells 0..t, "
                                             "in reading order, one grid per t.")
    stamps: list[list[int]] = Field(..., description="How many stamps reach each output cell.")
    gradient: list[list[float]] = Field(..., description="dL/dinput of conv2d(input, w) with the same stride "
                                        "and padding, at delta = x: the same numbers as the output.")
    code: str = Field(..., description="PyTorch that prints the output and the gradient.")


@router.post("/transposed", response_model=TransposedOut, summary="A transposed convolution, stamp by stamp")
def transposed(body: TransposedIn, _: EngineSlot) -> TransposedOut:
    x, w = grid(body.x, "x"), grid(body.w, "the kernel")
    try:
        t = transpose_grid(x, w, body.stride, body.padding, body.output_padding)
    except ValueError as exc:
        raise refuse(exc) from None
    return TransposedOut(output=t.output.tolist(), partial=t.partial.tolist(), stamps=t.stamps.tolist(),
                         gradient=t.gradient.tolist(), code=t.code)
