"""The waiting room: a joiner waits (`WaitingMember`, in its own process) until the teacher
lets it in or refuses it; the teacher's process lists who waits (`WaitingList`). Nothing about
a waiting student is stored in the hub: it knocks on the room's channel every tick."""

from __future__ import annotations

import time
from collections.abc import Iterator

from server import protocol
from server.config import ProtocolError
from server.rooms import channel
from server.rooms.membership import Holder, InRoom
from server.rooms.room import Room, Student

KNOCKS_MISSED = 3
"""A waiting student not heard of for this many ticks has gone."""


class WaitingList:
    """Who waits, first come first: id -> (name, since, last heard of)."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[str, float, float]] = {}
        self.decided: set[str] = set()
        """Admitted or refused: a knock sent before the answer arrived is not a new one."""

    def __contains__(self, student: str) -> bool:
        return student in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.entries))

    def knocked(self, knock: channel.Knock) -> bool:
        """Note a knock; True when the student was not listed yet."""
        if knock.student in self.decided:
            return False
        new = knock.student not in self.entries
        self.entries[knock.student] = (knock.name, knock.since, time.monotonic())
        return new

    def forget(self, student: str) -> bool:
        """Unlist the student; True when it was listed."""
        return self.entries.pop(student, None) is not None

    def decide(self, student: str) -> None:
        """The teacher admitted or refused the student: unlisted for good."""
        self.forget(student)
        self.decided.add(student)

    def shown(self, tick_seconds: float) -> list[protocol.WaitingStudent]:
        """The list for the gallery, without those not heard of lately."""
        heard = time.monotonic() - KNOCKS_MISSED * tick_seconds
        self.entries = {id: seen for id, seen in self.entries.items() if seen[2] > heard}
        return [protocol.WaitingStudent(id=id, name=name, since=since)
                for id, (name, since, _) in self.entries.items()]


class WaitingMember(InRoom):
    """A joiner in the waiting room: it hears nothing of the room but its own admission (or
    the room's end), and knocks every tick so that the teacher's page lists it."""

    def __init__(self, member: Holder, room: Room, student: Student) -> None:
        super().__init__(member, room.code)
        self.student = student

    async def before_create(self, code: str) -> None:
        await self.leave()

    async def before_join(self) -> None:
        await self.leave()

    async def leave(self) -> str:
        await self.tell("teacher", protocol.RoomEventMessage(
            event="left", student=self.student.id, name=self.student.name))
        await self.drop()
        return self.code

    async def tick(self) -> None:
        if await self.hub.get(self.code) is None:
            if self.member.part is self:
                self.send(protocol.RoomClosedMessage(reason="expired"))
                await self.drop()
            return
        await self.knock()

    async def knock(self) -> None:
        await self.publish(channel.Knock(to="teacher", student=self.student.id,
                                         name=self.student.name, since=self.student.joined))

    async def deliver(self, envelope: channel.Message) -> None:
        if isinstance(envelope, channel.Admit) and envelope.to == self.student.id:
            await self.drop()
            if not envelope.admit:
                self.send(protocol.RoomClosedMessage(reason="refused"))
                return
            room = await self.hub.get(self.code)
            if room is None:
                self.send(protocol.RoomClosedMessage(reason="expired"))
                return
            try:
                await self.member.admit(room, self.student.id, self.student.name, None)
            except ProtocolError as error:
                self.send(protocol.ErrorMessage.model_validate(
                    {"code": error.code, "message": error.message, "field": error.field}))
        elif isinstance(envelope, channel.Forward) and envelope.to == "students" \
                and isinstance(envelope.message, protocol.RoomClosedMessage):
            self.send(envelope.message)
            await self.drop()
