"""POST /api/networks: a network you describe, checked and priced before anything is built; GET
/api/networks/presets: the networks to start from. The maths is ``model/architecture.py`` (shapes,
parameters with their formulas, multiply-adds), ``model/receptive_field.py`` (receptive fields)
and ``model/presets.py``; here the body is parsed, the server's limits applied, the answer shaped."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from app.api_models import Body
from app.deps import SettingsDep
from app.guards.json_body import GuardedRoute
from app.network_specs import LayerList, LayerSpec, specs_of
from model.architecture import ArchitectureError, NetworkLimits, totals, trainable_plan
from model.presets import PRESETS
from model.receptive_field import field_table, steps_of_specs
from model.zoo import INPUT_SHAPE

router = APIRouter(prefix="/api/networks", tags=["networks"], route_class=GuardedRoute)


class NetworkIn(Body):
    layers: LayerList


class NetworkLayerOut(BaseModel):
    name: str = Field(..., description="As the trained network will call it (conv1, bn1, pool1, fc1, ...).")
    type: str = Field(..., description="PyTorch's class: Conv2d, BatchNorm2d, MaxPool2d, Linear, ...")
    description: str
    output_shape: list[int]
    params: int
    formula: str = Field(..., description="How the parameter count is made up.")
    macs: int = Field(..., description="Multiply-adds per image.")
    receptive_field: int = Field(..., description="Input pixels one unit sees along each axis (28: all of them).")


class LimitsOut(BaseModel):
    layers: int
    channels: int = Field(..., description="Output channels per conv layer.")
    params: int
    macs: int = Field(..., description="Multiply-adds per image.")


class NetworkOut(BaseModel):
    input_shape: list[int]
    layers: list[NetworkLayerOut]
    params: int
    macs: int
    limits: LimitsOut


class PresetOut(BaseModel):
    name: str
    label: str
    layers: list[LayerSpec]


def planned_network(layers: list, limits: NetworkLimits) -> NetworkOut:
    """Plan, check and price a described network; an ArchitectureError becomes a 422 naming the layer."""
    specs = specs_of(layers)
    try:
        rows = trainable_plan(INPUT_SHAPE, specs, limits)
    except ArchitectureError as exc:
        raise HTTPException(422, str(exc)) from None
    fields = field_table(steps_of_specs(rows, specs), INPUT_SHAPE[1])
    sums = totals(rows)
    return NetworkOut(
        input_shape=list(INPUT_SHAPE), params=sums["params"], macs=sums["macs"],
        limits=LimitsOut(layers=limits.layers, channels=limits.channels, params=limits.params, macs=limits.macs),
        layers=[NetworkLayerOut(name=r.name, type=r.type, description=r.description, output_shape=list(r.output_shape),
                                params=r.params, formula=r.formula, macs=r.macs, receptive_field=f.rf)
                for r, f in zip(rows, fields)])


@router.post("", response_model=NetworkOut, summary="Check and price a network you describe",
             responses={422: {"description": "A layer that lacks a size or does not fit its input (the message "
                                             "names it), a network past this server's limits, or one that does not "
                                             "end in 10 scores."}})
def check_network(body: NetworkIn, settings: SettingsDep) -> NetworkOut:
    """Each layer's output shape, parameters (with the formula), multiply-adds and receptive field,
    from the description alone: nothing is built. A network this answers for can be trained with
    POST /api/runs `{"layers": [...]}`."""
    return planned_network(body.layers, settings.network_limits)


@router.get("/presets", response_model=list[PresetOut], response_model_exclude_none=True,
            summary="Networks to start from")
def presets() -> list[PresetOut]:
    """LeNet-5, the MLP, ConvNetJS's MNIST net, a modern small net and LeNet-5 as in 1998."""
    return [PresetOut(name=name, label=p["label"], layers=p["layers"]) for name, p in PRESETS.items()]
