"""Rooms in this process's memory: a single server process (no --redis)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from server.rooms.hub import Added, Created, Hub, Subscription
from server.rooms.room import Room, Student

QUEUE_MESSAGES = 256
"""A subscriber that lets this many messages wait loses the next ones (as Redis would drop a
client whose output buffer overflows), instead of holding memory without bound."""


@dataclass
class _Entry:
    room: Room
    touched: float
    owner: str = ""
    orphaned: float | None = None
    """When its teacher socket closed (None: a teacher is there, or came back)."""
    students: dict[str, Student] = field(default_factory=dict)
    cards: dict[str, dict[str, Any]] = field(default_factory=dict)


class _Queue(Subscription):
    def __init__(self, hub: MemoryHub, channel: str) -> None:
        self.hub, self.channel = hub, channel
        self.queue: asyncio.Queue[bytes] = asyncio.Queue(QUEUE_MESSAGES)

    async def get(self) -> bytes:
        return await self.queue.get()

    async def close(self) -> None:
        subscribers = self.hub.channels.get(self.channel)
        if subscribers is not None:
            subscribers.discard(self)
            if not subscribers:
                del self.hub.channels[self.channel]


class JoinLimiter:
    """Failed join attempts per client address in a sliding window."""

    def __init__(self) -> None:
        self.failures: dict[str, deque[float]] = {}

    def _recent(self, address: str, window: float, now: float) -> deque[float]:
        times = self.failures.get(address, deque())
        while times and times[0] <= now - window:
            times.popleft()
        return times

    def blocked(self, address: str, attempts: int, window: float, now: float) -> bool:
        return len(self._recent(address, window, now)) >= attempts

    def failed(self, address: str, window: float, now: float) -> None:
        times = self.failures[address] = self._recent(address, window, now)
        times.append(now)
        if len(self.failures) > 10_000:  # forget quiet addresses
            for quiet in [a for a, t in self.failures.items() if not t or t[-1] <= now - window]:
                del self.failures[quiet]


class MemoryHub(Hub):
    """Rooms in a dict; channels are queues of this process's subscribers."""

    def __init__(self, idle_seconds: float, orphan_seconds: float | None = None) -> None:
        super().__init__(idle_seconds, orphan_seconds)
        self.rooms: dict[str, _Entry] = {}
        self.channels: dict[str, set[_Queue]] = {}
        self.limiter = JoinLimiter()

    def _expire(self) -> None:
        now = time.monotonic()
        horizon, orphans = now - self.idle_seconds, now - self.orphan_seconds
        for code in [c for c, e in self.rooms.items() if e.touched < horizon
                     or (e.orphaned is not None and e.orphaned < orphans)]:
            del self.rooms[code]

    def _entry(self, code: str) -> _Entry | None:
        self._expire()
        return self.rooms.get(code)

    async def create(self, room: Room, max_rooms: int, owner: str = "",
                     max_per_owner: int | None = None) -> Created:
        self._expire()
        if room.code in self.rooms:
            return "taken"
        if max_per_owner is not None and sum(
                1 for e in self.rooms.values() if e.owner == owner) >= max_per_owner:
            return "client_limit"
        if len(self.rooms) >= max_rooms:
            return "limit"
        self.rooms[room.code] = _Entry(replace(room), time.monotonic(), owner)
        return "created"

    async def get(self, code: str) -> Room | None:
        entry = self._entry(code)
        return None if entry is None else replace(entry.room, locks=list(entry.room.locks))

    async def save(self, room: Room) -> None:
        entry = self._entry(room.code)
        if entry is not None:
            entry.room, entry.touched = replace(room), time.monotonic()

    async def touch(self, code: str, teacher: bool = True) -> None:
        entry = self._entry(code)
        if entry is not None and (teacher or entry.orphaned is None):
            entry.touched, entry.orphaned = time.monotonic(), None

    async def teacher_left(self, code: str) -> None:
        entry = self._entry(code)
        if entry is not None:
            entry.orphaned = time.monotonic()

    async def delete(self, code: str) -> None:
        self.rooms.pop(code, None)

    async def add_student(self, code: str, student: Student, max_students: int) -> Added:
        entry = self._entry(code)
        if entry is None:
            return "gone"
        if student.id in entry.students:
            return "added"
        if len(entry.students) >= max_students:
            return "full"
        entry.students[student.id] = replace(student)
        if entry.orphaned is None:
            entry.touched = time.monotonic()
        return "added"

    async def remove_student(self, code: str, student: str) -> Student | None:
        entry = self.rooms.get(code)
        if entry is None:
            return None
        entry.cards.pop(student, None)
        return entry.students.pop(student, None)

    async def set_hidden(self, code: str, student: str, hidden: bool) -> bool:
        entry = self._entry(code)
        if entry is None or student not in entry.students:
            return False
        entry.students[student].hidden = hidden
        return True

    async def students(self, code: str) -> list[Student]:
        entry = self._entry(code)
        if entry is None:
            return []
        return sorted((replace(s) for s in entry.students.values()), key=lambda s: s.joined)

    async def put_card(self, code: str, student: str, card: dict[str, Any]) -> bool:
        entry = self._entry(code)
        if entry is None:
            return False
        if student in entry.students:
            entry.cards[student] = card
        return True

    async def cards(self, code: str) -> dict[str, dict[str, Any]]:
        entry = self._entry(code)
        return {} if entry is None else dict(entry.cards)

    async def publish(self, channel: str, message: bytes) -> None:
        for subscriber in list(self.channels.get(channel, ())):
            with contextlib.suppress(asyncio.QueueFull):
                subscriber.queue.put_nowait(message)

    async def subscribe(self, channel: str) -> Subscription:
        subscription = _Queue(self, channel)
        self.channels.setdefault(channel, set()).add(subscription)
        return subscription

    async def room_for_join(self, address: str, code: str, attempts: int, window: float
                            ) -> Room | None | Literal["blocked"]:
        now = time.monotonic()
        if self.limiter.blocked(address, attempts, window, now):
            return "blocked"
        entry = self._entry(code)
        if entry is None:
            self.limiter.failed(address, window, now)
            return None
        return replace(entry.room, locks=list(entry.room.locks))

    async def joins_blocked(self, address: str, attempts: int, window: float) -> bool:
        return self.limiter.blocked(address, attempts, window, time.monotonic())

    async def join_failed(self, address: str, window: float) -> None:
        self.limiter.failed(address, window, time.monotonic())
