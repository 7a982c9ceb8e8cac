"""The base of every JSON request body, and the number types the bodies share.

``Body`` refuses fields it does not know (``additionalProperties: false`` in the schema) and is
strict about types, as JSON Schema is: a boolean is not a number, "3" is not a number, 1 is not a
boolean. ``Whole`` is JSON Schema's integer: 3 and 3.0, not 3.5, true or "3".
``Finite`` numbers refuse NaN and Infinity; ``Bounded`` ones also stay within +-1e6, beyond which
a lesson's sums would only overflow.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

LIMIT = 1e6

def _no_bool_or_text(value: object) -> object:
    if isinstance(value, (bool, str)):
        raise ValueError("must be a whole number")
    return value


Whole = Annotated[int, Field(strict=False), BeforeValidator(_no_bool_or_text)]
Finite = Annotated[float, Field(allow_inf_nan=False)]


def whole(low: int, high: int) -> object:
    """A Whole from low to high, for optional fields (``whole(1, 4) | None``): the bounds must sit
    inside the union, or the schema says "ge" where JSON Schema says "minimum"."""
    return Annotated[int, Field(strict=False, ge=low, le=high), BeforeValidator(_no_bool_or_text)]
Bounded = Annotated[float, Field(allow_inf_nan=False, ge=-LIMIT, le=LIMIT)]


class Body(BaseModel):
    """A request body: unknown fields are refused, and types are strict."""

    model_config = ConfigDict(extra="forbid", strict=True)


def rows_of(item: object, max_rows: int, max_cols: int, min_rows: int = 1) -> object:
    """list[list[item]] with at most `max_rows` rows of at most `max_cols` items (both at least 1)."""
    return Annotated[list[Annotated[list[item], Field(min_length=1, max_length=max_cols)]],  # type: ignore[valid-type]
                     Field(min_length=min_rows, max_length=max_rows)]


def square_of(item: object, n: int) -> object:
    """Exactly n rows of exactly n items: a 28 x 28 drawing is 28 by 28 (minItems = maxItems = 28)."""
    return Annotated[list[Annotated[list[item], Field(min_length=n, max_length=n)]],  # type: ignore[valid-type]
                     Field(min_length=n, max_length=n)]


Ink = Annotated[float, Field(ge=0, le=255, allow_inf_nan=False)]
DigitPixels = square_of(Ink, 28)  # a prepared digit: 0..1 or 0..255, white ink on black
