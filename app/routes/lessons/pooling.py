"""Lesson 4, max and average pooling, forward and backward (``model/pooling_lesson.py``)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.guards.json_body import GuardedRoute
from app.guards.work_slots import EngineSlot
from app.api_models import Body, Bounded, Whole, rows_of, whole
from app.routes.lessons.common import grid, refuse
from model.lesson_code import pooling_code
from model.pooling_lesson import pool_grid

router = APIRouter(route_class=GuardedRoute)


class PoolIn(Body):
    x: rows_of(Bounded, 16, 16) = Field(..., title="x")  # type: ignore[valid-type]
    kernel: Whole = Field(2, ge=1, le=4, title="the window size")
    stride: whole(1, 4) | None = Field(None, title="the stride", description="Default: the kernel size.")
    delta: rows_of(Bounded, 16, 16) | None = Field(None, title="δ")  # type: ignore[valid-type]


class PoolOut(BaseModel):
    max: list[list[float]]
    argmax: list[list[list[int]]] = Field(..., description="[row, col] in the input of each window's first maximum.")
    average: list[list[float]]
    dx_max: list[list[float]] | None = Field(None, description="delta routed to each window's arg-max.")
    dx_average: list[list[float]] | None = Field(None, description="delta shared equally over each window.")
    code: str = Field("", description="PyTorch that prints these numbers.")


@router.post("/pooling", response_model=PoolOut, summary="Max and average pooling, forward and backward")
def pooling(body: PoolIn, _: EngineSlot) -> PoolOut:
    x = grid(body.x, "x")
    delta = grid(body.delta, "δ") if body.delta is not None else None
    try:
        p = pool_grid(x, body.kernel, body.stride, delta)
    except ValueError as exc:
        raise refuse(exc) from None
    return PoolOut(max=p.max.tolist(), argmax=[[list(a) for a in row] for row in p.argmax], average=p.average.tolist(),
                   dx_max=None if p.dx_max is None else p.dx_max.tolist(),
                   dx_average=None if p.dx_average is None else p.dx_average.tolist(),
                   code=pooling_code(body.x, body.kernel, body.stride or body.kernel, body.delta))
