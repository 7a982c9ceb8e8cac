"""Lesson 10, 1-D and causal convolution: a signal through a kernel "same" and causal, and dilated
causal stacks with their receptive fields (``model/causal_lesson.py``)."""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.api_models import Body, Bounded, Whole
from app.guards.json_body import GuardedRoute
from app.guards.work_slots import EngineSlot
from app.routes.lessons.common import refuse
from model.causal_lesson import (MAX_DILATION, MAX_LAYERS, MAX_LENGTH, MAX_NOISE, MAX_TAPS, MIN_LENGTH, STACK_TAPS,
                                 causal_stack, make_signal, same_and_causal)

router = APIRouter(route_class=GuardedRoute)

Taps = Annotated[list[Bounded], Field(min_length=1, max_length=MAX_TAPS, title="the kernel")]


class SignalIn(Body):
    signal: Literal["sine", "step"] = Field("sine", title="the signal", description="A noisy sine, or a step half-way.")
    length: Whole = Field(48, ge=MIN_LENGTH, le=MAX_LENGTH, title="the signal's length")
    noise: float = Field(0.2, ge=0, le=MAX_NOISE, allow_inf_nan=False, title="the noise",
                         description="Its standard deviation.")


class CausalIn(SignalIn):
    w: Taps = [1 / 3, 1 / 3, 1 / 3]  # type: ignore[valid-type]
    dilation: Whole = Field(1, ge=1, le=MAX_DILATION, title="the dilation")


class CausalOut(BaseModel):
    x: list[float] = Field(..., description="The signal.")
    same: list[float] = Field(..., description='conv1d(x, w, padding="same", dilation=d).')
    causal: list[float] = Field(..., description="conv1d after (K-1)*d zeros on the left only.")
    ahead: int = Field(..., description="How many samples the 'same' output looks ahead: (K-1)*d/2.")
    code: str


@router.post("/causal", response_model=CausalOut, summary='A signal through a 1-D kernel, "same" and causal')
def causal(body: CausalIn, _: EngineSlot) -> CausalOut:
    x = make_signal(body.signal, body.length, body.noise)
    try:
        r = same_and_causal(x, np.array(body.w, dtype=np.float64), body.dilation)
    except ValueError as exc:
        raise refuse(exc) from None
    return CausalOut(x=x.tolist(), same=r.same.tolist(), causal=r.causal.tolist(), ahead=r.ahead, code=r.code)


class StackIn(SignalIn):
    taps: Whole = Field(2, ge=min(STACK_TAPS), le=max(STACK_TAPS), title="the taps per layer")
    layers: Whole = Field(4, ge=1, le=MAX_LAYERS, title="the layers")
    dilated: bool = Field(True, title="dilation", description="Dilations 1, 2, 4, ... or all 1.")


class StackOut(BaseModel):
    x: list[float]
    dilations: list[int]
    fields: list[int] = Field(..., description="The receptive field after each layer: 1 + sum (K-1)*d.")
    other_fields: list[int] = Field(..., description="The same layers with the other choice of dilation.")
    paths: list[list[float]] = Field(..., description="Row 0 the input, then each layer: how many paths lead "
                                     "from each unit to the last output (0: it does not reach it).")
    output: list[float] = Field(..., description="The stack's output, each kernel the average of its taps.")
    code: str


@router.post("/causal/stack", response_model=StackOut, summary="A stack of dilated causal layers")
def stack(body: StackIn, _: EngineSlot) -> StackOut:
    x = make_signal(body.signal, body.length, body.noise)
    s = causal_stack(x, body.taps, body.layers, body.dilated)
    return StackOut(x=x.tolist(), dilations=s.dilations, fields=s.fields, other_fields=s.other_fields,
                    paths=s.paths.tolist(), output=s.output.tolist(), code=s.code)
