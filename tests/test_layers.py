"""Every layer's backward against finite differences (float64), and the vectorised kernels
against the plain-loop references. Tolerance: relative error < 1e-7 with h = 1e-6."""

from __future__ import annotations

import numpy as np
import pytest

from model.conv import Conv2d, conv2d_forward, resolve_padding
from model.layers import Flatten, Linear, ReLU, Tanh
from model.layout import to_batch_first, to_batch_last
from model.loss import softmax_cross_entropy
from model.pooling import AvgPool2d, MaxPool2d
from model.reference import (avgpool_forward_loops, maxpool_backward_loops, maxpool_forward_loops)
from tests.conv_check import assert_conv_equals_the_loops
from tests.gradcheck import numerical_grad, rel_error

TOL = 1e-7

CONV_CASES = [
    # (C, F, H, W, K, stride, padding, dilation, bias)
    (1, 2, 5, 5, 3, 1, 0, 1, True),
    (2, 3, 6, 5, 3, 1, 1, 1, False),
    (3, 2, 7, 7, 3, 2, 1, 1, True),
    (2, 2, 8, 6, 2, 2, 0, 1, True),
    (2, 3, 7, 7, 3, 1, 2, 2, True),
    (1, 2, 9, 8, 3, 3, 1, 2, False),
    (2, 2, 6, 6, 5, 1, "same", 1, False),
    (3, 4, 5, 5, 1, 1, 0, 1, True),
    (2, 2, 7, 6, (2, 3), 2, 1, 1, True),
]


def _layer_grad_check(layer, x: np.ndarray, rng: np.random.Generator) -> None:
    """Checks dL/dx and dL/dparams of ``layer`` for L = sum(layer(x) * R), R random."""
    out = layer.forward(x)
    dout = rng.standard_normal(out.shape)
    loss = lambda: float(np.sum(layer.forward(x) * dout))  # noqa: E731
    layer.forward(x)
    dx = layer.backward(dout)
    grads = {k: g.copy() for k, g in layer.grads.items()}
    if layer.needs_input_grad:
        assert rel_error(dx, numerical_grad(loss, x)) < TOL
    for name, p in layer.params.items():
        assert rel_error(grads[name], numerical_grad(loss, p)) < TOL, name


@pytest.mark.parametrize("c,f,h,w,k,stride,padding,dilation,bias", CONV_CASES)
def test_conv_gradients_match_finite_differences(c, f, h, w, k, stride, padding, dilation, bias):
    rng = np.random.default_rng(1)
    layer = Conv2d(c, f, k, stride, padding, dilation, bias=bias, rng=rng, dtype=np.float64)
    x = rng.standard_normal((c, h, w, 2))
    _layer_grad_check(layer, x, rng)


@pytest.mark.parametrize("c,f,h,w,k,stride,padding,dilation,bias", CONV_CASES)
def test_vectorised_conv_matches_loop_reference(c, f, h, w, k, stride, padding, dilation, bias):
    rng = np.random.default_rng(2)
    kh, kw = (k, k) if isinstance(k, int) else k
    x = rng.standard_normal((3, c, h, w))  # NCHW for the reference
    wt = rng.standard_normal((f, c, kh, kw))
    b = rng.standard_normal(f) if bias else None
    pad = resolve_padding(padding, kh, kw, dilation)
    assert_conv_equals_the_loops(x, wt, b, stride, pad, dilation, rng)


def test_conv_float32_is_close_to_float64():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 14, 14, 4))
    w = rng.standard_normal((16, 6, 5, 5))
    out64, _ = conv2d_forward(x, w)
    out32, _ = conv2d_forward(x.astype(np.float32), w.astype(np.float32))
    assert out32.dtype == np.float32
    np.testing.assert_allclose(out32, out64, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("layer_factory,shape", [
    (lambda: MaxPool2d(2), (2, 6, 6, 3)),
    (lambda: MaxPool2d(3, 2), (2, 7, 7, 2)),  # overlapping windows
    (lambda: MaxPool2d((2, 3), 1), (1, 5, 6, 2)),
    (lambda: AvgPool2d(2), (2, 6, 6, 3)),
    (lambda: AvgPool2d(3, 2), (2, 7, 7, 2)),
    (lambda: ReLU(), (3, 4, 4, 2)),
    (lambda: Tanh(), (3, 4, 4, 2)),
    (lambda: Tanh(lecun=True), (3, 4, 4, 2)),
    (lambda: Flatten(), (3, 4, 4, 2)),
])
def test_parameter_free_layers_match_finite_differences(layer_factory, shape):
    rng = np.random.default_rng(4)
    x = rng.standard_normal(shape)
    if isinstance(layer_factory(), ReLU):
        x[np.abs(x) < 1e-3] = 0.5  # keep away from the kink at 0
    _layer_grad_check(layer_factory(), x, rng)


@pytest.mark.parametrize("bias", [True, False])
def test_linear_gradients(bias):
    rng = np.random.default_rng(5)
    layer = Linear(7, 4, bias=bias, rng=rng, dtype=np.float64)
    _layer_grad_check(layer, rng.standard_normal((7, 3)), rng)


def test_lecun_tanh_maps_one_to_one():
    out = Tanh(lecun=True).forward(np.array([[-1.0, 0.0, 1.0]]))
    np.testing.assert_allclose(out, [[-1.0, 0.0, 1.0]], atol=2e-4)


def test_softmax_cross_entropy_gradient_and_stability():
    rng = np.random.default_rng(6)
    logits = rng.standard_normal((10, 5))
    labels = rng.integers(0, 10, 5)
    _, dlogits = softmax_cross_entropy(logits.copy(), labels)
    num = numerical_grad(lambda: softmax_cross_entropy(logits.copy(), labels)[0], logits)
    assert rel_error(dlogits, num) < TOL
    huge = np.array([[1000.0, -1000.0], [0.0, 1000.0]])
    loss, grad = softmax_cross_entropy(huge, np.array([0, 1]))
    assert np.isfinite(loss) and np.all(np.isfinite(grad))
    assert loss == pytest.approx(0.0, abs=1e-12)


def test_maxpool_matches_loop_reference_and_first_argmax_on_ties():
    rng = np.random.default_rng(7)
    # Integers make exact ties common, as on real MNIST windows.
    x = rng.integers(0, 3, (2, 3, 6, 6)).astype(np.float64)
    layer = MaxPool2d(2)
    out = layer.forward(to_batch_last(x))
    ref, arg = maxpool_forward_loops(x)
    np.testing.assert_array_equal(to_batch_first(out), ref)
    dout = rng.standard_normal(ref.shape)
    dx = to_batch_first(layer.backward(to_batch_last(dout)))
    np.testing.assert_allclose(dx, maxpool_backward_loops(dout, x.shape, arg))
    # every window passes its gradient to exactly one pixel, even with ties
    assert np.count_nonzero(dx) == np.count_nonzero(dout)


def test_avgpool_matches_loop_reference():
    x = np.random.default_rng(8).standard_normal((2, 3, 6, 6))
    out = AvgPool2d(2).forward(to_batch_last(x))
    np.testing.assert_allclose(to_batch_first(out), avgpool_forward_loops(x))


def test_same_padding_rejects_even_kernels():
    with pytest.raises(ValueError, match="odd"):
        resolve_padding("same", 4, 4)
    with pytest.raises(ValueError, match="padding must be"):
        resolve_padding("full", 3, 3)


def test_kernel_larger_than_input_is_a_clear_error():
    with pytest.raises(ValueError, match="does not fit"):
        conv2d_forward(np.zeros((1, 3, 3, 1)), np.zeros((1, 1, 5, 5)))
