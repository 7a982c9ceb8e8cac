"""No state-changing request from another site.

A page on another site can make a learner's browser send a form POST here (a "simple" request,
with no CORS preflight): before this, one could swap the served model for everyone. Browsers say
where a request comes from in ``Origin`` (and ``Sec-Fetch-Site``). For POST, PUT, PATCH and DELETE:

* an ``Origin`` that is not this server (same host and port as the ``Host`` header; the scheme is
  not compared, so a TLS proxy in front changes nothing) nor one of CONVSCOPE_CORS_ORIGINS: 403;
* no ``Origin`` but ``Sec-Fetch-Site: cross-site``: 403;
* a body in a form's content type (urlencoded, multipart, text/plain), which is what a plain HTML
  form can send, anywhere but the two upload routes (which take multipart): 403. The API speaks JSON.

Clients that are not browsers (curl, scripts) send no ``Origin`` and are unaffected. WebSockets
check ``Origin`` the same way (``origin_allowed``) before they are accepted.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from app.guards.body_limits import UPLOAD_PATHS

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})
EXPECTED = {"/api/images": "the image as multipart/form-data, in a field named 'file'",
            "/api/digits/predict": "the drawing as multipart/form-data (a field named 'file') or as JSON"}


def _netloc(url: str) -> str:
    parts = urlsplit(url)
    host, port = (parts.hostname or "").lower(), parts.port
    default = {"http": 80, "https": 443, "ws": 80, "wss": 443}.get(parts.scheme)
    return host if port in (None, default) else f"{host}:{port}"


def origin_allowed(headers: Headers, allowed: tuple[str, ...]) -> bool:
    """True unless an Origin (or Sec-Fetch-Site) says the request comes from another site."""
    origin = headers.get("origin")
    if origin is None:
        return headers.get("sec-fetch-site", "none") != "cross-site"
    if origin in allowed:
        return True
    host = headers.get("host", "")
    return origin != "null" and _netloc(origin) == _netloc(f"http://{host}")


class SameOriginWrites:
    """ASGI middleware: refuses cross-site writes with a 403 that says why."""

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...] = ()) -> None:
        self.app = app
        self.allowed = tuple(allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if not origin_allowed(headers, self.allowed):
            detail = (f"{scope['method']} from another site ({headers.get('origin', 'cross-site')}) is refused: "
                      "only this server's own pages, or origins in CONVSCOPE_CORS_ORIGINS, may change things here")
        elif content_type in FORM_TYPES and not (content_type == "multipart/form-data" and scope["path"] in UPLOAD_PATHS):
            expected = EXPECTED.get(scope["path"], "JSON (Content-Type: application/json)")
            detail = (f"a {content_type} body is what an HTML form sends, and forms from other sites are refused: "
                      f"send {expected}")
        else:
            await self.app(scope, receive, send)
            return
        await JSONResponse({"detail": detail}, status_code=403)(scope, receive, send)
