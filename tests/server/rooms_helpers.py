"""Talking to rooms from TestClient sockets: connect, ask, wait for a room message."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import redis
from fastapi.testclient import TestClient

from server.app import create_app
from server.settings import Settings
from tests.server.conftest import Peer

TICK = 0.2
"""Gallery and card ticks in these tests (1 s in a class)."""


def room_settings(settings: Settings, hub: str, redis_url: str | None, **changes: Any
                  ) -> Settings:
    """Test settings for rooms on the `memory` or the `redis` hub (its database emptied)."""
    if hub == "redis":
        assert redis_url is not None
        redis.Redis.from_url(redis_url).flushdb()
        changes["redis_url"] = redis_url
    return settings.model_copy(update={"room_tick_seconds": TICK, **changes})


def opened(peer: Peer) -> Peer:
    for kind in ("hello", "data", "status", "frame"):
        assert peer.receive()["type"] == kind
    return peer


@contextmanager
def sockets(settings: Settings, count: int) -> Iterator[tuple[TestClient, list[Peer]]]:
    """An app and `count` open sessions on it."""
    with TestClient(create_app(settings)) as client, ExitStack() as stack:
        peers = [opened(Peer(stack.enter_context(client.websocket_connect("/ws"))))
                 for _ in range(count)]
        yield client, peers


def ask(peer: Peer, kind: str, **fields: Any) -> dict[str, Any]:
    """Send a message; its first reply (any text message echoing its id)."""
    return peer.request(kind, None, **fields)


def wait_for(peer: Peer, kind: str,
             accept: Callable[[dict[str, Any]], bool] = lambda _: True) -> dict[str, Any]:
    """The next message of this type that `accept`s (others are skipped)."""
    while True:
        message = peer.until(kind)
        if accept(message):
            return message


def create(teacher: Peer, **fields: Any) -> dict[str, Any]:
    reply = ask(teacher, "room_create", **fields)
    assert reply["type"] == "room_created", reply
    return reply


def join(student: Peer, code: str, name: str) -> dict[str, Any]:
    reply = ask(student, "room_join", code=code, name=name)
    assert reply["type"] == "room_joined", reply
    return reply


def gallery_with(teacher: Peer, count: int) -> dict[str, Any]:
    return wait_for(teacher, "room_gallery", lambda g: g["count"] == count)
