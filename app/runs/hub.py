"""Fan-out of a run's messages to its WebSocket viewers, without letting a slow one hold anyone up.

Each viewer has its own small outbox and its own sending task. A message is encoded to JSON
once and offered to every outbox; offering never waits. Frames that only show the present
(``batch``, ``weights``, ``activations``) are replaced by newer ones when a viewer falls
behind; ``epoch``, ``status``, ``done`` and ``error`` are never dropped. A viewer whose outbox
of those still grows past ``MAX_ESSENTIAL`` is closed with a reason. Everything here runs on
the event loop's thread.
"""

from __future__ import annotations

import asyncio
from collections import deque

from starlette.websockets import WebSocket

LATEST_ONLY = ("weights", "activations")  # a newer frame makes the pending one useless
MAX_PENDING_BATCHES = 8
MAX_ESSENTIAL = 1000


class Viewer:
    def __init__(self, websocket: WebSocket) -> None:
        self.websocket = websocket
        self.outbox: deque[tuple[str, str]] = deque()
        self.wakeup = asyncio.Event()
        self.dropped = 0
        self.closed = False
        self.client = ""

    def offer(self, kind: str, text: str) -> None:
        if kind in LATEST_ONLY:
            before = len(self.outbox)
            self.outbox = deque(item for item in self.outbox if item[0] != kind)
            self.dropped += before - len(self.outbox)
        elif kind == "batch" and sum(1 for k, _ in self.outbox if k == "batch") >= MAX_PENDING_BATCHES:
            oldest = next(i for i, (k, _) in enumerate(self.outbox) if k == "batch")
            del self.outbox[oldest]
            self.dropped += 1
        self.outbox.append((kind, text))
        self.wakeup.set()

    @property
    def overflowing(self) -> bool:
        return len(self.outbox) > MAX_ESSENTIAL + MAX_PENDING_BATCHES + len(LATEST_ONLY)

    async def pump(self) -> None:
        """Sends the outbox in order until the socket closes."""
        while not self.closed:
            await self.wakeup.wait()
            self.wakeup.clear()
            while self.outbox:
                if self.overflowing:
                    await self.websocket.close(code=1013, reason="viewer too slow: too many unsent messages")
                    self.closed = True
                    return
                _, text = self.outbox.popleft()
                await self.websocket.send_text(text)


class Hub:
    def __init__(self, max_viewers: int = 1000, max_per_client: int = 256) -> None:
        self.viewers: dict[str, set[Viewer]] = {}
        self.max_viewers, self.max_per_client = max_viewers, max_per_client
        self.per_client: dict[str, int] = {}

    def refusal(self, client: str) -> str | None:
        """Why one more viewer from ``client`` cannot join, or None when it can."""
        if self.count() >= self.max_viewers:
            return f"too many viewers: the server allows {self.max_viewers} at once"
        if self.per_client.get(client, 0) >= self.max_per_client:
            return f"too many viewers from {client}: at most {self.max_per_client}"
        return None

    def add(self, run_id: str, viewer: Viewer, client: str = "") -> None:
        viewer.client = client
        self.viewers.setdefault(run_id, set()).add(viewer)
        self.per_client[client] = self.per_client.get(client, 0) + 1

    def remove(self, run_id: str, viewer: Viewer) -> None:
        viewer.closed = True
        viewer.wakeup.set()
        group = self.viewers.get(run_id)
        if group is not None and viewer in group:
            group.discard(viewer)
            if not group:
                del self.viewers[run_id]
            left = self.per_client.get(viewer.client, 1) - 1
            if left:
                self.per_client[viewer.client] = left
            else:
                self.per_client.pop(viewer.client, None)

    def publish(self, run_id: str, kind: str, text: str) -> None:
        for viewer in list(self.viewers.get(run_id, ())):
            viewer.offer(kind, text)

    def count(self, run_id: str | None = None) -> int:
        if run_id is not None:
            return len(self.viewers.get(run_id, ()))
        return sum(len(group) for group in self.viewers.values())
