"""The training distortions (``model/augment.py``): the vectorised resampling against its plain
loops, the affine maps against exact rotations and shifts, the elastic field's smoothing, the
ranges, and training with them deterministic for a seed, resumed or not."""

from __future__ import annotations

import numpy as np
import pytest

from model.augment import (RANGES, Augment, affine_points, augment, bilinear_sample, bilinear_sample_loops,
                           gaussian_matrix, source_points)
from model.datasets import load_dataset
from model.training import EpochEvent, TrainConfig, Trainer

TOLERANCE = 1e-4  # float32 arithmetic on 0..255 pixels


@pytest.mark.parametrize("seed", range(4))
def test_the_vectorised_resampling_equals_its_plain_loops(seed):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (3, 12, 10)).astype(np.float64)
    strong = Augment(shift=6, rotate=30, scale=0.3, shear=30, elastic_alpha=40, elastic_sigma=2)
    rows, cols = source_points(3, 12, 10, strong, np.random.default_rng(seed + 10))
    fast = bilinear_sample(images, rows, cols)
    for i in range(3):
        np.testing.assert_allclose(fast[i], bilinear_sample_loops(images[i], rows[i], cols[i]), atol=TOLERANCE)
    assert (rows < 0).any() or (rows > 11).any()  # some points fall outside: they read zeros


def test_the_affine_map_rotates_shifts_and_scales_exactly():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (1, 9, 9)).astype(np.float64)
    zero, one = np.zeros(1), np.ones(1)
    same = bilinear_sample(images, *affine_points(9, 9, zero, zero, one, np.zeros((1, 2))))
    np.testing.assert_array_equal(same, images)
    quarter = bilinear_sample(images, *affine_points(9, 9, np.array([np.pi / 2]), zero, one, np.zeros((1, 2))))
    # reading from R(90 degrees) p turns the picture a quarter clockwise about its centre (rows down)
    np.testing.assert_allclose(quarter[0], np.rot90(images[0], k=-1), atol=TOLERANCE)
    moved = bilinear_sample(images, *affine_points(9, 9, zero, zero, one, np.array([[2.0, -1.0]])))
    np.testing.assert_allclose(moved[0, :-2, 1:], images[0, 2:, :-1], atol=TOLERANCE)  # reads 2 rows down, 1 column left
    assert (moved[0, -2:] == 0).all() and (moved[0, :, 0] == 0).all()  # from outside: zeros
    doubled = bilinear_sample(images, *affine_points(9, 9, zero, zero, np.array([2.0]), np.zeros((1, 2))))
    np.testing.assert_allclose(doubled[0, 4, 4], images[0, 4, 4])  # the centre stays
    np.testing.assert_allclose(doubled[0, 4, 6], images[0, 4, 5], atol=TOLERANCE)  # twice as far from it


def test_the_elastic_field_is_smoothed_noise_of_the_asked_strength():
    g = gaussian_matrix(28, 4.0)
    np.testing.assert_allclose(g.sum(axis=1), 1)
    assert g[14, 14] > g[14, 18] > g[14, 22] > 0
    still = Augment(elastic_alpha=0.0)
    wobbly = Augment(elastic_alpha=30.0, elastic_sigma=4.0)
    r0, c0 = source_points(4, 28, 28, still, np.random.default_rng(1))
    r1, c1 = source_points(4, 28, 28, wobbly, np.random.default_rng(1))
    d = np.hypot(r1 - r0, c1 - c0)
    assert 0.5 < d.mean() < 10
    # smooth: neighbours move alike, far more than two random fields would
    assert np.abs(np.diff(r1 - r0, axis=2)).mean() < 0.2 * np.abs(r1 - r0).mean()


def test_no_distortion_gives_the_images_back_and_the_ranges_are_enforced():
    images = np.random.default_rng(0).integers(0, 256, (2, 28, 28)).astype(np.uint8)
    assert augment(images, Augment(), np.random.default_rng(0)) is images
    for name, (low, high) in RANGES.items():
        with pytest.raises(ValueError, match=f"augmentation {name} must be between {low:g} and {high:g}"):
            Augment(**{name: high + 1})
    with pytest.raises(ValueError, match="augmentation options are"):
        TrainConfig(augment={"blur": 1.0})


def test_training_with_distortions_is_the_same_for_a_seed_and_when_resumed(tmp_path):
    dataset = load_dataset("data/mnist")
    config = TrainConfig(epochs=2, train_size=256, batch_size=64, threads=1,
                         augment={"shift": 2, "rotate": 10, "scale": 0.1, "shear": 5, "elastic_alpha": 20})
    runs = []
    for k in range(2):
        trainer = Trainer(config, dataset, checkpoint_path=tmp_path / f"straight{k}.npz")
        list(trainer.run())
        runs.append(trainer.history)
    for key in ("train_loss", "train_accuracy", "test_loss", "test_accuracy"):
        assert [h[key] for h in runs[0]] == [h[key] for h in runs[1]], key
    plain = Trainer(TrainConfig(epochs=2, train_size=256, batch_size=64, threads=1), dataset)
    list(plain.run())
    assert plain.history[-1]["train_loss"] != runs[0][-1]["train_loss"]  # the distortions did something
    # one epoch, stop, resume for the second: the same losses as straight through
    first = Trainer(config, dataset, checkpoint_path=tmp_path / "ck.npz")
    for event in first.run():
        if isinstance(event, EpochEvent):
            break  # the server stops after epoch 1; its checkpoint is written
    resumed = Trainer(config, dataset, checkpoint_path=tmp_path / "ck.npz", resume=True)
    list(resumed.run())
    assert [h["train_loss"] for h in resumed.history] == [h["train_loss"] for h in runs[0]]
    assert [h["test_accuracy"] for h in resumed.history] == [h["test_accuracy"] for h in runs[0]]
