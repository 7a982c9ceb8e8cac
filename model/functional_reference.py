"""Plain-loop references for ``model/functional.py``: every output element, one product at a time.

Each convolution's output is a sum of products  out[o] = bias[o's channel] + sum over terms of w[wi] * x[xi].
A ``*_terms`` generator below lists those (o, xi, wi) index triples, straight from the formula, with
padding handled by skipping the products that would read a zero. Then, for every function:

    forward:   out[o] += w[wi] * x[xi]                          for every term
    backward:  dx[xi] += delta[o] * w[wi],  dw[wi] += delta[o] * x[xi]   (the product rule, term by term)
               db[f]  += delta[o]                               for every output o of channel f

Slow on purpose, batch-first (N, C, L) and (N, C, H, W) as in PyTorch, and the same signatures as the
functions they check (no argument checking: call them only with valid arguments).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from model.geometry import conv_output_size

Index = tuple[int, ...]
Ints = int | tuple[int, ...]
Padding = int | tuple[int, ...] | str
Terms = Iterator[tuple[Index, Index, Index]]
Grads = tuple[np.ndarray, np.ndarray, np.ndarray | None]


def _pair(value: Ints, dims: int) -> tuple[int, ...]:
    return (value,) * dims if isinstance(value, int) else tuple(value)


def _pads(padding: Padding, kernel: tuple[int, ...], dilation: tuple[int, ...]
          ) -> list[tuple[int, int]]:
    """(before, after) per axis; "same" puts d*(k-1) zeros in all, the odd one after."""
    if padding == "valid":
        return [(0, 0)] * len(kernel)
    if padding == "same":
        return [(d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for k, d in zip(kernel, dilation)]
    return [(p, p) for p in _pair(padding, len(kernel))]


def _forward(terms: Terms, out_shape: Index, x: np.ndarray, w: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    out = np.zeros(out_shape, dtype=np.result_type(x, w))
    if b is not None:
        for o in np.ndindex(out_shape):
            out[o] = b[o[1]]
    for o, xi, wi in terms:
        out[o] += w[wi] * x[xi]
    return out


def _backward(terms: Terms, grad_out: np.ndarray, x: np.ndarray, w: np.ndarray, b: np.ndarray | None
              ) -> Grads:
    dx, dw = np.zeros_like(x, dtype=np.result_type(x, w)), np.zeros_like(w, dtype=np.result_type(x, w))
    for o, xi, wi in terms:
        dx[xi] += grad_out[o] * w[wi]
        dw[wi] += grad_out[o] * x[xi]
    db = None
    if b is not None:
        db = np.zeros_like(b, dtype=grad_out.dtype)
        for o in np.ndindex(grad_out.shape):
            db[o[1]] += grad_out[o]
    return dx, dw, db


# --- conv2d -----------------------------------------------------------------------------------------

def _conv2d_geometry(x: np.ndarray, w: np.ndarray, stride: Ints, padding: Padding, dilation: Ints) -> tuple:
    s, d = _pair(stride, 2), _pair(dilation, 2)
    pads = _pads(padding, w.shape[2:], d)
    oh, ow = (conv_output_size(n, k, si, p, di) for n, k, si, p, di in zip(x.shape[2:], w.shape[2:], s, pads, d))
    return s, pads, d, (x.shape[0], w.shape[0], oh, ow)


def _conv2d_terms(x_shape: Index, w_shape: Index, out_shape: Index, s: Index, pads: list, d: Index,
                  groups: int) -> Terms:
    """out[n, f, i, j] = b[f] + sum_{c, u, v} w[f, c, u, v] * x[n, g*C/G + c, i*sh + u*dh - top, j*sw + v*dw - left]."""
    _, _, h, wd = x_shape
    f_total, c_per_group, kh, kw = w_shape
    (top, _), (left, _) = pads
    for n, f, i, j in np.ndindex(out_shape):
        g = f // (f_total // groups)  # the filter's group
        for c, u, v in np.ndindex(c_per_group, kh, kw):
            y, xx = i * s[0] + u * d[0] - top, j * s[1] + v * d[1] - left
            if 0 <= y < h and 0 <= xx < wd:  # else the product reads a padding zero
                yield (n, f, i, j), (n, g * c_per_group + c, y, xx), (f, c, u, v)


def conv2d_loops(input: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None, stride: Ints = 1,
                 padding: Padding = 0, dilation: Ints = 1, groups: int = 1) -> np.ndarray:
    s, pads, d, out_shape = _conv2d_geometry(input, weight, stride, padding, dilation)
    return _forward(_conv2d_terms(input.shape, weight.shape, out_shape, s, pads, d, groups), out_shape,
                    input, weight, bias)


def conv2d_backward_loops(grad_out: np.ndarray, input: np.ndarray, weight: np.ndarray,
                          bias: np.ndarray | None = None, stride: Ints = 1, padding: Padding = 0, dilation: Ints = 1,
                          groups: int = 1) -> Grads:
    s, pads, d, out_shape = _conv2d_geometry(input, weight, stride, padding, dilation)
    return _backward(_conv2d_terms(input.shape, weight.shape, out_shape, s, pads, d, groups), grad_out,
                     input, weight, bias)


# --- conv1d and causal conv1d -----------------------------------------------------------------------

def _conv1d_terms(x_shape: Index, w_shape: Index, out_shape: Index, s: int, before: int, d: int,
                  groups: int) -> Terms:
    """out[n, f, t] = b[f] + sum_{c, u} w[f, c, u] * x[n, g*C/G + c, t*s + u*d - before]."""
    length, (f_total, c_per_group, k) = x_shape[2], w_shape
    for n, f, t in np.ndindex(out_shape):
        g = f // (f_total // groups)
        for c, u in np.ndindex(c_per_group, k):
            pos = t * s + u * d - before
            if 0 <= pos < length:
                yield (n, f, t), (n, g * c_per_group + c, pos), (f, c, u)


def _conv1d_geometry(x: np.ndarray, w: np.ndarray, stride: Ints, padding: Padding, dilation: Ints) -> tuple:
    s, d = _pair(stride, 1)[0], _pair(dilation, 1)[0]
    pad = _pads(padding, w.shape[2:], (d,))[0]
    return s, pad[0], d, (x.shape[0], w.shape[0], conv_output_size(x.shape[2], w.shape[2], s, pad, d))


def conv1d_loops(input: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None, stride: Ints = 1,
                 padding: Padding = 0, dilation: Ints = 1, groups: int = 1) -> np.ndarray:
    s, before, d, out_shape = _conv1d_geometry(input, weight, stride, padding, dilation)
    return _forward(_conv1d_terms(input.shape, weight.shape, out_shape, s, before, d, groups), out_shape,
                    input, weight, bias)


def conv1d_backward_loops(grad_out: np.ndarray, input: np.ndarray, weight: np.ndarray,
                          bias: np.ndarray | None = None, stride: Ints = 1, padding: Padding = 0, dilation: Ints = 1,
                          groups: int = 1) -> Grads:
    s, before, d, out_shape = _conv1d_geometry(input, weight, stride, padding, dilation)
    return _backward(_conv1d_terms(input.shape, weight.shape, out_shape, s, before, d, groups), grad_out,
                     input, weight, bias)


def _causal_terms(x_shape: Index, w_shape: Index, d: int) -> Terms:
    """out[n, f, t] = b[f] + sum_{c, u} w[f, c, u] * x[n, c, t - (K-1-u)*d]: tap K-1 reads "now",
    tap K-2 reads d steps ago, and so on; nothing reads t' > t."""
    n_total, _, length = x_shape
    f_total, c_total, k = w_shape
    for n, f, t in np.ndindex(n_total, f_total, length):
        for c, u in np.ndindex(c_total, k):
            past = t - (k - 1 - u) * d
            if past >= 0:
                yield (n, f, t), (n, c, past), (f, c, u)


def causal_conv1d_loops(input: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None,
                        dilation: int = 1) -> np.ndarray:
    out_shape = (input.shape[0], weight.shape[0], input.shape[2])
    return _forward(_causal_terms(input.shape, weight.shape, dilation), out_shape, input, weight, bias)


def causal_conv1d_backward_loops(grad_out: np.ndarray, input: np.ndarray, weight: np.ndarray,
                                 bias: np.ndarray | None = None, dilation: int = 1
                                 ) -> Grads:
    return _backward(_causal_terms(input.shape, weight.shape, dilation), grad_out, input, weight, bias)


# --- conv_transpose2d ---------------------------------------------------------------------------------

def _transposed_geometry(x: np.ndarray, w: np.ndarray, stride: Ints, padding: Ints, output_padding: Ints,
                         groups: int, dilation: Ints) -> tuple:
    s, p, op, d = (_pair(v, 2) for v in (stride, padding, output_padding, dilation))
    h_out, w_out = ((n - 1) * si - 2 * pi + di * (k - 1) + opi + 1
                    for n, k, si, pi, opi, di in zip(x.shape[2:], w.shape[2:], s, p, op, d))
    return s, p, d, (x.shape[0], w.shape[1] * groups, h_out, w_out)


def _transposed_terms(x_shape: Index, w_shape: Index, out_shape: Index, s: Index, p: Index, d: Index,
                      groups: int) -> Terms:
    """out[n, o, y, x] = b[o] + sum of x[n, g*C_in/G + c, i, j] * w[g*C_in/G + c, o', u, v] over the c, u, v
    for which input pixel (i, j) = ((y + pH - u*dH) / sH, (x + pW - v*dW) / sW) is a whole number
    inside the input, with o' = o mod C_out/G and g = o // (C_out/G)."""
    _, c_in, h, wd = x_shape
    _, o_per_group, kh, kw = w_shape
    c_per_group = c_in // groups
    for n, o, y, xx in np.ndindex(out_shape):
        g, o_in_group = divmod(o, o_per_group)
        for c, u, v in np.ndindex(c_per_group, kh, kw):
            i, rest_i = divmod(y + p[0] - u * d[0], s[0])
            j, rest_j = divmod(xx + p[1] - v * d[1], s[1])
            if rest_i == 0 and rest_j == 0 and 0 <= i < h and 0 <= j < wd:
                ci = g * c_per_group + c
                yield (n, o, y, xx), (n, ci, i, j), (ci, o_in_group, u, v)


def conv_transpose2d_loops(input: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None,
                           stride: Ints = 1, padding: Ints = 0, output_padding: Ints = 0, groups: int = 1,
                           dilation: Ints = 1) -> np.ndarray:
    s, p, d, out_shape = _transposed_geometry(input, weight, stride, padding, output_padding, groups, dilation)
    return _forward(_transposed_terms(input.shape, weight.shape, out_shape, s, p, d, groups), out_shape,
                    input, weight, bias)


def conv_transpose2d_backward_loops(grad_out: np.ndarray, input: np.ndarray, weight: np.ndarray,
                                    bias: np.ndarray | None = None, stride: Ints = 1, padding: Ints = 0,
                                    output_padding: Ints = 0, groups: int = 1, dilation: Ints = 1,
                                    ) -> Grads:
    s, p, d, out_shape = _transposed_geometry(input, weight, stride, padding, output_padding, groups, dilation)
    return _backward(_transposed_terms(input.shape, weight.shape, out_shape, s, p, d, groups), grad_out,
                     input, weight, bias)


def conv_transpose2d_stamp_loops(input: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None,
                                 stride: Ints = 1, padding: Ints = 0, output_padding: Ints = 0, groups: int = 1,
                                 dilation: Ints = 1) -> np.ndarray:
    """The same numbers the lesson's way: every input pixel stamps its value times its kernel onto the
    output at (i*sH - pH + u*dH, j*sW - pW + v*dW); overlapping stamps add, stamps off the edge are lost."""
    s, p, d, out_shape = _transposed_geometry(input, weight, stride, padding, output_padding, groups, dilation)
    out = np.zeros(out_shape, dtype=np.result_type(input, weight))
    o_per_group, kh, kw = weight.shape[1:]
    for n, ci, i, j in np.ndindex(input.shape):
        g = ci // (input.shape[1] // groups)
        for o, u, v in np.ndindex(o_per_group, kh, kw):
            y, xx = i * s[0] - p[0] + u * d[0], j * s[1] - p[1] + v * d[1]
            if 0 <= y < out_shape[2] and 0 <= xx < out_shape[3]:
                out[n, g * o_per_group + o, y, xx] += input[n, ci, i, j] * weight[ci, o, u, v]
    return out if bias is None else out + bias.reshape(1, -1, 1, 1)
