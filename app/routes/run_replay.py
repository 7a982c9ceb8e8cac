"""A run's replay over HTTP: its per-batch history, its stored steps, one step as the page drew it,
and the test images of a confusion cell or of the mistakes at that step. For live, finished and
interrupted runs alike, after a reload or a restart (they are files in the run's folder)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from app.deps import RunsDep
from app.guards.json_body import GuardedRoute
from app.routes.runs import RESPONSES, RunId, _call
from app.runs.manager import RunManager
from app.runs.replay import HISTORY_PAGE_MAX, IMAGES_PAGE_MAX, history_page, images_page, snapshot_view, \
    test_images_of
from app.runs.snapshots import SnapshotShelf
from model.datasets import TRAIN_IMAGES

router = APIRouter(tags=["runs"], route_class=GuardedRoute)

Step = Annotated[int, PathParam(ge=1, title="step", description="A stored step, as GET .../snapshots lists them.")]
Offset = Annotated[int, Query(ge=0, description="How many to skip.")]


class HistoryColumns(BaseModel):
    step: list[int]
    epoch: list[int]
    loss: list[float]
    smoothed_loss: list[float]
    accuracy: list[float] = Field(description="Running training accuracy over the epoch so far.")
    lr: list[float] = Field(description="The learning rate that batch used, as the schedule had it.")
    images_per_sec: list[float]


class History(BaseModel):
    batches_per_epoch: int = Field(description="Batch b of epoch e is step (e - 1) * batches_per_epoch + b.")
    total: int = Field(description="Batches in the step range (the page holds `limit` of them from `offset`).")
    offset: int
    limit: int
    stride: int = Field(description="The history keeps steps that are multiples of this (1: every batch).")
    columns: HistoryColumns


class StoredStep(BaseModel):
    step: int
    epoch: int
    batch: int
    kind: str = Field(description="`early` (steps 1, 2, 4, ... of the first epoch) or `epoch` (an epoch's end).")
    test_images: int = Field(description="Test images the snapshot's evaluation used.")
    test_accuracy: float
    bytes: int


class Snapshots(BaseModel):
    run_id: str
    steps: list[StoredStep]
    bytes: int = Field(description="The snapshots' size on disk, in all.")


class ImageItem(BaseModel):
    index: int = Field(description="The image's place in the test set.")
    label: int
    predicted: int
    data: str = Field(description="28x28 uint8 pixels, base64.")


class ImagesPage(BaseModel):
    step: int
    true: int | None
    predicted: int | None
    total: int
    offset: int
    limit: int
    test_images: int
    items: list[ImageItem]


def _shelf(runs: RunManager, run_id: str) -> SnapshotShelf:
    _call(runs.get, run_id)
    return SnapshotShelf(runs.run_dir(run_id))


def _test_images(runs: RunManager, run_id: str) -> Any:
    return test_images_of(str(runs.data_dirs[runs.get(run_id).config.get("dataset", "mnist")]))


def _missing(run_id: str, step: int) -> HTTPException:
    return HTTPException(404, f"run {run_id} has no snapshot at step {step}; "
                              f"GET /api/runs/{run_id}/snapshots lists the steps it stored")


@router.get("/api/runs/{run_id}/history", response_model=History, responses=RESPONSES,
            summary="The run's per-batch history (loss, smoothed loss, accuracy, learning rate, images/s)")
def run_history(run_id: RunId, runs: RunsDep,
                first: Annotated[int | None, Query(ge=1, description="The first step wanted.")] = None,
                last: Annotated[int | None, Query(ge=1, description="The last step wanted.")] = None,
                offset: Offset = 0,
                limit: Annotated[int, Query(ge=1, le=HISTORY_PAGE_MAX)] = HISTORY_PAGE_MAX) -> History:
    config = _call(runs.get, run_id).config
    if first is not None and last is not None and last < first:
        raise HTTPException(422, f"the step range is empty: last ({last}) comes before first ({first})")
    images = min(config.get("train_size") or TRAIN_IMAGES, TRAIN_IMAGES)
    return History(**history_page(runs.run_dir(run_id), first, last, offset, limit),
                   batches_per_epoch=-(-images // config.get("batch_size", 64)))


@router.get("/api/runs/{run_id}/snapshots", response_model=Snapshots, responses=RESPONSES,
            summary="The steps the run stored a snapshot of")
def run_snapshots(run_id: RunId, runs: RunsDep) -> Snapshots:
    index = _shelf(runs, run_id).index()
    return Snapshots(run_id=run_id, steps=[StoredStep(**e) for e in index], bytes=sum(e["bytes"] for e in index))


@router.get("/api/runs/{run_id}/snapshots/{step}", responses=RESPONSES,
            summary="One stored step: kernels, the probe's maps, confusion matrix and first mistakes",
            description="`weights` and `activations` are shaped as the live WebSocket messages of those types.")
def run_snapshot(run_id: RunId, step: Step, runs: RunsDep) -> dict[str, Any]:
    view = snapshot_view(_shelf(runs, run_id), step, _test_images(runs, run_id))
    if view is None:
        raise _missing(run_id, step)
    return {"run_id": run_id} | view


PageLimit = Annotated[int, Query(ge=1, le=IMAGES_PAGE_MAX, description="Images a page.")]
Required = Annotated[int, Query(ge=0, le=9, description="A class number, 0 to 9.")]


def _images(runs: RunManager, run_id: str, step: int, true: int | None, predicted: int | None, offset: int,
            limit: int) -> ImagesPage:
    page = images_page(_shelf(runs, run_id), step, _test_images(runs, run_id), true, predicted, offset, limit)
    if page is None:
        raise _missing(run_id, step)
    return ImagesPage(**page)


@router.get("/api/runs/{run_id}/snapshots/{step}/cell", response_model=ImagesPage, responses=RESPONSES,
            summary="The test images of one confusion cell at a stored step (paged)")
def run_snapshot_cell(run_id: RunId, step: Step, runs: RunsDep, true: Required, predicted: Required,
                      offset: Offset = 0, limit: PageLimit = 24) -> ImagesPage:
    """Row `true`, column `predicted`: the diagonal's cells are the images classified right."""
    return _images(runs, run_id, step, true, predicted, offset, limit)


@router.get("/api/runs/{run_id}/snapshots/{step}/mistakes", response_model=ImagesPage, responses=RESPONSES,
            summary="Every misclassified test image at a stored step (paged)")
def run_snapshot_mistakes(run_id: RunId, step: Step, runs: RunsDep, offset: Offset = 0,
                          limit: PageLimit = 24) -> ImagesPage:
    return _images(runs, run_id, step, None, None, offset, limit)
