"""Answers turned into JSON in a worker thread, not on the event loop.

FastAPI checks a route's return value against its response model and dumps it to JSON bytes on
the event loop, after the route itself ran in a worker thread. For the larger answers that is
most of what the loop does for the request: the 95 kB answer of ``/api/lessons/slide`` (a 32 x 32
input, every window) spent 30% of the loop's time for the request in ``dump_json``, and a burst
of such answers is time in which /api/health waits (bench/worst_case.py).

:func:`rendered_in_thread` wraps an endpoint so the worker thread that runs it also validates
and dumps its answer; FastAPI receives a finished ``Response`` and passes it through untouched.
The bytes, status and content type are the ones FastAPI would have sent. ``GuardedRoute`` wraps
every route that answers with its response model; a route that sets headers on an injected
``Response``, or declares its own response class, keeps FastAPI's own path.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable

from fastapi import Response
from fastapi.concurrency import run_in_threadpool
from fastapi.datastructures import DefaultPlaceholder
from fastapi.exceptions import ResponseValidationError
from fastapi.utils import is_body_allowed_for_status_code


class AnswerRenderer:
    """A route's return value -> the JSON ``Response`` FastAPI would build from it. Bound to its
    route (its response field, status code and ``response_model_*`` options) once the route exists."""

    def __init__(self) -> None:
        self.field: Any = None
        self.status_code = 200
        self.options: dict[str, Any] = {}

    def bind(self, route: Any) -> None:
        self.field = route.response_field
        self.status_code = route.status_code or 200
        self.options = {"include": route.response_model_include, "exclude": route.response_model_exclude,
                        "by_alias": route.response_model_by_alias,
                        "exclude_unset": route.response_model_exclude_unset,
                        "exclude_defaults": route.response_model_exclude_defaults,
                        "exclude_none": route.response_model_exclude_none}

    def __call__(self, result: Any) -> Any:
        if self.field is None or isinstance(result, Response):
            return result
        value, errors = self.field.validate(result, {}, loc=("response",))
        if errors:
            raise ResponseValidationError(errors=errors, body=result)
        return Response(self.field.serialize_json(value, **self.options), status_code=self.status_code,
                        media_type="application/json")


def renders_its_model(endpoint: Callable[..., Any], route_options: dict[str, Any]) -> bool:
    """Whether FastAPI would dump this endpoint's answer with its response model: the default
    response class, a status that has a body, and no ``Response`` parameter to merge headers from."""
    if not isinstance(route_options.get("response_class", DefaultPlaceholder(None)), DefaultPlaceholder):
        return False
    status = route_options.get("status_code")
    if status is not None and not is_body_allowed_for_status_code(status):
        return False
    try:
        parameters = inspect.signature(endpoint, eval_str=True).parameters.values()
    except (NameError, TypeError):  # an annotation this module cannot resolve: leave it to FastAPI
        return False
    return not any(isinstance(p.annotation, type) and issubclass(p.annotation, Response) for p in parameters)


def rendered_in_thread(endpoint: Callable[..., Any], render: AnswerRenderer) -> Callable[..., Any]:
    """`endpoint`, answering with `render` of its result: in the same worker thread for a plain
    ``def``, in one more trip to the threadpool for an ``async def``. Signature and name are kept
    (FastAPI reads the parameters and the return annotation through ``functools.wraps``)."""
    if inspect.iscoroutinefunction(endpoint):
        @functools.wraps(endpoint)
        async def answer_async(*args: Any, **kwargs: Any) -> Any:
            return await run_in_threadpool(render, await endpoint(*args, **kwargs))

        return answer_async

    @functools.wraps(endpoint)
    def answer(*args: Any, **kwargs: Any) -> Any:
        return render(endpoint(*args, **kwargs))

    return answer


__all__ = ["AnswerRenderer", "rendered_in_thread", "renders_its_model"]
