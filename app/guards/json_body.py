"""JSON bodies parsed in a worker thread, not on the event loop, and refused early when hostile.

FastAPI reads a JSON body with ``await request.json()`` on the event loop: a 200 kB array takes
7 ms of ``json.loads`` there, time in which no other request is served. ``GuardedRoute`` (the
route class of every API router) reads the body, which the body limit bounds, then parses it in
a thread and hands FastAPI the result (Starlette caches it on the request). Pydantic's validation
stays on the loop: every array in the schema is bounded, so it stops within microseconds (a
40,000-number array refused for its length: 0.05 ms).

While parsing, NaN and Infinity are refused, since JSON has neither (a number that overflows,
1e999, is refused by its field as not finite or out of range); so is nesting deeper than
CONVSCOPE_MAX_JSON_DEPTH, counted on the bytes before parsing. All are 422s.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
from collections.abc import Callable, Coroutine
from typing import Any

import numpy as np
from fastapi import HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute

from app.guards.rendered_answers import AnswerRenderer, rendered_in_thread, renders_its_model


JSON_TYPES = ("application/json",)


def _refuse_constant(token: str) -> float:
    raise ValueError(f"{token} is not a number in JSON; send a finite number")


_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')


def depth(body: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text: the most brackets open at once, strings
    left out. Counted on the bytes at C speed (a regular expression and NumPy), before parsing, so
    neither a deep text nor a long one costs Python loops."""
    codes = np.frombuffer(_STRINGS.sub(b"", body), np.uint8)
    # +1 for [ and {, -1 for ] and }: the running sum is the depth at each byte
    steps = ((codes == ord("[")) | (codes == ord("{"))).astype(np.int32) - ((codes == ord("]")) | (codes == ord("}")))
    return int(steps.cumsum().max(initial=0))


def parse_json(body: bytes, max_depth: int) -> Any:
    """Bytes -> Python values; ValueError with a plain sentence for anything JSON does not allow."""
    if depth(body) > max_depth:
        raise ValueError(f"the JSON nests arrays or objects deeper than {max_depth} levels")
    try:
        # no parse_float hook: a Python call per number made a 64 kB array cost 5 ms of GIL. A
        # number that overflows (1e999) becomes inf and is refused by the field's own rule
        # (finite, or a range), naming the field.
        return json.loads(body, parse_constant=_refuse_constant)
    except RecursionError:
        raise ValueError(f"the JSON nests arrays or objects deeper than {max_depth} levels") from None
    except UnicodeDecodeError:
        raise ValueError("the body is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"the body is not valid JSON ({exc.msg} at character {exc.pos})") from None


def is_json(request: Request) -> bool:
    return request.headers.get("content-type", "").split(";")[0].strip().lower() in JSON_TYPES


SMALL_BODY = 8_000  # bytes: parsed at once; larger bodies take turns (see _turns)
LARGE_AT_ONCE = 2


def _turns(request: Request) -> asyncio.Semaphore:
    """Two large JSON bodies parse at a time. json.loads holds the GIL throughout, so sixty parsed
    side by side would keep the event loop's thread from it for hundreds of milliseconds; waiting
    for a turn costs the loop nothing."""
    state = request.app.state
    if getattr(state, "json_turns", None) is None:
        state.json_turns = asyncio.Semaphore(LARGE_AT_ONCE)
    return state.json_turns


async def parse_request_json(request: Request) -> Any:
    """The request's JSON, read (bounded by the body limit) and parsed in a worker thread; a 422
    naming the problem for anything JSON does not allow."""
    body = await request.body()
    max_depth = request.app.state.settings.max_json_depth
    try:
        if len(body) <= SMALL_BODY:
            return await run_in_threadpool(parse_json, body, max_depth)
        async with _turns(request):
            return await run_in_threadpool(parse_json, body, max_depth)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None


NUMBER_CHARS, DEFAULT_STRING_CHARS, SLACK = 26, 256, 2.0


def largest_document(schema: dict[str, Any], defs: dict[str, Any]) -> float:
    """An upper bound on the bytes of any JSON document valid for `schema` (infinite when an array
    or a string has no bound): every number at most 26 characters, every array its maxItems of its
    largest item. ``$ref``s are looked up in `defs`."""
    if "$ref" in schema:
        return largest_document(defs[schema["$ref"].split("/")[-1]], defs)
    for union in ("anyOf", "oneOf", "allOf"):
        if union in schema:
            return max(largest_document(s, defs) for s in schema[union])
    kind = schema.get("type")
    if "enum" in schema or "const" in schema:
        return max(len(json.dumps(v)) for v in schema.get("enum", [schema.get("const")]))
    if kind == "array":
        n = schema.get("maxItems", math.inf)
        return 2 + n * (largest_document(schema.get("items", {}), defs) + 2)
    if kind == "object":
        if schema.get("additionalProperties", True) is not False:
            return math.inf
        return 2 + sum(len(k) + 4 + largest_document(v, defs) for k, v in schema.get("properties", {}).items())
    if kind == "string":
        return 2 + 6 * schema.get("maxLength", DEFAULT_STRING_CHARS)  # escapes can take 6 bytes a character
    return NUMBER_CHARS  # number, integer, boolean, null


class GuardedRoute(APIRoute):
    """An APIRoute whose JSON body is parsed, and whose answer is dumped, off the event loop (see
    the module docstring and app/guards/rendered_answers.py), and whose body is
    refused unparsed when it is longer than any valid body could be: a body twice the largest
    document its schema allows (whitespace included) cannot be right, and parsing it would only
    cost the server (the same pricing-before-work as the architecture's parameter count)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:
        # and its answer dumped to JSON in the worker thread too (app/guards/rendered_answers.py)
        render = AnswerRenderer()
        if renders_its_model(endpoint, options):
            endpoint = rendered_in_thread(endpoint, render)
        super().__init__(path, endpoint, **options)
        render.bind(self)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        most = self._largest_body()

        async def guarded_handler(request: Request) -> Response:
            if self.body_field is not None and is_json(request):
                body = await request.body()
                refuse_oversized(body, most, f"{request.method} {self.path_format}")
                if body:
                    request._json = await parse_request_json(request)  # what request.json() returns
            return await handler(request)

        return guarded_handler

    def _largest_body(self) -> float:
        model = getattr(getattr(self.body_field, "field_info", None), "annotation", None)
        return largest_body(model) if model is not None else math.inf


def largest_body(model: Any) -> float:
    """The most bytes a body for this pydantic model may have before it is refused unparsed."""
    try:
        schema = model.model_json_schema()
    except AttributeError:
        return math.inf
    return SLACK * largest_document(schema, schema.get("$defs", {}))


def refuse_oversized(body: bytes, most: float, what: str) -> None:
    if len(body) > most:
        raise HTTPException(413, f"a body for {what} is at most {int(most):,} bytes (the largest its schema "
                                 f"allows); this one has {len(body):,}")


__all__ = ["GuardedRoute", "parse_json", "parse_request_json"]
