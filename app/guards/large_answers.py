"""Large answers leave in slices, so no one write holds the event loop.

Starlette sends a ``Response`` body in one piece: for a full-resolution filtered photo (tens of
megabytes of PNG) asyncio copies the part the socket cannot take at once into its buffer, on the
event loop, while every other request waits (measured: the largest share of the loop's busy time
under bench/worst_case.py). ``sliced_response`` streams the same bytes 256 kB at a time; uvicorn
waits for the client to drain each slice before the next (its flow control), so the loop runs
other requests in between and memory holds no second copy.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi.responses import Response, StreamingResponse

SLICE = 256 * 1024
SMALL = 1024 * 1024  # bytes: smaller answers go in one piece, as before


def sliced_response(data: bytes, media_type: str, headers: dict[str, str] | None = None) -> Response:
    """`data` as a response: in one piece when small, else in SLICE-byte slices (same headers,
    Content-Length included)."""
    headers = {**(headers or {}), "Content-Length": str(len(data))}
    if len(data) <= SMALL:
        return Response(data, media_type=media_type, headers=headers)

    async def slices() -> AsyncIterator[bytes]:
        view = memoryview(data)
        for start in range(0, len(view), SLICE):
            yield bytes(view[start:start + SLICE])

    return StreamingResponse(slices(), media_type=media_type, headers=headers)
