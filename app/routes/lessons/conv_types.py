"""Lesson 5, three kinds of convolution layer: their costs by formula, and timed on a photo."""

from __future__ import annotations

import numpy as np
from fastapi import APIRouter, HTTPException
from PIL import Image
from pydantic import BaseModel, Field

from app.guards.json_body import GuardedRoute
from app.api_models import Body, Whole
from app.paths import STATIC_DIR
from app.routes.lessons.common import timing_alone
from model.lesson_code import cost_code
from model.conv_types import cost_formulas, costs, photo_channels, time_conv_types

router = APIRouter(route_class=GuardedRoute)

MAX_RUN_MACS = 400_000_000  # the standard convolution's multiply-adds: about a second here
PHOTO = STATIC_DIR / "samples" / "chelsea.png"


class CostIn(Body):
    dk: Whole = Field(3, ge=1, le=11, title="D_K (the kernel size)", description="D_K: kernel size.")
    m: Whole = Field(32, ge=1, le=2048, title="M (the input channels)", description="M: input channels.")
    n: Whole = Field(64, ge=1, le=2048, title="N (the output channels)", description="N: output channels.")
    df: Whole = Field(112, ge=1, le=1024, title="D_F (the output size)", description="D_F: output feature-map size.")


class CostOut(BaseModel):
    depthwise: int = Field(..., description="D_K*D_K*M*D_F*D_F: one kernel per channel (image-editor style).")
    standard: int = Field(..., description="D_K*D_K*M*N*D_F*D_F (LeNet style).")
    separable: int = Field(..., description="D_K*D_K*M*D_F*D_F + M*N*D_F*D_F.")
    ratio: float = Field(..., description="separable / standard = 1/N + 1/D_K^2.")
    formulas: dict[str, str]
    code: str = Field("", description="PyTorch that prints these numbers.")


def _costs(dk: int, m: int, n: int, df: int) -> CostOut:
    c = costs(dk, m, n, df)
    return CostOut(depthwise=c.depthwise, standard=c.standard, separable=c.separable, ratio=c.ratio,
                   formulas=cost_formulas(dk, m, n, df), code=cost_code(dk, m, n, df))


@router.post("/conv-cost", response_model=CostOut, summary="Multiply-adds of each convolution type, by formula")
def conv_cost(body: CostIn) -> CostOut:
    return _costs(body.dk, body.m, body.n, body.df)


class RunTypesIn(Body):
    dk: Whole = Field(3, ge=1, le=7, title="D_K (the kernel size)")
    m: Whole = Field(16, ge=1, le=64, title="M (the input channels)")
    n: Whole = Field(32, ge=1, le=128, title="N (the output channels)")
    df: Whole = Field(128, ge=16, le=256, title="D_F (the output size)", description="The photo is resized to D_F x D_F.")


class RunTypesOut(BaseModel):
    cost: CostOut
    seconds: dict[str, float] = Field(..., description="Measured by the engine: the best of 2 runs each.")
    measured_ratio: float = Field(..., description="separable / standard, measured.")


@router.post("/conv-types/run", response_model=RunTypesOut, summary="Run each convolution type on a real "
             "photo and time it", responses={422: {"description": "Too much work for one request."},
                                             503: {"description": "Another run is being timed; see Retry-After."}})
def run_conv_types(body: RunTypesIn) -> RunTypesOut:
    standard = costs(body.dk, body.m, body.n, body.df).standard
    if standard > MAX_RUN_MACS:
        raise HTTPException(422, f"that standard convolution needs {standard:,} multiply-adds; runs here are "
                                 f"limited to {MAX_RUN_MACS:,} (make D_F, M, N or D_K smaller)")
    with timing_alone():  # before any work: a refused run costs nothing
        photo = Image.open(PHOTO).convert("RGB").resize((body.df, body.df))
        channels = photo_channels(np.asarray(photo, dtype=np.float32) / 255, body.m)
        t = time_conv_types(channels, body.n, body.dk, repeats=2)
    return RunTypesOut(cost=_costs(body.dk, body.m, body.n, body.df),
                       seconds={"depthwise": t.depthwise, "standard": t.standard, "separable": t.separable},
                       measured_ratio=t.separable / t.standard)
