"""One body limit for every request, enforced while the body streams in.

Starlette's ``RequestBodyLimitMiddleware`` does the counting: a ``Content-Length`` above the limit
is refused before a byte of the body is read, and a body without one (chunked) as soon as it
passes the limit. This picks the limit by path: the upload routes (an image, a drawing sent as a
file) take ``CONVSCOPE_MAX_UPLOAD_BYTES``; everything else is JSON (or nothing) and takes the much
smaller ``CONVSCOPE_MAX_JSON_BYTES``. The 413 names the limit and the setting
(:func:`too_large_detail`, used by ``app/http_methods.py``'s error handler).
"""

from __future__ import annotations

from starlette.middleware import body_limit
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY, RequestBodyLimitMiddleware
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from app.settings import ENV_PREFIX, Settings

UPLOAD_PATHS = frozenset({"/api/images", "/api/digits/predict", "/api/networks/import"})
DRAIN_BYTES = 10_000_000


class BodyLimits:
    """ASGI middleware: the upload limit on the upload paths, the JSON limit everywhere else. A
    declared Content-Length over it is answered here, before the app or a byte of the body."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.limits = {True: settings.max_upload_bytes, False: settings.max_json_bytes}
        self.limited = {upload: RequestBodyLimitMiddleware(app, limit) for upload, limit in self.limits.items()}
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = scope["path"] in UPLOAD_PATHS
        declared = Headers(scope=scope).get("content-length", "")
        if declared.strip().isdigit() and int(declared) > self.limits[upload]:
            detail = too_large_detail({**scope, MAX_BODY_SIZE_SCOPE_KEY: self.limits[upload]})
            # A body up to DRAIN_BYTES is read and dropped after the answer, so the client can read the
            # 413 (closing on unread data resets the connection before it does); a larger one is not
            # worth the event loop's time, and the connection is closed with it.
            close = {"Connection": "close"} if int(declared) > DRAIN_BYTES else {}
            await JSONResponse({"detail": detail}, status_code=413, headers=close)(scope, receive, send)
            return
        await self.limited[upload](scope, receive, send)


# Starlette raises this (an HTTPException) from receive() when a body passes the limit; it has no
# public name, so it is looked up, and a 413 of our own (too many pixels) is never mistaken for it.
_TOO_LARGE = getattr(body_limit, "_RequestBodyTooLarge", None)


def is_body_limit(exc: Exception) -> bool:
    """True for the 413 Starlette's body limit raised (not one a route raised for its own reasons)."""
    return _TOO_LARGE is not None and isinstance(exc, _TOO_LARGE)


def too_large_detail(scope: Scope) -> str:
    """The 413's sentence: which limit the body passed, in bytes and by its setting."""
    limit = scope.get(MAX_BODY_SIZE_SCOPE_KEY)
    if limit is None:
        return "the request body is too large"
    if scope.get("path") in UPLOAD_PATHS:
        return f"the upload is larger than the limit of {limit:,} bytes ({ENV_PREFIX}MAX_UPLOAD_BYTES)"
    return f"the request body is larger than the limit of {limit:,} bytes for JSON ({ENV_PREFIX}MAX_JSON_BYTES)"
