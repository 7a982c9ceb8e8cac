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

# KEYS: lease, owner; ARGV: this job's token, the lease in milliseconds. 1 renewed, 0 fenced off.
RENEW = """
local owner = redis.call('GET', KEYS[2])
if owner and owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
return 1
"""


# ---- a web replica's side ----------------------------------------------------------------------
def ask(client: Any, run_id: str, **fields: float) -> None:
    client.hset(key(run_id, "controls"), mapping={k: float(v) for k, v in fields.items()})


def ask_step(client: Any, run_id: str) -> None:
    pipe = client.pipeline()
    pipe.hincrby(key(run_id, "controls"), "steps", 1)
    pipe.hset(key(run_id, "controls"), "paused", 1)
    pipe.execute()


def read(client: Any, run_id: str) -> dict[str, float]:
    raw = client.hgetall(key(run_id, "controls"))
    return {name: float(raw.get(name, 0) or 0) for name in ("paused", "stopping", "pace", "steps")}


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
            if self.client.get(key(self.run_id, "lease")) == self.token:
                self.client.delete(key(self.run_id, "lease"))
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
                self._mirror(read(self.client, self.run_id))
            except redis.RedisError:
                pass  # Redis restarting: train on with what was last asked, and try again
            clock.wait(POLL)

    def _mirror(self, wanted: dict[str, float]) -> None:
        controls = self.controls
        for name in ("paused", "stopping"):
            event = getattr(controls, name)
            if wanted[name] and not event.is_set():
                event.set()
            elif not wanted[name] and event.is_set() and name == "paused":
                event.clear()
        controls.pace.value = wanted["pace"]
        steps = int(wanted["steps"])
        if steps > 0:  # hand the asked-for steps over: they are the worker's to take now
            self.client.hincrby(key(self.run_id, "controls"), "steps", -steps)
            with controls.steps.get_lock():
                controls.steps.value += steps
