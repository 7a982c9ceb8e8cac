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
``model/functional_reference.py`` computes every function here one number at a time, and
``model/functional_checks.py`` checks their arguments and works out the output sizes.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from model.functional_checks import (Geometry, Ints, Padding, check_arrays, check_grad_out, conv_setup, per_axis,
                                     transposed_setup)

Grads = tuple[np.ndarray, np.ndarray, np.ndarray | None]


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
    geo, out_hw = conv_setup("conv2d", input, weight, bias, stride, padding, dilation, groups)
    return _with_bias(_correlate(input, weight, geo, out_hw), bias)


def conv2d_backward(grad_out: np.ndarray, input: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None,
                    stride: Ints = 1, padding: Padding = 0, dilation: Ints = 1, groups: int = 1) -> Grads:
    """Gradients of conv2d for the upstream gradient delta = grad_out (N, C_out, OH, OW).

    grad_input  (N, C_in, H, W):          delta * rot180(W), computed as col2im(W^T delta)
    grad_weight (C_out, C_in/G, kH, kW):  X * delta,
        dW[f, c, u, v] = sum_{n,i,j} delta[n, f, i, j] * xpad[n, g*C_in/G + c, i*sh + u*dh, j*sw + v*dw]
    grad_bias   (C_out,):                 sum_{n,i,j} delta[n, f, i, j], or None without a bias.
    """
    geo, out_hw = conv_setup("conv2d_backward", input, weight, bias, stride, padding, dilation, groups)
    check_grad_out("conv2d_backward", grad_out, (input.shape[0], weight.shape[0], *out_hw))
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
    geo, out_hw = conv_setup("conv1d", input, weight, bias, stride, padding, dilation, groups)
    return _with_bias(_correlate(input[:, :, None], weight[:, :, None], geo, out_hw), bias)[:, :, 0]


def conv1d_backward(grad_out: np.ndarray, input: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None,
                    stride: Ints = 1, padding: Padding = 0, dilation: Ints = 1, groups: int = 1) -> Grads:
    """Gradients of conv1d: grad_input (N, C_in, L), grad_weight (C_out, C_in/G, K), grad_bias (C_out,) or None."""
    geo, out_hw = conv_setup("conv1d_backward", input, weight, bias, stride, padding, dilation, groups)
    check_grad_out("conv1d_backward", grad_out, (input.shape[0], weight.shape[0], out_hw[1]))
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
    check_arrays("causal_conv1d", input, weight, "N, C_in, L", "C_out, C_in, K")
    left = per_axis(dilation, 1, "dilation", "causal_conv1d", 1)[0] * (weight.shape[2] - 1)  # (K-1)*d zeros, left only
    return conv1d(np.pad(input, ((0, 0), (0, 0), (left, 0))), weight, bias, dilation=dilation)


def causal_conv1d_backward(grad_out: np.ndarray, input: np.ndarray, weight: np.ndarray,
                           bias: np.ndarray | None = None, dilation: int = 1) -> Grads:
    """Gradients of causal_conv1d: conv1d's on the left-padded input, the padding's gradient cut off."""
    check_arrays("causal_conv1d_backward", input, weight, "N, C_in, L", "C_out, C_in, K")
    left = per_axis(dilation, 1, "dilation", "causal_conv1d_backward", 1)[0] * (weight.shape[2] - 1)
    grad_input, grad_weight, grad_bias = conv1d_backward(grad_out, np.pad(input, ((0, 0), (0, 0), (left, 0))),
                                                         weight, bias, dilation=dilation)
    return np.ascontiguousarray(grad_input[:, :, left:]), grad_weight, grad_bias


# --- the transposed convolution --------------------------------------------------------------------

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
    geo, out_shape = transposed_setup("conv_transpose2d", input, weight, bias, stride, padding, output_padding,
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
    geo, out_shape = transposed_setup(fn, input, weight, bias, stride, padding, output_padding, groups, dilation)
    check_grad_out(fn, grad_out, out_shape)
    grad_bias = None if bias is None else grad_out.sum(axis=(0, 2, 3))
    return (_correlate(grad_out, weight, geo, input.shape[2:]), _weight_grad(grad_out, input, weight.shape[2:], geo),
            grad_bias)
