"""One training run in its own process: trains, and reports what a viewer needs to see.

The server starts ``main`` in a fresh process per run (so a stop is immediate and the event loop
never waits on NumPy) and reads its messages from a queue:

    status        {"status": "running" | "paused"}
    batch         step, loss, running accuracy, images/s, time left   (at most ~10 a second)
    weights       conv1's and conv2's kernels, as 0..255 around 128    (at most ~2 a second)
    activations   every layer's output for one fixed test digit        (about 1 a second, and on
                  a pause; the weights that made them are saved beside, in probe-weights.npz, so a
                  unit of the picture can be explained with exactly those weights)
    epoch         train/test loss and accuracy, confusion matrix, misclassified digits
    done | error

At slow pace and in single steps (``app/runs/pace.py``) every batch sends its batch, weights and
activations messages. Whatever the pace, the worker also keeps the run's replay on disk: every
batch in ``history.bin`` (``history_log.py``) and snapshots at steps 1, 2, 4, ... and at every
epoch end (``snapshots.py``), within ``replay_bytes`` in all.

Images and maps travel as base64 strings of uint8 values with the scale needed to read them back.
"""

from __future__ import annotations

import base64
import os
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from app.runs.history_log import FLUSH_EVERY, HistoryLog
from app.runs.pace import Controls
from app.runs.snapshots import EARLY_TEST_IMAGES, SnapshotShelf, early_steps, kernel_bytes, map_bytes
from app.runs.status import RunStatus

BATCH_EVERY, WEIGHTS_EVERY, ACTIVATIONS_EVERY = 0.1, 0.5, 1.0  # seconds between messages of each kind
PROBE_INDEX = 0  # the fixed test digit whose feature maps are shown (MNIST's first test image, a 7)
MISCLASSIFIED_SHOWN = 12
PROBE_WEIGHTS = "probe-weights.npz"  # in the run's folder: the weights of the last probe picture sent
HISTORY_SHARE = 0.25  # of a run's replay bytes, for the per-batch history; the snapshots get the rest


class Sink(Protocol):
    def put(self, item: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class WorkerSpec:
    run_id: str
    config: dict[str, Any]
    data_dir: str
    run_dir: str
    resume: bool
    replay_bytes: int = 20 * 1024 ** 2


def b64(values: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(values, dtype=np.uint8).tobytes()).decode("ascii")


def encode_maps(name: str, array: np.ndarray) -> dict[str, Any]:
    """Feature maps (C, H, W) or a vector (D,) -> 0..255 over the layer's own min..max."""
    low, high, data = map_bytes(array)
    return {"name": name, "shape": list(array.shape), "min": low, "max": high, "data": b64(data)}


def encode_kernels(name: str, weights: np.ndarray) -> dict[str, Any]:
    """Signed weights -> 0..255 with 128 at zero, scaled by the layer's largest |w|."""
    scale, data = kernel_bytes(weights)
    return {"name": name, "shape": list(weights.shape), "scale": scale, "data": b64(data)}


def shown_kernels(model: Any) -> list[tuple[str, np.ndarray]]:
    """Every conv layer's kernels (conv1 and conv2 for LeNet-5); for a network with none (the MLP),
    the first 16 units of the linear layer that reads the flattened image, as 28x28 pictures."""
    names = [n for n, layer in model.layers if layer.kind == "Conv2d"]
    if names:
        return [(n, model[n].params["weight"]) for n in names]
    side = model.input_shape[-1]
    first = next(((n, layer) for n, layer in model.layers
                  if layer.kind == "Linear" and layer.in_features == side * side), None)
    return [] if first is None else [(first[0], first[1].params["weight"][:16].reshape(-1, 1, side, side))]


def weights_message(model: Any, step: int) -> dict[str, Any]:
    return {"type": "weights", "step": step, "layers": [encode_kernels(n, w) for n, w in shown_kernels(model)]}


def activations_message(model: Any, probe: np.ndarray, label: int, step: int, run_dir: Path) -> dict[str, Any]:
    """The probe's maps at ``step``, after saving the weights that made them (no fsync: a snapshot)."""
    model.save(run_dir / PROBE_WEIGHTS, extra_meta={"step": step}, durable=False)
    maps = model.activations(probe[None])
    return {"type": "activations", "step": step, "probe": {"label": label, "data": b64(probe)},
            "layers": [encode_maps(name, value[0]) for name, value in maps.items()]}


def snapshot(shelf: SnapshotShelf, model: Any, probe: np.ndarray, probe_label: int, evaluation: Any,
             labels: np.ndarray, where: dict[str, Any]) -> bool:
    """Stores what the page shows at ``where`` (step, epoch, batch, kind): kernels, the probe's maps
    and ``evaluation`` (model/training.Evaluation) of the test images ``labels`` belong to."""
    kernels = shown_kernels(model)
    maps = model.activations(probe[None])
    arrays: dict[str, np.ndarray] = {"probe": probe, "labels": labels.astype(np.uint8),
                                     "predicted": evaluation.predicted.astype(np.uint8)}
    meta = dict(where, test_images=int(len(labels)), test_accuracy=float(evaluation.accuracy),
                test_loss=float(evaluation.loss), confusion=evaluation.confusion.tolist(), probe_label=probe_label,
                kernels=[], maps=[])
    for i, (name, weights) in enumerate(kernels):
        scale, arrays[f"kernel{i}"] = kernel_bytes(weights)
        meta["kernels"].append({"name": name, "shape": list(weights.shape), "scale": scale})
    for i, (name, value) in enumerate(maps.items()):
        low, high, arrays[f"map{i}"] = map_bytes(value[0])
        meta["maps"].append({"name": name, "shape": list(value[0].shape), "min": low, "max": high})
    return shelf.add(meta, arrays)


WORKER_NICENESS = 10  # training is batch work: the web server and its viewers come first


def main(spec: WorkerSpec, events: Sink, controls: Controls) -> None:
    """The worker process's entry point (and a distributed worker's, once per run it trains)."""
    os.nice(max(0, WORKER_NICENESS - os.nice(0)))  # to 10, not 10 more each time
    try:
        _train(spec, events, controls)
    except Exception as exc:  # everything a run can fail on reaches the viewers, then the process ends
        traceback.print_exc()
        events.put({"type": "error", "message": f"{type(exc).__name__}: {exc}"})


def _train(spec: WorkerSpec, events: Sink, controls: Controls) -> None:
    from model.datasets import load_dataset
    from model.training import BatchEvent, DoneEvent, EpochEvent, TrainConfig, Trainer, evaluate, event_dict

    paused, stopping = controls.paused, controls.stopping
    run_dir = Path(spec.run_dir)
    dataset = load_dataset(spec.data_dir)
    config = TrainConfig(**spec.config)
    trainer = Trainer(config, dataset, checkpoint_path=run_dir / "checkpoint.npz", resume=spec.resume)
    model = trainer.model
    probe, probe_label = dataset.test_images[PROBE_INDEX], int(dataset.test_labels[PROBE_INDEX])
    total_steps = config.epochs * trainer.batches_per_epoch
    history_bytes = int(spec.replay_bytes * HISTORY_SHARE)
    history = HistoryLog(run_dir, history_bytes)
    shelf = SnapshotShelf(run_dir, spec.replay_bytes - history_bytes)
    start_step = trainer.epochs_done * trainer.batches_per_epoch
    history.keep_until(start_step)
    shelf.keep_until(start_step)
    early = set(early_steps(trainer.batches_per_epoch))
    early_images, early_labels = dataset.test_images[:EARLY_TEST_IMAGES], dataset.test_labels[:EARLY_TEST_IMAGES]
    events.put({"type": "status", "status": RunStatus.RUNNING})
    events.put(controls.describe())
    last = {"batch": -1e9, "weights": -1e9, "activations": -1e9, "flush": time.monotonic(), "began": 0.0}
    at = {"step": start_step, "shown": -1, "paused": False}

    def picture(step: int) -> None:
        events.put(weights_message(model, step))
        events.put(activations_message(model, probe, probe_label, step, run_dir))
        at["shown"] = step

    def throttle() -> None:
        """Slow motion: the next batch starts 1 / pace seconds after the last one began."""
        while (rate := controls.pace) > 0 and not paused.is_set() and not stopping.is_set():
            left = last["began"] + 1.0 / rate - time.monotonic()
            if left <= 0:
                break
            stopping.wait(min(left, 0.05))

    def stop() -> bool:
        throttle()
        if paused.is_set() and not stopping.is_set() and not controls.take_step():
            history.flush()
            if at["shown"] != at["step"]:
                picture(at["step"])  # a paused run shows the weights it stopped at, not those of up to a second before
            if not at["paused"]:
                events.put({"type": "status", "status": RunStatus.PAUSED})
                at["paused"] = True
            while paused.is_set() and not stopping.is_set():
                if controls.take_step():
                    break  # one batch, and the run stays paused
                stopping.wait(0.05)
        # Running again, whether resumed while waiting here or while a single step trained.
        if at["paused"] and not paused.is_set() and not stopping.is_set():
            events.put({"type": "status", "status": RunStatus.RUNNING})
            at["paused"] = False
        last["began"] = time.monotonic()
        return stopping.is_set()

    def due(kind: str, every: float, now: float) -> bool:
        if now - last[kind] >= every:
            last[kind] = now
            return True
        return False

    for event in trainer.run(stop):
        now = time.monotonic()
        if isinstance(event, BatchEvent):
            at["step"] = event.step
            history.add(event.step, event.epoch, event.loss, event.smoothed_loss, event.accuracy, event.lr,
                        event.images_per_sec)
            every = paused.is_set() or controls.pace > 0  # slow motion and steps: every batch
            if every:
                history.flush()  # before its messages: a viewer who sees a step finds it in the history
            if due("batch", BATCH_EVERY, now) or event.batch == event.batches or every:
                message = event_dict(event)
                rate = controls.pace
                left = total_steps - event.step
                message["eta_seconds"] = left / rate if rate > 0 else left * config.batch_size / max(
                    event.images_per_sec, 1)
                message["sent_at"] = time.time()  # lets a viewer measure how late a frame reaches it
                events.put(message)
            if due("weights", WEIGHTS_EVERY, now) or every:
                events.put(weights_message(model, event.step))
            if due("activations", ACTIVATIONS_EVERY, now) or every:
                events.put(activations_message(model, probe, probe_label, event.step, run_dir))
                at["shown"] = event.step
            if event.step in early:
                history.flush()  # a viewer who opens this step finds the curves up to it
                result = evaluate(model, early_images, early_labels)
                snapshot(shelf, model, probe, probe_label, result, early_labels,
                         {"step": event.step, "epoch": event.epoch, "batch": event.batch, "kind": "early"})
                events.put({"type": "snapshot_saved", "step": event.step})
            if due("flush", FLUSH_EVERY, now):
                history.flush()
        elif isinstance(event, EpochEvent):
            history.flush()
            model.save(run_dir / "weights.npz", extra_meta={"test_accuracy": event.test_accuracy,
                                                            "run_id": spec.run_id, "epoch": event.epoch})
            step = event.epoch * trainer.batches_per_epoch
            stored = snapshot(shelf, model, probe, probe_label, trainer.last_evaluation, dataset.test_labels,
                              {"step": step, "epoch": event.epoch, "batch": trainer.batches_per_epoch, "kind": "epoch"})
            message = event_dict(event) | {"step": step, "stored": stored}  # stored first: a click on it finds it
            for item in message["misclassified"][:MISCLASSIFIED_SHOWN]:
                item["data"] = b64(dataset.test_images[item["index"]])
            events.put(message)
            events.put({"type": "snapshot_saved", "step": step})
            picture(step)
        elif isinstance(event, DoneEvent):
            history.flush()
            events.put(event_dict(event))
