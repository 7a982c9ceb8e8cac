"""A network described layer by layer, priced before any array exists.

A description is a list of layer specs (plain dicts, as the API and the lessons send them):

    {"kind": "conv", "channels": 6, "kernel": 5, "padding": 2, "bias": False}
    {"kind": "maxpool", "kernel": 2}            # stride defaults to the kernel size
    {"kind": "relu"}, {"kind": "tanh"}, {"kind": "tanh", "lecun": True}, {"kind": "sigmoid"}
    {"kind": "batchnorm"}                       # BatchNorm2d on maps, BatchNorm1d on a vector
    {"kind": "dropout", "p": 0.5}, {"kind": "flatten"}
    {"kind": "linear", "features": 10}

``plan(input_shape, specs)`` walks it with shapes alone and gives each layer's name, output shape,
parameter count (with the formula that makes it) and multiply-adds per image:

    conv    C_out x C_in x K x K weights (+ C_out biases);   C_out * C_in * K * K * OH * OW multiply-adds
    linear  F x D weights (+ F biases);                      F * D multiply-adds
    batchnorm  2 x C (a scale and a shift per channel);      one multiply-add per value
    pool, activations, dropout, flatten: no parameters and no multiply-adds

so a request can be refused for its size (parameters, multiply-adds, layers, channels) before the
weights are built: counting needs no arrays. ``model.zoo.from_spec`` builds the layers after it.
An error names the layer and the shape problem in words: "conv2: a 5x5 kernel does not fit the
4x4 maps from pool1".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from model.geometry import conv_output_size, window_span

Shape = tuple[int, ...]
SPATIAL = ("conv", "maxpool", "avgpool")
NEEDS = {"conv": ("channels", "kernel"), "maxpool": ("kernel",), "avgpool": ("kernel",), "linear": ("features",)}
KINDS = ("conv", "maxpool", "avgpool", "relu", "tanh", "sigmoid", "batchnorm", "dropout", "flatten", "linear")
TYPE_NAMES = {"conv": "Conv2d", "maxpool": "MaxPool2d", "avgpool": "AvgPool2d", "relu": "ReLU", "tanh": "Tanh",
              "sigmoid": "Sigmoid", "batchnorm": "BatchNorm2d", "dropout": "Dropout", "flatten": "Flatten",
              "linear": "Linear"}
NAME_STEMS = {"conv": "conv", "linear": "fc", "batchnorm": "bn", "maxpool": "pool", "avgpool": "pool"}


class ArchitectureError(ValueError):
    """A description that cannot be built; the message names the layer."""


@dataclass(frozen=True)
class PlannedLayer:
    name: str
    kind: str  # the spec's kind: conv, maxpool, ...
    type: str  # the engine's class name: Conv2d, MaxPool2d, ...
    description: str  # "6@5x5, padding 2, no bias"
    output_shape: Shape
    params: int
    formula: str  # how the count is made up: "6*1*5*5 = 150"
    macs: int  # multiply-adds per image


def shape_words(shape: Shape) -> str:
    """(16, 4, 4) -> "16 maps of 4x4"; (6, 1, 1) -> "6 maps of 1x1"; (400,) -> "400 numbers"."""
    if len(shape) == 3:
        c, h, w = shape
        return f"{c} map{'s' if c != 1 else ''} of {h}x{w}"
    return f"{shape[0]} number{'s' if shape[0] != 1 else ''}"


def layer_names(specs: list[dict[str, Any]]) -> list[str]:
    """conv1, relu1, pool1, conv2, ..., flatten, fc1: each stem counted on its own (max and average
    pools share "pool"), a lone flatten unnumbered; LeNet-5's description gets the zoo's names."""
    stems = [NAME_STEMS.get(spec.get("kind"), spec.get("kind")) for spec in specs]
    counts: dict[str, int] = {}
    names = []
    for stem in stems:
        counts[stem] = counts.get(stem, 0) + 1
        names.append(stem if stem == "flatten" and stems.count("flatten") == 1 else f"{stem}{counts[stem]}")
    return names


def _check_spec(name: str, spec: dict[str, Any]) -> None:
    kind = spec.get("kind")
    if kind not in KINDS:
        raise ArchitectureError(f"{name}: unknown layer kind {kind!r}; expected one of {', '.join(KINDS)}")
    absent = [f for f in NEEDS.get(kind, ()) if spec.get(f) is None]
    if absent:
        raise ArchitectureError(f"{name} ({kind}) needs {' and '.join(absent)}")


def _spatial(name: str, spec: dict[str, Any], shape: Shape, source: str) -> tuple[int, int, int, int]:
    """-> (k, stride, padding, dilation), after checking the window fits the input maps."""
    kind = spec["kind"]
    if len(shape) != 3:
        raise ArchitectureError(f"{name}: a {kind} layer needs maps, but {source} gives {shape_words(shape)}; "
                                "put it before the flatten")
    k = spec["kernel"]
    stride = spec.get("stride") or (k if kind != "conv" else 1)
    padding, dilation = spec.get("padding") or 0, spec.get("dilation") or 1
    _, h, w = shape
    span = window_span(k, dilation)
    if min(conv_output_size(h, k, stride, padding, dilation), conv_output_size(w, k, stride, padding, dilation)) < 1:
        what = f"a {k}x{k} kernel" + (f" with dilation {dilation} (spanning {span}x{span})" if dilation > 1 else "")
        pad = f" even with padding {padding}" if padding else ""
        raise ArchitectureError(f"{name}: {what} does not fit the {h}x{w} maps from {source}{pad}")
    return k, stride, padding, dilation


def plan_layer(name: str, spec: dict[str, Any], shape: Shape, source: str) -> PlannedLayer:
    """One layer of the walk: `shape` is its input (per image), `source` names where that comes from."""
    _check_spec(name, spec)
    kind, bias = spec["kind"], spec.get("bias", True)
    type_name = TYPE_NAMES[kind]
    if kind == "conv":
        k, stride, padding, dilation = _spatial(name, spec, shape, source)
        c_in, h, w = shape
        c_out = spec["channels"]
        out = (c_out, conv_output_size(h, k, stride, padding, dilation), conv_output_size(w, k, stride, padding, dilation))
        weights = c_out * c_in * k * k
        params = weights + (c_out if bias else 0)
        formula = f"{c_out}*{c_in}*{k}*{k}" + (f" + {c_out}" if bias else "") + f" = {params:,}"
        words = [f"{c_out}@{k}x{k}", f"padding {padding}"] + ([f"stride {stride}"] if stride != 1 else []) \
            + ([f"dilation {dilation}"] if dilation != 1 else []) + ([] if bias else ["no bias"])
        return PlannedLayer(name, kind, type_name, ", ".join(words), out, params, formula, weights * out[1] * out[2])
    if kind in ("maxpool", "avgpool"):
        k, stride, padding, dilation = _spatial(name, spec, shape, source)
        c, h, w = shape
        out = (c, conv_output_size(h, k, stride, padding, dilation), conv_output_size(w, k, stride, padding, dilation))
        return PlannedLayer(name, kind, type_name, f"{k}x{k}, stride {stride}", out, 0, "0", 0)
    if kind == "linear":
        if len(shape) != 1:
            raise ArchitectureError(f"{name}: a linear layer needs a flat input, but {source} gives "
                                    f"{shape_words(shape)}; add a flatten layer before it")
        d, f = shape[0], spec["features"]
        params = f * d + (f if bias else 0)
        formula = f"{f}*{d}" + (f" + {f}" if bias else "") + f" = {params:,}"
        return PlannedLayer(name, kind, type_name, f"{d} -> {f}" + ("" if bias else ", no bias"), (f,), params,
                            formula, f * d)
    if kind == "batchnorm":
        c = shape[0]
        what = "channels" if len(shape) == 3 else "features"
        return PlannedLayer(name, kind, "BatchNorm2d" if len(shape) == 3 else "BatchNorm1d", f"{c} {what}", shape,
                            2 * c, f"2*{c} = {2 * c:,}", _product(shape))
    if kind == "dropout":
        p = spec.get("p", 0.5)
        if not 0 <= p < 1:
            raise ArchitectureError(f"{name}: dropout's p must be at least 0 and below 1, got {p}")
        return PlannedLayer(name, kind, type_name, f"p = {p:g}", shape, 0, "0", 0)
    description = "1.7159 tanh(2x/3)" if kind == "tanh" and spec.get("lecun") else ""
    out = (_product(shape),) if kind == "flatten" else shape
    return PlannedLayer(name, kind, type_name, description, out, 0, "0", 0)


def _product(shape: Shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


def plan(input_shape: Shape, specs: list[dict[str, Any]], names: list[str] | None = None) -> list[PlannedLayer]:
    """Every layer's output shape, parameters (with formula) and multiply-adds, from the description
    alone. Raises ArchitectureError naming the first layer that cannot be built."""
    if len(input_shape) not in (1, 3) or min(input_shape, default=0) < 1:
        raise ArchitectureError(f"the input must be [C, H, W] or [D] with every size at least 1, got {list(input_shape)}")
    names = names or layer_names(specs)
    shape, source, rows = tuple(input_shape), "the input", []
    for name, spec in zip(names, specs):
        row = plan_layer(name, spec, shape, source)
        rows.append(row)
        shape, source = row.output_shape, name
    return rows


def totals(rows: list[PlannedLayer]) -> dict[str, int]:
    """{params, conv (parameters in conv layers), classifier (in linear layers), macs}."""
    return {"params": sum(r.params for r in rows), "conv": sum(r.params for r in rows if r.kind == "conv"),
            "classifier": sum(r.params for r in rows if r.kind == "linear"), "macs": sum(r.macs for r in rows)}


@dataclass(frozen=True)
class NetworkLimits:
    """How big a network a learner may build and train here (the server's settings fill them)."""

    layers: int = 16
    channels: int = 256  # output channels per conv layer (a linear layer's width is bounded by the parameters)
    params: int = 5_000_000
    macs: int = 20_000_000  # multiply-adds per image


def check_limits(rows: list[PlannedLayer], specs: list[dict[str, Any]], limits: NetworkLimits) -> None:
    """Raises ArchitectureError, in the learner's words, for the first limit a planned network exceeds."""
    if len(rows) > limits.layers:
        raise ArchitectureError(f"at most {limits.layers} layers are allowed here; this network has {len(rows)}")
    for row, spec in zip(rows, specs):
        if row.kind == "conv" and spec["channels"] > limits.channels:
            raise ArchitectureError(f"{row.name}: at most {limits.channels} channels per conv layer are allowed "
                                    f"here, got {spec['channels']}")
    sums = totals(rows)
    if sums["params"] > limits.params:
        raise ArchitectureError(f"at most {limits.params:,} parameters are allowed here; this network has "
                                f"{sums['params']:,}")
    if sums["macs"] > limits.macs:
        raise ArchitectureError(f"at most {limits.macs:,} multiply-adds per image are allowed here; this network "
                                f"needs {sums['macs']:,}")


def check_classifier(rows: list[PlannedLayer], classes: int = 10) -> None:
    """A network to train on digits ends in one score per class."""
    if not rows or rows[-1].output_shape != (classes,):
        got = shape_words(rows[-1].output_shape) if rows else "nothing"
        raise ArchitectureError(f"the last layer must give {classes} numbers, one score per class; "
                                f"{rows[-1].name if rows else 'the network'} gives {got}")


def trainable_plan(input_shape: Shape, specs: list[dict[str, Any]], limits: NetworkLimits) -> list[PlannedLayer]:
    """``plan``, then the server's limits, then the 10 scores at the end: what a network must pass
    to be trained here. Raises ArchitectureError naming what does not fit."""
    rows = plan(input_shape, specs)
    check_limits(rows, specs, limits)
    check_classifier(rows)
    return rows
