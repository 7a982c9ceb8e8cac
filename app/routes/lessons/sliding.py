"""Lesson 2, padding, stride and dilation: the sliding window with any border mode."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.guards.json_body import GuardedRoute
from app.guards.work_slots import EngineSlot
from app.api_models import Body, Bounded, Whole, rows_of
from app.routes.lessons.common import Grid, grid, refuse
from model.lesson_code import slide_code
from model.sliding_lesson import Axis, slide

router = APIRouter(route_class=GuardedRoute)


class SlideIn(Body):
    x: Grid = Field(..., title="x")  # type: ignore[valid-type]
    w: rows_of(Bounded, 7, 7) = Field(..., title="w")  # type: ignore[valid-type]
    padding: Literal["zero", "edge", "reflect", "wrap", "valid"] = Field("zero", title="the border")
    stride: Whole = Field(1, ge=1, le=4, title="the stride")
    dilation: Whole = Field(1, ge=1, le=4, title="the dilation")


class AxisOut(BaseModel):
    n: int
    k: int
    p_before: int
    p_after: int
    s: int
    d: int
    size: int
    formula: str = Field(..., description="floor((n + 2p - d(k - 1) - 1) / s) + 1 with the numbers filled in.")


class Position(BaseModel):
    out: list[int] = Field(..., description="[i, j] of the output.")
    rows: list[int] = Field(..., description="Rows of the padded input under the kernel.")
    cols: list[int]


class SlideOut(BaseModel):
    padded: list[list[float]]
    offset: list[int] = Field(..., description="[rows, cols] of padding before the input in `padded`.")
    output: list[list[float]]
    rows: AxisOut
    cols: AxisOut
    positions: list[Position]
    code: str = Field("", description="PyTorch that prints these numbers.")


def _axis(a: Axis) -> AxisOut:
    return AxisOut(n=a.n, k=a.k, p_before=a.p_before, p_after=a.p_after, s=a.s, d=a.d, size=a.size,
                   formula=a.expression())


@router.post("/slide", response_model=SlideOut, summary="A sliding window with any border, stride and dilation")
def slide_window(body: SlideIn, _: EngineSlot) -> SlideOut:
    x, w = grid(body.x, "x"), grid(body.w, "w")
    try:
        s = slide(x, w, body.padding, body.stride, body.dilation)
    except ValueError as exc:
        raise refuse(exc) from None
    return SlideOut(padded=s.padded.tolist(), offset=[s.rows.p_before, s.cols.p_before], output=s.output.tolist(),
                    rows=_axis(s.rows), cols=_axis(s.cols),
                    positions=[Position(out=[i, j], rows=r, cols=c) for i, j, r, c in s.positions],
                    code=slide_code(body.x, body.w, body.padding, (s.rows.p_before, s.rows.p_after),
                                    (s.cols.p_before, s.cols.p_after), body.stride, body.dilation))
