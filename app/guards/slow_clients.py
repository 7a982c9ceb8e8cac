"""Slow and idle clients are bounded, in uvicorn's own HTTP protocol.

uvicorn already closes idle keep-alive connections (``--timeout-keep-alive``) and answers 503 past
``--limit-concurrency`` connections; ``convscope serve`` sets both from CONVSCOPE_KEEP_ALIVE_TIMEOUT
and CONVSCOPE_MAX_CONNECTIONS. It has no setting for a client that sends its headers one byte at a
time (slowloris), nor for one address holding every connection. ``GuardedH11Protocol`` is uvicorn's
h11 protocol with three more rules:

* a request's headers must arrive within CONVSCOPE_HEADER_TIMEOUT seconds of its first byte
  (408 and close otherwise), and its body within CONVSCOPE_BODY_TIMEOUT seconds of the headers;
* one client address may hold at most CONVSCOPE_MAX_CONNECTIONS_PER_CLIENT connections at once
  (503 and close for the next), so one host cannot take all of them;
* a WebSocket keeps neither timer once upgraded (viewers watch for as long as a run lasts).

Behind a proxy every client has the proxy's address: raise the per-client cap there, and let the
proxy bound its own clients.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any, ClassVar

from uvicorn.protocols.http.h11_impl import H11Protocol

from app.settings import Settings


def _plain_response(status: str, detail: str, extra: str = "") -> bytes:
    body = ('{"detail": "%s"}' % detail).encode()
    return (f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n"
            f"{extra}connection: close\r\n\r\n").encode() + body


class GuardedH11Protocol(H11Protocol):
    header_timeout: ClassVar[float] = 10.0
    body_timeout: ClassVar[float] = 60.0
    max_per_client: ClassVar[int] = 300
    open_by_client: ClassVar[Counter[str]] = Counter()

    @classmethod
    def configure(cls, settings: Settings) -> type[GuardedH11Protocol]:
        cls.header_timeout = float(settings.header_timeout)
        cls.body_timeout = float(settings.body_timeout)
        cls.max_per_client = settings.max_connections_per_client
        return cls

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._timer: asyncio.TimerHandle | None = None
        self._waiting_for = ""
        self._address = self.client[0] if self.client else ""
        self.open_by_client[self._address] += 1
        if self.open_by_client[self._address] > self.max_per_client:
            transport.write(_plain_response("503 Service Unavailable",
                                            f"{self.max_per_client} connections from one address at most", 
                                            "retry-after: 5\r\n"))
            transport.close()
            return
        self._arm("headers", self.header_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self.open_by_client[self._address] -= 1
        if self.open_by_client[self._address] <= 0:
            del self.open_by_client[self._address]
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        before = self.cycle
        between_requests = before is None or before.response_complete
        if between_requests and self._timer is None:
            self._arm("headers", self.header_timeout)  # the first bytes of the next request
        super().data_received(data)
        cycle = self.cycle
        if cycle is not None and cycle is not before:  # its headers are complete
            self._disarm()
            if cycle.more_body:
                self._arm("body", self.body_timeout)
        elif cycle is not None and self._waiting_for == "body" and not cycle.more_body:
            self._disarm()

    def handle_websocket_upgrade(self, event: Any) -> None:
        self._disarm()
        super().handle_websocket_upgrade(event)

    def _arm(self, what: str, seconds: float) -> None:
        self._disarm()
        self._waiting_for = what
        self._timer = self.loop.call_later(seconds, self._timed_out)

    def _disarm(self) -> None:
        if getattr(self, "_timer", None) is not None:
            self._timer.cancel()
        self._timer, self._waiting_for = None, ""

    def _timed_out(self) -> None:
        what, self._timer = self._waiting_for, None
        if self.transport.is_closing():
            return
        if what == "headers":
            seconds = self.header_timeout
            self.transport.write(_plain_response("408 Request Timeout",
                                                 f"the request's headers took more than {seconds:g} s"))
        self.transport.close()
