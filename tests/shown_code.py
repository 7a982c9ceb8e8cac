"""Running the PyTorch code a page shows, as a learner would paste it: its printed lines."""

from __future__ import annotations

import contextlib
import io


def printed_lines(code: str, namespace: dict | None = None) -> list[str]:
    """Runs `code` (our own, from the page) and returns what it printed, line by line."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<the page's code>", "exec"), {} if namespace is None else namespace)  # noqa: S102
    return out.getvalue().splitlines()
