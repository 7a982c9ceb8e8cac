"""Lesson 9, grouped convolution from groups = 1 to depthwise: which channels each filter sees,
what it costs, and what it costs when the engine runs it (``model/groups_lesson.py``)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.api_models import Body, Whole
from app.guards.json_body import GuardedRoute
from app.guards.work_slots import EngineSlot
from app.routes.lessons.common import refuse, timing_alone
from model.groups_lesson import (KERNELS, MAX_CHANNELS, MAX_SIZE, MIN_SIZE, TIMING_BATCH, channels_seen,
                                 check_groups, separable, setting_costs, settings, torch_code, valid_groups)

router = APIRouter(route_class=GuardedRoute)


class LayerIn(Body):
    c_in: Whole = Field(6, ge=1, le=MAX_CHANNELS, title="the input channels")
    c_out: Whole = Field(6, ge=1, le=MAX_CHANNELS, title="the filters")
    kernel: Whole = Field(3, ge=min(KERNELS), le=max(KERNELS), title="the kernel size",
                          description=f"One of {', '.join(map(str, KERNELS))}.",
                          json_schema_extra={"enum": list(KERNELS)})
    size: Whole = Field(28, ge=MIN_SIZE, le=MAX_SIZE, title="the map size", description="D_F: height and width.")


class GroupsIn(LayerIn):
    groups: Whole = Field(1, ge=1, le=MAX_CHANNELS, title="the groups",
                          description="Divides both the input channels and the filters.")


class GroupsOut(BaseModel):
    valid_groups: list[int] = Field(..., description="Every number of groups these channels allow.")
    sees: list[list[int]] = Field(..., description="For each filter, the input channels it sees.")
    weights: int
    macs: int = Field(..., description="Multiply-adds for one image.")
    weights_formula: str
    macs_formula: str
    code: str = Field(..., description="PyTorch that prints the weight's shape, the weights and `sees`.")


def _kernel(value: int) -> int:
    if value not in KERNELS:
        raise refuse(ValueError(f"the kernel size must be odd, one of {', '.join(map(str, KERNELS))}, so that "
                                f"'same' padding keeps the map's size; got {value}"))
    return value


@router.post("/groups", response_model=GroupsOut, summary="A grouped convolution: who sees what, and its cost")
def groups(body: GroupsIn) -> GroupsOut:
    k = _kernel(body.kernel)
    try:
        check_groups(body.c_in, body.c_out, body.groups)
    except ValueError as exc:
        raise refuse(exc) from None
    weights, macs, weights_formula, macs_formula = setting_costs(body.c_in, body.c_out, k, body.size, body.groups)
    return GroupsOut(valid_groups=valid_groups(body.c_in, body.c_out),
                     sees=channels_seen(body.c_in, body.c_out, body.groups), weights=weights, macs=macs,
                     weights_formula=weights_formula, macs_formula=macs_formula,
                     code=torch_code(body.c_in, body.c_out, k, body.size, body.groups))


class SettingOut(BaseModel):
    groups: int
    weights: int
    macs: int
    seconds: float = Field(..., description=f"The engine's conv2d on {TIMING_BATCH} images, best of a few runs.")


class SeparableOut(BaseModel):
    standard: int = Field(..., description="D_K*D_K*M*N*D_F*D_F, at groups = 1.")
    separable: int = Field(..., description="D_K*D_K*M*D_F*D_F + M*N*D_F*D_F: depthwise, then 1x1.")
    ratio: float = Field(..., description="separable / standard = 1/N + 1/D_K^2.")
    formulas: dict[str, str]
    seconds_standard: float
    seconds_separable: float


class TimingsOut(BaseModel):
    batch: int = Field(..., description="Images per timed call.")
    settings: list[SettingOut]
    separable: SeparableOut


@router.post("/groups/time", response_model=TimingsOut, summary="Time the engine at every number of groups",
             responses={503: {"description": "Another run is being timed; see Retry-After."}})
def time_groups(body: LayerIn, _: EngineSlot) -> TimingsOut:
    k = _kernel(body.kernel)
    with timing_alone():
        timed = settings(body.c_in, body.c_out, k, body.size)
        s = separable(body.c_in, body.c_out, k, body.size)
    return TimingsOut(batch=TIMING_BATCH,
                      settings=[SettingOut(groups=t.groups, weights=t.weights, macs=t.macs, seconds=t.seconds)
                                for t in timed],
                      separable=SeparableOut(standard=s.standard, separable=s.separable, ratio=s.ratio,
                                             formulas=s.formulas, seconds_standard=s.seconds_standard,
                                             seconds_separable=s.seconds_separable))
