"""The simple layers: a base class, ReLU, Tanh, Sigmoid, Dropout, Flatten and Linear.

Every layer is a forward/backward pair. ``forward`` keeps what ``backward`` needs in
``self.cache``; ``backward(dout)`` returns dL/dx and stores dL/dparam in ``self.grads``.
Activations are batch-last, (C, H, W, N) or (D, N); see ``model/layout.py``.
Shapes in docstrings are per-sample where the batch axis is implied.

``train`` in ``forward`` says whether to keep the cache for a backward pass. Whether a layer
behaves as in training or in evaluation (dropout's mask, batch norm's statistics) is its
``training`` flag, set for a whole network by ``Sequential.train(mode)``, as in PyTorch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

Shape = tuple[int, ...]


class Layer:
    """Base class. Subclasses set ``kind`` and fill ``params`` (name -> array)."""

    kind = "Layer"
    #: Which half of a batch this copy of the layer sees while a batch is split across two
    #: threads (``model/data_parallel.Half``); None otherwise.
    half: Any = None

    def __init__(self) -> None:
        self.training = True
        self.params: dict[str, np.ndarray] = {}
        self.buffers: dict[str, np.ndarray] = {}  # saved with the weights, never trained (batch norm's statistics)
        self.grads: dict[str, np.ndarray] = {}
        self.cache: Any = None
        # The first layer of a network never needs dL/dx; skipping it saves time.
        self.needs_input_grad = True

    def forward(self, x: np.ndarray, train: bool = True) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        raise NotImplementedError

    def output_shape(self, input_shape: Shape) -> Shape:
        """Per-sample output shape for a per-sample input shape, e.g. (1, 28, 28) -> (6, 28, 28)."""
        return input_shape

    def describe(self) -> str:
        """A few words for the summary table, e.g. '6@5x5, padding 2'."""
        return ""

    def num_params(self) -> int:
        return sum(int(p.size) for p in self.params.values())

    def zero_grads(self) -> None:
        for name, p in self.params.items():
            self.grads[name] = np.zeros_like(p)


class ReLU(Layer):
    """out = max(x, 0); dL/dx = dout * [x > 0] (the subgradient at 0 is taken as 0, as PyTorch does)."""

    kind = "ReLU"

    def forward(self, x: np.ndarray, train: bool = True) -> np.ndarray:
        out = np.maximum(x, 0)
        if train:
            self.cache = out  # out > 0 exactly where x > 0
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout * (self.cache > 0)


class Tanh(Layer):
    """out = A * tanh(S * x); dL/dx = dout * A * S * (1 - tanh(S * x)^2).

    Plain tanh has A = S = 1. LeCun et al. (1998) scale it to A = 1.7159, S = 2/3, so that
    f(+-1) = +-1 and the gain is about 1 near the origin: pass ``lecun=True``.
    """

    kind = "Tanh"

    def __init__(self, lecun: bool = False) -> None:
        super().__init__()
        self.lecun = lecun
        self.amplitude, self.slope = (1.7159, 2.0 / 3.0) if lecun else (1.0, 1.0)

    def forward(self, x: np.ndarray, train: bool = True) -> np.ndarray:
        t = np.tanh(x * self.slope) if self.lecun else np.tanh(x)
        if train:
            self.cache = t
        return t * self.amplitude if self.lecun else t

    def backward(self, dout: np.ndarray) -> np.ndarray:
        t = self.cache
        grad = dout * (1 - t * t)
        return grad * (self.amplitude * self.slope) if self.lecun else grad

    def describe(self) -> str:
        return "1.7159 tanh(2x/3)" if self.lecun else ""


class Sigmoid(Layer):
    """out = s(x) = 1 / (1 + e^-x), computed as (1 + tanh(x/2)) / 2 (no overflow);
    dL/dx = dout * s(x) * (1 - s(x))."""

    kind = "Sigmoid"

    def forward(self, x: np.ndarray, train: bool = True) -> np.ndarray:
        out = 0.5 * (1.0 + np.tanh(0.5 * x))
        if train:
            self.cache = out
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        s = self.cache
        return dout * s * (1.0 - s)


class Dropout(Layer):
    """Training: out = x * mask / (1 - p), each mask entry 1 with probability 1 - p ("inverted"
    dropout, as PyTorch's, so evaluation is the identity); dL/dx = dout * mask / (1 - p).

    The k-th training forward draws its mask from ``default_rng([seed, k])``: a run resumed with
    ``calls`` set to the batches already trained draws the same masks as one never stopped. Half
    a batch (``model/data_parallel.py``) gets its columns of the whole batch's mask.
    """

    kind = "Dropout"

    def __init__(self, p: float = 0.5, seed: int = 0) -> None:
        super().__init__()
        if not 0.0 <= p < 1.0:
            raise ValueError(f"dropout's p must be in [0, 1), got {p}")
        self.p, self.seed, self.calls = float(p), seed, 0

    def forward(self, x: np.ndarray, train: bool = True) -> np.ndarray:
        if not self.training or self.p == 0.0:
            self.cache = None
            return x
        rng = np.random.default_rng([self.seed, self.calls])
        self.calls += 1
        if self.half is None:
            draws = rng.random(x.shape)
        else:  # half a batch: the whole batch's mask, this half's columns
            draws = rng.random(x.shape[:-1] + (self.half.total,))[..., self.half.offset:self.half.offset + x.shape[-1]]
        mask = (draws >= self.p).astype(x.dtype) * x.dtype.type(1.0 / (1.0 - self.p))
        if train:
            self.cache = mask
        return x * mask

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout if self.cache is None else dout * self.cache

    def describe(self) -> str:
        return f"p = {self.p:g}"


class Flatten(Layer):
    """(C, H, W, N) -> (C*H*W, N). Free in batch-last layout, and in PyTorch's (c, h, w) order."""

    kind = "Flatten"

    def forward(self, x: np.ndarray, train: bool = True) -> np.ndarray:
        self.cache = x.shape
        # (C, H, W, N) -> (C*H*W, N)
        return x.reshape(-1, x.shape[-1])

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout.reshape(self.cache)

    def output_shape(self, input_shape: Shape) -> Shape:
        return (int(np.prod(input_shape)),)


class Linear(Layer):
    """Fully connected: out = W x + b.

    Args (batch-last):
        x: (D, N). Parameters: weight (F, D) -- PyTorch's (out_features, in_features) --
        and bias (F,).
    Returns:
        out: (F, N).
    Backward: dL/dW = dout x^T, dL/db = sum over the batch of dout, dL/dx = W^T dout.
    """

    kind = "Linear"

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        rng = rng or np.random.default_rng(0)
        bound = 1.0 / np.sqrt(in_features)  # PyTorch's default init: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
        self.params["weight"] = rng.uniform(-bound, bound, (out_features, in_features)).astype(dtype)
        if bias:
            self.params["bias"] = rng.uniform(-bound, bound, out_features).astype(dtype)
        self.zero_grads()

    def forward(self, x: np.ndarray, train: bool = True) -> np.ndarray:
        if x.shape[0] != self.in_features:
            raise ValueError(f"Linear expects {self.in_features} input features, got shape {x.shape}")
        if train:
            self.cache = x
        # fd,dn->fn
        out = self.params["weight"] @ x
        if "bias" in self.params:
            out += self.params["bias"][:, None]
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        x = self.cache
        # fn,dn->fd
        np.matmul(dout, x.T, out=self.grads["weight"])
        if "bias" in self.params:
            np.sum(dout, axis=1, out=self.grads["bias"])
        if not self.needs_input_grad:
            return None
        # df,fn->dn
        return self.params["weight"].T @ dout

    def output_shape(self, input_shape: Shape) -> Shape:
        if input_shape != (self.in_features,):
            raise ValueError(f"Linear expects ({self.in_features},) per sample, got {input_shape}")
        return (self.out_features,)

    def describe(self) -> str:
        return f"{self.in_features} -> {self.out_features}" + ("" if "bias" in self.params else ", no bias")
