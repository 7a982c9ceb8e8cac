"""The one-way channel from a training worker process to the server's pump thread.

Why not ``multiprocessing.Queue``: a Queue's reader keeps its own copy of the pipe's write end and
reads a message with a blocking call once its first byte has arrived. A worker killed half-way
through writing a large message (the activations, just after an epoch) therefore left the pump
waiting for the rest for ever, and its run never ended (a CI run hung on exactly that).

Here the worker writes whole frames (a 4-byte length, then the JSON text) to a plain pipe, and the
server reads whatever bytes are there without ever waiting for more than it was given:

    worker   EventSink.put(message)     frame = len(text) as 4 bytes big-endian + text
    server   EventSource.take(timeout)  the next whole frame, ``queue.Empty`` after ``timeout``,
                                        ``EOFError`` once the worker's end is closed (a frame
                                        cut short by the worker's death is dropped)

The server closes its copy of the write end once the worker has started (``worker_started``), so
the worker's end of the pipe is the only one. Messages are JSON, what the viewers get anyway
(``take`` hands the text on with the message, so it is not encoded again): nothing is unpickled.
"""

from __future__ import annotations

import json
import os
import queue
import struct
import time
from typing import Any

HEADER = struct.Struct("!I")  # a frame's length in bytes
READ_CHUNK = 1 << 16


class EventSink:
    """The worker's end (``app/runs/worker.py``'s Sink): sent to the worker process as its argument."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection  # a multiprocessing Connection: it crosses "spawn" as a file

    def put(self, message: dict[str, Any]) -> None:
        text = json.dumps(message, separators=(",", ":")).encode()
        frame = memoryview(HEADER.pack(len(text)) + text)
        fd = self._connection.fileno()
        while frame:  # a pipe takes a large frame in pieces, as the reader makes room
            frame = frame[os.write(fd, frame):]

    def close(self) -> None:
        self._connection.close()


class EventSource:
    """The server's end: whole messages, in order, and never a wait on a half-written one."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection
        self._buffer = bytearray()
        self._ended = False

    def get(self, timeout: float) -> dict[str, Any]:
        return self.take(timeout)[0]

    def take(self, timeout: float) -> tuple[dict[str, Any], str]:
        """The next message and its JSON text, as the worker wrote it."""
        deadline = time.monotonic() + timeout
        while True:
            taken = self._take()
            if taken is not None:
                return taken
            if self._ended:
                raise EOFError("the worker's end of the pipe is closed")
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._connection.poll(remaining):
                raise queue.Empty
            chunk = os.read(self._connection.fileno(), READ_CHUNK)  # readable: returns at once
            if chunk:
                self._buffer += chunk
            else:
                self._ended = True

    def _take(self) -> tuple[dict[str, Any], str] | None:
        """The first whole frame's message and text, removed from the buffer; None until one has arrived."""
        if len(self._buffer) < HEADER.size:
            return None
        (length,) = HEADER.unpack_from(self._buffer)
        end = HEADER.size + length
        if len(self._buffer) < end:
            return None
        text = bytes(self._buffer[HEADER.size:end]).decode()
        del self._buffer[:end]
        return json.loads(text), text

    def close(self) -> None:
        self._connection.close()


class EventPipe:
    """Both ends, made by the server before it starts the worker."""

    def __init__(self, ctx: Any) -> None:
        reader, writer = ctx.Pipe(duplex=False)
        self.source, self.sink = EventSource(reader), EventSink(writer)

    def worker_started(self) -> None:
        """The worker holds its own copy of the write end now; the server's goes, so that the
        worker's end (or its death) is the end of the pipe."""
        self.sink.close()

    def close(self) -> None:
        self.source.close()
        self.sink.close()
