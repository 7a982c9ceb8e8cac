"""Lesson 11, translation: a digit shifted, its feature maps against the original's shifted, what
pooling keeps, every committed network's answer against the shift (``model/translation_lesson.py``),
and accuracy against shift over the test set (``model/translation_curves.py``, measured once and
kept beside the weights)."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.api_models import Body, DigitPixels, Whole
from app.guards.json_body import GuardedRoute
from app.guards.work_slots import EngineSlot
from app.routes.digits import prepared_digit
from model.classify import classify
from model.datasets import DEFAULT_MNIST_DIR, load_dataset
from model.lesson_code import translation_code
from model.translation_curves import NETWORKS, load_or_measure, loaded_networks
from model.translation_lesson import (MAX_SHIFT, ROUNDING, MapComparison, compare_maps, ink_kept, shift,
                                     shift_profile)

router = APIRouter(route_class=GuardedRoute)


class TranslationIn(Body):
    pixels: DigitPixels = Field(..., description="28 rows of 28 numbers, 0..1 or 0..255, white ink on black.")
    dx: Whole = Field(0, ge=-MAX_SHIFT, le=MAX_SHIFT, title="the shift to the right",
                      description=f"Pixels, -{MAX_SHIFT} (left) to {MAX_SHIFT} (right); nothing wraps.")
    dy: Whole = Field(0, ge=-MAX_SHIFT, le=MAX_SHIFT, title="the shift down",
                      description=f"Pixels, -{MAX_SHIFT} (up) to {MAX_SHIFT} (down); nothing wraps.")


class MapsOut(BaseModel):
    layer: str
    jump: int = Field(..., description="Input pixels between neighbouring cells of the layer.")
    cells: list[int] = Field(..., description="[dx, dy] in the layer's cells: the pixels / jump, towards 0.")
    whole: bool = Field(..., description="Whether the shift is a whole number of the layer's cells.")
    field: int = Field(..., description="The side of a cell's receptive field, in pixels.")
    of_shifted: list[list[list[float]]] = Field(..., description="(C, H, W): the layer's maps of the shifted digit.")
    shifted: list[list[list[float]]] = Field(..., description="(C, H, W): the layer's maps of the digit, shifted.")
    difference: list[list[list[float]]]
    inside: list[list[bool]] = Field(..., description="(H, W): both windows inside the picture, and a cell to "
                                                      "shift in.")
    largest_inside: float
    largest_outside: float
    differing_inside: int = Field(..., description=f"Cells inside where some channel differs by more than "
                                                   f"{ROUNDING:g} of the map's largest value (float32 rounding).")
    differing_outside: int = Field(..., description="The same, outside.")
    inside_cells: int
    cells_total: int


class ProfileOut(BaseModel):
    axis: str
    shifts: list[int]
    change: dict[str, list[float]] = Field(..., description="Layer -> |layer(shifted) - layer(digit)| / "
                                                            "|layer(digit)| at each shift, for LeNet-5.")
    probability: dict[str, list[float]] = Field(..., description="Network -> its probability of `answer`.")
    top: dict[str, list[int]] = Field(..., description="Network -> its answer at each shift.")


class NetworkOut(BaseModel):
    key: str
    architecture: str
    distorted: bool = Field(..., description="Trained with distortions (augmentation).")
    augment: dict[str, float] | None = Field(..., description="The distortions, as the weights' sidecar records "
                                                              "them (model/augment.py's options).")


class TranslationOut(BaseModel):
    shifted_pixels: list[list[float]]
    ink_kept: float = Field(..., description="The shifted digit's ink over the digit's: below 1 once ink leaves.")
    answer: int = Field(..., description="LeNet-5's answer for the digit as it is.")
    current: dict[str, list[float]] = Field(..., description="Network -> its 10 probabilities for the shifted "
                                                             "digit.")
    maps: list[MapsOut]
    profiles: list[ProfileOut]
    networks: list[NetworkOut]
    code: str = Field(..., description="PyTorch that moves the digit and conv1's maps with LeNet-5's conv1 "
                                       "and prints conv1's cells compared, largest difference inside, cells "
                                       "differing outside.")


def _maps(m: MapComparison) -> MapsOut:
    r = lambda a: a.astype(float).round(4).tolist()  # noqa: E731
    return MapsOut(layer=m.layer, jump=m.jump, cells=list(m.cells), whole=m.whole, field=m.field,
                   of_shifted=r(m.of_shifted), shifted=r(m.shifted), difference=r(m.difference),
                   inside=m.inside.tolist(), largest_inside=m.largest(m.inside), largest_outside=m.largest(~m.inside),
                   differing_inside=int((m.differing & m.inside).sum()),
                   differing_outside=int((m.differing & ~m.inside).sum()), inside_cells=int(m.inside.sum()),
                   cells_total=m.inside.size)


@lru_cache(maxsize=1)
def _networks() -> list[NetworkOut]:
    """The four networks and their distortions, read from their sidecars once per process."""
    return [NetworkOut(key=n.key, architecture=n.architecture, distorted=n.distorted, augment=n.augment)
            for n in NETWORKS]


@router.post("/translation", response_model=TranslationOut, summary="A digit shifted: its maps, and the answers")
def translation(body: TranslationIn, _: EngineSlot) -> TranslationOut:
    image = prepared_digit(body.pixels)
    nets = loaded_networks()
    lenet = nets["lenet5"]
    answer = int(lenet.predict_logits(image[None])[0].argmax())
    moved = shift(image, body.dx, body.dy)
    current = {key: classify(net, moved).probabilities.tolist() for key, net in nets.items()}
    profiles = [shift_profile(nets, lenet, image, answer, axis) for axis in ("x", "y")]
    return TranslationOut(
        shifted_pixels=moved.round(2).tolist(), answer=answer, current=current,
        ink_kept=ink_kept(image, body.dx, body.dy),
        maps=[_maps(m) for m in compare_maps(lenet, image, body.dx, body.dy)],
        profiles=[ProfileOut(axis=p.axis, shifts=p.shifts, change=p.change, probability=p.probability, top=p.top)
                  for p in profiles],
        networks=_networks(),
        code=translation_code(image.tolist(), body.dx, body.dy, lenet["conv1"].params["weight"], lenet.input_mean,
                              lenet.input_std))


class CurvesOut(BaseModel):
    shifts: list[int]
    directions: list[str]
    test_digits: int
    curves: dict[str, dict[str, list[float]]] = Field(..., description="Network -> direction -> the accuracy at "
                                                                       "each shift.")
    networks: list[NetworkOut]
    cached: bool = Field(..., description="Read from model/weights/translation-curves.json (measured for these "
                                          "weights) rather than measured now.")
    seconds: float = Field(..., description="How long the engine took to measure them.")


_curves: dict[str, Any] = {}
_curves_lock = threading.Lock()


@router.get("/translation/curves", response_model=CurvesOut, summary="Accuracy against shift over the 10,000 "
            "test digits, for LeNet-5 and the MLP, trained without and with distortions")
def curves() -> CurvesOut:
    with _curves_lock:
        if "mnist" not in _curves:
            result, cached = load_or_measure(load_dataset(DEFAULT_MNIST_DIR))  # the committed networks' data
            _curves["mnist"] = CurvesOut(shifts=result["shifts"], directions=result["directions"],
                                         test_digits=result["test_digits"], curves=result["curves"],
                                         networks=_networks(), cached=cached, seconds=result["seconds"])
        return _curves["mnist"]
