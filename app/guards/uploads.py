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


def form_parts(body: bytes, content_type: str) -> dict[str, tuple[str | None, bytes]]:
    """Every part of a multipart body, by field name -> (its filename, None for a plain field;
    its bytes). The first part of each name counts."""
    _, options = parse_options_header(content_type.encode("latin-1"))
    boundary = options.get(b"boundary")
    if not boundary:
        raise ValueError("the multipart body names no boundary")
    found: dict[str, tuple[str | None, bytes]] = {}
    current: dict[str, object] = {"header": b"", "value": b"", "name": None, "filename": None, "chunks": []}

    def on_header_field(data: bytes, start: int, end: int) -> None:
        current["header"] = bytes(current["header"]) + data[start:end]  # type: ignore[operator]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        current["value"] = bytes(current["value"]) + data[start:end]  # type: ignore[operator]

    def on_header_end() -> None:
        if bytes(current["header"]).lower() == b"content-disposition":  # type: ignore[arg-type]
            _, params = parse_options_header(bytes(current["value"]))  # type: ignore[arg-type]
            current["name"] = params.get(b"name", b"").decode("latin-1")
            filename = params.get(b"filename")
            current["filename"] = None if filename is None else filename.decode("utf-8", "replace")
        current["header"], current["value"] = b"", b""

    def on_part_begin() -> None:
        current.update(name=None, filename=None, chunks=[])

    def on_part_data(data: bytes, start: int, end: int) -> None:
        current["chunks"].append(data[start:end])  # type: ignore[union-attr]

    def on_part_end() -> None:
        name = current["name"]
        if isinstance(name, str) and name not in found:
            found[name] = (current["filename"], b"".join(current["chunks"]))  # type: ignore[arg-type]

    parser = MultipartParser(boundary, {"on_part_begin": on_part_begin, "on_part_data": on_part_data,
                                        "on_part_end": on_part_end, "on_header_field": on_header_field,
                                        "on_header_value": on_header_value, "on_header_end": on_header_end})
    parser.write(body)
    parser.finalize()
    return found


def file_part(body: bytes, content_type: str, field: str = FIELD) -> bytes | None:
    """The contents of the file part named `field` in a multipart body (None when there is none)."""
    filename, data = form_parts(body, content_type).get(field, (None, None))
    return data if filename is not None else None


async def upload_parts(request: Request, what: str, field: str) -> dict[str, tuple[str | None, bytes]]:
    """Every part of an upload's multipart body, parsed in a worker thread; a 422 saying how to
    send it when it is not multipart or lacks the file part `field`."""
    missing = (f"no {what} in the request: send it as multipart/form-data in a file field named '{field}' "
               f"(e.g. curl -F {field}=@weights.safetensors)")
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise HTTPException(422, missing)
    body = await request.body()
    try:
        parts = await run_in_threadpool(form_parts, body, content_type)
    except ValueError as exc:
        raise HTTPException(400, f"the multipart body cannot be read: {exc}") from None
    if parts.get(field, (None, b""))[0] is None:
        raise HTTPException(422, missing)
    return parts


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
