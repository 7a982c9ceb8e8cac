"""HEAD for every GET, and 405 answers that say which methods a path takes.

``HeadAsGet`` answers ``HEAD`` wherever ``GET`` is answered (``curl -I`` on any page): it runs the
GET and sends its status and headers without the body, as HTTP says HEAD must. A 405 names the
methods the path really takes, over every route on it (Starlette's own ``Allow`` header lists only
the first route it matched: ``PUT /api/runs`` said ``Allow: POST`` though GET works too).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.guards.body_limits import is_body_limit, too_large_detail


class HeadAsGet:
    """ASGI middleware: a HEAD request runs as GET, and only the head of the answer is sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_head(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_head)


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(app: FastAPI, scope: Scope) -> list[str]:
    """Every method some route on this path answers in full (HEAD wherever GET is)."""
    def answers(method: str) -> bool:
        probe = {**scope, "type": "http", "method": method}
        return any(route.matches(probe)[0] is Match.FULL for route in app.router.routes)

    allowed = [m for m in METHODS if m != "HEAD" and answers(m)]
    return ["GET", "HEAD", *allowed[1:]] if allowed[:1] == ["GET"] else allowed


async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """Every HTTPException as {"detail": ...}; a 405 with the path's real Allow header; a 413 naming
    the limit the body passed."""
    headers = dict(exc.headers or {})
    detail = exc.detail
    if is_body_limit(exc):
        detail = too_large_detail(request.scope)
    elif exc.status_code == 405:
        allowed = allowed_methods(request.app, request.scope)
        headers["Allow"] = ", ".join(allowed)
        detail = f"{request.method} is not allowed on {request.url.path}; it takes {', '.join(allowed)}"
    return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_middleware(HeadAsGet)
