"""The networks: the tutorial's worked examples and parameter counts, whole-network gradients,
the ReLU/max-pool reordering, save/load, and a short real training run."""

from __future__ import annotations

import json

import numpy as np
import pytest

from model.conv import conv2d_forward
from model.loss import softmax_cross_entropy
from model.network import META_KEY, read_weights
from model.reference import correlate1d
from model.zoo import build_model, lenet5, load_model, mlp
from tests.gradcheck import partial_derivative, rel_error
from tests.torch_twin import torch_lenet5

SIGNAL = [1, 2, 5, 6, 2, -1, 3, -2]


def _conv1d(signal, kernel, padding):
    """The 1-D example run through the 2-D engine as a 1 x 8 image and a 1 x 3 kernel."""
    x = np.array(signal, dtype=np.float64).reshape(1, 1, -1, 1)  # (C, H, W, N)
    w = np.array(kernel, dtype=np.float64).reshape(1, 1, 1, -1)  # (F, C, KH, KW)
    out, _ = conv2d_forward(x, w, padding=padding)
    return out.ravel().tolist()


def test_tutorial_1d_example_with_and_without_padding():
    assert _conv1d(SIGNAL, [1, 0, 0], "same") == [0, 1, 2, 5, 6, 2, -1, 3]
    assert _conv1d(SIGNAL, [1, 0, 0], "valid") == [1, 2, 5, 6, 2, -1]
    assert correlate1d(SIGNAL, [1, 0, 0], pad=1).tolist() == [0, 1, 2, 5, 6, 2, -1, 3]
    assert correlate1d(SIGNAL, [1, 0, 0]).tolist() == [1, 2, 5, 6, 2, -1]


def test_parameter_counts_match_the_tutorial():
    net = lenet5()
    counts = {row.name: row.params for row in net.summary()}
    assert net.num_params() == 61_684
    assert counts["conv1"] + counts["conv2"] == 2_550
    assert counts["fc1"] + counts["fc2"] + counts["fc3"] == 59_134
    assert mlp().num_params() == 251_060


def test_lenet5_shapes_and_layer_names():
    rows = lenet5().summary()
    assert [r.name for r in rows] == ["conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "flatten",
                                      "fc1", "relu3", "fc2", "relu4", "fc3"]
    shapes = {r.name: r.output_shape for r in rows}
    assert shapes["conv1"] == (6, 28, 28) and shapes["pool1"] == (6, 14, 14)
    assert shapes["conv2"] == (16, 10, 10) and shapes["pool2"] == (16, 5, 5)
    assert shapes["flatten"] == (400,) and shapes["fc3"] == (10,)


def test_state_dict_follows_pytorch_names_and_layouts():
    shapes = {k: v.shape for k, v in lenet5().state_dict().items()}
    assert shapes == {"conv1.weight": (6, 1, 5, 5), "conv2.weight": (16, 6, 5, 5),
                      "fc1.weight": (120, 400), "fc1.bias": (120,), "fc2.weight": (84, 120),
                      "fc2.bias": (84,), "fc3.weight": (10, 84), "fc3.bias": (10,)}


def test_whole_lenet_gradient_matches_finite_differences():
    """End to end, through the reordered ReLU/max-pool pairs, in float64."""
    net = lenet5(seed=3, dtype=np.float64)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 28, 28, 2))
    y = np.array([3, 7])

    def loss() -> float:
        return softmax_cross_entropy(net.forward(x), y)[0]

    _, dlogits = softmax_cross_entropy(net.forward(x), y)
    net.backward(dlogits)
    for layer_name in ("conv1", "conv2", "fc1"):
        layer = net[layer_name]
        analytic = layer.grads["weight"].copy()
        w = layer.params["weight"]
        # a random subset of entries keeps the test at well under a second
        sub = tuple(rng.integers(0, s, 12) for s in w.shape)
        num = np.array([partial_derivative(loss, w, idx) for idx in zip(*sub)])
        assert rel_error(analytic[sub], num) < 1e-6, layer_name


def test_pooling_before_relu_gives_the_same_activations():
    net = lenet5(seed=1)
    images = np.random.default_rng(2).integers(0, 256, (5, 28, 28)).astype(np.uint8)
    acts = net.activations(images)  # layers run as listed
    logits = net.predict_logits(images)  # pool before ReLU
    np.testing.assert_allclose(acts["fc3"], logits, rtol=1e-5, atol=1e-5)
    assert acts["relu1"].shape == (5, 6, 28, 28) and acts["pool1"].shape == (5, 6, 14, 14)


def test_save_and_load_round_trip(tmp_path):
    net = lenet5(seed=4)
    net.input_mean, net.input_std = 0.2, 0.4
    path = tmp_path / "w.npz"
    net.save(path, extra_meta={"note": "test"})
    loaded, meta = load_model(path)
    assert meta["architecture"] == "lenet5" and meta["note"] == "test"
    assert (loaded.input_mean, loaded.input_std) == (0.2, 0.4)
    for k, v in net.state_dict().items():
        np.testing.assert_array_equal(loaded.state_dict()[k], v)
    # no pickles: every entry loads with allow_pickle=False, the metadata is a JSON string
    with np.load(path, allow_pickle=False) as data:
        assert json.loads(str(data[META_KEY]))["input_mean"] == 0.2
    assert not list(tmp_path.glob("*.tmp"))


def test_loading_rejects_mismatched_or_corrupt_files(tmp_path):
    path = tmp_path / "mlp.npz"
    mlp().save(path)
    state, _ = read_weights(path)
    with pytest.raises(ValueError, match="do not fit lenet5"):
        lenet5().load_state_dict(state)
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip file")
    with pytest.raises(ValueError, match="not a readable weights file"):
        load_model(bad)


def test_unknown_model_name_is_a_clear_error():
    with pytest.raises(ValueError, match="lenet5, mlp"):
        build_model("resnet")


def test_torch_loads_the_same_weights(tmp_path):
    torch = pytest.importorskip("torch")
    net = lenet5(seed=5)
    path = tmp_path / "w.npz"
    net.save(path)
    tnet = torch_lenet5(torch, net)
    state = {k: torch.from_numpy(v) for k, v in np.load(path).items() if k != META_KEY}
    tnet.load_state_dict(state)  # strict: every key and shape must match
    images = np.random.default_rng(6).integers(0, 256, (4, 28, 28)).astype(np.uint8)
    x = (images.astype(np.float32) / 255 - net.input_mean) / net.input_std
    with torch.no_grad():
        expected = tnet(torch.from_numpy(x[:, None])).numpy()
    np.testing.assert_allclose(net.predict_logits(images), expected, rtol=1e-4, atol=1e-4)
