"""Debian's Chromium, as the browser tests, the browser bench and the screenshot script use it."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Headless as root on a machine with no network but loopback: no sandbox, no GPU, and none of
# Chromium's background connections (which would be refused, many at a time).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
