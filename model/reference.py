"""Plain-loop references: the formulas exactly as the lessons write them, one number at a time.

Slow on purpose and in the familiar NCHW layout (N, C, H, W). The vectorised kernels in
``conv.py`` and ``pooling.py`` are tested against these, and the lessons show them.
"""

from __future__ import annotations

import numpy as np

from model.geometry import conv_output_size


def _zero_pad(x: np.ndarray, top: int, bottom: int, left: int, right: int) -> np.ndarray:
    """(N, C, H, W) -> (N, C, top + H + bottom, left + W + right), zeros around."""
    n, c, h, w = x.shape
    out = np.zeros((n, c, top + h + bottom, left + w + right), dtype=x.dtype)
    out[:, :, top:top + h, left:left + w] = x
    return out


def conv2d_forward_loops(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None, stride: int = 1,
                         pad: tuple[int, int] = (0, 0), dilation: int = 1) -> np.ndarray:
    """out[n, f, i, j] = b[f] + sum_{c,u,v} w[f, c, u, v] * xpad[n, c, i*s + u*d, j*s + v*d].

    Args: x (N, C, H, W); w (F, C, KH, KW); b (F,) or None. Returns: (N, F, OH, OW).
    """
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    ph, pw = pad
    xpad = _zero_pad(x, ph, ph, pw, pw)
    oh = conv_output_size(h, kh, stride, ph, dilation)
    ow = conv_output_size(wd, kw, stride, pw, dilation)
    out = np.zeros((n, f, oh, ow), dtype=np.result_type(x, w))
    for ni in range(n):
        for fi in range(f):
            for i in range(oh):
                for j in range(ow):
                    total = b[fi] if b is not None else 0.0
                    for ci in range(c):
                        for u in range(kh):
                            for v in range(kw):
                                total += w[fi, ci, u, v] * xpad[ni, ci, i * stride + u * dilation,
                                                                j * stride + v * dilation]
                    out[ni, fi, i, j] = total
    return out


def conv2d_backward_loops(dout: np.ndarray, x: np.ndarray, w: np.ndarray, stride: int = 1,
                          pad: tuple[int, int] = (0, 0), dilation: int = 1
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The tutorial's gradients, computed literally.

    dL/dW[f, c, u, v] = sum_{n,i,j} delta[n, f, i, j] * xpad[n, c, i*s + u*d, j*s + v*d]   (X * delta)
    dL/dX = full cross-correlation of delta with rot180(W), channels swapped:
        spread delta by the stride (s - 1 zeros between entries), pad it by d*(K - 1) on every
        side, then  dxpad[n, c, y, x] = sum_{f,u,v} dpad[n, f, y + u*d, x + v*d] * w[f, c, KH-1-u, KW-1-v],
        and cut the input's own padding off.
    dL/db[f] = sum_{n,i,j} delta[n, f, i, j].

    Args: dout (N, F, OH, OW); x (N, C, H, W); w (F, C, KH, KW). Returns: dx, dw, db.
    """
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    _, _, oh, ow = dout.shape
    ph, pw = pad
    xpad = _zero_pad(x, ph, ph, pw, pw)
    hp, wp = xpad.shape[2:]

    dw = np.zeros_like(w)
    for fi in range(f):
        for ci in range(c):
            for u in range(kh):
                for v in range(kw):
                    total = 0.0
                    for ni in range(n):
                        for i in range(oh):
                            for j in range(ow):
                                total += dout[ni, fi, i, j] * xpad[ni, ci, i * stride + u * dilation,
                                                                   j * stride + v * dilation]
                    dw[fi, ci, u, v] = total

    spread = np.zeros((n, f, (oh - 1) * stride + 1, (ow - 1) * stride + 1), dtype=dout.dtype)
    spread[:, :, ::stride, ::stride] = dout
    span_h, span_w = dilation * (kh - 1), dilation * (kw - 1)
    extra_h = hp - (spread.shape[2] + span_h)  # input rows past the last window: no gradient
    extra_w = wp - (spread.shape[3] + span_w)
    dpad = _zero_pad(spread, span_h, span_h + extra_h, span_w, span_w + extra_w)
    w_rot = w[:, :, ::-1, ::-1]
    dxpad = np.zeros((n, c, hp, wp), dtype=dout.dtype)
    for ni in range(n):
        for ci in range(c):
            for y in range(hp):
                for xx in range(wp):
                    total = 0.0
                    for fi in range(f):
                        for u in range(kh):
                            for v in range(kw):
                                total += dpad[ni, fi, y + u * dilation, xx + v * dilation] * w_rot[fi, ci, u, v]
                    dxpad[ni, ci, y, xx] = total
    dx = dxpad[:, :, ph:ph + h, pw:pw + wd]
    db = dout.sum(axis=(0, 2, 3))
    return dx, dw, db


def maxpool_forward_loops(x: np.ndarray, k: int = 2, stride: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """out[n, c, i, j] = max of the k x k window at (i*s, j*s); also returns each window's first
    arg-max as a flat offset u*k + v. Args: x (N, C, H, W)."""
    n, c, h, w = x.shape
    oh, ow = conv_output_size(h, k, stride), conv_output_size(w, k, stride)
    out = np.zeros((n, c, oh, ow), dtype=x.dtype)
    arg = np.zeros((n, c, oh, ow), dtype=np.int64)
    for ni in range(n):
        for ci in range(c):
            for i in range(oh):
                for j in range(ow):
                    window = x[ni, ci, i * stride:i * stride + k, j * stride:j * stride + k]
                    arg[ni, ci, i, j] = int(np.argmax(window))  # np.argmax returns the first maximum
                    out[ni, ci, i, j] = window.flat[arg[ni, ci, i, j]]
    return out, arg


def maxpool_backward_loops(dout: np.ndarray, x_shape: tuple[int, ...], arg: np.ndarray, k: int = 2,
                           stride: int = 2) -> np.ndarray:
    """Each output's gradient goes to its window's first arg-max; the rest of the window gets 0."""
    dx = np.zeros(x_shape, dtype=dout.dtype)
    n, c, oh, ow = dout.shape
    for ni in range(n):
        for ci in range(c):
            for i in range(oh):
                for j in range(ow):
                    u, v = divmod(int(arg[ni, ci, i, j]), k)
                    dx[ni, ci, i * stride + u, j * stride + v] += dout[ni, ci, i, j]
    return dx


def avgpool_forward_loops(x: np.ndarray, k: int = 2, stride: int = 2) -> np.ndarray:
    n, c, h, w = x.shape
    oh, ow = conv_output_size(h, k, stride), conv_output_size(w, k, stride)
    out = np.zeros((n, c, oh, ow), dtype=x.dtype)
    for i in range(oh):
        for j in range(ow):
            out[:, :, i, j] = x[:, :, i * stride:i * stride + k, j * stride:j * stride + k].mean(axis=(2, 3))
    return out


def avgpool_backward_loops(dout: np.ndarray, x_shape: tuple[int, ...], k: int = 2, stride: int = 2) -> np.ndarray:
    """Each output's gradient is shared equally by the k*k inputs of its window: dx += delta / k^2
    (windows that overlap, stride < k, add up)."""
    dx = np.zeros(x_shape, dtype=dout.dtype)
    _, _, oh, ow = dout.shape
    for i in range(oh):
        for j in range(ow):
            dx[:, :, i * stride:i * stride + k, j * stride:j * stride + k] += dout[:, :, i:i + 1, j:j + 1] / (k * k)
    return dx


def correlate1d(x: list[float] | np.ndarray, w: list[float] | np.ndarray, pad: int = 0) -> np.ndarray:
    """y_i = sum_j x_(i+j) w_j over x zero-padded by ``pad`` on both sides (0-based indices).

    The tutorial's example: w = [1, 0, 0] on [1, 2, 5, 6, 2, -1, 3, -2] gives [0, 1, 2, 5, 6, 2, -1, 3]
    with pad 1 (same size) and [1, 2, 5, 6, 2, -1] with pad 0 (valid).
    """
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    xp = np.concatenate([np.zeros(pad), x, np.zeros(pad)])
    return np.array([sum(xp[i + j] * w[j] for j in range(len(w))) for i in range(len(xp) - len(w) + 1)])


def batchnorm_forward_loops(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Training-mode batch norm, one channel at a time: x (N, C, H, W) or (N, D).

    mu_c = (1/M) sum x[n, c, ...],  var_c = (1/M) sum (x[n, c, ...] - mu_c)^2 over the M values of
    channel c; out = gamma_c (x - mu_c) / sqrt(var_c + eps) + beta_c.
    """
    out = np.zeros_like(x, dtype=np.float64)
    for c in range(x.shape[1]):
        values = [float(v) for v in np.nditer(x[:, c])]
        mu = sum(values) / len(values)
        var = sum((v - mu) ** 2 for v in values) / len(values)
        out[:, c] = gamma[c] * (x[:, c] - mu) / np.sqrt(var + eps) + beta[c]
    return out
