"""Using a second core: independent pieces of one computation run on two threads.

NumPy and BLAS release Python's GIL while they compute, so two threads really do run at
once. The engine splits only work whose pieces are independent:

  * a convolution's im2col blocks (each writes its own rows of the output, or its own
    partial sum of dL/dW), and a convolution's dL/dW beside its dL/dX, which both need only
    delta;
  * an image filter's row tiles (``model/filters.py``);
  * the two halves of a training batch, each through its own copy of the network
    (``model/data_parallel.py``), which meet only where batch norm needs the whole batch.
    A helper process can take the second half instead (``model/helper_process.py``).

``with engine_threads(2): ...`` turns it on for the code the calling thread runs inside it;
functions can also be asked for ``threads=2`` directly. The setting is per calling thread, so
concurrent web requests do not change each other's, and the one worker thread is shared.
Single-threaded, every piece runs on the calling thread, in the same order, with the same
results.

Inside ``engine_threads`` each BLAS call runs on one thread: at batch 64 the products are
small, and OpenBLAS threads that wait for a busy core cost more than they give (on 2 cores, a
2-thread BLAS beside any other work runs several times slower). The engine's numbers depend on
it too: OpenBLAS on two threads adds some products' pieces in another order (LeNet-5's conv2
dL/dW for a batch of 35 differs in the last bit). So ``single_threaded_blas`` sets one BLAS
thread for the whole process, once and for good: a limit that is set on entry and restored on
exit is not safe here, because OpenBLAS's thread count is one number for the process, and
threadpoolctl (3.8) silently ignores every thread but the first one that set it -- a web
server's event-loop thread, say -- so that a worker thread's ``with threadpool_limits(1)`` did
nothing at all.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence, TypeVar

from threadpoolctl import ThreadpoolController

T = TypeVar("T")
R = TypeVar("R")

MAX_THREADS = 2
_setting = threading.local()
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_blas_lock = threading.Lock()
_blas: ThreadpoolController | None = None


def single_threaded_blas() -> None:
    """From now on every BLAS call in this process runs on one thread (see above). Cheap once
    done: it asks the BLAS libraries for their thread count and sets only one that differs."""
    global _blas
    with _blas_lock:
        if _blas is None:
            _blas = ThreadpoolController().select(user_api="blas")
        if all(lib.get_num_threads() == 1 for lib in _blas.lib_controllers):
            return
        for lib in _blas.lib_controllers:
            clear = getattr(type(lib), "clear_controlling_thread", None)
            if clear is not None:  # whichever thread claimed the limit first, this one sets it
                clear(force=True)
            lib.set_num_threads(1)


def _worker() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=MAX_THREADS - 1, thread_name_prefix="engine")
        return _pool


def current_threads() -> int:
    """Threads the calling thread may use (1 unless inside ``engine_threads``)."""
    return getattr(_setting, "threads", 1)


@contextmanager
def engine_threads(threads: int) -> Iterator[None]:
    """Run the engine on ``threads`` threads (1 or 2), each BLAS call on one thread."""
    if not 1 <= threads <= MAX_THREADS:
        raise ValueError(f"threads must be between 1 and {MAX_THREADS}, got {threads}")
    single_threaded_blas()
    previous = current_threads()
    _setting.threads = threads
    try:
        yield
    finally:
        _setting.threads = previous


@contextmanager
def alone() -> Iterator[None]:
    """The calling thread runs single-threaded inside: the other core is already busy (with the
    worker thread's half of a batch, or a helper process's)."""
    previous = current_threads()
    _setting.threads = 1
    try:
        yield
    finally:
        _setting.threads = previous


def submit(fn: Callable[[], R], threads: int | None = None) -> Future[R]:
    """Start ``fn`` on the worker thread; single-threaded, run it now and return a finished future."""
    if (threads or current_threads()) > 1:
        return _worker().submit(fn)
    done: Future[R] = Future()
    done.set_result(fn())
    return done


def split_map(fn: Callable[[Sequence[T]], R], items: Sequence[T], threads: int | None = None) -> list[R]:
    """[fn(first half), fn(second half)]: the second half on the worker thread, if allowed.

    Always the same two halves, so that sums of the results come out bit for bit the same on
    one thread or two.
    """
    if len(items) < 2:
        return [fn(items)]
    half = (len(items) + 1) // 2
    other = submit(lambda: fn(items[half:]), threads)
    mine = fn(items[:half])
    return [mine, other.result()]


def both(first: Callable[[], T], second: Callable[[], R], abort: Callable[[], None]) -> tuple[T, R]:
    """(first(), second()): ``second`` on the worker thread while ``first`` runs here, each one
    single-threaded (the worker is busy, so nothing inside may wait for it).

    If either raises, ``abort()`` is called so that the other stops waiting for it (see
    ``data_parallel.Exchange``), both are let finish, and the error that came first is raised.
    """
    errors: list[BaseException] = []

    def guarded(fn: Callable[[], R]) -> R:
        try:
            return fn()
        except BaseException as exc:
            errors.append(exc)  # list.append is atomic: the first to fail is errors[0]
            abort()
            raise

    pending = _worker().submit(guarded, second)
    try:
        with alone():
            mine = guarded(first)
    except BaseException:
        wait([pending])
        raise errors[0] from None
    try:
        return mine, pending.result()
    except BaseException:
        raise errors[0] from None
