"""Using a second core: independent pieces of one layer's work run on two threads.

NumPy and BLAS release Python's GIL while they compute, so two threads really do run at
once. The engine splits only work whose pieces are independent:

  * a convolution's im2col blocks (each writes its own rows of the output, or its own
    partial sum of dL/dW), and
  * a convolution's dL/dW and dL/dX, which both need only delta.

Each BLAS call then runs on one thread: at batch 64 the products are small, and OpenBLAS
threads that wait for a busy core cost more than they give (on 2 cores, a 2-thread BLAS
beside any other work runs several times slower).

``with engine_threads(2): ...`` turns it on for the code inside; outside, everything runs
on the calling thread, in the same order, with the same results.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence, TypeVar

from threadpoolctl import threadpool_limits

T = TypeVar("T")
R = TypeVar("R")

_worker: ThreadPoolExecutor | None = None


@contextmanager
def engine_threads(threads: int) -> Iterator[None]:
    """Run the engine on ``threads`` threads (1 or 2) with single-threaded BLAS calls inside."""
    global _worker
    if threads < 1:
        raise ValueError(f"threads must be >= 1, got {threads}")
    previous = _worker
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine") if threads > 1 else None
    _worker = pool
    try:
        with threadpool_limits(1):
            yield
    finally:
        _worker = previous
        if pool is not None:
            pool.shutdown(wait=True)


def submit(fn: Callable[[], R]) -> Future[R]:
    """Start ``fn`` on the worker thread; without one, run it now and return a finished future."""
    if _worker is not None:
        return _worker.submit(fn)
    done: Future[R] = Future()
    done.set_result(fn())
    return done


def split_map(fn: Callable[[Sequence[T]], R], items: Sequence[T]) -> list[R]:
    """[fn(first half), fn(second half)]: the second half on the worker thread, if there is one.

    Always the same two halves, so that sums of the results come out bit for bit the same on
    one thread or two.
    """
    if len(items) < 2:
        return [fn(items)]
    half = (len(items) + 1) // 2
    other = submit(lambda: fn(items[half:]))
    mine = fn(items[:half])
    return [mine, other.result()]
