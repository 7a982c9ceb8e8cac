"""The digit classifier: MNIST-style preparation, the predict endpoint, and drawn-digit accuracy."""

from __future__ import annotations

import io

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from app.main import create_app
from app.settings import Settings
from model.datasets import load_dataset
from model.digit_prep import EmptyDrawingError, area_resample_matrix, center_of_mass, prepare_digit, resize_area
from tests.digit_drawings import drawings


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    with TestClient(create_app(Settings(runs_dir=tmp_path_factory.mktemp("runs"), max_digit_pixels=500_000))) as c:
        yield c


def _png(array: np.ndarray, mode: str | None = None) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array, mode).save(buf, "PNG")
    return buf.getvalue()


def _bar(height=200, width=40, canvas=(280, 280), top=30, left=60, dark_on_light=True) -> np.ndarray:
    field = np.zeros(canvas, dtype=np.uint8)
    field[top:top + height, left:left + width] = 255
    return 255 - field if dark_on_light else field


def test_preparation_crops_scales_to_20_and_centres_by_mass():
    for dark in (True, False):
        out = prepare_digit(_bar(dark_on_light=dark))
        rows, cols = np.nonzero(out > 0)
        assert rows.max() - rows.min() + 1 == 20  # the longer side is 20 px
        assert cols.max() - cols.min() + 1 == 4  # 200x40 keeps its aspect: 20x4
        cy, cx = center_of_mass(out)
        assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5
        assert out.max() == pytest.approx(255)


def test_area_resampling_keeps_the_mean_and_anti_aliases():
    m = area_resample_matrix(7, 3)
    np.testing.assert_allclose(m.sum(axis=1), 1)
    image = np.random.default_rng(0).random((50, 30))
    small = resize_area(image, 20, 12)
    assert small.mean() == pytest.approx(image.mean(), rel=1e-9)
    stripes = np.tile([0.0, 1.0], (4, 20))  # 1-pixel stripes average to grey, not aliasing
    np.testing.assert_allclose(resize_area(stripes, 4, 20), 0.5)


def test_empty_and_faint_drawings_are_refused():
    with pytest.raises(EmptyDrawingError):
        prepare_digit(np.full((280, 280), 255, np.uint8))
    with pytest.raises(EmptyDrawingError):
        prepare_digit(np.full((280, 280), 250, np.uint8))


def test_predict_png_both_polarities_and_transparent_canvas(api):
    for image, mode in [(_bar(), None), (_bar(dark_on_light=False), None)]:
        body = api.post("/api/digits/predict", files={"file": ("d.png", _png(image, mode), "image/png")}).json()
        assert body["digit"] == 1 and len(body["probabilities"]) == 10
        assert sum(body["probabilities"]) == pytest.approx(1, abs=1e-4)
        assert np.array(body["input"]).shape == (28, 28) and body["model"] == "pretrained"
        assert body["activations"] is None and body["runner_up"] != body["digit"]
    rgba = np.zeros((280, 280, 4), np.uint8)
    rgba[..., 3] = 255 - _bar()
    body = api.post("/api/digits/predict", files={"file": ("d.png", _png(rgba, "RGBA"), "image/png")}).json()
    assert body["digit"] == 1


def test_predict_pixels_and_activations(api):
    ds = load_dataset()
    pixels = (ds.test_images[0] / 255).tolist()  # a 7, in 0..1
    body = api.post("/api/digits/predict?activations=true", json={"pixels": pixels}).json()
    assert body["digit"] == int(ds.test_labels[0])
    shapes = {a["name"]: a["shape"] for a in body["activations"]}
    assert shapes["conv1"] == [6, 28, 28] and shapes["pool2"] == [16, 5, 5] and shapes["fc3"] == [10]
    assert np.array(next(a for a in body["activations"] if a["name"] == "conv2")["values"]).shape == (16, 10, 10)


@pytest.mark.parametrize("send,status,message", [
    ({"files": {"file": ("d.png", b"not an image", "image/png")}}, 415, "expected PNG"),
    ({"files": {"file": ("d.png", _png(np.full((280, 280), 255, np.uint8)), "image/png")}}, 422, "empty"),
    ({"files": {"file": ("d.png", _png(np.zeros((1000, 1000), np.uint8)), "image/png")}}, 413, "limit"),
    ({"files": {"other": ("d.png", b"x", "image/png")}}, 422, "field named 'file'"),
    ({"json": {"pixels": [[0] * 28] * 27}}, 422, "28 rows of 28"),
    ({"json": {"pixels": [[0] * 28] * 28}}, 422, "empty"),
    ({"json": {"pixels": [[300] * 28] * 28}}, 422, "pixels, row 1, column 1 must be at most 255"),
    ({"json": {"pixels": [[0] * 28] * 27}}, 422, "pixels needs at least 28 rows"),
    ({"json": {"pixels": [[True] * 28] * 28}}, 422, "pixels, row 1, column 1 must be a number"),
    ({"json": {"pixels": [[0] * 28] * 28, "digit": 7}}, 422, "digit is not expected here"),
    ({"json": {"pixels": "seven"}}, 422, "28 rows of 28 numbers"),
    ({"json": {"values": []}}, 422, "28 rows of 28 numbers"),
    ({"content": b"hello", "headers": {"Content-Type": "text/plain"}}, 403, "or as JSON"),
    ({"content": b"hello", "headers": {"Content-Type": "application/octet-stream"}}, 415, "multipart/form-data"),
    ({"content": b"{not json", "headers": {"Content-Type": "application/json"}}, 422, "the body is not valid JSON"),
    ({"content": b'{"pixels": [[NaN]]}', "headers": {"Content-Type": "application/json"}}, 422, ""),
])
def test_bad_inputs_get_a_4xx_that_says_what_was_expected(api, send, status, message):
    r = api.post("/api/digits/predict", **send)
    assert r.status_code == status, r.text
    assert message in r.json()["detail"]


def test_predict_uses_an_activated_run(api):
    pretrained = api.app.state.networks.pretrained
    pretrained.source = "run:test"  # the answer names whichever weights answered
    try:
        assert api.post("/api/digits/predict", json={"pixels": [[0] * 10 + [1] * 5 + [0] * 13] * 28}
                        ).json()["model"] == "run:test"
    finally:
        pretrained.source = "pretrained"


def test_drawn_digits_are_classified_through_the_png_path(api):
    """1,000 MNIST test digits redrawn on a 280x280 canvas (tests/digit_drawings.py): at least 99% (issue 16;
    the weights trained without distortions score 98.2% on these)."""
    ds = load_dataset()
    items = drawings(ds.test_images, ds.test_labels, 1000, seed=1)
    correct = sum(api.post("/api/digits/predict", files={"file": ("d.png", d.png, "image/png")}).json()["digit"]
                  == d.label for d in items)
    assert correct / len(items) >= 0.99, f"{correct}/{len(items)}"
