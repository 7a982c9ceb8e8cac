"""Networks a learner describes (model/architecture.py, model.zoo.from_spec): every preset and a
network with every kind of layer is built, saved and loaded back, gives PyTorch's logits and
gradients (training and evaluation mode), and every unit of it is explained with terms that add
up to the engine's own numbers."""

from __future__ import annotations

import numpy as np
import pytest

from model import data_parallel
from model.architecture import plan, totals
from model.datasets import load_dataset
from model.layout import to_batch_first
from model.loss import softmax_cross_entropy
from model.parallel import engine_threads
from model.presets import PRESETS
from model.unit_backward import explain_gradient, gradients
from model.unit_forward import explain_unit, forward_as_listed
from model.zoo import from_spec, load_model
from tests.gradcheck import rel_error
from tests.torch_twin import torch_twin

EVERY_KIND = [
    {"kind": "conv", "channels": 4, "kernel": 3, "padding": 1}, {"kind": "batchnorm"}, {"kind": "relu"},
    {"kind": "maxpool", "kernel": 2}, {"kind": "conv", "channels": 6, "kernel": 3, "stride": 2, "dilation": 2,
                                       "bias": False},
    {"kind": "tanh", "lecun": True}, {"kind": "avgpool", "kernel": 2, "stride": 1}, {"kind": "sigmoid"},
    {"kind": "flatten"}, {"kind": "dropout", "p": 0.3}, {"kind": "linear", "features": 12}, {"kind": "batchnorm"},
    {"kind": "tanh"}, {"kind": "linear", "features": 10},
]


@pytest.fixture(scope="module")
def images() -> np.ndarray:
    return load_dataset().test_images[:16].astype(np.float64)


def trained_looking(specs: list[dict], seed: int = 1) -> object:
    """A network with its batch norms' statistics and scales moved off their initial values."""
    net = from_spec((1, 28, 28), specs, seed=seed, dtype=np.float64)
    rng = np.random.default_rng(seed)
    for _, layer in net.layers:
        if layer.kind.startswith("BatchNorm"):
            c = layer.channels
            layer.buffers["running_mean"][...] = rng.normal(0, 0.3, c)
            layer.buffers["running_var"][...] = rng.uniform(0.5, 2.0, c)
            layer.params["weight"][...] = rng.uniform(0.5, 1.5, c)
            layer.params["bias"][...] = rng.normal(0, 0.2, c)
    return net.train(False)


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_builds_with_the_planned_parameters_and_survives_a_save(name, tmp_path, images):
    specs = PRESETS[name]["layers"]
    net = from_spec((1, 28, 28), specs, seed=3)
    assert net.num_params() == totals(plan((1, 28, 28), specs))["params"]
    net.save(tmp_path / "w.npz")
    back, meta = load_model(tmp_path / "w.npz")
    assert meta["architecture"] == "custom" and meta["layers"] == specs
    assert np.array_equal(back.predict_logits(images), net.predict_logits(images))


def test_a_network_of_every_kind_gives_pytorchs_logits_and_gradients_in_evaluation(images):
    torch = pytest.importorskip("torch")
    net = trained_looking(EVERY_KIND)
    twin = torch_twin(torch, net)
    assert not twin.training
    x = torch.tensor(to_batch_first(net.to_input(images[:4])), requires_grad=True)
    logits = twin(x)
    assert np.abs(net.predict_logits(images[:4]) - logits.detach().numpy()).max() < 1e-10
    for i, target in enumerate((None, 3, 8, 0)):
        ours = gradients(net, images[i], target)
        twin.zero_grad()
        xi = torch.tensor(to_batch_first(net.to_input(images[i:i + 1])), requires_grad=True)
        out = twin(xi)
        t = int(out.detach().argmax()) if target is None else target
        torch.nn.functional.cross_entropy(out, torch.tensor([t])).backward()
        assert ours.target == t
        assert rel_error(ours.input_grad, xi.grad[0].numpy()) < 1e-9
        for name, g in ours.weight_grads.items():
            assert rel_error(g, getattr(twin, name).weight.grad.numpy()) < 1e-9, name


@pytest.mark.parametrize("threads", [1, 2])
def test_one_training_step_equals_pytorchs_with_batch_statistics(images, threads, monkeypatch):
    """Training mode: batch norm normalises with the batch's own statistics and updates the running
    ones; every parameter's gradient and the new statistics agree with PyTorch (no dropout: its
    random masks are each library's own). On two threads the batch is split in halves
    (``model/data_parallel.py``), however little its work, and batch norm still sees all of it."""
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(data_parallel, "MIN_HALF_MULTIPLY_ADDS", 0)
    specs = [s for s in EVERY_KIND if s["kind"] != "dropout"]
    net = trained_looking(specs).train(True)
    twin = torch_twin(torch, net)
    assert twin.training
    labels = np.arange(16) % 10
    x = net.to_input(images)
    with engine_threads(threads):
        logits = net.forward(x)
        _, dlogits = softmax_cross_entropy(logits, labels)
        net.backward(dlogits)
    assert (net._split is not None) == (threads == 2)
    out = twin(torch.tensor(to_batch_first(x)))
    torch.nn.functional.cross_entropy(out, torch.tensor(labels)).backward()
    assert np.abs(to_batch_first(logits) - out.detach().numpy()).max() < 1e-10
    theirs = dict(twin.named_parameters())
    for name, _, grad in net.parameters():  # (a bias before a batch norm has gradient 0: rounding either side)
        assert np.allclose(grad, theirs[name].grad.numpy(), rtol=1e-8, atol=1e-12), name
    buffers = dict(twin.named_buffers())
    for name, value in net.state_dict().items():
        if name in buffers:
            assert np.allclose(value, buffers[name].numpy(), rtol=1e-10, atol=1e-12), name


@pytest.mark.parametrize("layer", ["conv1", "bn1", "relu1", "pool1", "conv2", "tanh1", "pool2", "sigmoid1",
                                   "flatten", "dropout1", "fc1", "bn2", "tanh2", "fc2"])
def test_every_unit_is_explained_and_its_terms_add_up(images, layer):
    net = trained_looking(EVERY_KIND)
    _, outputs = forward_as_listed(net, images[0])
    out = outputs[[n for n, _ in net.layers].index(layer)]
    rng = np.random.default_rng(len(layer))
    grads = gradients(net, images[0])
    for _ in range(3):
        unit = [int(rng.integers(0, s)) for s in out.shape]
        e = explain_unit(net, images[0], layer, unit)
        assert abs(e.activation - out[tuple(unit)]) < 1e-12
        if e.kind in ("Conv2d", "Linear", "AvgPool2d", "MaxPool2d", "BatchNorm2d", "BatchNorm1d", "Dropout",
                      "Flatten"):
            assert abs(e.pre_activation - e.activation) <= 1e-9 * max(1.0, abs(e.activation)), e.kind
        g = explain_gradient(net, images[0], layer, unit, grads=grads)
        assert abs(g.total - g.grad) <= 1e-9 * max(1e-6, abs(g.grad)) + 1e-15, (layer, g.rule)
