"""The lessons' endpoints against the formulas and the tutorial's worked examples."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage as ndi

SIGNAL = [1, 2, 5, 6, 2, -1, 3, -2]


def test_the_tutorials_1d_example(client):
    same = client.post("/api/lessons/correlate-1d", json={"x": SIGNAL, "w": [1, 0, 0], "pad": 1}).json()
    valid = client.post("/api/lessons/correlate-1d", json={"x": SIGNAL, "w": [1, 0, 0]}).json()
    assert [e["value"] for e in same["y"]] == [0, 1, 2, 5, 6, 2, -1, 3]
    assert [e["value"] for e in valid["y"]] == [1, 2, 5, 6, 2, -1]
    # y_1 = x_0 w_1 + x_1 w_2 + x_2 w_3, where x_0 is the zero padding
    first = same["y"][0]["terms"]
    assert [(t["a"]["index"], t["b"]["index"]) for t in first] == [([0], [1]), ([1], [2]), ([2], [3])]


def test_1d_gradients_term_by_term_and_finite_differences(client):
    x, w, delta = [3, -1, 4, 1, 5], [2, -1, 0.5], [1, -2, 0.5]
    body = client.post("/api/lessons/correlate-1d", json={"x": x, "w": w, "delta": delta}).json()
    dx2 = body["dx"][1]  # dL/dx_2 = w_2 delta_1 + w_1 delta_2
    assert [(t["a"]["name"], t["a"]["index"], t["b"]["name"], t["b"]["index"]) for t in dx2["terms"]] == [
        ("w", [2], "delta", [1]), ("w", [1], "delta", [2])]
    assert dx2["value"] == w[1] * delta[0] + w[0] * delta[1]
    # dL/dx = delta * W flipped: the full correlation; dL/dw = X * delta
    full = np.correlate(np.pad(delta, 2), w[::-1], mode="valid")
    np.testing.assert_allclose([e["value"] for e in body["dx"]], full)
    np.testing.assert_allclose([e["value"] for e in body["dw"]], np.correlate(x, delta, mode="valid"))
    assert body["max_difference"] < 1e-6
    np.testing.assert_allclose(body["dx_numeric"], [e["value"] for e in body["dx"]], atol=1e-6)


def test_2d_correlation_convolution_and_gradients(client):
    x = np.arange(25.0).reshape(5, 5) % 7
    w = np.array([[1.0, 2.0], [0.0, -1.0]])
    delta = np.ones((4, 4))
    body = client.post("/api/lessons/correlate-2d", json={"x": x.tolist(), "w": w.tolist(),
                                                          "delta": delta.tolist()}).json()
    ref = ndi.correlate(x, w, mode="constant", origin=(-1, -1))[:4, :4]  # anchored at the top-left
    np.testing.assert_allclose(body["y"], ref)
    assert body["max_difference"] < 1e-6
    flipped = client.post("/api/lessons/correlate-2d", json={"x": x.tolist(), "w": w.tolist(), "flip": True}).json()
    assert flipped["kernel"] == w[::-1, ::-1].tolist()
    np.testing.assert_allclose(flipped["y"], ndi.correlate(x, w[::-1, ::-1], mode="constant", origin=(-1, -1))[:4, :4])


@pytest.mark.parametrize("n,k,p,s,d", [(7, 3, "zero", 1, 1), (8, 3, "valid", 2, 1), (9, 3, "edge", 2, 2),
                                       (10, 4, "reflect", 3, 1), (32, 7, "wrap", 4, 4)])
def test_slide_follows_the_output_size_formula(client, n, k, p, s, d):
    x = np.random.default_rng(n).integers(-5, 6, (n, n)).tolist()
    w = np.ones((k, k)).tolist()
    body = client.post("/api/lessons/slide", json={"x": x, "w": w, "padding": p, "stride": s, "dilation": d}).json()
    rows = body["rows"]
    expected = (n + rows["p_before"] + rows["p_after"] - d * (k - 1) - 1) // s + 1
    assert rows["size"] == expected == len(body["output"]) and rows["formula"].endswith(f"= {expected}")
    assert len(body["positions"]) == expected * body["cols"]["size"]
    last = body["positions"][-1]
    assert last["rows"][0] == (expected - 1) * s and last["rows"][-1] - last["rows"][0] == d * (k - 1)
    padded = np.array(body["padded"])
    i, j = last["out"]
    assert body["output"][i][j] == pytest.approx(padded[np.ix_(last["rows"], last["cols"])].sum())


def test_pooling_forward_and_backward(client):
    x = [[1, 3, 2, 1], [4, 2, 0, 1], [1, 1, 5, 5], [0, 2, 5, 1]]
    body = client.post("/api/lessons/pooling", json={"x": x, "delta": [[1, 2], [3, 4]]}).json()
    assert body["max"] == [[4, 2], [2, 5]] and body["average"] == [[2.5, 1.0], [1.0, 4.0]]
    assert body["argmax"][1][1] == [2, 2]  # three 5s tie: the first in row-major order wins
    assert body["dx_max"][2] == [0, 0, 4, 0] and sum(map(sum, body["dx_max"])) == 10
    assert body["dx_average"][0][0] == 0.25


def test_convolution_cost_formulas(client):
    body = client.post("/api/lessons/conv-cost", json={"dk": 3, "m": 32, "n": 64, "df": 112}).json()
    assert body["standard"] == 3 * 3 * 32 * 64 * 112 * 112
    assert body["separable"] == 3 * 3 * 32 * 112 * 112 + 32 * 64 * 112 * 112
    assert body["ratio"] == pytest.approx(1 / 64 + 1 / 9)
    assert body["formulas"]["standard"] == "3*3*32*64*112*112 = 231,211,008"
    run = client.post("/api/lessons/conv-types/run", json={"dk": 3, "m": 8, "n": 16, "df": 32}).json()
    assert set(run["seconds"]) == {"depthwise", "standard", "separable"} and all(t > 0 for t in run["seconds"].values())


def test_parameter_counts(client):
    lenet = client.get("/api/lessons/parameters").json()
    assert (lenet["total"], lenet["conv"], lenet["classifier"]) == (61_684, 2_550, 59_134)
    assert next(r for r in lenet["layers"] if r["name"] == "fc1")["formula"] == "120*400 + 120 = 48,120"
    assert client.get("/api/lessons/parameters", params={"model": "mlp"}).json()["total"] == 251_060
    custom = client.post("/api/lessons/parameters", json={"input": [3, 32, 32], "layers": [
        {"kind": "conv", "channels": 8, "kernel": 3, "padding": 1}, {"kind": "maxpool", "kernel": 2},
        {"kind": "flatten"}, {"kind": "linear", "features": 10}]}).json()
    assert [r["params"] for r in custom["layers"]] == [8 * 3 * 9 + 8, 0, 0, 8 * 16 * 16 * 10 + 10]


def test_results_support_the_tutorials_claim(client):
    body = client.get("/api/lessons/results").json()
    assert body["lenet5"]["params"] == 61_684 and body["mlp"]["params"] == 251_060
    assert body["lenet5"]["test_error"] <= 0.01
    assert body["error_ratio"] >= 1.5 and body["size_ratio"] == pytest.approx(251_060 / 61_684)
    assert np.array(body["mlp"]["confusion"]).sum() == 10_000


def test_results_show_both_networks_trained_without_and_with_distortions(client):
    body = client.get("/api/lessons/results").json()
    plain, distorted = body["versions"]
    assert (plain["distorted"], distorted["distorted"]) == (False, True)
    assert (distorted["lenet5_accuracy"], distorted["mlp_accuracy"]) == (body["lenet5"]["test_accuracy"],
                                                                         body["mlp"]["test_accuracy"])
    assert distorted["error_ratio"] == body["error_ratio"]
    assert "--shift" in distorted["lenet5_command"] and "--shift" not in plain["lenet5_command"]
    assert plain["lenet5_command"].endswith("lenet5-mnist-plain.npz")
    # the sidecars' accuracies, measured again here: distortions helped both networks
    assert plain["lenet5_accuracy"] == pytest.approx(0.9935) and distorted["lenet5_accuracy"] >= 0.995
    assert distorted["mlp_accuracy"] > plain["mlp_accuracy"]
    assert plain["error_ratio"] == pytest.approx((1 - plain["mlp_accuracy"]) / (1 - plain["lenet5_accuracy"]))


@pytest.mark.parametrize("path,body,message", [
    ("/api/lessons/correlate-1d", {"x": [1, 2], "w": [1, 2, 3]}, "longer than the padded input"),
    ("/api/lessons/correlate-1d", {"x": [1, 2, 3], "w": [1], "delta": [1]}, "one number per output"),
    ("/api/lessons/correlate-1d", {"x": ["a"], "w": [1]}, "x, entry 1 must be a number"),
    ("/api/lessons/correlate-1d", {"x": list(range(33)), "w": [1]}, "at most 32"),
    ("/api/lessons/correlate-2d", {"x": [[1, 2], [3]], "w": [[1]]}, "rectangle"),
    ("/api/lessons/correlate-2d", {"x": [[1] * 13] * 13, "w": [[1]]}, "x may have at most 12 rows"),
    ("/api/lessons/correlate-2d", {"x": [[1] * 13], "w": [[1]]}, "x, row 1 may have at most 12 numbers"),
    ("/api/lessons/slide", {"x": [[1, 2], [3, 4]], "w": [[1] * 3] * 3, "padding": "valid"}, "spans more than"),
    ("/api/lessons/slide", {"x": [[1]], "w": [[1]], "stride": 9}, "the stride must be at most 4"),
    ("/api/lessons/pooling", {"x": [[1]], "kernel": 2}, "does not fit"),
    ("/api/lessons/pooling", {"x": [[1, 2], [3, 4]], "delta": [[1, 2]]}, "output's shape"),
    ("/api/lessons/conv-cost", {"dk": 0}, "D_K (the kernel size) must be at least 1"),
    ("/api/lessons/conv-cost", {"dk": True}, "D_K (the kernel size) must be a whole number"),
    ("/api/lessons/conv-cost", {"dk": 3, "extra": 1}, "extra is not expected here"),
    ("/api/lessons/parameters", {"layers": [{"kind": "conv", "channels": 2, "kernel": 99}]},
     "layer 1's kernel must be at most 15"),
    ("/api/lessons/parameters", {"layers": [{"kind": "linear", "features": 10}]}, "flatten"),
    ("/api/lessons/parameters", {"input": [1, 8, 8], "layers": [{"kind": "conv", "channels": 2, "kernel": 9}]},
     "conv1: a 9x9 kernel does not fit the 8x8 maps from the input"),
    ("/api/lessons/parameters", {"layers": [{"kind": "conv", "kernel": 3}]}, "layer 1's channels is required"),
    ("/api/lessons/parameters", {"layers": [{"kind": "relu", "kernel": 3}]}, "layer 1's kernel is not expected here"),
])
def test_bad_lesson_inputs_get_a_4xx_that_says_what_was_expected(client, path, body, message):
    r = client.post(path, json=body)
    assert 400 <= r.status_code < 500, r.text
    assert message in str(r.json()["detail"])
