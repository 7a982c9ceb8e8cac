"""GET /api/model: the network that answers this browser, layer by layer; POST
/api/model/pretrained: back to the pretrained one (``app/session_networks.py``)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from app.guards.json_body import GuardedRoute
from app.deps import ModelDep
from app.session_networks import PRETRAINED, remember

router = APIRouter(prefix="/api", tags=["model"], route_class=GuardedRoute)


class LayerRow(BaseModel):
    name: str = Field(..., examples=["conv1"])
    type: str = Field(..., examples=["Conv2d"])
    description: str = Field(..., examples=["6@5x5, padding 2, no bias"])
    output_shape: list[int] = Field(..., description="Per image: [C, H, W] or [D].", examples=[[6, 28, 28]])
    params: int = Field(..., ge=0, examples=[150])


class Normalization(BaseModel):
    mean: float = Field(..., description="Subtracted from pixels / 255.")
    std: float = Field(..., description="Then divided by this.")


class ModelInfo(BaseModel):
    architecture: str = Field(..., examples=["lenet5"])
    source: str = Field(..., description="Which weights answer: `pretrained`, or a training run.")
    input_shape: list[int] = Field(..., examples=[[1, 28, 28]])
    layers: list[LayerRow]
    total_params: int = Field(..., examples=[61684])
    test_accuracy: float | None = Field(None, description="On the 10,000 MNIST test images, as recorded "
                                        "when the weights were made.", examples=[0.9938])
    normalization: Normalization
    trained_with: str | None = Field(None, description="The command that made the weights.")


@router.get("/model", response_model=ModelInfo, summary="The served network's layers and parameters")
def model_info(state: ModelDep) -> ModelInfo:
    net = state.model
    layers = [LayerRow(name=r.name, type=r.kind, description=r.description, output_shape=list(r.output_shape),
                       params=r.params) for r in net.summary()]
    return ModelInfo(architecture=net.architecture, source=state.source, input_shape=list(net.input_shape),
                     layers=layers, total_params=net.num_params(), test_accuracy=state.test_accuracy,
                     normalization=Normalization(mean=net.input_mean, std=net.input_std),
                     trained_with=state.sidecar.get("command"))


@router.post("/model/pretrained", response_model=ModelInfo, summary="Serve the pretrained weights again",
             description="Undoes POST /api/runs/{id}/activate and an import, for this browser: its digit "
                         "classifier, receptive fields and explanations use the committed LeNet-5 again.")
def use_pretrained(request: Request, response: Response) -> ModelInfo:
    remember(response, PRETRAINED)
    return model_info(request.app.state.networks.pretrained)
