"""Receptive fields: LeNet-5's numbers, a strided and dilated stack against hand-computed values,
regions, and the effective receptive field inside the analytic box."""

from __future__ import annotations

import numpy as np
import pytest

from model.datasets import load_dataset
from model.receptive_field import Step, effective_receptive_field, field_table, regions, steps_of
from model.zoo import PRETRAINED_LENET5, load_model


@pytest.fixture(scope="module")
def lenet():
    return load_model(PRETRAINED_LENET5)[0]


def test_lenet5_receptive_fields(lenet):
    rows = {r.name: r for r in field_table(steps_of(lenet))}
    assert [(rows[n].rf, rows[n].jump) for n in ("conv1", "pool1", "conv2", "pool2")] == [(5, 1), (6, 2), (14, 2),
                                                                                          (16, 4)]
    assert [rows[n].size for n in ("conv1", "pool1", "conv2", "pool2")] == [28, 14, 10, 5]
    assert rows["fc1"].rf == 28 and rows["fc3"].rf == 28


@pytest.mark.parametrize("x", range(5))
def test_pool2_unit_x_covers_input_4x_minus_2_to_4x_plus_13(lenet, x):
    box = regions(steps_of(lenet), "pool2", x, x)[0]
    assert box.layer == "input"
    assert (box.top, box.bottom) == (max(4 * x - 2, 0), min(4 * x + 13, 27))
    expected_outside = 1 - ((min(4 * x + 13, 27) - max(4 * x - 2, 0) + 1) / 16) ** 2
    assert box.outside_fraction == pytest.approx(expected_outside)


def test_regions_in_every_earlier_layer(lenet):
    found = {r.layer: r for r in regions(steps_of(lenet), "conv2", 3, 4)}
    assert (found["pool1"].top, found["pool1"].bottom, found["pool1"].left, found["pool1"].right) == (3, 7, 4, 8)
    assert (found["conv1"].top, found["conv1"].bottom) == (6, 15)
    assert (found["input"].top, found["input"].bottom, found["input"].left, found["input"].right) == (4, 17, 6, 19)
    assert found["input"].outside_fraction == 0


def test_strided_dilated_stack_against_hand_computed_values():
    # conv 3x3 dilation 2 (k_eff 5), pad 2 | conv 3x3 stride 2 pad 1 | maxpool 2 | conv 3x3 dilation 3 (k_eff 7)
    steps = [Step("a", "Conv2d", 3, 1, 2, 2), Step("b", "Conv2d", 3, 2, 1), Step("c", "MaxPool2d", 2, 2),
             Step("d", "Conv2d", 3, 1, 0, 3)]
    rows = field_table(steps, 32)
    # r: 1 + 4*1 = 5; 5 + 2*1 = 7; 7 + 1*2 = 9; 9 + 6*4 = 33
    assert [r.rf for r in rows] == [5, 7, 9, 33]
    assert [r.jump for r in rows] == [1, 2, 4, 4]
    # start: 0 + (2 - 2)*1 = 0; 0 + (1 - 1)*1 = 0; 0 + (0.5 - 0)*2 = 1; 1 + (3 - 0)*4 = 13
    assert [r.start for r in rows] == [0, 0, 1, 13]
    # sizes: 32 -> 32 -> 16 -> 8 -> 2
    assert [r.size for r in rows] == [32, 16, 8, 2]
    box = regions(steps, "d", 0, 1, 32)[0]
    assert (box.left, box.right) == (1, 31)  # centre 13 + 4 = 17, 33 wide: 1..33, clipped to 31
    with pytest.raises(ValueError, match="outside"):
        regions(steps, "d", 2, 0, 32)


def test_unknown_layer_and_dense_layers(lenet):
    with pytest.raises(ValueError, match="unknown layer"):
        regions(steps_of(lenet), "conv9", 0, 0)
    with pytest.raises(ValueError, match="fully connected"):
        regions(steps_of(lenet), "fc1", 0, 0)
    with pytest.raises(ValueError, match="does not fit"):
        field_table([Step("big", "Conv2d", 9)], 5)


@pytest.mark.parametrize("layer,y,x", [("conv1", 10, 12), ("pool1", 3, 9), ("conv2", 3, 4), ("pool2", 0, 4),
                                       ("relu2", 9, 0)])
def test_effective_field_lies_inside_the_analytic_box(lenet, layer, y, x):
    image = load_dataset().test_images[0]
    gradient, _ = effective_receptive_field(lenet, image, layer, y, x)
    box = regions(steps_of(lenet), layer, y, x)[0]
    rows, cols = np.nonzero(gradient)
    if len(rows):  # a unit switched off by its ReLU passes no gradient at all
        assert box.top <= rows.min() and rows.max() <= box.bottom
        assert box.left <= cols.min() and cols.max() <= box.right
    outside = gradient.copy()
    outside[box.top:box.bottom + 1, box.left:box.right + 1] = 0
    assert not outside.any()


def test_effective_field_of_a_conv1_unit_is_its_kernel(lenet):
    image = load_dataset().test_images[0]
    gradient, activation = effective_receptive_field(lenet, image, "conv1", 10, 12, channel=2)
    # d out / d x of a convolution is its kernel (x: the input as the network sees it, normalised)
    np.testing.assert_allclose(gradient[8:13, 10:15], np.abs(lenet["conv1"].params["weight"][2, 0]), rtol=1e-5)
    assert np.isfinite(activation)


def test_receptive_field_api(client):
    table = client.get("/api/receptive-field").json()
    rows = {r["name"]: r for r in table["table"]}
    assert rows["pool2"]["rf"] == 16 and rows["conv2"]["params"] == 2400 and rows["pool1"]["output_shape"] == [6, 14, 14]
    unit = client.get("/api/receptive-field", params={"layer": "conv2", "y": 3, "x": 4}).json()
    assert unit["regions"][0] == {"layer": "input", "top": 4, "bottom": 17, "left": 6, "right": 19, "grid": [28, 28],
                                  "outside_fraction": 0.0}
    assert [r["layer"] for r in unit["regions"]] == ["input", "conv1", "relu1", "pool1", "conv2"]


@pytest.mark.parametrize("params,message", [
    ({"layer": "conv9", "y": 0, "x": 0}, "unknown layer"),
    ({"layer": "pool2", "y": 5, "x": 0}, "outside pool2's 5x5 grid"),
    ({"layer": "fc2", "y": 0, "x": 0}, "fully connected"),
    ({"layer": "conv1"}, "give the unit as y and x"),
    ({"layer": "conv1", "y": -1, "x": 0}, "y must be at least 0"),
])
def test_receptive_field_api_bad_units(client, params, message):
    r = client.get("/api/receptive-field", params=params)
    assert r.status_code == 422 and message in str(r.json()["detail"])


def test_effective_and_stack_api(client):
    pixels = load_dataset().test_images[0].tolist()
    body = client.post("/api/receptive-field/effective", json={"layer": "pool2", "y": 1, "x": 1, "pixels": pixels}).json()
    gradient = np.array(body["gradient"])
    assert gradient.shape == (28, 28) and gradient.max() == 1.0
    box = body["box"]
    assert not np.delete(np.delete(gradient, range(box["top"], box["bottom"] + 1), 0),
                         range(box["left"], box["right"] + 1), 1).any()
    bad = client.post("/api/receptive-field/effective", json={"layer": "pool2", "y": 9, "x": 1, "pixels": pixels})
    assert bad.status_code == 422
    stack = client.post("/api/receptive-field/stack", json={"input_size": 32, "layers": [
        {"kind": "conv", "kernel": 3, "padding": 2, "dilation": 2, "channels": 4},
        {"kind": "conv", "kernel": 3, "stride": 2, "padding": 1, "channels": 8},
        {"kind": "maxpool", "kernel": 2, "stride": 2}]}).json()
    assert [r["rf"] for r in stack] == [5, 7, 9] and [r["params"] for r in stack] == [40, 296, 0]
    assert stack[-1]["output_shape"] == [8, 8, 8]
    too_big = client.post("/api/receptive-field/stack", json={"input_size": 4, "layers": [{"kind": "conv", "kernel": 7}]})
    assert too_big.status_code == 422 and "does not fit" in too_big.json()["detail"]


def test_table_gives_each_layers_geometry(client):
    rows = {r["name"]: r for r in client.get("/api/receptive-field").json()["table"]}
    assert (rows["conv1"]["kernel"], rows["conv1"]["padding"], rows["conv1"]["stride"]) == (5, 2, 1)
    assert (rows["pool2"]["kernel"], rows["pool2"]["stride"]) == (2, 2) and rows["fc1"]["kernel"] is None
