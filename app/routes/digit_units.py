"""POST /api/digits/explain and /api/digits/gradients: inside any unit, forward and backward.

The maths is in model/unit_forward.py and model/unit_backward.py; here the request is parsed, the
network chosen (the one served, or a run's latest weights), and the answer shaped.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from app.api_models import Body, DigitPixels
from app.deps import ModelDep
from app.guards.json_body import GuardedRoute
from app.guards.work_slots import BUSY, EngineSlot
from app.routes.digits import prepared_digit
from app.routes.runs import RUN_ID_PATTERN
from app.runs.handles import RunError
from model.network import Sequential
from model.unit_backward import check_by_finite_differences, explain_gradient, gradients
from model.unit_forward import explain_unit

router = APIRouter(prefix="/api/digits", tags=["digits"], route_class=GuardedRoute)

RunIdField = Field(None, pattern=RUN_ID_PATTERN, description="A training run whose latest weights answer "
                   "(12 hex digits, as POST /api/runs returned); the network served when left out.")
TargetField = Field(None, ge=0, le=9, description="The class whose loss -log p is differentiated; the top "
                    "guess when left out.")
Coordinate = Annotated[int, Field(ge=0, le=100_000)]


class GradientsIn(Body):
    pixels: DigitPixels = Field(..., description="The prepared 28x28 digit, 0..1 or 0..255 (the `input` "
                                "/api/digits/predict returns).")
    run_id: str | None = RunIdField
    target: int | None = TargetField


class ExplainIn(GradientsIn):
    weights: Literal["epoch", "probe"] = Field("epoch", description="With `run_id`: the weights saved at the end "
                                               "of the run's last epoch, or those that made the last probe picture "
                                               "it sent (for explaining a unit of /training's probe).")
    layer: str = Field(..., min_length=1, max_length=40, description="A layer name, as GET /api/model lists "
                       "them.", examples=["conv2"])
    unit: list[Coordinate] = Field(..., min_length=1, max_length=3, description="[channel, row, column] in a "
                                   "feature map, [index] in a vector.", examples=[[5, 4, 4]])


class CheckIn(GradientsIn):
    what: Literal["input", "weight"] = Field(..., description="Nudge one normalised input pixel, or one weight.")
    layer: str | None = Field(None, min_length=1, max_length=40, description="For a weight: a layer with weights "
                              "(conv1, fc2, ...).", examples=["conv1"])
    index: list[Coordinate] = Field(..., min_length=1, max_length=4, description="[channel, row, column] of the "
                                    "input, or the weight's index in PyTorch's layout ([out, in, row, column] for "
                                    "a conv, [out, in] for a linear layer).", examples=[[0, 14, 14]])


class CheckOut(BaseModel):
    what: str
    layer: str | None
    index: list[int]
    analytic: float = Field(..., description="dL/d(the value), by backpropagation in float64.")
    numeric: float = Field(..., description="(L(v + h) - L(v - h)) / 2h in float64.")
    step: float = Field(..., description="h.")
    relative_error: float = Field(..., description="|analytic - numeric| / (|analytic| + |numeric|).")
    slope_up: float = Field(..., description="(L(v + h) - L(v)) / h.")
    slope_down: float = Field(..., description="(L(v) - L(v - h)) / h; far from slope_up at a kink (a max-pool "
                              "tie, a ReLU at 0), where the gradient is one of several slopes.")
    target: int
    model: str


class ChannelSumOut(BaseModel):
    channel: int
    kernel: list[list[float]]
    window: list[list[float | None]] = Field(..., description="The input the kernel covers; null on padding.")
    products: list[list[float]]
    total: float


class ContributionOut(BaseModel):
    index: int
    weight: float
    input: float
    product: float


class GradientTermOut(BaseModel):
    unit: list[int] = Field(..., description="The unit of the layer above whose delta this term uses.")
    factor: float = Field(..., description="Its weight (conv, linear), 1 or 0 (max pool: arg-max or not), "
                          "1/area (avg pool), the activation's slope (ReLU, tanh, sigmoid), gamma / sqrt(var + eps) "
                          "(batch norm) or 1 (dropout, which answers as the identity).")
    delta: float
    product: float


class GradientOut(BaseModel):
    layer: str
    unit: list[int]
    grad: float = Field(..., description="dL/d(this unit), from the whole backward pass.")
    rule: str
    above: str | None
    terms: list[GradientTermOut] = Field(..., description="The largest |factor x delta| first.")
    rest: float
    rest_count: int
    total: float = Field(..., description="The sum of every term; equals `grad`.")
    received: bool | None = Field(None, description="Max pool: whether this unit is its window's first arg-max.")


class UnitExplanationOut(BaseModel):
    layer: str
    kind: str
    unit: list[int]
    activation: float
    pre_activation: float
    input_layer: str
    window_origin: list[int] | None = None
    window_size: list[int] | None = None
    channels: list[ChannelSumOut] = []
    bias: float | None = None
    window: list[list[float]] | None = None
    argmax: list[int] | None = None
    inputs: list[ContributionOut] = []
    rest: float | None = None
    rest_count: int = 0
    source: list[int] | None = None
    then: dict[str, str | float] | None = None
    normalised: dict[str, float] | None = Field(None, description="Batch norm: the input, the running mean and "
                                                "variance, eps, gamma and beta of the formula.")
    softmax: dict[str, float | list[float]] | None = None
    target: int
    gradient: GradientOut
    model: str = Field(..., description="Which weights answered: `pretrained` or `run:<id>`.")
    weights_step: int | None = Field(None, description="With weights=probe: the training step (batches done) "
                                     "those weights are from.")


class LayerGradOut(BaseModel):
    name: str
    shape: list[int]
    grad: list = Field(..., description="dL/d(the layer's output), nested in `shape`.")


class WeightGradOut(BaseModel):
    layer: str
    shape: list[int] = Field(..., description="PyTorch's layout: [out channels, in channels, KH, KW].")
    values: list


class GradientsOut(BaseModel):
    target: int
    loss: float = Field(..., description="-log p_target.")
    probabilities: list[float]
    layers: list[LayerGradOut]
    input_grad: list[list[float]] = Field(..., description="dL/d(normalised input pixel), 28x28.")
    weight_grads: list[WeightGradOut] = Field(..., description="dL/dW of every conv layer.")
    model: str


def _network(request: Request, state: ModelDep, run_id: str | None,
             probe: bool = False) -> tuple[Sequential, str, dict]:
    """-> (the network, which weights, the weights file's meta)."""
    if run_id is None:
        if probe:
            raise HTTPException(422, "weights \"probe\" are a training run's: give the run_id whose probe it is")
        return state.model, state.source, state.meta
    try:
        path = request.app.state.runs.weights_path(run_id, probe)
    except RunError as exc:
        raise HTTPException(exc.status, str(exc)) from None
    net, meta = request.app.state.run_networks.get(path)
    return net, f"run:{run_id}", meta


ERRORS = {404: {"description": "No such run."}, 409: {"description": "The run has no weights yet."},
          422: {"description": "Pixels of the wrong shape, an empty drawing, an unknown layer or a unit "
                               "out of range (the message names the valid range)."}, **BUSY}


@router.post("/explain", response_model=UnitExplanationOut, responses=ERRORS,
             summary="How one unit of one layer was computed, forward and backward")
def explain(body: ExplainIn, request: Request, state: ModelDep, _: EngineSlot) -> UnitExplanationOut:
    """The unit's forward sum term by term, and its gradient as the sum of the terms from the
    layer after it, for the loss of `target` (default: the top guess)."""
    net, source, meta = _network(request, state, body.run_id, probe=body.weights == "probe")
    image = prepared_digit(body.pixels)
    try:
        forward = explain_unit(net, image, body.layer, body.unit)
        grads = gradients(net, image, body.target)
        backward = explain_gradient(net, image, body.layer, body.unit, grads=grads)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    return UnitExplanationOut(**asdict(forward), target=grads.target, gradient=GradientOut(**asdict(backward)),
                              model=source, weights_step=meta.get("step") if body.weights == "probe" else None)


@router.post("/gradients", response_model=GradientsOut, responses=ERRORS,
             summary="The gradient of the loss at every layer, the input and the conv kernels")
def all_gradients(body: GradientsIn, request: Request, state: ModelDep, _: EngineSlot) -> GradientsOut:
    """For the drawing and `target` (default: the top guess): dL/d(output) of every layer, the
    input gradient (a saliency map) and every conv layer's dL/dW, as one SGD step would use it."""
    net, source, _ = _network(request, state, body.run_id)
    image = prepared_digit(body.pixels)
    try:
        g = gradients(net, image, body.target)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    return GradientsOut(
        target=g.target, loss=g.loss, probabilities=g.probabilities.tolist(),
        layers=[LayerGradOut(name=n, shape=list(v.shape), grad=v.tolist()) for n, v in g.layer_grads.items()],
        input_grad=g.input_grad[0].tolist(),
        weight_grads=[WeightGradOut(layer=n, shape=list(v.shape), values=v.tolist())
                      for n, v in g.weight_grads.items() if v.ndim == 4],  # the conv kernels
        model=source)


@router.post("/gradient-check", response_model=CheckOut, responses=ERRORS,
             summary="Check one derivative against finite differences")
def gradient_check(body: CheckIn, request: Request, state: ModelDep, _: EngineSlot) -> CheckOut:
    """Nudge one normalised input pixel or one weight by h = 1e-4 both ways, and compare the
    change in the loss with the gradient from backpropagation (both in float64)."""
    net, source, _ = _network(request, state, body.run_id)
    image = prepared_digit(body.pixels)
    try:
        check = check_by_finite_differences(net, image, body.target, body.what, body.index, body.layer)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    return CheckOut(**asdict(check), model=source)
