"""How does the error reach this unit? The backward pass of one drawing, and any unit's share of it.

For a drawing and a target class t, with p = softmax(z) of the logits and L = -log p_t:

    dL/dz_k = p_k - [k = t]                                         (the last layer)
    below a conv:     dL/dx[c, i, j] = sum_f sum_{u, v} W[f, c, u, v] * delta[f, (i + p - u d)/s, (j + p - v d)/s]
                      (the terms whose output position is a whole number inside the map: at
                      stride 1, delta correlated with W rotated 180 degrees)
                      dL/dW[f, c, u, v] = sum_{y, x} delta[f, y, x] * x_pad[c, y s + u d, x s + v d]   (X * delta)
    below a max pool: dL/dx = delta of the window, at the window's first arg-max only; 0 elsewhere
    below an avg pool: dL/dx = delta / (KH KW) for every cell of the window
    below a ReLU:     dL/dx = delta * [x > 0];  tanh: delta * A S (1 - tanh^2(S x));  sigmoid: delta * s (1 - s)
    below a batch norm (evaluation): dL/dx = delta * gamma_c / sqrt(running_var_c + eps);  dropout: delta
    below a linear:   dL/dx[d] = sum_k W[k, d] * delta[k]

``gradients`` runs the engine's own forward and backward (every layer in the order it is listed,
as PyTorch would) on a copy of the network, and keeps delta = dL/d(output) of every layer, the
input gradient and every conv layer's dL/dW. ``explain_gradient`` writes one unit's delta as the
sum of the terms above, from the layer after it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

from model.batchnorm import EPS, BatchNorm
from model.conv import Conv2d
from model.layers import Dropout, Flatten, Linear, ReLU, Sigmoid, Tanh
from model.layout import to_batch_first
from model.loss import softmax_cross_entropy
from model.network import Sequential
from model.pooling import AvgPool2d, MaxPool2d
from model.unit_forward import check_unit

TOP_TERMS = 12  # the terms of a sum listed one by one; the rest are summed


@dataclass(frozen=True)
class Gradients:
    target: int
    loss: float
    probabilities: np.ndarray  # (K,)
    layer_grads: dict[str, np.ndarray]  # layer -> dL/d(its output), (C, H, W) or (D,)
    input_grad: np.ndarray  # dL/d(normalised input), (C, H, W)
    weight_grads: dict[str, np.ndarray]  # layer with weights -> dL/dW, PyTorch layout ((F, C, KH, KW) for a conv)
    layer_outputs: dict[str, np.ndarray]  # layer -> its output for the image, (C, H, W) or (D,)


def gradients(net: Sequential, image: np.ndarray, target: int | None = None) -> Gradients:
    """`image`: (28, 28) in 0..255; `target`: a class, or None for the top guess."""
    work = copy.deepcopy(net).train(False)  # the layers keep caches: concurrent requests must not share them
    x = work.to_input(image[None])
    layer_outputs: dict[str, np.ndarray] = {}
    for name, layer in work.layers:
        layer.needs_input_grad = True
        x = layer.forward(x, train=True)
        layer_outputs[name] = to_batch_first(x)[0]
    k = x.shape[0]
    if target is None:
        target = int(np.argmax(x[:, 0]))
    if not 0 <= target < k:
        raise ValueError(f"target must be a class 0..{k - 1}, got {target}")
    loss, delta = softmax_cross_entropy(x.astype(np.float64), np.array([target]))
    probabilities = delta[:, 0].copy()
    probabilities[target] += 1.0  # dL/dz = p - onehot, so p = dL/dz + onehot
    delta = delta.astype(x.dtype)
    layer_grads: dict[str, np.ndarray] = {}
    for name, layer in reversed(work.layers):
        layer_grads[name] = to_batch_first(delta)[0]
        delta = layer.backward(delta)
    weight_grads = {name: layer.grads["weight"].copy() for name, layer in work.layers if "weight" in layer.params}
    return Gradients(target, loss, probabilities, dict(reversed(layer_grads.items())),
                     to_batch_first(delta)[0], weight_grads, layer_outputs)


@dataclass(frozen=True)
class GradientTerm:
    """One term of a unit's gradient: a weight (or factor) times the delta of one unit above."""
    unit: list[int]  # the unit of the layer above whose delta this is
    factor: float
    delta: float
    product: float


@dataclass(frozen=True)
class GradientExplanation:
    layer: str
    unit: list[int]
    grad: float  # dL/d(this unit), from the full backward pass
    rule: str  # "softmax", "conv", "max pool", "avg pool", "relu", "tanh", "flatten", "linear"
    above: str | None  # the layer the gradient comes from
    terms: list[GradientTerm] = field(default_factory=list)  # largest |product| first
    rest: float = 0.0
    rest_count: int = 0
    total: float = 0.0  # sum of every term: equals `grad`
    received: bool | None = None  # max pool: whether this unit is its window's first arg-max


def explain_gradient(net: Sequential, image: np.ndarray, layer: str, unit: list[int],
                     target: int | None = None, grads: Gradients | None = None) -> GradientExplanation:
    """The delta of `unit` in `layer` as the terms that make it, from the layer after it."""
    names = [n for n, _ in net.layers]
    if layer not in names:
        raise ValueError(f"unknown layer {layer!r}; expected one of {', '.join(names)}")
    grads = grads or gradients(net, image, target)
    i = names.index(layer)
    here = grads.layer_grads[layer]
    unit = check_unit(here.shape, unit, layer)
    base = {"layer": layer, "unit": list(unit), "grad": float(here[unit])}
    if i == len(names) - 1:
        k = unit[0]
        onehot = 1.0 if k == grads.target else 0.0
        term = GradientTerm([k], float(grads.probabilities[k]), -onehot, float(grads.probabilities[k] - onehot))
        return GradientExplanation(**base, rule="softmax", above=None, terms=[term], total=term.product)
    above_name, above = net.layers[i + 1]
    delta = grads.layer_grads[above_name]
    x = grads.layer_outputs[layer]
    if isinstance(above, Conv2d):
        terms = _conv_terms(above, delta, unit)
    elif isinstance(above, MaxPool2d):
        terms = _maxpool_terms(above, x, delta, unit)
    elif isinstance(above, AvgPool2d):
        terms = _avgpool_terms(above, delta, unit)
    elif isinstance(above, ReLU):
        terms = [GradientTerm(list(unit), float(x[unit] > 0), float(delta[unit]), float((x[unit] > 0) * delta[unit]))]
    elif isinstance(above, Tanh):
        t = np.tanh(above.slope * x[unit])
        factor = float(above.amplitude * above.slope * (1 - t * t))
        terms = [GradientTerm(list(unit), factor, float(delta[unit]), factor * float(delta[unit]))]
    elif isinstance(above, Sigmoid):
        s = 0.5 * (1.0 + np.tanh(0.5 * float(x[unit])))
        terms = [GradientTerm(list(unit), s * (1 - s), float(delta[unit]), s * (1 - s) * float(delta[unit]))]
    elif isinstance(above, BatchNorm):
        c = unit[0]
        factor = float(above.params["weight"][c]) / float(np.sqrt(float(above.buffers["running_var"][c]) + EPS))
        terms = [GradientTerm(list(unit), factor, float(delta[unit]), factor * float(delta[unit]))]
    elif isinstance(above, Dropout):
        terms = [GradientTerm(list(unit), 1.0, float(delta[unit]), float(delta[unit]))]
    elif isinstance(above, Flatten):
        k = int(np.ravel_multi_index(unit, x.shape))
        terms = [GradientTerm([k], 1.0, float(delta[k]), float(delta[k]))]
    elif isinstance(above, Linear):
        w = above.params["weight"][:, unit[0]].astype(np.float64)
        terms = [GradientTerm([k], float(w[k]), float(delta[k]), float(w[k] * delta[k])) for k in range(w.size)]
    else:
        raise ValueError(f"no explanation for the gradient through a {above.kind} layer")
    rule = {Conv2d: "conv", MaxPool2d: "max pool", AvgPool2d: "avg pool", ReLU: "relu", Tanh: "tanh",
            Sigmoid: "sigmoid", BatchNorm: "batch norm", Dropout: "dropout", Flatten: "flatten",
            Linear: "linear"}[type(above)]
    ranked = sorted(terms, key=lambda t: -abs(t.product))
    shown, hidden = ranked[:TOP_TERMS], ranked[TOP_TERMS:]
    received = None
    if isinstance(above, MaxPool2d):
        received = any(t.factor == 1.0 for t in terms)
    return GradientExplanation(**base, rule=rule, above=above_name, terms=shown,
                               rest=float(sum(t.product for t in hidden)), rest_count=len(hidden),
                               total=float(sum(t.product for t in terms)), received=received)


def _conv_terms(conv: Conv2d, delta: np.ndarray, unit: tuple[int, ...]) -> list[GradientTerm]:
    """Every (f, u, v) whose output position (i + p - u d)/s, (j + p - v d)/s is whole and inside delta."""
    c, i, j = unit
    w = conv.params["weight"].astype(np.float64)
    f_count, _, kh, kw = w.shape
    (ph, pw), s, d = conv.pad, conv.stride, conv.dilation
    _, oh, ow = delta.shape
    terms = []
    for u in range(kh):
        for v in range(kw):
            ry, rx = i + ph - u * d, j + pw - v * d
            if ry % s or rx % s or not (0 <= ry // s < oh and 0 <= rx // s < ow):
                continue
            y, x = ry // s, rx // s
            for f in range(f_count):
                terms.append(GradientTerm([f, y, x], float(w[f, c, u, v]), float(delta[f, y, x]),
                                          float(w[f, c, u, v] * delta[f, y, x])))
    return terms


def _windows_holding(pool: MaxPool2d | AvgPool2d, shape: tuple[int, ...], i: int, j: int) -> list[tuple[int, int]]:
    kh, kw = pool.kernel_size
    s = pool.stride
    _, oh, ow = shape
    return [(y, x) for y in range(oh) for x in range(ow) if y * s <= i < y * s + kh and x * s <= j < x * s + kw]


def _maxpool_terms(pool: MaxPool2d, x: np.ndarray, delta: np.ndarray, unit: tuple[int, ...]) -> list[GradientTerm]:
    c, i, j = unit
    kh, kw = pool.kernel_size
    terms = []
    for y, xx in _windows_holding(pool, delta.shape, i, j):
        top, left = y * pool.stride, xx * pool.stride
        window = x[c, top:top + kh, left:left + kw]
        first = int(np.argmax(window))  # row-major: the first maximum takes the gradient
        wins = (top + first // kw, left + first % kw) == (i, j)
        terms.append(GradientTerm([c, y, xx], float(wins), float(delta[c, y, xx]), float(wins * delta[c, y, xx])))
    return terms


def _avgpool_terms(pool: AvgPool2d, delta: np.ndarray, unit: tuple[int, ...]) -> list[GradientTerm]:
    c, i, j = unit
    share = 1.0 / (pool.kernel_size[0] * pool.kernel_size[1])
    return [GradientTerm([c, y, x], share, float(delta[c, y, x]), share * float(delta[c, y, x]))
            for y, x in _windows_holding(pool, delta.shape, i, j)]



@dataclass(frozen=True)
class FiniteDifference:
    """One derivative both ways: backpropagation, and (L(v + h) - L(v - h)) / 2h."""
    what: str  # "input" or "weight"
    layer: str | None
    index: list[int]
    target: int
    analytic: float
    numeric: float
    step: float
    relative_error: float  # |a - n| / max(|a| + |n|, tiny)
    slope_up: float  # (L(v + h) - L(v)) / h
    slope_down: float  # (L(v) - L(v - h)) / h: far from slope_up at a kink (a max-pool tie, a ReLU at 0)


def in_float64(net: Sequential) -> Sequential:
    """A copy of `net` computing in float64, for difference quotients that mean something."""
    work = copy.deepcopy(net).train(False)
    for _, layer in work.layers:
        for store in (layer.params, layer.buffers):
            for name in list(store):
                if store[name].dtype.kind == "f":
                    store[name] = store[name].astype(np.float64)
        layer.zero_grads()
    return work


def check_by_finite_differences(net: Sequential, image: np.ndarray, target: int | None, what: str,
                                index: list[int], layer: str | None = None, step: float = 1e-4) -> FiniteDifference:
    """dL/d(one normalised input pixel [c, y, x]) or dL/d(one weight of `layer`), from the
    backward pass and from a central difference, both in float64."""
    work = in_float64(net)
    if target is None:  # the top guess of the network as it answers, in float32
        target = int(np.argmax(net.predict_logits(image[None])[0]))
    grads = gradients(work, image, target)
    raw = image.astype(np.float64).copy()
    if what == "input":
        where = check_unit(grads.input_grad.shape, index, "the input")
        analytic = float(grads.input_grad[where])
        nudge = step * 255.0 * work.input_std  # raw units: the normalised pixel moves by `step`

        def loss_at(sign: float) -> float:
            moved = raw.copy()
            moved[where[1:]] += sign * nudge  # (C, H, W) with C = 1: the raw image is (H, W)
            return _loss(work, moved, target)
    elif what == "weight":
        names = [n for n, lay in work.layers if "weight" in lay.params]
        if layer not in names:
            raise ValueError(f"layer must be one with weights: {', '.join(names)}; got {layer!r}")
        w = work[layer].params["weight"]
        where = check_unit(w.shape, index, f"{layer}.weight")
        analytic = float(grads.weight_grads[layer][where])

        def loss_at(sign: float) -> float:
            old = w[where]
            w[where] = old + sign * step
            try:
                return _loss(work, raw, target)
            finally:
                w[where] = old
    else:
        raise ValueError(f"what must be 'input' or 'weight', got {what!r}")
    up, here, down = loss_at(1.0), loss_at(0.0), loss_at(-1.0)
    numeric = (up - down) / (2 * step)
    error = abs(analytic - numeric) / max(abs(analytic) + abs(numeric), 1e-300)
    return FiniteDifference(what, layer, list(where), target, analytic, float(numeric), step, float(error),
                            float((up - here) / step), float((here - down) / step))


def _loss(net: Sequential, image: np.ndarray, target: int) -> float:
    """-log p(target): the forward pass only (no layer keeps a cache)."""
    logits = net.forward(net.to_input(image[None]), train=False)
    return softmax_cross_entropy(logits.astype(np.float64), np.array([target]))[0]


__all__ = ["FiniteDifference", "GradientExplanation", "GradientTerm", "Gradients", "check_by_finite_differences",
           "explain_gradient", "gradients"]
