"""A room whose teacher and students are served by different server processes sharing one
real redis-server (as on two machines behind a load balancer)."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from contextlib import ExitStack
from typing import Any

from websockets.asyncio.client import connect

from server.frames import decode
from tests.server.test_end_to_end import next_of, run_in_own_loop
from tests.server_process import server_process


async def ask(ws: Any, kind: str, id: int, **fields: Any) -> dict[str, Any]:
    """Send a message; its first text reply (echoing its id)."""
    await ws.send(json.dumps({"type": kind, "id": id, **fields}))
    while True:
        message = await _next_text(ws)
        if message.get("id") == id:
            return message


async def _next_text(ws: Any) -> dict[str, Any]:
    """The next text message; frames on the way are acknowledged, as the page does."""
    while True:
        message = await asyncio.wait_for(ws.recv(), timeout=20)
        if isinstance(message, str):
            reply: dict[str, Any] = json.loads(message)
            return reply
        header, _ = decode(message)
        if "spotlight" not in header:  # a spotlit student's frame is not this session's
            await ws.send(json.dumps({"type": "ack", "frame": header["seq"]}))


async def _read_forever(ws: Any) -> None:
    while True:
        await _next_text(ws)


async def classroom(teacher_url: str, student_url: str) -> None:
    async with connect(teacher_url + "/ws", max_size=None) as teacher, \
            connect(student_url + "/ws", max_size=None) as first, \
            connect(student_url + "/ws", max_size=None) as second:
        room = await ask(teacher, "room_create", 1, title="Two processes")
        assert room["type"] == "room_created", room
        ids = {}
        for id, (ws, name) in enumerate(((first, "Ann"), (second, "Ben")), 2):
            joined = await ask(ws, "room_join", id, code=room["code"], name=name)
            assert joined["type"] == "room_joined", joined
            ids[name] = joined["student"]
        # The students' pages draw (and acknowledge) their frames meanwhile: a session whose
        # frames wait unacknowledged stops, and its card may never get its thumbnail.
        drawing = [asyncio.create_task(_read_forever(ws)) for ws in (first, second)]
        # A card carries its thumbnail once, then null while it is unchanged: the two may come
        # in two galleries (on a busy machine the two students' first cards land in two ticks).
        thumbs: set[str] = set()
        gallery = await next_of(teacher, "room_gallery")
        while True:
            thumbs |= {c["id"] for c in gallery["students"] if c["thumb"] is not None}
            if gallery["count"] >= 2 and {c["id"] for c in gallery["students"]} <= thumbs:
                break
            gallery = await next_of(teacher, "room_gallery")
        for task in drawing:
            task.cancel()
        await asyncio.gather(*drawing, return_exceptions=True)
        assert sorted(c["name"] for c in gallery["students"]) == ["Ann", "Ben"]
        ack = await ask(teacher, "room_push", 4, key=room["key"],
                        config={"dataset": {"name": "xor"}})
        assert ack["delivered"] == 2
        for ws in (first, second):
            assert (await next_of(ws, "room_push"))["config"] == {"dataset": {"name": "xor"}}
        await ask(teacher, "room_lock", 5, key=room["key"], controls=["learning_rate"])
        assert (await next_of(first, "room_state"))["locks"] == ["learning_rate"]
        refused = await ask(first, "configure", 6, config={"optimizer": {"learning_rate": 1}})
        assert (refused["code"], refused["field"]) == ("forbidden",
                                                       "config.optimizer.learning_rate")
        await ask(teacher, "room_spotlight", 7, key=room["key"], student=ids["Ann"])
        info = await next_of(teacher, "room_spotlight")
        assert (info["student"], info["name"]) == (ids["Ann"], "Ann")
        reading = asyncio.create_task(_read_forever(first))  # Ann's page draws its frames
        await first.send(json.dumps({"type": "play"}))
        frame = await next_of(teacher, "frame")
        assert frame["spotlight"] == ids["Ann"]
        reading.cancel()
        await first.close()
        left = await next_of(teacher, "room_event")
        assert (left["event"], left["student"]) == ("left", ids["Ann"])
        assert (await next_of(teacher, "room_spotlight"))["student"] is None


def test_teacher_and_students_on_different_processes_share_a_room(redis_url: str) -> None:
    with ExitStack() as stack:
        _, teacher_base = stack.enter_context(server_process(extra_args=["--redis", redis_url]))
        _, student_base = stack.enter_context(server_process(extra_args=["--redis", redis_url]))
        run_in_own_loop(classroom(teacher_base.replace("http", "ws", 1),
                                  student_base.replace("http", "ws", 1)))
        room_qr = urllib.request.Request(teacher_base + "/api/rooms/ZZZZZZ/qr.svg")
        try:
            urllib.request.urlopen(room_qr, timeout=5)
            raise AssertionError("an unknown room has no QR code")
        except urllib.error.HTTPError as error:
            assert error.code == 404


async def across_workers(url: str, students: int) -> None:
    """A teacher and students on a server of several worker processes (each socket lands on
    whichever process accepts it)."""
    async with connect(url + "/ws", max_size=None) as teacher:
        room = await ask(teacher, "room_create", 1)
        assert room["type"] == "room_created", room
        sockets = [await connect(url + "/ws", max_size=None) for _ in range(students)]
        try:
            for index, ws in enumerate(sockets):
                joined = await ask(ws, "room_join", 2, code=room["code"], name=f"S{index}")
                assert joined["type"] == "room_joined", joined
            gallery = await next_of(teacher, "room_gallery")
            while gallery["count"] < students:
                gallery = await next_of(teacher, "room_gallery")
        finally:
            for ws in sockets:
                await ws.close()


async def refused_rooms(url: str) -> None:
    async with connect(url + "/ws", max_size=None) as ws:
        refused = await ask(ws, "room_create", 1)
        assert (refused["code"], refused["field"]) == ("rooms_unavailable", "type")
        assert "--redis" in refused["message"]


def test_worker_processes_share_rooms_through_redis_and_refuse_them_without(
        redis_url: str) -> None:
    with server_process(extra_args=["--workers", "2", "--redis", redis_url]) as (_, base):
        run_in_own_loop(across_workers(base.replace("http", "ws", 1), 4))
    with server_process(extra_args=["--workers", "2"]) as (_, base):
        for _ in range(3):  # whichever worker answers
            run_in_own_loop(refused_rooms(base.replace("http", "ws", 1)))
