"""How fast does our engine train a network you describe, against PyTorch, in the same run?

    python bench/network_speed.py                          # modern-small and LeNet-5, 10,000 images
    python bench/network_speed.py --preset convnetjs --images 60000 --repeats 3

For each preset (``model/presets.py``): training over --images MNIST images at batch 64 (forward,
softmax cross-entropy, backward, SGD with momentum), data already in memory and normalised, ours
(``model.zoo.from_spec``) on 1 and 2 engine threads (two: a helper process for a network without
batch norm, ``model/helper_process.py``, its start-up timed too), PyTorch 2.13 CPU on 1 and 2 threads, its
network built from the very code we export (``model/torch_code.py``). The four are interleaved
round by round, and the best of --repeats counts (this machine is noisy). Ratios are ours / PyTorch's
at the same thread count, and each library's one thread / two threads.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from model.datasets import load_dataset  # noqa: E402
from model.helper_process import helping  # noqa: E402
from model.layout import to_batch_last  # noqa: E402
from model.loss import softmax_cross_entropy  # noqa: E402
from model.optim import SGD  # noqa: E402
from model.parallel import engine_threads  # noqa: E402
from model.presets import PRESETS  # noqa: E402
from model.torch_code import pytorch_code  # noqa: E402
from model.zoo import MNIST_MEAN, MNIST_STD, from_spec  # noqa: E402

BATCH = 64


def ours(layers: list[dict], x: np.ndarray, y: np.ndarray, threads: int) -> float:
    net = from_spec((1, 28, 28), layers, seed=0).train(True)
    opt = SGD(net.parameters(), lr=0.01, momentum=0.9)
    with engine_threads(threads):
        started = time.perf_counter()  # the helper process's start-up counts (model/helper_process.py)
        with helping(net, BATCH):
            for start in range(0, len(x), BATCH):
                logits = net.forward(to_batch_last(x[start:start + BATCH]))
                _, dlogits = softmax_cross_entropy(logits, y[start:start + BATCH])
                net.backward(dlogits)
                opt.step()
        return time.perf_counter() - started


def theirs(layers: list[dict], x: np.ndarray, y: np.ndarray, threads: int) -> float:
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    namespace: dict = {}
    exec(compile(pytorch_code(layers), "net.py", "exec"), namespace)  # our own export
    net = namespace["model"].train()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    started = time.perf_counter()
    for start in range(0, len(x), BATCH):
        opt.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(net(xt[start:start + BATCH]), yt[start:start + BATCH]).backward()
        opt.step()
    return time.perf_counter() - started


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--preset", action="append", choices=list(PRESETS), help="default: modern-small and lenet5")
    p.add_argument("--images", type=int, default=10_000)
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    ds = load_dataset()
    order = np.random.default_rng(0).permutation(len(ds.train_images))[:args.images]
    x = ((ds.train_images[order] / 255.0 - MNIST_MEAN) / MNIST_STD).astype(np.float32)[:, None]
    y = ds.train_labels[order].astype(np.int64)
    for name in args.preset or ["modern-small", "lenet5"]:
        layers = PRESETS[name]["layers"]
        best: dict[str, float] = {}
        for _ in range(args.repeats):
            for who, fn in (("ours", ours), ("torch", theirs)):
                for threads in (1, 2):
                    key = f"{who}{threads}"
                    best[key] = min(best.get(key, float("inf")), fn(layers, x, y, threads))
        per = 60_000 / args.images
        print(f"{name}: {args.images:,} images, best of {args.repeats} (seconds; x{per:g} for an epoch of 60,000)")
        for key in ("ours1", "ours2", "torch1", "torch2"):
            print(f"  {key:7s} {best[key]:7.2f} s  ({args.images / best[key]:,.0f} images/s)")
        print(f"  ours / PyTorch: 1 thread {best['ours1'] / best['torch1']:.2f}x, 2 threads "
              f"{best['ours2'] / best['torch2']:.2f}x;  two threads against one: ours {best['ours1'] / best['ours2']:.2f}x, "
              f"PyTorch {best['torch1'] / best['torch2']:.2f}x")


if __name__ == "__main__":
    main()
