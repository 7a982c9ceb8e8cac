"""Application assembly: settings, lifespan, static files, templates, routers.

This module only wires things together; behaviour lives in ``app/routes/``
(HTTP) and ``model/`` (the NumPy engine).  ``uvicorn app.main:app`` serves the
module-level ``app``; tests call :func:`create_app` for a fresh instance.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from app.guards.body_limits import BodyLimits
from app.guards.event_loop import freeze_start_up_heap
from app.guards.origin import SameOriginWrites
from app.guards.work_slots import WorkSlots
from app.image_store import ImageStore
from app import errors, http_methods
from app.model_state import RunNetworks, load_model_state
from app.paths import STATIC_DIR
from app.runs.manager import make_run_manager
from app.session_networks import SessionNetworks
from app.security import SecurityHeaders
from app.routes import discover_routers
from app.routes.health import APP_VERSION
from app.routes.pages import TOOLS
from app.settings import Settings
from app.templating import make_templates
from model.parallel import single_threaded_blas

DESCRIPTION = """
**convscope** teaches how convolutional neural networks work, backed by a
small CNN engine written in plain NumPy.

Every interactive page in the web app is a thin client over the JSON
endpoints documented here, so anything you can do in the browser you can
also script with any HTTP client.

Limits (upload size, image size, kernel size) are configured with
`CONVSCOPE_*` environment variables; see `app/settings.py`.
"""

OPENAPI_TAGS = [
    {"name": "health", "description": "Liveness and version information."},
    {"name": "model", "description": "The served network: layers, output shapes, parameter counts."},
    {"name": "images", "description": "Upload an image (PNG, JPEG, WebP, GIF, BMP or TIFF) to convolve; "
     "fetch its details and its preview."},
    {"name": "kernels", "description": "The kernel playground: preset kernels, applying a kernel to an "
     "uploaded image, and the arithmetic behind any output pixel."},
    {"name": "runs", "description": "Training runs: start, pause, resume, stop, delete; their history and "
     "weights. Watch one live at `WS /ws/runs/{id}` (see the runs router's module docstring)."},
]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # One BLAS thread per call: requests run NumPy on the threadpool side by side, and a 2-thread
    # OpenBLAS waiting for a busy core is 10-30 times slower here (measured on 2 cores).
    single_threaded_blas()
    # The threadpool every run_in_threadpool and plain ``def`` route shares (anyio's default, 40).
    anyio.to_thread.current_default_thread_limiter().total_tokens = app.state.settings.worker_threads
    # The trained network, loaded once per process before the first request.
    pretrained = load_model_state(app.state.settings)
    app.state.run_networks = RunNetworks()
    app.state.images = ImageStore(app.state.settings.image_store_bytes, app.state.settings.preview_max_side)
    app.state.runs = make_run_manager(app.state.settings)
    # Which network answers is each browser's own choice (a cookie); the pretrained one by default.
    app.state.networks = SessionNetworks(pretrained, app.state.runs, app.state.settings.runs_dir,
                                         app.state.run_networks)
    app.state.runs.start(asyncio.get_running_loop())
    app.state.started_at = time.monotonic()
    if app.state.freeze_heap:
        freeze_start_up_heap()
    try:
        yield
    finally:
        app.state.runs.shutdown()  # ends the workers; their runs are marked interrupted, resumable
        await app.state.runs.aclose()


def build_routes_now(app: FastAPI) -> None:
    """FastAPI (0.16x) builds an included router's routes, with a pydantic adapter for each body
    and answer, on the first request that router sees: 28 ms on the event loop while the first
    burst of requests waits (bench/worst_case.py). Build them at start-up instead; on a FastAPI
    without lazy routers there is nothing to build."""
    pending = list(app.router.routes)
    while pending:  # included routers hold their own included routers: build those too
        route = pending.pop()
        if callable(getattr(route, "effective_candidates", None)):
            pending += route.effective_candidates()
            route.effective_low_priority_routes()


def create_app(settings: Settings | None = None, freeze_heap: bool = False) -> FastAPI:
    """Build the FastAPI application. ``settings`` defaults to ``Settings.from_env()``;
    `freeze_heap` (``convscope serve``) freezes what start-up built out of the garbage collector
    (app/guards/event_loop.py)."""
    settings = Settings.from_env() if settings is None else settings

    app = FastAPI(
        title="convscope",
        summary="Learn how convolutions work, interactively.",
        description=DESCRIPTION,
        version=APP_VERSION,
        openapi_tags=OPENAPI_TAGS,
        lifespan=lifespan,
        # /docs is served by app/routes/pages.py from self-hosted Swagger UI
        # assets (static/vendor/), so the API reference works offline.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.freeze_heap = freeze_heap

    app.state.templates = make_templates(settings, TOOLS, APP_VERSION)
    app.state.work_slots = WorkSlots(settings.slot_wait_ms, settings.max_slot_queue,
                                     image=settings.max_concurrent_images, engine=settings.max_concurrent_engine)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in discover_routers():
        app.include_router(router)
    errors.install(app)
    http_methods.install(app)
    build_routes_now(app)
    # Outermost last: headers on every answer, then cross-site writes refused, then body limits.
    app.add_middleware(BodyLimits, settings=settings)
    app.add_middleware(SameOriginWrites, allowed=settings.cors_origins)
    app.add_middleware(SecurityHeaders)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["*"],
                           allow_headers=["*"])
    return app


app = create_app()
