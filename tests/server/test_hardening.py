"""One client cannot hurt the server or the other clients: limits, named errors, guards."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from starlette.websockets import WebSocketDisconnect
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory

from server import cli, limits, protocol, security, wire
from server.app import create_app
from server.config import ProtocolError
from server.guard import LoopBudget
from server.runner import HELD_MESSAGES, Connection, parse, run_session
from server.scheduler import Scheduler
from server.session import Session, handle
from server.session.frames import FRAMES_IN_FLIGHT
from server.session.handlers import HANDLERS
from server.settings import Settings
from tests.server.conftest import Peer
from tests.server_process import server_process

ROOT = Path(__file__).resolve().parents[2]


def opened(ws: Any, acks: bool = True) -> Peer:
    """A peer past the greeting (hello, data, status, first frame)."""
    peer = Peer(ws, acks)
    for kind in ("hello", "data", "status", "frame"):
        assert peer.receive()["type"] == kind
    return peer


def error_for(peer: Peer, text: str) -> dict[str, Any]:
    peer.ws.send_text(text)
    return peer.until("error")


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> bool:
    return not any(record.exc_info for record in caplog.records)


# ------------------------------------------------------------------- 1. bounded request headers


def raw_response(port: int, request: bytes) -> bytes:
    """Send `request` on a fresh connection and read until the server closes it."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        s.sendall(request)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


@pytest.mark.slow
def test_oversized_headers_get_400_before_any_route_or_handshake() -> None:
    big = b"X-Big: " + b"a" * 20_000 + b"\r\n"  # more than max_header_bytes, not ended
    with server_process() as (_, base_url):
        port = int(base_url.rsplit(":", 1)[1])
        plain = raw_response(port, b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + big)
        assert plain.startswith(b"HTTP/1.1 400")
        upgrade = raw_response(port, b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket"
                               b"\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                               b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" + big)
        assert upgrade.startswith(b"HTTP/1.1 400")
        fine = raw_response(port, b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Ok: "
                            + b"a" * 8000 + b"\r\nConnection: close\r\n\r\n")
        assert fine.startswith(b"HTTP/1.1 200")


def test_the_command_line_picks_the_bounded_http_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(cli.uvicorn, "run", lambda app, **options: calls.append(options))
    cli.main(["--no-browser", "--port", "8123"])
    options = calls[0]
    assert options["http"] == "h11" and options["ws"] == "server.wire:Protocol"
    assert options["h11_max_incomplete_event_size"] == Settings().max_header_bytes
    assert options["ws_ping_interval"] == options["ws_ping_timeout"] == Settings().ping_timeout


def test_the_websocket_protocol_deflates_at_the_fastest_level() -> None:
    """uvicorn's sans-I/O protocol (the bounded one), its deflate at zlib's level 1."""
    config = uvicorn.Config(app=create_app(Settings()), ws_per_message_deflate=True)
    config.load()
    loop = asyncio.new_event_loop()
    try:
        protocol = wire.Protocol(config, ServerState(), {}, _loop=loop)
    finally:
        loop.close()
    assert isinstance(protocol, WebSocketsSansIOProtocol)
    [deflate] = protocol.conn.available_extensions
    assert isinstance(deflate, ServerPerMessageDeflateFactory)
    assert deflate.compress_settings == {"memLevel": 5, "level": 1}


# ------------------------------------------------------------- 2. and 3. fair, bounded backlog


class FakeSocket:
    """A websocket whose client sends `texts` and never reads (sends block) unless `reads`."""

    def __init__(self, texts: list[str], reads: bool = False) -> None:
        self.texts, self.reads, self.received, self.sent = list(texts), reads, 0, 0
        self.app = SimpleNamespace(state=SimpleNamespace(scheduler=Scheduler()))
        self.closed: int | None = None

    async def receive(self) -> dict[str, Any]:
        if not self.texts:
            await asyncio.Event().wait()
        self.received += 1
        return {"type": "websocket.receive", "text": self.texts.pop(0)}

    async def send_text(self, text: str) -> None:
        await self._send()

    async def send_bytes(self, data: bytes) -> None:
        await self._send()

    async def _send(self) -> None:
        if not self.reads:
            await asyncio.Event().wait()
        self.sent += 1

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        self.closed = code


def big_session(settings: Settings) -> Session:
    session = Session(settings)
    handle(session, parse(json.dumps({"type": "configure", "config": {
        "dataset": {"points": limits.MAX_POINTS}}}), limits.MAX_MESSAGE_BYTES))
    session.outbox.clear()
    return session


def test_a_client_that_does_not_read_stops_being_read_past_the_backlog_bytes() -> None:
    settings = Settings(max_backlog_bytes=300_000)
    session = big_session(settings)
    websocket = FakeSocket([json.dumps({"type": "export", "id": i}) for i in range(50)])
    connection = Connection(websocket, session, settings,  # type: ignore[arg-type]
                            LoopBudget(burst=10.0))

    async def main() -> None:
        tasks = [asyncio.create_task(connection.consume()),
                 asyncio.create_task(connection.produce())]
        for _ in range(10_000):  # until the backlog is full (a bounded wait)
            await asyncio.sleep(0.001)
            if connection.full():
                break
        for _ in range(100):  # then nothing more is read
            await asyncio.sleep(0.001)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(main())
    # One export (about 225 KB) is in flight, two wait: past 300 KB the reading stopped.
    assert websocket.received <= 3
    assert connection.full()


def test_the_consumer_yields_to_the_loop_after_every_message() -> None:
    settings = Settings()
    session = Session(settings)
    count = 20
    websocket = FakeSocket([json.dumps({"type": "pause", "id": i}) for i in range(count)],
                           reads=True)
    connection = Connection(websocket, session, settings)  # type: ignore[arg-type]
    seen: list[int] = []  # pause is cheap: it never waits for the heavy-work budget

    async def other_session() -> None:
        while True:
            seen.append(websocket.received)
            await asyncio.sleep(0)

    async def main() -> None:
        other = asyncio.create_task(other_session())
        consumer = asyncio.create_task(connection.consume())
        while websocket.received < count:
            await asyncio.sleep(0.001)
        consumer.cancel()
        other.cancel()
        await asyncio.gather(consumer, other, return_exceptions=True)

    asyncio.run(main())
    # The other task ran between every two messages read.
    assert set(range(1, count)) <= set(seen)


def test_heavy_messages_of_all_connections_share_a_bounded_part_of_the_loop(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from server import guard, runner

    assert runner.heavy(json.dumps({"type": "export", "id": 1}))
    assert runner.heavy(json.dumps({"type": "import", "data": {"x": "y" * 5000}}))
    assert not runner.heavy(json.dumps({"type": "pause", "id": 1}))
    assert not runner.heavy("[" * 3000)
    clock = [100.0]
    monkeypatch.setattr(guard.time, "monotonic", lambda: clock[0])
    cost = 0.01 * guard.LoopBudget.REPLY_FACTOR  # 10 ms of work, and sending its reply
    budget = guard.LoopBudget(share=0.2, burst=2.5 * cost)
    budget.spent(0.01)
    assert budget.delay() == 0  # an occasional heavy message never waits
    budget.spent(0.01)
    budget.spent(0.01)  # a burst: half a message more than the bucket holds
    assert budget.delay() == pytest.approx(0.5 * cost / 0.2)  # then a fifth of the loop
    clock[0] += cost / 0.2
    assert budget.delay() == 0


def test_a_connection_whose_messages_take_more_than_its_share_is_read_later(
        monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings()
    websocket = FakeSocket([json.dumps({"type": "pause"})] * 20, reads=True)
    connection = Connection(websocket, Session(settings), settings)  # type: ignore[arg-type]
    # Each message "takes" a second of the loop: after the budget's burst, the next one is
    # read only once this connection's share has paid for it (many seconds later).
    monkeypatch.setattr(connection, "timed_apply", lambda text: 1.0)

    async def main() -> None:
        consumer = asyncio.create_task(connection.consume())
        for _ in range(50):
            await asyncio.sleep(0.001)
        consumer.cancel()
        await asyncio.gather(consumer, return_exceptions=True)

    asyncio.run(main())
    assert websocket.received == 1


def test_sessions_past_the_per_client_cap_get_a_named_error_and_close_1013(
        settings: Settings) -> None:
    app = create_app(settings.model_copy(update=dict(max_sessions_per_client=2)))
    with TestClient(app) as client, client.websocket_connect("/ws") as first, \
            client.websocket_connect("/ws") as second:
        opened(first), opened(second)
        with client.websocket_connect("/ws") as third:
            error = json.loads(third.receive_text())
            assert error["type"] == "error" and error["code"] == "too_many_sessions"
            assert "max_sessions_per_client" in error["message"]
            with pytest.raises(WebSocketDisconnect) as closed:
                third.receive_text()
            assert closed.value.code == 1013
        assert Peer(first).request("pause", "status")["state"] == "paused"
    with TestClient(app) as client, client.websocket_connect("/ws") as again:
        opened(again)  # closed sessions count no more


def test_sessions_past_the_process_cap_are_refused(settings: Settings) -> None:
    app = create_app(settings.model_copy(update=dict(max_sessions=1)))
    with TestClient(app) as client, client.websocket_connect("/ws") as first:
        opened(first)
        with client.websocket_connect("/ws") as second:
            error = json.loads(second.receive_text())
            assert error["code"] == "too_many_sessions" and "max_sessions" in error["message"]


# ------------------------------------------------------------------------ 4. dead peers reaped


def test_a_peer_that_stops_reading_is_reaped_and_its_session_stops_training() -> None:
    settings = Settings(send_timeout=0.2)
    scheduler = Scheduler()
    websocket = FakeSocket([json.dumps({"type": "play"})])

    async def main() -> None:
        async with scheduler.running():
            task = asyncio.create_task(run_session(websocket, settings,  # type: ignore[arg-type]
                                                   scheduler))
            while scheduler.session_count == 0:
                await asyncio.sleep(0.001)
            await asyncio.wait_for(task, timeout=30)

    asyncio.run(main())
    assert scheduler.session_count == 0
    assert websocket.closed is None or websocket.closed == 1008


def test_a_client_that_acknowledges_no_frame_for_a_second_stops_training_until_it_does(
) -> None:
    session = Session(Settings())
    handle(session, protocol.PlayMessage(type="play"))
    session.build_frame()
    session.frames.take()  # the producer sends it
    seq, sent = session.frames.in_flight[-1]
    assert session.training_delay(sent + 0.5) == 0.0
    assert session.training_delay(sent + 5.0) is None  # not drawn for 5 s: no training
    handle(session, protocol.AckMessage(type="ack", frame=seq))
    assert session.training_delay(sent + 5.0) == 0.0


def test_periodic_frames_wait_while_two_sent_frames_are_not_acknowledged() -> None:
    session = Session(Settings())
    handle(session, protocol.PlayMessage(type="play"))
    frames = session.frames
    for _ in range(FRAMES_IN_FLIGHT):
        session.machine.changed()  # training moved: a new frame is due
        assert frames.delay(time.monotonic()) is not None
        session.build_frame()
        frames.take()
    session.machine.changed()
    assert frames.delay(time.monotonic()) is None
    first, second = (seq for seq, _ in frames.in_flight)
    handle(session, protocol.AckMessage(type="ack", frame=first))
    assert frames.delay(time.monotonic()) is not None
    # A reply frame answers a message: it never waits, but counts until acknowledged.
    frames.reply_frame()
    assert frames.delay(time.monotonic()) is None
    handle(session, protocol.AckMessage(type="ack", frame=frames.seq))  # acks every one
    assert not frames.in_flight


def test_a_client_that_acknowledges_nothing_gets_no_periodic_frame(client: TestClient
                                                                     ) -> None:
    with client.websocket_connect("/ws") as ws:
        peer = opened(ws, acks=False)  # the first frame waits for its acknowledgement
        peer.request("configure", "config", config={"view": {"fps": 60}})
        peer.request("play", "status")  # the configure's frame went before: two frames wait
        last = peer.frames[-1]["header"]["seq"]
        peer.frames.clear()
        time.sleep(1.2)  # past STALLED_SECONDS: no training either, and messages wait
        peer.send(type="export", id="e")
        peer.acks = True
        peer.send(type="ack", frame=last)  # then the export is handled
        peer.until("export")
        assert len(peer.frames) <= FRAMES_IN_FLIGHT  # sent after the acknowledgement


def stalled_session(settings: Settings) -> Session:
    """A session whose client has not acknowledged the frame sent 5 s ago."""
    session = Session(settings)
    session.frames.reply_frame()
    session.frames.in_flight[0] = (session.frames.seq, time.monotonic() - 5.0)
    return session


def run_consumer(connection: Connection, websocket: FakeSocket, count: int) -> None:
    async def main() -> None:
        consumer = asyncio.create_task(connection.consume())
        for _ in range(10_000):  # until every message is read (a bounded wait)
            await asyncio.sleep(0.001)
            if websocket.received == count:
                break
        for _ in range(20):
            await asyncio.sleep(0.001)
        consumer.cancel()
        await asyncio.gather(consumer, return_exceptions=True)

    asyncio.run(main())


def test_the_messages_of_a_client_that_acknowledges_nothing_wait_until_it_does(
        monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings()
    session = stalled_session(settings)
    handled: list[tuple[int, bool]] = []
    monkeypatch.setitem(HANDLERS, protocol.ExportMessage,
                        lambda s, m: handled.append((m.id, bool(s.frames.in_flight))))
    texts = [json.dumps({"type": "export", "id": i}) for i in range(3)]
    texts.append(json.dumps({"type": "ack", "frame": session.frames.seq}))
    websocket = FakeSocket(texts, reads=True)
    connection = Connection(websocket, session, settings)  # type: ignore[arg-type]
    run_consumer(connection, websocket, len(texts))
    # No export was built while the frame waited: all of them once it was acknowledged.
    assert handled == [(0, False), (1, False), (2, False)]


def test_a_client_that_acknowledges_nothing_and_floods_gets_its_oldest_messages_handled(
) -> None:
    settings = Settings()
    session = stalled_session(settings)
    count = HELD_MESSAGES + 8
    websocket = FakeSocket([json.dumps({"type": "pause", "id": i}) for i in range(count)],
                           reads=True)
    connection = Connection(websocket, session, settings)  # type: ignore[arg-type]
    run_consumer(connection, websocket, count)
    replies = [json.loads(m)["id"] for m in session.outbox if isinstance(m, str)]
    assert replies == list(range(8)) and len(connection.held) == HELD_MESSAGES


# ---------------------------------------------------------- 5. changes during a threaded epoch


def test_an_optimizer_change_waits_for_the_threaded_epoch() -> None:
    session = Session(Settings())
    trainer = session.trainer
    session.busy = True
    handle(session, protocol.ConfigureMessage.model_validate({"type": "configure", "config": {
        "optimizer": {"name": "adam", "batch_size": 3}}}))
    assert session.config.optimizer.name == "adam"
    assert trainer.optimizer.name == "sgd" and trainer.batch_size == 10
    session.busy = False
    assert trainer.optimizer.name == "adam" and trainer.batch_size == 3


def test_slow_motion_long_epochs_survive_optimizer_changes(settings: Settings) -> None:
    app = create_app(settings)
    with TestClient(app) as client, client.websocket_connect("/ws") as ws:
        peer = opened(ws)
        texts: list[dict[str, Any]] = []

        def request(kind: str, reply: str, **fields: Any) -> dict[str, Any]:
            peer.sent += 1
            id = f"{kind}-{peer.sent}"
            peer.send(type=kind, id=id, **fields)
            while True:
                message = peer.receive()
                if message["type"] != "frame":
                    texts.append(message)
                if message["type"] == reply and message.get("id") == id:
                    return message

        request("configure", "config", config={
            "dataset": {"points": limits.MAX_POINTS},
            "optimizer": {"batch_size": 1}, "view": {"epochs_per_second": 5}})
        request("play", "status")
        # Full batch cuts one batch where the running epoch steps through 2,500: the change
        # lands in the middle of an epoch that runs in the worker thread.
        for name in ("gd", "sgd", "gd", "adam", "gd", "sgd", "gd", "sgd"):
            reply = request("configure", "config", config={"optimizer": {"name": name}})
            assert reply["config"]["optimizer"]["name"] == name
            threading.Event().wait(0.05)  # let the epoch go on (no timing is asserted)
        request("pause", "status")
        for _ in range(3):
            assert request("play", "status")["state"] == "playing"
            threading.Event().wait(0.1)
            assert request("pause", "status")["state"] == "paused"
        assert request("step", "status")["state"] == "paused"
        assert [t for t in texts if t["type"] == "error"] == []


def valid_messages() -> st.SearchStrategy[dict[str, Any]]:
    optimizer = st.fixed_dictionaries({}, optional={
        "name": st.sampled_from(["sgd", "momentum", "adam", "gd"]),
        "batch_size": st.integers(1, 40),
        "learning_rate": st.sampled_from([0.001, 0.03, 1]),
    })
    config = st.fixed_dictionaries({}, optional={
        "optimizer": optimizer,
        "regularization": st.fixed_dictionaries({"kind": st.sampled_from(["none", "l1", "l2"]),
                                                 "rate": st.sampled_from([0, 0.001])}),
        "view": st.fixed_dictionaries({"epochs_per_second": st.sampled_from([0, 2, 50])}),
        "dataset": st.fixed_dictionaries({"points": st.sampled_from([40, 2000])}),
        "hidden": st.sampled_from([[{"units": 3, "activation": "relu"}], [{"units": 2}]]),
    })
    return st.one_of(
        st.builds(lambda c: {"type": "configure", "config": c}, config),
        st.sampled_from([{"type": "play"}, {"type": "pause"}, {"type": "reset"},
                         {"type": "export"}, {"type": "inspect"}, {"type": "revive"},
                         {"type": "step", "epochs": 2},
                         {"type": "set_weight", "layer": 1, "row": 0, "col": 1, "value": 0.5}]),
    )


ACTIONS = st.lists(st.one_of(valid_messages(), st.sampled_from(["slice", "thread", "join"])),
                   max_size=25)


class Driver:
    """Plays the scheduler's part: slices on this thread, long epochs in a real thread."""

    def __init__(self, session: Session, executor: ThreadPoolExecutor) -> None:
        self.session, self.executor = session, executor
        self.running: tuple[Any, Future[tuple[int, float]]] | None = None

    def act(self, action: str | dict[str, Any]) -> None:
        session = self.session
        if isinstance(action, dict):
            try:
                handle(session, parse(json.dumps(action), limits.MAX_MESSAGE_BYTES))
            except ProtocolError as error:
                assert error.code == "not_applicable", error.message
        elif action == "slice" and not session.busy and session.training_delay(0) is not None:
            session.train_slice(0.001)
        elif action == "thread" and self.running is None:
            session.busy = True
            trainer = session.trainer
            self.running = trainer, self.executor.submit(session.run, trainer, 1, 0.002)
            threading.Event().wait(0.002)  # the epoch is under way when the next action comes
        elif action == "join":
            self.join()

    def join(self) -> None:
        if self.running is not None:
            trainer, future = self.running
            self.running = None
            self.session.trained(trainer, *future.result())
            self.session.busy = False


@pytest.fixture(scope="module")
def executor() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool


@pytest.mark.slow
@hypothesis_settings(max_examples=80, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_random_messages_during_training_leave_every_session_usable(
        actions: list[str | dict[str, Any]], executor: ThreadPoolExecutor) -> None:
    session = Session(Settings())
    # A long epoch (1,000 steps): the messages that follow a "thread" land while it runs.
    handle(session, parse(json.dumps({"type": "configure", "config": {
        "dataset": {"points": 2000}, "optimizer": {"batch_size": 1}}}),
        limits.MAX_MESSAGE_BYTES))
    driver = Driver(session, executor)
    try:
        for action in actions:
            driver.act(action)
    finally:
        driver.join()
    trainer, config = session.trainer, session.config
    assert trainer.optimizer.name == config.optimizer.name
    assert trainer.batch_size == config.optimizer.batch_size
    assert 0 <= trainer.position < trainer.batches_per_epoch
    if session.state == "diverged":
        handle(session, protocol.ResetMessage(type="reset"))
    handle(session, protocol.PauseMessage(type="pause"))  # ends a step the actions left running
    handle(session, protocol.StepMessage(type="step", epochs=1))
    epoch = session.epoch
    while session.step_left:
        session.train_slice(0.01)
    assert session.epoch == epoch + 1 or session.state == "diverged"
    session.frame()
    handle(session, protocol.ExportMessage(type="export"))
    texts = [m for m in session.outbox if isinstance(m, str)]
    assert not [m for m in texts if '"internal"' in m]


# ------------------------------------------------------------------ 6. and 7. named errors


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path into a JSON value (the first three items of each list)."""
    yield prefix
    items = value.items() if isinstance(value, dict) else \
        enumerate(value[:3]) if isinstance(value, list) else ()
    for key, item in items:
        yield from _paths(item, (*prefix, key))


EXPORTED = Session(Settings())
handle(EXPORTED, protocol.ExportMessage(type="export"))
EXPORT = json.loads(str(EXPORTED.outbox.pop()))["data"]
JSON_LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 10**12), st.floats(allow_nan=False),
    st.text(max_size=3), st.lists(st.floats(-2, 2), max_size=3),
    st.lists(st.lists(st.floats(-2, 2), max_size=3), max_size=3), st.just({}),
    st.sampled_from(["custom", "relu", "softmax", "regression", "multiclass"]))


@hypothesis_settings(max_examples=150, deadline=None)
@given(changes=st.lists(st.tuples(st.sampled_from(list(_paths(EXPORT))[1:]), JSON_LEAVES),
                        min_size=1, max_size=3))
def test_any_damaged_import_gets_a_named_error_or_imports(
        changes: list[tuple[tuple[Any, ...], Any]]) -> None:
    data = json.loads(json.dumps(EXPORT))
    for path, value in changes:
        target = data
        with contextlib.suppress(KeyError, IndexError, TypeError):
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = json.loads(json.dumps(value))
    session = Session(Settings())
    with contextlib.suppress(ProtocolError):
        handle(session, parse(json.dumps({"type": "import", "data": data}, allow_nan=True),
                             limits.MAX_MESSAGE_BYTES))
    assert not [m for m in session.outbox if isinstance(m, str) and '"internal"' in m]
    session.frame()


def test_a_lone_surrogate_in_the_id_gets_an_error_and_keeps_the_socket(peer: Peer) -> None:
    error = error_for(peer, '{"type": "pause", "id": "\\ud800"}')
    assert (error["code"], error["field"], error["id"]) == ("invalid", "id", None)
    assert "surrogate" in error["message"]
    error = error_for(peer, '{"type": "configure", "config": {"init": "\\udfff"}}')
    assert error["field"] == "config.init"
    peer.send(type="pause", id="\ud83d\ude00 fine")  # a surrogate pair is a real character
    assert peer.until("status")["id"] == "\U0001f600 fine"


def test_ids_are_bounded(peer: Peer) -> None:
    error = error_for(peer, json.dumps({"type": "pause", "id": "x" * 1000}))
    assert error["field"] == "id" and error["id"] is None
    error = error_for(peer, json.dumps({"type": "pause", "id": 10**30}))
    assert error["field"] == "id"


def test_json_nested_too_deeply_is_bad_json(peer: Peer,
                                            caplog: pytest.LogCaptureFixture) -> None:
    error = error_for(peer, "[" * 10_000 + "]" * 10_000)
    assert error["code"] == "bad_json" and "deep" in error["message"]
    error = error_for(peer, '{"type": "pause", "id": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert error["code"] == "bad_json"
    assert peer.request("pause", "status")["state"] == "paused"
    assert no_tracebacks(caplog)


def test_a_ragged_imported_weight_matrix_is_bad_data_naming_it(
        peer: Peer, caplog: pytest.LogCaptureFixture) -> None:
    data = peer.request("export", "export")["data"]
    data["model"]["W"][0][1] = data["model"]["W"][0][1][:1]
    error = peer.request("import", "error", data=data)
    assert error["code"] == "bad_data" and error["field"] == "data.model.W.0"
    assert no_tracebacks(caplog)


def test_internal_errors_log_a_few_tracebacks_then_stop(
        settings: Settings, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    def broken(self: Session, message: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setitem(HANDLERS, protocol.InspectMessage, broken)
    caplog.set_level(logging.ERROR, logger="server.runner")
    with TestClient(create_app(settings)) as client, client.websocket_connect("/ws") as ws:
        peer = opened(ws)
        for _ in range(10):
            assert peer.request("inspect", "error")["code"] == "internal"
    assert 1 <= sum(1 for r in caplog.records if r.exc_info) <= 3


def test_the_log_keeps_a_few_lines_of_each_kind_per_minute(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from server import guard

    clock = [0.0]
    monkeypatch.setattr(guard.time, "monotonic", lambda: clock[0])
    records = guard.ThrottledRecords(guard.Throttle(burst=5, period=60.0))

    def record() -> logging.LogRecord:
        return logging.LogRecord("uvicorn.error", logging.WARNING, __file__, 1,
                                 "Invalid HTTP request received.", None, None)

    assert [records.filter(record()) for _ in range(8)] == [True] * 5 + [False] * 3
    clock[0] = 61.0
    later = record()
    assert records.filter(later) and "3 similar lines dropped" in later.getMessage()


# ------------------------------------------------------------------------------- 8. hosts


def test_a_rebinding_host_is_refused_for_pages_and_websockets(client: TestClient) -> None:
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "content-security-policy" in response.headers
    with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect(
            "/ws", headers={"host": "evil.example", "origin": "http://evil.example"}):
        pass
    assert refused.value.code == 1008
    assert client.get("/health", headers={"host": "localhost:8000"}).status_code == 200
    assert client.get("/health", headers={"host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/health", headers={"host": "[::1]:8000"}).status_code == 200


def test_the_host_allow_list() -> None:
    local = security.allowed_hosts(Settings())
    assert security.host_allowed("localhost", local)
    assert security.host_allowed("127.0.0.2:80", local)
    assert security.host_allowed("app.localhost:8000", local)
    assert not security.host_allowed("evil.example", local)
    assert not security.host_allowed("127.0.0.1.evil.example", local)
    assert not security.host_allowed(None, local)
    assert not security.host_allowed("192.168.1.20:8000", local)
    served = security.allowed_hosts(Settings(host="192.168.1.20",
                                            allowed_hosts=("Class.Example.",)))
    assert security.host_allowed("192.168.1.20:8000", served)
    assert security.host_allowed("class.example:8000", served)
    assert not security.host_allowed("evil.example", served)
    everywhere = security.allowed_hosts(Settings(host="0.0.0.0"))
    assert security.host_allowed(f"{security.lan_address()}:8000", everywhere)
    assert security.allowed_hosts(Settings(allowed_hosts=("*",))) is None
    assert security.host_of("[::1]:8000") == "::1" and security.host_of("::1") == "::1"


def test_allow_host_and_frame_ancestors_come_from_the_command_line() -> None:
    args = cli.parse_args(["--allow-host", "class.example", "--allow-host", "10.0.0.5",
                           "--frame-ancestors", "'self' https://course.example", "--api-docs"])
    assert args.allow_host == ["class.example", "10.0.0.5"]
    assert args.frame_ancestors == "'self' https://course.example" and args.api_docs


# ------------------------------------------------------------------- 9. security headers


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for path in ("/", "/main.js", "/health", "/api/catalog", "/api/schema", "/nope.js"):
        response = client.get(path)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "frame-ancestors 'self'" in csp, path
        assert "connect-src 'self' ws: wss:" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
    assert client.get("/api/catalog").status_code == 200
    assert client.get("/api/schema").status_code == 200


def test_api_docs_are_off_unless_asked_and_frame_ancestors_is_a_setting(
        settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/docs").status_code == 404
        assert client.get("/api/openapi.json").status_code == 404
    with TestClient(create_app(settings.model_copy(update=dict(api_docs=True,
                                       frame_ancestors="https://course.example")))) as client:
        docs = client.get("/api/docs")
        assert docs.status_code == 200
        assert "frame-ancestors https://course.example" in docs.headers["content-security-policy"]
        assert client.get("/api/openapi.json").status_code == 200


def test_the_page_has_no_inline_script_for_the_policy_to_block() -> None:
    for page in (ROOT / "web").rglob("*.html"):
        html = page.read_text()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, f"{page}: inline script {tag}"
        assert not re.search(r"\son[a-z]+\s*=", html), f"{page}: inline event handler"
        assert "javascript:" not in html
    for module in (ROOT / "web").rglob("*.js"):
        text = module.read_text()
        assert not re.search(r"\beval\(|new Function\(|\son[a-z]+=[\"']", text), module


# ---------------------------------------------------------------- 10. strict validation


@pytest.mark.parametrize(("message", "field"), [
    ({"type": "configure", "config": {"dataset": {"noise": True}}}, "config.dataset.noise"),
    ({"type": "configure", "config": {"hidden": [{"units": True}]}}, "config.hidden.0.units"),
    ({"type": "configure", "config": {"optimizer": {"batch_size": 2.0}}},
     "config.optimizer.batch_size"),
    ({"type": "step", "epochs": "3"}, "epochs"),
    ({"type": "set_weight", "layer": 1, "row": 0, "col": 0, "value": False}, "value"),
    ({"type": "set_weight", "layer": 1, "row": 0, "bias": 1, "value": 0.5}, "bias"),
    ({"type": "pause", "id": True}, "id"),
])
def test_booleans_and_strings_are_not_numbers(peer: Peer, message: dict[str, Any],
                                              field: str) -> None:
    error = error_for(peer, json.dumps(message))
    assert error["code"] == "invalid" and error["field"] == field


def test_integers_are_still_numbers(peer: Peer) -> None:
    reply = peer.request("configure", "config", config={
        "optimizer": {"learning_rate": 1}, "dataset": {"noise": 0}})
    assert reply["config"]["optimizer"]["learning_rate"] == 1.0


def test_imports_with_boolean_weights_or_huge_epochs_are_invalid(peer: Peer) -> None:
    data = peer.request("export", "export")["data"]
    ragged = json.loads(json.dumps(data))
    ragged["model"]["W"][0][0][0] = True
    error = peer.request("import", "error", data=ragged)
    assert error["field"] == "data.model.W.0.0.0"
    data["epoch"] = 10**4000  # 4,001 digits, echoed in every frame header if accepted
    assert peer.request("import", "error", data=data)["field"] == "data.epoch"
    data["epoch"] = limits.MAX_EPOCH
    assert peer.request("import", "status", data=data)["epoch"] == limits.MAX_EPOCH



def test_a_hidden_page_gets_a_frame_a_second_and_keeps_training(client: TestClient) -> None:
    with client.websocket_connect("/ws") as ws:
        peer = opened(ws)
        peer.request("play", "status")
        peer.send(type="visibility", visible=False)
        peer.frames.clear()
        deadline = time.monotonic() + 2.5
        while time.monotonic() < deadline:
            peer.receive()
        hidden = peer.frames[1:]  # the first may have been built before the message
        assert 1 <= len(hidden) <= 4, len(hidden)  # about one a second, not thirty
        epochs = [f["header"]["epoch"] for f in hidden]
        assert epochs[-1] > epochs[0]  # training went on while hidden
        # Each frame carries the history points since the last (the trainer records one per
        # epoch, frames or not) and its own: the loss chart stays as dense as when shown.
        points = [e for f in hidden
                  for e in [p["epoch"] for p in f["header"]["history"]] + [f["header"]["epoch"]]]
        assert points == sorted(set(points))
        assert len(points) >= (points[-1] - points[0]) / 2
        peer.send(type="visibility", visible=True)
        peer.frames.clear()
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            peer.receive()
        assert len(peer.frames) >= 8  # shown again: the view's rate (30 a second)


def test_visibility_is_a_strict_boolean(client: TestClient) -> None:
    with client.websocket_connect("/ws") as ws:
        peer = opened(ws)
        error = error_for(peer, json.dumps({"type": "visibility", "id": 1, "visible": "no"}))
        assert error["field"] == "visible"


def test_acks_as_the_page_sends_them_are_read_without_the_parser_and_others_still_checked(
        ) -> None:
    session, settings = Session(Settings()), Settings()
    connection = Connection(SimpleNamespace(), session, settings)  # type: ignore[arg-type]
    session.frames.frame()
    session.frames.frame()
    assert [seq for seq, _ in session.frames.in_flight] == [1, 2]
    connection.apply('{"type":"ack","frame":1}')
    assert [seq for seq, _ in session.frames.in_flight] == [2]
    connection.apply('{"type": "ack", "frame": 2}')
    assert not session.frames.in_flight and not session.outbox
    for bad, field in (('{"type":"ack","frame":-1}', "frame"),
                       ('{"type":"ack","frame":1.5}', "frame"),
                       ('{"type":"ack","frame":"3"}', "frame"),
                       ('{"type":"ack","frame":01}', None),
                       ('{"type":"ack","frame":3,"x":1}', "x")):
        connection.apply(bad)
        reply = json.loads(str(session.outbox.pop()))
        assert reply["type"] == "error" and reply["field"] == field, bad
