"""Everything a route handler can ask FastAPI for, in one place.

The objects live on ``app.state``, made once per process by ``app.main``'s lifespan (the model,
the image store, the run manager) or by ``create_app`` (the settings, the templates). A handler
names what it needs by type, e.g. ``def predict(state: ModelDep, settings: SettingsDep)``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from app.image_store import ImageStore
from app.model_state import ModelState
from app.runs.manager import RunManager
from app.settings import Settings


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_templates(request: Request) -> Jinja2Templates:
    return request.app.state.templates


def get_model_state(request: Request) -> ModelState:
    """The network that answers this browser: its own choice (``app/session_networks.py``)."""
    return request.app.state.networks.for_request(request)


def get_image_store(request: Request) -> ImageStore:
    return request.app.state.images


def get_runs(request: Request) -> RunManager:
    return request.app.state.runs


SettingsDep = Annotated[Settings, Depends(get_settings)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]
ModelDep = Annotated[ModelState, Depends(get_model_state)]
StoreDep = Annotated[ImageStore, Depends(get_image_store)]
RunsDep = Annotated[RunManager, Depends(get_runs)]
