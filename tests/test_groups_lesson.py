"""The groups lesson (``model/groups_lesson.py``, POST /api/lessons/groups and /groups/time): which
channels each filter sees, checked on the engine by perturbing one channel and in PyTorch by running
the code the page shows; the costs and their formulas; the timings at every setting; and bad input
a 422 that says what was expected."""

from __future__ import annotations

import numpy as np
import pytest

from app.routes.lessons import common
from model.conv_types import cost_formulas
from model.functional import conv2d
from model.groups_lesson import MAX_CHANNELS, valid_groups
from tests.shown_code import printed_lines

torch = pytest.importorskip("torch")

GEOMETRIES = [(6, 6, 3, 8, 1), (6, 6, 3, 8, 3), (6, 12, 5, 10, 6), (4, 8, 1, 6, 2), (16, 16, 3, 12, 16),
              (5, 10, 7, 9, 5), (12, 9, 3, 7, 3)]


def body_of(c_in, c_out, kernel, size, groups):
    return {"c_in": c_in, "c_out": c_out, "kernel": kernel, "size": size, "groups": groups}


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_each_filter_sees_the_channels_the_lesson_says_on_the_engine(api, geometry):
    c_in, c_out, k, size, g = geometry
    got = api.post("/api/lessons/groups", json=body_of(*geometry)).json()
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, c_in, size, size))
    w = rng.standard_normal((c_out, c_in // g, k, k))
    base = conv2d(x, w, padding="same", groups=g)
    seen = [[] for _ in range(c_out)]
    for c in range(c_in):  # nudge one input channel; the filters whose output moves see it
        nudged = x.copy()
        nudged[0, c] += 1.0
        moved = np.abs(conv2d(nudged, w, padding="same", groups=g) - base).sum(axis=(0, 2, 3)) > 1e-9
        for f in np.flatnonzero(moved):
            seen[f].append(c)
    assert got["sees"] == seen
    assert all(len(s) == c_in // g for s in seen)


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_the_code_shown_prints_the_lessons_numbers_in_pytorch(api, geometry):
    c_in, c_out, k, size, g = geometry
    got = api.post("/api/lessons/groups", json=body_of(*geometry)).json()
    torch.manual_seed(0)
    lines = printed_lines(got["code"])
    assert lines[0] == str((c_out, c_in // g, k, k))
    assert int(lines[1]) == got["weights"]
    assert [eval(line.split(" ", 1)[1]) for line in lines[2:]] == got["sees"]  # noqa: S307 - lists of ints
    assert [int(line.split(" ", 1)[0]) for line in lines[2:]] == list(range(c_out))
    assert got["macs"] == got["weights"] * size * size  # "same" padding: one sum of weights per output cell
    assert got["weights_formula"].endswith(f"= {got['weights']:,}")
    assert got["macs_formula"].endswith(f"= {got['macs']:,}")


def test_the_slider_stops_are_the_common_divisors():
    assert valid_groups(6, 6) == [1, 2, 3, 6]
    assert valid_groups(6, 12) == [1, 2, 3, 6]
    assert valid_groups(12, 8) == [1, 2, 4]
    assert valid_groups(7, 5) == [1]
    for c_in in range(1, MAX_CHANNELS + 1):
        for c_out in range(1, MAX_CHANNELS + 1):
            stops = valid_groups(c_in, c_out)
            assert stops[0] == 1 and all(c_in % g == 0 and c_out % g == 0 for g in stops)


def test_timings_cover_every_setting_and_the_costs_divide_by_the_groups(api):
    body = {"c_in": 8, "c_out": 8, "kernel": 3, "size": 16}
    got = api.post("/api/lessons/groups/time", json=body).json()
    assert [s["groups"] for s in got["settings"]] == [1, 2, 4, 8]
    first = got["settings"][0]
    for s in got["settings"]:
        assert s["macs"] * s["groups"] == first["macs"] and s["weights"] * s["groups"] == first["weights"]
        assert 0 < s["seconds"] < 5
    sep = got["separable"]
    assert sep["formulas"] == cost_formulas(3, 8, 8, 16)
    assert sep["standard"] == first["macs"]  # groups = 1 is the standard convolution
    assert sep["separable"] == 3 * 3 * 8 * 16 * 16 + 8 * 8 * 16 * 16
    assert sep["ratio"] == pytest.approx(1 / 8 + 1 / 9)
    assert sep["seconds_standard"] > 0 and sep["seconds_separable"] > 0


@pytest.mark.parametrize("path", ["/api/lessons/groups/time", "/api/lessons/conv-types/run"])
def test_a_second_timed_run_while_one_runs_is_a_503_not_a_wait(api, path):
    body = {"c_in": 4, "c_out": 4, "kernel": 3, "size": 8} if "groups" in path else {"dk": 3, "m": 3, "n": 4, "df": 16}
    assert common._timing.acquire(blocking=False)
    try:
        r = api.post(path, json=body)
        assert r.status_code == 503 and r.headers["retry-after"] == "1"
    finally:
        common._timing.release()
    assert api.post(path, json=body).status_code == 200


@pytest.mark.parametrize("body,words", [
    (body_of(6, 12, 3, 8, 4), "groups must divide both the 6 input channels and the 12 filters (it can be 1, 2, 3, 6)"),
    (body_of(6, 6, 4, 8, 1), "the kernel size must be odd"),
    (body_of(17, 6, 3, 8, 1), "the input channels"),
    (body_of(6, 6, 3, 49, 1), "the map size"),
    (body_of(6, 0, 3, 8, 1), "the filters"),
])
def test_bad_settings_are_a_422_that_says_what_was_expected(api, body, words):
    r = api.post("/api/lessons/groups", json=body)
    assert r.status_code == 422 and words in str(r.json()["detail"])
