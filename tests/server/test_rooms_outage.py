"""A class on a Redis server that restarts (a managed Redis fails over, its machine reboots):
the students' playgrounds keep training, the teacher is told, and the room comes back with
its students when Redis answers again (empty: rooms keep no persistence). A Redis that never
comes back hangs nothing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest

from server import protocol
from server.rooms import student as student_part
from server.rooms.member import RoomMember
from server.rooms.membership import InRoom
from server.rooms.memory import MemoryHub
from server.rooms.room import Room, new_code, new_key
from server.rooms.student import StudentMember
from server.rooms.teacher import TeacherMember
from server.session import Session
from server.settings import Settings
from tests.redis_server import RedisServer, restartable_redis_server
from tests.server.conftest import Peer
from tests.server.rooms_helpers import ask, create, gallery_with, join, room_settings, sockets

OUTAGE = "rooms_unavailable"


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    """A redis-server of this test alone (the test stops it)."""
    with restartable_redis_server() as server:
        yield server


def frames(peer: Peer, count: int) -> list[dict[str, Any]]:
    """The next `count` frames (text messages between them are skipped)."""
    return [peer.until("frame") for _ in range(count)]


def outage_told(teacher: Peer) -> dict[str, Any]:
    while True:
        message = teacher.until("error")
        if message["code"] == OUTAGE:
            return message


def test_a_class_survives_a_redis_restart(settings: Settings, redis: RedisServer) -> None:
    with sockets(room_settings(settings, "redis", redis.url), 2) as (_, (teacher, student)):
        room = create(teacher, title="Period 3")
        joined = join(student, room["code"], "Ada")
        student.request("play", "status")
        gallery_with(teacher, 1)

        redis.stop()
        told = outage_told(teacher)
        assert told["field"] is None and "Redis" in told["message"]
        epochs = [frame["header"]["epoch"] for frame in frames(student, 20)]
        assert epochs[-1] > epochs[0]  # the student's own playground keeps training

        redis.start()  # on the same port, empty
        back = gallery_with(teacher, 1)
        assert [card["id"] for card in back["students"]] == [joined["student"]]
        assert back["students"][0]["name"] == "Ada"
        assert back["code"] == room["code"]
        ack = ask(teacher, "room_push", key=room["key"],
                  config={"optimizer": {"learning_rate": 0.1}})
        assert (ack["type"], ack["delivered"]) == ("room_ack", 1)
        pushed = student.until("room_push")
        assert pushed["config"] == {"optimizer": {"learning_rate": 0.1}}
        # The restored room still takes its teacher's key, and new students.
        assert ask(teacher, "room_lock", key=room["key"], controls=["dataset"])["type"] == \
            "room_ack"
        assert student.until("room_state")["locks"] == ["dataset"]


def test_a_hidden_student_is_hidden_again_when_the_room_comes_back(
        settings: Settings, redis: RedisServer) -> None:
    """A restarted Redis comes back empty: the students add themselves back unhidden, and the
    teacher's part hides again the ones the teacher had hidden."""
    with sockets(room_settings(settings, "redis", redis.url), 3) as (_, (teacher, ada, bo)):
        room = create(teacher)
        hidden = join(ada, room["code"], "Ada")["student"]
        shown = join(bo, room["code"], "Bo")["student"]
        for student in (ada, bo):
            student.request("play", "status")
        gallery_with(teacher, 2)
        assert ask(teacher, "room_hide", key=room["key"], student=hidden,
                   hidden=True)["type"] == "room_ack"
        while not {card["id"]: card["hidden"]
                   for card in gallery_with(teacher, 2)["students"]}[hidden]:
            pass

        redis.stop()
        outage_told(teacher)
        for student in (ada, bo):  # the students' pages draw their frames meanwhile
            frames(student, 10)
        redis.start()  # on the same port, empty
        back = gallery_with(teacher, 2)
        assert {card["id"]: card["hidden"] for card in back["students"]} == \
            {hidden: True, shown: False}
        # The mark is in the store again, not only on the teacher's page.
        assert ask(teacher, "room_hide", key=room["key"], student=hidden,
                   hidden=False)["type"] == "room_ack"
        while {card["id"]: card["hidden"]
               for card in gallery_with(teacher, 2)["students"]}[hidden]:
            pass


def test_a_frozen_redis_is_given_up_and_the_class_carries_on_when_it_answers(
        settings: Settings, redis: RedisServer) -> None:
    with sockets(room_settings(settings, "redis", redis.url), 2) as (_, (teacher, student)):
        room = create(teacher)
        join(student, room["code"], "Ada")
        student.request("play", "status")
        gallery_with(teacher, 1)
        redis.freeze()  # its sockets stay open; nothing answers
        try:
            outage_told(teacher)
            epochs = [frame["header"]["epoch"] for frame in frames(student, 20)]
            assert epochs[-1] > epochs[0]
            refused = ask(teacher, "room_push", key=room["key"],
                          config={"optimizer": {"learning_rate": 0.1}})
            assert (refused["type"], refused["code"]) == ("error", OUTAGE)
        finally:
            redis.freeze(False)
        gallery_with(teacher, 1)
        ack = ask(teacher, "room_push", key=room["key"],
                  config={"optimizer": {"learning_rate": 0.1}})
        assert (ack["type"], ack["delivered"]) == ("room_ack", 1)
        student.until("room_push")


def test_a_redis_that_never_comes_back_hangs_nothing(settings: Settings,
                                                     redis: RedisServer) -> None:
    with sockets(room_settings(settings, "redis", redis.url), 2) as (client, (teacher, student)):
        room = create(teacher)
        join(student, room["code"], "Bo")
        student.request("play", "status")
        gallery_with(teacher, 1)
        redis.stop()
        outage_told(teacher)
        epochs = [frame["header"]["epoch"] for frame in frames(student, 20)]
        assert epochs[-1] > epochs[0]
        started = time.monotonic()
        refused = ask(teacher, "room_push", key=room["key"],
                      config={"optimizer": {"learning_rate": 0.1}})
        assert (refused["type"], refused["code"]) == ("error", OUTAGE)
        assert "Redis" in refused["message"]
        # A newcomer gets its playground, and a clear answer about rooms.
        with client.websocket_connect("/ws") as ws:
            newcomer = Peer(ws)
            for kind in ("hello", "data", "status", "frame"):
                assert newcomer.receive()["type"] == kind
            assert ask(newcomer, "room_join", code=room["code"], name="Cy")["code"] == OUTAGE
            assert ask(newcomer, "room_create")["code"] == OUTAGE
            newcomer.request("play", "status")
            frames(newcomer, 5)
        assert time.monotonic() - started < 60
    # Leaving the sockets and stopping the app did not hang either (the test would time out).


def _run(scenario: Any) -> None:
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(scenario)
    finally:
        loop.close()


async def _end(one: RoomMember) -> None:
    """Close the member and wait for its listeners to end."""
    part = one.part
    await one.close()
    if isinstance(part, InRoom):
        await asyncio.gather(*part.tasks, return_exceptions=True)


def _member(settings: Settings, hub: MemoryHub) -> tuple[RoomMember, list[Any]]:
    session = Session(settings)
    sent: list[Any] = []
    session.send = sent.append  # type: ignore[method-assign]
    return RoomMember(session, hub, settings, "127.0.0.1"), sent


async def _teacher(settings: Settings, hub: MemoryHub
                   ) -> tuple[RoomMember, list[Any], TeacherMember]:
    """A teacher's socket that created a room: (member, what it sent, its teacher part)."""
    teacher, sent = _member(settings, hub)
    await teacher.on_create(protocol.RoomCreateMessage(type="room_create", id="c1"))
    part = teacher.part
    assert isinstance(part, TeacherMember)
    return teacher, sent, part


def test_a_room_that_cannot_come_back_ends_with_a_sentence_and_a_new_class_opens(
        settings: Settings) -> None:
    one = settings.model_copy(update={"max_rooms": 1})

    async def scenario() -> None:
        hub = MemoryHub(one.room_idle_seconds)
        teacher, sent, part = await _teacher(one, hub)
        code = part.code
        # The store came back empty, and another room took the only place first.
        await hub.delete(code)
        assert await hub.create(Room(new_code(), new_key(), "", time.time()), 5) == "created"
        part.store_lost = True
        sent.clear()
        await part._gallery()
        told = [m for m in sent if isinstance(m, protocol.ErrorMessage)]
        assert len(told) == 1 and told[0].code == OUTAGE
        assert code in told[0].message and "create a new class" in told[0].message
        assert [m.reason for m in sent if isinstance(m, protocol.RoomClosedMessage)] == [
            "expired"]
        assert not isinstance(teacher.part, InRoom) and await hub.get(code) is None
        for other in await _codes(hub):
            await hub.delete(other)
        await teacher.on_create(protocol.RoomCreateMessage(type="room_create", id="c2"))
        assert isinstance(teacher.part, TeacherMember) and teacher.part.code != code
        await _end(teacher)

    _run(scenario())


def test_a_student_removed_as_the_store_failed_is_removed_again_when_it_comes_back(
        settings: Settings) -> None:
    """The removal did not reach the student before the store failed: it adds itself back
    with the others when the room comes back, and the teacher's socket removes it again."""
    async def scenario() -> None:
        hub = MemoryHub(settings.room_idle_seconds)
        teacher, to_teacher, part = await _teacher(settings, hub)
        student, to_student = _member(settings, hub)
        await student.on_join(protocol.RoomJoinMessage(type="room_join", code=part.code,
                                                       name="Ada"))
        ada = student.part
        assert isinstance(ada, StudentMember)
        stays, _ = _member(settings, hub)
        await stays.on_join(protocol.RoomJoinMessage(type="room_join", code=part.code,
                                                     name="Bo"))
        room = await hub.get(part.code)
        assert room is not None
        await part.on_remove(room, protocol.RoomRemoveMessage(
            type="room_remove", key=room.key, student=ada.student))
        assert [s.name for s in await hub.students(part.code)] == ["Bo"]
        # It never heard it, and adds itself back as after a restart of the store.
        assert await hub.add_student(part.code, ada.me, 5) == "added"
        to_teacher.clear()
        await part._gallery()
        galleries = [m for m in to_teacher if isinstance(m, protocol.RoomGalleryMessage)]
        assert [[card.name for card in g.students] for g in galleries] == [["Bo"]]
        assert [s.name for s in await hub.students(part.code)] == ["Bo"]
        assert part.removed == {ada.student}
        for _ in range(50):  # the channel's message reaches its socket
            if any(isinstance(m, protocol.RoomClosedMessage) for m in to_student):
                break
            await asyncio.sleep(0.01)
        assert "removed" in [m.reason for m in to_student
                             if isinstance(m, protocol.RoomClosedMessage)]
        for one in (teacher, student, stays):
            await _end(one)

    _run(scenario())


async def _codes(hub: MemoryHub) -> list[str]:
    return list(hub.rooms)


def test_a_student_whose_room_is_not_put_back_is_told_it_expired(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    async def scenario() -> None:
        hub = MemoryHub(settings.room_idle_seconds)
        room = Room(new_code(), new_key(), "", time.time())
        assert await hub.create(room, 5) == "created"
        student, sent = _member(settings, hub)
        await student.on_join(protocol.RoomJoinMessage(type="room_join", code=room.code,
                                                       name="Ada"))
        await hub.delete(room.code)  # the store came back empty
        part = student.part
        assert isinstance(part, StudentMember)
        part.store_lost = True
        sent.clear()
        await part.publish_card()
        assert sent == [] and student.part is part  # it waits for the teacher's page
        monkeypatch.setattr(student_part, "REJOIN_SECONDS", 0.0)
        await part.publish_card()
        assert [m.reason for m in sent if isinstance(m, protocol.RoomClosedMessage)] == [
            "expired"]
        assert not isinstance(student.part, InRoom)
        await _end(student)

    _run(scenario())
