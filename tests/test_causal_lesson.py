"""The 1-D and causal lesson (``model/causal_lesson.py``, POST /api/lessons/causal and
/causal/stack): PyTorch's numbers for "same" and causal over random kernels and dilations, a
causal output that never moves before its input does, the receptive field of dilated stacks by
formula and by gradient, the shown code run in PyTorch, and bad input a 422 that says why."""

from __future__ import annotations

import numpy as np
import pytest

from model.causal_lesson import MAX_DILATION, MAX_TAPS, make_signal
from tests.shown_code import printed_lines

torch = pytest.importorskip("torch")
F = torch.nn.functional


@pytest.mark.parametrize("seed", range(10))
def test_same_and_causal_are_pytorchs_and_the_shown_code_prints_them(api, seed):
    rng = np.random.default_rng(seed)
    taps = int(rng.choice(range(1, MAX_TAPS + 1, 2)))
    length = int(rng.integers(24, 65))
    dilation = int(rng.integers(1, min(MAX_DILATION, (length - 1) // max(taps - 1, 1)) + 1))
    body = {"signal": ["sine", "step"][seed % 2], "length": length, "noise": round(float(rng.uniform(0, 1)), 2),
            "w": np.round(rng.normal(size=taps), 3).tolist(), "dilation": dilation}
    got = api.post("/api/lessons/causal", json=body).json()
    x = torch.tensor(got["x"], dtype=torch.float64)[None, None]
    w = torch.tensor(body["w"], dtype=torch.float64)[None, None]
    np.testing.assert_allclose(got["same"], F.conv1d(x, w, padding="same", dilation=dilation)[0, 0], atol=1e-12)
    left = (taps - 1) * dilation
    causal = torch.nn.Conv1d(1, 1, taps, dilation=dilation, padding=left, bias=False, dtype=torch.float64)
    with torch.no_grad():
        causal.weight.copy_(w)
        want = causal(x)[0, 0]
        want = want[:-left] if left else want  # PyTorch's other way: pad both sides, drop the last outputs
    np.testing.assert_allclose(got["causal"], want, atol=1e-12)
    assert got["ahead"] == left // 2
    np.testing.assert_allclose(got["x"], make_signal(body["signal"], length, body["noise"]))
    lines = printed_lines(got["code"])
    np.testing.assert_allclose(eval(lines[0]), got["same"], atol=1e-12)  # noqa: S307 - a printed list
    np.testing.assert_allclose(eval(lines[1]), got["causal"], atol=1e-12)  # noqa: S307


def test_a_causal_output_never_moves_before_the_step_and_a_centred_one_does(api):
    body = {"signal": "step", "length": 32, "noise": 0, "w": [0.2] * 5, "dilation": 2}
    got = api.post("/api/lessons/causal", json=body).json()
    step = got["x"].index(1.0)
    assert step == 16 and got["ahead"] == 4
    first_same = next(t for t, v in enumerate(got["same"]) if abs(v) > 1e-12)
    first_causal = next(t for t, v in enumerate(got["causal"]) if abs(v) > 1e-12)
    assert first_causal == step and first_same == step - got["ahead"]


@pytest.mark.parametrize("taps,layers,dilated,fields", [
    (2, 5, True, [2, 4, 8, 16, 32]), (2, 5, False, [2, 3, 4, 5, 6]), (3, 3, True, [3, 7, 15]), (3, 6, True, None),
])
def test_a_stacks_receptive_field_is_the_formulas_and_the_gradients(api, taps, layers, dilated, fields):
    length = 48
    body = {"signal": "sine", "length": length, "noise": 0.3, "taps": taps, "layers": layers, "dilated": dilated}
    got = api.post("/api/lessons/causal/stack", json=body).json()
    ds = [2 ** i if dilated else 1 for i in range(layers)]
    assert got["dilations"] == ds
    want_fields = [1 + sum((taps - 1) * d for d in ds[: i + 1]) for i in range(layers)]
    assert got["fields"] == want_fields and (fields is None or fields == want_fields)
    other = [1 if dilated else 2 ** i for i in range(layers)]
    assert got["other_fields"] == [1 + sum((taps - 1) * d for d in other[: i + 1]) for i in range(layers)]
    paths = np.array(got["paths"])
    assert paths.shape == (layers + 1, length)
    reached = np.flatnonzero(paths[0])
    field = min(want_fields[-1], length)
    assert reached.tolist() == list(range(length - field, length))  # the last `field` inputs, no others
    # PyTorch: all-ones kernels, the gradient of the last output counts the paths from each input
    x = torch.tensor(got["x"], dtype=torch.float64, requires_grad=True)
    h = x[None, None]
    for d in ds:
        h = F.conv1d(F.pad(h, ((taps - 1) * d, 0)), torch.ones(1, 1, taps, dtype=torch.float64), dilation=d)
    h[0, 0, -1].backward()
    np.testing.assert_allclose(paths[0], x.grad.numpy())
    lines = printed_lines(got["code"])
    np.testing.assert_allclose(eval(lines[0]), got["output"], atol=1e-12)  # noqa: S307 - a printed list
    assert eval(lines[1]) == reached.tolist()  # noqa: S307


@pytest.mark.parametrize("path,body,words", [
    ("causal", {"w": [1, 1]}, "needs an odd number of taps; got 2"),
    ("causal", {"w": [1, 1, 1], "dilation": 8, "length": 16}, "spans 17 samples, more than the 16 of the signal"),
    ("causal", {"noise": 2}, "the noise"),
    ("causal", {"signal": "saw"}, "the signal"),
    ("causal", {"w": [1] * 8}, "the kernel"),
    ("causal/stack", {"layers": 7}, "the layers"),
    ("causal/stack", {"taps": 4}, "the taps per layer"),
])
def test_bad_input_is_a_422_that_says_what_was_expected(api, path, body, words):
    r = api.post(f"/api/lessons/{path}", json=body)
    assert r.status_code == 422 and words in str(r.json()["detail"]), r.json()
