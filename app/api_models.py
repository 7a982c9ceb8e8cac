"""The base of every JSON request body, and the number types the bodies share.

``Body`` refuses fields it does not know (``additionalProperties: false`` in the schema) and is
strict about types: a boolean is not a number and "3" is not an integer, as JSON Schema says.
``Finite`` numbers refuse NaN and Infinity; ``Bounded`` ones also stay within +-1e6, beyond which
a lesson's sums would only overflow.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

LIMIT = 1e6

Finite = Annotated[float, Field(allow_inf_nan=False)]
Bounded = Annotated[float, Field(allow_inf_nan=False, ge=-LIMIT, le=LIMIT)]


class Body(BaseModel):
    """A request body: unknown fields are refused, and types are strict."""

    model_config = ConfigDict(extra="forbid", strict=True)


def rows_of(item: object, max_rows: int, max_cols: int, min_rows: int = 1) -> object:
    """list[list[item]] with at most `max_rows` rows of at most `max_cols` items (both at least 1)."""
    return Annotated[list[Annotated[list[item], Field(min_length=1, max_length=max_cols)]],  # type: ignore[valid-type]
                     Field(min_length=min_rows, max_length=max_rows)]
