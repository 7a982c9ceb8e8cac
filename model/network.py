"""A sequential container of named layers, with its summary and its ``.npz`` save/load.

Saved weights follow PyTorch's ``state_dict`` names and layouts (``conv1.weight`` (6, 1, 5, 5),
``fc1.weight`` (120, 400), ``fc1.bias`` (120,), ...). The file also holds one extra entry,
``__meta__``: a JSON string with the architecture's name and the input normalisation, so the
model and the way its inputs were scaled travel together. To load into ``torch.nn``::

    state = {k: torch.from_numpy(v) for k, v in np.load(path).items() if k != "__meta__"}
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from model.data_parallel import SplitPass, multiply_adds_per_image, should_split
from model.layers import Layer, ReLU, Shape
from model.layout import to_batch_first, to_batch_last
from model.pooling import MaxPool2d

META_KEY = "__meta__"


@dataclass(frozen=True)
class LayerInfo:
    name: str
    kind: str
    description: str
    output_shape: Shape  # per sample: (C, H, W) or (D,)
    params: int


class Sequential:
    """Layers applied in order. ``forward``/``backward`` work batch-last; ``predict`` takes NCHW."""

    def __init__(self, layers: list[tuple[str, Layer]], input_shape: Shape, architecture: str = "custom",
                 input_mean: float = 0.0, input_std: float = 1.0) -> None:
        names = [name for name, _ in layers]
        if len(set(names)) != len(names):
            raise ValueError(f"layer names must be unique, got {names}")
        self.layers = layers
        self.input_shape = tuple(input_shape)
        self.architecture = architecture
        self.input_mean, self.input_std = float(input_mean), float(input_std)
        self.layer_specs: list[dict[str, Any]] | None = None  # a described network's layers (model.zoo.from_spec)
        if layers:
            layers[0][1].needs_input_grad = False
        self.summary()  # validates that the shapes chain
        self._order = execution_order(layers)
        self._split: Any = None  # the last training forward's SplitPass or helper, if it split the batch
        self.helper: Any = None  # a model.helper_process.HelperProcess while one is attached (``helping``)
        self._multiply_adds = multiply_adds_per_image([layer for _, layer in layers], self.input_shape)

    def __getitem__(self, name: str) -> Layer:
        for n, layer in self.layers:
            if n == name:
                return layer
        raise KeyError(f"no layer named {name!r}; layers: {', '.join(n for n, _ in self.layers)}")

    # ---- maths ---------------------------------------------------------------------------
    def forward(self, x: np.ndarray, train: bool = True) -> np.ndarray:
        """x: batch-last (C, H, W, N) or (D, N), already normalised. Returns logits (K, N).

        On two engine threads, each half of a big enough batch runs on its own core: in a helper
        process while one is attached (``model/helper_process.py``), else on the worker thread
        (``model/data_parallel.py``).
        """
        self._split = None
        if train and self.helper is not None and self.helper.takes(x):
            out = self.helper.forward(x, train)
            self._split = self.helper
            return out
        if should_split(x.shape[-1], self._multiply_adds):
            split = SplitPass(self._order, x.shape[-1])
            out = split.forward(x, train)
            self._split = split if train else None
            return out
        for layer in self._order:
            x = layer.forward(x, train)
        return x

    def backward(self, dout: np.ndarray) -> None:
        """Back-propagates dL/dlogits (K, N), leaving every parameter's gradient in ``layer.grads``."""
        if self._split is not None:
            self._split.backward(dout)
            return
        for layer in reversed(self._order):
            dout = layer.backward(dout)
            if dout is None:
                break

    def normalize(self, images: np.ndarray) -> np.ndarray:
        """Pixels in 0..255 (any shape) -> (pixels/255 - mean) / std, in the parameters' dtype
        (float32; float64 for a network built in float64, as the gradient checks are)."""
        dtype = next((p.dtype.type for _, layer in self.layers for p in layer.params.values()), np.float32)
        scale = dtype(1.0 / (255.0 * self.input_std))
        return images.astype(dtype) * scale - dtype(self.input_mean / self.input_std)

    def to_input(self, images: np.ndarray) -> np.ndarray:
        """Raw pixels (N, H, W) or (N, C, H, W), 0..255 -> normalised batch-last input."""
        x = self.normalize(images)
        x = x.reshape((x.shape[0], *self.input_shape)) if len(self.input_shape) == 3 else x.reshape(x.shape[0], -1)
        return to_batch_last(x)

    def predict_logits(self, images: np.ndarray, batch_size: int = 128) -> np.ndarray:
        """Raw pixels (N, H, W) or (N, C, H, W) in 0..255 -> logits (N, K), in evaluation mode."""
        with self.evaluating():
            chunks = [self.forward(self.to_input(images[i:i + batch_size]), train=False)
                      for i in range(0, len(images), batch_size)]
        return to_batch_first(np.concatenate(chunks, axis=1))

    def activations(self, images: np.ndarray) -> dict[str, np.ndarray]:
        """Every layer's output for raw pixels (N, ...) -> {name: (N, C, H, W) or (N, D)}, in
        evaluation mode."""
        x = self.to_input(images)
        out: dict[str, np.ndarray] = {}
        with self.evaluating():
            for name, layer in self.layers:
                x = layer.forward(x, train=False)
                out[name] = to_batch_first(x)
        return out

    def train(self, mode: bool = True) -> "Sequential":
        """Every layer behaves as in training (``mode``) or in evaluation: dropout's mask and batch
        norm's batch statistics are used only in training. Returns the network."""
        for _, layer in self.layers:
            layer.training = mode
        return self

    @contextmanager
    def evaluating(self) -> Iterator["Sequential"]:
        """In evaluation mode for the block, then back to each layer's own mode."""
        modes = [layer.training for _, layer in self.layers]
        self.train(False)
        try:
            yield self
        finally:
            for (_, layer), mode in zip(self.layers, modes):
                layer.training = mode

    # ---- parameters ----------------------------------------------------------------------
    def parameters(self) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """(qualified name, value, gradient) for every parameter, e.g. ('conv1.weight', w, dw)."""
        return [(f"{lname}.{pname}", p, layer.grads[pname])
                for lname, layer in self.layers for pname, p in layer.params.items()]

    def num_params(self) -> int:
        return sum(layer.num_params() for _, layer in self.layers)

    def summary(self) -> list[LayerInfo]:
        shape: Shape = self.input_shape
        rows = []
        for name, layer in self.layers:
            shape = layer.output_shape(shape)
            rows.append(LayerInfo(name, layer.kind, layer.describe(), shape, layer.num_params()))
        return rows

    def state_dict(self) -> dict[str, np.ndarray]:
        """Parameters and buffers by PyTorch's names (the arrays themselves, not copies)."""
        buffers = {f"{lname}.{bname}": b for lname, layer in self.layers for bname, b in layer.buffers.items()}
        return {name: value for name, value, _ in self.parameters()} | buffers

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        own = self.state_dict()
        missing, unexpected = own.keys() - state.keys(), state.keys() - own.keys() - {META_KEY}
        if missing or unexpected:
            raise ValueError(f"weights do not fit {self.architecture}: missing {sorted(missing)}, "
                             f"unexpected {sorted(unexpected)}")
        for key, target in own.items():
            if state[key].shape != target.shape:
                raise ValueError(f"{key}: expected shape {target.shape}, got {state[key].shape}")
            target[...] = state[key]

    def meta(self) -> dict[str, Any]:
        described = {"layers": self.layer_specs} if self.layer_specs is not None else {}
        return {"architecture": self.architecture, "input_shape": list(self.input_shape),
                "input_mean": self.input_mean, "input_std": self.input_std} | described

    def save(self, path: str | Path, extra_meta: dict[str, Any] | None = None, durable: bool = True) -> None:
        """Writes the weights to ``path`` atomically: a temporary file in the same folder, then a rename."""
        arrays = dict(self.state_dict())
        arrays[META_KEY] = np.array(json.dumps(self.meta() | (extra_meta or {})))
        atomic_savez(path, arrays, durable)


def execution_order(layers: list[tuple[str, Layer]]) -> list[Layer]:
    """The order ``forward`` runs the layers in: as listed, except that a ReLU followed by a
    max-pool runs *after* it.

    The two commute -- max(relu(a), relu(b)) = relu(max(a, b)) since ReLU never reorders
    values -- and the gradients agree too (with the first-arg-max rule, a window whose maximum is
    positive routes to the same pixel either way; one whose maximum is <= 0 gets no gradient
    either way). Pooling first rectifies a quarter of the values. ``activations`` still runs the
    layers as listed, so a learner sees relu1's full-size output.
    """
    order = [layer for _, layer in layers]
    for i in range(len(order) - 1):
        if type(order[i]) is ReLU and type(order[i + 1]) is MaxPool2d:
            order[i], order[i + 1] = order[i + 1], order[i]
    return order


def atomic_savez(path: str | Path, arrays: dict[str, np.ndarray], durable: bool = True) -> None:
    """np.savez to a temporary file beside ``path``, fsync (unless not ``durable``: a snapshot a crash
    may lose), then os.replace: a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes files private (0600); weights are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_weights(path: str | Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Reads an ``.npz`` saved by ``Sequential.save`` -> (state_dict, meta). Never unpickles."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as exc:
        raise ValueError(f"{path}: not a readable weights file ({exc})") from exc
    meta = json.loads(str(arrays.pop(META_KEY))) if META_KEY in arrays else {}
    return arrays, meta
