"""Response headers that make the app safe to run for a classroom.

Every response gets a Content-Security-Policy that allows scripts, styles, images and
connections from this origin only (no inline script anywhere: pages load ES modules), frames
from nowhere (``frame-ancestors 'none'``), plus ``X-Content-Type-Options: nosniff`` and
``Referrer-Policy: no-referrer``. The API reference at /docs is the one page that needs inline
styles (Swagger UI sets them on its SVG icons), and only there.

CORS is off unless ``CONVSCOPE_CORS_ORIGINS`` lists origins.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

BASE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "connect-src": "'self'",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
RELAXED_STYLES = ("/docs",)  # Swagger UI's inline style attributes


def policy_for(path: str) -> str:
    policy = dict(BASE_POLICY)
    if path in RELAXED_STYLES:
        policy["style-src"] = "'self' 'unsafe-inline'"
    return "; ".join(f"{k} {v}" for k, v in policy.items())


class SecurityHeaders:
    """ASGI middleware: adds the headers to every HTTP response (WebSockets pass through)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = policy_for(scope["path"]).encode()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in (
                    b"content-security-policy", b"x-content-type-options", b"referrer-policy", b"x-frame-options")]
                headers += [(b"content-security-policy", csp), (b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
