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

from model.architecture import ArchitectureError, PlannedLayer, plan
from model.batchnorm import BatchNorm
from model.conv import Conv2d
from model.layers import Dropout, Flatten, Linear, ReLU, Sigmoid, Tanh
from model.network import Sequential, read_weights
from model.pooling import AvgPool2d, MaxPool2d

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
PRETRAINED_LENET5 = WEIGHTS_DIR / "lenet5-mnist.npz"
PRETRAINED_MLP = WEIGHTS_DIR / "mlp-mnist.npz"
# The same two trained without distortions (the weights shipped before augmentation), for comparison.
PRETRAINED_LENET5_PLAIN = WEIGHTS_DIR / "lenet5-mnist-plain.npz"
PRETRAINED_MLP_PLAIN = WEIGHTS_DIR / "mlp-mnist-plain.npz"

# MNIST's training-set pixel statistics (pixels / 255); the trainer measures them for other data.
MNIST_MEAN, MNIST_STD = 0.1307, 0.3081
INPUT_SHAPE = (1, 28, 28)  # what every network here reads: one 28 x 28 grey image


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


def build_model(name: str, seed: int = 0, dtype: Any = np.float32, layers: list[dict[str, Any]] | None = None
                ) -> Sequential:
    """A named network ("lenet5", "mlp"), or with ``layers`` ("custom") one described layer by layer."""
    if layers is not None:
        return from_spec(INPUT_SHAPE, layers, seed=seed, dtype=dtype)
    try:
        factory = ARCHITECTURES[name]
    except KeyError:
        raise ValueError(f"model must be one of {', '.join(ARCHITECTURES)}; got {name!r}") from None
    return factory(seed=seed, dtype=dtype)


def load_model(path: str | Path) -> tuple[Sequential, dict[str, Any]]:
    """Builds the architecture named in the file and loads its weights -> (model, meta)."""
    state, meta = read_weights(path)
    arch = meta.get("architecture")
    if arch == "custom":
        if not isinstance(meta.get("layers"), list):
            raise ValueError(f"{path}: a custom network's file must describe its layers (meta 'layers')")
        try:
            model = from_spec(tuple(meta.get("input_shape", INPUT_SHAPE)), meta["layers"])
        except (ArchitectureError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}: its layers cannot be built: {exc}") from None
    elif arch in ARCHITECTURES:
        model = build_model(arch)
    else:
        raise ValueError(f"{path}: unknown architecture {arch!r} (expected one of {', '.join(ARCHITECTURES)}, "
                         "or custom)")
    model.train(False)  # loaded to answer: dropout off, batch norm on its running statistics
    model.load_state_dict(state)
    model.input_mean = float(meta.get("input_mean", MNIST_MEAN))
    model.input_std = float(meta.get("input_std", MNIST_STD))
    return model, meta


def from_spec(input_shape: tuple[int, ...], specs: list[dict[str, Any]], seed: int = 0,
              dtype: Any = np.float32) -> Sequential:
    """A network the learner describes, layer by layer (see ``model/architecture.py``), e.g.
    [{"kind": "conv", "channels": 6, "kernel": 5, "padding": 2, "bias": False}, {"kind": "relu"},
     {"kind": "maxpool", "kernel": 2}, {"kind": "flatten"}, {"kind": "linear", "features": 10}].
    The description is priced and checked first (``plan``), so an ArchitectureError naming the first
    layer that does not fit comes before any weight is allocated."""
    rows = plan(tuple(input_shape), specs)
    rng = np.random.default_rng(seed)
    layers: list[tuple[str, Any]] = []
    shape = tuple(input_shape)
    for i, (row, spec) in enumerate(zip(rows, specs)):
        kind = spec["kind"]
        if kind == "conv":
            layer = Conv2d(shape[0], spec["channels"], spec["kernel"], spec.get("stride") or 1,
                           spec.get("padding") or 0, spec.get("dilation") or 1, spec.get("bias", True), rng=rng,
                           dtype=dtype)
        elif kind in ("maxpool", "avgpool"):
            if spec.get("padding") or (spec.get("dilation") or 1) != 1:
                raise ArchitectureError(f"{row.name}: the engine's pooling has no padding or dilation")
            layer = (MaxPool2d if kind == "maxpool" else AvgPool2d)(spec["kernel"], spec.get("stride"))
        elif kind == "linear":
            layer = Linear(shape[0], spec["features"], spec.get("bias", True), rng=rng, dtype=dtype)
        elif kind == "batchnorm":
            layer = BatchNorm(shape[0], spatial=len(shape) == 3, dtype=dtype)
        elif kind == "dropout":
            layer = Dropout(spec.get("p", 0.5), seed=seed * 1000 + i)  # each its own masks
        elif kind == "tanh":
            layer = Tanh(lecun=bool(spec.get("lecun")))
        else:
            layer = {"relu": ReLU, "sigmoid": Sigmoid, "flatten": Flatten}[kind]()
        layers.append((row.name, layer))
        shape = row.output_shape
    net = Sequential(layers, input_shape=tuple(input_shape), architecture="custom", input_mean=MNIST_MEAN,
                     input_std=MNIST_STD)
    net.layer_specs = [dict(spec) for spec in specs]  # saved in the file's meta, so it can be rebuilt
    return net


def spec_of(net: Sequential) -> list[dict[str, Any]]:
    """A built network's description, layer by layer: what ``from_spec`` and ``plan`` take."""
    if net.layer_specs is not None:
        return [dict(spec) for spec in net.layer_specs]
    specs: list[dict[str, Any]] = []
    for _, layer in net.layers:
        if isinstance(layer, Conv2d):
            specs.append({"kind": "conv", "channels": layer.out_channels, "kernel": layer.kernel_size[0],
                          "stride": layer.stride, "padding": layer.pad[0], "dilation": layer.dilation,
                          "bias": "bias" in layer.params})
        elif isinstance(layer, (MaxPool2d, AvgPool2d)):
            specs.append({"kind": "maxpool" if isinstance(layer, MaxPool2d) else "avgpool",
                          "kernel": layer.kernel_size[0], "stride": layer.stride})
        elif isinstance(layer, Linear):
            specs.append({"kind": "linear", "features": layer.out_features, "bias": "bias" in layer.params})
        elif isinstance(layer, BatchNorm):
            specs.append({"kind": "batchnorm"})
        elif isinstance(layer, Dropout):
            specs.append({"kind": "dropout", "p": layer.p})
        elif isinstance(layer, Tanh) and layer.lecun:
            specs.append({"kind": "tanh", "lecun": True})
        else:
            specs.append({"kind": layer.kind.lower()})
    return specs


def plan_of(net: Sequential) -> list[PlannedLayer]:
    """Shapes, parameter counts with their formulas and multiply-adds of a built network."""
    return plan(net.input_shape, spec_of(net), [name for name, _ in net.layers])
