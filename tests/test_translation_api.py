"""Lesson 11's API: POST /api/lessons/translation (a digit shifted: its maps against the maps
shifted, what pooling keeps, every network's answer) and GET /api/lessons/translation/curves,
with bad input answered 422 in the learner's words."""

from __future__ import annotations

import numpy as np
import pytest

from model.datasets import load_dataset
from model.translation_lesson import compare_maps, shift
from model.zoo import PRETRAINED_LENET5, load_model

SEVEN = load_dataset().test_images[0]


def ask(api, **body):
    return api.post("/api/lessons/translation", json={"pixels": SEVEN.tolist(), **body})


def test_a_shifted_digit_its_maps_and_the_answers(api):
    r = ask(api, dx=3, dy=-2)
    assert r.status_code == 200, r.text
    body = r.json()
    assert np.array_equal(np.array(body["shifted_pixels"]), shift(SEVEN.astype(float), 3, -2))
    assert body["answer"] == 7 and body["ink_kept"] == pytest.approx(1.0)
    assert [n["key"] for n in body["networks"]] == ["lenet5", "mlp", "lenet5_plain", "mlp_plain"]
    assert [n["distorted"] for n in body["networks"]] == [True, True, False, False]
    assert body["networks"][0]["augment"] == {"shift": 2.0, "rotate": 10.0, "scale": 0.1, "shear": 10.0}
    for key, p in body["current"].items():
        assert len(p) == 10 and sum(p) == pytest.approx(1.0), key
    conv1, conv2 = body["maps"]
    assert np.array(conv1["of_shifted"]).shape == (6, 28, 28) and np.array(conv2["shifted"]).shape == (16, 10, 10)
    expected = compare_maps(load_model(PRETRAINED_LENET5)[0], SEVEN.astype(float), 3, -2)
    assert conv1["inside_cells"] == int(expected[0].inside.sum()) == 21 * 22
    assert conv1["whole"] and conv1["largest_inside"] == 0 and conv1["differing_inside"] == 0
    assert conv1["differing_outside"] > 0
    assert not conv2["whole"] and conv2["cells"] == [1, -1] and conv2["differing_inside"] > 0
    np.testing.assert_allclose(conv1["difference"], np.round(expected[0].difference, 4), atol=2e-4)


def test_the_profiles_slide_the_digit_along_both_axes(api):
    body = ask(api).json()
    x, y = body["profiles"]
    assert (x["axis"], y["axis"]) == ("x", "y") and x["shifts"] == list(range(-8, 9))
    assert set(x["change"]) == {"conv1", "pool1", "conv2", "pool2"}
    for profile in (x, y):
        for key in ("lenet5", "mlp", "lenet5_plain", "mlp_plain"):
            assert profile["top"][key][8] == 7  # unmoved, every network reads the 7
            assert profile["probability"][key][8] == pytest.approx(body["current"][key][7])


@pytest.mark.parametrize("body, message", [
    ({"dx": 9}, "the shift to the right must be at most 8"),
    ({"dy": -9}, "the shift down must be at least -8"),
    ({"dx": 1.5}, "the shift to the right must be a whole number"),
    ({"dx": "2"}, "the shift to the right must be a whole number"),
    ({"pixels": [[0] * 28] * 27}, "pixels needs at least 28"),
    ({"pixels": [[0] * 27] * 28}, "pixels, row 1 needs at least 28 numbers"),
    ({"pixels": [[300] * 28] * 28}, "at most 255"),
    ({"pixels": [[0] * 28] * 28}, "the image is empty"),
    ({"angle": 3}, "angle is not expected here"),
])
def test_bad_input_is_a_422_that_says_what_was_expected(api, body, message):
    r = api.post("/api/lessons/translation", json={"pixels": SEVEN.tolist(), **body})
    assert r.status_code == 422, r.text
    assert message in r.json()["detail"]


def test_the_curves_are_served_from_the_kept_file(api):
    body = api.get("/api/lessons/translation/curves").json()
    assert body["cached"] and body["test_digits"] == 10_000 and body["shifts"] == list(range(7))
    assert set(body["curves"]) == {"lenet5", "mlp", "lenet5_plain", "mlp_plain"}
    assert set(body["curves"]["mlp"]) == {"right", "left", "down", "up"}


def test_the_lesson_page_is_listed_and_offers_the_sliders_range(api):
    page = api.get("/lessons/translation")
    assert page.status_code == 200
    assert 'min="-8" max="8"' in page.text and "/static/js/lessons/translation-page.js" in page.text
    assert "/lessons/translation" in api.get("/lessons").text


def test_the_curves_are_the_committed_networks_mnist_whatever_data_the_server_trains_on(api, monkeypatch, tmp_path):
    from app.routes.lessons import translation

    monkeypatch.setenv("CONVSCOPE_DATA_DIR", str(tmp_path / "elsewhere"))  # e.g. Fashion-MNIST for the runs
    monkeypatch.setattr(translation, "_curves", {})
    body = api.get("/api/lessons/translation/curves").json()
    assert body["cached"] and body["test_digits"] == 10_000
