"""Augmentation through the API: the preview (POST /api/augment/preview) shows the first training
digits and their distortions, the same for a seed; a run takes `augment` in its config, trains
with it and keeps it; bad ranges are a 422 that names the option."""

from __future__ import annotations

import time

import numpy as np
import pytest

from model.datasets import load_dataset


def test_the_preview_distorts_the_first_training_digits_the_same_way_for_a_seed(api):
    body = {"augment": {"shift": 3, "rotate": 20, "elastic_alpha": 30}, "digits": 3, "variants": 4, "seed": 5}
    got = api.post("/api/augment/preview", json=body).json()
    train = load_dataset("data/mnist")
    assert got["labels"] == train.train_labels[:3].tolist()
    assert np.array_equal(got["original"], train.train_images[:3])
    variants = np.array(got["variants"])
    assert variants.shape == (3, 4, 28, 28) and variants.min() >= 0 and variants.max() <= 255
    assert all(not np.array_equal(variants[d, k], got["original"][d]) for d in range(3) for k in range(4))
    assert api.post("/api/augment/preview", json=body).json() == got  # the same seed, the same pictures
    assert api.post("/api/augment/preview", json=body | {"seed": 6}).json()["variants"] != got["variants"]
    off = api.post("/api/augment/preview", json={"digits": 2, "variants": 2}).json()
    assert np.array_equal(np.array(off["variants"])[:, 0], off["original"])  # no distortion: the digits as they are


@pytest.mark.parametrize("path,body,words", [
    ("/api/augment/preview", {"augment": {"shift": 9}}, "the shift (pixels) must be at most 6"),
    ("/api/augment/preview", {"augment": {"blur": 1}}, "blur"),
    ("/api/augment/preview", {"digits": 9}, "the digits must be at most 8"),
    ("/api/runs", {"augment": {"rotate": 45}}, "the rotation (degrees) must be at most 30"),
    ("/api/runs", {"augment": {"elastic_sigma": 1}}, "the elastic smoothness must be at least 2"),
])
def test_bad_ranges_are_a_422_that_names_the_option(api, path, body, words):
    r = api.post(path, json=body)
    assert r.status_code == 422 and words in r.json()["detail"], r.json()


def test_a_run_trains_with_its_augmentation_and_keeps_it(api):
    augment = {"shift": 2.0, "rotate": 10.0, "scale": 0.1, "shear": 5.0, "elastic_alpha": 0.0, "elastic_sigma": 4.0}
    run = api.post("/api/runs", json={"train_size": 256, "epochs": 1, "augment": augment}).json()
    assert run["config"]["augment"] == augment
    deadline = time.monotonic() + 120
    while (status := api.get(f"/api/runs/{run['id']}").json())["status"] not in {"completed", "failed"}:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert status["status"] == "completed" and status["config"]["augment"] == augment
