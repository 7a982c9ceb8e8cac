"""Networks in and out: POST /api/networks/import (weights trained elsewhere, with their
architecture), and the served network as PyTorch code and safetensors (GET /api/model/export/...).

The maths is elsewhere: ``model/imports.py`` reads and checks the weights (never unpickling),
``model/torch_code.py`` writes and reads the ``nn.Sequential`` code (never running it). Here the
upload is parsed, the architecture checked against the server's limits, the network saved beside
the runs and served, and errors shaped: 415 for a pickle, 422 naming the key or layer that does
not fit.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from app.deps import ModelDep, SettingsDep
from app.guards.uploads import upload_parts
from app.guards.work_slots import BUSY
from app.model_state import ModelState
from app.network_specs import LayerList, specs_of
from app.routes.images import UploadRoute
from app.routes.model import ModelInfo, model_info
from app.routes.runs import RunId
from app.runs.handles import RunError
from app.session_networks import IMPORTS_DIR, remember
from app.settings import Settings
from model.architecture import ArchitectureError, NetworkLimits, trainable_plan
from model.network import Sequential
from model.imports import ImportRefused, PickleRefused, network_from, read_arrays, safetensors_bytes
from model.torch_code import layers_from_code, pytorch_code
from model.zoo import INPUT_SHAPE, spec_of

router = APIRouter(prefix="/api", tags=["networks"], route_class=UploadRoute)
LAYERS = TypeAdapter(LayerList)


IMPORT_BODY = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["weights"], "properties": {
        "weights": {"type": "string", "format": "binary", "description": "A .safetensors file (or a .npz from "
                    "convscope), keys as PyTorch's state_dict names them."},
        "layers": {"type": "string", "description": "The architecture as the JSON list POST /api/networks takes."},
        "code": {"type": "string", "description": "Or as the nn.Sequential code GET /api/model/export/pytorch "
                 "gives (read, never run)."}}}}}}


class Imported(BaseModel):
    id: str = Field(..., description="The imported network's id; it is served as `import:<id>`.")
    model: ModelInfo


def _architecture(parts: dict, settings: Settings) -> tuple[list[dict] | None, list[str] | None]:
    """The `layers` (JSON) or `code` (our PyTorch export) part -> (specs, the names its keys use)."""
    if "layers" in parts:
        try:
            layers = specs_of(LAYERS.validate_json(parts["layers"][1]))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise HTTPException(422, f"layers: {where}: {first['msg']}" if where else f"layers: {first['msg']}") from None
        names = None
    elif "code" in parts:
        try:
            layers, names = layers_from_code(parts["code"][1].decode("utf-8", "replace"))
        except ArchitectureError as exc:
            raise HTTPException(422, f"code: {exc}") from None
    else:
        return None, None
    try:
        trainable_plan(INPUT_SHAPE, layers, settings.network_limits)
    except ArchitectureError as exc:
        raise HTTPException(422, str(exc)) from None
    return layers, names


def _load(data: bytes, filename: str, layers: list[dict] | None, names: list[str] | None,  # noqa: ANN202
          limits: NetworkLimits):
    try:
        arrays, meta = read_arrays(data, filename)
        if layers is None and isinstance(meta.get("layers"), list):  # the file's own description: the same
            trainable_plan(INPUT_SHAPE, meta["layers"], limits)      # limits, before a weight is allocated
        return network_from(arrays, meta, layers, names)
    except PickleRefused as exc:
        raise HTTPException(415, str(exc)) from None
    except (ImportRefused, ArchitectureError) as exc:
        raise HTTPException(422, str(exc)) from None


@router.post("/networks/import", openapi_extra={"requestBody": IMPORT_BODY}, status_code=201, response_model=Imported, summary="Bring a network trained elsewhere",
             responses={415: {"description": "A pickle (.pt/.pth): never opened. The message says how to save "
                                             "safetensors instead."},
                        422: {"description": "No weights part, an architecture that cannot be built or is past the "
                                             "limits, or weights whose keys or shapes do not fit it (named)."},
                        **BUSY})
async def import_network(request: Request, response: Response, settings: SettingsDep) -> Imported:
    """multipart/form-data: `weights` (a .safetensors file, or a .npz from convscope) and, unless the
    file says it, the architecture: `layers` (the JSON list POST /api/networks takes) or `code` (the
    `nn.Sequential` code GET /api/model/export/pytorch gives). Keys follow PyTorch's state_dict.
    The network is checked key by key, saved, and answers this browser's pages from then on
    (the `convscope_network` cookie; other learners keep theirs)."""
    parts = await upload_parts(request, "weights file", "weights")
    layers, names = _architecture(parts, settings)
    filename, data = parts["weights"]
    net = await run_in_threadpool(_load, data, filename or "", layers, names, settings.network_limits)
    import_id = secrets.token_hex(6)
    path = settings.runs_dir / IMPORTS_DIR / f"{import_id}.npz"
    await run_in_threadpool(net.save, path, {"imported_from": filename})
    state = ModelState(net, path, f"import:{import_id}", net.meta(), {})
    remember(response, state.source)  # this browser's pages are answered by it; nobody else's change
    _prune(path.parent, settings.max_imports_kept, keep=path)
    return Imported(id=import_id, model=model_info(state))


def _prune(folder: Path, kept: int, keep: Path) -> None:
    """The newest `kept` imports stay (and `keep`, the one served); older ones go."""
    files = sorted(folder.glob("*.npz"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in files[kept:]:
        if old != keep:
            old.unlink(missing_ok=True)


def _code(net: Sequential, stem: str) -> Response:
    return Response(pytorch_code(spec_of(net), tuple(net.input_shape)), media_type="text/x-python",
                    headers={"Content-Disposition": f'attachment; filename="{stem}.py"'})


def _safetensors(net: Sequential, stem: str) -> Response:
    return Response(safetensors_bytes(net), media_type="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{stem}.safetensors"'})


def _run_network(request: Request, run_id: str) -> Sequential:
    try:
        path = request.app.state.runs.weights_path(run_id)
    except RunError as exc:
        raise HTTPException(exc.status, str(exc)) from None
    return request.app.state.run_networks.get(path)[0]


CODE = {200: {"content": {"text/x-python": {}}}}
BYTES = {200: {"content": {"application/octet-stream": {}}}}
RUN_ERRORS = {404: {"description": "No such run."}, 409: {"description": "The run has no weights yet."}}


@router.get("/model/export/pytorch", response_class=Response, summary="The served network as PyTorch code",
            responses=CODE)
def export_pytorch(state: ModelDep) -> Response:
    """An `nn.Sequential` with our layer names, so its `state_dict` loads the safetensors export as it is."""
    return _code(state.model, "convscope_model")


@router.get("/model/export/safetensors", response_class=Response, summary="The served network's weights as safetensors",
            responses=BYTES)
def export_safetensors(state: ModelDep) -> Response:
    """PyTorch's state_dict keys and layouts; the metadata holds the layers and the input normalisation."""
    return _safetensors(state.model, "convscope_model")


@router.get("/runs/{run_id}/export/pytorch", response_class=Response, summary="A run's network as PyTorch code",
            responses={**CODE, **RUN_ERRORS})
def export_run_pytorch(run_id: RunId, request: Request) -> Response:
    return _code(_run_network(request, run_id), f"convscope_{run_id}")


@router.get("/runs/{run_id}/export/safetensors", response_class=Response,
            summary="A run's latest weights as safetensors", responses={**BYTES, **RUN_ERRORS})
def export_run_safetensors(run_id: RunId, request: Request) -> Response:
    return _safetensors(_run_network(request, run_id), f"convscope_{run_id}")


