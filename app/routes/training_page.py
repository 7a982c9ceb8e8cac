"""The live training page, ``GET /training``: a thin client over ``/api/runs`` and ``WS /ws/runs/{id}``.

The hyper-parameter form is built from :class:`app.run_models.RunConfig`, so its defaults and
ranges are the API's own and cannot drift from what ``POST /api/runs`` accepts. Everything else
(charts, kernels, feature maps, the confusion matrix, past runs) is drawn by the ES modules in
``static/js/training/``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.augment_models import AugmentIn
from model.augment import WORDS as AUGMENT_WORDS
from app.deps import TemplatesDep
from app.routes.pages import LENET5_PARAMS, MLP_PARAMS
from app.run_models import DEFAULTS, RunConfig
from app.runs.pace import PACE_RANGE
from app.runs.worker import ACTIVATIONS_EVERY, BATCH_EVERY, WEIGHTS_EVERY
from model.datasets import TEST_IMAGES, TRAIN_IMAGES
from model.training import SMOOTHING
from model.zoo import MNIST_MEAN, MNIST_STD, PRETRAINED_LENET5

router = APIRouter(include_in_schema=False)

# Labels, help texts and the labels of each choice; defaults and ranges come from RunConfig.
FIELD_TEXT: dict[str, dict[str, Any]] = {
    "model": {"label": "Network", "choices": {"lenet5": f"LeNet-5 ({LENET5_PARAMS:,} parameters)",
                                               "mlp": f"MLP 784-300-50-10 ({MLP_PARAMS:,} parameters)",
                                               "custom": "Your own network (design it on the right)"}},
    "dataset": {"label": "Data", "choices": {"mnist": "MNIST digits", "fashion-mnist": "Fashion-MNIST clothes"}},
    "optimizer": {"label": "Optimizer", "choices": {"sgd": "SGD", "momentum": "SGD + momentum",
                                                     "nesterov": "SGD + Nesterov momentum", "adam": "Adam"}},
    "schedule": {"label": "Learning-rate schedule", "choices": {"constant": "Constant", "step": "Step (\u00d70.1 twice)",
                                                                "cosine": "Cosine", "onecycle": "One-cycle"}},
    "lr": {"label": "Learning rate", "help": "the schedule\u2019s peak"},
    "momentum": {"label": "Momentum"},
    "weight_decay": {"label": "Weight decay"},
    "batch_size": {"label": "Batch size"},
    "epochs": {"label": "Epochs"},
    "train_size": {"label": "Training images", "help": f"empty: all {TRAIN_IMAGES:,}"},
    "seed": {"label": "Seed", "help": "same seed, same run", "range": False},
}
FIELD_ORDER = ("model", "dataset", "optimizer", "schedule", "lr", "momentum", "weight_decay", "batch_size",
               "epochs", "seed", "train_size")

# Preset buttons. "fast" is the API's defaults; the tutorial trains plain SGD at a constant rate.
PRESETS: tuple[dict[str, Any], ...] = (
    {"id": "fast", "label": "Fast", "title": f"The defaults: momentum {DEFAULTS.momentum:g}, lr {DEFAULTS.lr:g}, "
     f"{FIELD_TEXT['schedule']['choices'][DEFAULTS.schedule].lower()}, weight decay {DEFAULTS.weight_decay:g}, {DEFAULTS.epochs} epochs. Reaches 99% soonest.",
     "values": {}},
    {"id": "tutorial", "label": "The tutorial\u2019s", "title": "Plain SGD, lr {lr:g}, batch {batch_size}, constant "
     "rate, {epochs} epochs: slower, as in the tutorial.",
     "values": {"model": "lenet5", "optimizer": "sgd", "lr": 0.01, "batch_size": 64, "schedule": "constant",
                "epochs": 10}},
)
PRESETS = tuple(p | {"title": p["title"].format(**p["values"])} for p in PRESETS)
QUICK_SIZES = (2_000, 10_000)


def _number_text(value: float | int) -> str:
    return f"{value:,}" if isinstance(value, int) and value >= 1_000 else f"{value:g}"


def _range_text(spec: dict[str, Any]) -> str:
    """JSON-schema bounds -> "> 0 and \u2264 1", "8 to 1,024"."""
    low = spec.get("minimum", spec.get("exclusiveMinimum"))
    high = spec.get("maximum", spec.get("exclusiveMaximum"))
    if "minimum" in spec and "maximum" in spec:
        return f"{_number_text(low)} to {_number_text(high)}"
    parts = []
    if low is not None:
        parts.append(("\u2265 " if "minimum" in spec else "> ") + _number_text(low))
    if high is not None:
        parts.append(("\u2264 " if "maximum" in spec else "< ") + _number_text(high))
    return " and ".join(parts)


AUGMENT_TEXT = {name: {"label": label, "help": meaning} for name, (label, _, meaning) in AUGMENT_WORDS.items()}


def form_fields() -> list[dict[str, Any]]:
    """One dict per form field: name, label, kind (select | number), default, bounds, choices, help."""
    return _fields(RunConfig.model_json_schema()["properties"], FIELD_ORDER, FIELD_TEXT)


def augment_fields() -> list[dict[str, Any]]:
    """The augmentation's fields, named "augment.<option>" (the form nests them under `augment`)."""
    schema = AugmentIn.model_json_schema()["properties"]
    return [f | {"name": f"augment.{f['name']}"} for f in _fields(schema, tuple(schema), AUGMENT_TEXT)]


def _fields(schema: dict[str, Any], order: tuple[str, ...], texts: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    fields = []
    for name in order:
        spec = dict(schema[name])
        text = texts[name]
        optional = "anyOf" in spec
        if optional:  # int | None: the bounds live in the non-null branch
            spec |= next(s for s in spec["anyOf"] if s.get("type") != "null")
        field: dict[str, Any] = {"name": name, "label": text["label"], "help": text.get("help", ""),
                                 "default": spec.get("default"), "optional": optional}
        if "enum" in spec:
            field |= {"kind": "select", "choices": [(v, text["choices"].get(v, v)) for v in spec["enum"]]}
        else:
            integer = spec["type"] == "integer"
            field |= {"kind": "number", "integer": integer, "step": "1" if integer else "any",
                      "min": spec.get("minimum", spec.get("exclusiveMinimum")),
                      "max": spec.get("maximum", spec.get("exclusiveMaximum")),
                      "range": _range_text(spec) if text.get("range", True) else ""}
        fields.append(field)
    return fields


@lru_cache(maxsize=1)
def pretrained_summary() -> dict[str, Any] | None:
    """The committed LeNet-5's test error, epochs and time, from its JSON sidecar (None if absent)."""
    try:
        sidecar = json.loads(PRETRAINED_LENET5.with_suffix(".json").read_text(encoding="utf-8"))
        error = 1 - float(sidecar["test_accuracy"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return {"test_error": f"{100 * error:.2f}%", "epochs": sidecar.get("epochs", "?"),
            "seconds": round(float(sidecar.get("wall_seconds", 0)))}


SLOW_PACE_DEFAULT = 2.0  # batches a second, until the learner picks another rate


@router.get("/training", response_class=HTMLResponse)
def training_page(request: Request, templates: TemplatesDep) -> HTMLResponse:
    """Start, watch, pause and compare training runs."""
    return templates.TemplateResponse(
        request, "training.html", {"fields": form_fields(), "augment_fields": augment_fields(), "presets": PRESETS, "quick_sizes": QUICK_SIZES,
                              "parameters": {"lenet5": LENET5_PARAMS, "mlp": MLP_PARAMS},
                              "pretrained": pretrained_summary(), "all_train_images": TRAIN_IMAGES, "test_images": TEST_IMAGES,
                              "mnist_mean": MNIST_MEAN, "mnist_std": MNIST_STD,
                              "per_second": {"batch": round(1 / BATCH_EVERY), "activations": round(1 / ACTIVATIONS_EVERY),
                                             "weights": round(1 / WEIGHTS_EVERY)},
                              "smoothing": {"weight": SMOOTHING, "batches": round(1 / (1 - SMOOTHING))},
                              "pace": {"min": PACE_RANGE[0], "max": PACE_RANGE[1], "default": SLOW_PACE_DEFAULT}})
