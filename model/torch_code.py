"""A described network as the PyTorch code that builds it, and that code read back, without running it.

    pytorch_code(specs)  ->  import torch.nn as nn; model = nn.Sequential(OrderedDict([
                                 ("conv1", nn.Conv2d(1, 6, kernel_size=5, padding=2, bias=False)), ...]))

The layer names are ours (conv1, bn1, pool1, fc1, ...), so ``model.state_dict()`` has the keys our
weights files have, and a model trained in PyTorch and saved with safetensors loads here as it is.

``layers_from_code(text)`` reads such code back into layer specs with Python's own parser
(``ast``): it walks the ``nn.<Layer>(...)`` calls and reads their literal arguments; nothing is
executed or imported, so uploaded code can only describe a network, never run. One PyTorch
layer maps to one of ours:

    Conv2d(in, out, kernel_size, stride, padding, dilation, bias)  conv   (square kernels, one padding)
    MaxPool2d / AvgPool2d(kernel_size, stride)                     maxpool / avgpool
    BatchNorm2d(C) / BatchNorm1d(C)                                batchnorm
    ReLU(), Tanh(), Sigmoid(), Flatten(), Dropout(p)               relu, tanh, sigmoid, flatten, dropout
    Linear(in, out, bias)                                          linear
    ScaledTanh()  (the class the code defines: 1.7159 tanh(2x/3))  tanh with lecun
"""

from __future__ import annotations

import ast
from typing import Any

from model.architecture import ArchitectureError, plan

SCALED_TANH = '''class ScaledTanh(nn.Module):
    """LeCun's scaled tanh, 1.7159 tanh(2x/3), as LeNet-5 had it in 1998."""

    def forward(self, x):
        return 1.7159 * torch.tanh(x * (2.0 / 3.0))


'''


def _call(spec: dict[str, Any], shape: tuple[int, ...]) -> str:
    kind = spec["kind"]
    if kind == "conv":
        defaults = {"stride": 1, "padding": 0, "dilation": 1}
        extra = "".join(f", {k}={spec[k]}" for k, default in defaults.items() if spec.get(k) not in (None, default))
        bias = "" if spec.get("bias", True) else ", bias=False"
        return f"nn.Conv2d({shape[0]}, {spec['channels']}, kernel_size={spec['kernel']}{extra}{bias})"
    if kind in ("maxpool", "avgpool"):
        stride = f", stride={spec['stride']}" if spec.get("stride") else ""
        return f"nn.{'MaxPool2d' if kind == 'maxpool' else 'AvgPool2d'}(kernel_size={spec['kernel']}{stride})"
    if kind == "linear":
        bias = "" if spec.get("bias", True) else ", bias=False"
        return f"nn.Linear({shape[0]}, {spec['features']}{bias})"
    if kind == "batchnorm":
        return f"nn.BatchNorm{'2' if len(shape) == 3 else '1'}d({shape[0]})"
    if kind == "dropout":
        return f"nn.Dropout(p={spec.get('p', 0.5):g})"
    if kind == "tanh" and spec.get("lecun"):
        return "ScaledTanh()"
    return {"relu": "nn.ReLU()", "tanh": "nn.Tanh()", "sigmoid": "nn.Sigmoid()", "flatten": "nn.Flatten()"}[kind]


def pytorch_code(specs: list[dict[str, Any]], input_shape: tuple[int, ...] = (1, 28, 28)) -> str:
    """Runnable PyTorch code for the network, with our layer names (its state_dict keys are ours)."""
    rows = plan(input_shape, specs)
    shapes = [input_shape] + [row.output_shape for row in rows[:-1]]
    lines = [f'    ("{row.name}", {_call(spec, shape)}),' for row, spec, shape in zip(rows, specs, shapes)]
    scaled = any(s["kind"] == "tanh" and s.get("lecun") for s in specs)
    return ("# Exported by convscope. Inputs: (N, 1, 28, 28) pixels scaled as (x / 255 - mean) / std.\n"
            "from collections import OrderedDict\n\nimport torch\nimport torch.nn as nn\n\n"
            + (SCALED_TANH if scaled else "")
            + "model = nn.Sequential(OrderedDict([\n" + "\n".join(lines) + "\n]))\n")


def _literal(node: ast.AST, where: str) -> Any:
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise ArchitectureError(f"{where}: only plain numbers and True/False can be read here") from None


def _square(value: Any, name: str, where: str) -> int:
    if isinstance(value, tuple):
        if len(set(value)) != 1:
            raise ArchitectureError(f"{where}: only square {name}s can be built here, got {value}")
        value = value[0]
    return value


def _spec(name: str, args: list[Any], kw: dict[str, Any], where: str) -> dict[str, Any]:
    """One nn.<name>(...) call -> our layer spec."""
    def arg(i: int, key: str, default: Any = None) -> Any:
        return kw.get(key, args[i] if i < len(args) else default)

    if name == "Conv2d":
        spec = {"kind": "conv", "channels": arg(1, "out_channels"), "kernel": _square(arg(2, "kernel_size"), "kernel", where),
                "stride": _square(arg(3, "stride", 1), "stride", where),
                "padding": _square(arg(4, "padding", 0), "padding", where),
                "dilation": _square(arg(5, "dilation", 1), "dilation", where), "bias": bool(arg(7, "bias", True))}
        return {k: v for k, v in spec.items() if v is not None}
    if name in ("MaxPool2d", "AvgPool2d"):
        stride = arg(1, "stride")
        return {"kind": name[:3].lower() + "pool", "kernel": _square(arg(0, "kernel_size"), "kernel", where)} | (
            {"stride": _square(stride, "stride", where)} if stride is not None else {})
    if name == "Linear":
        return {"kind": "linear", "features": arg(1, "out_features"), "bias": bool(arg(2, "bias", True))}
    if name in ("BatchNorm2d", "BatchNorm1d"):
        return {"kind": "batchnorm"}
    if name == "Dropout":
        return {"kind": "dropout", "p": float(arg(0, "p", 0.5))}
    if name == "ScaledTanh":
        return {"kind": "tanh", "lecun": True}
    simple = {"ReLU": "relu", "Tanh": "tanh", "Sigmoid": "sigmoid", "Flatten": "flatten"}
    if name in simple:
        return {"kind": simple[name]}
    raise ArchitectureError(f"{where}: nn.{name} is not a layer convscope can build; it builds Conv2d, MaxPool2d, "
                            "AvgPool2d, BatchNorm2d, BatchNorm1d, ReLU, Tanh, Sigmoid, Dropout, Flatten and Linear")


def layers_from_code(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The layers of the first ``nn.Sequential(...)`` in `text` -> (specs, names). The names are those
    of ``OrderedDict([("name", layer), ...])`` when given, else PyTorch's "0", "1", ... (its
    state_dict keys then read "0.weight"). Raises ArchitectureError."""
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise ArchitectureError(f"the code is not valid Python (line {exc.lineno}: {exc.msg})") from None
    sequential = next((n for n in ast.walk(tree) if isinstance(n, ast.Call) and _name(n.func) == "Sequential"), None)
    if sequential is None:
        raise ArchitectureError("no nn.Sequential(...) found in the code")
    items: list[tuple[str | None, ast.Call]] = []
    for node in sequential.args:
        if isinstance(node, ast.Call) and _name(node.func) == "OrderedDict" and node.args:
            pairs = node.args[0].elts if isinstance(node.args[0], (ast.List, ast.Tuple)) else []
            for pair in pairs:
                if isinstance(pair, ast.Tuple) and len(pair.elts) == 2 and isinstance(pair.elts[1], ast.Call):
                    items.append((_literal(pair.elts[0], "a layer's name"), pair.elts[1]))
        elif isinstance(node, ast.Call):
            items.append((None, node))
    if not items:
        raise ArchitectureError("the nn.Sequential(...) holds no layers")
    specs = []
    for i, (label, call) in enumerate(items):
        where = f"layer {i + 1} ({label or _name(call.func)})"
        args = [_literal(a, where) for a in call.args]
        kw = {k.arg: _literal(k.value, where) for k in call.keywords if k.arg}
        specs.append(_spec(_name(call.func), args, kw, where))
    given = [label for label, _ in items]
    return specs, given if all(given) else [str(i) for i in range(len(items))]  # PyTorch's own names: 0, 1, ...


def _name(func: ast.AST) -> str:
    """nn.Conv2d -> "Conv2d"; torch.nn.Conv2d -> "Conv2d"; Conv2d -> "Conv2d"."""
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
