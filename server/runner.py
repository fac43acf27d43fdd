"""The websocket at /ws: one session per connection, run by a consumer and a producer task.

The consumer reads client messages, validates them and applies them to the session. The
producer is the only writer: it sends the session's queued replies in order, and the periodic
frame the scheduler built once the frame interval passed (see scheduler.py). The next one is
built only after this one was sent, so a slow client gets fewer frames instead of a growing
queue. When either task ends, the other is cancelled and the session is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from engine.scratch import Scratch
from server import protocol
from server.config import ProtocolError, first_error
from server.origins import origin_allowed
from server.scheduler import Scheduler
from server.search import SearchPool, SessionSearch
from server.session import FRAME, Session
from server.settings import Settings

log = logging.getLogger(__name__)
router = APIRouter()

MAX_PENDING_REPLIES = 64
"""The consumer stops reading while this many replies wait: a flooding client slows itself."""


def parse(text: str, max_bytes: int) -> protocol.ClientModel:
    """A validated client message, or ProtocolError with the error to send back."""
    if len(text) > max_bytes or len(text.encode()) > max_bytes:
        raise ProtocolError("too_large", f"message is larger than {max_bytes} bytes", None)
    try:
        raw = json.loads(text)
    except ValueError as error:
        raise ProtocolError("bad_json", f"not JSON: {error}", None) from None
    if not isinstance(raw, dict):
        raise ProtocolError("bad_json", "a message must be a JSON object with a type", None)
    kind = raw.get("type")
    model = protocol.CLIENT_MESSAGES.get(kind) if isinstance(kind, str) else None
    if model is None:
        valid = ", ".join(protocol.CLIENT_MESSAGES)
        raise ProtocolError("unknown_type", f"type: unknown message type {kind!r}; valid: "
                            f"{valid}", "type")
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise first_error(error) from None


def message_id(text: str, max_bytes: int) -> protocol.MessageId:
    """The `id` of a message that failed validation, if it has a usable one."""
    if len(text) > max_bytes:
        return None
    with contextlib.suppress(ValueError, RecursionError):
        raw: Any = json.loads(text)
        if isinstance(raw, dict):
            value = raw.get("id")
            if isinstance(value, str | int) and not isinstance(value, bool):
                return value
    return None


def error_reply(error: ProtocolError, id: protocol.MessageId) -> protocol.ErrorMessage:
    return protocol.ErrorMessage(id=id, code=error.code,  # type: ignore[arg-type]
                                 message=error.message, field=error.field)


class Connection:
    """The consumer/producer pair of one websocket."""

    def __init__(self, websocket: WebSocket, session: Session, settings: Settings) -> None:
        self.websocket, self.session, self.settings = websocket, session, settings
        self.changed = asyncio.Event()
        self.room = asyncio.Event()
        session.wake = self.changed.set

    async def consume(self) -> None:
        session = self.session
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is None:
                data = message.get("bytes") or b""
                text = data.decode("utf-8", errors="replace") if len(data) < (1 << 24) else ""
            limit = self.settings.max_message_bytes
            try:
                session.handle(parse(text, limit))
            except ProtocolError as error:
                session.send(error_reply(error, message_id(text, limit)))
            except Exception as error:  # a bug must not end the session
                log.exception("message failed")
                session.send(protocol.ErrorMessage(id=message_id(text, limit), code="internal",
                                                   message=f"internal error: {error}",
                                                   field=None))
            self.scheduler_wake()
            while len(session.outbox) > MAX_PENDING_REPLIES:
                self.room.clear()
                await self.room.wait()

    def scheduler_wake(self) -> None:
        scheduler: Scheduler = self.websocket.app.state.scheduler
        scheduler.wake()

    async def send_frame(self) -> None:
        """Build a frame now (after a step, a reset, ...) and send it."""
        self.session.ready_frame = None  # the fresh one supersedes a prebuilt one
        await self.send(self.session.safe_frame())

    async def send(self, item: bytes | str) -> None:
        if isinstance(item, bytes):
            await self.websocket.send_bytes(item)
        else:
            await self.websocket.send_text(item)

    async def produce(self) -> None:
        """Send queued replies in order, then the frame the scheduler built, if any."""
        session = self.session
        while True:
            if session.outbox:
                item = session.outbox.popleft()
                if item is FRAME:
                    await self.send_frame()
                    session.next_frame_at = time.monotonic() + 1 / session.config.view.fps
                else:
                    await self.send(str(item))
                if len(session.outbox) <= MAX_PENDING_REPLIES:
                    self.room.set()
                continue
            if session.ready_frame is not None:
                frame, session.ready_frame = session.ready_frame, None
                await self.send(frame)
                self.scheduler_wake()  # the next frame may be built now
                continue
            self.changed.clear()
            await self.changed.wait()


async def run_session(websocket: WebSocket, settings: Settings, scheduler: Scheduler,
                      scratch: Scratch | None = None) -> None:
    session = Session(settings, scratch=scratch)
    pool: SearchPool | None = getattr(websocket.app.state, "search_pool", None)
    if pool is not None:
        session.searches = SessionSearch(pool, session.send)
    connection = Connection(websocket, session, settings)
    session.hello()
    scheduler.add(session)
    log.info("session %s opened (%d in this process)", session.id, scheduler.session_count)
    try:
        async with asyncio.TaskGroup() as group:
            consumer = group.create_task(connection.consume())
            producer = group.create_task(connection.produce())
            consumer.add_done_callback(lambda _: producer.cancel())
            producer.add_done_callback(lambda _: consumer.cancel())
    except* (WebSocketDisconnect, OSError, RuntimeError):
        pass
    finally:
        scheduler.remove(session)
        if session.searches is not None:
            session.searches.close()
        log.info("session %s closed (%d left)", session.id, scheduler.session_count)


@router.websocket("/ws")
async def websocket_endpoint(websocket: WebSocket) -> None:
    settings: Settings = websocket.app.state.settings
    scheduler: Scheduler = websocket.app.state.scheduler
    origin = websocket.headers.get("origin")
    if not origin_allowed(origin, websocket.headers.get("host"), settings.allowed_origins):
        log.warning("refused websocket from origin %s", origin)
        await websocket.close(code=1008, reason="origin not allowed")
        return
    await websocket.accept()
    await run_session(websocket, settings, scheduler, websocket.app.state.grid_scratch)
