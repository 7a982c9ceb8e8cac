"""HTTP routers.

Every module in this package that defines a module-level ``router``
(a :class:`fastapi.APIRouter`) is included by :func:`app.main.create_app`;
adding a new page or API area means adding a module here, not editing
``app/main.py``.  Modules are included in alphabetical order; names starting
with ``_`` are skipped.
"""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import APIRouter


def discover_routers() -> list[APIRouter]:
    """Import each ``app.routes.<name>`` module and return its ``router``."""
    routers: list[APIRouter] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            routers.append(router)
    return routers


__all__ = ["discover_routers"]
