"""Liveness endpoint used by the container HEALTHCHECK, tests and monitors."""

from __future__ import annotations

import time
from importlib.metadata import PackageNotFoundError, version
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field


def _package_version() -> str:
    try:
        return version("convscope")
    except PackageNotFoundError:  # running from a checkout that was never pip-installed
        return "0.0.0+unknown"


APP_VERSION: str = _package_version()

router = APIRouter(prefix="/api", tags=["health"])


class Health(BaseModel):
    """The server is up and serving requests."""

    status: Literal["ok"] = Field("ok", description="Always `ok` when the server answers.")
    version: str = Field(..., description="Installed convscope version.", examples=["0.1.0"])
    uptime_seconds: float = Field(..., ge=0, description="Seconds since the app finished starting up.")


@router.get("/health", response_model=Health, summary="Liveness check")
async def health(request: Request) -> Health:
    """Cheap check that the process is alive; does no model work. Answered on the event loop
    itself, so it measures whether the loop is free (bench/worst_case.py)."""
    started = getattr(request.app.state, "started_at", None)
    uptime = 0.0 if started is None else max(0.0, time.monotonic() - started)
    return Health(status="ok", version=APP_VERSION, uptime_seconds=round(uptime, 3))
