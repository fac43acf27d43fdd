"""One connection's part in a room: what the session hands its room_* messages to.

The session hands every room_* message to `submit`; they are handled in order by `run` (the
hub may be a Redis server away), and so are the room's channel messages. The member holds
the connection's current part (membership.py): outside any room, the room's teacher
(teacher.py) or a student (student.py), and asks it what each message, tick and frame means.
Here live what every part shares: dispatch and error replies, creating and joining a room,
and the tick's schedule.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from server import protocol
from server.config import ProtocolError
from server.rooms.hub import Hub
from server.rooms.membership import (
    TEACHER_COMMANDS,
    Membership,
    Outside,
    forbidden,
    stop_if_cancelled,
)
from server.rooms.room import Room, Student, new_code, new_key, new_student_id
from server.rooms.student import StudentMember
from server.rooms.teacher import TeacherMember
from server.rooms.waiting import WaitingMember
from server.settings import Settings

if TYPE_CHECKING:
    from server.session import Session

log = logging.getLogger(__name__)

CREATE_TRIES = 8
"""New codes tried when one is taken (31^6 codes: a second try is already rare)."""


def distinct_name(name: str, taken: list[str]) -> str:
    """name, or name (2), (3), ... when a student of the room already has it (compared
    without case): the teacher tells every student apart."""
    used = {other.casefold() for other in taken}
    if name.casefold() not in used:
        return name
    number = 2
    while True:
        suffix = f" ({number})"
        candidate = name[:protocol.MAX_STUDENT_NAME - len(suffix)] + suffix
        if candidate.casefold() not in used:
            return candidate
        number += 1


class RoomMember:
    """The room side of one session (see session.RoomLink)."""

    def __init__(self, session: Session, hub: Hub | None, settings: Settings,
                 address: str) -> None:
        self.session, self.hub, self.settings, self.address = session, hub, settings, address
        self.inbox: asyncio.Queue[protocol.ClientModel] = asyncio.Queue()
        self.part: Membership = Outside(self)
        """The connection's part now: parts replace themselves as they enter and leave."""

    # ------------------------------------------------------------------ the session's side

    def check(self, message: protocol.ClientModel) -> None:
        self.part.check(message)

    def submit(self, message: protocol.ClientModel) -> None:
        self.inbox.put_nowait(message)

    def offer_frame(self, frame: bytes) -> None:
        """A frame the session just sent its client: forwarded if the teacher watches."""
        self.part.offer_frame(frame)

    async def run(self) -> None:
        """Handle room messages in order, and tick, until cancelled."""
        async with asyncio.TaskGroup() as group:
            group.create_task(self._work())
            group.create_task(self._tick())

    async def close(self) -> None:
        """The connection ended: a student leaves its room; a teacher's room stays open for
        room_orphan_seconds, for the teacher to come back (a reloaded page resumes it)."""
        if self.hub is None:
            return
        part = self.part
        expected: tuple[type[BaseException], ...] = (TimeoutError, *self.hub.errors)
        try:
            async with asyncio.timeout(5):
                await part.close()
        except expected:
            log.warning("%s: could not leave cleanly", part.where())
        finally:
            await part.drop()

    # ------------------------------------------------------------------------ plumbing

    @property
    def _hub(self) -> Hub:
        assert self.hub is not None
        return self.hub

    async def _work(self) -> None:
        while True:
            stop_if_cancelled()
            await self._handle(await self.inbox.get())

    async def _handle(self, message: protocol.ClientModel) -> None:
        id = getattr(message, "id", None)
        try:
            if self.hub is None:
                raise ProtocolError(
                    "rooms_unavailable", f"type: rooms are off: this server runs "
                    f"{self.settings.workers} processes without --redis, and a room must "
                    "live in one place (start it with --redis URL, or --workers 1)", "type")
            kind = str(getattr(message, "type"))  # noqa: B009
            if kind in TEACHER_COMMANDS:
                await self.part.command(message)
            elif isinstance(message, protocol.RoomCreateMessage):
                await self.on_create(message)
            elif isinstance(message, protocol.RoomJoinMessage):
                await self.on_join(message)
            elif isinstance(message, protocol.RoomLeaveMessage):
                await self.on_leave(message)
        except ProtocolError as error:
            self.session.send(protocol.ErrorMessage.model_validate(
                {"id": id, "code": error.code, "message": error.message, "field": error.field}))
        except Exception as error:
            if self.hub is not None and isinstance(error, self.hub.errors):
                self.part.store_failed()
                self.hub.outage.warn("a room message", error)
                self.session.send(protocol.ErrorMessage(
                    id=id, code="rooms_unavailable", field=None,
                    message="the rooms' store (Redis) does not answer; try again"))
            else:
                log.exception("room message failed")
                self.session.send(protocol.ErrorMessage(
                    id=id, code="internal", field=None, message=f"internal error: {error}"))

    async def _room_for_join(self, code: str, field: str, missing: str) -> Room:
        """The room of a join (or a resume), refused from an address that failed too many
        lately: codes and keys cannot be guessed, while a class behind one address joins at
        once. The check, the lookup and the count of a wrong code are one step of the hub."""
        settings = self.settings
        room = await self._hub.room_for_join(self.address, code, settings.room_join_attempts,
                                             settings.room_join_window)
        if room == "blocked":
            raise ProtocolError("rate_limited", f"{field}: too many wrong codes from your "
                                f"address; wait {settings.room_join_window:g} s", field)
        if room is None:
            raise ProtocolError("room_not_found", f"code: {missing}", "code")
        return room

    async def _failed_join(self, error: ProtocolError) -> ProtocolError:
        """Count a wrong code or key against the address; the error to raise."""
        await self._hub.join_failed(self.address, self.settings.room_join_window)
        return error

    # ------------------------------------------------------------------------ handlers

    async def on_create(self, message: protocol.RoomCreateMessage) -> None:
        hub, settings = self._hub, self.settings
        if message.code is not None or message.key is not None:
            if message.code is None or message.key is None:
                field = "code" if message.code is None else "key"
                raise ProtocolError("invalid", f"{field}: resuming a room takes its code and "
                                    "its key", field)
            found = await self._room_for_join(message.code, "key",
                                              "no such room (closed, or expired)")
            if not found.key_matches(message.key):
                raise await self._failed_join(forbidden("key", "wrong key"))
            room = found
        else:
            for _ in range(CREATE_TRIES):
                room = Room(new_code(), new_key(), message.title or "", time.time())
                result = await hub.create(room, settings.max_rooms, self.address,
                                          settings.max_rooms_per_client)
                if result != "taken":
                    break
            if result == "client_limit":
                raise ProtocolError("room_client_limit", f"type: your address already has "
                                    f"{settings.max_rooms_per_client} rooms open "
                                    "(max_rooms_per_client); close one, or resume it with its "
                                    "code and key", "type")
            if result == "limit":
                raise ProtocolError("room_limit", f"type: this server already has "
                                    f"{settings.max_rooms} rooms open (max_rooms); close one",
                                    "type")
            if result == "taken":
                raise ProtocolError("internal", "type: no free room code found", "type")
            log.info("room %s opened", room.code)
        await self.part.before_create(room.code)
        await TeacherMember(self, room.code, room).enter()
        await hub.touch(room.code)
        self.session.send(protocol.RoomCreatedMessage(
            id=message.id, code=room.code, key=room.key, title=room.title,
            join_path=f"/?room={room.code}",
            limits=protocol.RoomLimits(students=settings.max_students_per_room)))

    async def on_join(self, message: protocol.RoomJoinMessage) -> None:
        self.part.may_join()
        room = await self._room_for_join(message.code, "code", "no open room has this code")
        await self.part.before_join()
        if room.waiting_room:
            waiting = WaitingMember(self, room, Student(new_student_id(), message.name,
                                                        time.time()))
            await waiting.enter()
            self.session.send(protocol.RoomWaitingReply(
                id=message.id, code=room.code, title=room.title, student=waiting.student.id,
                name=waiting.student.name))
            await waiting.knock()
            return
        await self.admit(room, new_student_id(), message.name, message.id)

    async def admit(self, room: Room, id: str, name: str, message_id: protocol.MessageId
                    ) -> None:
        """Add the student to the room: it is one of the class."""
        hub = self._hub
        name = distinct_name(name, [s.name for s in await hub.students(room.code)])
        student = Student(id, name, time.time())
        added = await hub.add_student(room.code, student, self.settings.max_students_per_room)
        if added == "full":
            raise ProtocolError("room_full", f"code: the room is full "
                                f"({self.settings.max_students_per_room} students)", "code")
        if added == "gone":
            raise ProtocolError("room_not_found", "code: the room just closed", "code")
        await hub.touch(room.code, teacher=False)
        part = StudentMember(self, room, student)
        await part.enter()
        self.session.send(protocol.RoomJoinedMessage(
            id=message_id, code=room.code, title=room.title, student=student.id,
            name=student.name, locks=part.locks,
            challenge=None if room.challenge is None else protocol.Challenge.model_validate(
                room.challenge),
            paused=None if room.paused is None else protocol.ClassPause(message=room.paused)))
        part.hold()
        await part.tell("teacher", protocol.RoomEventMessage(
            event="joined", student=student.id, name=student.name))
        await part.publish_card()

    async def on_leave(self, message: protocol.RoomLeaveMessage) -> None:
        code = await self.part.leave()
        self.session.send(protocol.RoomLeftMessage(id=message.id, code=code))

    # ------------------------------------------------------------------------------ ticks

    async def _tick(self) -> None:
        """Every room_tick_seconds, on a fixed schedule (a slow tick does not delay the next
        ones; a tick later than a whole period is skipped, not caught up)."""
        period = self.settings.room_tick_seconds
        due = time.monotonic() + period
        while True:
            stop_if_cancelled()
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            now = time.monotonic()
            due = due + period if due + period > now else now + period
            if self.hub is None:
                continue
            part = self.part
            try:
                await part.tick()
            except Exception as error:
                if isinstance(error, self.hub.errors):
                    part.store_failed()
                    self.hub.outage.warn(part.where(), error)
                    part.outage()
                else:
                    log.exception("%s: tick failed", part.where())
