"""Lesson 11's maths (model/translation_lesson.py): the shift against its plain loops, the region
where a layer's maps must follow a shift exactly, that they do there (and not for an odd shift
after pooling), and the profile of a digit slid along an axis."""

from __future__ import annotations

import numpy as np
import pytest

from model.datasets import load_dataset
from model.receptive_field import field_table, steps_of
from model.translation_lesson import (MAX_SHIFT, ROUNDING, check_shift, compare_maps, inside_picture, ink_kept,
                                      shift, shift_loops, shift_profile)
from model.zoo import PRETRAINED_LENET5, lenet5, load_model


@pytest.fixture(scope="module")
def net():
    return load_model(PRETRAINED_LENET5)[0]


@pytest.fixture(scope="module")
def digit():
    return load_dataset().test_images[0].astype(np.float64)  # a 7


def test_the_shift_is_its_plain_loops_for_every_shift_including_off_the_picture():
    x = np.random.default_rng(0).normal(size=(5, 7))
    for dx in range(-8, 9):
        for dy in range(-8, 9):
            assert np.array_equal(shift(x, dx, dy), shift_loops(x, dx, dy)), (dx, dy)


def test_the_shift_moves_every_leading_axis_alike_and_nothing_wraps():
    x = np.arange(2 * 3 * 4 * 4, dtype=float).reshape(2, 3, 4, 4)
    moved = shift(x, 1, -1)
    for n in range(2):
        for c in range(3):
            assert np.array_equal(moved[n, c], shift_loops(x[n, c], 1, -1))
    assert np.array_equal(moved[..., :, 0], np.zeros((2, 3, 4)))  # the column that came in is blank
    assert np.array_equal(moved[..., -1, :], np.zeros((2, 3, 4)))  # and the row: the top row is lost
    assert not shift(x, 4, 0).any()


def test_shifts_past_the_sliders_range_are_refused_in_words():
    check_shift(MAX_SHIFT, -MAX_SHIFT)
    with pytest.raises(ValueError, match=r"dx must be a whole number of pixels from -8 to 8; got 9"):
        check_shift(9, 0)
    with pytest.raises(ValueError, match="dy"):
        check_shift(0, -9)


def test_the_region_compared_is_where_the_receptive_field_touches_no_padding():
    rows = {row.name: row for row in field_table(steps_of(lenet5()), 28)}
    # conv1: 5x5, padding 2, so cells 2..25 read only the picture
    assert np.flatnonzero(inside_picture(rows["conv1"], 28)).tolist() == list(range(2, 26))
    # conv2: 14 pixels wide, centred on 2i + 4.5 -> from 2i - 2 to 2i + 11, inside for i = 1..8
    assert np.flatnonzero(inside_picture(rows["conv2"], 28)).tolist() == list(range(1, 9))


def test_conv1_follows_any_shift_exactly_inside_and_differs_only_outside(net, digit):
    for dx, dy in [(1, 0), (3, 0), (-5, 2), (0, -7), (8, 8)]:
        conv1 = compare_maps(net, digit, dx, dy)[0]
        assert conv1.layer == "conv1" and conv1.whole and conv1.cells == (dx, dy)
        # inside: cells 2..25 whose source (i - dy, j - dx) is also in 2..25
        expected = (24 - abs(dx)) * (24 - abs(dy))
        assert conv1.inside.sum() == expected
        assert conv1.largest(conv1.inside) <= ROUNDING
        assert not (conv1.differing & conv1.inside).any()
        assert conv1.largest(~conv1.inside) > 0.1  # the border does differ: padding is not blank paper


def test_conv2_follows_an_even_shift_and_not_an_odd_one(net, digit):
    even = compare_maps(net, digit, 2, -4)[1]
    assert even.layer == "conv2" and even.jump == 2 and even.whole and even.cells == (1, -2)
    assert even.inside.sum() == 7 * 6
    assert even.largest(even.inside) <= ROUNDING * np.abs(even.shifted).max()
    odd = compare_maps(net, digit, 3, 0)[1]
    assert not odd.whole and odd.cells == (1, 0)
    assert odd.largest(odd.inside) > 0.1 * np.abs(odd.shifted).max()


def test_unmoved_maps_are_the_same_everywhere(net, digit):
    for m in compare_maps(net, digit, 0, 0):
        assert m.inside.sum() == (24 if m.layer == "conv1" else 8) ** 2
        assert not m.differing.any()


def test_ink_is_kept_until_the_shift_pushes_it_out(digit):
    assert ink_kept(digit, 2, -2) == pytest.approx(1.0)
    assert ink_kept(digit, 8, 0) < 1.0
    assert ink_kept(digit, 0, 8) < ink_kept(digit, 0, 6) < 1.0


def test_the_profile_starts_from_zero_change_and_the_digits_answer(net, digit):
    nets = {"lenet5": net}
    p = shift_profile(nets, net, digit, answer=7, axis="x")
    assert p.shifts == list(range(-8, 9))
    zero = p.shifts.index(0)
    for layer, change in p.change.items():
        assert change[zero] == 0.0, layer
        assert change[zero + 1] > 0 and change[zero - 1] > 0
    assert p.top["lenet5"][zero] == 7
    assert 0.5 < p.probability["lenet5"][zero] <= 1.0
    # pooling forgives a 1-pixel move more than conv1 does (the lesson's sentence depends on the
    # numbers, this only checks the measurement is the one it claims to be)
    moved = shift(digit, 1, 0)
    a, b = net.activations(np.stack([digit, moved]))["pool2"].reshape(2, -1).astype(np.float64)
    assert p.change["pool2"][zero + 1] == pytest.approx(np.linalg.norm(b - a) / np.linalg.norm(a))
    with pytest.raises(ValueError, match="axis"):
        shift_profile(nets, net, digit, 7, "z")
