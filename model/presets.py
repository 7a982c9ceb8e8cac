"""Networks to start from, as layer descriptions (``model/architecture.py``): the tutorial's two,
ConvNetJS's MNIST demo, a modern small net, and LeNet-5 as LeCun et al. built it in 1998.

    lenet5        conv 6@5x5 pad 2, ReLU, max 2, conv 16@5x5, ReLU, max 2, fc 120, fc 84, fc 10
    mlp           784 -> 300 -> 50 -> 10 with ReLUs
    convnetjs     ConvNetJS's MNIST demo: conv 8@5x5 pad 2, ReLU, max 2, conv 16@5x5 pad 2, ReLU,
                  max 3 stride 3, fc 10 (its input was a 24x24 crop; here the whole 28x28 digit)
    modern-small  conv 32@3x3 pad 1, batch norm, ReLU, max 2, conv 64@3x3 pad 1, batch norm,
                  ReLU, max 2, fc 128, ReLU, fc 10 (the issue's benchmark net)
    lenet5-1998   LeNet-5 with average pooling (subsampling) and LeCun's scaled tanh,
                  1.7159 tanh(2x/3), after every conv, pool and hidden layer

Each is described the way a learner's own network is, so it is edited, planned, trained and
explained by the same code.
"""

from __future__ import annotations

from typing import Any

Spec = dict[str, Any]


def _conv(channels: int, kernel: int, padding: int = 0, bias: bool = True) -> Spec:
    return {"kind": "conv", "channels": channels, "kernel": kernel, "padding": padding, "bias": bias}


def _fc(features: int) -> Spec:
    return {"kind": "linear", "features": features}


RELU, FLAT, BN = {"kind": "relu"}, {"kind": "flatten"}, {"kind": "batchnorm"}
SCALED_TANH = {"kind": "tanh", "lecun": True}


def _pool(kernel: int = 2, kind: str = "maxpool", stride: int | None = None) -> Spec:
    return {"kind": kind, "kernel": kernel} | ({"stride": stride} if stride else {})


PRESETS: dict[str, dict[str, Any]] = {
    "lenet5": {"label": "LeNet-5", "layers": [
        _conv(6, 5, 2, bias=False), RELU, _pool(), _conv(16, 5, bias=False), RELU, _pool(), FLAT,
        _fc(120), RELU, _fc(84), RELU, _fc(10)]},
    "mlp": {"label": "MLP 784-300-50-10", "layers": [FLAT, _fc(300), RELU, _fc(50), RELU, _fc(10)]},
    "convnetjs": {"label": "ConvNetJS's MNIST net", "layers": [
        _conv(8, 5, 2), RELU, _pool(), _conv(16, 5, 2), RELU, _pool(3, stride=3), FLAT, _fc(10)]},
    "modern-small": {"label": "Modern small (3x3 convs, batch norm)", "layers": [
        _conv(32, 3, 1), BN, RELU, _pool(), _conv(64, 3, 1), BN, RELU, _pool(), FLAT, _fc(128), RELU, _fc(10)]},
    "lenet5-1998": {"label": "LeNet-5 as in 1998 (average pooling, scaled tanh)", "layers": [
        _conv(6, 5, 2), SCALED_TANH, _pool(kind="avgpool"), SCALED_TANH, _conv(16, 5), SCALED_TANH,
        _pool(kind="avgpool"), SCALED_TANH, FLAT, _fc(120), SCALED_TANH, _fc(84), SCALED_TANH, _fc(10)]},
}
