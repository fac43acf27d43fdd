"""A room, its students, and the codes, keys and ids that name them."""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any

from server.protocol import ROOM_CODE_ALPHABET, ROOM_CODE_LENGTH, LockableControl

KEY_BYTES = 24
"""32 url-safe characters: far beyond guessing, even at the join rate limit."""


def new_code() -> str:
    """6 characters a class reads off a projector (no 0/O, 1/I/L): 31^6, about 887 million."""
    return "".join(secrets.choice(ROOM_CODE_ALPHABET) for _ in range(ROOM_CODE_LENGTH))


def new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def new_student_id() -> str:
    return secrets.token_hex(6)


@dataclass
class Room:
    """What the teacher's socket sets; the students are kept apart (several processes add
    and remove them at once)."""

    code: str
    key: str = field(repr=False)
    title: str
    created: float
    locks: list[LockableControl] = field(default_factory=list)
    challenge: dict[str, Any] | None = None
    spotlight: str | None = None
    waiting_room: bool = False
    """Joiners wait until the teacher admits them."""
    paused: str | None = None
    """The teacher's message while the class is paused."""
    roster: list[dict[str, Any]] = field(default_factory=list)
    """Who came: {"id", "name", "joined", "left"} (unix seconds; left None while in)."""
    standings: list[dict[str, Any]] = field(default_factory=list)
    """Each ended challenge's final standings: {"challenge", "metric", "rows"}."""

    def key_matches(self, key: str | None) -> bool:
        """Constant-time comparison: the time taken says nothing about the key."""
        return key is not None and hmac.compare_digest(self.key.encode(), key.encode())

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str | bytes) -> Room:
        return cls(**json.loads(text))


@dataclass
class Student:
    id: str
    name: str
    joined: float
    hidden: bool = False

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str | bytes) -> Student:
        return cls(**json.loads(text))
