"""Accuracy against shift (model/translation_curves.py): the committed curves were measured for the
committed weights and test set, a point measured again is the kept one, a stale file is measured
anew, and the curves say what the lesson's sentence builds on."""

from __future__ import annotations

import json

import numpy as np
import pytest

from model.datasets import Dataset, load_dataset
from model.translation_curves import (CACHE, CURVE_SHIFTS, DIRECTIONS, NETWORKS, accuracy_curves, fingerprints,
                                      load_or_measure, loaded_networks)
from model.translation_lesson import shift


@pytest.fixture(scope="module")
def data():
    return load_dataset()


@pytest.fixture(scope="module")
def kept(data):
    curves, cached = load_or_measure(data)
    assert cached, "model/weights/translation-curves.json is stale: run python -m model.translation_curves"
    return curves


def test_the_kept_curves_belong_to_the_committed_weights(kept, data):
    assert kept["fingerprints"] == fingerprints(data)
    assert kept["shifts"] == list(CURVE_SHIFTS) and kept["directions"] == list(DIRECTIONS)
    assert set(kept["curves"]) == {n.key for n in NETWORKS}
    assert kept["test_digits"] == 10_000


@pytest.mark.parametrize("key, direction, d", [("lenet5", "right", 4), ("mlp_plain", "up", 2)])
def test_a_point_measured_again_is_the_kept_one(kept, data, key, direction, d):
    ux, uy = DIRECTIONS[direction]
    logits = loaded_networks()[key].predict_logits(shift(data.test_images, d * ux, d * uy), batch_size=500)
    assert float((logits.argmax(axis=1) == data.test_labels).mean()) == kept["curves"][key][direction][d]


def test_shift_zero_is_the_test_accuracy_in_every_direction(kept):
    for n in NETWORKS:
        sidecar = json.loads(n.path.with_suffix(".json").read_text())
        for direction in DIRECTIONS:
            assert kept["curves"][n.key][direction][0] == pytest.approx(sidecar["test_accuracy"], abs=1e-4)


def test_what_the_lessons_sentence_builds_on(kept):
    c = kept["curves"]
    for direction in DIRECTIONS:
        for key in c:
            assert c[key][direction][6] < c[key][direction][0] - 0.1  # nobody is invariant to 6 pixels
        assert c["lenet5_plain"][direction][4] > c["mlp_plain"][direction][4]  # convolution helps, untrained for it
        assert c["lenet5"][direction][4] > c["lenet5_plain"][direction][4]  # distortions help more
    assert np.mean([c["lenet5"][d][0] for d in DIRECTIONS]) >= 0.995  # the target for the shipped net


def test_a_stale_file_is_measured_again(tmp_path, data):
    small = Dataset("mnist", data.train_images[:1], data.train_labels[:1], data.test_images[:300], data.test_labels[:300])
    stale = tmp_path / "curves.json"
    stale.write_text(CACHE.read_text())  # measured on all 10,000 digits, not these 300
    curves, cached = load_or_measure(small, cache=stale, networks=NETWORKS[1:2])
    assert not cached and curves["test_digits"] == 300
    net = loaded_networks()["mlp"]
    assert curves["curves"]["mlp"] == accuracy_curves(net, small.test_images, small.test_labels)
