"""One shape for every error: ``{"detail": "what was wrong and what was expected"}``.

FastAPI's own validation errors are a list of objects; here they become one sentence in plain
words, naming each field by its title where the model gives one ("D_K (kernel size) must be at
least 1", "layer 3's kernel must be at most 15", "x, row 2, column 3 must be a number"), with the
list kept under ``errors``: each item's ``loc`` and ``type`` as FastAPI gives them, our ``message``,
and at most a short excerpt of the ``input`` (a 422 never echoes a large body back, and never fails
to encode: NaN and Infinity are quoted as text). The OpenAPI schema says so, and lists 400 (a body
that is not JSON or not a form) for every operation with a body.
"""

from __future__ import annotations

import json
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.schema_rules import add_schema_rules

EXCERPT_CHARS = 80  # the most of a refused input a 422 quotes back
SENTENCES_SHOWN, ERRORS_LISTED = 3, 20  # a body with 784 bad pixels gets a short answer, not 784 sentences

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

PHRASES = {
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be more than {gt}",
    "less_than_equal": "must be at most {le}",
    "less_than": "must be less than {lt}",
    "too_short": "needs at least {min_length} {items}",
    "too_long": "may have at most {max_length} {items}",
    "float_type": "must be a number", "float_parsing": "must be a number",
    "int_type": "must be a whole number", "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "finite_number": "must be a finite number (not NaN or Infinity)",
    "bool_type": "must be true or false", "bool_parsing": "must be true or false",
    "string_type": "must be text", "list_type": "must be a list", "dict_type": "must be an object",
    "model_type": "must be an object", "model_attributes_type": "must be an object",
    "literal_error": "must be one of {expected}",
    "enum": "must be one of {expected}",
    "extra_forbidden": "is not expected here",
    "missing": "is required",
    "string_pattern_mismatch": "is not in the expected form",
    "union_tag_invalid": "must have a {discriminator} of {expected_tags}, not '{tag}'",
    "union_tag_not_found": "needs a {discriminator}",
    "string_too_long": "may be at most {max_length} characters long",
    "string_too_short": "must be at least {min_length} characters long",
    "json_invalid": "is not valid JSON",
}


def _title_of(model: Any, name: str) -> tuple[str | None, Any]:
    """(the field's title, the type inside it) for ``name`` on a pydantic model, else (None, None)."""
    if isinstance(model, type) and issubclass(model, BaseModel) and name in model.model_fields:
        info = model.model_fields[name]
        return info.title, info.annotation
    return None, None


def _inner_models(annotation: Any) -> list[Any]:
    """The pydantic models inside list[Model], Model | None, A | B, ... (none for plain values)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in (getattr(annotation, "__args__", ()) or ()) for m in _inner_models(arg)]


def _tagged(models: list[Any], tag: str) -> Any:
    """The member of a discriminated union whose ``kind`` takes `tag` (None if no member does)."""
    for model in models:
        kind = model.model_fields.get("kind")
        if kind is not None and tag in getattr(kind.annotation, "__args__", ()):
            return model
    return None


def field_name(loc: tuple[Any, ...], model: Any = None, row_level: bool = False,
               params: dict[str, str] | None = None) -> str:
    """A location in the learner's words: ("body", "dk") -> "D_K (kernel size)" when titled;
    ("layers", 2, "kernel") -> "layer 3's kernel"; ("x", 1, 2) -> "x, row 2, column 3"; ("x", 1)
    -> "x, row 2" when `row_level` (the value there is a row of a grid), else "x, entry 2"."""
    if loc[:1] in (("path",), ("query",)) and len(loc) == 2 and (params or {}).get(str(loc[1])):
        return (params or {})[str(loc[1])]
    parts = [p for p in loc if p not in ("body", "query", "path")]
    words: list[str] = []
    current, members = model, [model]
    i = 0
    while i < len(parts):
        part = parts[i]
        if isinstance(part, str) and len(members) > 1 and _tagged(members, part) is not None:
            current, members = _tagged(members, part), [_tagged(members, part)]  # a union's tag: not a field
            i += 1
            continue
        if isinstance(part, str):
            title, annotation = _title_of(current, part)
            members = _inner_models(annotation)
            current = members[0] if members else None
            indices = []
            while i + 1 < len(parts) and isinstance(parts[i + 1], int):
                indices.append(parts[i + 1])
                i += 1
            label = title or part
            if len(indices) == 1 and current is not None:  # a list of objects: "layer 3"
                words.append(f"{label} {indices[0] + 1}")
            elif len(indices) == 1 and row_level:
                words.append(f"{label}, row {indices[0] + 1}")
            elif len(indices) == 1:
                words.append(f"{label}, entry {indices[0] + 1}")
            elif len(indices) >= 2:
                words.append(f"{label}, row {indices[0] + 1}, column {indices[1] + 1}")
            else:
                words.append(label)
        else:
            words.append(f"entry {part + 1}")
        i += 1
    if not words:
        return "the request"
    # "layer 3" owns "kernel": "layer 3's kernel"; otherwise "weights entry 2, value"
    return "".join(w if i == 0 else ("'s " if words[i - 1].split()[-1].isdigit() else ", ") + w
                   for i, w in enumerate(words))


def _excerpt(value: Any) -> Any:
    """A refused input, quoted short: small JSON values as they are, anything else as a text excerpt.
    A long list or object is cut before it is serialised (this runs on the event loop)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (list, dict)) and len(value) > 16:
        head = list(value)[:16] if isinstance(value, list) else dict(list(value.items())[:16])
        return _cut(json.dumps(head, allow_nan=True, default=repr))
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return _cut(repr(value))
    return value if len(text) <= EXCERPT_CHARS else _cut(text)


def _cut(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…"


def _items_word(error: dict[str, Any], n: int) -> str:
    """What a too-long or too-short list holds: rows of a grid, numbers, or items."""
    value = error.get("input")
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        return "row" if n == 1 else "rows"
    if isinstance(value, list) and value and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return "number" if n == 1 else "numbers"
    return "item" if n == 1 else "items"


def phrase(error: dict[str, Any]) -> str:
    ctx = {k: (str(v) if isinstance(v, float) and not math.isfinite(v) else v)
           for k, v in (error.get("ctx") or {}).items()}
    template = PHRASES.get(error.get("type", ""))
    if template is None:
        message = str(error.get("msg", "is not valid"))
        return message.removeprefix("Value error, ")
    ctx["items"] = _items_word(error, ctx.get("min_length", ctx.get("max_length", 2)))
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return str(error.get("msg", "is not valid"))


def describe(errors: list[dict[str, Any]], model: Any = None, params: dict[str, str] | None = None
             ) -> tuple[str, list[dict[str, Any]]]:
    """-> (one sentence for all the errors, the errors as the answer lists them)."""
    sentences, items = [], []
    for e in errors[:ERRORS_LISTED]:
        loc = tuple(e.get("loc", ()))
        value = e.get("input")
        row_level = isinstance(value, list) and bool(value) and not isinstance(value[0], (list, dict))
        name = field_name(loc, model, row_level, params)
        text = phrase(e)
        sentences.append(text if e.get("type") == "value_error" and not [p for p in loc if p != "body"]
                         else f"{name} {text}")
        item = {"loc": list(loc), "type": e.get("type"), "msg": str(e.get("msg", "")), "message": f"{name} {text}"}
        if "input" in e and e.get("type") not in ("missing",):
            item["input"] = _excerpt(e["input"])
        items.append(item)
    more = len(errors) - SENTENCES_SHOWN
    detail = "; ".join(sentences[:SENTENCES_SHOWN]) + (f"; and {more} more like {'it' if more == 1 else 'these'}"
                                                       if more > 0 else "")
    return detail or "invalid request", items


def _body_model(request: Request) -> Any:
    route = request.scope.get("route")
    field = getattr(route, "body_field", None)
    return getattr(getattr(field, "field_info", None), "annotation", None) if field is not None else None


def _param_titles(request: Request) -> dict[str, str]:
    """{parameter name: its title} for the path and query parameters of the route that answered."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    fields = [*getattr(dependant, "path_params", []), *getattr(dependant, "query_params", [])]
    return {f.name: f.field_info.title for f in fields if getattr(f.field_info, "title", None)}


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    detail, items = describe(list(exc.errors()), _body_model(request), _param_titles(request))
    return JSONResponse({"detail": detail, "errors": items}, status_code=422)


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
                responses.setdefault("413", {"description": "The body is larger than the server's limit "
                                                            "(CONVSCOPE_MAX_JSON_BYTES or _UPLOAD_BYTES), or "
                                                            "than any valid body for this operation."})
            if operation.get("operationId", "").endswith(("_post", "_delete", "_put", "_patch")):
                responses.setdefault("403", {"description": "A change asked for from another site."})
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    response["content"] = {"application/json": {"schema": ref}}
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    add_schema_rules(schema, app.state.settings)
    app.openapi_schema = schema
    return schema


async def run_error(request: Request, exc: Exception) -> JSONResponse:
    """A run command the run's state does not allow, or (the distributed mode) a service that cannot
    be reached, wherever it is raised: its status (409, 503, ...) and what it says, never a 500."""
    headers = {"Retry-After": "5"} if getattr(exc, "status", 500) == 503 else None
    return JSONResponse({"detail": str(exc)}, status_code=getattr(exc, "status", 500), headers=headers)


def install(app: FastAPI) -> None:
    from app.runs.handles import RunError

    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(RunError, run_error)
    app.openapi = lambda: custom_openapi(app)  # type: ignore[method-assign]
