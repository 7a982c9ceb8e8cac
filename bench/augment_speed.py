"""What do distortions cost? Training LeNet-5 with and without them, in images a second.

    python bench/augment_speed.py                    # 20,000 images a round, 3 rounds, 2 threads
    python bench/augment_speed.py --threads 1 --rounds 5

1. Training: one epoch of ``model.training.Trainer`` over the first --images MNIST training
   images, batch 64, with the committed weights' distortions (shift 2, rotate 10, scale 0.1, shear
   10) and without, the two interleaved round by round; the epoch's training time (evaluation
   excluded), best of --rounds for each. The peer is the same training without distortions.
2. The distortions alone: ``model.augment.augment`` on the same 64-image batches, one thread.

Prints one JSON line per figure and the ratio.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model.augment import Augment, augment  # noqa: E402
from model.datasets import load_dataset  # noqa: E402
from model.parallel import engine_threads  # noqa: E402
from model.training import AUGMENT_STREAM, EpochEvent, TrainConfig, Trainer  # noqa: E402

DISTORTIONS = {"shift": 2.0, "rotate": 10.0, "scale": 0.1, "shear": 10.0}  # the committed weights' (their sidecar)


def training_rate(data, images: int, threads: int, distort: bool) -> float:  # noqa: ANN001
    """Images a second over one epoch of training (evaluation excluded)."""
    config = TrainConfig(epochs=1, train_size=images, threads=threads, augment=DISTORTIONS if distort else None)
    for event in Trainer(config, data).run():
        if isinstance(event, EpochEvent):
            return images / event.epoch_seconds
    raise RuntimeError("the epoch did not finish")


def augment_rate(data, images: int, batch: int = 64) -> float:  # noqa: ANN001
    """Images a second through the distortions alone, on one thread."""
    aug = Augment(**DISTORTIONS)
    x = data.train_images[:images]
    with engine_threads(1):
        started = time.perf_counter()
        for b, start in enumerate(range(0, images, batch)):
            augment(x[start:start + batch], aug, np.random.default_rng([0, 1, b, AUGMENT_STREAM]))
        return images / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, choices=(1, 2))
    args = parser.parse_args()
    data = load_dataset()
    rates: dict[str, list[float]] = {"without": [], "with": []}
    for _ in range(args.rounds):  # interleaved, so a busy spell of the machine hits both
        for name in ("without", "with"):
            rates[name].append(training_rate(data, args.images, args.threads, name == "with"))
    best = {name: max(values) for name, values in rates.items()}
    alone = max(augment_rate(data, args.images) for _ in range(args.rounds))
    for name, values in rates.items():
        print(json.dumps({"training": name + " distortions", "threads": args.threads, "images": args.images,
                          "img_per_s_best": round(best[name]), "rounds": [round(v) for v in values]}))
    print(json.dumps({"distortions alone, img/s (best)": round(alone)}))
    print(json.dumps({"with / without (best of each)": round(best["with"] / best["without"], 3)}))


if __name__ == "__main__":
    main()
