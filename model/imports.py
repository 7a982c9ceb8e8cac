"""A network trained elsewhere, brought in: its weights (ours, ``.npz``, or safetensors) and its
architecture (layer specs, or the PyTorch code ``model/torch_code.py`` reads), checked key by key.

Nothing is ever unpickled: ``.npz`` is read with ``allow_pickle=False`` and safetensors is a flat
header plus raw arrays. A PyTorch ``.pt``/``.pth`` file *is* a pickle (a zip holding ``data.pkl``,
or a bare pickle stream): it is refused with ``PickleRefused``, whose message says how to export
safetensors instead.

Keys and layouts are PyTorch's ``state_dict``: conv (out, in, KH, KW), linear (out, in), batch norm
weight, bias, running_mean, running_var and num_batches_tracked. Every key is checked, and an error
names the key, the shape expected and the shape found. ``safetensors_bytes`` is the way out.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import numpy as np

from model.architecture import ArchitectureError
from model.network import META_KEY, Sequential
from model.zoo import INPUT_SHAPE, MNIST_MEAN, MNIST_STD, from_spec

PICKLE_HELP = ("a PyTorch .pt/.pth file is a pickle, which can run any code when it is opened, so convscope never "
               "opens one. Save the weights with safetensors instead: from safetensors.torch import save_file; "
               "save_file(model.state_dict(), \"weights.safetensors\")")
META_FIELD = "convscope"  # the safetensors metadata entry holding our meta as JSON


class PickleRefused(ValueError):
    """The upload is a pickle (a .pt/.pth checkpoint)."""


class ImportRefused(ValueError):
    """The weights do not fit the architecture, or the file is not one we read."""


def _is_safetensors(data: bytes) -> bool:
    """An 8-byte little-endian header length, then the JSON header."""
    return len(data) >= 10 and data[8:9] == b"{" and 8 + int.from_bytes(data[:8], "little") <= len(data)


def _is_pickle(data: bytes, filename: str) -> bool:
    if filename.lower().endswith((".pt", ".pth", ".pkl", ".pickle", ".ckpt", ".bin")):
        return True
    if _is_safetensors(data):
        return False
    if data[:1] == b"\x80" and data[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):  # a pickle's PROTO opcode
        return True
    if data[:4] == b"PK\x03\x04":  # a zip: torch.save's, unless it is an .npz of plain arrays
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return any(name.endswith(".pkl") for name in z.namelist())
    return False


def read_arrays(data: bytes, filename: str) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The arrays of an uploaded weights file and its convscope meta (empty if none)."""
    if _is_pickle(data, filename):
        raise PickleRefused(PICKLE_HELP)
    if data[:4] == b"PK\x03\x04":
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as z:
                arrays = {k: z[k] for k in z.files}
        except ValueError as exc:
            raise ImportRefused(f"the .npz holds something other than plain arrays: {exc}") from None
        meta = json.loads(str(arrays.pop(META_KEY))) if META_KEY in arrays else {}
        return arrays, meta
    from safetensors import SafetensorError
    from safetensors.numpy import load

    try:
        arrays = load(data)
        header = json.loads(data[8:8 + int.from_bytes(data[:8], "little")]) if len(data) >= 8 else {}
    except (SafetensorError, ValueError, UnicodeDecodeError) as exc:
        raise ImportRefused(f"not a safetensors or .npz file ({exc}); upload weights saved with safetensors' "
                            "save_file, or a .npz from convscope") from None
    meta = json.loads(header.get("__metadata__", {}).get(META_FIELD, "{}"))
    return arrays, meta


def network_from(arrays: dict[str, np.ndarray], meta: dict[str, Any], layers: list[dict[str, Any]] | None,
                 names: list[str] | None = None) -> Sequential:
    """Build the architecture (`layers`, else the file's own) and load the weights into it, after
    checking every key and shape. `names`: the layer names the weights' keys use, if not ours."""
    layers = layers or meta.get("layers")
    if not layers:
        raise ImportRefused("these weights do not say which network they belong to: give the architecture too "
                            "(its layers as JSON, or the PyTorch nn.Sequential code)")
    net = from_spec(tuple(meta.get("input_shape", INPUT_SHAPE)), layers)
    ours = [n for n, _ in net.layers]
    if names and names != ours:
        rename = dict(zip(names, ours))
        arrays = {rename.get(k.split(".", 1)[0], k.split(".", 1)[0]) + "." + k.split(".", 1)[1] if "." in k else k: v
                  for k, v in arrays.items()}
    expected = net.state_dict()
    missing = [k for k in expected if k not in arrays and not k.endswith("num_batches_tracked")]
    if missing:
        k = missing[0]
        raise ImportRefused(f"the weights have no {k} (expected shape {list(expected[k].shape)}); the network needs "
                            f"{len(expected)} arrays, named as PyTorch's state_dict names them: {', '.join(expected)}")
    unexpected = sorted(set(arrays) - set(expected))
    if unexpected:
        raise ImportRefused(f"the weights hold {unexpected[0]}, which this network has no place for; it expects "
                            f"{', '.join(expected)}")
    for key, target in expected.items():
        if key not in arrays:
            continue
        got = np.asarray(arrays[key])
        if target.ndim == 0 and got.shape == (1,):  # a count saved as a one-element vector
            got = got.reshape(())
        if got.shape != target.shape:
            raise ImportRefused(f"{key}: expected shape {list(target.shape)}, got {list(got.shape)}")
        if not np.all(np.isfinite(got)):
            raise ImportRefused(f"{key} holds values that are not finite numbers (NaN or infinity)")
        target[...] = got
    net.input_mean = float(meta.get("input_mean", MNIST_MEAN))
    net.input_std = float(meta.get("input_std", MNIST_STD))
    return net.train(False)


def safetensors_bytes(net: Sequential) -> bytes:
    """The weights as safetensors (PyTorch's keys and layouts), our meta in its metadata."""
    from safetensors.numpy import save

    arrays = {k: np.array(v, order="C") for k, v in net.state_dict().items()}  # (ascontiguousarray makes 0-d 1-d)
    meta = net.meta() | ({"layers": _layers_of(net)} if net.layer_specs is None else {})
    return save(arrays, metadata={META_FIELD: json.dumps(meta)})


def _layers_of(net: Sequential) -> list[dict[str, Any]]:
    from model.zoo import spec_of

    return spec_of(net)


__all__ = ["ArchitectureError", "ImportRefused", "PickleRefused", "network_from", "read_arrays", "safetensors_bytes"]
