"""Lesson 6, counting parameters: LeNet-5 and the MLP layer by layer, or a network the learner
describes. Counted from the description alone (``model/architecture.py``): no weight is built,
so even a network of billions of parameters is counted in microseconds."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from app.guards.json_body import GuardedRoute
from app.api_models import Body, whole
from app.network_specs import LayerList, specs_of
from model.architecture import ArchitectureError, PlannedLayer, plan, totals
from model.lesson_code import parameters_code
from model.zoo import build_model, plan_of, spec_of

router = APIRouter(route_class=GuardedRoute)


class ArchitectureIn(Body):
    input: Annotated[list[whole(1, 1024)], Field(min_length=3, max_length=3)] = Field(  # type: ignore[valid-type]
        [1, 28, 28], title="the input", description="[C, H, W], each 1 to 1024.")
    layers: LayerList


class ParamRow(BaseModel):
    name: str
    type: str
    description: str
    output_shape: list[int]
    params: int
    formula: str = Field(..., description="How the count is made up.")
    macs: int = Field(..., description="Multiply-adds per image.")


class ParamsOut(BaseModel):
    architecture: str
    layers: list[ParamRow]
    total: int
    conv: int = Field(..., description="In the convolutional layers.")
    classifier: int = Field(..., description="In the fully connected layers.")
    macs: int = Field(..., description="Multiply-adds per image, all layers.")
    code: str = Field("", description="PyTorch that prints these numbers.")


def _params(architecture: str, rows: list[PlannedLayer], code: str, descriptions: list[str] | None = None
            ) -> ParamsOut:
    sums = totals(rows)
    return ParamsOut(architecture=architecture, total=sums["params"], conv=sums["conv"], classifier=sums["classifier"],
                     macs=sums["macs"], code=code, layers=[
                         ParamRow(name=r.name, type=r.type, description=descriptions[i] if descriptions else r.description,
                                  output_shape=list(r.output_shape), params=r.params, formula=r.formula, macs=r.macs)
                         for i, r in enumerate(rows)])


@router.get("/parameters", response_model=ParamsOut, summary="Parameters of LeNet-5 or the MLP, layer by layer")
def parameters(model: Annotated[Literal["lenet5", "mlp"], Query()] = "lenet5") -> ParamsOut:
    net = build_model(model)
    return _params(net.architecture, plan_of(net), parameters_code(spec_of(net), net.input_shape),
                   [row.description for row in net.summary()])


@router.post("/parameters", response_model=ParamsOut, summary="Parameters of an architecture you describe",
             responses={422: {"description": "A layer that lacks a size, or does not fit its input."}})
def custom_parameters(body: ArchitectureIn) -> ParamsOut:
    try:
        rows = plan(tuple(body.input), specs_of(body.layers))
    except ArchitectureError as exc:
        raise HTTPException(422, str(exc)) from None
    return _params("custom", rows, parameters_code(specs_of(body.layers), tuple(body.input)))
