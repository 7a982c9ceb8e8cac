"""A helper process trains half of every batch (``model/helper_process.py``). Its numbers must be
the two threads' numbers bit for bit (the same halves, the same order of sums), one thread's up
to float rounding, and every way the helper can fail must be an error in the main process, not
a hang, leaving no process and no shared memory behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from model import data_parallel, helper_process
from model.datasets import Dataset, load_dataset
from model.helper_process import HelperProcess, helping, wants_helper
from model.loss import softmax_cross_entropy
from model.optim import SGD
from model.parallel import engine_threads
from model.presets import PRESETS
from model.training import TrainConfig, Trainer
from model.zoo import from_spec

ROOT = Path(__file__).resolve().parent.parent
DROPOUT_NET = [{"kind": "conv", "channels": 4, "kernel": 5}, {"kind": "tanh", "lecun": True},
               {"kind": "avgpool", "kernel": 2}, {"kind": "flatten"}, {"kind": "dropout", "p": 0.4},
               {"kind": "linear", "features": 10}]


def shared_files() -> set[str]:
    return {name for name in os.listdir(helper_process.SHARED_DIR or "/tmp") if name.startswith("convscope-helper-")}


def train_steps(specs, images, labels, how: str, dtype=np.float32, batch=64) -> dict[str, np.ndarray]:
    """A few SGD steps (the last batch a short one) -> every weight and the last logits. ``how``:
    "one" thread, two "threads" splitting every batch, or a "helper" process."""
    net = from_spec((1, 28, 28), specs, seed=3, dtype=dtype).train(True)
    opt = SGD(net.parameters(), lr=0.05, momentum=0.9)
    with engine_threads(1 if how == "one" else 2), helping(net, batch) as helper:
        assert (helper is not None) == (how == "helper")
        for start in range(0, len(images), batch):
            logits = net.forward(net.to_input(images[start:start + batch]))
            _, dlogits = softmax_cross_entropy(logits, labels[start:start + batch])
            net.backward(dlogits)
            opt.step()
    return {"logits": logits} | {k: np.array(v) for k, v in net.state_dict().items()}


@pytest.fixture
def always(monkeypatch):
    """Both kinds of split for any amount of work, so that tiny networks are split too."""
    monkeypatch.setattr(helper_process, "MIN_HELPER_HALF_MULTIPLY_ADDS", 0)
    monkeypatch.setattr(data_parallel, "MIN_HALF_MULTIPLY_ADDS", 0)


@pytest.mark.parametrize("specs,dtype", [(PRESETS["lenet5"]["layers"], np.float32), (DROPOUT_NET, np.float64)],
                         ids=["lenet5 float32", "dropout float64"])
def test_the_helper_gives_the_two_threads_numbers_bit_for_bit(specs, dtype, mnist_small, always, monkeypatch):
    images, labels = mnist_small  # 4 batches of 64 and one of 35: halves of 18 and 17
    helper = train_steps(specs, images, labels, "helper", dtype)
    other = train_steps(specs, images, labels[::-1].copy(), "helper", dtype)  # the test could tell them apart
    assert not np.array_equal(helper["logits"], other["logits"])
    monkeypatch.setattr(helper_process, "MIN_HELPER_HALF_MULTIPLY_ADDS", float("inf"))
    threads = train_steps(specs, images, labels, "threads", dtype)
    one = train_steps(specs, images, labels, "one", dtype)
    assert helper.keys() == threads.keys() == one.keys()
    for key in helper:
        np.testing.assert_array_equal(helper[key], threads[key], err_msg=key)
        tolerance = 1e-4 if dtype == np.float32 else 1e-10  # one thread sums the batch in one piece
        np.testing.assert_allclose(helper[key], one[key], rtol=tolerance, atol=tolerance, err_msg=key)


@pytest.fixture(scope="module")
def mnist_small():
    ds = load_dataset()
    return ds.train_images[:291], ds.train_labels[:291].astype(np.int64)


def test_which_networks_get_a_helper():
    lenet = from_spec((1, 28, 28), PRESETS["lenet5"]["layers"])  # 32 x 416,520 = 13.3M per half
    mlp = from_spec((1, 28, 28), PRESETS["mlp"]["layers"])  # 32 x 250,700 = 8.0M: slower with a helper
    small = from_spec((1, 28, 28), PRESETS["modern-small"]["layers"])  # batch norm: the threads split it
    with engine_threads(2):
        assert wants_helper(lenet, 64) and wants_helper(lenet, 4096)
        assert not wants_helper(mlp, 64) and not wants_helper(small, 64)
        assert not wants_helper(lenet, 2 * data_parallel.MIN_HALF - 1)
    assert not wants_helper(lenet, 64)  # one engine thread: no second core to use


def test_a_trainer_on_two_threads_trains_lenet5_with_a_helper_and_stops_it():
    ds = load_dataset()
    data = Dataset("mnist-subset", ds.train_images[:640], ds.train_labels[:640], ds.test_images[:100],
                   ds.test_labels[:100])
    before = shared_files()
    trainer = Trainer(TrainConfig(epochs=1, seed=1, threads=2), data)
    helpers = []
    for event in trainer.run():
        if event.type != "done":  # done comes after the helper has stopped
            helpers.append(trainer.model.helper)
    assert all(isinstance(h, HelperProcess) for h in helpers) and len(set(map(id, helpers))) == 1
    assert helpers[0].process.poll() is not None and trainer.model.helper is None  # stopped at the end
    assert shared_files() == before
    again = Trainer(TrainConfig(epochs=1, seed=1, threads=2), data)
    list(again.run())
    for key, value in trainer.model.state_dict().items():  # the same run, the same bits
        np.testing.assert_array_equal(again.model.state_dict()[key], value)


def test_a_killed_helper_is_an_error_naming_it_not_a_hang(mnist_small):
    images, labels = mnist_small
    net = from_spec((1, 28, 28), PRESETS["lenet5"]["layers"]).train(True)
    with engine_threads(2), helping(net, 64) as helper:
        net.backward(softmax_cross_entropy(net.forward(net.to_input(images[:64])), labels[:64])[1])
        helper.process.send_signal(signal.SIGKILL)
        helper.process.wait(5)
        started = time.monotonic()
        with pytest.raises(RuntimeError, match="helper process that trains half of each batch failed: it"):
            net.forward(net.to_input(images[:64]))
        assert time.monotonic() - started < 5


def test_an_error_inside_the_helper_reaches_the_main_process(mnist_small):
    images, _ = mnist_small
    net = from_spec((1, 28, 28), PRESETS["lenet5"]["layers"]).train(True)
    with engine_threads(2), helping(net, 64) as helper:
        helper.shared.header[:2] = 64, -500  # a second half of 564 images: more than its buffer holds
        helper._send(b"F")
        with pytest.raises(RuntimeError, match="failed: ValueError: cannot reshape"):
            helper._wait()
        assert helper.process.poll() is not None  # stopped, not left running


def test_the_helper_leaves_when_the_main_process_dies():
    """SIGKILL of the main process: the helper reads the end of its pipe and exits."""
    script = textwrap.dedent("""
        import os, sys, time
        from model.helper_process import helping
        from model.parallel import engine_threads
        from model.presets import PRESETS
        from model.zoo import from_spec
        net = from_spec((1, 28, 28), PRESETS["lenet5"]["layers"])
        with engine_threads(2), helping(net, 64) as helper:
            print(helper.process.pid, flush=True)
            time.sleep(60)
    """)
    with subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True) as main:
        try:
            pid = int(main.stdout.readline())
            assert _alive(pid)
            main.kill()
            main.wait(5)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and _alive(pid):
                time.sleep(0.05)
            assert not _alive(pid)
        finally:
            main.kill()


def test_a_main_process_gone_mid_batch_leaves_the_helper_quiet():
    """The main process asks for a half and is gone before the answer: the helper finds the reply
    pipe closed and leaves without a traceback (a server stopped under a training run logged one)."""
    script = textwrap.dedent("""
        import os, time
        from model.helper_process import helping
        from model.parallel import engine_threads
        from model.presets import PRESETS
        from model.zoo import from_spec
        net = from_spec((1, 28, 28), PRESETS["lenet5"]["layers"])
        with engine_threads(2), helping(net, 64) as helper:
            print(helper.process.pid, flush=True)
            os.close(helper._replies)  # as when this process dies: no one will read the answer
            os.write(helper._commands, b"F")  # a half to compute
            time.sleep(1)  # the helper answers into a closed pipe
            os._exit(0)
    """)
    with subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as main:
        out, err = main.communicate(timeout=30)  # stderr ends when the helper, which shares it, has left too
    assert not _alive(int(out.split()[0]))
    assert "Traceback" not in err and "BrokenPipeError" not in err, err


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"  # a zombie has left: only its parent's wait is due
    except FileNotFoundError:
        return False
