"""Rooms' parts alone: scoring, locks, spotlight headers, thumbnails, settings, routes."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import csv
import io
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from server import protocol
from server.app import create_app
from server.config import ProtocolError
from server.frames import decode
from server.protocol import Config
from server.rooms import channel, locks, record
from server.rooms import hub as hub_channels
from server.rooms.cards import Thumbnailer, card
from server.rooms.member import RoomMember
from server.rooms.memory import MemoryHub
from server.rooms.room import Room, Student, new_code, new_key
from server.rooms.scoring import leaderboard
from server.rooms.spotlight import with_spotlight
from server.session import Session, handle
from server.settings import Settings
from tests.server.rooms_helpers import ask, sockets


def test_codes_and_keys() -> None:
    codes = {new_code() for _ in range(200)}
    assert all(len(c) == 6 and set(c) <= set(protocol.ROOM_CODE_ALPHABET) for c in codes)
    assert not set("".join(codes)) & set("01OIL")
    key = new_key()
    assert len(key) == 32 and key != new_key()
    room = Room("ABCDEF", key, "", 0.0)
    assert room.key_matches(key) and not room.key_matches(key[:-1] + "x")
    assert not room.key_matches(None)
    assert key not in repr(room)


def _card(params: int, accuracy: float | None, epoch: int = 10,
          dataset: str = "xor") -> dict[str, object]:
    return {"params": params, "epoch": epoch, "test_accuracy": accuracy,
            "test_loss": None if accuracy is None else 1 - accuracy,
            "dataset": {"name": dataset, "points": 500}}


def test_the_leaderboard_breaks_ties_with_fewer_params_and_lists_the_ineligible_last() -> None:
    challenge = {"dataset": {"name": "xor"}, "max_params": 50, "max_epochs": 100,
                 "metric": "test_accuracy"}
    students = [Student(name, name, joined) for joined, name in enumerate(
        ["big", "tie_many", "tie_few", "best", "over", "late", "other_data", "none"])]
    cards = {"big": _card(60, 0.99), "tie_many": _card(40, 0.9), "tie_few": _card(20, 0.9),
             "best": _card(30, 0.95), "over": _card(30, 0.97, epoch=101),
             "late": _card(10, 0.5), "other_data": _card(10, 1.0, dataset="circle"),
             "none": _card(10, None)}
    rows = leaderboard(challenge, students, cards)
    assert [(r.student, r.rank, r.eligible) for r in rows] == [
        ("best", 1, True), ("tie_few", 2, True), ("tie_many", 3, True), ("late", 4, True),
        ("other_data", 5, False), ("big", 6, False), ("over", 7, False), ("none", 8, False)]
    by_loss = leaderboard({**challenge, "metric": "test_loss"}, students, cards)
    assert [r.student for r in by_loss[:2]] == ["best", "tie_few"]


def test_locks_name_the_locked_field_and_let_the_push_through() -> None:
    old = Config()
    new = old.model_copy(update={"dataset": old.dataset.model_copy(update={"noise": 0.3})})
    with pytest.raises(ProtocolError) as error:
        locks.check_config(old, new, ["dataset"], None)
    assert (error.value.code, error.value.field) == ("forbidden", "config.dataset.noise")
    locks.check_config(old, new, ["dataset"], new)  # the teacher pushed exactly this
    locks.check_config(old, new, ["learning_rate", "layers"], None)
    wider = old.model_copy(update={"hidden": [protocol.HiddenLayer(units=8)]})
    with pytest.raises(ProtocolError) as error:
        locks.check_config(old, wider, ["layers"], None)
    assert error.value.field == "config.hidden"
    with pytest.raises(ProtocolError) as error:
        locks.check(protocol.ReviveMessage(type="revive", rule="leaky"), old, ["activation"], None)
    assert error.value.field == "config.hidden"
    # Re-drawing the dead neurons divides the learning rate: its lock stops it.
    locks.check(protocol.ReviveMessage(type="revive"), old, ["activation"], None)
    with pytest.raises(ProtocolError) as error:
        locks.check(protocol.ReviveMessage(type="revive"), old, ["learning_rate"], None)
    assert error.value.field == "config.optimizer.learning_rate"
    assert locks.ordered(["output", "dataset", "output"]) == ["dataset", "output"]


def test_a_spotlit_frame_keeps_its_arrays_and_names_the_student() -> None:
    session = Session(Settings())
    frame = session.frame()
    header, arrays = decode(frame)
    marked = with_spotlight(frame, "abc123")
    new_header, new_arrays = decode(marked)
    assert new_header == {**header, "spotlight": "abc123"}
    assert new_header["spotlight"] == "abc123"
    assert (4 + int.from_bytes(marked[:4], "little")) % 4 == 0
    for name, values in arrays.items():
        assert (new_arrays[name] == values).all()
    protocol.FrameHeader.model_validate(new_header)


def test_a_card_is_built_from_the_session_itself() -> None:
    session = Session(Settings())
    built = card(session, Thumbnailer())
    metrics = session.model.trainer.metrics()
    assert built["params"] == session.model.net.num_params()
    assert built["test_accuracy"] == pytest.approx(metrics["test_accuracy"], abs=1e-6)
    pixels = base64.b64decode(built["thumb"])
    assert len(pixels) == 32 * 32
    assert built["dataset"]["name"] == "circle" and built["status"] == "paused"
    protocol.StudentCard(id="x", name="x", hidden=False, joined=0.0, locked=False,
                         **{k: v for k, v in built.items()
                            if k not in ("dataset", "at", "imported")})


def test_multiclass_thumbnails_spread_the_classes_over_the_bytes() -> None:
    session = Session(Settings())
    from server.config import updated

    config = updated(session.config, Config.model_validate(
        {"dataset": {"name": "blobs", "classes": 3}}))
    handle(session, protocol.ConfigureMessage(type="configure", config=config))
    pixels = set(base64.b64decode(Thumbnailer()(session)))
    assert pixels <= {0, 128, 255}


def test_several_processes_without_redis_refuse_rooms_clearly(settings: Settings) -> None:
    with sockets(settings.model_copy(update={"workers": 2}), 1) as (client, (peer,)):
        refused = ask(peer, "room_create")
        assert (refused["code"], refused["field"]) == ("rooms_unavailable", "type")
        assert "--redis" in refused["message"]
        assert client.get("/api/rooms/ABCDEF/qr.svg").status_code == 404
        assert client.get("/health").json()["rooms"] == "off"


def test_teach_serves_the_teachers_page_when_there_is_one(settings: Settings,
                                                          web_dir: Path) -> None:
    with TestClient(create_app(settings)) as client:
        assert client.get("/teach").status_code == 404
        (web_dir / "teach").mkdir()
        (web_dir / "teach" / "index.html").write_text("<!doctype html><title>Teach</title>")
        page = client.get("/teach")
        assert page.status_code == 200 and "<title>Teach</title>" in page.text
        assert page.headers["content-type"].startswith("text/html")
        assert "content-security-policy" in page.headers


def test_a_redis_url_that_does_not_answer_stops_the_server_with_a_clear_error(
        settings: Settings) -> None:
    from tests.server_process import free_port

    port = free_port()
    app = create_app(settings.model_copy(update={
        "redis_url": f"redis://:secret-password@127.0.0.1:{port}/0"}))
    with pytest.raises(RuntimeError) as error, TestClient(app):
        pass
    assert f"127.0.0.1:{port}" in str(error.value)
    assert "secret-password" not in str(error.value)


class _LosesCancellations(MemoryHub):
    """A store whose card writes lose a cancellation arriving meanwhile, as Python 3.11's
    asyncio.wait_for (used by redis-py's sends) does when the send completes just then."""

    def __init__(self) -> None:
        super().__init__(idle_seconds=60)
        self.writing = asyncio.Event()

    async def put_card(self, code: str, student: str, card: dict[str, Any]) -> bool:
        self.writing.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(0.05)
        return await super().put_card(code, student, card)


def test_a_members_tasks_end_even_when_the_store_loses_their_cancellation(
        settings: Settings) -> None:
    async def scenario() -> None:
        hub = _LosesCancellations()
        fast = settings.model_copy(update={"room_tick_seconds": 0.01})
        room = Room(new_code(), new_key(), "", time.time())
        assert await hub.create(room, 5) == "created"
        member = RoomMember(Session(fast), hub, fast, "127.0.0.1")
        await member.on_join(protocol.RoomJoinMessage(type="room_join", code=room.code,
                                                      name="Ada"))
        running = asyncio.create_task(member.run())
        hub.writing.clear()
        await hub.writing.wait()  # the tick is inside a card write: cancel it there
        running.cancel()
        ended, _ = await asyncio.wait({running}, timeout=5)
        assert ended == {running} and running.cancelled(), "the member's tasks did not end"
        await member.close()
        assert await hub.students(room.code) == []

    # Not asyncio.run: on failure it would wait for the very tasks that do not end.
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(scenario())
    finally:
        loop.close()


def test_channel_messages_are_typed_and_a_malformed_one_is_refused() -> None:
    state = channel.Forward(to="students", message=protocol.RoomStateMessage(
        locks=["dataset"], challenge=None))
    assert channel.decode(channel.encode(state)) == state
    spot = channel.Spotlight(to="students", student="ab12")
    assert channel.decode(channel.encode(spot)) == spot
    for junk in (b"not json", b"{}", b'{"to": "students", "kind": "message"}',
                 b'{"to": "students", "kind": "message", "message": {"type": "hello"}}',
                 b'{"to": "students", "kind": "spotlight", "student": 3}',
                 b'{"to": "students", "kind": "shout", "student": null}'):
        with pytest.raises(channel.Malformed):
            channel.decode(junk)


def test_a_malformed_channel_message_is_dropped_and_the_member_carries_on(
        settings: Settings) -> None:
    async def scenario() -> None:
        hub = MemoryHub(60.0)
        room = Room(new_code(), new_key(), "", time.time())
        assert await hub.create(room, 5) == "created"
        session = Session(settings)
        member = RoomMember(session, hub, settings, "127.0.0.1")
        await member.on_join(protocol.RoomJoinMessage(type="room_join", code=room.code,
                                                      name="Ada"))
        events = hub_channels.events(room.code)
        await hub.publish(events, b'{"to": "students", "kind": "message", "message": 7}')
        await hub.publish(events, channel.encode(channel.Forward(
            to="students", message=protocol.RoomStateMessage(locks=["layers"],
                                                             challenge=None))))
        for _ in range(100):
            if any('"room_state"' in str(item) for item in session.outbox):
                break
            await asyncio.sleep(0.01)
        assert any('"locks":["layers"]' in str(item) for item in session.outbox)
        await member.close()
        assert await hub.students(room.code) == []

    asyncio.run(scenario())


def test_the_records_roster_lists_every_stay_and_the_students_it_missed() -> None:
    roster = [{"id": "a", "name": "Ada", "joined": 0.0, "left": 600.0},
              {"id": "b", "name": "Bo, \"the\" second", "joined": 60.0, "left": None},
              {"id": "d", "name": "Di", "joined": 90.0, "left": None}]
    present = [Student("b", "Bo, \"the\" second", 60.0), Student("c", "Cy", 120.0)]
    rows = list(csv.reader(io.StringIO(record.roster_csv(roster, present, now=1260.0))))
    # Di left while the teacher's page was closed: when is unknown, so are her minutes.
    assert rows == [["name", "joined", "left", "minutes"],
                    ["Ada", "1970-01-01T00:00:00Z", "1970-01-01T00:10:00Z", "10.0"],
                    ["Bo, \"the\" second", "1970-01-01T00:01:00Z", "", "20.0"],
                    ["Di", "1970-01-01T00:01:30Z", "unknown", ""],
                    ["Cy", "1970-01-01T00:02:00Z", "", "19.0"]]


def test_the_records_best_networks_follow_the_last_challenge_else_the_test_scores() -> None:
    ada, bo, cy = Student("a", "Ada", 1.0), Student("b", "Bo", 2.0), Student("c", "Cy", 3.0)
    cards = {"a": {"task": "binary", "test_accuracy": 0.8},
             "b": {"task": "binary", "test_accuracy": 0.9},
             "c": {"task": "regression", "test_loss": 0.1}}
    best = record.best([], [ada, bo, cy], cards)
    assert [(s.name, metric) for s, _, metric in best] == [
        ("Bo", "test_accuracy"), ("Ada", "test_accuracy"), ("Cy", "test_loss")]
    standings = [{"challenge": "", "metric": "test_loss", "rows": [
        {"student": "c", "score": 0.2, "eligible": True},
        {"student": "gone", "score": 0.3, "eligible": True},
        {"student": "a", "score": None, "eligible": False}]}]
    assert [(s.name, score) for s, score, _ in record.best(standings, [ada, bo, cy], cards)] \
        == [("Cy", 0.2)]
