"""Training runs over HTTP, and watching one live over a WebSocket.

``WS /ws/runs/{id}`` first sends a ``snapshot`` (the run as GET /api/runs/{id} returns it), then
JSON messages by ``type``: ``batch`` (step, loss, smoothed_loss, accuracy, images_per_sec, eta_seconds; about
10 a second), ``weights`` (conv1 and conv2 kernels as base64 uint8 around 128, with ``scale``;
about 2 a second), ``activations`` (every layer's maps for a fixed test digit, base64 uint8 over
``min``..``max``; about 1 a second), ``epoch`` (losses, accuracies, confusion matrix,
misclassified digits), ``status``, ``done`` and ``error``. Epoch, status, done and error
messages are never dropped; a viewer that reads slowly misses only stale frames.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, Response, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool
from pydantic import Field

from app.guards.json_body import GuardedRoute
from app.guards.origin import origin_allowed
from app.api_models import Body
from app.deps import RunsDep, SettingsDep
from app.run_models import Activated, EpochRecord, Pace, RunConfig, RunDetail, RunSummary
from app.session_networks import remember
from app.network_specs import specs_of
from app.runs.hub import Viewer
from app.runs.manager import RunError, RunManager
from app.runs.pace import PACE_RANGE
from app.runs.store import RunRecord
from model.architecture import ArchitectureError, plan, totals, trainable_plan
from model.presets import PRESETS
from model.zoo import INPUT_SHAPE

router = APIRouter(tags=["runs"], route_class=GuardedRoute)


def _summary(runs: RunManager, record: RunRecord, detail: bool = False) -> RunSummary | RunDetail:
    fields = dict(id=record.id, status=record.status, position=runs.position(record.id), config=record.config,
                  params=_params(json.dumps(record.config.get("layers") or record.config.get("model"))),
                  created_at=record.created_at, epochs_done=record.epochs_done, test_accuracy=record.test_accuracy,
                  error=record.error, pace=runs.pace_of(record.id))
    return RunDetail(**fields, history=[EpochRecord(**h) for h in record.history]) if detail else RunSummary(**fields)


@functools.lru_cache(maxsize=256)
def _params(described: str) -> int | None:
    """Parameters of a run's network: its own layers, or the preset of its model's name (JSON, for the cache)."""
    what = json.loads(described)
    layers = what if isinstance(what, list) else PRESETS.get(what, {}).get("layers")
    try:
        return totals(plan(INPUT_SHAPE, layers))["params"] if layers else None
    except ArchitectureError:
        return None


def _call(fn, *args):  # noqa: ANN001, ANN202
    try:
        return fn(*args)
    except RunError as exc:
        raise HTTPException(exc.status, str(exc)) from None


RUN_ID_PATTERN = r"^[0-9a-f]{12}$"  # secrets.token_hex(6), as RunManager.create makes them
RunId = Annotated[str, Path(pattern=RUN_ID_PATTERN, title="the run id (12 hex digits)",
                            description="The id `POST /api/runs` returned: 12 hex digits.")]
RESPONSES = {404: {"description": "No such run."}, 409: {"description": "Not allowed in the run's state."},
             422: {"description": "Not a run id."}}


@router.post("/api/runs", status_code=201, response_model=RunSummary, summary="Start a training run",
             responses={422: {"description": "A value out of range, a network that cannot be built or is past "
                                             "the server's limits, or the dataset is not installed."},
                        429: {"description": "The queue is full."}})
def create_run(config: RunConfig, runs: RunsDep, settings: SettingsDep) -> RunSummary:
    """A named network, or your own `layers` (within this server's limits, ending in 10 scores:
    the 422 names the layer that does not fit)."""
    body = config.model_dump(exclude={"layers"}) | {"layers": None if config.layers is None else specs_of(config.layers)}
    if body["layers"] is not None:
        try:
            trainable_plan(INPUT_SHAPE, body["layers"], settings.network_limits)
        except ArchitectureError as exc:
            raise HTTPException(422, str(exc)) from None
    record = _call(runs.create, body)
    return _summary(runs, runs.get(record.id))


@router.get("/api/runs", response_model=list[RunSummary], summary="Every run, newest first")
def list_runs(runs: RunsDep) -> list[RunSummary]:
    return [_summary(runs, r) for r in runs.list()]


@router.get("/api/runs/{run_id}", response_model=RunDetail, responses=RESPONSES,
            summary="A run's config, status and per-epoch history")
def get_run(run_id: RunId, runs: RunsDep) -> RunDetail:
    return _summary(runs, _call(runs.get, run_id), detail=True)


def _command(name: str, doc: str):  # noqa: ANN202
    def handler(run_id: RunId, runs: RunsDep) -> RunSummary:
        _call(getattr(runs, name), run_id)
        return _summary(runs, _call(runs.get, run_id))

    handler.__name__ = f"{name}_run"
    router.post(f"/api/runs/{{run_id}}/{name}", response_model=RunSummary, responses=RESPONSES, summary=doc)(handler)


_command("pause", "Pause a running run between two batches")
_command("resume", "Resume a paused run, or restart a stopped, failed or interrupted one from its last checkpoint")
_command("stop", "Stop a run (it keeps its last checkpoint and weights)")
_command("step", "Train one batch, then pause (a running run pauses after its next batch)")


class PaceBody(Body):
    batches_per_second: float | None = Field(
        ..., ge=PACE_RANGE[0], le=PACE_RANGE[1], examples=[2.0, None],
        description=f"Slow motion at this many batches a second ({PACE_RANGE[0]} to {PACE_RANGE[1]}), "
                    "or null for full speed.")


@router.post("/api/runs/{run_id}/pace", response_model=Pace, responses=RESPONSES,
             summary="Train at full speed, or in slow motion at a chosen number of batches a second")
def pace_run(run_id: RunId, body: PaceBody, runs: RunsDep) -> Pace:
    return Pace(**_call(runs.pace, run_id, body.batches_per_second))


@router.delete("/api/runs/{run_id}", status_code=204, responses=RESPONSES, summary="Delete a run and its files")
def delete_run(run_id: RunId, runs: RunsDep) -> Response:
    _call(runs.delete, run_id)
    return Response(status_code=204)


@router.get("/api/runs/{run_id}/weights", response_class=FileResponse, responses=RESPONSES,
            summary="The run's latest weights (.npz, PyTorch state_dict names)")
def run_weights(run_id: RunId, runs: RunsDep) -> FileResponse:
    path = _call(runs.weights_path, run_id)
    return FileResponse(path, media_type="application/octet-stream", filename=f"convscope-{run_id}.npz")


@router.post("/api/runs/{run_id}/activate", response_model=Activated, responses=RESPONSES,
             summary="Answer this browser's digit classifier with this run's latest weights",
             description="For this browser only (a cookie): other learners keep the network they chose. "
                         "POST /api/model/pretrained goes back.")
def activate_run(run_id: RunId, runs: RunsDep, request: Request, response: Response) -> Activated:
    _call(runs.weights_path, run_id)  # 404 without the run, 409 before its first epoch
    state = request.app.state.networks.resolve(f"run:{run_id}")
    remember(response, state.source)
    return Activated(source=state.source, architecture=state.model.architecture, test_accuracy=state.test_accuracy)


CLOSE_REASON_BYTES = 123  # a close frame's payload is 125 bytes: 2 for the code, the rest the reason


def close_reason(text: str) -> str:
    """`text` cut to fit a WebSocket close frame (whole UTF-8 characters, an ellipsis if cut)."""
    data = text.encode()
    if len(data) <= CLOSE_REASON_BYTES:
        return text
    return data[:CLOSE_REASON_BYTES - 3].decode(errors="ignore") + "\u2026"


@router.websocket("/ws/runs/{run_id}")
async def watch_run(websocket: WebSocket, run_id: str) -> None:
    runs: RunManager = websocket.app.state.runs
    if not origin_allowed(websocket.headers, websocket.app.state.settings.cors_origins):
        await websocket.close(code=1008)  # before accepting: the handshake is refused with 403
        return
    await websocket.accept()
    if not re.fullmatch(RUN_ID_PATTERN, run_id):
        await websocket.close(code=4404, reason=close_reason(f"no run with id {run_id[:40]!r}: run ids are 12 hex digits"))
        return
    try:
        await run_in_threadpool(runs.get, run_id)  # off the event loop: distributed, it asks PostgreSQL
    except RunError as exc:
        await websocket.close(code=4404 if exc.status == 404 else 1013, reason=close_reason(str(exc)))
        return
    client = websocket.client.host if websocket.client else "unknown"
    refusal = runs.hub.refusal(client)
    if refusal is not None:
        await websocket.close(code=1013, reason=close_reason(refusal))  # 1013: try again later
        return
    viewer = Viewer(websocket)
    runs.hub.add(run_id, viewer, client)  # subscribe first: nothing said after the snapshot is missed
    try:
        try:
            await runs.follow(run_id)  # the distributed mode: this replica reads the run's events now
        except RunError as exc:
            await websocket.close(code=1013, reason=close_reason(str(exc)))
            return
        try:
            snapshot = (await run_in_threadpool(lambda: _summary(runs, runs.get(run_id), detail=True))).model_dump(
                mode="json")
        except RunError as exc:  # deleted meanwhile, or a service away
            await websocket.close(code=4404 if exc.status == 404 else 1013, reason=close_reason(str(exc)))
            return
        await websocket.send_text(json.dumps({"type": "snapshot", "run": snapshot}))
        sender = asyncio.create_task(viewer.pump())
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
        finally:
            sender.cancel()
    except WebSocketDisconnect:
        pass
    finally:
        runs.hub.remove(run_id, viewer)
