"""Any unit, forward and backward (model/unit_forward.py, model/unit_backward.py): the terms add up
to the engine's own numbers, the gradients match finite differences in float64 and PyTorch
autograd on the pretrained weights and real MNIST digits."""

from __future__ import annotations

import numpy as np
import pytest

from model.datasets import load_dataset
from model.network import Sequential
from model.unit_backward import check_by_finite_differences, explain_gradient, gradients
from model.unit_forward import explain_unit, forward_as_listed
from model.zoo import PRETRAINED_LENET5, lenet5, load_model
from tests.gradcheck import rel_error
from tests.torch_twin import torch_lenet5

UNITS = [("conv1", [0, 0, 0]), ("conv1", [3, 14, 13]), ("relu1", [2, 9, 9]), ("pool1", [1, 7, 6]),
         ("conv2", [5, 4, 4]), ("relu2", [9, 0, 9]), ("pool2", [15, 2, 3]), ("flatten", [123]),
         ("fc1", [7]), ("relu3", [40]), ("fc2", [11]), ("relu4", [3]), ("fc3", [4])]


@pytest.fixture(scope="module")
def net() -> Sequential:
    return load_model(PRETRAINED_LENET5)[0]


@pytest.fixture(scope="module")
def digits() -> list[np.ndarray]:
    ds = load_dataset()
    return [ds.test_images[i].astype(np.float64) for i in (0, 1, 2, 3)]


# ---- forward -----------------------------------------------------------------------------------
@pytest.mark.parametrize("layer,unit", UNITS)
def test_the_terms_add_up_to_the_units_value(net, digits, layer, unit):
    for image in digits:
        e = explain_unit(net, image, layer, unit)
        if e.kind == "Conv2d":
            total = sum(np.sum(ch.products) for ch in e.channels) + (e.bias or 0.0)
        elif e.kind == "Linear":
            total = sum(c.product for c in e.inputs) + e.rest + (e.bias or 0.0)
            assert len(e.inputs) + e.rest_count == net[layer].in_features
        elif e.kind == "MaxPool2d":
            window = np.array(e.window)
            total = window[tuple(e.argmax)]
            assert total == window.max() and np.argmax(window) == e.argmax[0] * window.shape[1] + e.argmax[1]
        elif e.kind == "ReLU":
            total = max(e.pre_activation, 0.0)
        else:  # Flatten copies one value
            total = e.pre_activation
        assert abs(total - e.activation) <= 1e-5 * max(1.0, abs(e.activation)), (layer, unit)
        assert abs(e.pre_activation - (e.activation if e.kind != "ReLU" else e.pre_activation)) <= 1e-5 * max(
            1.0, abs(e.activation))


def test_a_conv_window_over_the_border_shows_the_padding(net, digits):
    e = explain_unit(net, digits[0], "conv1", [0, 0, 0])
    assert e.window_origin == [-2, -2] and e.window_size == [5, 5]
    window = e.channels[0].window
    assert window[0] == [None] * 5 and [row[0] for row in window] == [None] * 5
    assert window[2][2] is not None  # the input's own (0, 0)
    assert e.then == {"layer": "relu1", "kind": "ReLU", "value": max(e.activation, 0.0)}


def test_the_last_layer_shows_its_softmax(net, digits):
    e = explain_unit(net, digits[0], "fc3", [7])
    s = e.softmax
    assert np.isclose(sum(s["probabilities"]), 1.0) and np.isclose(s["max_logit"], max(s["logits"]))
    assert np.allclose(np.array(s["exp_shifted"]) / s["sum"], s["probabilities"])
    assert np.isclose(s["logits"][7], e.activation, rtol=1e-6)


@pytest.mark.parametrize("layer,unit,message", [
    ("conv9", [0, 0, 0], "unknown layer 'conv9'; expected one of conv1, relu1"),
    ("conv1", [6, 0, 0], "conv1's channel must be 0..5, got 6"),
    ("pool2", [0, 5, 0], "pool2's row must be 0..4, got 5"),
    ("fc1", [0, 1, 2], "fc1's output has shape [120]: give the unit as [index]"),
    ("conv2", [3], "conv2's output has shape [16, 10, 10]: give the unit as [channel, row, column]"),
])
def test_a_unit_that_is_not_there_is_named_with_the_valid_range(net, digits, layer, unit, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        explain_unit(net, digits[0], layer, unit)


# ---- backward ----------------------------------------------------------------------------------
@pytest.mark.parametrize("layer,unit", UNITS)
def test_a_units_gradient_is_the_sum_of_its_terms(net, digits, layer, unit):
    for image, target in zip(digits, (None, 3, 8, 0)):
        grads = gradients(net, image, target)
        e = explain_gradient(net, image, layer, unit, grads=grads)
        shown = sum(t.product for t in e.terms) + e.rest
        scale = max(1e-12, np.abs(grads.layer_grads[layer]).max())
        assert abs(e.total - e.grad) <= 1e-4 * scale and abs(shown - e.total) <= 1e-9 * scale, (layer, unit)


def test_a_max_pool_sends_the_gradient_to_the_first_arg_max_only(net, digits):
    grads = gradients(net, digits[1], 2)
    pooled = explain_unit(net, digits[1], "pool1", [0, 5, 5])
    winner = [5 * 2 + pooled.argmax[0], 5 * 2 + pooled.argmax[1]]
    loser = [10 + (1 - pooled.argmax[0]), 10 + pooled.argmax[1]]
    got = explain_gradient(net, digits[1], "relu1", [0, *winner], grads=grads)
    missed = explain_gradient(net, digits[1], "relu1", [0, *loser], grads=grads)
    assert got.received is True and got.grad == pytest.approx(grads.layer_grads["pool1"][0, 5, 5])
    assert missed.received is False and missed.grad == 0.0


def test_gradients_match_finite_differences_in_float64():
    """-log p_target as a function of one input pixel and of one weight, by central differences,
    on a float64 LeNet-5 and a noise image (no exact ties for a max pool to break: at a tie the
    loss has a kink, and a difference quotient across it means nothing)."""
    net = lenet5(seed=4, dtype=np.float64)
    image = np.random.default_rng(1).uniform(0, 255, (28, 28))
    grads = gradients(net, image, target=5)

    def loss() -> float:
        return gradients(net, image, target=5).loss

    h = 1e-6
    step = h * 255.0 * net.input_std  # a raw pixel moved by this moves the normalised input by h
    for y, x in [(10, 14), (0, 0), (27, 13), (20, 17)]:
        image[y, x] += step
        up = loss()
        image[y, x] -= 2 * step
        down = loss()
        image[y, x] += step
        assert rel_error(np.array([grads.input_grad[0, y, x]]), np.array([(up - down) / (2 * h)])) < 1e-6
    for layer, idx in [("conv1", (2, 0, 1, 3)), ("conv2", (7, 4, 2, 2)), ("conv2", (15, 5, 0, 4))]:
        w = net[layer].params["weight"]
        w[idx] += h
        up = loss()
        w[idx] -= 2 * h
        down = loss()
        w[idx] += h
        assert rel_error(np.array([grads.weight_grads[layer][idx]]), np.array([(up - down) / (2 * h)])) < 1e-6


def test_activations_and_gradients_equal_pytorch_autograd(net, digits):
    """Forward and backward in float32, as the engine runs; the loss's gradient on the logits from
    PyTorch in float64 (near p = 1, float32's own 1 - p keeps one digit of 7e-7: a 3% error that
    is PyTorch's, not the engine's), then sent back through the float32 twin by autograd."""
    torch = pytest.importorskip("torch")
    twin = torch_lenet5(torch, net)
    for image, target in zip(digits, (None, 3, 8, 0)):
        grads = gradients(net, image, target)
        twin.zero_grad()
        x = torch.tensor(((image / 255 - net.input_mean) / net.input_std)[None, None], dtype=torch.float32,
                         requires_grad=True)
        outputs, h = {}, x
        for name, module in twin.named_children():
            h = module(h)
            h.retain_grad()
            outputs[name] = h
        t = int(h.detach().argmax()) if target is None else target
        assert t == grads.target
        logits = h.detach().double().requires_grad_()
        loss = torch.nn.functional.cross_entropy(logits, torch.tensor([t]))
        loss.backward()
        assert np.isclose(grads.loss, float(loss.detach()), rtol=1e-4, atol=1e-9)
        h.backward(logits.grad.float())
        _, ours = forward_as_listed(net, image)
        for (name, value), mine in zip(outputs.items(), ours):
            assert rel_error(mine, value[0].detach().numpy()) < 1e-5, name
            assert rel_error(grads.layer_grads[name], value.grad[0].numpy()) < 1e-4, name
        assert rel_error(grads.input_grad, x.grad[0].numpy()) < 1e-4
        for layer in ("conv1", "conv2"):
            assert rel_error(grads.weight_grads[layer], getattr(twin, layer).weight.grad.numpy()) < 1e-4, layer


def test_the_finite_difference_check_agrees_with_backpropagation():
    net = lenet5(seed=2)
    image = np.random.default_rng(5).uniform(0, 255, (28, 28))  # noise: no ties, no kinks
    for what, index, layer in [("input", [0, 9, 20], None), ("weight", [1, 0, 4, 0], "conv1"),
                               ("weight", [11, 2, 3, 1], "conv2"), ("weight", [40, 399], "fc1")]:
        c = check_by_finite_differences(net, image, 6, what, index, layer)
        assert c.relative_error < 1e-6, c
        assert c.slope_up == pytest.approx(c.slope_down, rel=1e-3)
