"""The transposed convolution of one small grid, as its lesson shows it.

Read forward, a transposed convolution *stamps*: input cell (i, j) adds x[i, j] times the whole
kernel onto the output, with its top-left corner at (i*s - p, j*s - p). Stamps `s` cells apart
overlap where the kernel is wider than the stride, and overlapping stamps add:

    y[a, b] = sum over (i, j, u, v) with i*s - p + u = a and j*s - p + v = b of x[i, j] * w[u, v]
    H_out = (H - 1)*s - 2p + (k - 1) + output_padding + 1

It is what it is named after: the gradient of a convolution with respect to its input. The
convolution with the same kernel, stride and padding maps an H_out x W_out image to H x W; send
delta = x back through it and dL/dinput is exactly y (``model/functional.py``). The lesson
shows both, computed two ways, and how many stamps reach each output cell: where k is not a
multiple of s, neighbouring cells get different numbers of stamps -- the checkerboard that
transposed convolutions leave in generated images.

Each stamp's partial sum comes from the plain loops of ``model/functional_reference.py``; the
whole output from the engine's ``conv_transpose2d``; tests check one against the other and both
against PyTorch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.filter_code import rows_text
from model.functional import conv2d_backward, conv_transpose2d
from model.functional_reference import conv_transpose2d_stamp_loops

#: The lesson's ranges, the one source of truth for its API and its page.
MAX_INPUT = 6  # rows and columns of x
MAX_KERNEL = 4  # rows and columns of w
MAX_STRIDE = 3


@dataclass(frozen=True)
class Transposed:
    output: np.ndarray  # (H_out, W_out): the engine's conv_transpose2d
    partial: np.ndarray  # (H*W, H_out, W_out): the output after stamping input cells 0..t in reading order
    stamps: np.ndarray  # (H_out, W_out): how many stamps reach each output cell
    gradient: np.ndarray  # (H_out, W_out): dL/dinput of conv2d(input, w) at delta = x
    code: str  # PyTorch that prints the output


def check_geometry(h: int, w: int, k: tuple[int, int], stride: int, padding: int, output_padding: int) -> None:
    """The lesson's rules, in the learner's words (PyTorch's own, for the last two)."""
    if not 0 <= output_padding < stride:
        raise ValueError(f"output_padding must be smaller than the stride ({stride}): it only picks one of the "
                         f"{stride} output sizes that the convolution maps back to {h}x{w}; got {output_padding}")
    for letter, size, kk in (("rows", h, k[0]), ("columns", w, k[1])):
        if (size - 1) * stride - 2 * padding + kk + output_padding < 1:
            raise ValueError(f"padding {padding} crops away every output {letter[:-1]}: the output would have "
                             f"({size} - 1)*{stride} - 2*{padding} + ({kk} - 1) + {output_padding} + 1 = "
                             f"{(size - 1) * stride - 2 * padding + kk + output_padding} {letter}")


def transpose_grid(x: np.ndarray, w: np.ndarray, stride: int, padding: int = 0, output_padding: int = 0
                   ) -> Transposed:
    """Everything the lesson shows about conv_transpose2d(x, w) of the (H, W) grid x and (kH, kW) kernel w."""
    h, wd = x.shape
    check_geometry(h, wd, w.shape, stride, padding, output_padding)
    args = {"stride": stride, "padding": padding}
    # (H, W) -> (N=1, C=1, H, W); (kH, kW) -> (C_in=1, C_out=1, kH, kW)
    x4, w4 = x[None, None], w[None, None]
    output = conv_transpose2d(x4, w4, output_padding=output_padding, **args)[0, 0]
    partial, so_far = [], np.zeros_like(x4)
    for i, j in np.ndindex(h, wd):  # stamp one more input cell each step
        so_far[0, 0, i, j] = x[i, j]
        partial.append(conv_transpose2d_stamp_loops(so_far, w4, output_padding=output_padding, **args)[0, 0])
    stamps = conv_transpose2d_stamp_loops(np.ones_like(x4), np.ones_like(w4), output_padding=output_padding,
                                          **args)[0, 0]
    # conv2d(input (1, 1, H_out, W_out), w) is H x W; its input-gradient at delta = x is the output above
    gradient = conv2d_backward(x4, np.zeros((1, 1) + output.shape), w4, **args)[0][0, 0]
    return Transposed(output, np.array(partial), stamps.astype(np.int64), gradient,
                      torch_code(x, w, stride, padding, output_padding))


def torch_code(x: np.ndarray, w: np.ndarray, stride: int, padding: int, output_padding: int) -> str:
    """Runnable PyTorch that prints what the lesson shows, with its numbers."""
    options = [f"stride={stride}"] + [f"{name}={value}" for name, value in
                                      (("padding", padding), ("output_padding", output_padding)) if value]
    return "\n".join([
        "import torch",
        "import torch.nn.functional as F",
        "",
        "x = torch.tensor([", rows_text(x.tolist(), "    "), "], dtype=torch.float64)[None, None]  # (N, C_in, H, W)",
        "w = torch.tensor([", rows_text(w.tolist(), "    "),
        "], dtype=torch.float64)[None, None]  # (C_in, C_out, kH, kW): input channels first",
        f"y = F.conv_transpose2d(x, w, {', '.join(options)})[0, 0]",
        "print(y)",
        "",
        "# The same numbers as the gradient of the convolution it transposes:",
        "y_in = torch.zeros(1, 1, *y.shape, dtype=torch.float64, requires_grad=True)",
        f"F.conv2d(y_in, w, {', '.join(options[:2] if padding else options[:1])}).backward(x)",
        "print(y_in.grad[0, 0])",
    ]) + "\n"
