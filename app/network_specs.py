"""A network described layer by layer, as request bodies: the pydantic twin of the specs
``model/architecture.py`` plans and ``model.zoo.from_spec`` builds. Used by the parameters
lesson, ``POST /api/networks`` and ``POST /api/runs``.

The bounds here are the schema's ceilings (what a body may say at all); how big a network the
server builds and trains is its settings' ``max_network_*`` (``model.architecture.NetworkLimits``),
checked after planning so the message can name the layer.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool

from app.api_models import Body, Finite, Whole, whole


class ConvLayer(Body):
    kind: Literal["conv"] = Field(..., title="kind")
    channels: Whole = Field(..., ge=1, le=1024, title="channels", description="Output channels.")
    kernel: Whole = Field(..., ge=1, le=15, title="kernel")
    stride: whole(1, 8) | None = Field(None, title="stride", description="Default 1.")  # type: ignore[valid-type]
    padding: whole(0, 14) | None = Field(None, title="padding", description="Default 0.")  # type: ignore[valid-type]
    dilation: whole(1, 8) | None = Field(None, title="dilation", description="Default 1.")  # type: ignore[valid-type]
    bias: StrictBool = True


class PoolLayer(Body):
    kind: Literal["maxpool", "avgpool"] = Field(..., title="kind")
    kernel: Whole = Field(..., ge=1, le=15, title="kernel")
    stride: whole(1, 8) | None = Field(None, title="stride",  # type: ignore[valid-type]
                                       description="Default: the kernel size.")


class PlainLayer(Body):
    kind: Literal["relu", "sigmoid", "flatten", "batchnorm"] = Field(
        ..., title="kind", description="batchnorm: BatchNorm2d after maps, BatchNorm1d after a flatten.")


class TanhLayer(Body):
    kind: Literal["tanh"] = Field(..., title="kind")
    lecun: StrictBool = Field(False, description="LeCun's scaled tanh, 1.7159 tanh(2x/3), as LeNet-5 had in 1998.")


class DropoutLayer(Body):
    kind: Literal["dropout"] = Field(..., title="kind")
    p: Finite = Field(0.5, ge=0, lt=1, description="The chance each value is zeroed while training.")


class LinearLayer(Body):
    kind: Literal["linear"] = Field(..., title="kind")
    features: Whole = Field(..., ge=1, le=100_000, title="features", description="Output features.")
    bias: StrictBool = True


LayerSpec = Annotated[ConvLayer | PoolLayer | PlainLayer | TanhLayer | DropoutLayer | LinearLayer,
                      Field(discriminator="kind")]
LayerList = Annotated[list[LayerSpec], Field(min_length=1, max_length=30, title="layer")]


def specs_of(layers: list[Any]) -> list[dict[str, Any]]:
    """The pydantic layers -> the plain dicts the engine plans and builds (unset options left out)."""
    return [layer.model_dump(exclude_none=True) for layer in layers]
