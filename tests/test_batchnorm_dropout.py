"""Batch norm (2-D and 1-D, training and evaluation), sigmoid and dropout: backward against
finite differences (float64, relative error < 1e-7 with h = 1e-6), batch norm against its
plain-loop reference, and all of them against PyTorch (forward, backward, running statistics)."""

from __future__ import annotations

import numpy as np
import pytest

from model.batchnorm import BatchNorm
from model.layers import Dropout, Sigmoid
from model.layout import to_batch_first, to_batch_last
from model.reference import batchnorm_forward_loops
from tests.gradcheck import numerical_grad, rel_error

TOL = 1e-7


def grad_check(layer, x: np.ndarray, rng: np.random.Generator) -> None:  # noqa: ANN001
    """dL/dx and dL/dparams of ``layer`` for L = sum(layer(x) * R), R random."""
    dout = rng.standard_normal(layer.forward(x).shape)
    loss = lambda: float(np.sum(layer.forward(x) * dout))  # noqa: E731
    layer.forward(x)
    dx = layer.backward(dout)
    grads = {k: g.copy() for k, g in layer.grads.items()}
    assert rel_error(dx, numerical_grad(loss, x)) < TOL
    for name, p in layer.params.items():
        assert rel_error(grads[name], numerical_grad(loss, p)) < TOL, name


def batchnorm(shape_c: int, spatial: bool, rng: np.random.Generator) -> BatchNorm:
    layer = BatchNorm(shape_c, spatial, dtype=np.float64)
    layer.params["weight"][...] = rng.uniform(0.5, 1.5, shape_c)
    layer.params["bias"][...] = rng.standard_normal(shape_c)
    return layer


@pytest.mark.parametrize("spatial,shape", [(True, (3, 4, 5, 2)), (True, (2, 3, 3, 4)), (False, (5, 6))])
@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_gradients_match_finite_differences(spatial, shape, training):
    rng = np.random.default_rng(3)
    layer = batchnorm(shape[0], spatial, rng)
    layer.buffers["running_mean"][...] = rng.standard_normal(shape[0])
    layer.buffers["running_var"][...] = rng.uniform(0.5, 2.0, shape[0])
    layer.training = training
    grad_check(layer, rng.standard_normal(shape) * 2 + 1, rng)


@pytest.mark.parametrize("nchw", [(4, 3, 5, 5), (6, 7)])
def test_batchnorm_matches_its_plain_loop_reference(nchw):
    rng = np.random.default_rng(4)
    x = rng.standard_normal(nchw) * 3 - 1
    layer = batchnorm(nchw[1], len(nchw) == 4, rng)
    ours = to_batch_first(layer.forward(to_batch_last(x)))
    loops = batchnorm_forward_loops(x, layer.params["weight"], layer.params["bias"])
    assert np.abs(ours - loops).max() < 1e-12


def test_sigmoid_gradient_and_values():
    rng = np.random.default_rng(5)
    grad_check(Sigmoid(), rng.standard_normal((3, 4, 2)) * 3, rng)
    out = Sigmoid().forward(np.array([-800.0, 0.0, 800.0]))  # no overflow far out
    assert out.tolist() == [0.0, 0.5, 1.0]


def test_dropout_scales_what_it_keeps_is_reproducible_and_vanishes_in_evaluation():
    x = np.ones((50, 40))
    layer = Dropout(0.25, seed=7)
    out = layer.forward(x)
    kept = out != 0
    assert np.all(out[kept] == pytest.approx(1 / 0.75))
    assert 0.7 < kept.mean() < 0.8  # 2,000 draws of p = 0.75
    dx = layer.backward(np.full_like(x, 2.0))
    assert np.array_equal(dx, 2.0 * out)  # the same mask, the same scale
    again = Dropout(0.25, seed=7)
    assert np.array_equal(again.forward(x), out)  # the first mask of seed 7 again
    assert not np.array_equal(again.forward(x), out)  # the second differs
    resumed = Dropout(0.25, seed=7)
    resumed.calls = 1
    assert np.array_equal(resumed.forward(x), again.cache * x)  # as the second call of one never stopped
    layer.training = False
    assert layer.forward(x) is x and np.array_equal(layer.backward(x), x)
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\)"):
        Dropout(1.0)


@pytest.mark.parametrize("spatial,nchw", [(True, (8, 3, 5, 5)), (False, (16, 7))])
def test_batchnorm_agrees_with_pytorch_in_training_and_evaluation(spatial, nchw):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    ours = batchnorm(nchw[1], spatial, rng)
    twin = (torch.nn.BatchNorm2d if spatial else torch.nn.BatchNorm1d)(nchw[1], dtype=torch.float64)
    twin.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in
                          {"weight": ours.params["weight"], "bias": ours.params["bias"], **ours.buffers}.items()})
    twin.train()
    for step in range(3):  # three training batches: outputs, gradients and the running statistics
        x = rng.standard_normal(nchw) * 2 + step
        dout = rng.standard_normal(nchw)
        tx = torch.tensor(x, requires_grad=True)
        tout = twin(tx)
        (tout * torch.from_numpy(dout)).sum().backward()
        out = to_batch_first(ours.forward(to_batch_last(x)))
        dx = to_batch_first(ours.backward(to_batch_last(dout)))
        assert np.abs(out - tout.detach().numpy()).max() < 1e-10
        assert np.abs(dx - tx.grad.numpy()).max() < 1e-10
        for name in ("weight", "bias"):
            assert np.abs(ours.grads[name] - getattr(twin, name).grad.numpy()).max() < 1e-10
        twin.zero_grad()
        for name, value in ours.buffers.items():
            assert np.allclose(value, getattr(twin, name).numpy(), rtol=1e-12, atol=1e-12), name
    ours.training = False
    twin.eval()
    x = rng.standard_normal(nchw)
    assert np.abs(to_batch_first(ours.forward(to_batch_last(x))) - twin(torch.from_numpy(x)).detach().numpy()).max() < 1e-10
