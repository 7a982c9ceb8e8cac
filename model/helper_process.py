"""Two processes, one batch: a helper process trains the second half of every training batch.

Two threads of one process (``model/data_parallel.py``) share one interpreter lock, and a small
network such as LeNet-5 spends much of a batch in Python between NumPy calls: split over two
threads it trained *slower* than on one (0.93x). A second process has an interpreter of its own.
The helper builds the same network from its description and, batch by batch:

    main process                                  helper process
    W -> shared memory; x[..., cut:] -> shared   ---F--->  reads W and its half x1
    forward x0 -> logits0                                  forward x1 -> logits1 -> shared
    wait for it                                  <--ok---
    logits = [logits0 | logits1]; loss; dL/dlogits (the 1/N of the mean is already in it)
    dL/dlogits[:, cut:] -> shared                ---B--->
    backward -> dL/dW of the first half                    backward -> dL/dW of x1 -> shared
    wait for it                                  <--ok---
    dL/dW = (first half's sum) + (second half's), in that order

The halves are cut as the threads cut them, and the sums are added in the same order, so the
helper gives the threads' numbers bit for bit (a test checks). Batch norm needs the whole batch
between layers, so a network with batch norm stays on the threads; dropout works, because the
helper draws the whole batch's mask from the same step count and keeps its half's columns.

The shared memory is one file in /dev/shm, removed as soon as it is made: both processes hold it
open and the memory goes when both have closed it, however either ends. The helper reads its
commands from a pipe; when the main process dies the pipe closes and the helper leaves.
"""

from __future__ import annotations

import json
import mmap
import os
import select
import struct
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from typing import Any, Iterator

import numpy as np

from model.batchnorm import BatchNorm
from model.data_parallel import MIN_HALF, Half, backward_half, forward_half, multiply_adds_per_image
from model.layers import Dropout
from model.parallel import alone, current_threads
from model.zoo import from_spec, spec_of

#: The helper is used when each half of a batch has at least this many multiply-adds: below it,
#: passing the halves between processes costs more than it saves. Measured at batch 64, one epoch,
#: one process against two (bench/network_speed.py): the MLP (8.0M per half) 0.87x, LeNet-5
#: (13.3M) 1.58x, ConvNetJS's net (25M) 1.44x.
MIN_HELPER_HALF_MULTIPLY_ADDS = 10_000_000
#: Seconds the main process waits for one half-batch step, or for the helper to start, before it
#: gives up on the helper: an error, never a hang.
HELPER_TIMEOUT = 60.0
#: Seconds each process keeps asking for the other's next byte before it sleeps until one comes:
#: a core that waits this long without sleeping keeps its caches warm and wakes at once, which
#: on this machine is the difference between 1.3x and 1.5x for LeNet-5.
SPIN_SECONDS = 0.005
ALIGN = 64
SHARED_DIR = "/dev/shm" if os.path.isdir("/dev/shm") else None


def wants_helper(net: Any, batch_size: int) -> bool:
    """Would a helper process speed up training ``net`` at ``batch_size`` on two engine threads?"""
    layers = [layer for _, layer in net.layers]
    half = batch_size // 2
    return (current_threads() > 1 and half >= MIN_HALF and not any(isinstance(la, BatchNorm) for la in layers)
            and half * multiply_adds_per_image(layers, net.input_shape) >= MIN_HELPER_HALF_MULTIPLY_ADDS)


class SharedBuffers:
    """The arrays both processes see, laid out in one mapping: a header of integers (batch size,
    where the second half starts, each dropout layer's step), the parameters, the helper's
    gradients, its half of the input, its logits and its dL/dlogits. Every array starts on a
    64-byte line, as NumPy's own do: the vectorised BLAS kernels slow down on unaligned data."""

    def __init__(self, fd: int, shapes: list[tuple[int, ...]], dtype: np.dtype, input_shape: tuple[int, ...],
                 classes: int, max_half: int, dropouts: int) -> None:
        self.dtype = np.dtype(dtype)
        regions = ([("header", np.dtype(np.int64), (2 + dropouts,))]
                   + [("param", self.dtype, tuple(s)) for s in shapes] + [("grad", self.dtype, tuple(s)) for s in shapes]
                   + [("x", self.dtype, (max_half * int(np.prod(input_shape)),)),
                      ("logits", self.dtype, (max_half * classes,)), ("dlogits", self.dtype, (max_half * classes,))])
        offsets, nbytes = [], 0
        for _, dt, shape in regions:
            offsets.append(nbytes)
            nbytes += -(-dt.itemsize * int(np.prod(shape)) // ALIGN) * ALIGN
        if os.fstat(fd).st_size < nbytes:
            os.ftruncate(fd, nbytes)
        self._map = mmap.mmap(fd, nbytes)
        arrays = [np.frombuffer(self._map, dt, int(np.prod(shape)), offset).reshape(shape)
                  for (_, dt, shape), offset in zip(regions, offsets)]
        kinds = [name for name, _, _ in regions]
        self.header = arrays[0]
        self.params = [a for a, k in zip(arrays, kinds) if k == "param"]
        self.grads = [a for a, k in zip(arrays, kinds) if k == "grad"]
        self.x, self.logits, self.dlogits = arrays[-3:]

    def half(self, flat: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        """The first prod(shape) numbers of a region as an array of that shape."""
        return flat[:int(np.prod(shape))].reshape(shape)


class HelperProcess:
    """The main process's end: ``forward`` and ``backward`` of a whole batch, half of it here and
    half in the helper. Used by ``Sequential`` while it is attached (``helping``)."""

    def __init__(self, net: Any, batch_size: int) -> None:
        self.order = net._order
        self.params = [p for _, p, _ in net.parameters()]
        self.own_grads = [g for _, _, g in net.parameters()]
        self.dropouts = [layer for layer in self.order if isinstance(layer, Dropout)]
        self.input_shape = tuple(net.input_shape)
        self.classes = net.summary()[-1].output_shape[0]
        dtype = self.params[0].dtype if self.params else np.dtype(np.float32)
        self.max_half = batch_size // 2
        fd, path = tempfile.mkstemp(prefix="convscope-helper-", dir=SHARED_DIR)
        os.unlink(path)  # held open by both processes, gone once both close it
        commands, self._commands = os.pipe()
        self._replies, replies = os.pipe()
        os.set_blocking(self._replies, False)
        try:
            self.shared = SharedBuffers(fd, [p.shape for p in self.params], dtype, self.input_shape, self.classes,
                                        self.max_half, len(self.dropouts))
            setup = {"specs": spec_of(net), "input_shape": list(self.input_shape), "dtype": np.dtype(dtype).str,
                     "shapes": [list(p.shape) for p in self.params], "classes": self.classes,
                     "max_half": self.max_half, "dropouts": [[d.seed, d.p] for d in self.dropouts],
                     "fds": [fd, commands, replies]}
            root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # where ``model`` is found
            env = os.environ | {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                                "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
            self.process = subprocess.Popen([sys.executable, "-m", "model.helper_process", json.dumps(setup)],
                                            pass_fds=(fd, commands, replies), env=env, stdin=subprocess.DEVNULL)
        except BaseException:
            os.close(self._commands)
            os.close(self._replies)
            raise
        finally:
            for end in (fd, commands, replies):  # the helper has its own copies now
                os.close(end)
        self.cut = 0
        self._wait()  # "ready", once the helper has built its network

    # ---- one batch -----------------------------------------------------------------------
    def takes(self, x: np.ndarray) -> bool:
        """Is x (..., N) a batch to split: the network's input, with MIN_HALF to max_half per half?"""
        return x.shape[:-1] == self.input_shape and MIN_HALF <= x.shape[-1] // 2 <= self.max_half

    def forward(self, x: np.ndarray, train: bool) -> np.ndarray:
        """x: (..., N) batch-last -> logits (K, N): the first ceil(N/2) here, the rest in the helper."""
        total = x.shape[-1]
        self.cut = cut = (total + 1) // 2
        shared = self.shared
        for target, p in zip(shared.params, self.params):
            np.copyto(target, p)
        shared.header[:2] = total, cut
        shared.header[2:] = [d.calls for d in self.dropouts]  # before this forward draws its masks
        np.copyto(shared.half(shared.x, x.shape[:-1] + (total - cut,)), x[..., cut:])
        self._send(b"F")
        with alone():
            out0 = forward_half(self.order, Half(0, 0, total, None), np.ascontiguousarray(x[..., :cut]), train)
        self._wait()
        return np.concatenate([out0, self.shared.half(self.shared.logits, (self.classes, total - cut))], axis=-1)

    def backward(self, dout: np.ndarray) -> None:
        """dout: (K, N) -> every parameter's dL/dW over the whole batch, in the network's layers."""
        total, cut = dout.shape[-1], self.cut
        np.copyto(self.shared.half(self.shared.dlogits, (self.classes, total - cut)), dout[:, cut:])
        self._send(b"B")
        with alone():
            backward_half(self.order, Half(0, 0, total, None), np.ascontiguousarray(dout[:, :cut]))
        self._wait()
        for g, theirs in zip(self.own_grads, self.shared.grads):
            g += theirs

    # ---- the pipe ------------------------------------------------------------------------
    def _send(self, command: bytes) -> None:
        try:
            os.write(self._commands, command)
        except OSError:
            self._failed("it is not running")

    def _wait(self) -> None:
        reply = _next_byte(self._replies, SPIN_SECONDS, HELPER_TIMEOUT)
        if reply is None:
            self._failed(f"it did not answer within {HELPER_TIMEOUT:g} s")
        if reply == b".":
            return
        if reply == b"!":
            (length,) = struct.unpack("<I", _read_exactly(self._replies, 4))
            self._failed(_read_exactly(self._replies, length).decode("utf-8", "replace"))
        self._failed(f"it ended (exit code {self.process.poll()})")

    def _failed(self, why: str) -> None:
        self.close()
        raise RuntimeError(f"the helper process that trains half of each batch failed: {why}")

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                os.write(self._commands, b"Q")
                self.process.wait(2.0)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        for fd in (self._commands, self._replies):
            try:
                os.close(fd)
            except OSError:
                pass
        self._commands = self._replies = -1


@contextmanager
def helping(net: Any, batch_size: int) -> Iterator[HelperProcess | None]:
    """While inside, ``net`` trains each batch of more than MIN_HALF images half in a helper
    process, if that is faster (``wants_helper``); the helper is stopped on the way out."""
    if not wants_helper(net, batch_size):
        yield None
        return
    helper = HelperProcess(net, batch_size)
    net.helper = helper
    try:
        yield helper
    finally:
        net.helper = None
        helper.close()


def _next_byte(fd: int, spin: float, timeout: float | None = None) -> bytes | None:
    """One byte from a non-blocking pipe (b"" once its writer has gone): asked for again and again
    for ``spin`` seconds, then waited for, up to ``timeout`` seconds in all (None: when not in time)."""
    started = time.perf_counter()
    while True:
        try:
            return os.read(fd, 1)
        except BlockingIOError:
            waited = time.perf_counter() - started
            if waited > spin:
                left = None if timeout is None else timeout - waited
                if left is not None and left <= 0 or not select.select([fd], [], [], left)[0]:
                    return None


def _read_exactly(fd: int, n: int) -> bytes:
    data = b""
    while len(data) < n and (chunk := _next_byte(fd, 0.0, HELPER_TIMEOUT)):
        data += chunk
    return data


# ---- the helper's end --------------------------------------------------------------------
def _serve(setup: dict[str, Any]) -> None:
    fd, commands, replies = setup["fds"]
    net = from_spec(tuple(setup["input_shape"]), setup["specs"], dtype=np.dtype(setup["dtype"])).train(True)
    shapes = [tuple(s) for s in setup["shapes"]]
    if [p.shape for _, p, _ in net.parameters()] != shapes:
        raise ValueError("the helper built a network whose parameters differ from the main process's")
    dropouts = [layer for layer in net._order if isinstance(layer, Dropout)]
    for layer, (seed, _) in zip(dropouts, setup["dropouts"]):
        layer.seed = seed
    shared = SharedBuffers(fd, shapes, np.dtype(setup["dtype"]), tuple(setup["input_shape"]), setup["classes"],
                           setup["max_half"], len(dropouts))
    os.close(fd)
    owners = [(layer, name) for layer in net._order for name in layer.params]
    for (layer, name), p, g in zip(owners, shared.params, shared.grads):  # read W, write dL/dW, in place
        layer.params[name], layer.grads[name] = p, g
    os.write(replies, b".")
    os.set_blocking(commands, False)
    half = Half(1, 0, 0, None)
    while (command := _next_byte(commands, SPIN_SECONDS)) not in (b"", b"Q"):
        try:
            total, cut = (int(v) for v in shared.header[:2])
            if command == b"F":
                for layer, calls in zip(dropouts, shared.header[2:]):
                    layer.calls = int(calls)
                half = Half(1, cut, total, None)
                x = shared.half(shared.x, net.input_shape + (total - cut,))
                np.copyto(shared.half(shared.logits, (setup["classes"], total - cut)),
                          forward_half(net._order, half, x, True))
            else:
                backward_half(net._order, half, shared.half(shared.dlogits, (setup["classes"], total - cut)))
            reply = b"."
        except Exception as exc:  # told to the main process, which raises it
            message = f"{type(exc).__name__}: {exc}".encode()
            reply = b"!" + struct.pack("<I", len(message)) + message
        try:
            os.write(replies, reply)
        except BrokenPipeError:  # the main process has gone mid-batch (a run stopped with its server)
            return


if __name__ == "__main__":
    _serve(json.loads(sys.argv[1]))
