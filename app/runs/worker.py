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

Images and maps travel as base64 strings of uint8 values with the scale needed to read them back.
"""

from __future__ import annotations

import base64
import os
import time
import traceback
from dataclasses import dataclass
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from app.runs.status import RunStatus

BATCH_EVERY, WEIGHTS_EVERY, ACTIVATIONS_EVERY = 0.1, 0.5, 1.0  # seconds between messages of each kind
PROBE_INDEX = 0  # the fixed test digit whose feature maps are shown (MNIST's first test image, a 7)
MISCLASSIFIED_SHOWN = 12
PROBE_WEIGHTS = "probe-weights.npz"  # in the run's folder: the weights of the last probe picture sent


class Sink(Protocol):
    def put(self, item: dict[str, Any]) -> None: ...


@dataclass(frozen=True)
class WorkerSpec:
    run_id: str
    config: dict[str, Any]
    data_dir: str
    run_dir: str
    resume: bool


def b64(values: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(values, dtype=np.uint8).tobytes()).decode("ascii")


def encode_maps(name: str, array: np.ndarray) -> dict[str, Any]:
    """Feature maps (C, H, W) or a vector (D,) -> 0..255 over the layer's own min..max."""
    low, high = float(array.min()), float(array.max())
    scaled = np.zeros(array.shape) if high == low else (array - low) * (255.0 / (high - low))
    return {"name": name, "shape": list(array.shape), "min": low, "max": high, "data": b64(np.rint(scaled))}


def encode_kernels(name: str, weights: np.ndarray) -> dict[str, Any]:
    """Signed weights -> 0..255 with 128 at zero, scaled by the layer's largest |w|."""
    scale = float(np.abs(weights).max()) or 1.0
    return {"name": name, "shape": list(weights.shape), "scale": scale,
            "data": b64(np.rint(128 + 127 * weights / scale))}


def weights_message(model: Any, step: int) -> dict[str, Any]:
    """Every conv layer's kernels (conv1 and conv2 for LeNet-5); for a network with none (the MLP),
    the first 16 units of the linear layer that reads the flattened image, as 28x28 pictures."""
    names = [n for n, layer in model.layers if layer.kind == "Conv2d"]
    if names:
        layers = [encode_kernels(n, model[n].params["weight"]) for n in names]
    else:
        side = model.input_shape[-1]
        first = next(((n, layer) for n, layer in model.layers
                      if layer.kind == "Linear" and layer.in_features == side * side), None)
        layers = [] if first is None else [
            encode_kernels(first[0], first[1].params["weight"][:16].reshape(-1, 1, side, side))]
    return {"type": "weights", "step": step, "layers": layers}


def activations_message(model: Any, probe: np.ndarray, label: int, step: int, run_dir: Path) -> dict[str, Any]:
    """The probe's maps at ``step``, after saving the weights that made them (no fsync: a snapshot)."""
    model.save(run_dir / PROBE_WEIGHTS, extra_meta={"step": step}, durable=False)
    maps = model.activations(probe[None])
    return {"type": "activations", "step": step, "probe": {"label": label, "data": b64(probe)},
            "layers": [encode_maps(name, value[0]) for name, value in maps.items()]}


WORKER_NICENESS = 10  # training is batch work: the web server and its viewers come first


def main(spec: WorkerSpec, events: Sink, paused: Event, stopping: Event) -> None:
    """The worker process's entry point."""
    os.nice(WORKER_NICENESS)
    try:
        _train(spec, events, paused, stopping)
    except Exception as exc:  # everything a run can fail on reaches the viewers, then the process ends
        traceback.print_exc()
        events.put({"type": "error", "message": f"{type(exc).__name__}: {exc}"})


def _train(spec: WorkerSpec, events: Sink, paused: Event, stopping: Event) -> None:
    from model.datasets import load_dataset
    from model.training import BatchEvent, DoneEvent, EpochEvent, TrainConfig, Trainer, event_dict

    run_dir = Path(spec.run_dir)
    dataset = load_dataset(spec.data_dir)
    config = TrainConfig(**spec.config)
    trainer = Trainer(config, dataset, checkpoint_path=run_dir / "checkpoint.npz", resume=spec.resume)
    model = trainer.model
    probe, probe_label = dataset.test_images[PROBE_INDEX], int(dataset.test_labels[PROBE_INDEX])
    total_steps = config.epochs * trainer.batches_per_epoch
    events.put({"type": "status", "status": RunStatus.RUNNING})
    last = {"batch": -1e9, "weights": -1e9, "activations": -1e9}
    at = {"step": trainer.epochs_done * trainer.batches_per_epoch}

    def picture(step: int) -> None:
        events.put(weights_message(model, step))
        events.put(activations_message(model, probe, probe_label, step, run_dir))

    def stop() -> bool:
        if paused.is_set() and not stopping.is_set():
            picture(at["step"])  # a paused run shows the weights it stopped at, not those of up to a second before
            events.put({"type": "status", "status": RunStatus.PAUSED})
            while paused.is_set() and not stopping.is_set():
                stopping.wait(0.05)
            if not stopping.is_set():
                events.put({"type": "status", "status": RunStatus.RUNNING})
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
            if due("batch", BATCH_EVERY, now) or event.batch == event.batches:
                message = event_dict(event)
                message["eta_seconds"] = (total_steps - event.step) * config.batch_size / max(event.images_per_sec, 1)
                message["sent_at"] = time.time()  # lets a viewer measure how late a frame reaches it
                events.put(message)
            if due("weights", WEIGHTS_EVERY, now):
                events.put(weights_message(model, event.step))
            if due("activations", ACTIVATIONS_EVERY, now):
                events.put(activations_message(model, probe, probe_label, event.step, run_dir))
        elif isinstance(event, EpochEvent):
            model.save(run_dir / "weights.npz", extra_meta={"test_accuracy": event.test_accuracy,
                                                            "run_id": spec.run_id, "epoch": event.epoch})
            message = event_dict(event)
            for item in message["misclassified"][:MISCLASSIFIED_SHOWN]:
                item["data"] = b64(dataset.test_images[item["index"]])
            events.put(message)
            picture(event.epoch * trainer.batches_per_epoch)
        elif isinstance(event, DoneEvent):
            events.put(event_dict(event))
