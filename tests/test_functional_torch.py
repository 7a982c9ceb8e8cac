"""model.functional against torch.nn.functional, forward and backward, over seeded random geometry.

float64 on both sides; tolerance 1e-10 (rtol and atol) on outputs and on every gradient. torch is a
test dependency (pyproject's test extra), imported normally: these tests always run.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from model import functional as F
from tests.test_functional import assert_grads_close, causal_case, conv_case, transposed_case

TOL = 1e-10


def _torch_causal(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor | None = None, dilation: int = 1
                  ) -> torch.Tensor:
    """The first PyTorch recipe in causal_conv1d's docstring."""
    return TF.conv1d(TF.pad(x, ((w.shape[2] - 1) * dilation, 0)), w, b, dilation=dilation)


PAIRS = {  # name: (make a case, ours forward, ours backward, torch forward)
    "conv1d": (lambda rng: conv_case(rng, 1, extra=10, batch=3), F.conv1d, F.conv1d_backward, TF.conv1d),
    "conv2d": (lambda rng: conv_case(rng, 2, extra=8, batch=3), F.conv2d, F.conv2d_backward, TF.conv2d),
    "conv_transpose2d": (lambda rng: transposed_case(rng, max_size=6, batch=3), F.conv_transpose2d,
                         F.conv_transpose2d_backward, TF.conv_transpose2d),
    "causal_conv1d": (lambda rng: causal_case(rng, max_length=20, batch=3), F.causal_conv1d,
                      F.causal_conv1d_backward, _torch_causal),
}


def _torch_run(forward: Callable, x: np.ndarray, w: np.ndarray, b: np.ndarray | None, kwargs: dict,
               grad_out: np.ndarray) -> tuple[np.ndarray, tuple]:
    """torch's output and (grad_input, grad_weight, grad_bias) for upstream gradient grad_out."""
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    tb = None if b is None else torch.tensor(b, requires_grad=True)
    with warnings.catch_warnings():
        # padding="same" with an even effective kernel makes torch warn that it pads a copy first
        warnings.filterwarnings("ignore", message="Using padding='same'", category=UserWarning)
        out = forward(tx, tw, tb, **kwargs)
    out.backward(torch.tensor(grad_out))
    return out.detach().numpy(), (tx.grad.numpy(), tw.grad.numpy(), None if tb is None else tb.grad.numpy())


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("name", PAIRS)
def test_forward_and_backward_match_torch(name, seed):
    make, forward, backward, torch_forward = PAIRS[name]
    rng = np.random.default_rng([seed, 100 + list(PAIRS).index(name)])
    x, w, b, kwargs = make(rng)
    out = forward(x, w, b, **kwargs)
    grad_out = rng.standard_normal(out.shape)
    expected, expected_grads = _torch_run(torch_forward, x, w, b, kwargs, grad_out)
    assert out.shape == expected.shape, kwargs
    np.testing.assert_allclose(out, expected, rtol=TOL, atol=TOL, err_msg=str(kwargs))
    assert_grads_close(backward(grad_out, x, w, b, **kwargs), expected_grads, TOL)


@pytest.mark.parametrize("k,dilation", [(1, 1), (2, 1), (3, 2), (5, 3)])
def test_causal_matches_torchs_conv1d_layer_with_the_last_outputs_dropped(k, dilation):
    """The second recipe: nn.Conv1d(padding=(k-1)*d) pads both sides; drop the outputs that saw the right side."""
    rng = np.random.default_rng(k)
    x = rng.standard_normal((2, 3, 15))
    layer = torch.nn.Conv1d(3, 4, k, dilation=dilation, padding=(k - 1) * dilation).double()
    with torch.no_grad():
        full = layer(torch.tensor(x)).numpy()
    expected = full[..., :full.shape[-1] - (k - 1) * dilation]
    ours = F.causal_conv1d(x, layer.weight.detach().numpy(), layer.bias.detach().numpy(), dilation=dilation)
    np.testing.assert_allclose(ours, expected, rtol=TOL, atol=TOL)


def _z(*shape: int) -> np.ndarray:
    return np.zeros(shape)


REFUSED_BY_BOTH = [  # (ours, torch's) on the same arguments: PyTorch refuses them too
    ("conv2d", (_z(1, 3, 5, 5), _z(4, 1, 3, 3)), {"groups": 2}),
    ("conv2d", (_z(1, 4, 5, 5), _z(3, 2, 3, 3)), {"groups": 2}),
    ("conv2d", (_z(1, 1, 3, 3), _z(1, 1, 5, 5)), {}),
    ("conv2d", (_z(1, 1, 5, 5), _z(1, 1, 3, 3)), {"stride": 2, "padding": "same"}),
    ("conv1d", (_z(1, 1, 4), _z(1, 1, 3)), {"dilation": 2}),
    ("conv_transpose2d", (_z(1, 2, 3, 3), _z(2, 1, 3, 3)), {"stride": 2, "output_padding": 2}),
    ("conv_transpose2d", (_z(1, 2, 3, 3), _z(3, 1, 3, 3)), {}),
    ("conv_transpose2d", (_z(1, 1, 1, 1), _z(1, 1, 1, 1)), {"padding": 1}),
]


@pytest.mark.parametrize("name,arrays,kwargs", REFUSED_BY_BOTH)
def test_we_refuse_what_torch_refuses(name, arrays, kwargs):
    with pytest.raises(ValueError):
        getattr(F, name)(*arrays, **kwargs)
    with pytest.raises((RuntimeError, ValueError)):
        getattr(TF, name)(*(torch.tensor(a) for a in arrays), **kwargs)


def test_output_padding_may_reach_the_stride_when_below_the_dilation():
    """PyTorch's rule is output_padding < stride *or* < dilation; the extra row is still the scatter's."""
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((1, 2, 4, 4)), rng.standard_normal((2, 3, 3, 3))
    kwargs = {"stride": 1, "output_padding": 1, "dilation": 2}
    expected, _ = _torch_run(TF.conv_transpose2d, x, w, None, kwargs, np.ones((1, 3, 9, 9)))
    np.testing.assert_allclose(F.conv_transpose2d(x, w, **kwargs), expected, rtol=TOL, atol=TOL)
