"""The training loop that the command line and the web app both drive.

``Trainer.run()`` is a generator of events -- one ``BatchEvent`` per mini-batch, one
``EpochEvent`` per epoch (after a test-set evaluation and a checkpoint), and a final
``DoneEvent`` -- so a caller can print a progress bar, stream JSON or feed a WebSocket
without the loop knowing which. It checks ``stop()`` between batches. A run is
deterministic for a given config: initial weights come from ``seed`` and epoch k shuffles
with ``default_rng([seed, k])``, so a run resumed from a checkpoint continues exactly.

One step is the textbook one: forward, softmax cross-entropy, backward, optimiser step, with
the learning rate from the schedule.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from model.augment import RANGES as AUGMENT_RANGES
from model.augment import Augment, augment
from model.checkpoint import load_checkpoint, save_checkpoint
from model.datasets import TRAIN_IMAGES, Dataset, normalization_stats
from model.helper_process import helping
from model.layers import Dropout
from model.loss import accuracy, confusion_matrix, softmax_cross_entropy
from model.network import Sequential
from model.optim import OPTIMIZERS, SCHEDULES, LRSchedule, make_optimizer
from model.parallel import engine_threads
from model.zoo import ARCHITECTURES, build_model


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters. The defaults are the "fast" settings that reach 99% on MNIST soonest."""

    model: str = "lenet5"
    epochs: int = 8
    batch_size: int = 64
    optimizer: str = "momentum"
    lr: float = 0.05
    momentum: float = 0.9
    weight_decay: float = 5e-4
    schedule: str = "onecycle"
    seed: int = 0
    train_size: int | None = None  # use only the first N training images
    threads: int = 2  # cores the engine may use (see model/parallel.py)
    layers: list[dict[str, Any]] | None = None  # model "custom": the network, layer by layer (model/architecture.py)
    augment: dict[str, float] | None = None  # distortions of the training digits (model/augment.py); None: none

    # field -> (low, high) inclusive; the one place the ranges are written down
    RANGES = {"epochs": (1, 200), "batch_size": (1, 4096), "lr": (1e-6, 10.0), "momentum": (0.0, 0.999),
              "weight_decay": (0.0, 1.0), "seed": (0, 2**32 - 1), "train_size": (1, TRAIN_IMAGES),
              "threads": (1, 2)}

    def __post_init__(self) -> None:
        if self.model == "custom" and not self.layers:
            raise ValueError("a custom model needs its layers")
        if self.model != "custom" and (self.model not in ARCHITECTURES or self.layers is not None):
            raise ValueError(f"model must be one of {', '.join(ARCHITECTURES)}, or custom with its layers; "
                             f"got {self.model!r}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}; got {self.optimizer!r}")
        if self.schedule not in SCHEDULES:
            raise ValueError(f"schedule must be one of {', '.join(SCHEDULES)}; got {self.schedule!r}")
        if self.augment is not None:
            unknown = set(self.augment) - set(AUGMENT_RANGES)
            if unknown:
                raise ValueError(f"augmentation options are {', '.join(AUGMENT_RANGES)}; got {', '.join(sorted(unknown))}")
            Augment(**self.augment)  # its ranges, checked
        for name, (low, high) in self.RANGES.items():
            value = getattr(self, name)
            if value is not None and not low <= value <= high:
                raise ValueError(f"{name} must be between {low} and {high}; got {value}")

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


#: The smoothed training loss keeps this much of its past at every batch: an exponential moving
#: average over about 1 / (1 - 0.95) = 20 batches, with its start-up bias removed (divided by
#: 1 - 0.95^step, as TensorBoard and Adam do), so the first batches are not pulled towards 0.
SMOOTHING = 0.95

AUGMENT_STREAM = 0xA06  # the distortions' own stream, apart from the shuffle's and the weights'


@dataclass
class LossAverage:
    """avg_t = w avg_{t-1} + (1 - w) loss_t,  smoothed_t = avg_t / (1 - w^t),  w = SMOOTHING.

    The state is one number and the step, so a resumed run rebuilds it from the smoothed loss its
    last epoch recorded: avg = smoothed (1 - w^step)."""

    average: float = 0.0
    step: int = 0

    @classmethod
    def resumed(cls, smoothed: float | None, step: int) -> "LossAverage":
        return cls(0.0, 0) if smoothed is None else cls(smoothed * (1 - SMOOTHING ** step), step)

    def add(self, loss: float) -> float:
        self.step += 1
        self.average = SMOOTHING * self.average + (1 - SMOOTHING) * loss
        return self.smoothed

    @property
    def smoothed(self) -> float:
        return self.average / (1 - SMOOTHING ** self.step)


@dataclass
class BatchEvent:
    epoch: int  # 1-based
    batch: int  # 1-based, within the epoch
    batches: int  # per epoch
    step: int  # 1-based, across the run
    loss: float
    accuracy: float  # running, over this epoch so far
    images_per_sec: float  # over this epoch so far
    lr: float
    smoothed_loss: float  # per batch, LossAverage
    type: str = "batch"


@dataclass
class EpochEvent:
    epoch: int
    epochs: int
    train_loss: float
    train_accuracy: float
    test_loss: float
    test_accuracy: float
    epoch_seconds: float  # training time of this epoch, without the evaluation
    elapsed_seconds: float  # since the run started, evaluations and checkpoints included
    images_per_sec: float
    confusion: list[list[int]] = field(repr=False)
    misclassified: list[dict[str, int]] = field(default_factory=list, repr=False)  # first few test errors
    smoothed_loss: float | None = None  # at the epoch's last batch (LossAverage)
    lr: float | None = None  # the epoch's last batch's, where the schedule had got to
    type: str = "epoch"


@dataclass
class DoneEvent:
    epochs_completed: int
    stopped: bool
    test_accuracy: float | None
    elapsed_seconds: float
    type: str = "done"


Event = BatchEvent | EpochEvent | DoneEvent


def event_dict(event: Event) -> dict[str, Any]:
    return asdict(event)


@dataclass
class Evaluation:
    loss: float
    accuracy: float
    confusion: np.ndarray  # (K, K), rows: true class
    predicted: np.ndarray  # (N,)

    def misclassified(self, labels: np.ndarray, limit: int = 12) -> list[dict[str, int]]:
        wrong = np.flatnonzero(self.predicted != labels)[:limit]
        return [{"index": int(i), "label": int(labels[i]), "predicted": int(self.predicted[i])} for i in wrong]


def evaluate(model: Sequential, images: np.ndarray, labels: np.ndarray, batch_size: int = 128) -> Evaluation:
    """Mean loss, accuracy, confusion matrix and predictions over a labelled set of raw images."""
    logits = model.predict_logits(images, batch_size).T  # (K, N)
    loss, _ = softmax_cross_entropy(logits, labels.astype(np.int64))
    predicted = logits.argmax(axis=0)
    return Evaluation(loss, accuracy(logits, labels), confusion_matrix(predicted, labels, logits.shape[0]), predicted)


class Trainer:
    """Trains ``config.model`` on ``dataset``; ``run()`` yields the events."""

    def __init__(self, config: TrainConfig, dataset: Dataset, checkpoint_path: str | Path | None = None,
                 resume: bool = False) -> None:
        self.config, self.dataset = config, dataset
        self.checkpoint_path = Path(checkpoint_path) if checkpoint_path else None
        n = len(dataset.train_images) if config.train_size is None else min(config.train_size,
                                                                             len(dataset.train_images))
        self.train_images = dataset.train_images[:n]
        self.train_labels = dataset.train_labels[:n].astype(np.int64)
        self.model = build_model(config.model, seed=config.seed, layers=config.layers).train(True)
        self.model.input_mean, self.model.input_std = normalization_stats(self.train_images)
        self.batches_per_epoch = -(-n // config.batch_size)
        self.schedule = LRSchedule(config.schedule, config.lr, config.epochs * self.batches_per_epoch)
        self.optimizer = make_optimizer(config.optimizer, self.model.parameters(), config.lr,
                                        config.momentum, config.weight_decay)
        self.epochs_done = 0
        self.last_evaluation: Evaluation | None = None  # the newest epoch end's, predictions included
        self.history: list[dict[str, Any]] = []
        self.elapsed_before = 0.0
        if resume:
            if self.checkpoint_path is None or not self.checkpoint_path.exists():
                raise FileNotFoundError(f"no checkpoint to resume from at {self.checkpoint_path}")
            state = load_checkpoint(self.checkpoint_path, self.model, self.optimizer)
            self.epochs_done, self.history = state["epoch"], state["history"]
            self.elapsed_before = state.get("elapsed_seconds", 0.0)
            for _, layer in self.model.layers:  # dropout draws the masks it would have drawn next
                if isinstance(layer, Dropout):
                    layer.calls = self.epochs_done * self.batches_per_epoch

    def _epoch_batches(self, epoch: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Shuffled, normalised batch-last batches for one (1-based) epoch, distorted if asked:
        batch b of epoch k draws its distortions from default_rng([seed, k, b, AUGMENT_STREAM])."""
        rng = np.random.default_rng([self.config.seed, epoch])
        order = rng.permutation(len(self.train_images))
        bs = self.config.batch_size
        aug = Augment(**(self.config.augment or {}))
        for b, start in enumerate(range(0, len(order), bs)):
            idx = order[start:start + bs]
            images = self.train_images[idx]
            if aug.active:
                images = augment(images, aug, np.random.default_rng([self.config.seed, epoch, b, AUGMENT_STREAM]))
            yield self.model.to_input(images), self.train_labels[idx]

    def run(self, stop: Callable[[], bool] | None = None) -> Iterator[Event]:
        cfg, model, opt = self.config, self.model, self.optimizer
        started = time.perf_counter()
        last_test_acc = self.history[-1]["test_accuracy"] if self.history else None
        smoothing = LossAverage.resumed(self.history[-1].get("smoothed_loss") if self.history else None,
                                        self.epochs_done * self.batches_per_epoch)
        with engine_threads(cfg.threads), helping(model, cfg.batch_size):  # the second core, if it pays
            for epoch in range(self.epochs_done + 1, cfg.epochs + 1):
                t0 = time.perf_counter()
                seen = correct = 0
                loss_sum = 0.0
                step = (epoch - 1) * self.batches_per_epoch
                for batch, (xb, yb) in enumerate(self._epoch_batches(epoch), start=1):
                    if stop is not None:
                        asked = time.perf_counter()
                        stopping = stop()  # may block while the run is paused:
                        waited = time.perf_counter() - asked
                        t0, started = t0 + waited, started + waited  # paused time is not training time
                        if stopping:
                            yield DoneEvent(self.epochs_done, True, last_test_acc, self._elapsed(started))
                            return
                    step += 1
                    opt.lr = self.schedule(step - 1)
                    logits = model.forward(xb, train=True)
                    loss, dlogits = softmax_cross_entropy(logits, yb)
                    correct += int((logits.argmax(axis=0) == yb).sum())
                    model.backward(dlogits)
                    opt.step()
                    seen += len(yb)
                    loss_sum += loss * len(yb)
                    yield BatchEvent(epoch, batch, self.batches_per_epoch, step, loss, correct / seen,
                                     seen / (time.perf_counter() - t0), opt.lr, smoothing.add(loss))
                epoch_seconds = time.perf_counter() - t0
                result = self.last_evaluation = evaluate(model, self.dataset.test_images, self.dataset.test_labels)
                test_loss, test_acc = result.loss, result.accuracy
                last_test_acc = test_acc
                self.epochs_done = epoch
                record = {"epoch": epoch, "train_loss": loss_sum / seen, "train_accuracy": correct / seen,
                          "smoothed_loss": smoothing.smoothed, "lr": opt.lr,
                          "test_loss": test_loss, "test_accuracy": test_acc, "epoch_seconds": epoch_seconds,
                          "elapsed_seconds": self._elapsed(started)}
                self.history.append(record)
                if self.checkpoint_path is not None:
                    save_checkpoint(self.checkpoint_path, model, opt, epoch, self.history,
                                    cfg.to_dict(), record["elapsed_seconds"])
                yield EpochEvent(epoch, cfg.epochs, record["train_loss"], record["train_accuracy"], test_loss,
                                 test_acc, epoch_seconds, record["elapsed_seconds"], seen / epoch_seconds,
                                 result.confusion.tolist(), result.misclassified(self.dataset.test_labels),
                                 record["smoothed_loss"], record["lr"])
        yield DoneEvent(self.epochs_done, False, last_test_acc, self._elapsed(started))

    def _elapsed(self, started: float) -> float:
        return self.elapsed_before + time.perf_counter() - started
