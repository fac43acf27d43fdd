"""A log that a flooding client cannot fill: at most a few lines per minute per kind."""

from __future__ import annotations

import logging
import time
from typing import Any


class Throttle:
    """Lets `burst` lines of each message format through per `period` seconds; the next line
    after a quiet spell says how many were dropped."""

    def __init__(self, burst: int = 5, period: float = 60.0) -> None:
        self.burst, self.period = burst, period
        self._windows: dict[str, tuple[float, int, int]] = {}
        """format: (window start, lines logged in it, lines dropped)."""

    def allow(self, kind: str) -> tuple[bool, int]:
        """(log this line?, lines dropped since the last one logged)."""
        now = time.monotonic()
        start, logged, dropped = self._windows.get(kind, (now, 0, 0))
        if now - start >= self.period:
            start, logged = now, 0
        if logged >= self.burst:
            self._windows[kind] = (start, logged, dropped + 1)
            return False, 0
        self._windows[kind] = (start, logged + 1, 0)
        return True, dropped

    def warning(self, logger: logging.Logger, message: str, *args: Any) -> None:
        allowed, dropped = self.allow(message)
        if allowed:
            if dropped:
                message += f" ({dropped} similar lines dropped)"
            logger.warning(message, *args)
