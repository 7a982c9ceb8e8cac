"""How fast does our engine train LeNet-5, against PyTorch on the same machine in the same run?

    python bench/train_speed.py            # the whole `train --epochs 1` job, and epoch timings
    python bench/train_speed.py --to-99    # also the default `convscope train` run: time to 99% test accuracy

1. The whole job, `convscope train --epochs 1` (load, train, evaluate, save) against
   `bench/torch_peer.py --epochs 1`, each in a fresh process, with its peak memory (max RSS).
2. With --to-99: the default `convscope train` run, and the time at which test accuracy first
   reaches 99.0%.
3. One epoch over the 60,000 MNIST training images at batch 64 (forward, backward, SGD with
   momentum), data already in memory: ours on 1 and 2 threads (model/parallel.py), PyTorch with
   1 and 2 threads, interleaved, best of --repeats.

PyTorch is optional (`pip install torch==2.13.0`); without it only our figures print.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model.datasets import load_dataset, normalization_stats  # noqa: E402
from model.layout import to_batch_last  # noqa: E402
from model.loss import softmax_cross_entropy  # noqa: E402
from model.optim import SGD  # noqa: E402
from model.parallel import engine_threads  # noqa: E402
from model.zoo import lenet5  # noqa: E402

try:
    import importlib.util

    HAVE_TORCH = importlib.util.find_spec("torch") is not None
except ImportError:
    HAVE_TORCH = False


def our_epoch(x: np.ndarray, y: np.ndarray, threads: int, batch_size: int = 64, seed: int = 0) -> float:
    """Seconds for one epoch of forward, backward and SGD (momentum 0.9); x is (N, 1, 28, 28) normalised."""
    net = lenet5(seed=seed)
    opt = SGD(net.parameters(), lr=0.01, momentum=0.9)
    order = np.random.default_rng(seed).permutation(len(x))
    with engine_threads(threads):
        started = time.perf_counter()
        for start in range(0, len(x), batch_size):
            idx = order[start:start + batch_size]
            logits = net.forward(to_batch_last(x[idx]))
            _, dlogits = softmax_cross_entropy(logits, y[idx])
            net.backward(dlogits)
            opt.step()
        return time.perf_counter() - started


def run_job(cmd: list[str]) -> tuple[float, float, str]:
    """Runs a command; returns (wall seconds, peak RSS in MB, stdout).

    Call it while this process is still small: a child's peak RSS counts the parent's pages it
    shared between fork and exec.
    """
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{text[-2000:]}")
    return wall, usage.ru_maxrss / 1024, text


def _report_to_99(name: str, epochs: list[dict], wall: float, rss: float) -> float | None:
    """Prints each epoch's test accuracy; returns the elapsed seconds at which 99.0% was first reached."""
    hit = next((e for e in epochs if e["test_accuracy"] >= 0.99), None)
    accs = ", ".join(f"{e['test_accuracy']:.4f}" for e in epochs)
    reached = f"99.0% at {hit['elapsed_seconds']:.1f} s (epoch {hit['epoch']})" if hit else "never 99.0%"
    print(f"   {name:8s} {reached}; whole run {wall:.1f} s, peak RSS {rss:.0f} MB; test accuracy by epoch: {accs}")
    return hit["elapsed_seconds"] if hit else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--to-99", action="store_true", help="also time the default run to 99%% test accuracy")
    parser.add_argument("--repeats", type=int, default=3, help="epoch timings: best of this many, interleaved")
    parser.add_argument("--skip-job", action="store_true")
    args = parser.parse_args()

    # The jobs run first, while this process holds neither the data set nor torch.
    if not args.skip_job:
        print("1. The whole job: load, train 1 epoch, evaluate, save (fresh processes, 2 threads each)")
        with tempfile.TemporaryDirectory() as tmp:
            ours = run_job([sys.executable, "-m", "app.cli", "train", "--epochs", "1", "--json",
                            "--threads", "2", "--out", f"{tmp}/ours.npz"])
            print(f"   convscope train --epochs 1     {ours[0]:6.2f} s, peak RSS {ours[1]:6.0f} MB")
            if HAVE_TORCH:
                peer_job = run_job([sys.executable, "bench/torch_peer.py", "--epochs", "1", "--threads", "2",
                                    "--out", f"{tmp}/torch.pt"])
                print(f"   PyTorch twin                   {peer_job[0]:6.2f} s, peak RSS {peer_job[1]:6.0f} MB")
                print(f"   ratio: {ours[0] / peer_job[0]:.2f}x  (target <= 1.25x)")

    if args.to_99:
        print("2. Default `convscope train` (8 epochs): time to 99.0% test accuracy, and the PyTorch twin's")
        with tempfile.TemporaryDirectory() as tmp:
            wall, rss, text = run_job([sys.executable, "-m", "app.cli", "train", "--json", "--out", f"{tmp}/w.npz"])
            ours_hit = _report_to_99("ours", [json.loads(line) for line in text.splitlines()
                                              if '"type": "epoch"' in line], wall, rss)
            if HAVE_TORCH:
                wall, rss, text = run_job([sys.executable, "bench/torch_peer.py", "--epochs", "8", "--threads", "2",
                                           "--out", f"{tmp}/torch.pt"])
                peer_hit = _report_to_99("PyTorch", json.loads(text.splitlines()[-1])["history"], wall, rss)
                if ours_hit and peer_hit:
                    print(f"   ratio: {ours_hit / peer_hit:.2f}x")

    ds = load_dataset()
    mean, std = normalization_stats(ds.train_images)
    x = ((ds.train_images.astype(np.float32) / 255 - mean) / std)[:, None]
    y = ds.train_labels.astype(np.int64)
    torch_epoch = None
    if HAVE_TORCH:
        from bench.torch_peer import time_epoch as torch_epoch

    print(f"3. One epoch of LeNet-5, 60,000 images, batch 64 (best of {args.repeats}, interleaved)")
    rows: dict[str, list[float]] = {}
    for _ in range(args.repeats):
        for threads in (1, 2):
            rows.setdefault(f"ours, {threads} thread(s)", []).append(our_epoch(x, y, threads))
            if torch_epoch is not None:
                rows.setdefault(f"PyTorch, {threads} thread(s)", []).append(torch_epoch(x, y, threads))
    best = {name: min(times) for name, times in rows.items()}
    for name, seconds in best.items():
        print(f"   {name:22s} {seconds:6.2f} s   (all: {', '.join(f'{t:.2f}' for t in rows[name])})")
    if torch_epoch is not None:
        for threads in (1, 2):
            ratio = best[f"ours, {threads} thread(s)"] / best["PyTorch, 2 thread(s)"]
            print(f"   ours with {threads} thread(s) / PyTorch with 2 threads: {ratio:.2f}x  (target <= 1.25x)")


if __name__ == "__main__":
    main()
