"""Filesystem locations, all derived from one absolute project root.

Nothing here depends on the current working directory, so the app behaves the
same whether it is started from the checkout, from a test runner or from a
container's ``/app``.
"""

from __future__ import annotations

from pathlib import Path

#: The repository checkout (the directory holding ``app/``, ``static/``, ...).
ROOT: Path = Path(__file__).resolve().parent.parent

STATIC_DIR: Path = ROOT / "static"
TEMPLATES_DIR: Path = ROOT / "templates"
#: Browser libraries copied from ``node_modules`` by ``scripts/vendor.sh``.

__all__ = ["ROOT", "STATIC_DIR", "TEMPLATES_DIR"]
