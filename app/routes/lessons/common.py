"""What the lesson routers share: bounded numbers, small grids, and turning the engine's
ValueErrors into 422s in the lesson's words."""

from __future__ import annotations

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
