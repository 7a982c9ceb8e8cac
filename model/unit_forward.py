"""Why is this unit this bright? The forward sum behind any one unit of a network, term by term.

A unit is one number of one layer's output for one image: ``(c, y, x)`` of a feature map, or
``(k,)`` of a vector. What made it depends on the layer:

    conv:     a[f, y, x] = b_f + sum_c sum_{u, v} W[f, c, u, v] * x_pad[c, y*s + u*d, x*s + v*d]
    max pool: a[c, y, x] = max_{u, v} x[c, y*s + u, x*s + v]   (the first arg-max, row by row, on ties)
    avg pool: a[c, y, x] = mean_{u, v} x[c, y*s + u, x*s + v]
    linear:   a[k] = b_k + sum_d W[k, d] * x[d]
    ReLU:     a = max(x, 0);  tanh: a = A tanh(S x);  sigmoid: a = 1 / (1 + e^-x)
    batch norm (evaluation): a[c, ...] = gamma_c (x[c, ...] - running_mean_c) / sqrt(running_var_c + eps) + beta_c
    dropout (evaluation): a = x
    flatten:  a[(c*H + h)*W + w] = x[c, h, w]
    softmax (after the last layer): p_k = exp(z_k - max z) / sum_j exp(z_j - max z)

``explain_unit`` runs the network once, in the order its layers are listed (so every layer's
output is the one a learner sees), and returns the numbers of the formula for the chosen unit;
the terms add up to the unit's value (tested to 1e-5).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from model.batchnorm import EPS, BatchNorm
from model.layers import Dropout, Flatten, Layer, Linear, ReLU, Sigmoid, Tanh
from model.layout import to_batch_first
from model.loss import softmax
from model.network import Sequential
from model.conv import Conv2d
from model.pooling import AvgPool2d, MaxPool2d

TOP_INPUTS = 10  # a linear unit's inputs listed one by one; the rest are summed
ACTIVATIONS = (ReLU, Tanh, Sigmoid)  # the functions applied unit by unit


@dataclass(frozen=True)
class ChannelSum:
    """One input channel's share of a conv unit: its kernel, the window it reads (None where the
    window lies on padding), the products, and their sum."""
    channel: int
    kernel: list[list[float]]
    window: list[list[float | None]]
    products: list[list[float]]
    total: float


@dataclass(frozen=True)
class Contribution:
    index: int
    weight: float
    input: float
    product: float


@dataclass(frozen=True)
class UnitExplanation:
    layer: str
    kind: str
    unit: list[int]
    activation: float
    pre_activation: float  # the sum of the terms and bias (= activation); for ReLU and tanh, their input
    input_layer: str  # the layer the unit reads ("input" for the normalised image)
    window_origin: list[int] | None = None  # (row, col) of the window's top-left in the input, may be < 0
    window_size: list[int] | None = None
    channels: list[ChannelSum] = field(default_factory=list)  # conv
    bias: float | None = None
    window: list[list[float]] | None = None  # pool
    argmax: list[int] | None = None  # max pool: (row, col) in the window
    inputs: list[Contribution] = field(default_factory=list)  # linear: the largest |weight x input| first
    rest: float | None = None  # linear: the sum of the products not listed
    rest_count: int = 0
    source: list[int] | None = None  # flatten: (c, h, w) the unit copies; ReLU/tanh: the same unit below
    then: dict | None = None  # the activation function right after (name, kind, value), if any
    normalised: dict | None = None  # batch norm: input, running mean and variance, eps, gamma, beta
    softmax: dict | None = None  # last layer: logits, their max, exp(z - max), the sum, probabilities


def forward_as_listed(net: Sequential, image: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """(normalised input (C, H, W) or (D,), every layer's output for the one image) in listed order."""
    x = net.to_input(image[None])
    x0 = to_batch_first(x)[0]
    outputs = []
    with net.evaluating():  # a trained network answers: dropout off, batch norm on its running statistics
        for _, layer in net.layers:
            x = layer.forward(x, train=False)
            outputs.append(to_batch_first(x)[0])
    return x0, outputs


def explain_unit(net: Sequential, image: np.ndarray, layer: str, unit: list[int]) -> UnitExplanation:
    """`image`: (28, 28) in 0..255. `unit`: [c, y, x] for a map, [k] for a vector. ValueError
    naming the valid choices for an unknown layer or a unit out of range."""
    names = [n for n, _ in net.layers]
    if layer not in names:
        raise ValueError(f"unknown layer {layer!r}; expected one of {', '.join(names)}")
    i = names.index(layer)
    x0, outputs = forward_as_listed(net, image)
    out, below = outputs[i], (x0 if i == 0 else outputs[i - 1])
    unit = check_unit(out.shape, unit, layer)
    lay = net.layers[i][1]
    base = dict(layer=layer, kind=lay.kind, unit=list(unit), activation=float(out[tuple(unit)]),
                input_layer="input" if i == 0 else names[i - 1])
    parts = _terms(lay, below, unit)
    explanation = UnitExplanation(**base, **parts)
    if i + 1 < len(names) and isinstance(net.layers[i + 1][1], ACTIVATIONS) and outputs[i + 1].shape == out.shape:
        nxt_name, nxt = net.layers[i + 1]
        explanation = replace(explanation, then={"layer": nxt_name, "kind": nxt.kind,
                                               "value": float(outputs[i + 1][tuple(unit)])})
    if i == len(names) - 1 and out.ndim == 1:
        explanation = replace(explanation, softmax=_softmax_numbers(out))
    return explanation


def check_unit(shape: tuple[int, ...], unit: list[int], layer: str) -> tuple[int, ...]:
    axes = ["channel", "row", "column"] if len(shape) == 3 else ["index"]
    if len(unit) != len(shape):
        raise ValueError(f"{layer}'s output has shape {list(shape)}: give the unit as [{', '.join(axes)}]")
    for v, size, axis in zip(unit, shape, axes):
        if not 0 <= v < size:
            raise ValueError(f"{layer}'s {axis} must be 0..{size - 1}, got {v}")
    return tuple(int(v) for v in unit)


def _terms(layer: Layer, x: np.ndarray, unit: tuple[int, ...]) -> dict:
    if isinstance(layer, Conv2d):
        return _conv_terms(layer, x, unit)
    if isinstance(layer, (MaxPool2d, AvgPool2d)):
        return _pool_terms(layer, x, unit)
    if isinstance(layer, Linear):
        return _linear_terms(layer, x, unit[0])
    if isinstance(layer, Flatten):
        c, h, w = np.unravel_index(unit[0], x.shape)
        return {"pre_activation": float(x[c, h, w]), "source": [int(c), int(h), int(w)]}
    if isinstance(layer, (*ACTIVATIONS, Dropout)):
        return {"pre_activation": float(x[unit]), "source": list(unit)}
    if isinstance(layer, BatchNorm):
        c = unit[0]
        mean, var = (float(layer.buffers[k][c]) for k in ("running_mean", "running_var"))
        gamma, beta = float(layer.params["weight"][c]), float(layer.params["bias"][c])
        value = float(x[unit])
        return {"pre_activation": gamma * (value - mean) / np.sqrt(var + EPS) + beta, "source": list(unit),
                "normalised": {"input": value, "mean": mean, "var": var, "eps": EPS, "gamma": gamma, "beta": beta}}
    raise ValueError(f"no explanation for a {layer.kind} layer")


def _conv_terms(layer: Conv2d, x: np.ndarray, unit: tuple[int, ...]) -> dict:
    f, y, xx = unit
    w = layer.params["weight"].astype(np.float64)
    _, kh, kw = w.shape[1:]
    (ph, pw), s, d = layer.pad, layer.stride, layer.dilation
    top, left = y * s - ph, xx * s - pw  # the window's first cell in the unpadded input
    channels = []
    for c in range(x.shape[0]):
        window = [[_at(x[c], top + u * d, left + v * d) for v in range(kw)] for u in range(kh)]
        products = [[w[f, c, u, v] * (window[u][v] or 0.0) for v in range(kw)] for u in range(kh)]
        channels.append(ChannelSum(c, w[f, c].tolist(), window, products, float(np.sum(products))))
    bias = float(layer.params["bias"][f]) if "bias" in layer.params else None
    total = sum(ch.total for ch in channels) + (bias or 0.0)
    return {"channels": channels, "bias": bias, "pre_activation": total, "window_origin": [top, left],
            "window_size": [d * (kh - 1) + 1, d * (kw - 1) + 1]}


def _at(plane: np.ndarray, r: int, c: int) -> float | None:
    """plane[r, c], or None outside it (the zero padding)."""
    return float(plane[r, c]) if 0 <= r < plane.shape[0] and 0 <= c < plane.shape[1] else None


def _pool_terms(layer: MaxPool2d | AvgPool2d, x: np.ndarray, unit: tuple[int, ...]) -> dict:
    c, y, xx = unit
    kh, kw = layer.kernel_size
    top, left = y * layer.stride, xx * layer.stride
    window = x[c, top:top + kh, left:left + kw].astype(np.float64)
    common = {"window": window.tolist(), "window_origin": [top, left], "window_size": [kh, kw]}
    if isinstance(layer, MaxPool2d):
        first = int(np.argmax(window))  # row-major: the first maximum, as the engine and PyTorch route
        return common | {"pre_activation": float(window.max()), "argmax": [first // kw, first % kw]}
    return common | {"pre_activation": float(window.mean())}


def _linear_terms(layer: Linear, x: np.ndarray, k: int) -> dict:
    w = layer.params["weight"][k].astype(np.float64)
    products = w * x
    order = np.argsort(-np.abs(products), kind="stable")
    shown, hidden = order[:TOP_INPUTS], order[TOP_INPUTS:]
    bias = float(layer.params["bias"][k]) if "bias" in layer.params else None
    return {"inputs": [Contribution(int(d), float(w[d]), float(x[d]), float(products[d])) for d in shown],
            "rest": float(products[hidden].sum()), "rest_count": int(hidden.size), "bias": bias,
            "pre_activation": float(products.sum() + (bias or 0.0))}


def _softmax_numbers(logits: np.ndarray) -> dict:
    z = logits.astype(np.float64)
    shifted = np.exp(z - z.max())
    return {"logits": z.tolist(), "max_logit": float(z.max()), "exp_shifted": shifted.tolist(),
            "sum": float(shifted.sum()), "probabilities": softmax(z).tolist()}
