"""model.functional against its plain loops, finite differences and its own identities (no torch here).

Tolerances: vectorised vs loops 1e-10 (rtol and atol, float64); finite differences: relative error
(tests/gradcheck.py) < 1e-7 with central differences, h = 1e-6, on tiny float64 shapes.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from model import functional as F
from model import functional_reference as R
from tests.gradcheck import numerical_grad, rel_error

LOOP_TOL = 1e-10
GRAD_TOL = 1e-7


# --- random geometry (tests/test_functional_torch.py uses these too) --------------------------------

def _form(values: tuple[int, ...], rng: np.random.Generator) -> int | tuple[int, ...]:
    """An int when every axis agrees (half the time), else the tuple: both forms get exercised."""
    return values[0] if len(set(values)) == 1 and rng.random() < 0.5 else values


def conv_case(rng: np.random.Generator, dims: int, extra: int = 4, batch: int = 2) -> tuple:
    """(x, weight, bias or None, kwargs) for conv1d (dims=1) or conv2d (dims=2): any valid geometry."""
    groups = int(rng.choice([1, 1, 2, 3]))
    c_in, c_out = groups * int(rng.integers(1, 3)), groups * int(rng.integers(1, 3))
    kernel = tuple(int(k) for k in rng.integers(1, 4, dims))
    stride = tuple(int(s) for s in rng.integers(1, 4, dims))
    dilation = tuple(int(d) for d in rng.integers(1, 3, dims))
    kind = rng.integers(4)
    if kind == 0:
        padding = "valid"
    elif kind == 1:
        padding, stride = "same", (1,) * dims  # PyTorch allows "same" only at stride 1
    else:
        padding = _form(tuple(int(p) for p in rng.integers(0, 3, dims)), rng)
    size = tuple(d * (k - 1) + 1 + int(rng.integers(0, extra + 1)) for k, d in zip(kernel, dilation))
    x = rng.standard_normal((int(rng.integers(1, batch + 1)), c_in, *size))
    w = rng.standard_normal((c_out, c_in // groups, *kernel))
    b = rng.standard_normal(c_out) if rng.random() < 0.6 else None
    kwargs = {"stride": _form(stride, rng), "padding": padding, "dilation": _form(dilation, rng), "groups": groups}
    return x, w, b, kwargs


def transposed_case(rng: np.random.Generator, max_size: int = 3, batch: int = 2,
                    output_padding_below_stride: bool = False) -> tuple:
    """(x, weight, bias or None, kwargs) for conv_transpose2d: any valid geometry, output_padding included."""
    groups = int(rng.choice([1, 1, 2]))
    c_in, c_out_per_group = groups * int(rng.integers(1, 3)), int(rng.integers(1, 3))
    kernel = tuple(int(k) for k in rng.integers(1, 4, 2))
    stride = tuple(int(s) for s in rng.integers(1, 4, 2))
    dilation = tuple(int(d) for d in rng.integers(1, 3, 2))
    limit = stride if output_padding_below_stride else tuple(max(s, d) for s, d in zip(stride, dilation))
    output_padding = tuple(int(rng.integers(0, m)) for m in limit)
    size = tuple(int(n) for n in rng.integers(1, max_size + 1, 2))
    padding = tuple(int(rng.integers(0, 3)) for _ in range(2))
    padding = tuple(p if (n - 1) * s - 2 * p + d * (k - 1) + op + 1 >= 1 else 0
                    for n, k, s, p, op, d in zip(size, kernel, stride, padding, output_padding, dilation))
    x = rng.standard_normal((int(rng.integers(1, batch + 1)), c_in, *size))
    w = rng.standard_normal((c_in, c_out_per_group, *kernel))
    b = rng.standard_normal(c_out_per_group * groups) if rng.random() < 0.6 else None
    kwargs = {"stride": _form(stride, rng), "padding": _form(padding, rng), "output_padding": _form(output_padding, rng),
                  "groups": groups, "dilation": _form(dilation, rng)}
    return x, w, b, kwargs


def causal_case(rng: np.random.Generator, max_length: int = 9, batch: int = 2) -> tuple:
    c_in, c_out, k = (int(v) for v in rng.integers(1, 4, 3))
    x = rng.standard_normal((int(rng.integers(1, batch + 1)), c_in, int(rng.integers(1, max_length + 1))))
    b = rng.standard_normal(c_out) if rng.random() < 0.6 else None
    return x, rng.standard_normal((c_out, c_in, k)), b, {"dilation": int(rng.integers(1, 4))}


def assert_grads_close(ours: tuple, theirs: tuple, tol: float) -> None:
    for name, a, b in zip(("grad_input", "grad_weight", "grad_bias"), ours, theirs):
        if b is None:
            assert a is None, name
        else:
            assert a.shape == b.shape, name
            np.testing.assert_allclose(a, b, rtol=tol, atol=tol, err_msg=name)


# --- vectorised == loops ------------------------------------------------------------------------------

FUNCTIONS = {  # name: (make a case, vectorised forward, backward, loop forward, loop backward)
    "conv1d": (lambda rng: conv_case(rng, 1, extra=6), F.conv1d, F.conv1d_backward,
               R.conv1d_loops, R.conv1d_backward_loops),
    "conv2d": (lambda rng: conv_case(rng, 2, extra=6), F.conv2d, F.conv2d_backward, R.conv2d_loops, R.conv2d_backward_loops),
    "conv_transpose2d": (lambda rng: transposed_case(rng, max_size=4), F.conv_transpose2d, F.conv_transpose2d_backward,
                         R.conv_transpose2d_loops, R.conv_transpose2d_backward_loops),
    "causal_conv1d": (causal_case, F.causal_conv1d, F.causal_conv1d_backward,
                      R.causal_conv1d_loops, R.causal_conv1d_backward_loops),
}


@pytest.mark.parametrize("seed", range(25))
@pytest.mark.parametrize("name", FUNCTIONS)
def test_vectorised_matches_the_loops(name, seed):
    make, forward, backward, forward_loops, backward_loops = FUNCTIONS[name]
    rng = np.random.default_rng([seed, list(FUNCTIONS).index(name)])
    x, w, b, kwargs = make(rng)
    out = forward(x, w, b, **kwargs)
    ref = forward_loops(x, w, b, **kwargs)
    assert out.shape == ref.shape, kwargs
    np.testing.assert_allclose(out, ref, rtol=LOOP_TOL, atol=LOOP_TOL, err_msg=str(kwargs))
    grad_out = rng.standard_normal(out.shape)
    assert_grads_close(backward(grad_out, x, w, b, **kwargs), backward_loops(grad_out, x, w, b, **kwargs), LOOP_TOL)


@pytest.mark.parametrize("seed", range(6))
def test_stamping_and_gathering_give_the_same_transposed_convolution(seed):
    x, w, b, kwargs = transposed_case(np.random.default_rng(seed))
    np.testing.assert_allclose(R.conv_transpose2d_stamp_loops(x, w, b, **kwargs),
                               R.conv_transpose2d_loops(x, w, b, **kwargs), rtol=LOOP_TOL, atol=LOOP_TOL)


# --- finite differences ---------------------------------------------------------------------------------

GRAD_CASES = [
    # (function name, x shape, weight shape, bias?, kwargs)
    ("conv1d", (2, 2, 7), (3, 2, 3), True, {"stride": 2, "padding": 1}),
    ("conv1d", (1, 4, 8), (2, 2, 2), False, {"padding": "same", "dilation": 3, "groups": 2}),
    ("conv2d", (2, 2, 5, 6), (3, 2, 3, 2), True, {"stride": (2, 1), "padding": (1, 0), "dilation": (1, 2)}),
    ("conv2d", (1, 4, 5, 5), (4, 1, 3, 3), True, {"padding": "same", "groups": 4}),  # depthwise
    ("conv2d", (2, 4, 6, 5), (2, 2, 2, 2), False, {"stride": 2, "padding": "valid", "groups": 2}),
    ("conv_transpose2d", (2, 2, 3, 3), (2, 3, 3, 3), True, {"stride": 2, "padding": 1, "output_padding": 1}),
    ("conv_transpose2d", (1, 4, 2, 3), (4, 1, 2, 3), True, {"stride": (1, 2), "output_padding": (1, 0), "groups": 2,
                                                                 "dilation": (2, 1)}),
    ("causal_conv1d", (2, 2, 6), (3, 2, 3), True, {"dilation": 2}),
]


@pytest.mark.parametrize("name,x_shape,w_shape,bias,kwargs", GRAD_CASES)
def test_backward_matches_finite_differences(name, x_shape, w_shape, bias, kwargs):
    _, forward, backward, _, _ = FUNCTIONS[name]
    rng = np.random.default_rng(7)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    b = rng.standard_normal(w_shape[1] * kwargs.get("groups", 1) if name == "conv_transpose2d" else w_shape[0]) \
        if bias else None
    weights = rng.standard_normal(forward(x, w, b, **kwargs).shape)
    loss = lambda: float(np.sum(forward(x, w, b, **kwargs) * weights))
    grads = backward(weights, x, w, b, **kwargs)
    for label, grad, param in zip(("input", "weight", "bias"), grads, (x, w, b)):
        if param is None:
            assert grad is None
        else:
            assert rel_error(grad, numerical_grad(loss, param)) < GRAD_TOL, label


# --- what the lessons claim -----------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(8))
def test_transposed_convolution_is_the_input_gradient_of_conv2d(seed):
    rng = np.random.default_rng(seed)
    x, w, _, kw = transposed_case(rng, max_size=5, output_padding_below_stride=True)
    out = F.conv_transpose2d(x, w, **kw)
    conv_kw = {"stride": kw["stride"], "padding": kw["padding"], "dilation": kw["dilation"], "groups": kw["groups"]}
    y = rng.standard_normal(out.shape)  # any input of the matching conv2d: its values do not matter
    assert F.conv2d(y, w, **conv_kw).shape == x.shape
    np.testing.assert_allclose(out, F.conv2d_backward(x, y, w, **conv_kw)[0], rtol=1e-12, atol=1e-12)
    # the adjoint identity behind it: <conv2d(y), x> = <y, conv_transpose2d(x)>
    assert np.sum(F.conv2d(y, w, **conv_kw) * x) == pytest.approx(np.sum(y * out), rel=1e-12)
    # and back: the transposed convolution's input-gradient is the convolution itself
    grad_out = rng.standard_normal(out.shape)
    np.testing.assert_allclose(F.conv_transpose2d_backward(grad_out, x, w, **kw)[0], F.conv2d(grad_out, w, **conv_kw),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("k,dilation", [(1, 1), (2, 1), (3, 1), (3, 2), (4, 3)])
def test_causal_output_depends_only_on_the_present_and_past(k, dilation):
    rng = np.random.default_rng(k * 10 + dilation)
    x, w = rng.standard_normal((2, 3, 12)), rng.standard_normal((2, 3, k))
    out = F.causal_conv1d(x, w, dilation=dilation)
    assert out.shape == (2, 2, 12)
    for t0 in range(12):
        nudged = x.copy()
        nudged[:, :, t0] += 1.0
        changed = np.any(F.causal_conv1d(nudged, w, dilation=dilation) != out, axis=(0, 1))
        assert not changed[:t0].any(), f"an output before t={t0} saw x[t={t0}]"
        assert changed[t0]  # through the last tap, which reads "now"
    # the two PyTorch recipes, in NumPy: pad (K-1)*d on the left; or pad both sides and drop the last (K-1)*d
    left = (k - 1) * dilation
    np.testing.assert_allclose(out, F.conv1d(np.pad(x, ((0, 0), (0, 0), (left, 0))), w, dilation=dilation), atol=1e-12)
    both = F.conv1d(x, w, padding=left, dilation=dilation)
    np.testing.assert_allclose(out, both[..., :both.shape[-1] - left], atol=1e-12)


@pytest.mark.parametrize("k,dilation", [(1, 1), (2, 1), (3, 1), (4, 1), (2, 3), (3, 2)])
def test_same_padding_keeps_the_size_and_valid_means_none(k, dilation):
    rng = np.random.default_rng(k + dilation)
    x1, w1 = rng.standard_normal((1, 2, 11)), rng.standard_normal((3, 2, k))
    assert F.conv1d(x1, w1, padding="same", dilation=dilation).shape == (1, 3, 11)
    x2, w2 = rng.standard_normal((1, 2, 9, 10)), rng.standard_normal((3, 2, k, 5 - k % 2))
    assert F.conv2d(x2, w2, padding="same", dilation=dilation).shape == (1, 3, 9, 10)
    np.testing.assert_array_equal(F.conv2d(x2, w2, padding="valid"), F.conv2d(x2, w2, padding=0))


def test_depthwise_is_one_convolution_per_channel():
    rng = np.random.default_rng(11)
    x, w = rng.standard_normal((2, 3, 6, 6)), rng.standard_normal((6, 1, 3, 3))  # 2 filters per channel
    out = F.conv2d(x, w, padding=1, groups=3)
    per_channel = [F.conv2d(x[:, c:c + 1], w[2 * c:2 * c + 2], padding=1) for c in range(3)]
    np.testing.assert_allclose(out, np.concatenate(per_channel, axis=1), atol=1e-12)


# --- errors a learner can act on --------------------------------------------------------------------

def _a(*shape: int) -> np.ndarray:
    return np.zeros(shape)


BAD_CALLS = [
    (lambda: F.conv2d(_a(1, 3, 5, 5), _a(4, 1, 3, 3), groups=2), "in_channels (input.shape[1]) = 3 cannot be cut into groups=2"),
    (lambda: F.conv2d(_a(1, 4, 5, 5), _a(3, 2, 3, 3), groups=2), "out_channels (weight.shape[0]) = 3"),
    (lambda: F.conv2d(_a(1, 4, 5, 5), _a(4, 4, 3, 3), groups=2), "C_in/groups = 4/2 = 2"),
    (lambda: F.conv2d(_a(1, 1, 3, 3), _a(1, 1, 5, 5)), "the kernel spans d*(k-1)+1 = 5 cells along H"),
    (lambda: F.conv1d(_a(1, 1, 4), _a(1, 1, 3), dilation=2, padding=0), "5 cells along L"),
    (lambda: F.conv2d(_a(1, 1, 5, 5), _a(1, 1, 3, 3), stride=2, padding="same"), "padding='same' keeps the input size only at stride 1"),
    (lambda: F.conv2d(_a(1, 1, 5, 5), _a(1, 1, 3, 3), padding="full"), "padding must be an int, a tuple of ints, 'same' or 'valid'"),
    (lambda: F.conv2d(_a(1, 1, 5, 5), _a(1, 1, 3, 3), padding=-1), "padding must be >= 0"),
    (lambda: F.conv2d(_a(1, 1, 5, 5), _a(1, 1, 3, 3), stride=0), "stride must be >= 1"),
    (lambda: F.conv1d(_a(1, 1, 5), _a(1, 1, 3), stride=(1, 1)), "stride must be an int or a tuple of 1 int,"),
    (lambda: F.conv2d(_a(1, 5, 5), _a(1, 1, 3, 3)), "input must be a NumPy array of shape (N, C_in, H, W)"),
    (lambda: F.conv1d(_a(1, 1, 5), _a(1, 1, 3, 3)), "weight must be a NumPy array of shape (C_out, C_in/groups, K)"),
    (lambda: F.conv2d(_a(1, 1, 5, 5), _a(2, 1, 3, 3), _a(3)), "bias must have shape (C_out,) = (2,)"),
    (lambda: F.conv2d(_a(1, 2, 5, 5), _a(2, 1, 3, 3), groups=0), "groups must be an int >= 1"),
    (lambda: F.conv2d_backward(_a(1, 1, 2, 2), _a(1, 1, 5, 5), _a(1, 1, 3, 3)), "grad_out must have the shape of the forward's output, (1, 1, 3, 3)"),
    (lambda: F.conv_transpose2d(_a(1, 2, 3, 3), _a(2, 1, 3, 3), stride=2, output_padding=2),
     "output_padding must be smaller than stride or dilation"),
    (lambda: F.conv_transpose2d(_a(1, 2, 3, 3), _a(3, 1, 3, 3)), "weight must have shape (C_in, C_out/groups, kH, kW) with C_in = 2"),
    (lambda: F.conv_transpose2d(_a(1, 3, 3, 3), _a(3, 1, 3, 3), groups=2), "in_channels (input.shape[1]) = 3"),
    (lambda: F.conv_transpose2d(_a(1, 1, 1, 1), _a(1, 1, 1, 1), padding=1), "H_out = (H - 1)*stride - 2*padding"),
    (lambda: F.conv_transpose2d(_a(1, 1, 3, 3), _a(1, 1, 3, 3), padding="same"), "conv_transpose2d has no 'same'"),
    (lambda: F.causal_conv1d(_a(1, 1, 5), _a(1, 1, 3), dilation=0), "causal_conv1d: dilation must be >= 1"),
]


@pytest.mark.parametrize("call,message", BAD_CALLS)
def test_bad_arguments_raise_a_value_error_that_says_what_to_fix(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()
