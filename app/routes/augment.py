"""POST /api/augment/preview: the first training digits as a run with these distortions would see
them, so a learner can judge the ranges before training (``model/augment.py``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.api_models import Body, Whole
from app.augment_models import AugmentIn
from app.deps import SettingsDep
from app.guards.json_body import GuardedRoute
from app.guards.work_slots import EngineSlot
from model.augment import Augment, augment
from model.datasets import load_dataset

router = APIRouter(prefix="/api/augment", tags=["runs"], route_class=GuardedRoute)

MAX_DIGITS, MAX_VARIANTS = 8, 8


class PreviewIn(Body):
    augment: AugmentIn = Field(default_factory=AugmentIn, title="the augmentation")  # type: ignore[valid-type]
    digits: Whole = Field(4, ge=1, le=MAX_DIGITS, title="the digits", description="The first N training digits.")
    variants: Whole = Field(6, ge=1, le=MAX_VARIANTS, title="the variants", description="Distortions of each.")
    seed: Whole = Field(0, ge=0, le=2**32 - 1, title="the seed")


class PreviewOut(BaseModel):
    labels: list[int]
    original: list[list[list[int]]] = Field(..., description="(digits, 28, 28) pixels 0..255.")
    variants: list[list[list[list[int]]]] = Field(..., description="(digits, variants, 28, 28) pixels 0..255.")


@lru_cache(maxsize=2)
def _first_digits(data_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    dataset = load_dataset(data_dir)
    return dataset.train_images[:MAX_DIGITS].copy(), dataset.train_labels[:MAX_DIGITS].copy()


@router.post("/preview", response_model=PreviewOut, summary="Training digits as these distortions make them")
def preview(body: PreviewIn, settings: SettingsDep, _: EngineSlot) -> PreviewOut:
    images, labels = _first_digits(settings.data_dir)
    images, labels = images[: body.digits], labels[: body.digits]
    aug = Augment(**body.augment.model_dump())
    # (D, 28, 28) -> (D*V, 28, 28): each digit `variants` times, one draw each
    repeated = np.repeat(images, body.variants, axis=0)
    out = augment(repeated, aug, np.random.default_rng([body.seed, 0xA06]))
    pixels = np.clip(np.floor(np.asarray(out, dtype=np.float64) + 0.5), 0, 255).astype(np.uint8)
    return PreviewOut(labels=labels.tolist(), original=images.tolist(),
                      variants=pixels.reshape(body.digits, body.variants, 28, 28).tolist())
