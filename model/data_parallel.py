"""Two cores, one batch: each half of the batch goes through its own copy of the network.

With two engine threads (``model/parallel.py``), ``Sequential.forward`` splits a batch of N
images along the batch axis into a first half of ceil(N/2) and a second of floor(N/2). The
calling thread runs the first half through the network's own layers; the worker thread runs
the second through *twins*, shallow copies that share every weight and buffer but keep their
own cache and gradients. The halves' logits are joined, so the loss is the whole batch's and
each half's dL/dlogits already carries the 1/N of the mean. Backward sends each half back
through the layers that saw it, and then

    dL/dW = sum over the batch = (sum over the first half) + (sum over the second)

adds the twins' gradients into the network's own, in that order.

Per image, every layer but one works on its own: the halves need not meet until the logits.
Batch norm is the exception -- its statistics are the whole batch's. There the halves meet
(``Exchange``): forward, each gives its count M_h, mean mu_h and variance v_h per channel, and
both combine them the same way (Chan, Golub and LeVeque's formula for the variance of a union):

    M = M_0 + M_1,  d = mu_1 - mu_0,  mu = mu_0 + d M_1 / M,
    var = (M_0 v_0 + M_1 v_1) / M + d^2 M_0 M_1 / M^2;

backward, they add their sum(dout) and sum(dout * xhat). Dropout draws its mask for the whole
batch and keeps its half's columns, so it drops exactly what one thread drops.

Splitting pays only when the halves' work is mostly matrix products, which run at full speed
on both cores; NumPy's smaller element-wise steps and copies gain little from a second core here
(about 1.3x), and each half pays for waiting on Python's GIL. Measured on this 2-core machine, one
epoch at batch 64, one thread against two (the network 'modern-small' with conv widths c1/c2):

    LeNet-5 (13M multiply-adds per half)   0.83x      ConvNetJS's net (25M)   0.89x
    16/32 (39M)                            0.97x      24/48 (80M)             1.59x
    32/64, modern-small (136M)             1.46x

so a batch is split here only when each half needs at least MIN_HALF_MULTIPLY_ADDS. A smaller
network without batch norm gives its second half to a helper *process* instead, which has an
interpreter of its own (``model/helper_process.py``: LeNet-5 1.58x); one with batch norm, or too
small even for that, trains on one thread.

One thread or two give the same numbers up to float rounding (a sum over 64 images is added
as two sums of 32), and two threads give the same numbers bit for bit on every run: the split
and the order of every sum are fixed.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from model import parallel

#: A batch is split only when each half gets at least this many images and this many
#: multiply-adds (a forward pass's, conv and linear layers): less is too little work to be worth
#: a second thread (see above).
MIN_HALF = 8
MIN_HALF_MULTIPLY_ADDS = 60_000_000


class Exchange:
    """Two threads swap values midway: each gives its part, and both get both parts, in order.

    One barrier wait per swap: the slots alternate between two sets, so a thread that runs
    ahead to the next swap writes to the other set while its peer still reads this one.
    """

    def __init__(self) -> None:
        self._barrier = threading.Barrier(2)
        self._slots: list[list[Any]] = [[None, None], [None, None]]
        self._rounds = [0, 0]

    def swap(self, part: int, value: Any) -> tuple[Any, Any]:
        slots = self._slots[self._rounds[part] % 2]
        self._rounds[part] += 1
        slots[part] = value
        self._barrier.wait()  # raises BrokenBarrierError once abort() is called
        return slots[0], slots[1]

    def abort(self) -> None:
        """The other thread failed: nobody will come, so stop waiting."""
        self._barrier.abort()


@dataclass(frozen=True)
class Half:
    """Which part of a batch a layer's copy sees: columns offset..offset+n-1 of ``total``."""

    part: int
    offset: int
    total: int
    exchange: Exchange | None  # None in a helper process (model/helper_process.py): no batch norm there


def multiply_adds_per_image(layers: Sequence[Any], input_shape: tuple[int, ...]) -> int:
    """A forward pass's multiply-adds for one image: F*C*KH*KW*OH*OW per conv, F*D per linear."""
    total, shape = 0, tuple(input_shape)
    for layer in layers:
        shape = layer.output_shape(shape)
        w = layer.params.get("weight")
        if w is not None and w.ndim == 4:  # (F, C, KH, KW), once per output position
            total += w.size * shape[1] * shape[2]
        elif w is not None and w.ndim == 2:  # (F, D)
            total += w.size
    return total


def should_split(batch: int, multiply_adds: int) -> bool:
    """Split a batch of ``batch`` images, ``multiply_adds`` each, across the two threads?"""
    half = batch // 2
    return parallel.current_threads() > 1 and half >= MIN_HALF and half * multiply_adds >= MIN_HALF_MULTIPLY_ADDS


def forward_half(layers: Sequence[Any], half: Half, x: np.ndarray, train: bool) -> np.ndarray:
    """One half of a batch, (..., N_h), forward through ``layers``, each told which half it sees."""
    for layer in layers:
        layer.half = half
        try:
            x = layer.forward(x, train)
        finally:
            layer.half = None
    return x


def backward_half(layers: Sequence[Any], half: Half, dout: np.ndarray) -> None:
    """dL/dout of one half, (K, N_h), back through ``layers``: each keeps its half's gradients."""
    d: np.ndarray | None = dout
    for layer in reversed(layers):
        layer.half = half
        try:
            d = layer.backward(d)
        finally:
            layer.half = None
        if d is None:
            return


def _twin(layer: Any) -> Any:
    twin = copy.copy(layer)  # the same params and buffers dicts: the very same arrays
    twin.grads = {name: np.zeros_like(g) for name, g in layer.grads.items()}
    return twin


class SplitPass:
    """One batch through a network's layers (first half) and their twins (second half)."""

    def __init__(self, order: Sequence[Any], batch: int) -> None:
        self.order = list(order)
        self.twins = [_twin(layer) for layer in self.order]
        self.cut = (batch + 1) // 2

    def _halves(self, exchange: Exchange, total: int) -> tuple[Half, Half]:
        return Half(0, 0, total, exchange), Half(1, self.cut, total, exchange)

    def forward(self, x: np.ndarray, train: bool) -> np.ndarray:
        """x: (..., N) batch-last -> the network's output (..., N), its halves run at once."""
        exchange = Exchange()
        first, second = self._halves(exchange, x.shape[-1])
        # (..., N) -> (..., N0) and (..., N1), contiguous copies: each half reads its own memory
        x0, x1 = np.ascontiguousarray(x[..., :self.cut]), np.ascontiguousarray(x[..., self.cut:])
        out0, out1 = parallel.both(lambda: forward_half(self.order, first, x0, train),
                                   lambda: forward_half(self.twins, second, x1, train), exchange.abort)
        return np.concatenate([out0, out1], axis=-1)

    def backward(self, dout: np.ndarray) -> None:
        """dout: (K, N), dL/dlogits of the whole batch. Leaves the batch's gradients in the
        network's own layers."""
        exchange = Exchange()
        first, second = self._halves(exchange, dout.shape[-1])
        d0, d1 = np.ascontiguousarray(dout[..., :self.cut]), np.ascontiguousarray(dout[..., self.cut:])
        parallel.both(lambda: backward_half(self.order, first, d0), lambda: backward_half(self.twins, second, d1),
                      exchange.abort)
        for layer, twin in zip(self.order, self.twins):
            for name, g in layer.grads.items():
                g += twin.grads[name]
