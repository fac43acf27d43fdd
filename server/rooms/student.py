"""A student's part in a room: its card each tick, the teacher's locks on its session, the
teacher's pushes passed on to its page, and its frames forwarded while the teacher watches.
Nothing here trusts a client's numbers: cards are built from the session itself."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from pydantic import ValidationError

from server import catalog, protocol
from server.config import ProtocolError, merge, updated
from server.lessons.experiments import EXPERIMENTS
from server.payloads import export_payload
from server.protocol import Config
from server.rooms import channel
from server.rooms import hub as channels
from server.rooms import locks as room_locks
from server.rooms.cards import Thumbnailer, card
from server.rooms.membership import Holder, InRoom, stop_if_cancelled
from server.rooms.room import Room, Student
from server.rooms.spotlight import with_spotlight
from server.session.handlers import handle

SPOTLIGHT_FPS = 10.0
PAUSED = (protocol.PlayMessage, protocol.StepMessage, protocol.SearchStartMessage)
"""What a student may not send while the teacher pauses the class: it would train."""


REJOIN_SECONDS = 60.0
"""After its store came back empty (a restarted Redis), a student waits this long for its
teacher's page to put the room back before it is told the room expired."""


class StudentMember(InRoom):
    """A student of room `code`, known to the hub as `student`."""

    def __init__(self, member: Holder, room: Room, student: Student) -> None:
        super().__init__(member, room.code)
        self.student, self.name = student.id, student.name
        self.me = student
        """Itself in its room, put back when a restarted Redis lost it."""
        self.lost_since: float | None = None
        """When it first found its room missing after the store failed."""
        self.locks: list[protocol.LockableControl] = list(room.locks)
        self.challenge: dict[str, Any] | None = room.challenge
        self.pushed: Config | None = None
        """The config the teacher pushed last (a locked field may take its value)."""
        self.spotlit = False
        """The teacher watches this session's frames."""
        self.latest_frame: bytes | None = None
        self.frame_ready = asyncio.Event()
        self.forwarder: asyncio.Task[None] | None = None
        self.thumbnail = Thumbnailer()
        self.paused: str | None = room.paused
        """The teacher's message while the class is paused."""

    # ------------------------------------------------------------------ the member's side

    def check(self, message: protocol.ClientModel) -> None:
        if self.paused is not None and isinstance(message, PAUSED):
            words = f": {self.paused}" if self.paused else ""
            raise ProtocolError("forbidden", f"type: your teacher paused the class{words}",
                                "type")
        room_locks.check(message, self.session.config, self.locks, self.pushed)

    def hold(self) -> None:
        """While the class is paused, the session does not train."""
        if self.paused is not None:
            handle(self.session, protocol.PauseMessage(type="pause"))

    async def before_create(self, code: str) -> None:
        await self.leave()

    async def before_join(self) -> None:
        await self.leave()

    async def leave(self) -> str:
        removed = await self.hub.remove_student(self.code, self.student)
        if removed is not None:
            await self.tell("teacher", protocol.RoomEventMessage(
                event="left", student=removed.id, name=removed.name))
        await self.drop()
        return self.code

    async def stop(self) -> None:
        self._stop_forwarding()

    def offer_frame(self, frame: bytes) -> None:
        if self.spotlit:
            self.latest_frame = frame
            self.frame_ready.set()

    # ------------------------------------------------------------------ channel messages

    async def deliver(self, envelope: channel.Message) -> None:
        if envelope.to not in ("students", self.student):
            return
        if isinstance(envelope, channel.Spotlight):
            self._set_spotlit(envelope.student == self.student)
            return
        if isinstance(envelope, channel.Fetch):
            await self.publish(channel.SessionFile(
                to="teacher", request=envelope.request, student=self.student,
                session=export_payload(self.session.model)))
            return
        if not isinstance(envelope, channel.Forward):
            return
        model = envelope.message
        if isinstance(model, protocol.RoomStateMessage):
            self.locks = list(model.locks)
            self.challenge = None if model.challenge is None else model.challenge.model_dump(
                mode="json")
            self.paused = None if model.paused is None else model.paused.message
        elif isinstance(model, protocol.RoomPushed):
            self.pushed = self._push_target(model)
        self.send(model)
        if isinstance(model, protocol.RoomStateMessage):
            self.hold()
        elif isinstance(model, protocol.RoomClosedMessage):
            await self.drop()

    def _push_target(self, pushed: protocol.RoomPushed) -> Config | None:
        """The config a push leads to (a locked field may take its value)."""
        try:
            if pushed.experiment is not None:
                experiment = EXPERIMENTS[pushed.experiment]
                patch = experiment.config
                for variant in experiment.variants:
                    if variant.label == pushed.variant:
                        patch = merge(patch, variant.config)
                base = catalog.default_config().model_dump()
                return Config.model_validate(merge(base, patch))
            if pushed.config is not None:
                return updated(self.session.config, Config.model_validate(pushed.config))
        except (KeyError, ValidationError, ProtocolError):
            pass
        return None

    # ------------------------------------------------------------------------- spotlight

    def _set_spotlit(self, on: bool) -> None:
        if on and not self.spotlit:
            self.spotlit = True
            self.forwarder = self.spawn(self._forward())
            self.session.send_frame()  # a fresh frame starts the teacher's view
        elif not on:
            self._stop_forwarding()

    def _stop_forwarding(self) -> None:
        self.spotlit, self.latest_frame = False, None
        if self.forwarder is not None:
            self.forwarder.cancel()
            self.forwarder = None

    async def _forward(self) -> None:
        """Publish the latest frame, at most SPOTLIGHT_FPS a second, preceded by the config
        and data whenever they changed."""
        shown: tuple[int, int] | None = None
        last = -1.0
        while True:
            stop_if_cancelled()
            await self.frame_ready.wait()
            self.frame_ready.clear()
            await asyncio.sleep(max(0.0, last + 1 / SPOTLIGHT_FPS - time.monotonic()))
            frame, self.latest_frame = self.latest_frame, None
            if frame is None or self.member.part is not self:
                continue
            model = self.session.model
            now_showing = (id(model.config), id(model.dataset))
            try:
                if now_showing != shown:
                    await self.tell("teacher", protocol.RoomSpotlightInfo(
                        student=self.student, name=self.name, config=model.config,
                        data=self.session.data_message()))
                    shown = now_showing
                await self.hub.publish(channels.frames(self.code, self.student),
                                       with_spotlight(frame, self.student))
            except Exception as error:
                await self.pause_after(error)
            last = time.monotonic()

    # ------------------------------------------------------------------------------ ticks

    async def tick(self) -> None:
        await self.publish_card()

    async def publish_card(self) -> None:
        back: bool | None = True
        if self.store_lost:  # a restarted Redis may have lost the room, or this student
            back = await self.rejoin()
            if back is None:
                return  # the teacher's page has not put the room back yet
        still_open = back and await self.hub.put_card(self.code, self.student,
                                                      card(self.session, self.thumbnail))
        if not still_open and self.member.part is self:
            self.send(protocol.RoomClosedMessage(reason="expired"))
            await self.drop()

    async def rejoin(self) -> bool | None:
        """After the store failed: be in the room again (a student still there stays as it
        is), once the teacher's page put the room back. None while it waits for that, False
        when it waited REJOIN_SECONDS in vain or the room came back full."""
        added = await self.hub.add_student(self.code, self.me,
                                           self.settings.max_students_per_room)
        if added == "added":
            self.store_lost, self.lost_since = False, None
            await self.listen_again()
            return True
        now = time.monotonic()
        self.lost_since = self.lost_since or now
        return None if added == "gone" and now - self.lost_since < REJOIN_SECONDS else False
