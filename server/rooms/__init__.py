"""Classroom rooms: a teacher's socket watches and steers the sessions of a class.

- room.py: a room and its students, codes, keys and names.
- hub.py: where rooms live, as one interface: memory.py (one server process) and
  redis_hub.py (processes and machines sharing a Redis server, `--redis`).
- cards.py: a student's gallery card and thumbnail, built from its own session, and the
  card the gallery shows.
- scoring.py: a challenge's leaderboard.
- locks.py: the controls a teacher can lock, and the check of a student's messages.
- member.py: one connection's room side, attached by the runner: it dispatches room_*
  messages and ticks to the connection's part (membership.py): outside any room, the
  teacher's (teacher.py) or a student's (student.py).
- channel.py: the typed messages between a room's members.
- waiting.py: the waiting room (a joiner waits until the teacher lets it in).
- record.py: the session's record (roster and standings as CSV, the best networks).
- routes.py: `/teach` and the join link's QR code.
"""

from __future__ import annotations

from server.rooms.hub import Hub
from server.settings import Settings


def hub_for(settings: Settings) -> Hub | None:
    """The rooms of this process: in Redis with `redis_url`, else in memory when this is the
    only server process; None when several processes share the port without Redis (a room
    cannot span processes then: room messages get `rooms_unavailable`)."""
    if settings.redis_url:
        from server.rooms.redis_hub import RedisHub

        return RedisHub(settings.redis_url, settings.room_idle_seconds,
                        settings.room_orphan_seconds)
    if settings.workers > 1:
        return None
    from server.rooms.memory import MemoryHub

    return MemoryHub(settings.room_idle_seconds, settings.room_orphan_seconds)
