"""2-D convolution (cross-correlation, as in every deep-learning library), forward and backward.

Forward, for output channel f at output position (i, j):

    out[f, i, j] = b[f] + sum_{c, u, v} W[f, c, u, v] * xpad[c, i*s + u*d, j*s + v*d]

with stride s, dilation d and zero padding p. Output size (the lesson's formula):

    OH = floor((H + 2*p - d*(KH - 1) - 1) / s) + 1

Backward, as the tutorial derives it:
  * dL/dW = the cross-correlation of the input with the upstream gradient delta:
        dW[f, c, u, v] = sum_{i, j} delta[f, i, j] * xpad[c, i*s + u*d, j*s + v*d]
  * dL/dX = the *full* cross-correlation of delta with the kernels rotated by 180 degrees,
    input and output channels swapped. ``model/reference.py`` computes exactly that with
    loops; here we get the same numbers from im2col's transpose (col2im), which scatters each
    ``W^T delta`` column back onto the window it came from. The tests assert both agree.

The vectorised path is im2col + one matrix product, with the batch as the innermost axis
(see ``model/layout.py``): x is (C, H, W, N), out is (F, OH, OW, N).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from model import parallel
from model.geometry import conv_output_size
from model.layers import Layer, Shape

Padding = int | tuple[int, int] | str


def resolve_padding(padding: Padding, kh: int, kw: int, dilation: int = 1) -> tuple[int, int]:
    """Turn an int, (ph, pw), "valid" (no padding) or "same" (keep H x W at stride 1) into (ph, pw)."""
    if isinstance(padding, str):
        if padding == "valid":
            return 0, 0
        if padding == "same":
            span_h, span_w = dilation * (kh - 1), dilation * (kw - 1)
            if span_h % 2 or span_w % 2:
                raise ValueError(f"'same' padding needs an odd effective kernel size, got {kh}x{kw} "
                                 f"with dilation {dilation}")
            return span_h // 2, span_w // 2
        raise ValueError(f"padding must be an int, (ph, pw), 'same' or 'valid', got {padding!r}")
    if isinstance(padding, int):
        padding = (padding, padding)
    ph, pw = (int(p) for p in padding)
    if ph < 0 or pw < 0:
        raise ValueError(f"padding must be >= 0, got {padding}")
    return ph, pw


# im2col is done a few output rows at a time, and each block multiplied while it is still in
# the core's cache: conv1's whole im2col matrix at batch 64 is 5 MB, and one product over it
# runs at a third of the speed of the same work in blocks of about this many floats.
BLOCK_FLOATS = 1 << 17


def pad_input(x: np.ndarray, pad: tuple[int, int]) -> np.ndarray:
    """(C, H, W, N) -> (C, H + 2*ph, W + 2*pw, N), zero-filled around the edge."""
    ph, pw = pad
    if not (ph or pw):
        return np.ascontiguousarray(x)  # im2col reads the buffer directly: it must be C-contiguous
    c, h, w, n = x.shape
    xpad = np.zeros((c, h + 2 * ph, w + 2 * pw, n), dtype=x.dtype)
    xpad[:, ph:ph + h, pw:pw + w] = x
    return xpad


def im2col(xpad: np.ndarray, kh: int, kw: int, stride: int, dilation: int,
           rows: tuple[int, int], ow: int) -> np.ndarray:
    """Gather the receptive-field windows of output rows ``rows[0]..rows[1]-1`` into columns.

    Args:
        xpad: (C, Hp, Wp, N), padded, batch-last.
    Returns:
        cols: (C*KH*KW, R*OW*N) with R = rows[1] - rows[0];
        cols[(c, u, v), (i, j, n)] = xpad[c, i*s + u*d, j*s + v*d, n].
    """
    c, _, _, n = xpad.shape
    r0, r1 = rows
    sc, sh, sw, sn = xpad.strides
    # A view, no copy: windows[c, u, v, i, j, n] = xpad[c, (r0 + i)*s + u*d, j*s + v*d, n].
    # (np.ndarray over xpad's buffer is as_strided without its ~8 us of Python per call.)
    windows = np.ndarray((c, kh, kw, r1 - r0, ow, n), dtype=xpad.dtype, buffer=xpad,
                         offset=r0 * stride * sh,
                         strides=(sc, dilation * sh, dilation * sw, stride * sh, stride * sw, sn))
    # (C, KH, KW, R, OW, N) -> (C*KH*KW, R*OW*N): one copy; at stride 1 each window row is a
    # contiguous run of OW*N floats.
    return windows.reshape(c * kh * kw, (r1 - r0) * ow * n)


def col2im_add(dxpad: np.ndarray, dcols: np.ndarray, kh: int, kw: int, stride: int, dilation: int,
               rows: tuple[int, int], ow: int) -> None:
    """The transpose of im2col: add each column entry back onto the input pixel it was read from.

    Args:
        dxpad: (C, Hp, Wp, N), accumulated in place. dcols: (C*KH*KW, R*OW*N).
    """
    c, _, _, n = dxpad.shape
    r0, r1 = rows
    # (C*KH*KW, R*OW*N) -> (C, KH, KW, R, OW, N)
    dcols = dcols.reshape(c, kh, kw, r1 - r0, ow, n)
    for u in range(kh):
        for v in range(kw):
            top, left = r0 * stride + u * dilation, v * dilation
            dxpad[:, top:top + stride * (r1 - r0 - 1) + 1:stride,
                  left:left + stride * (ow - 1) + 1:stride] += dcols[:, u, v]


def row_blocks(oh: int, floats_per_row: int) -> list[tuple[int, int]]:
    """Split output rows 0..OH-1 into blocks whose im2col matrix holds about BLOCK_FLOATS floats."""
    step = max(1, BLOCK_FLOATS // max(1, floats_per_row))
    return [(r, min(r + step, oh)) for r in range(0, oh, step)]


def conv2d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None, stride: int = 1,
                   padding: Padding = 0, dilation: int = 1) -> tuple[np.ndarray, dict[str, Any]]:
    """Cross-correlate a batch with F kernels.

    Args:
        x: (C, H, W, N), batch-last. w: (F, C, KH, KW). b: (F,) or None.
    Returns:
        out: (F, OH, OW, N) with OH = (H + 2*ph - d*(KH-1) - 1) // s + 1 (likewise OW),
        and the cache that ``conv2d_backward`` needs.
    """
    f, c, kh, kw = w.shape
    if x.ndim != 4 or x.shape[0] != c:
        raise ValueError(f"conv2d expects x of shape (C={c}, H, W, N), got {x.shape}")
    pad = resolve_padding(padding, kh, kw, dilation)
    _, h, wd, n = x.shape
    oh, ow = conv_output_size(h, kh, stride, pad[0], dilation), conv_output_size(wd, kw, stride, pad[1], dilation)
    if oh <= 0 or ow <= 0:
        raise ValueError(f"kernel {kh}x{kw} (dilation {dilation}) does not fit a {h}x{wd} input "
                         f"with padding {pad}")
    xpad = pad_input(x, pad)
    w2d = w.reshape(f, c * kh * kw)
    out = np.empty((f, oh * ow * n), dtype=np.result_type(x, w))
    blocks = row_blocks(oh, c * kh * kw * ow * n)

    def forward_blocks(some: Sequence[tuple[int, int]]) -> None:
        for r0, r1 in some:
            cols = im2col(xpad, kh, kw, stride, dilation, (r0, r1), ow)
            # fk,kl->fl with k = (c, u, v) and l = (i, j, n), written straight into its rows of out
            np.matmul(w2d, cols, out=out[:, r0 * ow * n:r1 * ow * n])

    parallel.split_map(forward_blocks, blocks)
    # (F, OH*OW*N) -> (F, OH, OW, N), free
    out = out.reshape(f, oh, ow, n)
    if b is not None:
        out += b[:, None, None, None]
    cache = {"xpad": xpad, "x_shape": x.shape, "w": w, "has_bias": b is not None, "stride": stride,
             "pad": pad, "dilation": dilation, "out_hw": (oh, ow), "blocks": blocks}
    return out, cache


def conv2d_backward(dout: np.ndarray, cache: dict[str, Any], need_dx: bool = True
                    ) -> tuple[np.ndarray | None, np.ndarray, np.ndarray | None]:
    """Gradients of a convolution.

    Args:
        dout: (F, OH, OW, N), the upstream gradient delta. cache: from ``conv2d_forward``.
    Returns:
        dx (C, H, W, N) or None, dw (F, C, KH, KW), db (F,) or None.
    """
    w, xpad = cache["w"], cache["xpad"]
    f, c, kh, kw = w.shape
    stride, dilation, (oh, ow) = cache["stride"], cache["dilation"], cache["out_hw"]
    n = xpad.shape[3]
    # (F, OH, OW, N) -> (F, OH*OW*N)
    d2 = dout.reshape(f, -1)

    def weight_grad(some: Sequence[tuple[int, int]]) -> np.ndarray:
        # dW = X * delta, summed over every window, block by block: kl,fl->kf. The im2col block
        # is rebuilt rather than kept from the forward pass: it is then still in cache for the
        # product. (kl,fl->kf runs about twice as fast as fl,kl->fk in OpenBLAS here.)
        dw_t = np.zeros((c * kh * kw, f), dtype=w.dtype)
        for r0, r1 in some:
            cols = im2col(xpad, kh, kw, stride, dilation, (r0, r1), ow)
            dw_t += cols @ d2[:, r0 * ow * n:r1 * ow * n].T
        return dw_t

    db = d2.sum(axis=1) if cache["has_bias"] else None
    if not need_dx:
        dw = sum(parallel.split_map(weight_grad, cache["blocks"]))
        return None, dw.T.reshape(w.shape), db
    dw_pending = parallel.submit(lambda: weight_grad(cache["blocks"]))  # on the other core, if any
    # dX = delta * rot180(W), as col2im(W^T delta): fk,fl->kl, then each column back onto its window
    dcols = w.reshape(f, c * kh * kw).T @ d2
    dxpad = np.zeros_like(xpad)
    col2im_add(dxpad, dcols, kh, kw, stride, dilation, (0, oh), ow)
    ph, pw = cache["pad"]
    _, h, wd, _ = cache["x_shape"]
    return dxpad[:, ph:ph + h, pw:pw + wd], dw_pending.result().T.reshape(w.shape), db


class Conv2d(Layer):
    """A convolutional layer: F kernels of C x KH x KW, PyTorch's weight layout (F, C, KH, KW)."""

    kind = "Conv2d"

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | tuple[int, int],
                 stride: int = 1, padding: Padding = 0, dilation: int = 1, bias: bool = True,
                 rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__()
        kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
        if min(in_channels, out_channels, kh, kw, stride, dilation) < 1:
            raise ValueError("channels, kernel size, stride and dilation must all be >= 1")
        self.in_channels, self.out_channels, self.kernel_size = in_channels, out_channels, (kh, kw)
        self.stride, self.dilation = stride, dilation
        self.padding = padding
        self.pad = resolve_padding(padding, kh, kw, dilation)
        rng = rng or np.random.default_rng(0)
        bound = 1.0 / np.sqrt(in_channels * kh * kw)  # PyTorch's default init
        self.params["weight"] = rng.uniform(-bound, bound, (out_channels, in_channels, kh, kw)).astype(dtype)
        if bias:
            self.params["bias"] = rng.uniform(-bound, bound, out_channels).astype(dtype)
        self.zero_grads()

    def forward(self, x: np.ndarray, train: bool = True) -> np.ndarray:
        out, cache = conv2d_forward(x, self.params["weight"], self.params.get("bias"),
                                    self.stride, self.pad, self.dilation)
        if train:
            self.cache = cache
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        dx, dw, db = conv2d_backward(dout, self.cache, need_dx=self.needs_input_grad)
        self.grads["weight"][...] = dw
        if db is not None:
            self.grads["bias"][...] = db
        return dx

    def output_shape(self, input_shape: Shape) -> Shape:
        c, h, w = input_shape
        if c != self.in_channels:
            raise ValueError(f"Conv2d expects {self.in_channels} input channels, got {input_shape}")
        kh, kw = self.kernel_size
        return (self.out_channels,
                conv_output_size(h, kh, self.stride, self.pad[0], self.dilation),
                conv_output_size(w, kw, self.stride, self.pad[1], self.dilation))

    def describe(self) -> str:
        kh, kw = self.kernel_size
        parts = [f"{self.out_channels}@{kh}x{kw}"]
        parts.append(f"padding {self.padding}" if isinstance(self.padding, str) else f"padding {self.pad[0]}")
        if self.stride != 1:
            parts.append(f"stride {self.stride}")
        if self.dilation != 1:
            parts.append(f"dilation {self.dilation}")
        if "bias" not in self.params:
            parts.append("no bias")
        return ", ".join(parts)
