"""Which Chromium the browser tests and scripts/screenshot.py drive, and how.

Debian's chromium (``apt-get install -y chromium``); Playwright never downloads a browser here.
Without the background-networking flags Chromium keeps trying hosts this offline machine cannot
reach.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
