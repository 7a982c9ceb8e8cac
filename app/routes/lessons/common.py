"""What the lesson routers share: bounded numbers, small grids, and turning the engine's
ValueErrors into 422s in the lesson's words."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import numpy as np
from fastapi import HTTPException
from pydantic import Field

from app.api_models import Bounded, rows_of

Vector = Annotated[list[Bounded], Field(min_length=1, max_length=32)]
Grid = rows_of(Bounded, 32, 32)


def grid(rows: list[list[float]], name: str) -> np.ndarray:
    """Rows of numbers -> a float64 array; a 422 unless it is a rectangle (its size is the schema's
    to bound: ``rows_of``)."""
    if len({len(r) for r in rows}) != 1:
        raise HTTPException(422, f"{name} must be a rectangle: every row the same length")
    return np.array(rows, dtype=np.float64)


def refuse(exc: ValueError) -> HTTPException:
    """The engine's explanation of why it cannot compute this, as a 422."""
    return HTTPException(422, str(exc))


_timing = threading.Lock()  # one measurement at a time: two would time each other


@contextmanager
def timing_alone() -> Iterator[None]:
    """Around a lesson's timed runs: a 503 with Retry-After, before any work, while another runs."""
    if not _timing.acquire(blocking=False):
        raise HTTPException(503, "another run is being timed (two at once would time each other); try again in "
                                 "a second", headers={"Retry-After": "1"})
    try:
        yield
    finally:
        _timing.release()
