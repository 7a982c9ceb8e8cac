"""The lessons' maths (model/*_lesson.py) against plain loops: the batched finite differences equal
the one-entry-at-a-time ones, and the vectorised sliding window equals the window moved by hand."""

from __future__ import annotations

import numpy as np
import pytest

from model.conv import conv2d_forward
from model.correlation_lesson import (central_differences, correlate_1d, correlate_2d, finite_difference_1d,
                                      gradients_1d)
from model.sliding_lesson import slide


def test_batched_finite_differences_equal_one_entry_at_a_time_in_1d():
    rng = np.random.default_rng(0)
    x, w, pad = rng.standard_normal(9), rng.standard_normal(3), 1
    delta = rng.standard_normal(len(x) + 2 * pad - len(w) + 1)

    def loss(xv: np.ndarray, wv: np.ndarray) -> float:
        return float(sum(e.value * d for e, d in zip(correlate_1d(xv, wv, pad), delta)))

    nx, nw = finite_difference_1d(x, w, delta, pad)
    np.testing.assert_allclose(nx, central_differences(lambda xv: loss(xv, w), x), atol=1e-8)
    np.testing.assert_allclose(nw, central_differences(lambda wv: loss(x, wv), w), atol=1e-8)
    dx, dw = gradients_1d(x, w, delta, pad)  # and both agree with the analytic gradients
    np.testing.assert_allclose(nx, [e.value for e in dx], atol=1e-7)
    np.testing.assert_allclose(nw, [e.value for e in dw], atol=1e-7)


@pytest.mark.parametrize("pad,stride", [(0, 1), (1, 2), (2, 3)])
def test_batched_finite_differences_equal_one_entry_at_a_time_in_2d(pad, stride):
    rng = np.random.default_rng(pad * 10 + stride)
    x, w = rng.standard_normal((7, 6)), rng.standard_normal((3, 2))
    y = correlate_2d(x, w, None, pad, stride)["y"]
    delta = rng.standard_normal(y.shape)
    r = correlate_2d(x, w, delta, pad, stride)

    def loss(xv: np.ndarray, wv: np.ndarray) -> float:
        out = conv2d_forward(xv[None, :, :, None], wv[None, None], None, stride, pad)[0]
        return float((out[0, :, :, 0] * delta).sum())

    np.testing.assert_allclose(r["dx_numeric"], central_differences(lambda xv: loss(xv, w), x), atol=1e-8)
    np.testing.assert_allclose(r["dw_numeric"], central_differences(lambda wv: loss(x, wv), w), atol=1e-8)
    np.testing.assert_allclose(r["dx_numeric"], r["dx"], atol=1e-7)
    np.testing.assert_allclose(r["dw_numeric"], r["dw"], atol=1e-7)


@pytest.mark.parametrize("padding,stride,dilation", [("zero", 1, 1), ("reflect", 2, 2), ("valid", 3, 1),
                                                     ("wrap", 1, 3), ("edge", 2, 1)])
def test_the_sliding_window_equals_the_window_moved_by_hand(padding, stride, dilation):
    rng = np.random.default_rng(stride * 7 + dilation)
    x, w = rng.standard_normal((9, 8)), rng.standard_normal((3, 2))
    s = slide(x, w, padding, stride, dilation)
    for i, j, rows, cols in s.positions:
        assert rows == [i * stride + u * dilation for u in range(3)]
        assert cols == [j * stride + v * dilation for v in range(2)]
        by_hand = sum(s.padded[r, c] * w[u, v] for u, r in enumerate(rows) for v, c in enumerate(cols))
        assert s.output[i, j] == pytest.approx(by_hand, abs=1e-12)
    assert len(s.positions) == s.output.size == s.rows.size * s.cols.size
