"""The Jinja2 environment every page renders with.

Autoescape is on for every template (not just ``*.html``), so text a learner typed can never
inject markup. Every page gets three globals: ``tools`` (the navigation), ``app_version``, and
``limits``: the limits the pages' scripts need, as the server enforces them. ``base.html`` writes
``limits`` as JSON into ``<body data-limits>``, where ``static/js/shared/limits.js`` reads it, so a
limit is never typed again in JavaScript.
"""

from __future__ import annotations

from typing import Any

import jinja2
from fastapi.templating import Jinja2Templates

from app.paths import TEMPLATES_DIR
from app.settings import Settings


def page_limits(settings: Settings) -> dict[str, Any]:
    """The limits a page may need to say or check before it asks the server."""
    return {
        "max_kernel_size": settings.max_kernel_size,
        "max_upload_bytes": settings.max_upload_bytes,
        "max_image_pixels": settings.max_image_pixels,
        "max_digit_pixels": settings.max_digit_pixels,
    }


def make_templates(settings: Settings, tools: Any, app_version: str) -> Jinja2Templates:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True)
    templates = Jinja2Templates(env=env)
    templates.env.globals.update(tools=tools, app_version=app_version, limits=page_limits(settings))
    return templates
