"""The websocket at /ws: one session per connection, run by a consumer and a producer task.

The consumer reads client messages, validates them and applies them to the session. The
producer is the only writer: it sends the session's queued replies in order, and the periodic
frame the scheduler built once the frame interval passed (see scheduler.py). The next one is
built only after this one was sent and while fewer than two sent frames wait for the client's
acknowledgement (see session/frames.py), so a slow client gets fewer frames instead of a growing
queue. When either task ends, the other is cancelled and the session is dropped.

One client cannot hurt the others. The consumer yields to the event loop after every message,
and rests when its connection's messages took more than MESSAGE_SHARE of the loop; heavy
messages (export, import, a new dataset...) of all connections take turns within a share
of the loop (guard.LoopBudget), so frames and pauses stay prompt. It stops reading while the
replies waiting for the client pass a count or a size (a client that does not read slows only
itself); while it acknowledges no frame, its messages wait unhandled (HELD_MESSAGES). A send
that cannot finish within `send_timeout` ends the session (a peer that vanished, e.g. a laptop
closed mid-play, is dropped even though its buffers never drain). The sessions of a process
and of one client address are capped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections import Counter, deque
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from engine.scratch import Scratch
from server import protocol
from server.config import ProtocolError, dotted, first_error
from server.guard import LoopBudget, Throttle
from server.origins import origin_allowed
from server.rooms.hub import Hub
from server.rooms.member import RoomMember
from server.scheduler import Scheduler
from server.search import SearchPool, SessionSearch
from server.session import FRAME, Session, handle
from server.settings import Settings

log = logging.getLogger(__name__)
router = APIRouter()

MAX_PENDING_REPLIES = 64
"""The consumer stops reading while this many replies wait: a flooding client slows itself."""
MESSAGE_SHARE = 0.1
"""The part of the loop one connection's messages may take (with their replies) over time:
a user's clicks are far below it; a flood of messages is slowed to it."""
MAX_LOGGED_INTERNAL = 3
"""Tracebacks logged per session; a client that keeps hitting a bug cannot flood the log."""
CLOSE_TRY_AGAIN_LATER = 1013
CLOSE_POLICY = 1008
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]", re.ASCII)
_PLAIN_ACK = re.compile(r'\{"type": ?"ack", ?"frame": ?(0|[1-9][0-9]{0,14})\}', re.ASCII)
"""An `ack` as the page sends it (a frame acknowledged after each paint): read without the
general parser, which cost more than everything else an acknowledgement does."""


def parse(text: str, max_bytes: int) -> protocol.ClientModel:
    """A validated client message, or ProtocolError with the error to send back."""
    if len(text) > max_bytes or len(text.encode()) > max_bytes:
        raise ProtocolError("too_large", f"message is larger than {max_bytes} bytes", None)
    try:
        raw = json.loads(text)
    except ValueError as error:
        raise ProtocolError("bad_json", f"not JSON: {error}", None) from None
    except RecursionError:
        raise ProtocolError("bad_json", "not JSON this server reads: nested too deeply",
                            None) from None
    if _SURROGATE_ESCAPE.search(text):
        _check_text(raw, ())
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


def _check_text(value: Any, path: tuple[int | str, ...]) -> None:
    """Raise `invalid` naming the first string (or key) holding a lone UTF-16 surrogate: JSON
    allows the escape, but it is no text, and echoing it back would fail."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            field = dotted(path) or None
            raise ProtocolError("invalid", f"{field or 'message'}: a lone UTF-16 surrogate is "
                                "not text", field) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, path)
            _check_text(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_text(item, (*path, index))


def message_id(text: str, max_bytes: int) -> protocol.MessageId:
    """The `id` of a message that failed validation, if it has a usable one (one that is
    valid itself: an invalid id is not echoed)."""
    if len(text) > max_bytes:
        return None
    with contextlib.suppress(ValueError, RecursionError):
        raw: Any = json.loads(text)
        if isinstance(raw, dict):
            with contextlib.suppress(ValidationError):
                return protocol.PlayMessage.model_validate(
                    {"type": "play", "id": raw.get("id")}).id
    return None


HEAVY_TYPES = frozenset({"configure", "reset", "add_points", "export", "import", "revive",
                         "inspect", "time_forward"})
"""Messages that may rebuild a model or answer with a large reply (see guard.LoopBudget)."""
CHEAP_TEXT = 4096
"""A longer message is heavy whatever its type (parsing it alone takes time)."""


def kind(text: str) -> str | None:
    """The `type` of a short message, read cheaply (None: a long one, or none readable)."""
    if len(text) > CHEAP_TEXT:
        return None
    with contextlib.suppress(ValueError, RecursionError):
        raw = json.loads(text)
        if isinstance(raw, dict) and isinstance(raw.get("type"), str):
            return str(raw["type"])
    return None


def heavy(text: str) -> bool:
    """Whether a message takes a turn of the heavy-work budget (decided before it is parsed
    in full: a short message's type is read cheaply)."""
    return len(text) > CHEAP_TEXT or (not text.startswith('{"type":"ack"')
                                      and kind(text) in HEAVY_TYPES)


HELD_MESSAGES, HELD_BYTES = 32, 65536
"""While a client acknowledges no frame (FrameFlow.stalled), its messages but acks wait, up to
these, until it does: a client that stopped reading costs no work for its messages either
(its exports are not built). Past them, the oldest is handled."""


def error_reply(error: ProtocolError, id: protocol.MessageId) -> protocol.ErrorMessage:
    return protocol.ErrorMessage(id=id, code=error.code,  # type: ignore[arg-type]
                                 message=error.message, field=error.field)


class Connection:
    """The consumer/producer pair of one websocket."""

    def __init__(self, websocket: WebSocket, session: Session, settings: Settings,
                 heavy_work: LoopBudget | None = None, member: RoomMember | None = None
                 ) -> None:
        self.websocket, self.session, self.settings = websocket, session, settings
        self.member = member
        """The session's part in a classroom room: its frames may go to a teacher too."""
        self.heavy = heavy_work or LoopBudget()
        self.own = LoopBudget(share=MESSAGE_SHARE, burst=0.1)
        """This connection's own budget for handling its messages."""
        self.changed = asyncio.Event()
        self.room = asyncio.Event()
        self.held: deque[str] = deque()
        """Messages waiting for the client to acknowledge a frame (see HELD_MESSAGES)."""
        self.held_bytes = 0
        self.internal_errors = 0
        session.wake = self.changed.set

    def backlog(self) -> tuple[int, int]:
        """Replies waiting to be sent: (count, characters of their text)."""
        outbox = self.session.outbox
        return len(outbox), sum(len(item) for item in outbox if isinstance(item, str))

    def full(self) -> bool:
        count, size = self.backlog()
        return count > MAX_PENDING_REPLIES or size > self.settings.max_backlog_bytes

    async def consume(self) -> None:
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is not None and not self.held:
                ack = _PLAIN_ACK.fullmatch(text)
                if ack is not None:
                    await self.take_ack(int(ack[1]))
                    continue
            if text is None:
                data = message.get("bytes") or b""
                text = data.decode("utf-8", errors="replace") if len(data) < (1 << 24) else ""
            if (self.held or self.stalled()) and kind(text) not in ("ack", "visibility"):
                self.held.append(text)
                self.held_bytes += len(text)
                if len(self.held) <= HELD_MESSAGES and self.held_bytes <= HELD_BYTES:
                    continue
                text = self.take_held()
            await self.handle(text)
            while self.held and not self.stalled():
                await self.handle(self.take_held())

    async def take_ack(self, seq: int) -> None:
        """An acknowledgement as the page sends it, one per frame drawn: no reply, and no turn
        of the event loop or of the scheduler of its own. The scheduler wakes only when the
        ack lets a frame or the training go on (FrameFlow.ack); a flood of acks still spends
        the connection's budget, and waits like any other message once it is spent."""
        started = time.perf_counter()
        if self.session.frames.ack(seq):
            self.scheduler_wake()
        self.own.spent(time.perf_counter() - started)
        if (wait := self.own.delay()) > 0:
            await asyncio.sleep(wait)

    def stalled(self) -> bool:
        """The client acknowledges no frame (FrameFlow.stalled). Its acknowledgements may also
        wait behind its own heavy message: then the messages after that one wait only until
        the acknowledgement is read."""
        return self.session.frames.stalled(time.monotonic())

    def take_held(self) -> str:
        text = self.held.popleft()
        self.held_bytes -= len(text)
        return text

    async def handle(self, text: str) -> None:
        """Apply one message within the budgets, then let the other connections run."""
        if heavy(text):
            # Heavy messages of every connection take turns within a share of the loop.
            async with self.heavy.lock:
                await self.heavy.wait_turn()
                took = self.timed_apply(text)
                self.heavy.spent(took)
        else:
            took = self.timed_apply(text)
        self.own.spent(took)
        self.scheduler_wake()
        # Yield after every message (the others' turn), longer when this connection's
        # messages took more than its share of the loop (a flood of small bad ones).
        await asyncio.sleep(self.own.delay())
        while self.full():
            self.room.clear()
            await self.room.wait()

    def timed_apply(self, text: str) -> float:
        """apply(text); returns the seconds it took."""
        started = time.perf_counter()
        self.apply(text)
        return time.perf_counter() - started

    def apply(self, text: str) -> None:
        """Handle one client message; any error becomes one `error` reply."""
        session, limit = self.session, self.settings.max_message_bytes
        plain_ack = _PLAIN_ACK.fullmatch(text)
        if plain_ack is not None:
            session.frames.ack(int(plain_ack[1]))
            return
        try:
            handle(session, parse(text, limit))
        except ProtocolError as error:
            session.send(error_reply(error, message_id(text, limit)))
        except Exception as error:  # a bug must not end the session
            self.internal_errors += 1
            if self.internal_errors <= MAX_LOGGED_INTERNAL:
                log.exception("session %s: message failed", session.id)
            session.send(protocol.ErrorMessage(id=message_id(text, limit), code="internal",
                                               message=f"internal error: {error}",
                                               field=None))

    def scheduler_wake(self) -> None:
        scheduler: Scheduler = self.websocket.app.state.scheduler
        scheduler.wake()

    async def send_frame(self) -> None:
        """Build a frame now (after a step, a reset, ...) and send it."""
        await self.send(self.session.frames.reply_frame())

    async def send(self, item: bytes | str) -> None:
        """Send one message; a peer that does not take it within `send_timeout` is gone
        (TimeoutError ends the session)."""
        async with asyncio.timeout(self.settings.send_timeout):
            if isinstance(item, bytes):
                await self.websocket.send_bytes(item)
            else:
                await self.websocket.send_text(item)
        if isinstance(item, bytes) and self.member is not None:
            self.member.offer_frame(item)
        await asyncio.sleep(0)  # a ready socket does not yield: let the others run

    async def produce(self) -> None:
        """Send queued replies in order, then the frame the scheduler built, if any."""
        session = self.session
        while True:
            if session.outbox:
                item = session.outbox.popleft()
                if item is FRAME:
                    await self.send_frame()
                elif isinstance(item, bytes):  # a spotlit student's frame, to a teacher
                    await self.send(item)
                else:
                    await self.send(str(item))
                if not self.full():
                    self.room.set()
                continue
            frame = session.frames.take()
            if frame is not None:
                # The next frame may be built now: told before the send yields, so that a
                # scheduler in the middle of its turn sees it then and takes no extra turn.
                self.scheduler_wake()
                await self.send(frame)
                continue
            self.changed.clear()
            await self.changed.wait()


async def run_session(websocket: WebSocket, settings: Settings, scheduler: Scheduler,
                      scratch: Scratch | None = None,
                      heavy_work: LoopBudget | None = None) -> None:
    session = Session(settings, scratch=scratch)
    pool: SearchPool | None = getattr(websocket.app.state, "search_pool", None)
    if pool is not None:
        session.searches = SessionSearch(pool, session.send)
    hub: Hub | None = getattr(websocket.app.state, "rooms", None)
    client = getattr(websocket, "client", None)
    member = RoomMember(session, hub, settings, client.host if client else "unknown")
    session.room = member
    connection = Connection(websocket, session, settings, heavy_work, member)
    session.hello()
    scheduler.add(session)
    log.info("session %s opened (%d in this process)", session.id, scheduler.session_count)
    stalled = False
    try:
        async with asyncio.TaskGroup() as group:
            consumer = group.create_task(connection.consume())
            producer = group.create_task(connection.produce())
            rooms = group.create_task(member.run())
            consumer.add_done_callback(lambda _: (producer.cancel(), rooms.cancel()))
            producer.add_done_callback(lambda _: (consumer.cancel(), rooms.cancel()))
    except* TimeoutError:
        stalled = True
    except* (WebSocketDisconnect, OSError, RuntimeError):
        pass
    finally:
        scheduler.remove(session)
        if session.searches is not None:
            session.searches.close()
        with contextlib.suppress(Exception):
            # Shielded: a student leaves its room even when this task is cancelled (the
            # server shutting down); member.close is bounded by its own timeout.
            await asyncio.shield(member.close())
        if stalled:
            log.info("session %s: the client took nothing for %g s; closing it", session.id,
                     settings.send_timeout)
            with contextlib.suppress(Exception):
                async with asyncio.timeout(1.0):
                    await websocket.close(CLOSE_POLICY, "client stopped reading")
        log.info("session %s closed (%d left)", session.id, scheduler.session_count)


def refusal(settings: Settings, scheduler: Scheduler, clients: Counter[str],
            address: str) -> str | None:
    """Why a new session from `address` is refused (a cap is reached), or None."""
    if scheduler.session_count >= settings.max_sessions:
        return (f"this server process already runs {scheduler.session_count} sessions "
                f"(max_sessions {settings.max_sessions}); try again later")
    if clients[address] >= settings.max_sessions_per_client:
        return (f"{clients[address]} sessions are already open from {address} "
                f"(max_sessions_per_client {settings.max_sessions_per_client}); close one")
    return None


@router.websocket("/ws")
async def websocket_endpoint(websocket: WebSocket) -> None:
    settings: Settings = websocket.app.state.settings
    scheduler: Scheduler = websocket.app.state.scheduler
    throttle: Throttle = websocket.app.state.log_throttle
    origin = websocket.headers.get("origin")
    if not origin_allowed(origin, websocket.headers.get("host"), settings.allowed_origins):
        throttle.warning(log, "refused websocket from origin %r", origin)
        await websocket.close(code=CLOSE_POLICY, reason="origin not allowed")
        return
    clients: Counter[str] = websocket.app.state.sessions_by_client
    address = websocket.client.host if websocket.client else "unknown"
    await websocket.accept()
    reason = refusal(settings, scheduler, clients, address)
    if reason is not None:
        throttle.warning(log, "refused a session: %s", reason)
        with contextlib.suppress(Exception):
            async with asyncio.timeout(settings.send_timeout):
                await websocket.send_text(protocol.ErrorMessage(
                    code="too_many_sessions", message=reason, field=None).model_dump_json())
                await websocket.close(code=CLOSE_TRY_AGAIN_LATER, reason="too many sessions")
        return
    clients[address] += 1
    try:
        await run_session(websocket, settings, scheduler, websocket.app.state.grid_scratch,
                          websocket.app.state.heavy_work)
    finally:
        clients[address] -= 1
        if clients[address] <= 0:
            del clients[address]
