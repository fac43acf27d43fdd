"""What keeps one client from hurting the others: a log it cannot fill, a budget for heavy work."""

from __future__ import annotations

import asyncio
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


class LoopBudget:
    """A share of the event loop for handling client messages, as a bucket of loop time: it
    holds `burst` seconds, refills at `share` seconds per second, and each message takes what
    it cost, its reply's sending included. Occasional messages never wait; a flood gets about
    `share` of the loop.

    The app holds one for heavy messages (export, import, a new dataset...) of all connections,
    which take turns under its lock: each connection handles its own messages in order, but
    many connections together could keep the loop busy with them (a client that does not read
    absorbs megabytes of replies in the sockets' buffers before it slows down). Each connection
    also has one for all its messages (a flood of small bad ones).
    """

    REPLY_FACTOR = 2.5
    """What handling a message costs, over the time it took: sending its reply costs more
    (deflating a 225 KB export takes about 1.4 times as long as building it)."""

    def __init__(self, share: float = 0.15, burst: float = 0.25) -> None:
        self.share, self.burst = share, burst
        self.tokens = burst
        """Seconds of heavy work available now (negative: owed)."""
        self.updated = time.monotonic()
        self.lock = asyncio.Lock()

    def _refill(self) -> None:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.share)
        self.updated = now

    def delay(self) -> float:
        """Seconds until the next heavy message may start."""
        self._refill()
        return max(0.0, -self.tokens / self.share)

    async def wait_turn(self) -> None:
        """Call with `lock` held: returns once the budget allows the next heavy message."""
        while (wait := self.delay()) > 0:
            await asyncio.sleep(wait)

    def spent(self, seconds: float) -> None:
        """A heavy message took `seconds` of the loop to handle."""
        self._refill()
        self.tokens -= seconds * self.REPLY_FACTOR


class ThrottledRecords(logging.Filter):
    """Throttles the server's own per-request warnings (a malformed or oversized request
    logs "Invalid HTTP request received." once per request)."""

    def __init__(self, throttle: Throttle,
                 messages: tuple[str, ...] = ("Invalid HTTP request received.",)) -> None:
        super().__init__()
        self.throttle, self.messages = throttle, messages

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg not in self.messages:
            return True
        allowed, dropped = self.throttle.allow(str(record.msg))
        if allowed and dropped:
            record.msg = f"{record.msg} ({dropped} similar lines dropped)"
        return allowed


FRAME_LOGGERS = ("uvicorn.error", "websockets", "websockets.server", "websockets.protocol")
"""The loggers the websocket library logs its frames on (uvicorn hands it uvicorn.error)."""


class FrameText(logging.Filter):
    """Keeps what clients send out of the log at any level: the websocket library logs every
    frame at debug level as "< TEXT '{...}' [69 bytes]", text included, and a teacher's
    messages carry the room's key. Its frame records keep their direction, kind and size
    (still useful to debug a connection); their text is dropped. (Raising these loggers'
    level instead would also hide the connection's states and closes at --log-level debug.)"""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.DEBUG or record.msg not in ("< %s", "> %s") \
                or not isinstance(record.args, tuple) or len(record.args) != 1:
            return True
        frame = record.args[0]
        opcode, data = getattr(frame, "opcode", None), getattr(frame, "data", None)
        kind = getattr(opcode, "name", "frame")
        size = f" [{len(data)} bytes]" if isinstance(data, bytes | bytearray) else ""
        record.args = (f"{kind}{size}",)
        return True
