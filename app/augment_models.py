"""The augmentation options as the API takes them (a run's config, the preview): model/augment.py's
fields, defaults and ranges, so there is one truth for each."""

from __future__ import annotations

from typing import Any

from pydantic import Field, create_model

from app.api_models import Body
from model.augment import RANGES, Augment

_DEFAULTS = Augment()
_TITLES = {"shift": "the shift (pixels)", "rotate": "the rotation (degrees)", "scale": "the scale change",
           "shear": "the shear (degrees)", "elastic_alpha": "the elastic strength",
           "elastic_sigma": "the elastic smoothness"}
_DESCRIPTIONS = {"shift": "Up to this many pixels along each axis.", "rotate": "Up to this many degrees either way.",
                 "scale": "By 1 - x to 1 + x.", "shear": "Up to this many degrees either way.",
                 "elastic_alpha": "Simard et al. 2003's alpha; 0 is none.", "elastic_sigma": "Its Gaussian's width."}


def _field(name: str) -> Any:
    low, high = RANGES[name]
    return (float, Field(getattr(_DEFAULTS, name), ge=low, le=high, allow_inf_nan=False, title=_TITLES[name],
                         description=_DESCRIPTIONS[name]))


AugmentIn = create_model("AugmentIn", __base__=Body, **{name: _field(name) for name in RANGES})
AugmentIn.__doc__ = "Random distortions of each training digit, drawn per image (model/augment.py); 0 is off."
