"""The tutorial's two networks, by name, and loading saved weights into them.

    lenet5: conv1 6@5x5 pad 2 (no bias) -> relu1 -> pool1 max 2x2 -> conv2 16@5x5 valid (no bias)
            -> relu2 -> pool2 max 2x2 -> flatten (400) -> fc1 120 -> relu3 -> fc2 84 -> relu4 -> fc3 10
            61,684 parameters: 150 + 2,400 in the convolutions, 48,120 + 10,164 + 850 in the classifier.
    mlp:    784 -> fc1 300 -> relu1 -> fc2 50 -> relu2 -> fc3 10, 251,060 parameters.

The layer names are part of the API: saved weights, the app and the lessons refer to them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import numpy as np

from model.conv import Conv2d
from model.layers import Flatten, Linear, ReLU, Tanh
from model.network import Sequential, read_weights
from model.pooling import AvgPool2d, MaxPool2d

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
PRETRAINED_LENET5 = WEIGHTS_DIR / "lenet5-mnist.npz"
PRETRAINED_MLP = WEIGHTS_DIR / "mlp-mnist.npz"

# MNIST's training-set pixel statistics (pixels / 255); the trainer measures them for other data.
MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


def lenet5(seed: int = 0, dtype: Any = np.float32) -> Sequential:
    rng = np.random.default_rng(seed)
    return Sequential([
        ("conv1", Conv2d(1, 6, 5, padding=2, bias=False, rng=rng, dtype=dtype)),
        ("relu1", ReLU()),
        ("pool1", MaxPool2d(2)),
        ("conv2", Conv2d(6, 16, 5, padding="valid", bias=False, rng=rng, dtype=dtype)),
        ("relu2", ReLU()),
        ("pool2", MaxPool2d(2)),
        ("flatten", Flatten()),
        ("fc1", Linear(400, 120, rng=rng, dtype=dtype)),
        ("relu3", ReLU()),
        ("fc2", Linear(120, 84, rng=rng, dtype=dtype)),
        ("relu4", ReLU()),
        ("fc3", Linear(84, 10, rng=rng, dtype=dtype)),
    ], input_shape=(1, 28, 28), architecture="lenet5", input_mean=MNIST_MEAN, input_std=MNIST_STD)


def mlp(seed: int = 0, dtype: Any = np.float32) -> Sequential:
    rng = np.random.default_rng(seed)
    return Sequential([
        ("flatten", Flatten()),
        ("fc1", Linear(784, 300, rng=rng, dtype=dtype)),
        ("relu1", ReLU()),
        ("fc2", Linear(300, 50, rng=rng, dtype=dtype)),
        ("relu2", ReLU()),
        ("fc3", Linear(50, 10, rng=rng, dtype=dtype)),
    ], input_shape=(1, 28, 28), architecture="mlp", input_mean=MNIST_MEAN, input_std=MNIST_STD)


ARCHITECTURES: dict[str, Callable[..., Sequential]] = {"lenet5": lenet5, "mlp": mlp}


def build_model(name: str, seed: int = 0, dtype: Any = np.float32) -> Sequential:
    try:
        factory = ARCHITECTURES[name]
    except KeyError:
        raise ValueError(f"model must be one of {', '.join(ARCHITECTURES)}; got {name!r}") from None
    return factory(seed=seed, dtype=dtype)


def load_model(path: str | Path) -> tuple[Sequential, dict[str, Any]]:
    """Builds the architecture named in the file and loads its weights -> (model, meta)."""
    state, meta = read_weights(path)
    arch = meta.get("architecture")
    if arch not in ARCHITECTURES:
        raise ValueError(f"{path}: unknown architecture {arch!r} (expected one of {', '.join(ARCHITECTURES)})")
    model = build_model(arch)
    model.load_state_dict(state)
    model.input_mean = float(meta.get("input_mean", MNIST_MEAN))
    model.input_std = float(meta.get("input_std", MNIST_STD))
    return model, meta


def from_spec(input_shape: tuple[int, ...], specs: list[dict[str, Any]]) -> Sequential:
    """A network the learner describes, layer by layer, e.g.
    [{"kind": "conv", "channels": 6, "kernel": 5, "padding": 2, "bias": False}, {"kind": "relu"},
     {"kind": "maxpool", "kernel": 2}, {"kind": "flatten"}, {"kind": "linear", "features": 10}].
    Raises ValueError naming the first layer whose input does not fit."""
    layers: list[tuple[str, Any]] = []
    shape = tuple(input_shape)
    counts: dict[str, int] = {}
    for spec in specs:
        kind = spec["kind"]
        counts[kind] = counts.get(kind, 0) + 1
        name = {"conv": "conv", "linear": "fc"}.get(kind, kind) + str(counts[kind])
        if kind == "conv":
            layer = Conv2d(shape[0], spec["channels"], spec["kernel"], spec.get("stride", 1), spec.get("padding", 0),
                           spec.get("dilation", 1), spec.get("bias", True))
        elif kind in ("maxpool", "avgpool"):
            layer = (MaxPool2d if kind == "maxpool" else AvgPool2d)(spec["kernel"], spec.get("stride"))
        elif kind == "linear":
            if len(shape) != 1:
                raise ValueError(f"{name}: a linear layer needs a flat input; add a flatten layer before it")
            layer = Linear(shape[0], spec["features"], spec.get("bias", True))
        elif kind in ("relu", "tanh", "flatten"):
            layer = {"relu": ReLU, "tanh": Tanh, "flatten": Flatten}[kind]()
        else:
            raise ValueError(f"unknown layer kind {kind!r}")
        try:
            shape = layer.output_shape(shape)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{name}: {exc}") from None
        if min(shape) < 1:
            raise ValueError(f"{name}: its output would be {shape}: the layer does not fit its input")
        layers.append((name, layer))
    return Sequential(layers, input_shape=tuple(input_shape), architecture="custom")
