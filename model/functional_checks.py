"""The arguments of ``model/functional.py``'s convolutions, checked in PyTorch's terms, and the
geometry they give: an int or a tuple per axis, "same" and "valid" padding, groups that divide the
channels, a kernel that fits its padded input, and the output size

    H_out = floor((H + pad_top + pad_bottom - d*(k - 1) - 1) / s) + 1          (conv1d, conv2d)
    H_out = (H - 1)*s - 2*p + d*(k - 1) + output_padding + 1                   (conv_transpose2d)

Each refusal is a ValueError that names the function, the argument and what was expected.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from model.geometry import conv_output_size

Ints = int | tuple[int, ...]
Padding = int | tuple[int, ...] | str


class Geometry(NamedTuple):
    """A 2-D convolution's settings, per axis (rows, columns)."""

    stride: tuple[int, int]
    pads: tuple[tuple[int, int], tuple[int, int]]  # ((top, bottom), (left, right)) zeros
    dilation: tuple[int, int]
    groups: int


def per_axis(value: Ints, dims: int, name: str, fn: str, minimum: int) -> tuple[int, ...]:
    """An int or a `dims`-tuple of ints, each >= minimum, as a `dims`-tuple."""
    values = (value,) * dims if isinstance(value, (int, np.integer)) else value
    if (not isinstance(values, (tuple, list)) or len(values) != dims
            or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values)):
        raise ValueError(f"{fn}: {name} must be an int or a tuple of {dims} int{'s' * (dims > 1)}, got {value!r}")
    if min(values) < minimum:
        raise ValueError(f"{fn}: {name} must be >= {minimum} along every axis, got {value!r}")
    return tuple(int(v) for v in values)


def check_arrays(fn: str, input: np.ndarray, weight: np.ndarray, x_letters: str, w_letters: str) -> None:
    for name, array, letters in (("input", input, x_letters), ("weight", weight, w_letters)):
        if not isinstance(array, np.ndarray) or array.ndim != len(letters.split(", ")):
            shape = getattr(array, "shape", type(array).__name__)
            raise ValueError(f"{fn}: {name} must be a NumPy array of shape ({letters}), got {shape}")


def _check_bias(fn: str, bias: np.ndarray | None, c_out: int) -> None:
    if bias is not None and (not isinstance(bias, np.ndarray) or bias.shape != (c_out,)):
        raise ValueError(f"{fn}: bias must have shape (C_out,) = ({c_out},), one number per output channel, "
                         f"got {getattr(bias, 'shape', bias)}")


def _check_groups(fn: str, groups: int, channels: int, what: str) -> None:
    if not isinstance(groups, (int, np.integer)) or isinstance(groups, bool) or groups < 1:
        raise ValueError(f"{fn}: groups must be an int >= 1, got {groups!r}")
    if channels % groups:
        raise ValueError(f"{fn}: {what} = {channels} cannot be cut into groups={groups} equal groups: "
                         f"{what.split(' ')[0]} must be divisible by groups")


def _conv_padding(fn: str, padding: Padding, kernel: tuple[int, ...], stride: tuple[int, ...],
                  dilation: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    """(before, after) zeros per axis. "valid" is none; "same" keeps the size at stride 1 with
    d*(k-1) zeros in all, the odd one after (bottom/right), as PyTorch does."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * len(kernel)
        if padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError(f"{fn}: padding='same' keeps the input size only at stride 1 (PyTorch refuses "
                                 f"it too), got stride={stride}; give the padding as an int instead")
            return tuple((d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for k, d in zip(kernel, dilation))
        raise ValueError(f"{fn}: padding must be an int, a tuple of ints, 'same' or 'valid', got {padding!r}")
    return tuple((p, p) for p in per_axis(padding, len(kernel), "padding", fn, 0))


def conv_setup(fn: str, input: np.ndarray, weight: np.ndarray, bias: np.ndarray | None, stride: Ints,
                padding: Padding, dilation: Ints, groups: int) -> tuple[Geometry, tuple[int, int]]:
    """Check a conv1d/conv2d call; return its 2-D geometry and (OH, OW) (a signal is one row high)."""
    axes = "L" if fn.startswith("conv1d") else "H, W"
    kernel_letters = "K" if axes == "L" else "kH, kW"
    check_arrays(fn, input, weight, f"N, C_in, {axes}", f"C_out, C_in/groups, {kernel_letters}")
    c_in, (c_out, per_group) = input.shape[1], weight.shape[:2]
    _check_bias(fn, bias, c_out)
    _check_groups(fn, groups, c_in, "in_channels (input.shape[1])")
    _check_groups(fn, groups, c_out, "out_channels (weight.shape[0])")
    if per_group * groups != c_in:
        raise ValueError(f"{fn}: weight must have shape (C_out, C_in/groups, {kernel_letters}) with C_in/groups = "
                         f"{c_in}/{groups} = {c_in // groups}: each filter sees one group of the input's channels; "
                         f"got weight.shape = {weight.shape}")
    dims, kernel = len(axes.split(", ")), weight.shape[2:]
    stride, dilation = per_axis(stride, dims, "stride", fn, 1), per_axis(dilation, dims, "dilation", fn, 1)
    pads = _conv_padding(fn, padding, kernel, stride, dilation)
    for letter, n, k, (before, after), d in zip(axes.split(", "), input.shape[2:], kernel, pads, dilation):
        if n + before + after < d * (k - 1) + 1:
            raise ValueError(f"{fn}: the kernel spans d*(k-1)+1 = {d * (k - 1) + 1} cells along {letter} (k={k}, "
                             f"dilation={d}), more than the padded input's {n} + {before} + {after} = "
                             f"{n + before + after}: use a larger input, a smaller kernel or dilation, or more padding")
    if dims == 1:  # (N, C, L) as (N, C, 1, L): one row, unit stride and dilation along it, no padding
        stride, pads, dilation = (1, *stride), ((0, 0), *pads), (1, *dilation)
    size, kernel = (input.shape[2:], kernel) if dims == 2 else ((1, *input.shape[2:]), (1, *kernel))
    out_hw = tuple(conv_output_size(n, k, s, p, d) for n, k, s, p, d in zip(size, kernel, stride, pads, dilation))
    return Geometry(stride, pads, dilation, int(groups)), out_hw


def check_grad_out(fn: str, grad_out: np.ndarray, expected: tuple[int, ...]) -> None:
    if getattr(grad_out, "shape", None) != expected:
        raise ValueError(f"{fn}: grad_out must have the shape of the forward's output, {expected}, "
                         f"got {getattr(grad_out, 'shape', grad_out)}")


def transposed_setup(fn: str, input: np.ndarray, weight: np.ndarray, bias: np.ndarray | None, stride: Ints,
                      padding: Ints, output_padding: Ints, groups: int, dilation: Ints
                      ) -> tuple[Geometry, tuple[int, int, int, int]]:
    """Check a conv_transpose2d call; return its geometry and the output shape (N, C_out, H_out, W_out)."""
    check_arrays(fn, input, weight, "N, C_in, H, W", "C_in, C_out/groups, kH, kW")
    n, c_in, h, w = input.shape
    if weight.shape[0] != c_in:
        raise ValueError(f"{fn}: weight must have shape (C_in, C_out/groups, kH, kW) with C_in = {c_in}, the input's "
                         f"channels (input channels first: the reverse of conv2d's weight); got {weight.shape}")
    _check_groups(fn, groups, c_in, "in_channels (input.shape[1])")
    c_out = weight.shape[1] * groups
    _check_bias(fn, bias, c_out)
    if isinstance(padding, str):
        raise ValueError(f"{fn}: padding must be an int or (pH, pW); conv_transpose2d has no 'same' or 'valid' "
                         f"(nor has PyTorch's), got {padding!r}")
    stride, dilation = per_axis(stride, 2, "stride", fn, 1), per_axis(dilation, 2, "dilation", fn, 1)
    pad, extra = per_axis(padding, 2, "padding", fn, 0), per_axis(output_padding, 2, "output_padding", fn, 0)
    out_hw = []
    for letter, size, k, s, p, op, d in zip("HW", (h, w), weight.shape[2:], stride, pad, extra, dilation):
        if not (op < s or op < d):
            raise ValueError(f"{fn}: output_padding must be smaller than stride or dilation (it only chooses among "
                             f"the output sizes that conv2d maps back to the same input size), got output_padding="
                             f"{output_padding}, stride={stride}, dilation={dilation}")
        out_hw.append((size - 1) * s - 2 * p + d * (k - 1) + op + 1)
        if out_hw[-1] < 1:
            raise ValueError(f"{fn}: {letter}_out = ({letter} - 1)*stride - 2*padding + dilation*(k - 1) + "
                             f"output_padding + 1 = {out_hw[-1]} < 1: padding={padding} crops away the whole output")
    return Geometry(stride, tuple((p, p) for p in pad), dilation, int(groups)), (n, c_out, *out_hw)
