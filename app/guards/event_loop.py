"""What ``convscope serve`` does to its own process so that the event loop's thread answers first.

Every request is answered by one thread, the event loop's, which needs the interpreter lock (the
GIL) for each step; the heavy work runs in worker threads that want the same lock. Three things
decide how long the loop waits for it (each measured under bench/worst_case.py):

- the switch interval: a thread asking for the lock waits this long before the holder is told to
  let go (5 ms by default, 1 ms here: /api/health p99 fell from 370 ms to tens of ms);
- OS priority: worker threads run at nice 10, the loop at 0 (``nice_every_new_thread``), so a
  busy core goes to the loop first;
- the garbage collector: a full collection walks every object the process holds, with the lock
  held, in whichever thread happens to trigger it: 42 ms for the objects of a fresh app alone,
  and a 93 ms stall of the loop seen in a burst. ``freeze_start_up_heap`` moves everything that
  exists once the app has started (modules, the network, the routes) out of the collector's
  reach, so a collection walks only what requests made since: 0.0 ms for the same heap.
"""

from __future__ import annotations

import gc
import os
import sys
import threading

SWITCH_INTERVAL_S = 0.001
WORKER_NICE = 10  # see lower_priority


def lower_priority() -> None:
    """Run the calling thread at nice 10 (Linux schedules threads one by one). The event loop's
    thread stays at 0, so the OS runs it first when a request arrives while the cores are busy with
    heavy work; a nice value only ever goes up here (no privilege needed)."""
    if not hasattr(os, "setpriority"):
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, max(WORKER_NICE, os.getpriority(os.PRIO_PROCESS, tid)))
    except OSError:
        pass


def nice_every_new_thread() -> None:
    """From now on every thread this process starts (the threadpool's workers above all) runs at
    nice 10 from its first instruction, whatever it is asked to do; the calling thread (the event
    loop's) keeps its priority."""
    def first_call(frame: object, event: str, arg: object) -> None:
        lower_priority()
        sys.setprofile(None)  # once per thread: the hook removes itself

    threading.setprofile(first_call)


def favour_the_event_loop() -> None:
    """Call once, from the thread that will run the event loop, before it starts."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    nice_every_new_thread()


def freeze_start_up_heap() -> None:
    """Collect what start-up left over, then exempt every object alive now from later
    collections (``gc.freeze``). For a serving process only: frozen objects are never collected,
    so a test process that builds many apps would keep each one."""
    gc.collect()
    gc.freeze()


__all__ = ["favour_the_event_loop", "freeze_start_up_heap", "lower_priority", "nice_every_new_thread"]
