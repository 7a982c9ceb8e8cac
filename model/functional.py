"""Convolutions as functions with ``torch.nn.functional``'s names and semantics, each with a backward.

    conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)          (N, C, L)
    conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)          (N, C, H, W)
    conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1)
    causal_conv1d(input, weight, bias=None, dilation=1)
    <name>_backward(grad_out, input, weight, bias=None, <the same arguments>) -> (grad_input, grad_weight, grad_bias)

Arrays are batch-first here, as in PyTorch (the engine's layers keep the batch last, see
``model/layout.py``). Weights keep PyTorch's layouts: conv (C_out, C_in/G, kH, kW), transposed conv
(C_in, C_out/G, kH, kW). With G = groups, the input channels and the filters are cut into G equal
groups, and filter group g sees only channel group g: groups=1 is LeNet's convolution, groups=C_in
the image editor's depthwise one.

Everything is three primitives on (N, C, H, W); a 1-D signal is an image one row high:

    _correlate    out[n, f, i, j] = sum_{c, u, v} w[f, c, u, v] * xpad[n, g*C/G + c, i*sh + u*dh, j*sw + v*dw]
    _weight_grad  dW[f, c, u, v]  = sum_{n, i, j} delta[n, f, i, j] * xpad[n, g*C/G + c, i*sh + u*dh, j*sw + v*dw]
    _input_grad   dX: every column W^T delta added back onto the window it was read from (col2im)

with g = f // (F/G) the filter's group. The transposed convolution *is* ``_input_grad``.
``model/functional_reference.py`` computes every function here one number at a time.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from model.geometry import conv_output_size

Ints = int | tuple[int, ...]
Padding = int | tuple[int, ...] | str
Grads = tuple[np.ndarray, np.ndarray, np.ndarray | None]


class Geometry(NamedTuple):
    """A 2-D convolution's settings, per axis (rows, columns)."""

    stride: tuple[int, int]
    pads: tuple[tuple[int, int], tuple[int, int]]  # ((top, bottom), (left, right)) zeros
    dilation: tuple[int, int]
    groups: int


# --- the three primitives ---------------------------------------------------------------------------

def _im2col(x: np.ndarray, kernel: tuple[int, int], geo: Geometry, out_hw: tuple[int, int]) -> np.ndarray:
    """Every receptive field as a column, per group: x (N, C, H, W), unpadded -> cols (N, G, K, P),
    K = C/G*KH*KW, P = OH*OW, cols[n, g, (c, u, v), (i, j)] = xpad[n, g*C/G + c, i*sh + u*dh, j*sw + v*dw]."""
    (kh, kw), (sh, sw), (dh, dw), (oh, ow), g = kernel, geo.stride, geo.dilation, out_hw, geo.groups
    n, c = x.shape[:2]
    xpad = np.pad(x, ((0, 0), (0, 0), *geo.pads))
    # every (dh*(KH-1)+1) x (dw*(KW-1)+1) patch, a view: (N, C, Hp - span_h + 1, Wp - span_w + 1, span_h, span_w)
    patches = sliding_window_view(xpad, (dh * (kh - 1) + 1, dw * (kw - 1) + 1), axis=(2, 3))
    # every s-th patch, every d-th tap of it, still a view: (N, C, OH, OW, KH, KW)
    win = patches[:, :, :(oh - 1) * sh + 1:sh, :(ow - 1) * sw + 1:sw, ::dh, ::dw]
    # (N, C, OH, OW, KH, KW) -> (N, G, C/G, OH, OW, KH, KW) -> (N, G, C/G, KH, KW, OH, OW) -> (N, G, K, P), one copy
    win = win.reshape(n, g, c // g, oh, ow, kh, kw).transpose(0, 1, 2, 5, 6, 3, 4)
    return win.reshape(n, g, (c // g) * kh * kw, oh * ow)


def _correlate(x: np.ndarray, weight: np.ndarray, geo: Geometry, out_hw: tuple[int, int]) -> np.ndarray:
    """x (N, C, H, W), weight (F, C/G, KH, KW) -> (N, F, OH, OW), no bias. One product per group."""
    f, g = weight.shape[0], geo.groups
    cols = _im2col(x, weight.shape[2:], geo, out_hw)  # (N, G, K, P)
    # (F, C/G, KH, KW) -> (G, F/G, K);  gfk,ngkp->ngfp
    out = weight.reshape(g, f // g, -1) @ cols
    # (N, G, F/G, OH*OW) -> (N, F, OH, OW), free
    return out.reshape(x.shape[0], f, *out_hw)


def _weight_grad(x: np.ndarray, delta: np.ndarray, kernel: tuple[int, int], geo: Geometry) -> np.ndarray:
    """dW = X * delta: x (N, C, H, W), delta (N, F, OH, OW) -> (F, C/G, KH, KW)."""
    n, f, oh, ow = delta.shape
    cols = _im2col(x, kernel, geo, (oh, ow))  # (N, G, K, P)
    # (N, F, OH, OW) -> (N, G, F/G, P);  ngfp,ngkp->gfk (the product per image, then the sum over images)
    d = delta.reshape(n, geo.groups, f // geo.groups, oh * ow)
    return (d @ cols.swapaxes(2, 3)).sum(axis=0).reshape(f, -1, *kernel)


def _input_grad(delta: np.ndarray, weight: np.ndarray, x_shape: tuple[int, ...], geo: Geometry) -> np.ndarray:
    """dX: delta (N, F, OH, OW), weight (F, C/G, KH, KW) -> (N, C, H, W) for x_shape (N, C, H, W).

    dcols = W^T delta holds, for every window, what each of its taps owes its input pixel; col2im
    adds tap (u, v) of window (i, j) back onto xpad[.., i*sh + u*dh, j*sw + v*dw], then the padding
    is cut off. (The tutorial's "full correlation of delta with rot180(W)" gives the same numbers.)
    """
    n, f, oh, ow = delta.shape
    _, c, h, w = x_shape
    g, (kh, kw), (sh, sw), (dh, dw) = geo.groups, weight.shape[2:], geo.stride, geo.dilation
    # (N, F, OH, OW) -> (N, G, F/G, P);  (F, C/G, KH, KW) -> (G, K, F/G);  gkf,ngfp->ngkp
    dcols = weight.reshape(g, f // g, -1).swapaxes(1, 2) @ delta.reshape(n, g, f // g, oh * ow)
    # (N, G, C/G*KH*KW, OH*OW) -> (N, C, KH, KW, OH, OW)
    dcols = dcols.reshape(n, c, kh, kw, oh, ow)
    (top, bottom), (left, right) = geo.pads
    dxpad = np.zeros((n, c, top + h + bottom, left + w + right), dtype=dcols.dtype)
    for u in range(kh):
        for v in range(kw):
            dxpad[:, :, u * dh:u * dh + (oh - 1) * sh + 1:sh, v * dw:v * dw + (ow - 1) * sw + 1:sw] += dcols[:, :, u, v]
    return np.ascontiguousarray(dxpad[:, :, top:top + h, left:left + w])


# --- checking the arguments, in PyTorch's terms --------------------------------------------------------

def _ints(value: Ints, dims: int, name: str, fn: str, minimum: int) -> tuple[int, ...]:
    """An int or a `dims`-tuple of ints, each >= minimum, as a `dims`-tuple."""
    values = (value,) * dims if isinstance(value, (int, np.integer)) else value
    if (not isinstance(values, (tuple, list)) or len(values) != dims
            or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values)):
        raise ValueError(f"{fn}: {name} must be an int or a tuple of {dims} int{'s' * (dims > 1)}, got {value!r}")
    if min(values) < minimum:
        raise ValueError(f"{fn}: {name} must be >= {minimum} along every axis, got {value!r}")
    return tuple(int(v) for v in values)


def _check_arrays(fn: str, input: np.ndarray, weight: np.ndarray, x_letters: str, w_letters: str) -> None:
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
    return tuple((p, p) for p in _ints(padding, len(kernel), "padding", fn, 0))


def _conv_setup(fn: str, input: np.ndarray, weight: np.ndarray, bias: np.ndarray | None, stride: Ints,
                padding: Padding, dilation: Ints, groups: int) -> tuple[Geometry, tuple[int, int]]:
    """Check a conv1d/conv2d call; return its 2-D geometry and (OH, OW) (a signal is one row high)."""
    axes = "L" if fn.startswith("conv1d") else "H, W"
    kernel_letters = "K" if axes == "L" else "kH, kW"
    _check_arrays(fn, input, weight, f"N, C_in, {axes}", f"C_out, C_in/groups, {kernel_letters}")
    c_in, (c_out, per_group) = input.shape[1], weight.shape[:2]
    _check_bias(fn, bias, c_out)
    _check_groups(fn, groups, c_in, "in_channels (input.shape[1])")
    _check_groups(fn, groups, c_out, "out_channels (weight.shape[0])")
    if per_group * groups != c_in:
        raise ValueError(f"{fn}: weight must have shape (C_out, C_in/groups, {kernel_letters}) with C_in/groups = "
                         f"{c_in}/{groups} = {c_in // groups}: each filter sees one group of the input's channels; "
                         f"got weight.shape = {weight.shape}")
    dims, kernel = len(axes.split(", ")), weight.shape[2:]
    stride, dilation = _ints(stride, dims, "stride", fn, 1), _ints(dilation, dims, "dilation", fn, 1)
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


def _check_grad_out(fn: str, grad_out: np.ndarray, expected: tuple[int, ...]) -> None:
    if getattr(grad_out, "shape", None) != expected:
        raise ValueError(f"{fn}: grad_out must have the shape of the forward's output, {expected}, "
                         f"got {getattr(grad_out, 'shape', grad_out)}")


def _with_bias(out: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
    return out if bias is None else out + bias.reshape(1, -1, 1, 1)  # (C_out,) -> (1, C_out, 1, 1)


# --- conv2d and conv1d ------------------------------------------------------------------------------

def conv2d(input: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None, stride: Ints = 1,
           padding: Padding = 0, dilation: Ints = 1, groups: int = 1) -> np.ndarray:
    """torch.nn.functional.conv2d: cross-correlate (N, C_in, H, W) with weight (C_out, C_in/G, kH, kW).

    out[n, f, i, j] = bias[f] + sum_{c < C_in/G, u, v} weight[f, c, u, v] * xpad[n, g*C_in/G + c, i*sh + u*dh,
                                                                                 j*sw + v*dw]
    with g = f // (C_out/G) the filter's group. Returns (N, C_out, OH, OW), the lesson's formula per axis:
        OH = floor((H + 2*padding - dilation*(kH - 1) - 1) / stride) + 1
    stride, padding and dilation are ints or (rows, columns); padding may be "valid" (0) or "same"
    (keeps H x W; stride 1 only).
    """
    geo, out_hw = _conv_setup("conv2d", input, weight, bias, stride, padding, dilation, groups)
    return _with_bias(_correlate(input, weight, geo, out_hw), bias)


def conv2d_backward(grad_out: np.ndarray, input: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None,
                    stride: Ints = 1, padding: Padding = 0, dilation: Ints = 1, groups: int = 1) -> Grads:
    """Gradients of conv2d for the upstream gradient delta = grad_out (N, C_out, OH, OW).

    grad_input  (N, C_in, H, W):          delta * rot180(W), computed as col2im(W^T delta)
    grad_weight (C_out, C_in/G, kH, kW):  X * delta,
        dW[f, c, u, v] = sum_{n,i,j} delta[n, f, i, j] * xpad[n, g*C_in/G + c, i*sh + u*dh, j*sw + v*dw]
    grad_bias   (C_out,):                 sum_{n,i,j} delta[n, f, i, j], or None without a bias.
    """
    geo, out_hw = _conv_setup("conv2d_backward", input, weight, bias, stride, padding, dilation, groups)
    _check_grad_out("conv2d_backward", grad_out, (input.shape[0], weight.shape[0], *out_hw))
    grad_bias = None if bias is None else grad_out.sum(axis=(0, 2, 3))
    return (_input_grad(grad_out, weight, input.shape, geo), _weight_grad(input, grad_out, weight.shape[2:], geo),
            grad_bias)


def conv1d(input: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None, stride: Ints = 1,
           padding: Padding = 0, dilation: Ints = 1, groups: int = 1) -> np.ndarray:
    """torch.nn.functional.conv1d: (N, C_in, L) with weight (C_out, C_in/G, K) -> (N, C_out, OL).

    out[n, f, t] = bias[f] + sum_{c, u} weight[f, c, u] * xpad[n, g*C_in/G + c, t*s + u*d]
    OL = floor((L + 2*padding - dilation*(K - 1) - 1) / stride) + 1. Computed as conv2d on a signal
    one row high: (N, C, L) -> (N, C, 1, L).
    """
    geo, out_hw = _conv_setup("conv1d", input, weight, bias, stride, padding, dilation, groups)
    return _with_bias(_correlate(input[:, :, None], weight[:, :, None], geo, out_hw), bias)[:, :, 0]


def conv1d_backward(grad_out: np.ndarray, input: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None,
                    stride: Ints = 1, padding: Padding = 0, dilation: Ints = 1, groups: int = 1) -> Grads:
    """Gradients of conv1d: grad_input (N, C_in, L), grad_weight (C_out, C_in/G, K), grad_bias (C_out,) or None."""
    geo, out_hw = _conv_setup("conv1d_backward", input, weight, bias, stride, padding, dilation, groups)
    _check_grad_out("conv1d_backward", grad_out, (input.shape[0], weight.shape[0], out_hw[1]))
    x, w, delta = input[:, :, None], weight[:, :, None], grad_out[:, :, None]  # (N, C, L) -> (N, C, 1, L)
    grad_bias = None if bias is None else grad_out.sum(axis=(0, 2))
    return (_input_grad(delta, w, x.shape, geo)[:, :, 0], _weight_grad(x, delta, w.shape[2:], geo)[:, :, 0],
            grad_bias)


def causal_conv1d(input: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None,
                  dilation: int = 1) -> np.ndarray:
    """A causal 1-D convolution: output t sees only inputs t, t - d, ..., t - (K-1)*d, never the future.

    out[n, f, t] = bias[f] + sum_{c, u} weight[f, c, u] * x[n, c, t - (K-1-u)*d]   (x = 0 before t = 0)
    It is conv1d after (K-1)*d zeros on the left only, so the output has the input's length L.
    PyTorch has no causal flag; its users write either
        F.conv1d(F.pad(x, ((K - 1) * d, 0)), w, b, dilation=d)
    or  nn.Conv1d(C_in, C_out, K, dilation=d, padding=(K - 1) * d)(x)[..., :-(K - 1) * d]
    (padding on both sides, then dropping the last (K-1)*d outputs, which saw the right padding;
    keep all of them when K = 1). WaveNet stacks these with d = 1, 2, 4, ...
    """
    _check_arrays("causal_conv1d", input, weight, "N, C_in, L", "C_out, C_in, K")
    left = _ints(dilation, 1, "dilation", "causal_conv1d", 1)[0] * (weight.shape[2] - 1)  # (K-1)*d zeros, left only
    return conv1d(np.pad(input, ((0, 0), (0, 0), (left, 0))), weight, bias, dilation=dilation)


def causal_conv1d_backward(grad_out: np.ndarray, input: np.ndarray, weight: np.ndarray,
                           bias: np.ndarray | None = None, dilation: int = 1) -> Grads:
    """Gradients of causal_conv1d: conv1d's on the left-padded input, the padding's gradient cut off."""
    _check_arrays("causal_conv1d_backward", input, weight, "N, C_in, L", "C_out, C_in, K")
    left = _ints(dilation, 1, "dilation", "causal_conv1d_backward", 1)[0] * (weight.shape[2] - 1)
    grad_input, grad_weight, grad_bias = conv1d_backward(grad_out, np.pad(input, ((0, 0), (0, 0), (left, 0))),
                                                         weight, bias, dilation=dilation)
    return np.ascontiguousarray(grad_input[:, :, left:]), grad_weight, grad_bias


# --- the transposed convolution --------------------------------------------------------------------

def _transposed_setup(fn: str, input: np.ndarray, weight: np.ndarray, bias: np.ndarray | None, stride: Ints,
                      padding: Ints, output_padding: Ints, groups: int, dilation: Ints
                      ) -> tuple[Geometry, tuple[int, int, int, int]]:
    """Check a conv_transpose2d call; return its geometry and the output shape (N, C_out, H_out, W_out)."""
    _check_arrays(fn, input, weight, "N, C_in, H, W", "C_in, C_out/groups, kH, kW")
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
    stride, dilation = _ints(stride, 2, "stride", fn, 1), _ints(dilation, 2, "dilation", fn, 1)
    pad, extra = _ints(padding, 2, "padding", fn, 0), _ints(output_padding, 2, "output_padding", fn, 0)
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


def conv_transpose2d(input: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None, stride: Ints = 1,
                     padding: Ints = 0, output_padding: Ints = 0, groups: int = 1, dilation: Ints = 1) -> np.ndarray:
    """torch.nn.functional.conv_transpose2d: the gradient of conv2d with respect to its input, as a layer.

    Take conv2d with this weight read as (F, C/G, kH, kW) = (C_in, C_out/G, kH, kW): it maps an
    (N, C_out, H_out, W_out) image to (N, C_in, H, W). Its input-gradient maps (N, C_in, H, W) back to
    (N, C_out, H_out, W_out), and that map, with `input` in the place of delta, is this function:
        conv_transpose2d(x, w, ...) == conv2d_backward(x, y, w, stride=..., padding=..., dilation=...,
                                                       groups=...)[0]   for any y of shape (N, C_out, H_out, W_out)
    (when output_padding < stride). Read forward, every input pixel stamps its value times the kernel
    onto the output, stride cells apart; where stamps overlap they add (the checkerboard when the
    kernel size is not a multiple of the stride), and `padding` rows are cut from each edge:
        H_out = (H - 1)*stride - 2*padding + dilation*(kH - 1) + output_padding + 1
    conv2d sends `stride` input sizes to the same H (the floor in its formula); output_padding
    picks a larger one by keeping that many more rows at the bottom (columns at the right).
    Returns (N, C_out, H_out, W_out), plus bias[o] on channel o.
    """
    geo, out_shape = _transposed_setup("conv_transpose2d", input, weight, bias, stride, padding, output_padding,
                                       groups, dilation)
    return _with_bias(_input_grad(input, weight, out_shape, geo), bias)


def conv_transpose2d_backward(grad_out: np.ndarray, input: np.ndarray, weight: np.ndarray,
                              bias: np.ndarray | None = None, stride: Ints = 1, padding: Ints = 0,
                              output_padding: Ints = 0, groups: int = 1, dilation: Ints = 1) -> Grads:
    """Gradients of conv_transpose2d, grad_out (N, C_out, H_out, W_out). The roles turn round:

    grad_input  (N, C_in, H, W): conv2d(grad_out, weight) with the same stride, padding, dilation and groups
                (the forward of the convolution whose input-gradient the transposed one is);
    grad_weight (C_in, C_out/G, kH, kW): conv2d's weight-gradient with grad_out as its input and
                `input` as its delta; grad_bias (C_out,): the sum of grad_out over n, y, x, or None.
    """
    fn = "conv_transpose2d_backward"
    geo, out_shape = _transposed_setup(fn, input, weight, bias, stride, padding, output_padding, groups, dilation)
    _check_grad_out(fn, grad_out, out_shape)
    grad_bias = None if bias is None else grad_out.sum(axis=(0, 2, 3))
    return (_correlate(grad_out, weight, geo, input.shape[2:]), _weight_grad(grad_out, input, weight.shape[2:], geo),
            grad_bias)
