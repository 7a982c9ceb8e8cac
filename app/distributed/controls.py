"""Pause, resume, stop, pace and single steps, from any web replica to the worker that holds the run.

A replica writes what the viewers asked into the run's ``controls`` hash in Redis; the worker
mirrors that hash into its local ``Controls`` (``app/runs/pace.py``) every ``POLL`` seconds, so
the training loop reads the same four handles in both modes. A hash holds state, not a list of
orders: a worker that starts, or reconnects after Redis restarted, reads what is wanted now.

The same thread renews the worker's lease on its run, in one step with a check that no newer
job owns the run (``RENEW``). A worker that finds itself fenced off (its run was taken for dead
and given to another worker) stops at once and says nothing more.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from app.distributed.services import key
from app.runs.pace import Controls

POLL = 0.05  # seconds between two reads of the controls hash

# KEYS: lease, owner; ARGV: this job's token, the lease in milliseconds. 1 renewed, 0 fenced off
# (another job owns the run, or nobody does: a worker is never sure of a run it cannot prove).
RENEW = """
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
return 1
"""
# KEYS: controls. The hash as a flat list, its steps handed over (set to 0) in the same step.
TAKE = """
local fields = redis.call('HGETALL', KEYS[1])
if tonumber(redis.call('HGET', KEYS[1], 'steps') or '0') > 0 then redis.call('HSET', KEYS[1], 'steps', 0) end
return fields
"""
# KEYS: lease; ARGV: this job's token. Lets the lease go only if it is still this job's.
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
#: A controls hash written for a run that has ended goes away by itself after this long.
CONTROLS_KEPT_SECONDS = 24 * 3600


# ---- a web replica's side ----------------------------------------------------------------------
def ask(client: Any, run_id: str, **fields: float) -> None:
    pipe = client.pipeline()
    pipe.hset(key(run_id, "controls"), mapping={k: float(v) for k, v in fields.items()})
    pipe.expire(key(run_id, "controls"), CONTROLS_KEPT_SECONDS)
    pipe.execute()


def ask_step(client: Any, run_id: str) -> None:
    pipe = client.pipeline()  # one transaction: the worker sees the step and the pause together
    pipe.hincrby(key(run_id, "controls"), "steps", 1)
    pipe.hset(key(run_id, "controls"), "paused", 1)
    pipe.expire(key(run_id, "controls"), CONTROLS_KEPT_SECONDS)
    pipe.execute()


def _fields(raw: dict[str, str]) -> dict[str, float]:
    return {name: float(raw.get(name, 0) or 0) for name in ("paused", "stopping", "pace", "steps")}


def read(client: Any, run_id: str) -> dict[str, float]:
    return _fields(client.hgetall(key(run_id, "controls")))


def describe(fields: dict[str, float]) -> dict[str, Any]:
    """The ``pace`` message, as ``Controls.describe`` words it."""
    rate = fields["pace"]
    return {"type": "pace", "mode": "slow" if rate > 0 else "full", "batches_per_second": rate or None}


def holder(client: Any, run_id: str) -> str | None:
    """The job whose worker holds the run's lease now, or None."""
    return client.get(key(run_id, "lease"))


# ---- a worker's side ---------------------------------------------------------------------------
class ControlsMirror:
    """Mirrors the run's controls hash into ``controls`` and renews the lease, on a thread."""

    def __init__(self, client: Any, run_id: str, token: str, controls: Controls, lease_seconds: float) -> None:
        self.client, self.run_id, self.token, self.controls = client, run_id, token, controls
        self.lease_ms = int(lease_seconds * 1000)
        self.renew_every = lease_seconds / 3
        self.fenced = threading.Event()
        self._done = threading.Event()
        self._renew = client.register_script(RENEW)
        self._take = client.register_script(TAKE)
        self._release = client.register_script(RELEASE)
        self._thread = threading.Thread(target=self._loop, name=f"controls-{run_id}", daemon=True)

    def take(self) -> bool:
        """Claims the run's lease for this job (it becomes the owner). False if Redis refused."""
        self.client.set(key(self.run_id, "owner"), self.token)
        self.client.delete(key(self.run_id, "controls"))  # what a previous worker was asked is not for this one
        return self.renew()

    def renew(self) -> bool:
        renewed = bool(self._renew(keys=[key(self.run_id, "lease"), key(self.run_id, "owner")],
                                   args=[self.token, self.lease_ms]))
        if not renewed:
            self.fenced.set()
            self.controls.stopping.set()
        return renewed

    def start(self) -> "ControlsMirror":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._done.set()
        self._thread.join(5)
        try:  # let the lease go now rather than when it lapses, if it is still ours
            self._release(keys=[key(self.run_id, "lease")], args=[self.token])
        except Exception:  # noqa: BLE001 - Redis gone: the lease lapses by itself
            pass

    def _loop(self) -> None:
        import redis

        renewed_at = 0.0
        clock = threading.Event()
        while not self._done.is_set() and not self.fenced.is_set():
            try:
                now = time.monotonic()
                if now - renewed_at >= self.renew_every:
                    if not self.renew():
                        return
                    renewed_at = now
                flat = self._take(keys=[key(self.run_id, "controls")])
                self._mirror(_fields(dict(zip(flat[::2], flat[1::2]))))
            except redis.RedisError:
                pass  # Redis restarting: train on with what was last asked, and try again
            clock.wait(POLL)

    def _mirror(self, wanted: dict[str, float]) -> None:
        """``wanted``'s steps were handed over by TAKE: they are the worker's to take now. Steps
        first, as ``Controls.ask_step`` does: a step on a running run trains its batch, then pauses."""
        controls = self.controls
        if wanted["steps"] > 0:
            controls.add_steps(int(wanted["steps"]))
        controls.pace = wanted["pace"]
        if wanted["stopping"] and not controls.stopping.is_set():
            controls.stopping.set()
        if wanted["paused"] and not controls.paused.is_set():
            controls.paused.set()
        elif not wanted["paused"] and controls.paused.is_set():
            controls.cancel_steps()
            controls.paused.clear()
