"""A TestClient on a fresh app, and helpers to talk to its websocket."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.types import Message

from server import protocol
from server.app import create_app
from server.frames import decode
from server.settings import Settings


@pytest.fixture
def web_dir(tmp_path: Path) -> Path:
    web = tmp_path / "web"
    web.mkdir()
    (web / "index.html").write_text("<!doctype html><title>NN Playground</title>")
    (web / "main.js").write_text("export const answer = 42;\n")
    (web / "style.css").write_text("body { margin: 0 }\n")
    (tmp_path / "secret.txt").write_text("not for the web")
    return web


@pytest.fixture
def settings(web_dir: Path) -> Settings:
    # TestClient's requests say `Host: testserver`.
    return Settings(web_dir=web_dir, allowed_hosts=("testserver",))


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


RECEIVE_SECONDS = 30.0
"""How long Peer.receive waits for the next message: a reply that never comes fails the test."""


def receive_within(ws: WebSocketTestSession, seconds: float) -> Message:
    """ws.receive() with a deadline. The TestClient's receive blocks without one, so it runs
    in a worker thread; on timeout that thread stays blocked until the socket closes."""
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="receive")
    try:
        return worker.submit(ws.receive).result(timeout=seconds)
    except FutureTimeout:
        raise AssertionError(f"no message from the server within {seconds:g} s") from None
    finally:
        worker.shutdown(wait=False)


class Peer:
    """The client side of one session: sends messages, reads texts and frames in order."""

    def __init__(self, ws: WebSocketTestSession, acks: bool = True) -> None:
        self.ws = ws
        self.frames: list[dict[str, Any]] = []
        self.sent = 0
        self.acks = acks
        """Acknowledge each frame as it arrives, as the page does once it drew it (without
        acknowledgements the server sends at most two frames, and stops training)."""

    def send(self, **message: Any) -> None:
        self.ws.send_text(json.dumps(message))

    def receive(self) -> dict[str, Any]:
        """The next message: a text message as a dict, or a frame as {"type": "frame", ...}.
        Fails if none comes within RECEIVE_SECONDS."""
        message = receive_within(self.ws, RECEIVE_SECONDS)
        if message.get("text") is not None:
            result: dict[str, Any] = json.loads(message["text"])
            return result
        header, arrays = decode(message["bytes"])
        # Every header a test receives must match the published schema (the models).
        protocol.FrameHeader.model_validate(header)
        frame = {"type": "frame", "header": header, "arrays": arrays,
                 "size": len(message["bytes"])}
        self.frames.append(frame)
        if self.acks and "spotlight" not in header:  # a spotlit student's frame is not ours
            self.send(type="ack", frame=header["seq"])
        return frame

    def until(self, kind: str) -> dict[str, Any]:
        """Read until a message of this type arrives (frames and others are skipped)."""
        while True:
            message = self.receive()
            if message["type"] == kind:
                return message

    def request(self, kind: str, reply: str | None, **fields: Any) -> dict[str, Any]:
        """Send a message and return its reply of type `reply` (None: its first text reply,
        whatever its type), matched by the echoed id."""
        self.sent += 1
        id = f"{kind}-{self.sent}"
        self.send(type=kind, id=id, **fields)
        while True:
            message = self.receive() if reply is None else self.until(reply)
            if message["type"] != "frame" and message.get("id") == id:
                return message


@contextmanager
def peer_on_app(settings: Settings, headers: dict[str, str] | None = None,
                **changes: Any) -> Iterator[Peer]:
    """A session on an app of its own, with these settings changed."""
    app = create_app(settings.model_copy(update=changes))
    with TestClient(app) as client, client.websocket_connect("/ws", headers=headers or {}) as ws:
        yield Peer(ws)


@pytest.fixture
def peer(client: TestClient) -> Iterator[Peer]:
    with client.websocket_connect("/ws") as ws:
        p = Peer(ws)
        assert p.receive()["type"] == "hello"
        assert p.receive()["type"] == "data"
        assert p.receive()["type"] == "status"
        assert p.receive()["type"] == "frame"
        yield p


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A redis-server of this test run (fails, never skips, when redis-server is missing)."""
    from tests.redis_server import redis_server

    try:
        with redis_server() as url:
            yield url
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(params=["memory", "redis"])
def hub(request: pytest.FixtureRequest) -> str:
    """The rooms' hub a test runs on: each rooms test runs on both."""
    kind: str = request.param
    return kind


@pytest.fixture
def make(settings: Settings, hub: str, request: pytest.FixtureRequest) -> Any:
    """make(**changes): settings for rooms on this test's hub."""
    from tests.server.rooms_helpers import room_settings  # it imports this module

    url = request.getfixturevalue("redis_url") if hub == "redis" else None
    return lambda **changes: room_settings(settings, hub, url, **changes)
