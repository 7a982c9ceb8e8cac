"""Which network answers a learner: chosen per browser, not for the whole server.

A classroom shares one server. When one learner activates a run or imports a network, only
their own pages (``/digits``, ``/receptive-field``, the unit explanations, ``/api/model``) are
answered by it; everyone else keeps theirs. The choice travels in a cookie, ``convscope_network``:

    pretrained        the committed LeNet-5 (also what a browser without the cookie gets)
    run:<id>          a training run's latest weights (they change as it trains)
    import:<id>       a network brought in with POST /api/networks/import

A cookie names weights, it never carries them, and any value that is not one of these forms is
read as "pretrained". A choice whose weights are gone (a deleted run, a pruned import) falls back
to the pretrained network too, and ``/api/model`` then says "pretrained": the page's control shows
what really answers. Loaded networks are shared between the learners who chose the same weights,
and the few most recently used stay loaded (``RunNetworks``), each until its file changes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import Request, Response

from app.model_state import ModelState, RunNetworks
from app.runs.handles import RunError

COOKIE = "convscope_network"
PRETRAINED = "pretrained"
IMPORTS_DIR = "imports"  # under the runs directory: imported networks, one .npz each
_CHOICE = re.compile(r"^(?:pretrained|run:[0-9a-f]{12}|import:[0-9a-f]{12})$")  # ids: secrets.token_hex(6)
#: How long a browser keeps its choice: a school term.
COOKIE_MAX_AGE = 120 * 24 * 3600


def choice_of(request: Request) -> str:
    value = request.cookies.get(COOKIE, PRETRAINED)
    return value if _CHOICE.match(value) else PRETRAINED


def remember(response: Response, source: str) -> None:
    """The browser that made this request is answered by ``source`` from now on."""
    response.set_cookie(COOKIE, source, max_age=COOKIE_MAX_AGE, path="/", httponly=True, samesite="lax")


class SessionNetworks:
    """The pretrained network, and the networks learners chose, loaded on demand."""

    def __init__(self, pretrained: ModelState, runs: Any, runs_dir: Path, loaded: RunNetworks) -> None:
        self.pretrained, self.runs, self.runs_dir, self.loaded = pretrained, runs, Path(runs_dir), loaded

    def for_request(self, request: Request) -> ModelState:
        return self.resolve(choice_of(request))

    def resolve(self, source: str) -> ModelState:
        path = self._path(source)
        if path is None:
            return self.pretrained
        try:
            model, meta = self.loaded.get(path)
        except (OSError, ValueError):  # gone or unreadable since it was chosen
            return self.pretrained
        return ModelState(model, path, source, meta, {"test_accuracy": meta.get("test_accuracy")})

    def _path(self, source: str) -> Path | None:
        kind, _, ident = source.partition(":")
        if kind == "run":
            try:
                return self.runs.weights_path(ident)
            except RunError:
                return None
        if kind == "import":
            path = self.runs_dir / IMPORTS_DIR / f"{ident}.npz"
            return path if path.is_file() else None
        return None
