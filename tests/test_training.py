"""The training loop on real MNIST subsets: it learns, it is deterministic, it stops, it resumes."""

from __future__ import annotations

import numpy as np
import pytest

from model import data_parallel
from model.datasets import Dataset, load_dataset
from model.training import SMOOTHING, BatchEvent, DoneEvent, EpochEvent, TrainConfig, Trainer


@pytest.fixture(scope="module")
def mnist() -> Dataset:
    return load_dataset()


def _subset(ds: Dataset, n_train: int, n_test: int) -> Dataset:
    return Dataset("mnist-subset", ds.train_images[:n_train], ds.train_labels[:n_train],
                   ds.test_images[:n_test], ds.test_labels[:n_test])


def test_short_run_learns(mnist):
    """2,000 training images, 5 epochs of the default settings: over 85% on 1,000 held-out images."""
    data = _subset(mnist, 2000, 1000)
    events = list(Trainer(TrainConfig(epochs=5, seed=0), data).run())
    epochs = [e for e in events if isinstance(e, EpochEvent)]
    assert [e.epoch for e in epochs] == [1, 2, 3, 4, 5]
    assert epochs[-1].test_accuracy > 0.85
    assert epochs[-1].train_loss < epochs[0].train_loss
    batches = [e for e in events if isinstance(e, BatchEvent)]
    assert len(batches) == 5 * 32 and batches[-1].step == 160
    assert all(b.images_per_sec > 0 and np.isfinite(b.loss) for b in batches)
    assert sum(map(sum, epochs[-1].confusion)) == 1000
    wrong = epochs[-1].misclassified
    assert 0 < len(wrong) <= 12 and all(w["label"] != w["predicted"] for w in wrong)
    assert all(data.test_labels[w["index"]] == w["label"] for w in wrong)
    assert isinstance(events[-1], DoneEvent) and not events[-1].stopped


@pytest.mark.parametrize("model", ["lenet5", "mlp"])
def test_same_seed_same_weights(mnist, model):
    data = _subset(mnist, 256, 100)
    runs = []
    for _ in range(2):
        trainer = Trainer(TrainConfig(model=model, epochs=1, seed=7, optimizer="adam", lr=1e-3), data)
        list(trainer.run())
        runs.append(trainer.model.state_dict())
    for key in runs[0]:
        np.testing.assert_array_equal(runs[0][key], runs[1][key])
    other = Trainer(TrainConfig(model=model, epochs=1, seed=8, optimizer="adam", lr=1e-3), data)
    list(other.run())
    assert not np.array_equal(other.model.state_dict()["fc1.weight"], runs[0]["fc1.weight"])


def test_paused_time_is_not_training_time(mnist):
    import time

    data = _subset(mnist, 256, 100)
    calls = []

    def pause_once() -> bool:
        calls.append(1)
        if len(calls) == 2:
            time.sleep(0.5)  # "paused"
        return False

    started = time.perf_counter()
    events = list(Trainer(TrainConfig(epochs=1), data).run(stop=pause_once))
    wall = time.perf_counter() - started
    epoch = next(e for e in events if isinstance(e, EpochEvent))
    assert wall - epoch.elapsed_seconds >= 0.5  # the pause is on the wall clock, not in the run's time
    assert wall - epoch.epoch_seconds >= 0.5


def test_stop_between_batches(mnist):
    data = _subset(mnist, 640, 100)
    seen = []
    trainer = Trainer(TrainConfig(epochs=2), data)
    events = list(trainer.run(stop=lambda: len(seen) >= 3 or seen.append(1)))
    assert sum(isinstance(e, BatchEvent) for e in events) == 3
    assert isinstance(events[-1], DoneEvent) and events[-1].stopped


SPLIT_NET = [{"kind": "conv", "channels": 8, "kernel": 3, "padding": 1}, {"kind": "batchnorm"}, {"kind": "relu"},
             {"kind": "maxpool", "kernel": 2}, {"kind": "flatten"}, {"kind": "dropout", "p": 0.3},
             {"kind": "linear", "features": 10}]


@pytest.mark.parametrize("layers", [None, SPLIT_NET], ids=["lenet5", "batch norm and dropout, batches split"])
def test_resume_from_checkpoint_continues_exactly(mnist, tmp_path, layers, monkeypatch):
    """Also with every batch split across two threads (model/data_parallel.py): batch norm's
    running statistics and dropout's masks carry on as if never stopped."""
    if layers is not None:
        monkeypatch.setattr(data_parallel, "MIN_HALF_MULTIPLY_ADDS", 0)
    data = _subset(mnist, 512, 200)
    config = TrainConfig(epochs=3, seed=2, threads=2, **({"model": "custom", "layers": layers} if layers else {}))
    straight = Trainer(config, data)
    straight_events = list(straight.run())

    ckpt = tmp_path / "run" / "checkpoint.npz"
    first = Trainer(config, data, checkpoint_path=ckpt)
    for event in first.run():
        if isinstance(event, EpochEvent) and event.epoch == 1:
            break  # "the server died" after epoch 1's checkpoint
    resumed = Trainer(config, data, checkpoint_path=ckpt, resume=True)
    events = list(resumed.run())
    assert [e.epoch for e in events if isinstance(e, EpochEvent)] == [2, 3]
    assert len(resumed.history) == 3
    # the smoothed loss goes on from where it was, not from scratch (rebuilt from one number: 1e-12)
    later = [e.smoothed_loss for e in straight_events if isinstance(e, BatchEvent) and e.epoch > 1]
    assert np.allclose([e.smoothed_loss for e in events if isinstance(e, BatchEvent)], later, rtol=1e-12, atol=0)
    for key, value in straight.model.state_dict().items():
        np.testing.assert_allclose(resumed.model.state_dict()[key], value, rtol=0, atol=0)


def test_the_smoothed_loss_averages_every_batch_and_keeps_up(mnist):
    """An exponential moving average over every batch (weight SMOOTHING, start-up bias removed),
    computed in the trainer: the 2,000-image run that showed a lag of about two epochs when the
    page smoothed only the points it was sent."""
    data = _subset(mnist, 2000, 200)
    trainer = Trainer(TrainConfig(epochs=4, seed=0, train_size=2000), data)
    events = list(trainer.run())
    batches = [e for e in events if isinstance(e, BatchEvent)]
    average, expected = 0.0, []
    for t, e in enumerate(batches, start=1):
        average = SMOOTHING * average + (1 - SMOOTHING) * e.loss
        expected.append(average / (1 - SMOOTHING ** t))
    assert [e.smoothed_loss for e in batches] == pytest.approx(expected, rel=1e-12)
    assert batches[0].smoothed_loss == pytest.approx(batches[0].loss)  # no pull towards 0 at the start
    window = round(1 / (1 - SMOOTHING))
    for record in trainer.history[1:]:
        epoch_batches = [b for b in batches if b.epoch == record["epoch"]]
        assert record["smoothed_loss"] == epoch_batches[-1].smoothed_loss  # the epoch's record keeps it
        last = [b.loss for b in epoch_batches][-window:]
        # it follows the last ~20 batches: within their spread, not epochs behind
        assert min(last) * 0.8 <= record["smoothed_loss"] <= max(last) * 1.2


@pytest.mark.parametrize("field,value,message", [
    ("model", "vgg", "model must be one of"),
    ("optimizer", "rmsprop", "optimizer must be one of"),
    ("schedule", "warm", "schedule must be one of"),
    ("lr", 0.0, "lr must be between"),
    ("epochs", 0, "epochs must be between"),
    ("batch_size", 100_000, "batch_size must be between"),
    ("momentum", 1.0, "momentum must be between"),
])
def test_bad_config_values_say_what_is_expected(field, value, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig(**{field: value})


def test_one_or_two_threads_agree_and_two_threads_give_the_same_bits_every_time(mnist):
    """On two threads LeNet-5 trains half of each batch in a helper process (model/helper_process.py):
    each batch's gradient is then two sums of 32 added, so one thread agrees to float rounding."""
    data = _subset(mnist, 256, 100)
    weights = []
    for threads in (1, 2, 2):
        trainer = Trainer(TrainConfig(epochs=1, seed=4, threads=threads), data)
        list(trainer.run())
        weights.append(trainer.model.state_dict())
    for key in weights[0]:
        np.testing.assert_allclose(weights[0][key], weights[1][key], rtol=1e-4, atol=1e-5)
        np.testing.assert_array_equal(weights[1][key], weights[2][key])
