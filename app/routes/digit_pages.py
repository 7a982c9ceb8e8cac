"""Two pages on the served LeNet-5: ``GET /digits`` (draw a digit, see it classified and every
layer's output) and ``GET /receptive-field`` (which input pixels a unit sees, and how much).

Both are thin clients over ``POST /api/digits/predict`` and ``/api/receptive-field``; the ES
modules in ``static/js/digits/`` and ``static/js/receptive-field/`` draw everything. The numbers
the pages print beside their controls (the MNIST recipe's 20 px box in a 28 x 28 field, the
ranges a stack layer accepts) come from the code that enforces them, so they cannot drift.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.deps import TemplatesDep
from app.routes.receptive_field import StackLayer, StackRequest
from model.digit_prep import BOX, FIELD

router = APIRouter(include_in_schema=False)

# The stack editor's number inputs, in column order: label and help for each StackLayer field.
STACK_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("kernel", "Kernel", "k: the window is k \u00d7 k units"),
    ("stride", "Stride", "s: units the window moves per output unit"),
    ("padding", "Padding", "p: zeros added on each side"),
    ("dilation", "Dilation", "d: gaps between the kernel\u2019s taps (1 = none)"),
    ("channels", "Channels", "output feature maps (conv only)"),
)


def _bounds(schema: dict[str, Any], name: str) -> dict[str, Any]:
    spec = schema["properties"][name]
    return {"min": spec.get("minimum"), "max": spec.get("maximum"), "default": spec.get("default")}


def stack_fields() -> list[dict[str, Any]]:
    """Each editable number of a stack layer with the bounds POST /api/receptive-field/stack enforces."""
    schema = StackLayer.model_json_schema()
    return [{"name": name, "label": label, "help": help_text, **_bounds(schema, name)}
            for name, label, help_text in STACK_FIELDS]


def stack_limits() -> dict[str, Any]:
    schema = StackRequest.model_json_schema()
    layers = schema["properties"]["layers"]
    return {"input_size": _bounds(schema, "input_size"), "input_channels": _bounds(schema, "input_channels"),
            "max_layers": layers.get("maxItems", 20)}


@router.get("/digits", response_class=HTMLResponse)
def digits_page(request: Request, templates: TemplatesDep) -> HTMLResponse:
    """Draw a digit; the served network classifies it while you draw."""
    return templates.TemplateResponse(request, "digits.html", {"field": FIELD, "box": BOX})


@router.get("/receptive-field", response_class=HTMLResponse)
def receptive_field_page(request: Request, templates: TemplatesDep) -> HTMLResponse:
    """Point at a unit of LeNet-5 to see its receptive field; design a stack to see fields grow."""
    return templates.TemplateResponse(
        request, "receptive_field.html",
        {"field": FIELD, "stack_fields": stack_fields(), "stack_limits": stack_limits()})
