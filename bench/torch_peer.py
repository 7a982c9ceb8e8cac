"""The same LeNet-5 in PyTorch, the peer our engine is measured against (benchmarks only).

As a script it is the PyTorch twin of ``convscope train --epochs N``: load MNIST with our IDX
loader, train with the same settings, evaluate on the test set, save the weights.

    python bench/torch_peer.py --epochs 1 --threads 2 --out /tmp/torch-lenet5.pt
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import time

import numpy as np
import torch
from torch import nn


def torch_lenet5() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2, bias=False), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5, bias=False), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def onecycle_lr(step: int, total: int, peak: float, warmup: float = 0.25) -> float:
    """Matches model.optim.LRSchedule('onecycle')."""
    frac = min(max(step / total, 0.0), 1.0)
    start, end = peak / 25, peak / 25 / 1e4
    if frac < warmup:
        return start + (peak - start) * frac / warmup
    rest = (frac - warmup) / (1 - warmup)
    return end + (peak - end) * 0.5 * (1 + math.cos(math.pi * rest))


def time_epoch(x: np.ndarray, y: np.ndarray, threads: int, batch_size: int = 64, seed: int = 0) -> float:
    """Seconds for one epoch of forward, backward and SGD (momentum 0.9) over normalised x (N, 1, 28, 28)."""
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    net = torch_lenet5()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))
    order = torch.from_numpy(np.random.default_rng(seed).permutation(len(x)))
    started = time.perf_counter()
    for start in range(0, len(x), batch_size):
        idx = order[start:start + batch_size]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(xt[idx]), yt[idx])
        loss.backward()
        opt.step()
    return time.perf_counter() - started


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--out", default="/tmp/torch-lenet5.pt")
    args = p.parse_args()
    started = time.perf_counter()
    torch.set_num_threads(args.threads)
    from model.datasets import load_dataset, normalization_stats

    ds = load_dataset()
    mean, std = normalization_stats(ds.train_images)
    x = torch.from_numpy(((ds.train_images.astype(np.float32) / 255 - mean) / std)[:, None])
    y = torch.from_numpy(ds.train_labels.astype(np.int64))
    xt = torch.from_numpy(((ds.test_images.astype(np.float32) / 255 - mean) / std)[:, None])
    yt = torch.from_numpy(ds.test_labels.astype(np.int64))
    torch.manual_seed(0)
    net = torch_lenet5()
    opt = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=0.9, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss()
    steps_per_epoch = math.ceil(len(x) / 64)
    total, step = args.epochs * steps_per_epoch, 0
    history = []
    for epoch in range(1, args.epochs + 1):
        order = torch.from_numpy(np.random.default_rng([0, epoch]).permutation(len(x)))
        net.train()
        for start in range(0, len(x), 64):
            for group in opt.param_groups:
                group["lr"] = onecycle_lr(step, total, args.lr)
            step += 1
            idx = order[start:start + 64]
            opt.zero_grad(set_to_none=True)
            loss_fn(net(x[idx]), y[idx]).backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            acc = float((net(xt).argmax(1) == yt).float().mean())
        history.append({"epoch": epoch, "test_accuracy": acc, "elapsed_seconds": time.perf_counter() - started})
    torch.save(net.state_dict(), args.out)
    print(json.dumps({"history": history, "wall_seconds": time.perf_counter() - started,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
