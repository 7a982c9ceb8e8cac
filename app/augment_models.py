"""The augmentation options as the API takes them (a run's config, the preview): model/augment.py's
fields, defaults and ranges, so there is one truth for each."""

from __future__ import annotations

from typing import Any

from pydantic import Field, create_model

from app.api_models import Body
from model.augment import RANGES, WORDS, Augment

_DEFAULTS = Augment()


def _field(name: str) -> Any:
    low, high = RANGES[name]
    _, title, meaning = WORDS[name]
    return (float, Field(getattr(_DEFAULTS, name), ge=low, le=high, allow_inf_nan=False, title=title,
                         description=meaning[0].upper() + meaning[1:] + "."))


AugmentIn = create_model("AugmentIn", __base__=Body, **{name: _field(name) for name in RANGES})
AugmentIn.__doc__ = "Random distortions of each training digit, drawn per image (model/augment.py); 0 is off."
