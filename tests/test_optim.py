"""Optimisers against their update rules written out by hand, and the learning-rate schedules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from model.optim import SGD, Adam, LRSchedule, make_optimizer


def _param(values):
    w = np.array(values, dtype=np.float64)
    return w, np.zeros_like(w)


def test_plain_sgd_with_weight_decay():
    w, g = _param([1.0, -2.0])
    opt = SGD([("w", w, g)], lr=0.1, weight_decay=0.01)
    g[:] = [0.5, 0.5]
    opt.step()
    np.testing.assert_allclose(w, [1.0 - 0.1 * (0.5 + 0.01 * 1.0), -2.0 - 0.1 * (0.5 - 0.02)])


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_follows_pytorchs_rule(nesterov):
    w, g = _param([1.0])
    opt = SGD([("w", w, g)], lr=0.1, momentum=0.9, nesterov=nesterov)
    grads = [1.0, 2.0, -1.0]
    expected_w, v = 1.0, None
    for grad in grads:
        g[:] = grad
        opt.step()
        v = grad if v is None else 0.9 * v + grad  # the buffer starts at the first gradient
        expected_w -= 0.1 * (grad + 0.9 * v if nesterov else v)
        assert w[0] == pytest.approx(expected_w)


def test_adam_first_step_moves_by_lr_and_matches_the_rule():
    w, g = _param([1.0, 1.0])
    opt = Adam([("w", w, g)], lr=0.01)
    g[:] = [3.0, -0.001]
    opt.step()
    # after bias correction, m/sqrt(s) = sign(g): every weight moves by lr on step 1
    np.testing.assert_allclose(w, [0.99, 1.01], atol=1e-6)
    m, s = 0.0, 0.0
    expected = 0.99
    g[:] = [1.0, 0.0]
    opt.step()
    m = 0.9 * (0.1 * 3.0) + 0.1 * 1.0
    s = 0.999 * (0.001 * 9.0) + 0.001 * 1.0
    expected -= 0.01 * (m / (1 - 0.9 ** 2)) / (math.sqrt(s / (1 - 0.999 ** 2)) + 1e-8)
    assert w[0] == pytest.approx(expected)


def test_optimizer_state_round_trip():
    w, g = _param([1.0, 2.0])
    opt = make_optimizer("adam", [("w", w, g)], lr=0.01)
    g[:] = 1.0
    opt.step()
    clone_w = w.copy()
    clone = make_optimizer("adam", [("w", clone_w, g)], lr=0.01)
    clone.load_state(opt.state())
    opt.step()
    clone.step()
    np.testing.assert_array_equal(w, clone_w)


@pytest.mark.parametrize("kwargs,message", [
    ({"lr": 0}, "lr > 0"), ({"lr": 0.1, "momentum": 1.0}, "momentum"),
    ({"lr": 0.1, "nesterov": True}, "Nesterov"),
])
def test_sgd_rejects_bad_hyper_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SGD([], **kwargs)


def test_schedules():
    total = 100
    assert LRSchedule("constant", 0.1, total)(57) == 0.1
    step = LRSchedule("step", 0.1, total)
    assert [step(0), step(50), step(75)] == pytest.approx([0.1, 0.01, 0.001])
    cosine = LRSchedule("cosine", 0.1, total)
    assert cosine(0) == pytest.approx(0.1) and cosine(50) == pytest.approx(0.05) and cosine(100) == pytest.approx(0)
    one = LRSchedule("onecycle", 0.1, total)
    assert one(0) == pytest.approx(0.1 / 25)
    assert one(25) == pytest.approx(0.1)  # the peak, after the warm-up quarter
    assert max(one(s) for s in range(total)) == pytest.approx(0.1)
    assert one(100) == pytest.approx(0.1 / 25 / 1e4)
    with pytest.raises(ValueError, match="schedule must be one of"):
        LRSchedule("warm", 0.1, total)
