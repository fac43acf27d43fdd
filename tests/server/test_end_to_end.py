"""One session against a real `python -m server` process, over a real websocket client."""

from __future__ import annotations

import asyncio
import json
import signal
import threading
import time
import urllib.request
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from server.frames import decode
from server.protocol import FrameHeader
from tests.server_process import running_server, server_process


def run_in_own_loop(coroutine: Coroutine[Any, Any, None]) -> None:
    """asyncio.run in a thread of its own: Playwright's sync API, used by the browser tests
    in the same pytest process, leaves an event loop running in the main thread."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coroutine)
        except BaseException as error:  # re-raised in the test's thread
            failure.append(error)

    # A daemon: if the test times out (pytest-timeout), a stuck loop cannot keep pytest alive.
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


async def next_of(ws: Any, kind: str) -> dict[str, Any]:
    while True:
        message = await asyncio.wait_for(ws.recv(), timeout=20)
        if isinstance(message, bytes):
            header, _ = decode(message)
            FrameHeader.model_validate(header)  # what a real server sends matches the schema
            await ws.send(json.dumps({"type": "ack", "frame": header["seq"]}))
            if kind == "frame":
                return header
            continue
        reply: dict[str, Any] = json.loads(message)
        if reply["type"] == kind:
            return reply


async def reply_to(ws: Any, kind: str, id: int) -> dict[str, Any]:
    """The message of this type that answers the message with this id."""
    reply = await next_of(ws, kind)
    while reply["id"] != id:
        reply = await next_of(ws, kind)
    return reply


async def session(url: str) -> None:
    async with connect(url + "/ws", max_size=None) as ws:
        hello = await next_of(ws, "hello")
        assert hello["protocol"] == 2
        await ws.send(json.dumps({"type": "configure", "id": 1,
                                  "config": {"dataset": {"name": "xor"}}}))
        assert (await next_of(ws, "config"))["config"]["dataset"]["name"] == "xor"
        await ws.send(json.dumps({"type": "step", "id": 2, "epochs": 5}))
        status = await reply_to(ws, "status", 2)
        assert (status["state"], status["epoch"]) == ("paused", 5)
        await ws.send(json.dumps({"type": "play"}))
        first = await next_of(ws, "frame")
        frame = first
        while frame["epoch"] < first["epoch"] + 100:
            frame = await next_of(ws, "frame")
        assert frame["metrics"]["train_loss"] < first["metrics"]["train_loss"]
        await ws.send(json.dumps({"type": "pause", "id": 3}))
        status = await reply_to(ws, "status", 3)
        assert status["state"] == "paused"
        await ws.send("not json")
        assert (await next_of(ws, "error"))["code"] == "bad_json"


async def refused(url: str) -> None:
    with pytest.raises(InvalidStatus) as error:
        async with connect(url + "/ws", origin="http://evil.example"):  # type: ignore[arg-type]
            pass
    assert error.value.response.status_code == 403


def test_a_real_server_trains_streams_and_refuses_foreign_origins() -> None:
    with running_server() as base_url:
        with urllib.request.urlopen(base_url + "/health", timeout=5) as response:
            assert json.loads(response.read())["status"] == "ok"
        url = base_url.replace("http://", "ws://")
        run_in_own_loop(session(url))
        run_in_own_loop(refused(url))


def children(pid: int) -> set[int]:
    """The process's children, from /proc (as bench/load.py reads them)."""
    return {int(child) for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()}


def running(pid: int) -> bool:
    """The process exists and has not exited (a zombie waiting to be reaped has)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


async def a_search(url: str) -> None:
    async with connect(url + "/ws", max_size=None) as ws:
        await next_of(ws, "hello")
        await ws.send(json.dumps({"type": "search_start", "id": 1, "method": "grid",
                                  "space": {"learning_rate": [0.01, 0.1, 0.3]}, "epochs": 5}))
        progress = await next_of(ws, "search_progress")
        while progress["state"] == "running":
            progress = await next_of(ws, "search_progress")
        assert progress["state"] == "done"


@pytest.mark.parametrize("stop", ["terminate", "kill"])
def test_search_workers_end_with_their_server(stop: str) -> None:
    with server_process() as (process, base_url):
        run_in_own_loop(a_search(base_url.replace("http://", "ws://")))
        workers = children(process.pid)
        assert workers, "the search ran in worker processes"
        if stop == "kill":
            process.send_signal(signal.SIGKILL)
            process.wait()
    deadline = time.monotonic() + 30
    while (alive := {pid for pid in workers if running(pid)}) \
            and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive, f"search workers {sorted(alive)} outlived their server"
