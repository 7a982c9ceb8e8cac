"""Two cores, one batch (``model/data_parallel.py``): on two engine threads each half of a batch
runs through its own copy of the network. The numbers must be one thread's (float64, within
1e-12 relative: only the order of the batch sums differs), the same on every run, and an error
in either half must surface instead of leaving the other half waiting."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from model.batchnorm import BatchNorm
from model import data_parallel
from model.data_parallel import MIN_HALF, Exchange, multiply_adds_per_image
from model.datasets import load_dataset
from model.layers import Layer, Linear
from model.loss import softmax_cross_entropy
from model.network import Sequential
from model.optim import SGD
from model.parallel import engine_threads
from model.presets import PRESETS
from model.zoo import from_spec
from tests.test_custom_networks import EVERY_KIND

NETWORKS = {name: preset["layers"] for name, preset in PRESETS.items()} | {"every kind": EVERY_KIND}


@pytest.fixture(autouse=True)
def split_any_work(monkeypatch):
    """These tests are about how a batch is split, so every network's is, however little its work."""
    monkeypatch.setattr(data_parallel, "MIN_HALF_MULTIPLY_ADDS", 0)


@pytest.fixture(scope="module")
def batch() -> tuple[np.ndarray, np.ndarray]:
    ds = load_dataset()
    return ds.test_images[:33].astype(np.float64), ds.test_labels[:33].astype(np.int64)  # 33: halves of 17 and 16


def one_step(specs: list[dict], images: np.ndarray, labels: np.ndarray, threads: int) -> dict[str, np.ndarray]:
    """Forward, loss and backward of one training batch -> logits, every gradient and buffer."""
    net = from_spec((1, 28, 28), specs, seed=2, dtype=np.float64).train(True)
    with engine_threads(threads):
        logits = net.forward(net.to_input(images))
        _, dlogits = softmax_cross_entropy(logits, labels)
        net.backward(dlogits)
    grads = {f"grad {name}": g.copy() for name, _, g in net.parameters()}
    return {"logits": logits} | grads | {k: np.array(v) for k, v in net.state_dict().items()}


@pytest.mark.parametrize("name", list(NETWORKS))
def test_two_threads_give_one_threads_logits_gradients_and_running_statistics(name, batch):
    one, two = one_step(NETWORKS[name], *batch, threads=1), one_step(NETWORKS[name], *batch, threads=2)
    assert one.keys() == two.keys()
    for key in one:
        scale = max(float(np.abs(one[key]).max()), 1.0)  # a bias before batch norm has gradient ~0
        assert np.abs(one[key] - two[key]).max() <= 1e-12 * scale, key
    bns = [k for k in one if k.endswith("num_batches_tracked")]
    assert all(int(two[k]) == 1 for k in bns)  # the running statistics move once per batch, not once per half


def test_two_threads_give_the_same_bits_on_every_run(batch):
    images, labels = batch

    def train(steps: int = 3) -> list[np.ndarray]:
        net = from_spec((1, 28, 28), PRESETS["modern-small"]["layers"], seed=5).train(True)
        opt = SGD(net.parameters(), lr=0.05, momentum=0.9)
        with engine_threads(2):
            for _ in range(steps):
                _, d = softmax_cross_entropy(net.forward(net.to_input(images)), labels)
                net.backward(d)
                opt.step()
        return [np.array(v) for v in net.state_dict().values()]

    assert all(np.array_equal(a, b) for a, b in zip(train(), train()))


def test_a_batch_too_small_to_halve_runs_on_one_thread(batch):
    images, labels = batch
    seen: set[str] = set()

    class Where(Layer):
        def forward(self, x, train=True):  # noqa: ANN001, ANN201
            seen.add(threading.current_thread().name)
            return x

        def backward(self, dout):  # noqa: ANN001, ANN201
            return dout

    net = Sequential([("fc", Linear(784, 10, dtype=np.float64)), ("where", Where())], (784,))
    with engine_threads(2):
        net.forward(net.to_input(images[:2 * MIN_HALF - 1]))
        assert seen == {threading.current_thread().name}
        net.forward(net.to_input(images[:2 * MIN_HALF]))
    assert len(seen) == 2 and any(name.startswith("engine") for name in seen)


def test_only_a_batch_with_enough_work_per_half_is_split(monkeypatch):
    monkeypatch.setattr(data_parallel, "MIN_HALF_MULTIPLY_ADDS", 60_000_000)
    lenet = from_spec((1, 28, 28), PRESETS["lenet5"]["layers"])
    # conv1 6*1*5*5 weights at 28x28 positions, conv2 16*6*5*5 at 10x10, then the three linear layers
    assert lenet._multiply_adds == 150 * 784 + 2400 * 100 + 400 * 120 + 120 * 84 + 84 * 10 == 416_520
    small = from_spec((1, 28, 28), PRESETS["modern-small"]["layers"])
    assert multiply_adds_per_image([layer for _, layer in small.layers], (1, 28, 28)) == small._multiply_adds
    assert small._multiply_adds == 288 * 784 + 18_432 * 196 + 3136 * 128 + 1280 == 4_241_152
    with engine_threads(2):
        assert data_parallel.should_split(64, small._multiply_adds)  # 32 * 4.24M = 136M per half
        assert not data_parallel.should_split(64, lenet._multiply_adds)  # 13M: one thread is faster
        assert data_parallel.should_split(512, lenet._multiply_adds)
    assert not data_parallel.should_split(64, small._multiply_adds)  # one engine thread never splits


class Fails(Layer):
    """Raises in the second half only, before a batch norm where the first half waits for it."""

    def forward(self, x, train=True):  # noqa: ANN001, ANN201
        if self.half is not None and self.half.part == 1:
            raise ValueError("the second half broke")
        return x


def test_an_error_in_one_half_is_raised_and_the_other_half_stops_waiting(batch):
    images, _ = batch
    net = Sequential([("fc", Linear(784, 6, dtype=np.float64)), ("fails", Fails()),
                      ("bn", BatchNorm(6, spatial=False, dtype=np.float64))], (784,))
    done = threading.Event()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with engine_threads(2):
                net.forward(net.to_input(images))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        done.set()

    threading.Thread(target=run, daemon=True).start()
    assert done.wait(10), "the first half still waits for the second at batch norm"
    assert len(errors) == 1 and isinstance(errors[0], ValueError) and "second half broke" in str(errors[0])
    with engine_threads(2):  # and the network still trains afterwards, on one layer fewer
        ok = Sequential([("fc", net["fc"]), ("bn", net["bn"])], (784,))
        assert ok.forward(ok.to_input(images)).shape == (6, len(images))


def test_an_exchange_gives_both_threads_both_parts_in_order_round_after_round():
    exchange, got = Exchange(), {0: [], 1: []}

    def side(part: int) -> None:
        for r in range(200):
            got[part].append(exchange.swap(part, (part, r)))

    other = threading.Thread(target=side, args=(1,))
    other.start()
    side(0)
    other.join()
    assert got[0] == got[1] == [((0, r), (1, r)) for r in range(200)]
