"""One shape for every error: ``{"detail": "what was wrong and what was expected"}``.

FastAPI's own validation errors are a list of objects; here they become one readable sentence
(``lr: Input should be greater than 0``) with the list kept under ``errors``. The OpenAPI schema
says so, and lists 400 (a body that is not JSON or not a form) for every operation with a body,
so that every status the API can answer with is documented.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse

ERROR_SCHEMA = {
    "title": "ErrorMessage",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "description": "What was wrong, and what was expected."},
        "errors": {"type": "array", "items": {"type": "object"},
                   "description": "For invalid fields: each problem, with its location."},
    },
}


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) if parts else "request"


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = jsonable_encoder(exc.errors())
    detail = "; ".join(f"{_location(tuple(e.get('loc', ())))}: {e.get('msg', 'invalid')}" for e in errors)
    return JSONResponse({"detail": detail or "invalid request", "errors": errors}, status_code=422)


def custom_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, summary=app.summary, description=app.description,
                         routes=app.routes, tags=app.openapi_tags)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorMessage"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/ErrorMessage"}
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:
                responses.setdefault("400", {"description": "The body is not well-formed JSON or form data."})
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    response["content"] = {"application/json": {"schema": ref}}
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    app.openapi_schema = schema
    return schema


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_error)
    app.openapi = lambda: custom_openapi(app)  # type: ignore[method-assign]
