"""A connection's part in a room, one class per role: `Outside` (no room), and over
`InRoom` the teacher's (teacher.py) and a student's (student.py).

The connection's RoomMember (member.py) holds one part at a time and asks it what to do;
each part answers for its own role, so nothing here asks which role it plays. A part in a
room listens to the room's events channel (channel.py) and ends with `drop`, which puts an
`Outside` in its place.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Protocol

from server import protocol
from server.config import ProtocolError
from server.rooms import channel
from server.rooms import hub as channels
from server.rooms.hub import Backoff, Hub, Subscription
from server.settings import Settings

if TYPE_CHECKING:
    from server.rooms.room import Room
    from server.session import Session

log = logging.getLogger("server.rooms.member")

TEACHER_COMMANDS = frozenset({
    "room_push", "room_lock", "room_spotlight", "room_hide", "room_remove", "room_challenge",
    "room_close", "room_waiting", "room_admit", "room_pause", "room_resume", "room_record"})
"""The messages only a room's teacher socket may send (with the room's key)."""


def forbidden(field: str, message: str) -> ProtocolError:
    return ProtocolError("forbidden", f"{field}: {message}", field)


def stop_if_cancelled() -> None:
    """End the current task if it was cancelled, even when the cancellation was lost.

    On Python 3.11, `asyncio.wait_for` (which redis-py's sends use) returns normally when
    the operation it awaits completes just as the task is cancelled: the CancelledError never
    comes, but the task stays marked as cancelling. The members' loops check this at every
    turn, so a closed connection's tasks always end (a lost cancellation would otherwise keep
    them, their session and the server's shutdown waiting forever)."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


class Holder(Protocol):
    """What a part needs of the connection that holds it (member.py's RoomMember)."""

    session: Session
    settings: Settings
    hub: Hub | None
    address: str
    part: Membership

    async def admit(self, room: Room, id: str, name: str, message_id: protocol.MessageId
                    ) -> None:
        """Add the student to the room: it is one of the class."""


class Membership:
    """What a connection does about rooms in its current part (the defaults: nothing)."""

    def __init__(self, member: Holder) -> None:
        self.member = member

    @property
    def session(self) -> Session:
        return self.member.session

    @property
    def settings(self) -> Settings:
        return self.member.settings

    @property
    def hub(self) -> Hub:
        assert self.member.hub is not None
        return self.member.hub

    def send(self, message: protocol.ServerModel) -> None:
        self.session.send(message)

    def where(self) -> str:
        """For the logs."""
        return "no room"

    def check(self, message: protocol.ClientModel) -> None:
        """Raise ProtocolError when this part may not send `message` to its session."""

    async def command(self, message: protocol.ClientModel) -> None:
        """A teacher's command (TEACHER_COMMANDS)."""
        raise forbidden("key", "only the room's teacher can do this")

    async def before_create(self, code: str) -> None:
        """This socket opens (or resumes) room `code` as its teacher."""

    def may_join(self) -> None:
        """Raise ProtocolError when this socket may not join a room as a student."""

    async def before_join(self) -> None:
        """This socket joins a room as a student (the room was found)."""

    async def leave(self) -> str:
        """room_leave: leave the room, telling the others; the room's code."""
        raise ProtocolError("not_in_room", "type: this socket is in no room", "type")

    async def close(self) -> None:
        """The connection ended."""

    async def tick(self) -> None:
        """Every room_tick_seconds."""

    def outage(self) -> None:
        """The rooms' store did not answer a tick."""

    def store_failed(self) -> None:
        """The rooms' store failed (a restarted Redis may come back empty)."""

    def offer_frame(self, frame: bytes) -> None:
        """A frame the session just sent its client."""

    async def drop(self) -> None:
        """Forget the room here (the hub is not told)."""


class Outside(Membership):
    """In no room; `ended`: the room this socket taught until it closed or expired."""

    def __init__(self, member: Holder, ended: str | None = None) -> None:
        super().__init__(member)
        self.ended = ended

    async def command(self, message: protocol.ClientModel) -> None:
        if self.ended is not None:
            raise ProtocolError("room_not_found", f"type: the room {self.ended} is closed "
                                "(or expired)", "type")
        await super().command(message)


class InRoom(Membership):
    """A part in room `code`: its events channel's listener and the tasks it spawned."""

    def __init__(self, member: Holder, code: str) -> None:
        super().__init__(member)
        self.code = code
        self.events: Subscription | None = None
        self.tasks: set[asyncio.Task[None]] = set()
        """This membership's listeners (cancelled when it ends)."""
        self.listener: asyncio.Task[None] | None = None
        self.store_lost = False
        """The store failed since the room was last found: a missing room may be one that a
        restarted Redis lost, rather than a closed one."""

    async def enter(self) -> None:
        """Become the connection's part and listen to the room's channel."""
        self.member.part = self
        self.events = await self.hub.subscribe(channels.events(self.code))
        self.listener = self.spawn(self._listen(self.events))

    async def listen_again(self) -> None:
        """A fresh subscription to the room's channel (the old one may still be waiting to
        connect again), so that what is published from now on arrives."""
        old, listener = self.events, self.listener
        self.events = await self.hub.subscribe(channels.events(self.code))
        self.listener = self.spawn(self._listen(self.events))
        if listener is not None:
            listener.cancel()
        if old is not None:
            with contextlib.suppress(Exception):
                await old.close()

    def store_failed(self) -> None:
        self.store_lost = True

    def spawn(self, work: Awaitable[None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def publish(self, envelope: channel.Message,
                      code: str | None = None) -> None:
        await self.hub.publish(channels.events(code or self.code), channel.encode(envelope))

    async def tell(self, to: str, message: channel.Forwarded, code: str | None = None
                   ) -> None:
        await self.publish(channel.Forward(to=to, message=message), code)

    def where(self) -> str:
        return f"room {self.code}"

    def ended(self) -> str | None:
        """What the Outside after this part remembers (the teacher's room)."""
        return None

    async def drop(self) -> None:
        if self.member.part is self:
            self.member.part = Outside(self.member, self.ended())
        await self.stop()
        current = asyncio.current_task()
        for task in list(self.tasks):
            if task is not current:  # a listener dropping the room ends after this
                task.cancel()
        events, self.events = self.events, None
        if events is not None:
            with contextlib.suppress(Exception):
                await events.close()

    async def stop(self) -> None:
        """Release what the role holds (its spotlight feed)."""

    async def close(self) -> None:
        await self.leave()

    async def pause_after(self, error: Exception, backoff: Backoff | None = None) -> None:
        if isinstance(error, self.hub.errors):
            self.store_lost = True
            self.hub.outage.warn(self.where(), error)
        else:
            log.exception("room %s: a channel message failed", self.code)
        await (backoff or Backoff()).wait()

    async def _listen(self, events: Subscription) -> None:
        backoff = Backoff()
        while self.events is events:
            stop_if_cancelled()
            try:
                envelope = channel.decode(await events.get())
                backoff.reset()
            except channel.Malformed:
                log.warning("room %s: a malformed channel message", self.code)
                continue
            except Exception as error:  # the store went away: try again, gently
                await self.pause_after(error, backoff)
                continue
            try:
                await self.deliver(envelope)
            except Exception as error:
                await self.pause_after(error, backoff)

    async def deliver(self, envelope: channel.Message) -> None:
        """A message on the room's channel (any reader's: each part picks its own)."""
