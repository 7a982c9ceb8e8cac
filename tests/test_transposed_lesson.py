"""The transposed-convolution lesson (``model/transposed_lesson.py``, POST /api/lessons/transposed):
PyTorch's numbers over random geometry, every partial sum a stamp more than the last, the stamp
counts, the same numbers as a convolution's input gradient, the shown code run in PyTorch, and
bad input a 422 that says what was expected."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

from model.transposed_lesson import MAX_INPUT, MAX_KERNEL, MAX_STRIDE

torch = pytest.importorskip("torch")
F = torch.nn.functional


def random_body(rng: np.random.Generator) -> dict:
    h, w = rng.integers(1, MAX_INPUT + 1, size=2)
    kh, kw = rng.integers(1, MAX_KERNEL + 1, size=2)
    stride = int(rng.integers(1, MAX_STRIDE + 1))
    return {"x": rng.integers(-4, 5, size=(h, w)).tolist(), "w": np.round(rng.normal(size=(kh, kw)), 2).tolist(),
            "stride": stride, "padding": int(rng.integers(0, min(kh, kw))),
            "output_padding": int(rng.integers(0, stride))}


def torch_out(body: dict) -> np.ndarray:
    x = torch.tensor(body["x"], dtype=torch.float64)[None, None]
    w = torch.tensor(body["w"], dtype=torch.float64)[None, None]
    return F.conv_transpose2d(x, w, stride=body["stride"], padding=body["padding"],
                              output_padding=body["output_padding"])[0, 0].numpy()


@pytest.mark.parametrize("seed", range(12))
def test_the_lesson_gives_pytorchs_numbers_every_way(api, seed):
    rng = np.random.default_rng(seed)
    body = random_body(rng)
    while True:  # a geometry whose padding leaves an output
        r = api.post("/api/lessons/transposed", json=body)
        if r.status_code == 200:
            break
        assert r.status_code == 422 and "crops away" in r.json()["detail"]
        body = random_body(rng)
    got = r.json()
    want = torch_out(body)
    np.testing.assert_allclose(got["output"], want, atol=1e-12)
    np.testing.assert_allclose(got["gradient"], want, atol=1e-12)  # the convolution's input gradient
    partial = np.array(got["partial"])
    h, w = np.shape(body["x"])
    assert partial.shape == (h * w, *want.shape)
    np.testing.assert_allclose(partial[-1], want, atol=1e-12)
    for t in range(h * w):  # each step adds exactly one input cell's stamp
        only = np.zeros((h, w))
        only.flat[t] = np.array(body["x"]).flat[t]
        stamp = torch_out(body | {"x": only.tolist()})
        np.testing.assert_allclose(partial[t] - (partial[t - 1] if t else 0), stamp, atol=1e-12)
    ones = torch_out(body | {"x": np.ones((h, w)).tolist(), "w": np.ones(np.shape(body["w"])).tolist()})
    assert got["stamps"] == ones.astype(int).tolist()


@pytest.mark.parametrize("kernel,counts", [(3, {1, 2, 4}), (4, {4})])
def test_stamp_counts_show_the_checkerboard_only_when_the_kernel_is_not_a_multiple_of_the_stride(api, kernel, counts):
    body = {"x": np.ones((5, 5)).tolist(), "w": np.ones((kernel, kernel)).tolist(), "stride": 2}
    stamps = np.array(api.post("/api/lessons/transposed", json=body).json()["stamps"])
    edge = kernel - 1
    assert set(stamps[edge:-edge, edge:-edge].flat) == counts


def test_the_code_shown_prints_the_lessons_numbers_in_pytorch(api):
    body = {"x": [[1, 2, 0], [0, 1.5, 3]], "w": [[1, -1], [2, 0.25], [0, 1]], "stride": 2, "padding": 1,
            "output_padding": 1}
    got = api.post("/api/lessons/transposed", json=body).json()
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        exec(compile(got["code"], "transposed.py", "exec"), namespace)  # the page's own code, as a learner runs it
    np.testing.assert_array_equal(namespace["y"].numpy(), got["output"])
    np.testing.assert_array_equal(namespace["y_in"].grad[0, 0].numpy(), got["gradient"])
    assert printed.getvalue().count("tensor(") == 2
    assert "stride=2, padding=1, output_padding=1" in got["code"]


@pytest.mark.parametrize("change,words", [
    ({"output_padding": 2, "stride": 2}, "output_padding must be smaller than the stride (2)"),
    ({"output_padding": MAX_STRIDE}, f"the output padding must be at most {MAX_STRIDE - 1}"),
    ({"stride": 1, "output_padding": 1}, "output_padding must be smaller than the stride (1)"),
    ({"x": [[1.0]], "w": [[1.0]], "padding": 1, "stride": 1}, "crops away every output row"),
    ({"x": np.ones((MAX_INPUT + 1, 2)).tolist()}, f"at most {MAX_INPUT}"),
    ({"w": [[1, 2], [3]]}, "the kernel must be a rectangle"),
    ({"stride": MAX_STRIDE + 1}, f"the stride must be at most {MAX_STRIDE}"),
])
def test_bad_input_is_a_422_that_says_what_was_expected(api, change, words):
    body = {"x": [[1, 2], [3, 4]], "w": [[1, 1], [1, 1]], "stride": 2, "padding": 0, "output_padding": 0} | change
    r = api.post("/api/lessons/transposed", json=body)
    assert r.status_code == 422
    assert words in str(r.json()["detail"]), r.json()
