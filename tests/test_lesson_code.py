"""The PyTorch code the first lessons show (``model/lesson_code.py``), run in PyTorch: it prints the
numbers the engine gave the page, over random inputs, strides, paddings, border modes and layers."""

from __future__ import annotations

import numpy as np
import pytest

from tests.shown_code import printed_lines

torch = pytest.importorskip("torch")


def printed(code: str) -> list:
    """The shown code's printed values ("conv1 156" -> 156)."""
    try:
        lines = printed_lines(code)
    finally:
        torch.set_default_device(None)  # the counting code sets "meta"
    return [eval(line.split(" ", 1)[1] if line[0].isalpha() else line) for line in lines]  # noqa: S307


def ask(api, path: str, body: dict) -> dict:
    r = api.post(f"/api/lessons/{path}", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def values(entries: list[dict]) -> list[float]:
    return [e["value"] for e in entries]


@pytest.mark.parametrize("seed", range(4))
def test_lesson_1_correlation_1d(api, seed):
    rng = np.random.default_rng(seed)
    x, w, pad = rng.integers(-5, 6, 8).tolist(), rng.integers(-2, 3, 3).tolist(), int(rng.integers(0, 3))
    plain = ask(api, "correlate-1d", {"x": x, "w": w, "pad": pad})
    assert printed(plain["code"]) == [values(plain["y"])]
    delta = rng.integers(-3, 4, len(plain["y"])).tolist()
    got = ask(api, "correlate-1d", {"x": x, "w": w, "pad": pad, "delta": delta})
    y, dx, dw = printed(got["code"])
    np.testing.assert_allclose(y, values(got["y"]), atol=1e-12)
    np.testing.assert_allclose(dx, values(got["dx"]), atol=1e-12)
    np.testing.assert_allclose(dw, values(got["dw"]), atol=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_lessons_1_and_3_correlation_and_convolution_2d(api, seed):
    rng = np.random.default_rng(seed)
    x, w = rng.integers(-4, 5, (6, 5)).tolist(), np.round(rng.normal(size=(3, 2)), 2).tolist()
    body = {"x": x, "w": w, "pad": int(rng.integers(0, 2)), "stride": int(rng.integers(1, 3)), "flip": bool(seed % 2)}
    shape = np.shape(ask(api, "correlate-2d", body)["y"])
    got = ask(api, "correlate-2d", body | {"delta": rng.integers(-2, 3, shape).tolist()})
    y, dx, dw = printed(got["code"])
    np.testing.assert_allclose(y, got["y"], atol=1e-12)
    np.testing.assert_allclose(dx, got["dx"], atol=1e-12)
    np.testing.assert_allclose(dw, got["dw"], atol=1e-12)


@pytest.mark.parametrize("padding", ["zero", "edge", "reflect", "wrap", "valid"])
def test_lesson_2_padding_stride_and_dilation(api, padding):
    rng = np.random.default_rng(len(padding))
    body = {"x": rng.integers(0, 9, (7, 6)).tolist(), "w": rng.integers(-1, 2, (3, 3)).tolist(),
            "padding": padding, "stride": 2, "dilation": 2 if padding != "valid" else 1}
    got = ask(api, "slide", body)
    np.testing.assert_allclose(printed(got["code"])[0], got["output"], atol=1e-12)


@pytest.mark.parametrize("kernel,stride", [(2, None), (3, 1), (2, 3)])
def test_lesson_4_pooling_forward_and_backward(api, kernel, stride):
    rng = np.random.default_rng(kernel)
    x = rng.permutation(64).reshape(8, 8).tolist()  # distinct values: one arg-max per window
    body = {"x": x, "kernel": kernel, "stride": stride}
    shape = np.shape(ask(api, "pooling", body)["max"])
    got = ask(api, "pooling", body | {"delta": rng.integers(1, 5, shape).tolist()})
    top, mean, dx_max, dx_average = printed(got["code"])
    np.testing.assert_allclose(top, got["max"])
    np.testing.assert_allclose(mean, got["average"], atol=1e-12)
    np.testing.assert_allclose(dx_max, got["dx_max"])
    np.testing.assert_allclose(dx_average, got["dx_average"], atol=1e-12)


@pytest.mark.parametrize("dk,m,n,df", [(3, 32, 64, 112), (5, 3, 7, 9), (1, 2048, 2048, 1024)])
def test_lesson_5_the_three_costs_from_the_layers_shapes(api, dk, m, n, df):
    got = ask(api, "conv-cost", {"dk": dk, "m": m, "n": n, "df": df})
    assert printed(got["code"]) == [got["depthwise"], got["standard"], got["separable"]]


def test_lesson_6_parameters_of_lenet5_the_mlp_and_a_network_you_design(api):
    for model in ("lenet5", "mlp"):
        got = api.get(f"/api/lessons/parameters?model={model}").json()
        lines = printed(got["code"])
        assert lines[:-1] == [row["params"] for row in got["layers"]] and lines[-1] == got["total"]
    body = {"input": [3, 32, 32], "layers": [
        {"kind": "conv", "channels": 16, "kernel": 3, "padding": 1}, {"kind": "batchnorm"}, {"kind": "relu"},
        {"kind": "maxpool", "kernel": 2}, {"kind": "flatten"}, {"kind": "linear", "features": 10}]}
    got = ask(api, "parameters", body)
    lines = printed(got["code"])
    assert lines[:-1] == [row["params"] for row in got["layers"]] and lines[-1] == got["total"]


@pytest.mark.parametrize("index, dx, dy", [(0, 3, 0), (30, -5, 2), (4, 8, -8)])
def test_lesson_11_conv1_of_a_moved_digit_against_its_maps_moved(api, index, dx, dy):
    """Float64 PyTorch with the shipped conv1 agrees with the float32 engine on what the page says."""
    from model.datasets import load_dataset

    digit = load_dataset().test_images[index].tolist()
    body = ask(api, "translation", {"pixels": digit, "dx": dx, "dy": dy})
    conv1 = body["maps"][0]
    compared, largest, outside = printed(body["code"])
    assert compared == conv1["inside_cells"] and outside == conv1["differing_outside"]
    assert largest < 1e-12 and conv1["largest_inside"] <= 1e-4
