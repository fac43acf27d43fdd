"""One connection's part in a room: none, the teacher's socket, or a student's.

The session hands every room_* message to `submit`; they are handled in order by `run` (the
hub may be a Redis server away), and so are the room's channel messages. Each tick a student's
member publishes its card, and a teacher's sends the gallery (and the leaderboard during a
challenge). A spotlit student's member forwards its frames (at most SPOTLIGHT_FPS) to the
teacher's. Nothing here trusts a client's numbers: cards are built from the session itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationError

from server import catalog, protocol
from server.config import ProtocolError, merge, updated
from server.experiments import EXPERIMENTS
from server.protocol import Config
from server.rooms import hub as channels
from server.rooms import locks as room_locks
from server.rooms.cards import Thumbnailer, card
from server.rooms.hub import Backoff, Hub, Subscription
from server.rooms.room import Room, Student, new_code, new_key, new_student_id
from server.rooms.scoring import leaderboard
from server.rooms.spotlight import with_spotlight
from server.settings import Settings

if TYPE_CHECKING:
    from server.session import Session

log = logging.getLogger(__name__)

SPOTLIGHT_FPS = 10.0
MAX_TEACHER_BACKLOG = 8
"""A gallery is skipped while this many replies wait for the teacher's socket."""
REJOIN_SECONDS = 60.0
"""After its store came back empty (a restarted Redis), a student waits this long for its
teacher's page to put the room back before it is told the room expired."""
CREATE_TRIES = 8
"""New codes tried when one is taken (31^6 codes: a second try is already rare)."""
FORWARDED: dict[str, type[protocol.ServerModel]] = {
    "room_state": protocol.RoomStateMessage, "room_push": protocol.RoomPushed,
    "room_closed": protocol.RoomClosedMessage, "room_event": protocol.RoomEventMessage,
    "room_spotlight": protocol.RoomSpotlightInfo,
}
"""Channel messages a member passes on to its client (validated again on the way)."""


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


def _forbidden(field: str, message: str) -> ProtocolError:
    return ProtocolError("forbidden", f"{field}: {message}", field)


def _stop_if_cancelled() -> None:
    """End the current task if it was cancelled, even when the cancellation was lost.

    On Python 3.11, `asyncio.wait_for` (which redis-py's sends use) returns normally when
    the operation it awaits completes just as the task is cancelled: the CancelledError never
    comes, but the task stays marked as cancelling. The member's loops check this at every
    turn, so a closed connection's tasks always end (a lost cancellation would otherwise keep
    them, their session and the server's shutdown waiting forever)."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


class RoomMember:
    """The room side of one session (see session.RoomLink)."""

    def __init__(self, session: Session, hub: Hub | None, settings: Settings,
                 address: str) -> None:
        self.session, self.hub, self.settings, self.address = session, hub, settings, address
        self.inbox: asyncio.Queue[protocol.ClientModel] = asyncio.Queue()
        self.role: Literal["teacher", "student"] | None = None
        self.code: str | None = None
        self.student: str | None = None
        self.name = ""
        self.locks: list[str] = []
        self.challenge: dict[str, Any] | None = None
        self.pushed: Config | None = None
        """The config the teacher pushed last (a locked field may take its value)."""
        self.events: Subscription | None = None
        self.tasks: set[asyncio.Task[None]] = set()
        """This membership's listeners (cancelled when it ends)."""
        self.thumbs: dict[str, str] = {}
        """Teacher: the thumbnail each student's card last carried to the page."""
        self.spotlight: str | None = None
        self.spotlight_feed: tuple[Subscription, asyncio.Task[None]] | None = None
        self.spotlit = False
        """Student: the teacher watches this session's frames."""
        self.latest_frame: bytes | None = None
        self.frame_ready = asyncio.Event()
        self.forwarder: asyncio.Task[None] | None = None
        self.thumbnail = Thumbnailer()
        self.store_down = False
        """Teacher: told that the rooms' store does not answer (until a tick works)."""
        self.ended: str | None = None
        """Teacher: the room this socket taught until it closed or expired."""
        self.room: Room | None = None
        """Teacher: the room as last read, put back when a restarted Redis lost it."""
        self.me: Student | None = None
        """Student: itself in its room, put back when a restarted Redis lost it."""
        self.listener: asyncio.Task[None] | None = None
        self.store_lost = False
        """The store failed since the room was last found: a missing room may be one that a
        restarted Redis lost, rather than a closed one."""
        self.lost_since: float | None = None
        """Student: when it first found its room missing after the store failed."""

    # ------------------------------------------------------------------ the session's side

    def check(self, message: protocol.ClientModel) -> None:
        if self.role == "student":
            room_locks.check(message, self.session.config, self.locks, self.pushed)

    def submit(self, message: protocol.ClientModel) -> None:
        self.inbox.put_nowait(message)

    def offer_frame(self, frame: bytes) -> None:
        """A frame the session just sent its client: forwarded if the teacher watches."""
        if self.spotlit:
            self.latest_frame = frame
            self.frame_ready.set()

    async def run(self) -> None:
        """Handle room messages in order, and tick, until cancelled."""
        async with asyncio.TaskGroup() as group:
            group.create_task(self._work())
            group.create_task(self._tick())

    async def close(self) -> None:
        """The connection ended: a student leaves its room; a teacher's room stays open for
        room_orphan_seconds, for the teacher to come back (a reloaded page resumes it)."""
        if self.hub is None or self.role is None:
            return
        expected: tuple[type[BaseException], ...] = (TimeoutError, *self.hub.errors)
        code, teacher = self.code, self.role == "teacher"
        try:
            async with asyncio.timeout(5):
                await self._leave()
                if teacher and code is not None:
                    await self.hub.teacher_left(code)
        except expected:
            log.warning("room %s: could not leave cleanly", code)
        finally:
            await self._drop()

    # ------------------------------------------------------------------------ plumbing

    def _send(self, message: protocol.ServerModel) -> None:
        self.session.send(message)

    def _spawn(self, work: Awaitable[None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def _work(self) -> None:
        while True:
            _stop_if_cancelled()
            await self._handle(await self.inbox.get())

    async def _handle(self, message: protocol.ClientModel) -> None:
        id = getattr(message, "id", None)
        try:
            if self.hub is None:
                raise ProtocolError(
                    "rooms_unavailable", f"type: rooms are off: this server runs "
                    f"{self.settings.workers} processes without --redis, and a room must "
                    "live in one place (start it with --redis URL, or --workers 1)", "type")
            handler = self._handlers()[str(getattr(message, "type"))]  # noqa: B009
            await handler(message)
        except ProtocolError as error:
            self._send(protocol.ErrorMessage(id=id, code=error.code,  # type: ignore[arg-type]
                                             message=error.message, field=error.field))
        except Exception as error:
            if self.hub is not None and isinstance(error, self.hub.errors):
                self.store_lost = True
                self.hub.outage.warn("a room message", error)
                self._send(protocol.ErrorMessage(
                    id=id, code="rooms_unavailable", field=None,
                    message="the rooms' store (Redis) does not answer; try again"))
            else:
                log.exception("room message failed")
                self._send(protocol.ErrorMessage(id=id, code="internal", field=None,
                                                 message=f"internal error: {error}"))

    def _handlers(self) -> dict[str, Callable[[Any], Awaitable[None]]]:
        return {
            "room_create": self.on_create, "room_join": self.on_join,
            "room_leave": self.on_leave, "room_push": self.on_push, "room_lock": self.on_lock,
            "room_spotlight": self.on_spotlight, "room_hide": self.on_hide,
            "room_remove": self.on_remove, "room_challenge": self.on_challenge,
            "room_close": self.on_close,
        }

    @property
    def _hub(self) -> Hub:
        assert self.hub is not None
        return self.hub

    async def _publish(self, to: str, kind: str, **fields: Any) -> None:
        assert self.code is not None
        envelope = json.dumps({"to": to, "kind": kind, **fields})
        await self._hub.publish(channels.events(self.code), envelope.encode())

    async def _tell(self, to: str, message: protocol.ServerModel) -> None:
        await self._publish(to, "message", message=message.model_dump(mode="json"))

    async def _enter(self, role: Literal["teacher", "student"], code: str) -> None:
        self.role, self.code = role, code
        self.events = await self._hub.subscribe(channels.events(code))
        self.listener = self._spawn(self._listen(self.events))

    async def _drop(self) -> None:
        """Forget the room here (the hub is not told)."""
        if self.role == "teacher":
            self.ended = self.code
        self.role = None
        self.code = self.student = None
        self.locks, self.challenge, self.pushed = [], None, None
        self.thumbs = {}
        self.room, self.me, self.listener = None, None, None
        self.store_lost, self.lost_since = False, None
        self._stop_forwarding()
        await self._end_feed()
        self.spotlight = None
        current = asyncio.current_task()
        for task in list(self.tasks):
            if task is not current:  # a listener dropping the room ends after this
                task.cancel()
        events, self.events = self.events, None
        if events is not None:
            with contextlib.suppress(Exception):
                await events.close()

    async def _leave(self) -> None:
        """Leave the room, telling the others."""
        code, hub = self.code, self._hub
        if code is None:
            return
        if self.role == "student" and self.student is not None:
            removed = await hub.remove_student(code, self.student)
            if removed is not None:
                await self._tell("teacher", protocol.RoomEventMessage(
                    event="left", student=removed.id, name=removed.name))
        elif self.role == "teacher" and self.spotlight is not None:
            room = await hub.get(code)
            if room is not None and room.spotlight is not None:
                room.spotlight = None
                await hub.save(room)
                await self._publish("students", "spotlight", student=None)
        await self._drop()

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

    async def _teacher_room(self, key: str) -> Room:
        """The room of this teacher socket, if `key` is its key."""
        if self.role != "teacher" or self.code is None:
            if self.role is None and self.ended is not None:
                raise ProtocolError("room_not_found", f"type: the room {self.ended} is closed "
                                    "(or expired)", "type")
            raise _forbidden("key", "only the room's teacher can do this")
        room = await self._found(self.code)
        if room is None:
            await self._drop()
            raise ProtocolError("room_not_found", "type: the room is closed (or expired)",
                                "type")
        if not room.key_matches(key):
            raise _forbidden("key", "wrong key")
        return room

    def _ack(self, message: Any, action: str, delivered: int | None = None,
             exercise: protocol.PushedExercise | None = None) -> None:
        self._send(protocol.RoomAckMessage(id=message.id, action=action,  # type: ignore[arg-type]
                                           delivered=delivered, exercise=exercise))

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
                raise await self._failed_join(_forbidden("key", "wrong key"))
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
        if self.role is not None:
            left, teacher = self.code, self.role == "teacher"
            await self._leave()
            if teacher and left is not None and left != room.code:
                await hub.teacher_left(left)  # its countdown starts: one socket, one room
        self.ended = None
        await self._enter("teacher", room.code)
        self.room = room
        await hub.touch(room.code)
        self._send(protocol.RoomCreatedMessage(
            id=message.id, code=room.code, key=room.key, title=room.title,
            join_path=f"/?room={room.code}",
            limits=protocol.RoomLimits(students=settings.max_students_per_room)))

    async def on_join(self, message: protocol.RoomJoinMessage) -> None:
        hub = self._hub
        if self.role == "teacher":
            raise ProtocolError("not_applicable", "type: this socket is a room's teacher "
                                "socket; a student joins from a page of its own", "type")
        room = await self._room_for_join(message.code, "code", "no open room has this code")
        if self.role == "student":
            await self._leave()
        name = distinct_name(message.name, [s.name for s in await hub.students(room.code)])
        student = Student(new_student_id(), name, time.time())
        added = await hub.add_student(room.code, student, self.settings.max_students_per_room)
        if added == "full":
            raise ProtocolError("room_full", f"code: the room is full "
                                f"({self.settings.max_students_per_room} students)", "code")
        if added == "gone":
            raise ProtocolError("room_not_found", "code: the room just closed", "code")
        await hub.touch(room.code, teacher=False)
        await self._enter("student", room.code)
        self.student, self.name, self.me = student.id, student.name, student
        self.locks, self.challenge = list(room.locks), room.challenge
        self._send(protocol.RoomJoinedMessage(
            id=message.id, code=room.code, title=room.title, student=student.id,
            name=student.name, locks=self.locks,  # type: ignore[arg-type]
            challenge=self.challenge))  # type: ignore[arg-type]
        await self._tell("teacher", protocol.RoomEventMessage(
            event="joined", student=student.id, name=student.name))
        await self._publish_card()

    async def on_leave(self, message: protocol.RoomLeaveMessage) -> None:
        code = self.code
        if self.role is None or code is None:
            raise ProtocolError("not_in_room", "type: this socket is in no room", "type")
        await self._leave()
        self._send(protocol.RoomLeftMessage(id=message.id, code=code))

    async def on_push(self, message: protocol.RoomPushMessage) -> None:
        room = await self._teacher_room(message.key)
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
        await self._tell("students", pushed)
        await self._hub.touch(room.code)
        self._ack(message, "push", len(await self._hub.students(room.code)), pushed.exercise)

    async def on_lock(self, message: protocol.RoomLockMessage) -> None:
        room = await self._teacher_room(message.key)
        room.locks = room_locks.ordered(message.controls)
        await self._hub.save(room)
        await self._tell("students", self._state(room))
        self._ack(message, "lock")

    @staticmethod
    def _state(room: Room) -> protocol.RoomStateMessage:
        return protocol.RoomStateMessage(
            locks=room.locks,  # type: ignore[arg-type]
            challenge=None if room.challenge is None else protocol.Challenge(**room.challenge))

    async def on_spotlight(self, message: protocol.RoomSpotlightMessage) -> None:
        room = await self._teacher_room(message.key)
        student = message.student
        if student is not None and student not in {
                s.id for s in await self._hub.students(room.code)}:
            raise ProtocolError("invalid", "student: no such student in the room", "student")
        await self._end_feed()
        room.spotlight = student
        await self._hub.save(room)
        self.spotlight = student
        if student is not None:
            feed = await self._hub.subscribe(channels.frames(room.code, student))
            self.spotlight_feed = (feed, self._spawn(self._receive_frames(feed)))
        await self._publish("students", "spotlight", student=student)
        self._ack(message, "spotlight")
        if student is None:
            self._send(protocol.RoomSpotlightInfo(student=None))

    async def on_hide(self, message: protocol.RoomHideMessage) -> None:
        room = await self._teacher_room(message.key)
        if not await self._hub.set_hidden(room.code, message.student, message.hidden):
            raise ProtocolError("invalid", "student: no such student in the room", "student")
        self._ack(message, "hide")

    async def on_remove(self, message: protocol.RoomRemoveMessage) -> None:
        room = await self._teacher_room(message.key)
        removed = await self._hub.remove_student(room.code, message.student)
        if removed is None:
            raise ProtocolError("invalid", "student: no such student in the room", "student")
        await self._tell(removed.id, protocol.RoomClosedMessage(reason="removed"))
        await self._tell("teacher", protocol.RoomEventMessage(
            event="left", student=removed.id, name=removed.name))
        self._ack(message, "remove")

    async def on_challenge(self, message: protocol.RoomChallengeMessage) -> None:
        room = await self._teacher_room(message.key)
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
        await self._hub.save(room)
        await self._tell("students", self._state(room))
        if room.challenge is not None:
            await self._tell("students", protocol.RoomPushed(config={
                "dataset": room.challenge["dataset"]}))
        self._ack(message, "challenge")

    async def on_close(self, message: protocol.RoomCloseMessage) -> None:
        room = await self._teacher_room(message.key)
        await self._drop()
        self.code = room.code
        await self._tell("students", protocol.RoomClosedMessage(reason="closed"))
        await self._tell("teacher", protocol.RoomClosedMessage(reason="closed"))
        self.code = None
        await self._hub.delete(room.code)
        log.info("room %s closed", room.code)
        self._ack(message, "close")

    # ------------------------------------------------------------------ channel messages

    async def _listen(self, events: Subscription) -> None:
        backoff = Backoff()
        while self.events is events:
            _stop_if_cancelled()
            try:
                envelope = json.loads(await events.get())
                backoff.reset()
                await self._deliver(envelope)
            except (ValueError, KeyError, TypeError, ValidationError):
                log.warning("room %s: a malformed channel message", self.code)
            except Exception as error:  # the store went away: try again, gently
                await self._pause_after(error, backoff)

    async def _pause_after(self, error: Exception, backoff: Backoff | None = None) -> None:
        if self.hub is not None and isinstance(error, self.hub.errors):
            self.store_lost = True
            self.hub.outage.warn(f"room {self.code}", error)
        else:
            log.exception("room %s: a channel message failed", self.code)
        await (backoff or Backoff()).wait()

    async def _deliver(self, envelope: dict[str, Any]) -> None:
        to, kind = envelope["to"], envelope["kind"]
        if self.role == "teacher":
            if to == "teacher" and kind == "message":
                await self._teacher_receives(envelope["message"])
            return
        if self.role != "student" or to not in ("students", self.student):
            return
        if kind == "spotlight":
            self._set_spotlit(envelope["student"] == self.student)
            return
        message = envelope["message"]
        model = FORWARDED[message["type"]].model_validate(message)
        if isinstance(model, protocol.RoomStateMessage):
            self.locks = list(model.locks)
            self.challenge = None if model.challenge is None else model.challenge.model_dump(
                mode="json")
        elif isinstance(model, protocol.RoomPushed):
            self.pushed = self._push_target(model)
        self._send(model)
        if isinstance(model, protocol.RoomClosedMessage):
            await self._drop()

    async def _teacher_receives(self, message: dict[str, Any]) -> None:
        model = FORWARDED[message["type"]].model_validate(message)
        if isinstance(model, protocol.RoomSpotlightInfo):
            if model.student is not None and model.student == self.spotlight:
                self._send(model)
            return
        self._send(model)
        if isinstance(model, protocol.RoomEventMessage) and model.event == "left" \
                and model.student == self.spotlight:
            await self._end_feed()
            self.spotlight = None
            self._send(protocol.RoomSpotlightInfo(student=None))
        elif isinstance(model, protocol.RoomClosedMessage):
            await self._drop()

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
            self.forwarder = self._spawn(self._forward())
            self.session.send_frame()  # a fresh frame starts the teacher's view
        elif not on:
            self._stop_forwarding()

    def _stop_forwarding(self) -> None:
        self.spotlit, self.latest_frame = False, None
        if self.forwarder is not None:
            self.forwarder.cancel()
            self.forwarder = None

    async def _forward(self) -> None:
        """Student: publish the latest frame, at most SPOTLIGHT_FPS a second, preceded by the
        config and data whenever they changed."""
        shown: tuple[int, int] | None = None
        last = -1.0
        while True:
            _stop_if_cancelled()
            await self.frame_ready.wait()
            self.frame_ready.clear()
            await asyncio.sleep(max(0.0, last + 1 / SPOTLIGHT_FPS - time.monotonic()))
            frame, self.latest_frame = self.latest_frame, None
            if frame is None or self.code is None or self.student is None:
                continue
            model = self.session.model
            now_showing = (id(model.config), id(model.dataset))
            try:
                if now_showing != shown:
                    await self._tell("teacher", protocol.RoomSpotlightInfo(
                        student=self.student, name=self.name, config=model.config,
                        data=self.session.data_message()))
                    shown = now_showing
                await self._hub.publish(channels.frames(self.code, self.student),
                                        with_spotlight(frame, self.student))
            except Exception as error:
                await self._pause_after(error)
            last = time.monotonic()

    async def _receive_frames(self, feed: Subscription) -> None:
        """Teacher: queue the spotlit student's frames; a frame not yet sent is replaced."""
        outbox = self.session.outbox
        while True:
            _stop_if_cancelled()
            try:
                frame = await feed.get()
            except Exception as error:
                await self._pause_after(error)
                continue
            for index, item in enumerate(outbox):
                if isinstance(item, bytes):
                    outbox[index] = frame
                    break
            else:
                outbox.append(frame)
            self.session.wake()

    async def _end_feed(self) -> None:
        feed, self.spotlight_feed = self.spotlight_feed, None
        if feed is not None:
            feed[1].cancel()
            with contextlib.suppress(Exception):
                await feed[0].close()

    # ------------------------------------------------------- a store that came back empty

    async def _found(self, code: str) -> Room | None:
        """Teacher: the room; put back (same code, key, locks and challenge) when the store
        failed since it was last found, for a restarted Redis comes back empty. None when it
        is closed, or cannot come back (the teacher is told why)."""
        room = await self._hub.get(code)
        if room is None and self.store_lost and self.room is not None \
                and self.room.code == code:
            room = self.room
            settings = self.settings
            result = await self._hub.create(room, settings.max_rooms, self.address,
                                            settings.max_rooms_per_client)
            if result in ("limit", "client_limit"):
                self._send(protocol.ErrorMessage(
                    code="rooms_unavailable", field=None,
                    message=f"the room {code} was lost when the rooms' store (Redis) "
                    f"restarted, and it cannot come back ({result}: other rooms took its "
                    "place): create a new class"))
                return None
            log.info("room %s put back after its store restarted", code)
            await self._listen_again(code)
        if room is not None:
            self.room, self.store_lost = room, False
        return room

    async def _rejoin(self, code: str) -> bool | None:
        """Student, after the store failed: be in the room again (a student still there
        stays as it is), once the teacher's page put the room back. None while it waits for
        that, False when it waited REJOIN_SECONDS in vain or the room came back full."""
        if self.me is None:
            return False
        added = await self._hub.add_student(code, self.me, self.settings.max_students_per_room)
        if added == "added":
            self.store_lost, self.lost_since = False, None
            await self._listen_again(code)
            return True
        now = time.monotonic()
        self.lost_since = self.lost_since or now
        return None if added == "gone" and now - self.lost_since < REJOIN_SECONDS else False

    async def _listen_again(self, code: str) -> None:
        """A fresh subscription to the room's channel (the old one may still be waiting to
        connect again), so that what is published from now on arrives."""
        old, listener = self.events, self.listener
        self.events = await self._hub.subscribe(channels.events(code))
        self.listener = self._spawn(self._listen(self.events))
        if listener is not None:
            listener.cancel()
        if old is not None:
            with contextlib.suppress(Exception):
                await old.close()

    # ------------------------------------------------------------------------------ ticks

    async def _tick(self) -> None:
        """Every room_tick_seconds, on a fixed schedule (a slow tick does not delay the next
        ones; a tick later than a whole period is skipped, not caught up)."""
        period = self.settings.room_tick_seconds
        due = time.monotonic() + period
        while True:
            _stop_if_cancelled()
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            now = time.monotonic()
            due = due + period if due + period > now else now + period
            if self.hub is None:
                continue
            try:
                if self.role == "student":
                    await self._publish_card()
                elif self.role == "teacher":
                    await self._gallery()
                self.store_down = False
            except Exception as error:
                if isinstance(error, self.hub.errors):
                    self.store_lost = True
                    self.hub.outage.warn(f"room {self.code}", error)
                    self._tell_outage()
                else:
                    log.exception("room %s: tick failed", self.code)

    def _tell_outage(self) -> None:
        """The teacher hears once per outage that the room is on hold (the students' pages
        keep training; their cards come back with the store)."""
        if self.role == "teacher" and not self.store_down:
            self.store_down = True
            self._send(protocol.ErrorMessage(
                code="rooms_unavailable", field=None,
                message="the rooms' store (Redis) does not answer: the gallery waits, and the "
                "room carries on when it answers again"))

    async def _publish_card(self) -> None:
        code, student = self.code, self.student
        if code is None or student is None:
            return
        back: bool | None = True
        if self.store_lost:  # a restarted Redis may have lost the room, or this student
            back = await self._rejoin(code)
            if back is None:
                return  # the teacher's page has not put the room back yet
        still_open = back and await self._hub.put_card(code, student,
                                                       card(self.session, self.thumbnail))
        if not still_open and self.code == code:
            self._send(protocol.RoomClosedMessage(reason="expired"))
            await self._drop()

    async def _gallery(self) -> None:
        hub, code = self._hub, self.code
        if code is None:
            return
        room = await self._found(code)
        if room is None:
            if self.code == code:
                self._send(protocol.RoomClosedMessage(reason="expired"))
                await self._drop()
            return
        await hub.touch(code)
        if len(self.session.outbox) > MAX_TEACHER_BACKLOG:
            return  # the teacher's socket is behind: the next gallery will do
        students, cards = await hub.students(code), await hub.cards(code)
        shown = [self._card(student, cards.get(student.id), bool(room.locks))
                 for student in students]
        self.thumbs = {s.id: self.thumbs[s.id] for s in students if s.id in self.thumbs} | {
            s.id: c["thumb"] for s in students if (c := cards.get(s.id)) and c.get("thumb")}
        self._send(protocol.RoomGalleryMessage(code=code, count=len(shown), students=shown))
        if room.challenge is not None:
            self._send(protocol.RoomLeaderboardMessage(
                challenge=protocol.Challenge(**room.challenge),
                rows=leaderboard(room.challenge, students, cards)))

    def _card(self, student: Student, found: dict[str, Any] | None,
              locked: bool) -> protocol.StudentCard:
        found = found or {}
        thumb = found.get("thumb")
        return protocol.StudentCard(
            id=student.id, name=student.name, hidden=student.hidden,
            epoch=found.get("epoch", 0), train_loss=found.get("train_loss"),
            val_loss=found.get("val_loss"), val_accuracy=found.get("val_accuracy"),
            test_loss=found.get("test_loss"), test_accuracy=found.get("test_accuracy"),
            params=found.get("params", 0), dead=found.get("dead", 0),
            advice=found.get("advice", []),
            thumb=None if thumb == self.thumbs.get(student.id) else thumb,
            task=found.get("task", "binary"), status=found.get("status", "paused"),
            joined=student.joined, locked=locked, exercise=found.get("exercise"))
