"""Receptive fields: which input pixels a unit deep in the network can see, and how much.

Per layer, by the standard recurrences (one axis; the other is the same), starting from the
input with r = 1, j = 1, start = 0 (the centre of pixel 0):

    k_eff     = d * (k - 1) + 1                       (a dilated kernel's span)
    r_out     = r_in + (k_eff - 1) * j_in             (receptive-field size)
    j_out     = j_in * s                              (jump: input pixels between neighbouring units)
    start_out = start_in + ((k_eff - 1) / 2 - p) * j_in   (centre of unit 0, in input pixels)

Unit i of a layer is centred on input pixel start + i * j and covers r pixels around it. For
LeNet-5: conv1 5, pool1 6, conv2 14, pool2 16; unit x of pool2 covers input 4x - 2 .. 4x + 13,
so the border units partly see padding. A fully connected unit sees the whole input.

``effective_receptive_field`` is the other view: the gradient of one unit with respect to every
input pixel, which shows where inside the box the unit really looks.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import numpy as np

from model.architecture import PlannedLayer, plan
from model.geometry import conv_output_size, window_span
from model.conv import Conv2d
from model.layout import to_batch_first
from model.network import Sequential
from model.pooling import _Pool2d


@dataclass(frozen=True)
class Step:
    """One layer's geometry along an axis: kernel, stride, padding, dilation."""

    name: str
    kind: str
    kernel: int = 1
    stride: int = 1
    padding: int = 0
    dilation: int = 1
    dense: bool = False  # a fully connected layer: sees everything

    @property
    def k_eff(self) -> int:
        return window_span(self.kernel, self.dilation)


@dataclass(frozen=True)
class FieldRow:
    name: str
    kind: str
    size: int  # output units along the axis
    rf: int
    jump: int
    start: float


def steps_of(model: Sequential) -> list[Step]:
    """The geometry of each layer of a network (square kernels and symmetric padding)."""
    steps = []
    for name, layer in model.layers:
        if isinstance(layer, Conv2d):
            steps.append(Step(name, layer.kind, layer.kernel_size[0], layer.stride, layer.pad[0], layer.dilation))
        elif isinstance(layer, _Pool2d):
            steps.append(Step(name, layer.kind, layer.kernel_size[0], layer.stride))
        elif layer.kind == "Linear":
            steps.append(Step(name, layer.kind, dense=True))
        else:
            steps.append(Step(name, layer.kind))  # ReLU, Tanh, Flatten: one input pixel per unit
    return steps


def steps_of_specs(rows: list[PlannedLayer], specs: list[dict[str, Any]]) -> list[Step]:
    """The geometry of each layer of a described network (as ``steps_of`` for a built one)."""
    steps = []
    for row, spec in zip(rows, specs):
        if row.kind == "conv":
            steps.append(Step(row.name, row.type, spec["kernel"], spec.get("stride") or 1, spec.get("padding") or 0,
                              spec.get("dilation") or 1))
        elif row.kind in ("maxpool", "avgpool"):
            steps.append(Step(row.name, row.type, spec["kernel"], spec.get("stride") or spec["kernel"]))
        else:
            steps.append(Step(row.name, row.type, dense=row.kind == "linear"))
    return steps


def stack_fields(input_size: int, input_channels: int, specs: list[dict[str, Any]], names: list[str]
                 ) -> tuple[list[PlannedLayer], list[Step], list[FieldRow]]:
    """A stack of conv and pooling layers the learner designs (square inputs and kernels): each
    layer's shape and parameters (``model/architecture.py``), geometry and receptive field. Raises
    ArchitectureError naming the first layer that does not fit."""
    planned = plan((input_channels, input_size, input_size), specs, names)
    steps = [Step(row.name, row.type, spec["kernel"], spec.get("stride") or 1, spec.get("padding") or 0,
                  spec.get("dilation") or 1) for row, spec in zip(planned, specs)]
    return planned, steps, field_table(steps, input_size)


def field_table(steps: list[Step], input_size: int = 28) -> list[FieldRow]:
    """The recurrences, layer by layer. A dense layer (and everything after it) sees the whole input."""
    n, r, j, start = input_size, 1, 1, 0.0
    rows = []
    dense = False
    for step in steps:
        if step.dense or dense:
            dense = True
            rows.append(FieldRow(step.name, step.kind, 1, input_size, 0, (input_size - 1) / 2))
            continue
        n = conv_output_size(n, step.kernel, step.stride, step.padding, step.dilation)
        if n < 1:
            raise ValueError(f"{step.name}: a kernel spanning {step.k_eff} does not fit the layer's input")
        r, start, j = r + (step.k_eff - 1) * j, start + ((step.k_eff - 1) / 2 - step.padding) * j, j * step.stride
        rows.append(FieldRow(step.name, step.kind, n, r, j, start))
    return rows


@dataclass(frozen=True)
class Region:
    """Rows top..bottom and columns left..right (inclusive) of one layer's grid."""

    layer: str
    top: int
    bottom: int
    left: int
    right: int
    size: tuple[int, int]  # the grid's (H, W)
    outside_fraction: float  # of the unclipped box that falls in padding

    @staticmethod
    def clipped(layer: str, top: int, bottom: int, left: int, right: int, size: tuple[int, int]) -> Region:
        area = (bottom - top + 1) * (right - left + 1)
        t, b, lft, rgt = max(top, 0), min(bottom, size[0] - 1), max(left, 0), min(right, size[1] - 1)
        inside = max(0, b - t + 1) * max(0, rgt - lft + 1)
        return Region(layer, t, b, lft, rgt, size, 1 - inside / area)


def regions(steps: list[Step], layer: str, y: int, x: int, input_size: int = 28) -> list[Region]:
    """The box unit (y, x) of ``layer`` sees in every earlier layer's output and in the input.

    Walks back through the layers: output units a..b of a layer with (k_eff, s, p) read its
    input a*s - p .. b*s - p + k_eff - 1. Returned from the input up to ``layer`` itself.
    """
    names = [s.name for s in steps]
    if layer not in names:
        raise ValueError(f"unknown layer {layer!r}; expected one of {', '.join(names)}")
    table = field_table(steps, input_size)
    index = names.index(layer)
    if any(s.dense for s in steps[:index + 1]):
        raise ValueError(f"{layer} is fully connected: every unit sees the whole input")
    size = table[index].size
    if not (0 <= y < size and 0 <= x < size):
        raise ValueError(f"unit ({y}, {x}) is outside {layer}'s {size}x{size} grid")
    sizes = [input_size] + [row.size for row in table]
    top, bottom, left, right = y, y, x, x
    found = [Region.clipped(layer, top, bottom, left, right, (size, size))]
    for i in range(index, -1, -1):
        s = steps[i]
        top, bottom = top * s.stride - s.padding, bottom * s.stride - s.padding + s.k_eff - 1
        left, right = left * s.stride - s.padding, right * s.stride - s.padding + s.k_eff - 1
        name = steps[i - 1].name if i > 0 else "input"
        found.append(Region.clipped(name, top, bottom, left, right, (sizes[i], sizes[i])))
    return found[::-1]


def effective_receptive_field(model: Sequential, image: np.ndarray, layer: str, y: int, x: int,
                              channel: int | None = None) -> tuple[np.ndarray, float]:
    """|d unit / d input pixel| over the 28 x 28 input (as the network sees it: normalised), and
    the unit's activation.

    The unit is (channel, y, x) of ``layer``'s output; with no channel, the gradient of the sum
    of all channels at (y, x). Runs on a copy of the network, so concurrent callers never share
    the layers' caches.
    """
    net = copy.deepcopy(model)
    names = [n for n, _ in net.layers]
    if layer not in names:
        raise ValueError(f"unknown layer {layer!r}; expected one of {', '.join(names)}")
    chain = [layer_ for _, layer_ in net.layers[:names.index(layer) + 1]]
    chain[0].needs_input_grad = True
    out = net.to_input(image[None])
    for step in chain:
        out = step.forward(out, train=True)
    if out.ndim != 4:
        raise ValueError(f"{layer} is fully connected: every unit sees the whole input")
    channels, height, width, _ = out.shape
    if not (0 <= y < height and 0 <= x < width):
        raise ValueError(f"unit ({y}, {x}) is outside {layer}'s {height}x{width} grid")
    if channel is not None and not 0 <= channel < channels:
        raise ValueError(f"channel {channel} is outside {layer}'s {channels} channels")
    dout = np.zeros_like(out)
    picked = slice(None) if channel is None else channel
    dout[picked, y, x, 0] = 1.0
    activation = float(out[picked, y, x, 0].sum())
    for step in reversed(chain):
        dout = step.backward(dout)
    # (C, H, W, N) -> (N, C, H, W) -> (H, W) of the only image and channel
    return np.abs(to_batch_first(dout))[0, 0], activation


def scaled_to_peak(gradient: np.ndarray, decimals: int = 5) -> np.ndarray:
    """The gradient divided by its largest entry (so the peak is 1; all zeros stay zeros), rounded."""
    peak = float(gradient.max())
    return np.round(gradient / peak if peak > 0 else gradient, decimals)
