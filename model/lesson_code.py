"""The PyTorch code that computes what the first lessons show, with the learner's numbers.

Each function returns runnable Python that prints, one per line, the numbers its lesson part puts
on screen (``tests/test_lesson_code.py`` runs every one and compares):

    correlate1d_code   lesson 1   y, then dL/dx and dL/dw for the upstream gradient delta
    correlate2d_code   lessons 1, 3   the same in 2-D, with the stride and, for true convolution, the flip
    slide_code         lesson 2   the output, with the border mode and the padding of each side
    pooling_code       lesson 4   max and average pooling, then each one's input gradient
    cost_code          lesson 5   the multiply-adds of the three kinds of layer, from their shapes
    parameters_code    lesson 6   the network, then each layer's parameters and the total
    translation_code   lesson 11  conv1 of a moved digit against its maps moved: the cells compared,
                                  the largest difference inside them, the cells that differ outside

Numbers are float64 tensors, so the printed lists equal the engine's.
"""

from __future__ import annotations

from typing import Any, Sequence

from model.filter_code import TORCH_PAD_MODES, number_text, rows_text
from model.torch_code import pytorch_code

HEAD = "import torch\nimport torch.nn.functional as F\n\n"


def _vector(values: Sequence[float]) -> str:
    return "[" + ", ".join(number_text(v) for v in values) + "]"


def _matrix(name: str, rows: Sequence[Sequence[float]], grad: bool = False) -> str:
    flag = ", requires_grad=True" if grad else ""
    return f"{name} = torch.tensor([\n{rows_text(rows, '    ')}\n], dtype=torch.float64{flag})"


def correlate1d_code(x: Sequence[float], w: Sequence[float], pad: int, delta: Sequence[float] | None) -> str:
    grad = delta is not None
    flag = ", requires_grad=True" if grad else ""
    lines = [f"x = torch.tensor({_vector(x)}, dtype=torch.float64{flag})",
             f"w = torch.tensor({_vector(w)}, dtype=torch.float64{flag})",
             "# (L,) -> (N=1, C=1, L): conv1d is a cross-correlation (no flip)",
             f"y = F.conv1d(x[None, None], w[None, None], padding={pad})[0, 0]",
             "print(y.tolist())"]
    if grad:
        lines += [f"y.backward(torch.tensor({_vector(delta)}, dtype=torch.float64))  # delta = dL/dy",
                  "print(x.grad.tolist())  # dL/dx: delta correlated with w flipped", "print(w.grad.tolist())  # dL/dw: x correlated with delta"]
    return HEAD + "\n".join(lines) + "\n"


def correlate2d_code(x: Sequence[Sequence[float]], w: Sequence[Sequence[float]], pad: int, stride: int, flip: bool,
                     delta: Sequence[Sequence[float]] | None) -> str:
    grad = delta is not None
    kernel = "torch.flip(w, (0, 1))  # true convolution: w rotated by 180 degrees" if flip else "w"
    lines = [_matrix("x", x, grad), _matrix("w", w, grad), f"kernel = {kernel}",
             "# (H, W) -> (N=1, C=1, H, W)",
             f"y = F.conv2d(x[None, None], kernel[None, None], stride={stride}, padding={pad})[0, 0]",
             "print(y.tolist())"]
    if grad:
        if flip:
            lines.insert(3, "kernel.retain_grad()  # the lesson shows dL/d(the kernel used)")
        lines += [_matrix("delta", delta), "y.backward(delta)  # delta = dL/dy",
                  "print(x.grad.tolist())", f"print({'kernel' if flip else 'w'}.grad.tolist())"]
    return HEAD + "\n".join(lines) + "\n"


def slide_code(x: Sequence[Sequence[float]], w: Sequence[Sequence[float]], mode: str, rows: tuple[int, int],
               cols: tuple[int, int], stride: int, dilation: int) -> str:
    """``rows`` and ``cols``: the padding before and after, as the lesson computed it."""
    lines = [_matrix("x", x), _matrix("w", w), "x4 = x[None, None]  # (H, W) -> (N=1, C=1, H, W)"]
    if mode != "valid":
        lines.append(f"x4 = F.pad(x4, ({cols[0]}, {cols[1]}, {rows[0]}, {rows[1]}), mode=\"{TORCH_PAD_MODES[mode]}\")"
                     "  # (left, right, top, bottom)")
    lines += [f"y = F.conv2d(x4, w[None, None], stride={stride}, dilation={dilation})[0, 0]", "print(y.tolist())"]
    return HEAD + "\n".join(lines) + "\n"


def pooling_code(x: Sequence[Sequence[float]], kernel: int, stride: int, delta: Sequence[Sequence[float]] | None
                 ) -> str:
    grad = delta is not None
    lines = [_matrix("x", x, grad),
             f"top = F.max_pool2d(x[None, None], {kernel}, stride={stride})[0, 0]",
             f"mean = F.avg_pool2d(x[None, None], {kernel}, stride={stride})[0, 0]",
             "print(top.tolist())", "print(mean.tolist())"]
    if grad:
        lines += [_matrix("delta", delta),
                  "(dx_max,) = torch.autograd.grad(top, x, delta)  # all of delta to each window's arg-max",
                  "(dx_average,) = torch.autograd.grad(mean, x, delta)  # delta shared over each window",
                  "print(dx_max.tolist())", "print(dx_average.tolist())"]
    return HEAD + "\n".join(lines) + "\n"


def cost_code(dk: int, m: int, n: int, df: int) -> str:
    return "\n".join([
        "import torch",
        "import torch.nn as nn",
        "",
        'torch.set_default_device("meta")  # shapes only: nothing is allocated, so any size runs at once',
        f"M, N, D_K, D_F = {m}, {n}, {dk}, {df}",
        "x = torch.zeros(1, M, D_F, D_F)",
        "",
        "def macs(layer, x):",
        "    \"\"\"Multiply-adds: each output value sums C_in/groups * k * k products.\"\"\"",
        "    return layer(x).numel() * layer.weight[0].numel()",
        "",
        'depthwise = nn.Conv2d(M, M, D_K, padding="same", groups=M, bias=False)  # one kernel per channel',
        'standard = nn.Conv2d(M, N, D_K, padding="same", bias=False)  # LeNet style',
        "pointwise = nn.Conv2d(M, N, 1, bias=False)  # the 1x1 mix after the depthwise step",
        "print(macs(depthwise, x))",
        "print(macs(standard, x))",
        "print(macs(depthwise, x) + macs(pointwise, depthwise(x)))  # depthwise separable",
    ]) + "\n"


def parameters_code(specs: list[dict[str, Any]], input_shape: tuple[int, ...]) -> str:
    code = pytorch_code(specs, input_shape)
    code = code.replace("import torch.nn as nn\n\n", "import torch.nn as nn\n\n"
                        'torch.set_default_device("meta")  # counts only: no memory for the weights\n\n', 1)
    return code + "\n".join([
        "",
        "for name, layer in model.named_children():",
        "    print(name, sum(p.numel() for p in layer.parameters()))",
        "print(sum(p.numel() for p in model.parameters()))",
    ]) + "\n"


def translation_code(image: Sequence[Sequence[float]], dx: int, dy: int, weight: Any, mean: float, std: float) -> str:
    """Lesson 11: the digit and LeNet-5's conv1 (``weight``: (6, 1, 5, 5), no bias) in float64;
    conv1 of the moved digit against conv1's maps moved, and the three numbers the page states:
    the cells compared, the largest difference inside them, the cells that differ outside."""
    kernels = ",\n".join("    [[[" + "],\n      [".join(", ".join(number_text(float(v)) for v in row) for row in k[0])
                         + "]]]" for k in weight)  # (6, 1, 5, 5): one 5x5 kernel per map
    return HEAD + "\n".join([
        _matrix("pixels", image),
        f"w = torch.tensor([\n{kernels},\n], dtype=torch.float64)  # LeNet-5's conv1: (6, 1, 5, 5), no bias",
        f"dx, dy = {dx}, {dy}  # pixels right and down",
        f"mean, std = {number_text(mean)}, {number_text(std)}  # the network's input normalisation",
        "",
        "def shift(t, dx, dy):",
        "    \"\"\"(..., H, W) moved dx right and dy down, 0 where nothing comes in (nothing wraps).\"\"\"",
        "    out = torch.zeros_like(t)",
        "    h, w_ = t.shape[-2:]",
        "    out[..., max(0, dy):h + min(0, dy), max(0, dx):w_ + min(0, dx)] = \\",
        "        t[..., max(0, -dy):h + min(0, -dy), max(0, -dx):w_ + min(0, -dx)]",
        "    return out",
        "",
        "normalise = lambda p: ((p / 255 - mean) / std)[None, None]  # (28, 28) -> (N=1, C=1, 28, 28)",
        "conv1 = lambda p: F.conv2d(normalise(p), w, padding=2)  # (1, 6, 28, 28)",
        "of_shifted = conv1(shift(pixels, dx, dy))  # the moved digit's maps",
        "shifted = shift(conv1(pixels), dx, dy)  # the maps, moved",
        "field = torch.zeros(28, 28, dtype=torch.bool)",
        "field[2:26, 2:26] = True  # a cell whose 5x5 window, padding 2, reads no padding",
        "inside = field & shift(field, dx, dy)  # ... and so does the cell it comes from",
        "diff = (of_shifted - shifted).abs()[0].amax(dim=0)  # (28, 28): the largest over the 6 maps",
        "differs = diff > 1e-4 * max(1.0, shifted.abs().max().item())",
        "print(int(inside.sum()))  # cells compared",
        "print(diff[inside].max().item() if inside.any() else 0.0)  # the largest difference inside them",
        "print(int((differs & ~inside).sum()))  # cells that differ outside",
    ]) + "\n"
