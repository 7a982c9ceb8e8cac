"""The engine's BLAS calls run on one thread, whichever thread asks and whatever another thread
did first (``model/parallel.py``: ``single_threaded_blas``). Found when the fuzz tests' app, whose
event-loop thread had claimed threadpoolctl's limit, left LeNet-5's later tests on a 2-thread BLAS
and changed their last bits."""

from __future__ import annotations

import threading

from threadpoolctl import ThreadpoolController, threadpool_info, threadpool_limits

from model.parallel import engine_threads


def blas_threads() -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_engine_threads_run_blas_on_one_thread_after_another_thread_claimed_the_limit():
    claimed = threading.Event()

    def claim() -> None:  # as a web server's event loop does: set, and never restored
        for lib in ThreadpoolController().select(user_api="blas").lib_controllers:
            type(lib).clear_controlling_thread(force=True)  # whoever had it (another test's app)
        threadpool_limits(2)
        claimed.set()

    other = threading.Thread(target=claim)
    other.start()
    other.join()
    assert claimed.is_set() and blas_threads() and set(blas_threads()) == {2}
    for threads in (1, 2):
        with engine_threads(threads):
            assert set(blas_threads()) == {1}, threads
    assert set(blas_threads()) == {1}  # for good: leaving does not hand the limit back

