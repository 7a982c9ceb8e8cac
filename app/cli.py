"""The ``convscope`` command: train, evaluate, serve, and (the distributed mode) worker.

    convscope train --epochs 8 --out model/weights/lenet5-mnist.npz
    convscope evaluate model/weights/lenet5-mnist.npz
    convscope serve --port 8000
    convscope worker              # with CONVSCOPE_REDIS_URL and CONVSCOPE_DATABASE_URL set
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np

from model.datasets import DATA_DIR_ENV, DatasetError, load_dataset, resolve_data_dir
from model.optim import OPTIMIZERS, SCHEDULES
from model.parallel import engine_threads
from model.augment import RANGES as AUGMENT_RANGES
from model.augment import WORDS as AUGMENT_WORDS
from model.training import BatchEvent, DoneEvent, EpochEvent, TrainConfig, Trainer, evaluate, event_dict
from model.zoo import ARCHITECTURES, load_model

DEFAULTS = TrainConfig()


def _add_train_args(p: argparse.ArgumentParser) -> None:
    d = DEFAULTS
    p.add_argument("--model", choices=list(ARCHITECTURES), default=d.model)
    p.add_argument("--epochs", type=int, default=d.epochs)
    p.add_argument("--batch-size", type=int, default=d.batch_size)
    p.add_argument("--optimizer", choices=OPTIMIZERS, default=d.optimizer,
                   help="sgd (plain), momentum, nesterov or adam")
    p.add_argument("--lr", type=float, default=d.lr, help="peak learning rate")
    p.add_argument("--momentum", type=float, default=d.momentum)
    p.add_argument("--weight-decay", type=float, default=d.weight_decay)
    p.add_argument("--schedule", choices=SCHEDULES, default=d.schedule)
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--train-size", type=int, default=None, help="use only the first N training images")
    p.add_argument("--threads", type=int, default=d.threads, help="cores the engine may use, 1 or 2")
    p.add_argument("--data-dir", default=None, help=f"IDX directory (default: ${DATA_DIR_ENV} or data/mnist)")
    p.add_argument("--out", default=None, help="weights file to write (default: runs/<model>-<time>.npz); "
                   "a JSON sidecar with the same name records how it was made")
    p.add_argument("--checkpoint", default=None, help="checkpoint written every epoch (default: <out>.ckpt.npz)")
    p.add_argument("--resume", action="store_true", help="continue from --checkpoint")
    p.add_argument("--json", action="store_true", help="print one JSON event per line instead of a progress bar")
    aug = p.add_argument_group("augmentation", "random distortions of each training digit, drawn per image "
                               "(model/augment.py); all off by default")
    for name, (low, high) in AUGMENT_RANGES.items():
        label, _, meaning = AUGMENT_WORDS[name]
        aug.add_argument(f"--{name.replace('_', '-')}", type=float, default=None, metavar="x",
                         help=f"{label.lower()}: {meaning} ({low:g} to {high:g})")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="convscope", description="Learn how convolutions work.")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_train_args(sub.add_parser("train", help="train a network on MNIST-like data"))
    ev = sub.add_parser("evaluate", help="test accuracy and confusion matrix of saved weights")
    ev.add_argument("weights")
    ev.add_argument("--data-dir", default=None)
    ev.add_argument("--json", action="store_true")
    sv = sub.add_parser("serve", help="start the web app")
    sv.add_argument("--host", default=None, help="default 127.0.0.1 (or $CONVSCOPE_HOST)")
    sv.add_argument("--port", type=int, default=None, help="default 8000 (or $CONVSCOPE_PORT)")
    wk = sub.add_parser("worker", help="the distributed mode: take runs from the Redis queue and train them")
    wk.add_argument("--name", default=None, help="the worker's name in the queue (default: host and process id)")
    wk.add_argument("--burst", action="store_true", help="stop once the queue is empty")
    return parser


def _config_from_args(args: argparse.Namespace) -> TrainConfig:
    names = {f.name for f in fields(TrainConfig)}
    options = {k: v for k, v in vars(args).items() if k in names}
    augment = {k: getattr(args, k) for k in AUGMENT_RANGES if getattr(args, k, None) is not None}
    return TrainConfig(**options, augment=augment or None)


def cmd_train(args: argparse.Namespace) -> int:
    config = _config_from_args(args)
    data_dir = resolve_data_dir(args.data_dir)
    started = time.perf_counter()
    dataset = load_dataset(data_dir)
    out = Path(args.out) if args.out else Path("runs") / f"{config.model}-{time.strftime('%Y%m%d-%H%M%S')}.npz"
    ckpt = Path(args.checkpoint) if args.checkpoint else out.with_suffix(".ckpt.npz")
    trainer = Trainer(config, dataset, checkpoint_path=ckpt, resume=args.resume)
    bar = None
    if not args.json:
        from tqdm import tqdm
        bar = tqdm(total=config.epochs * trainer.batches_per_epoch, initial=trainer.epochs_done *
                   trainer.batches_per_epoch, unit="batch", dynamic_ncols=True)
    done: DoneEvent | None = None
    for event in trainer.run():
        if args.json:
            print(json.dumps(event_dict(event)), flush=True)
        elif isinstance(event, BatchEvent):
            bar.update(1)
            if event.batch % 20 == 0 or event.batch == event.batches:
                bar.set_description(f"epoch {event.epoch}/{config.epochs}")
                bar.set_postfix(loss=f"{event.loss:.4f}", acc=f"{event.accuracy:.4f}",
                                img_s=f"{event.images_per_sec:,.0f}")
        elif isinstance(event, EpochEvent):
            bar.write(f"epoch {event.epoch}: train loss {event.train_loss:.4f} acc {event.train_accuracy:.4f}"
                      f" | test loss {event.test_loss:.4f} acc {event.test_accuracy:.4f}"
                      f" | {event.epoch_seconds:.1f} s, {event.images_per_sec:,.0f} img/s")
        if isinstance(event, DoneEvent):
            done = event
    if bar is not None:
        bar.close()
    assert done is not None
    sidecar = {
        "command": "convscope " + shlex.join(args.argv),
        "config": config.to_dict(), "data_dir": str(data_dir), "dataset": dataset.name,
        "seed": config.seed, "epochs": done.epochs_completed,
        "wall_seconds": round(time.perf_counter() - started, 2),
        "train_seconds": round(done.elapsed_seconds, 2),
        "normalization": {"mean": trainer.model.input_mean, "std": trainer.model.input_std,
                          "applied_to": "pixels / 255"},
        "test_accuracy": done.test_accuracy, "parameters": trainer.model.num_params(),
        "history": trainer.history, "numpy": np.__version__,
    }
    trainer.model.save(out, extra_meta={"test_accuracy": done.test_accuracy})
    out.with_suffix(".json").write_text(json.dumps(sidecar, indent=2) + "\n")
    message = {"type": "saved", "weights": str(out), "sidecar": str(out.with_suffix(".json")),
               "test_accuracy": done.test_accuracy, "wall_seconds": sidecar["wall_seconds"]}
    print(json.dumps(message) if args.json else
          f"saved {out} (test accuracy {done.test_accuracy:.4f}, {sidecar['wall_seconds']:.1f} s in all)")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    model, meta = load_model(args.weights)
    dataset = load_dataset(args.data_dir)
    with engine_threads(1):  # single-threaded BLAS: batch-128 products gain nothing from a second
        result = evaluate(model, dataset.test_images, dataset.test_labels)
    loss, acc, cm = result.loss, result.accuracy, result.confusion
    result: dict[str, Any] = {"weights": args.weights, "architecture": meta.get("architecture"),
                              "test_images": int(len(dataset.test_labels)), "test_loss": loss,
                              "test_accuracy": acc, "confusion": cm.tolist()}
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"{args.weights}: {meta.get('architecture')}, test accuracy {acc:.4f} "
          f"({int(np.trace(cm))}/{len(dataset.test_labels)}), loss {loss:.4f}")
    print("confusion matrix (rows: true digit, columns: predicted)")
    print("     " + " ".join(f"{j:5d}" for j in range(cm.shape[1])))
    for i, row in enumerate(cm):
        print(f"{i:4d} " + " ".join(f"{v:5d}" for v in row))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.guards.slow_clients import GuardedH11Protocol
    from app.guards.event_loop import favour_the_event_loop
    from app.main import create_app
    from app.runs.dir_lock import RunsDirLocked, check_free
    from app.settings import Settings

    settings = Settings.from_env()
    try:
        if settings.distributed:  # else uvicorn would report these as start-up tracebacks
            from app.distributed.services import ServiceUnavailable, check_services

            try:
                check_services(settings)
            except ServiceUnavailable as exc:
                print(f"convscope serve: {exc}", file=sys.stderr)
                return 1
        else:
            check_free(settings.runs_dir)  # replicas share theirs; one embedded server owns its own
    except RunsDirLocked as exc:
        print(f"convscope serve: {exc}", file=sys.stderr)
        return 1
    # The event loop first: a 1 ms GIL switch interval, worker threads at nice 10, and the heap
    # that exists after start-up frozen out of the garbage collector (app/guards/event_loop.py).
    favour_the_event_loop()
    host = args.host or settings.host
    port = args.port or settings.port
    # No per-message deflate: it would compress every training frame once per viewer, which with
    # a classroom watching one run costs more CPU than the training (and the frames are small).
    # Viewers only listen: a message from one is at most 64 KB (uvicorn closes with 1009 past it).
    # Slow and idle clients: uvicorn's own keep-alive timeout and connection cap, and its h11
    # protocol with a header timeout and a per-address cap (app/guards/slow_clients.py); a request
    # line and headers of at most 16 KB (h11's limit for an incomplete event).
    uvicorn.run(create_app(settings, freeze_heap=True), host=host, port=port, ws_per_message_deflate=False, ws_max_size=64 * 1024,
                http=GuardedH11Protocol.configure(settings), limit_concurrency=settings.max_connections,
                timeout_keep_alive=settings.keep_alive_timeout, h11_max_incomplete_event_size=16 * 1024)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from app.settings import Settings

    settings = Settings.from_env()
    if not settings.distributed:
        print("convscope worker: a worker takes runs from the distributed mode's queue; set "
              "CONVSCOPE_REDIS_URL and CONVSCOPE_DATABASE_URL (see the README's distributed mode)", file=sys.stderr)
        return 2
    from app.distributed.job import run_worker
    from app.distributed.services import ServiceUnavailable

    try:
        run_worker(settings, name=args.name, burst=args.burst)
    except ServiceUnavailable as exc:
        print(f"convscope worker: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    args.argv = argv
    try:
        return {"train": cmd_train, "evaluate": cmd_evaluate, "serve": cmd_serve,
                "worker": cmd_worker}[args.command](args)
    except (ValueError, DatasetError, FileNotFoundError) as exc:
        print(f"convscope {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"convscope {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
