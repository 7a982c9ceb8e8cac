"""Counting a network from its description (model/architecture.py) agrees with the network the
engine builds from it, names the layer that does not fit, and never allocates a weight."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.architecture import ArchitectureError, plan, totals
from model.pooling_lesson import pool_grid
from model.pooling import avgpool_backward, avgpool_forward
from model.reference import avgpool_backward_loops
from model.zoo import build_model, from_spec, plan_of


@pytest.mark.parametrize("name,params,conv,macs", [("lenet5", 61_684, 2_550, 416_520), ("mlp", 251_060, 0, 250_700)])
def test_the_tutorials_networks_are_counted_layer_by_layer(name, params, conv, macs):
    net = build_model(name)
    rows = plan_of(net)
    assert [r.output_shape for r in rows] == [r.output_shape for r in net.summary()]
    assert [r.params for r in rows] == [r.params for r in net.summary()]
    assert totals(rows) == {"params": params, "conv": conv, "classifier": params - conv, "macs": macs}
    # conv1 of LeNet-5: 6 kernels of 1x5x5, no bias, each applied at 28x28 positions
    if name == "lenet5":
        assert (rows[0].formula, rows[0].macs) == ("6*1*5*5 = 150", 6 * 25 * 28 * 28)


@st.composite
def descriptions(draw):
    """A random small CNN: conv/pool/activation blocks, then flatten and linear layers."""
    specs, size = [], draw(st.integers(6, 20))
    for _ in range(draw(st.integers(0, 3))):
        k = draw(st.integers(1, 5))
        specs.append({"kind": "conv", "channels": draw(st.integers(1, 4)), "kernel": k,
                      "stride": draw(st.integers(1, 2)), "padding": draw(st.integers(0, 2)),
                      "dilation": draw(st.integers(1, 2)), "bias": draw(st.booleans())})
        specs.append({"kind": draw(st.sampled_from(["relu", "tanh"]))})
        if draw(st.booleans()):
            specs.append({"kind": draw(st.sampled_from(["maxpool", "avgpool"])), "kernel": draw(st.integers(1, 3))})
    specs.append({"kind": "flatten"})
    specs += [{"kind": "linear", "features": draw(st.integers(1, 20)), "bias": draw(st.booleans())}
              for _ in range(draw(st.integers(1, 2)))]
    return (draw(st.integers(1, 3)), size, size), specs


@settings(max_examples=60, deadline=None)
@given(descriptions())
def test_the_plan_equals_the_built_network_or_names_the_layer_that_does_not_fit(case):
    shape, specs = case
    try:
        rows = plan(shape, specs)
    except ArchitectureError as exc:
        assert "does not fit" in str(exc) and str(exc).split(":")[0][-1].isdigit()  # "conv2: ..."
        with pytest.raises(ArchitectureError):
            from_spec(shape, specs)
        return
    net = from_spec(shape, specs)
    assert [r.output_shape for r in rows] == [r.output_shape for r in net.summary()]
    assert sum(r.params for r in rows) == net.num_params()
    x = np.random.default_rng(0).standard_normal((2, *shape)).astype(np.float32) * 50 + 100
    assert net.predict_logits(x).shape == (2, rows[-1].output_shape[0])


def test_a_huge_network_is_counted_without_allocating_it():
    # 29 linear layers of 100,000 features: 280 billion weights, 1.1 TB as float32
    specs = [{"kind": "flatten"}] + [{"kind": "linear", "features": 100_000}] * 29
    tracemalloc.start()
    rows = plan((1, 28, 28), specs)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert totals(rows)["params"] == 784 * 100_000 + 100_000 + 28 * (100_000 * 100_000 + 100_000)
    assert peak < 1_000_000


@pytest.mark.parametrize("specs,message", [
    ([{"kind": "conv", "channels": 6, "kernel": 5}, {"kind": "maxpool", "kernel": 2},
      {"kind": "conv", "channels": 16, "kernel": 5}, {"kind": "maxpool", "kernel": 2},
      {"kind": "conv", "channels": 8, "kernel": 5}], "conv3: a 5x5 kernel does not fit the 4x4 maps from pool2"),
    ([{"kind": "linear", "features": 10}], "fc1: a linear layer needs a flat input, but the input gives 1 map of 28x28"),
    ([{"kind": "flatten"}, {"kind": "conv", "channels": 2, "kernel": 3}], "conv1: a conv layer needs maps, but "
     "flatten gives 784 numbers"),
    ([{"kind": "conv", "kernel": 3}], "conv1 (conv) needs channels"),
    ([{"kind": "conv", "channels": 1, "kernel": 3, "dilation": 20}], "with dilation 20 (spanning 41x41)"),
])
def test_errors_name_the_layer_and_the_shape_problem(specs, message):
    with pytest.raises(ArchitectureError, match=message.replace("(", r"\(").replace(")", r"\)")):
        plan((1, 28, 28), specs)


@pytest.mark.parametrize("k,stride", [(2, 2), (3, 1), (3, 2), (2, 1)])
def test_average_pool_backward_loops_equal_the_engine(k, stride):
    rng = np.random.default_rng(k * 10 + stride)
    x = rng.standard_normal((2, 3, 7, 6))
    out, cache = avgpool_forward(np.ascontiguousarray(x.transpose(1, 2, 3, 0)), k, k, stride)
    dout = rng.standard_normal(out.shape)
    dx = avgpool_backward(dout, cache).transpose(3, 0, 1, 2)
    np.testing.assert_allclose(avgpool_backward_loops(dout.transpose(3, 0, 1, 2), x.shape, k, stride), dx, atol=1e-12)


def test_the_pooling_lesson_routes_max_to_the_first_arg_max_and_shares_the_average():
    x = np.array([[1, 3, 2, 4], [5, 5, 1, 0], [7, 2, 9, 9], [0, 1, 9, 3]], dtype=float)
    p = pool_grid(x, 2, delta=np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert p.max.tolist() == [[5, 4], [7, 9]] and p.argmax == [[(1, 0), (0, 3)], [(2, 0), (2, 2)]]
    assert p.dx_max[1, 0] == 1 and p.dx_max[1, 1] == 0  # ties: the first 5 in reading order
    assert p.dx_average.tolist()[0] == [0.25, 0.25, 0.5, 0.5]
    with pytest.raises(ValueError, match="delta must have the output's shape 2x2, not 1x2"):
        pool_grid(x, 2, delta=np.ones((1, 2)))
