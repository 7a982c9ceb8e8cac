"""Lesson 1, cross-correlation forward and backward (1-D term by term, and 2-D by the engine),
which lesson 3 (convolution vs correlation) reuses with ``flip``."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.guards.json_body import GuardedRoute
from app.guards.work_slots import EngineSlot
from app.api_models import Body, Bounded, Whole, rows_of
from app.routes.lessons.common import Vector, grid, refuse
from model.lesson_code import correlate1d_code, correlate2d_code
from model.correlation_lesson import (Entry, correlate_1d, correlate_2d, finite_difference_1d, gradients_1d,
                                      largest_difference)

router = APIRouter(route_class=GuardedRoute)


class Factor(BaseModel):
    name: str
    index: list[int] = Field(..., description="1-based.")
    value: float


class TermOut(BaseModel):
    a: Factor
    b: Factor
    product: float


class EntryOut(BaseModel):
    name: str = Field(..., examples=["y"])
    index: list[int] = Field(..., description="1-based, as in the tutorial.")
    value: float
    terms: list[TermOut]


def _entries(entries: list[Entry]) -> list[EntryOut]:
    return [EntryOut(name=e.name, index=list(e.index), value=e.value, terms=[
        TermOut(a=Factor(name=t.a_name, index=list(t.a_index), value=t.a_value),
                b=Factor(name=t.b_name, index=list(t.b_index), value=t.b_value), product=t.product)
        for t in e.terms]) for e in entries]


class Correlate1dIn(Body):
    x: Vector = Field(..., title="x", examples=[[1, 2, 5, 6, 2, -1, 3, -2]])
    w: Annotated[list[Bounded], Field(min_length=1, max_length=9)] = Field(..., title="w", examples=[[1, 0, 0]])
    pad: Whole = Field(0, ge=0, le=8, title="the padding", description="Zeros added on each side.")
    delta: Annotated[list[Bounded], Field(min_length=1, max_length=64)] | None = Field(
        None, title="δ", description="Upstream gradient dL/dy, one per output.")


class Correlate1dOut(BaseModel):
    y: list[EntryOut]
    dx: list[EntryOut] | None = None
    dw: list[EntryOut] | None = None
    dx_numeric: list[float] | None = Field(None, description="Central differences of L = sum delta_i y_i.")
    dw_numeric: list[float] | None = None
    max_difference: float | None = Field(None, description="Largest |analytic - numeric| gradient entry.")
    code: str = Field("", description="PyTorch that prints these numbers.")


@router.post("/correlate-1d", response_model=Correlate1dOut, summary="1-D cross-correlation and its gradients")
def correlate_one(body: Correlate1dIn) -> Correlate1dOut:
    x, w = np.array(body.x, dtype=float), np.array(body.w, dtype=float)
    try:
        y = correlate_1d(x, w, body.pad)
        code = correlate1d_code(body.x, body.w, body.pad, body.delta)
        if body.delta is None:
            return Correlate1dOut(y=_entries(y), code=code)
        delta = np.array(body.delta, dtype=float)
        dx, dw = gradients_1d(x, w, delta, body.pad)
    except ValueError as exc:
        raise refuse(exc) from None
    nx, nw = finite_difference_1d(x, w, delta, body.pad)
    diff = largest_difference((nx, [e.value for e in dx]), (nw, [e.value for e in dw]))
    return Correlate1dOut(y=_entries(y), dx=_entries(dx), dw=_entries(dw), dx_numeric=nx.tolist(),
                          dw_numeric=nw.tolist(), max_difference=diff, code=code)


class Correlate2dIn(Body):
    x: rows_of(Bounded, 12, 12) = Field(..., title="x", description="Up to 12x12.")  # type: ignore[valid-type]
    w: rows_of(Bounded, 5, 5) = Field(..., title="w", description="Up to 5x5.")  # type: ignore[valid-type]
    pad: Whole = Field(0, ge=0, le=4, title="the padding")
    stride: Whole = Field(1, ge=1, le=3, title="the stride")
    flip: bool = Field(False, description="Rotate w by 180 degrees first: true convolution.")
    delta: rows_of(Bounded, 12, 12) | None = Field(None, title="δ")  # type: ignore[valid-type]


class Correlate2dOut(BaseModel):
    kernel: list[list[float]] = Field(..., description="The weights used (flipped, if asked).")
    y: list[list[float]]
    dx: list[list[float]] | None = None
    dw: list[list[float]] | None = None
    dx_numeric: list[list[float]] | None = None
    dw_numeric: list[list[float]] | None = None
    max_difference: float | None = None
    code: str = Field("", description="PyTorch that prints these numbers.")


@router.post("/correlate-2d", response_model=Correlate2dOut, summary="2-D cross-correlation (or convolution) "
             "and its gradients, by the engine")
def correlate_two(body: Correlate2dIn, _: EngineSlot) -> Correlate2dOut:
    x, w = grid(body.x, "x"), grid(body.w, "w")
    delta = grid(body.delta, "δ") if body.delta is not None else None
    try:
        r = correlate_2d(x, w, delta, body.pad, body.stride, body.flip)
    except ValueError as exc:
        raise refuse(exc) from None
    out = Correlate2dOut(kernel=r["kernel"].tolist(), y=r["y"].tolist(),
                         code=correlate2d_code(body.x, body.w, body.pad, body.stride, body.flip, body.delta))
    if delta is not None:
        out.dx, out.dw = r["dx"].tolist(), r["dw"].tolist()
        out.dx_numeric, out.dw_numeric = r["dx_numeric"].tolist(), r["dw_numeric"].tolist()
        out.max_difference = largest_difference((r["dx"], r["dx_numeric"]), (r["dw"], r["dw_numeric"]))
    return out
