"""The teacher's part in a room: the commands (each with the room's key), the gallery and
leaderboard each tick, and the spotlit student's frames relayed to the teacher's socket."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from server import catalog, protocol
from server.config import ProtocolError, updated
from server.lessons.experiments import EXPERIMENTS
from server.protocol import Config
from server.rooms import channel, record
from server.rooms import hub as channels
from server.rooms import locks as room_locks
from server.rooms.cards import shown_card
from server.rooms.hub import Subscription
from server.rooms.membership import Holder, InRoom, forbidden, stop_if_cancelled
from server.rooms.room import Room
from server.rooms.scoring import leaderboard
from server.rooms.waiting import WaitingList

log = logging.getLogger("server.rooms.member")

MAX_TEACHER_BACKLOG = 8
"""A gallery is skipped while this many replies wait for the teacher's socket."""


def class_pause(room: Room) -> protocol.ClassPause | None:
    return None if room.paused is None else protocol.ClassPause(message=room.paused)


def room_state(room: Room) -> protocol.RoomStateMessage:
    return protocol.RoomStateMessage(
        locks=room.locks,
        challenge=None if room.challenge is None else protocol.Challenge(**room.challenge),
        paused=class_pause(room))


def no_such_student() -> ProtocolError:
    return ProtocolError("invalid", "student: no such student in the room", "student")


class TeacherMember(InRoom):
    """The room's teacher socket."""

    def __init__(self, member: Holder, code: str, room: Room | None = None) -> None:
        super().__init__(member, code)
        self.room = room
        """The room as last read, put back when a restarted Redis lost it."""
        self.thumbs: dict[str, str] = {}
        """The thumbnail each student's card last carried to the page."""
        self.spotlight: str | None = None
        self.spotlight_feed: tuple[Subscription, asyncio.Task[None]] | None = None
        self.store_down = False
        """Told that the rooms' store does not answer (until a tick works)."""
        self.writing = asyncio.Lock()
        """Held while the room is read, changed and saved (commands, the roster)."""
        self.waiting = WaitingList()
        """Who waits to be admitted."""
        self.files = record.FileRequests()
        """The record's requests for session files."""
        self.hidden: set[str] = set()
        """The students hidden from the gallery, as last read from the store."""
        self.rehide: set[str] = set()
        """Students to hide again as they come back: a restarted Redis lost their mark when
        it lost the room, and each student adds itself back unhidden."""
        self.removed: set[str] = set()
        """Students this socket removed. One removed just as the store failed may not have
        heard it, and adds itself back with the others: it is removed again."""

    def ended(self) -> str | None:
        return self.code

    # ------------------------------------------------------------------ the member's side

    async def before_create(self, code: str) -> None:
        left = self.code
        await self.leave()
        if left != code:
            await self.hub.teacher_left(left)  # its countdown starts: one socket, one room

    def may_join(self) -> None:
        raise ProtocolError("not_applicable", "type: this socket is a room's teacher "
                            "socket; a student joins from a page of its own", "type")

    async def leave(self) -> str:
        if self.spotlight is not None:
            room = await self.hub.get(self.code)
            if room is not None and room.spotlight is not None:
                room.spotlight = None
                await self.hub.save(room)
                await self.publish(channel.Spotlight(to="students", student=None))
        await self.drop()
        return self.code

    async def close(self) -> None:
        await self.leave()
        await self.hub.teacher_left(self.code)

    async def stop(self) -> None:
        self.thumbs = {}
        await self._end_feed()
        self.spotlight = None

    def outage(self) -> None:
        """The teacher hears once per outage that the room is on hold (the students' pages
        keep training; their cards come back with the store)."""
        if not self.store_down:
            self.store_down = True
            self.send(protocol.ErrorMessage(
                code="rooms_unavailable", field=None,
                message="the rooms' store (Redis) does not answer: the gallery waits, and the "
                "room carries on when it answers again"))

    async def command(self, message: protocol.ClientModel) -> None:
        handlers: dict[str, Callable[[Room, Any], Awaitable[None]]] = {
            "room_push": self.on_push, "room_lock": self.on_lock,
            "room_spotlight": self.on_spotlight, "room_hide": self.on_hide,
            "room_remove": self.on_remove, "room_challenge": self.on_challenge,
            "room_close": self.on_close, "room_waiting": self.on_waiting,
            "room_admit": self.on_admit, "room_pause": self.on_pause,
            "room_resume": self.on_resume, "room_record": self.on_record,
        }
        async with self.writing:
            room = await self._room(getattr(message, "key", None))
            await handlers[str(getattr(message, "type"))](room, message)  # noqa: B009

    async def found(self) -> Room | None:
        """The room; put back (same code, key, locks and challenge) when the store failed
        since it was last found, for a restarted Redis comes back empty. None when it is
        closed, or cannot come back (the teacher is told why)."""
        room = await self.hub.get(self.code)
        if room is None and self.store_lost and self.room is not None:
            room, settings = self.room, self.settings
            result = await self.hub.create(room, settings.max_rooms, self.member.address,
                                           settings.max_rooms_per_client)
            if result != "created":
                self.send(protocol.ErrorMessage(
                    code="rooms_unavailable", field=None,
                    message=f"the room {self.code} was lost when the rooms' store (Redis) "
                    f"restarted, and it cannot come back ({result}: other rooms took its "
                    "place): create a new class"))
                return None
            log.info("room %s put back after its store restarted", self.code)
            self.rehide |= self.hidden
            await self.listen_again()
        if room is not None:
            self.room, self.store_lost = room, False
        return room

    async def _room(self, key: str | None) -> Room:
        """The room, if `key` is its key."""
        room = await self.found()
        if room is None:
            await self.drop()
            raise ProtocolError("room_not_found", "type: the room is closed (or expired)",
                                "type")
        if not room.key_matches(key):
            raise forbidden("key", "wrong key")
        return room

    def _ack(self, message: Any, action: protocol.RoomAction, delivered: int | None = None,
             exercise: protocol.PushedExercise | None = None) -> None:
        self.send(protocol.RoomAckMessage(id=message.id, action=action, delivered=delivered,
                                          exercise=exercise))

    # ------------------------------------------------------------------------ commands

    async def on_push(self, room: Room, message: protocol.RoomPushMessage) -> None:
        given = [message.experiment, message.config, message.exercise]
        if sum(item is not None for item in given) != 1:
            raise ProtocolError("invalid", "experiment: push one of an experiment, a config "
                                "or an exercise", "experiment")
        pushed = protocol.RoomPushed()
        if message.exercise is not None:
            pushed = protocol.RoomPushed(exercise=protocol.PushedExercise(
                id=secrets.token_hex(6), kind=message.exercise, seed=secrets.randbelow(2**31)))
        elif message.experiment is not None:
            experiment = EXPERIMENTS.get(message.experiment)
            if experiment is None:
                raise ProtocolError("invalid", f"experiment: unknown experiment "
                                    f"{message.experiment!r}; valid: {', '.join(EXPERIMENTS)}",
                                    "experiment")
            labels = [variant.label for variant in experiment.variants]
            if message.variant is not None and message.variant not in labels:
                raise ProtocolError("invalid", f"variant: {experiment.name!r} has no variant "
                                    f"{message.variant!r}; valid: {', '.join(labels)}",
                                    "variant")
            pushed = protocol.RoomPushed(experiment=experiment.name, variant=message.variant)
        elif message.config is not None:
            updated(catalog.default_config(), message.config)  # checked whole, like configure
            pushed = protocol.RoomPushed(config=message.config.model_dump(exclude_unset=True))
        await self.tell("students", pushed)
        await self.hub.touch(room.code)
        self._ack(message, "push", len(await self.hub.students(room.code)), pushed.exercise)

    async def on_lock(self, room: Room, message: protocol.RoomLockMessage) -> None:
        room.locks = room_locks.ordered(message.controls)
        await self.hub.save(room)
        await self.tell("students", room_state(room))
        self._ack(message, "lock")

    async def on_spotlight(self, room: Room, message: protocol.RoomSpotlightMessage) -> None:
        student = message.student
        if student is not None and student not in {
                s.id for s in await self.hub.students(room.code)}:
            raise no_such_student()
        await self._end_feed()
        room.spotlight = student
        await self.hub.save(room)
        self.spotlight = student
        if student is not None:
            feed = await self.hub.subscribe(channels.frames(room.code, student))
            self.spotlight_feed = (feed, self.spawn(self._receive_frames(feed)))
        await self.publish(channel.Spotlight(to="students", student=student))
        self._ack(message, "spotlight")
        if student is None:
            self.send(protocol.RoomSpotlightInfo(student=None))

    async def on_hide(self, room: Room, message: protocol.RoomHideMessage) -> None:
        if not await self.hub.set_hidden(room.code, message.student, message.hidden):
            raise no_such_student()
        if message.hidden:
            self.hidden.add(message.student)
        else:
            self.hidden.discard(message.student)
            self.rehide.discard(message.student)
        self._ack(message, "hide")

    async def on_remove(self, room: Room, message: protocol.RoomRemoveMessage) -> None:
        if not await self._remove(room.code, message.student):
            raise no_such_student()
        self._ack(message, "remove")

    async def _remove(self, code: str, student: str) -> bool:
        """Take the student out of the room and tell it (and the teacher's page); False when
        it is not in the room."""
        removed = await self.hub.remove_student(code, student)
        if removed is None:
            return False
        self.removed.add(removed.id)
        await self.tell(removed.id, protocol.RoomClosedMessage(reason="removed"))
        await self.tell("teacher", protocol.RoomEventMessage(
            event="left", student=removed.id, name=removed.name))
        return True

    async def on_challenge(self, room: Room, message: protocol.RoomChallengeMessage) -> None:
        if room.challenge is not None:
            room.standings = [*room.standings, await self._standings(room, room.challenge)]
        if message.stop:
            room.challenge = None
        else:
            if message.dataset is None:
                raise ProtocolError("invalid", "dataset: a challenge needs a dataset",
                                    "dataset")
            patch = Config(dataset=message.dataset)
            try:
                updated(catalog.default_config(), patch)
            except ProtocolError as error:  # name the message's field, not a config's
                field = (error.field or "config.dataset").removeprefix("config.")
                raise ProtocolError(error.code, error.message.replace("config.", "", 1),
                                    field) from None
            dataset = message.dataset.model_dump(exclude_unset=True)
            room.challenge = protocol.Challenge(
                title=message.title or "", dataset=dataset,
                max_params=message.max_params, max_epochs=message.max_epochs,
                metric=message.metric, started=time.time()).model_dump(mode="json")
        await self.hub.save(room)
        await self.tell("students", room_state(room))
        if room.challenge is not None:
            await self.tell("students", protocol.RoomPushed(config={
                "dataset": room.challenge["dataset"]}))
        self._ack(message, "challenge")

    async def on_close(self, room: Room, message: protocol.RoomCloseMessage) -> None:
        await self.drop()
        await self.tell("students", protocol.RoomClosedMessage(reason="closed"), room.code)
        await self.tell("teacher", protocol.RoomClosedMessage(reason="closed"), room.code)
        await self.hub.delete(room.code)
        log.info("room %s closed", room.code)
        self._ack(message, "close")

    async def on_waiting(self, room: Room, message: protocol.RoomWaitingMessage) -> None:
        room.waiting_room = message.on
        await self.hub.save(room)
        let_in = 0 if message.on else await self._admit(list(self.waiting), True)
        self._ack(message, "waiting", let_in)

    async def on_admit(self, room: Room, message: protocol.RoomAdmitMessage) -> None:
        if message.student is not None and message.student not in self.waiting:
            raise ProtocolError("invalid", "student: no such student in the waiting room",
                                "student")
        chosen = list(self.waiting) if message.student is None else [message.student]
        self._ack(message, "admit", await self._admit(chosen, message.admit))

    async def _admit(self, students: list[str], admit: bool) -> int:
        for student in students:
            self.waiting.decide(student)
            await self.publish(channel.Admit(to=student, admit=admit))
        return len(students)

    async def on_pause(self, room: Room, message: protocol.RoomPauseMessage) -> None:
        room.paused = message.message
        await self.hub.save(room)
        await self.tell("students", room_state(room))
        self._ack(message, "pause")

    async def on_resume(self, room: Room, message: protocol.RoomResumeMessage) -> None:
        room.paused = None
        await self.hub.save(room)
        await self.tell("students", room_state(room))
        self._ack(message, "resume")

    async def on_record(self, room: Room, message: protocol.RoomRecordMessage) -> None:
        students, cards = await self.hub.students(room.code), await self.hub.cards(room.code)
        standings = list(room.standings)
        if room.challenge is not None:
            standings.append(await self._standings(room, room.challenge))
        best = record.best(standings, students, cards)
        files = await self.files.gather([student.id for student, _, _ in best], self.publish)
        self.send(protocol.RoomRecordReply(
            id=message.id, code=room.code, title=room.title,
            roster=record.roster_csv(room.roster, students),
            standings=record.standings_csv(standings),
            networks=[protocol.RecordNetwork(student=student.id, name=student.name,
                                             score=score, metric=metric,
                                             session=files[student.id])
                      for student, score, metric in best if student.id in files]))

    async def _standings(self, room: Room, challenge: dict[str, Any]) -> dict[str, Any]:
        return record.standings(challenge, await self.hub.students(room.code),
                                await self.hub.cards(room.code))

    # ------------------------------------------------------------------ channel messages

    async def deliver(self, envelope: channel.Message) -> None:
        if envelope.to != "teacher":
            return
        if isinstance(envelope, channel.Knock):
            self._knocked(envelope)
            return
        if isinstance(envelope, channel.SessionFile):
            self.files.answer(envelope)
            return
        if not isinstance(envelope, channel.Forward):
            return
        model = envelope.message
        if isinstance(model, protocol.RoomEventMessage):
            if model.event == "left" and self.waiting.forget(model.student):
                return  # a waiting student went away: not one of the class
            self.spawn(self._note(model))  # not here: a record may wait for files
        if isinstance(model, protocol.RoomSpotlightInfo):
            if model.student is not None and model.student == self.spotlight:
                self.send(model)
            return
        self.send(model)
        if isinstance(model, protocol.RoomEventMessage) and model.event == "left" \
                and model.student == self.spotlight:
            await self._end_feed()
            self.spotlight = None
            self.send(protocol.RoomSpotlightInfo(student=None))
        elif isinstance(model, protocol.RoomClosedMessage):
            await self.drop()

    def _knocked(self, knock: channel.Knock) -> None:
        """A joiner waits: listed in the gallery (and the page hears it at once)."""
        if self.waiting.knocked(knock):
            self.send(protocol.RoomEventMessage(event="waiting", student=knock.student,
                                                name=knock.name))

    async def _note(self, event: protocol.RoomEventMessage) -> None:
        """The roster keeps who came and when (for the record)."""
        async with self.writing:
            room = await self.hub.get(self.code)
            if room is None:
                return
            now = time.time()
            if event.event == "joined":
                room.roster = [*room.roster, {"id": event.student, "name": event.name,
                                              "joined": now, "left": None}]
            else:
                room.roster = [{**entry, "left": now}
                               if entry["id"] == event.student and entry["left"] is None
                               else entry for entry in room.roster]
            await self.hub.save(room)

    # ------------------------------------------------------------------------- spotlight

    async def _receive_frames(self, feed: Subscription) -> None:
        """Relay the spotlit student's frames (a frame not yet sent is replaced)."""
        while True:
            stop_if_cancelled()
            try:
                frame = await feed.get()
            except Exception as error:
                await self.pause_after(error)
                continue
            self.session.relay(frame)

    async def _end_feed(self) -> None:
        feed, self.spotlight_feed = self.spotlight_feed, None
        if feed is not None:
            feed[1].cancel()
            with contextlib.suppress(Exception):
                await feed[0].close()

    # ------------------------------------------------------------------------------ ticks

    async def tick(self) -> None:
        await self._gallery()
        self.store_down = False

    async def _gallery(self) -> None:
        hub, code = self.hub, self.code
        room = await self.found()
        if room is None:
            if self.member.part is self:
                self.send(protocol.RoomClosedMessage(reason="expired"))
                await self.drop()
            return
        await hub.touch(code)
        if self.session.backlog > MAX_TEACHER_BACKLOG:
            return  # the teacher's socket is behind: the next gallery will do
        students, cards = await hub.students(code), await hub.cards(code)
        for student in [student for student in students if student.id in self.removed]:
            await self._remove(code, student.id)
        students = [student for student in students if student.id not in self.removed]
        for student in students:
            if student.id in self.rehide:
                self.rehide.discard(student.id)
                if not student.hidden and await hub.set_hidden(code, student.id, True):
                    student.hidden = True
        self.hidden = {student.id for student in students if student.hidden}
        shown = [shown_card(student, cards.get(student.id), bool(room.locks),
                            self.thumbs.get(student.id)) for student in students]
        self.thumbs = {s.id: self.thumbs[s.id] for s in students if s.id in self.thumbs} | {
            s.id: c["thumb"] for s in students if (c := cards.get(s.id)) and c.get("thumb")}
        self.send(protocol.RoomGalleryMessage(
            code=code, count=len(shown), students=shown, waiting_room=room.waiting_room,
            waiting=self.waiting.shown(self.settings.room_tick_seconds),
            paused=class_pause(room)))
        if room.challenge is not None:
            self.send(protocol.RoomLeaderboardMessage(
                challenge=protocol.Challenge(**room.challenge),
                rows=leaderboard(room.challenge, students, cards)))
