"""Hypothesis property tests for the engine: over random shapes, strides, paddings and dilations,
the vectorised convolution equals the loop reference, forward and backward, and its gradients
equal finite differences (float64)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from model.conv import conv2d_backward, conv2d_forward
from model.layout import to_batch_first, to_batch_last
from model.pooling import MaxPool2d
from model.reference import maxpool_backward_loops, maxpool_forward_loops
from tests.conv_check import assert_conv_equals_the_loops
from tests.gradcheck import numerical_grad, rel_error


@st.composite
def conv_cases(draw):
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride, dilation = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ph, pw = draw(st.integers(0, 3)), draw(st.integers(0, 3))
    # an input at least as large as the dilated kernel, so there is at least one window
    h = draw(st.integers(max(1, dilation * (kh - 1) + 1 - 2 * ph), 12))  # largest span: 3 * 3 + 1 = 10
    w = draw(st.integers(max(1, dilation * (kw - 1) + 1 - 2 * pw), 12))
    n, c, f = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    return n, c, f, h, w, kh, kw, stride, (ph, pw), dilation, seed


@settings(max_examples=40, deadline=None)
@given(conv_cases(), st.booleans())
def test_vectorised_conv_equals_the_loops(case, bias):
    n, c, f, h, w, kh, kw, stride, pad, dilation, seed = case
    rng = np.random.default_rng(seed)
    x, wt = rng.standard_normal((n, c, h, w)), rng.standard_normal((f, c, kh, kw))
    b = rng.standard_normal(f) if bias else None
    assert_conv_equals_the_loops(x, wt, b, stride, pad, dilation, rng, tol=1e-9)


@settings(max_examples=25, deadline=None)
@given(conv_cases())
def test_conv_gradients_equal_finite_differences(case):
    n, c, f, h, w, kh, kw, stride, pad, dilation, seed = case
    rng = np.random.default_rng(seed)
    x, wt = rng.standard_normal((c, h, w, n)), rng.standard_normal((f, c, kh, kw))
    out, cache = conv2d_forward(x, wt, None, stride, pad, dilation)
    dout = rng.standard_normal(out.shape)

    def loss() -> float:
        return float((conv2d_forward(x, wt, None, stride, pad, dilation)[0] * dout).sum())

    dx, dw, _ = conv2d_backward(dout, cache)
    assert rel_error(dx, numerical_grad(loss, x)) < 1e-7
    assert rel_error(dw, numerical_grad(loss, wt)) < 1e-7


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(0, 2**32 - 1))
def test_max_pool_routes_to_the_first_arg_max_like_the_loops(k, stride, levels, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, levels + 1, (2, 2, 7, 6)).astype(np.float64)  # few levels: many exact ties
    layer = MaxPool2d(k, stride)
    out = layer.forward(to_batch_last(x))
    ref, arg = maxpool_forward_loops(x, k, stride)
    np.testing.assert_array_equal(to_batch_first(out), ref)
    dout = rng.standard_normal(ref.shape)
    dx = to_batch_first(layer.backward(to_batch_last(dout)))
    np.testing.assert_allclose(dx, maxpool_backward_loops(dout, x.shape, arg, k, stride), atol=1e-12)
