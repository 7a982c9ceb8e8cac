"""An upload's file, read from a multipart body in a worker thread, not on the event loop.

Starlette parses ``multipart/form-data`` on the event loop, a callback per chunk: for a 20 MB
photo that is tens of milliseconds in which no other request is answered. ``upload_bytes`` reads
the raw body instead (bounded by the body limit, and cheap: it only collects chunks), then finds
the file part in a thread with python-multipart, the parser Starlette itself uses.
"""

from __future__ import annotations

from fastapi import HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from python_multipart import MultipartParser
from python_multipart.multipart import parse_options_header


FIELD = "file"
MISSING = (f"no {{what}} in the request: send it as multipart/form-data in a file field named '{FIELD}' "
           f"(e.g. curl -F {FIELD}=@picture.png)")


def file_part(body: bytes, content_type: str, field: str = FIELD) -> bytes | None:
    """The contents of the file part named `field` in a multipart body (None when there is none)."""
    _, options = parse_options_header(content_type.encode("latin-1"))
    boundary = options.get(b"boundary")
    if not boundary:
        raise ValueError("the multipart body names no boundary")
    found: dict[str, list[bytes]] = {}
    current: dict[str, object] = {"header": b"", "value": b"", "name": None, "is_file": False, "chunks": []}

    def on_header_field(data: bytes, start: int, end: int) -> None:
        current["header"] = bytes(current["header"]) + data[start:end]  # type: ignore[operator]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        current["value"] = bytes(current["value"]) + data[start:end]  # type: ignore[operator]

    def on_header_end() -> None:
        if bytes(current["header"]).lower() == b"content-disposition":  # type: ignore[arg-type]
            _, params = parse_options_header(bytes(current["value"]))  # type: ignore[arg-type]
            current["name"] = params.get(b"name", b"").decode("latin-1")
            current["is_file"] = b"filename" in params
        current["header"], current["value"] = b"", b""

    def on_part_begin() -> None:
        current.update(name=None, is_file=False, chunks=[])

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if current["name"] == field and current["is_file"]:
            current["chunks"].append(data[start:end])  # type: ignore[union-attr]

    def on_part_end() -> None:
        if current["name"] == field and current["is_file"] and field not in found:
            found[field] = list(current["chunks"])  # type: ignore[arg-type]

    parser = MultipartParser(boundary, {"on_part_begin": on_part_begin, "on_part_data": on_part_data,
                                        "on_part_end": on_part_end, "on_header_field": on_header_field,
                                        "on_header_value": on_header_value, "on_header_end": on_header_end})
    parser.write(body)
    parser.finalize()
    return b"".join(found[field]) if field in found else None


async def upload_bytes(request: Request, what: str = "image") -> bytes:
    """The uploaded file's bytes; a 422 saying how to send it when the request has none."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise HTTPException(422, MISSING.format(what=what))
    body = await request.body()
    try:
        data = await run_in_threadpool(file_part, body, content_type)
    except ValueError as exc:
        raise HTTPException(400, f"the multipart body cannot be read: {exc}") from None
    if data is None:
        raise HTTPException(422, MISSING.format(what=what))
    return data
