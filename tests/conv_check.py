"""One check shared by the example-based and the property tests: the vectorised convolution equals
the plain loops of model/reference.py, forward and backward, and has the lesson's output size."""

from __future__ import annotations

import numpy as np

from model.conv import conv2d_backward, conv2d_forward
from model.geometry import conv_output_size
from model.layout import to_batch_first, to_batch_last
from model.reference import conv2d_backward_loops, conv2d_forward_loops


def assert_conv_equals_the_loops(x: np.ndarray, wt: np.ndarray, b: np.ndarray | None, stride: int,
                                 pad: tuple[int, int], dilation: int, rng: np.random.Generator,
                                 tol: float = 1e-10) -> None:
    """x (N, C, H, W) and wt (F, C, KH, KW) float64; tol is both rtol and atol."""
    out, cache = conv2d_forward(to_batch_last(x), wt, b, stride, pad, dilation)
    ref = conv2d_forward_loops(x, wt, b, stride, pad, dilation)
    (h, w), (kh, kw) = x.shape[2:], wt.shape[2:]
    assert ref.shape[2:] == (conv_output_size(h, kh, stride, pad[0], dilation),
                             conv_output_size(w, kw, stride, pad[1], dilation))
    np.testing.assert_allclose(to_batch_first(out), ref, rtol=tol, atol=tol)
    dout = rng.standard_normal(ref.shape)
    dx, dw, db = conv2d_backward(to_batch_last(dout), cache)
    dx_ref, dw_ref, db_ref = conv2d_backward_loops(dout, x, wt, stride, pad, dilation)
    np.testing.assert_allclose(to_batch_first(dx), dx_ref, rtol=tol, atol=tol)
    np.testing.assert_allclose(dw, dw_ref, rtol=tol, atol=tol)
    if b is not None:
        np.testing.assert_allclose(db, db_ref, rtol=tol, atol=tol)
