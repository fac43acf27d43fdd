"""Where rooms live: one interface, kept in memory (memory.py) or in Redis (redis_hub.py).

A room's state is read and written through the hub by whichever process serves the socket
concerned: the teacher's process writes the room, each student's process its student and its
card. Messages travel on channels: `events(code)` carries JSON envelopes between the teacher's
and the students' processes, `frames(code, student)` a spotlit student's binary frames.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from abc import ABC, abstractmethod
from typing import Any, Literal

from server.rooms.room import Room, Student

log = logging.getLogger("server.rooms")

Created = Literal["created", "limit", "client_limit", "taken"]
Added = Literal["added", "full", "gone"]


class OutageLog:
    """Warnings about an unreachable store, throttled: the first of an outage, then one every
    EVERY seconds with how many were held back (a store down for a class's hour would
    otherwise log a line per socket and tick)."""

    EVERY = 30.0

    def __init__(self) -> None:
        self.last = -math.inf
        self.held = 0

    def warn(self, what: str, error: BaseException) -> None:
        now = time.monotonic()
        if now - self.last < self.EVERY:
            self.held += 1
            return
        more = f" ({self.held} more since the last warning)" if self.held else ""
        log.warning("rooms store unavailable: %s (%s)%s", what, type(error).__name__, more)
        self.last, self.held = now, 0


class Backoff:
    """The waits between tries at a store that does not answer: FIRST seconds, doubled at
    each failure up to MOST, with jitter (a class's sockets do not all knock at once)."""

    FIRST, MOST = 0.5, 8.0

    def __init__(self) -> None:
        self.next = self.FIRST

    def reset(self) -> None:
        self.next = self.FIRST

    async def wait(self) -> None:
        delay, self.next = self.next, min(self.MOST, self.next * 2)
        await asyncio.sleep(delay * random.uniform(0.5, 1.0))


def events(code: str) -> str:
    return f"room:{code}:events"


def frames(code: str, student: str) -> str:
    return f"room:{code}:frames:{student}"


class Subscription(ABC):
    """The messages published on one channel from now on, in order."""

    @abstractmethod
    async def get(self) -> bytes:
        """The next message (waits for it)."""

    @abstractmethod
    async def close(self) -> None:
        """Stop receiving (safe to call twice)."""


class Hub(ABC):
    """Rooms shared by every server process that uses this hub. A room that had no activity
    (a teacher socket open, a join, a teacher message) for `idle_seconds` is gone, and so is
    a room whose teacher socket closed `orphan_seconds` ago (joins do not keep it) unless a
    teacher socket came back."""

    kind = "memory"
    """Where the rooms live, as GET /health says."""
    errors: tuple[type[BaseException], ...] = ()
    """What the hub raises when its store cannot be reached (rooms_unavailable)."""

    def __init__(self, idle_seconds: float, orphan_seconds: float | None = None) -> None:
        self.idle_seconds = idle_seconds
        self.orphan_seconds = idle_seconds if orphan_seconds is None \
            else min(orphan_seconds, idle_seconds)
        self.outage = OutageLog()

    async def start(self) -> None:
        """Connect (the app's lifespan calls it)."""
        return None

    async def stop(self) -> None:
        """Disconnect."""
        return None

    @abstractmethod
    async def create(self, room: Room, max_rooms: int, owner: str = "",
                     max_per_owner: int | None = None) -> Created:
        """Add a new room, unless its code is taken, `owner` (a client address) holds
        `max_per_owner` open rooms (client_limit) or `max_rooms` are open (limit)."""

    @abstractmethod
    async def get(self, code: str) -> Room | None:
        """The room, or None (never created, closed, or expired)."""

    @abstractmethod
    async def save(self, room: Room) -> None:
        """Store the room's own fields (locks, challenge, spotlight) and touch it."""

    @abstractmethod
    async def touch(self, code: str, teacher: bool = True) -> None:
        """Activity: the room's idle time starts again. A teacher's (teacher=True) also ends
        its teacher_left countdown; another's (a join) does not extend that countdown."""

    @abstractmethod
    async def teacher_left(self, code: str) -> None:
        """The room's teacher socket closed: the room closes in orphan_seconds unless a
        teacher's touch comes first."""

    @abstractmethod
    async def delete(self, code: str) -> None:
        """Close the room: it, its students and their cards are gone."""

    @abstractmethod
    async def add_student(self, code: str, student: Student, max_students: int) -> Added:
        """Add a student, unless the room has `max_students` or is gone (a student already
        there stays as it is: one putting itself back keeps its hidden state)."""

    @abstractmethod
    async def remove_student(self, code: str, student: str) -> Student | None:
        """Remove a student and its card; the student removed, or None if it was not there."""

    @abstractmethod
    async def set_hidden(self, code: str, student: str, hidden: bool) -> bool:
        """Hide or show a student in the gallery; False if there is no such student."""

    @abstractmethod
    async def students(self, code: str) -> list[Student]:
        """The room's students in the order they joined."""

    @abstractmethod
    async def put_card(self, code: str, student: str, card: dict[str, Any]) -> bool:
        """Store a student's latest card; False when the room is gone."""

    @abstractmethod
    async def cards(self, code: str) -> dict[str, dict[str, Any]]:
        """The latest card of each student that published one."""

    @abstractmethod
    async def publish(self, channel: str, message: bytes) -> None:
        """Send to every current subscriber of the channel, in any process."""

    @abstractmethod
    async def subscribe(self, channel: str) -> Subscription:
        """Receive what is published on the channel from now on."""

    @abstractmethod
    async def room_for_join(self, address: str, code: str, attempts: int, window: float
                            ) -> Room | None | Literal["blocked"]:
        """One atomic step: "blocked" when `address` failed `attempts` joins in the last
        `window` seconds; else the room, or None after counting a failed join (so that
        processes checking at once cannot let more guesses through than the limit)."""

    @abstractmethod
    async def joins_blocked(self, address: str, attempts: int, window: float) -> bool:
        """Whether `address` failed `attempts` joins (a wrong code or key) in the last
        `window` seconds. Joins that succeed do not count: a class behind one address (a
        school's NAT) joins at once."""

    @abstractmethod
    async def join_failed(self, address: str, window: float) -> None:
        """Count a failed join from `address` (forgotten after `window` seconds)."""
