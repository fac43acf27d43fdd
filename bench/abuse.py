"""Soak and abuse bench: 20 well-behaved clients play while one attack after another runs.

    python bench/abuse.py                   # every attack, 12 s each
    python bench/abuse.py --attack exports --attack headers --duration 10

A real server (one process, default settings) runs on a free loopback port. The well-behaved
clients play the standard workload (bench/workload.py) and pause every 2 s, timing the `status`
that answers. Each attack runs for `--duration` seconds with bounded loops; for each one (and a
quiet baseline first) the bench prints, for the well-behaved clients, frames/s (min and
median), the p95 of pause latency, the server's RSS growth during the attack, `internal`
errors (any client), the lines the server logged, and what the attack itself saw. Goal: every
well-behaved client >= 10 frames/s, pause p95 <= 100 ms, RSS growth <= 100 MB, no internal
error. After the attacks, it times how long the server takes to reap the clients that stopped
reading (their session must end and stop training).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import ack, percentile, rss_mb  # noqa: E402
from bench.workload import CONFIG  # noqa: E402
from tests.server_process import free_port, start_server, stop_server  # noqa: E402

GOOD_CLIENTS = 20
DROPPED = (OSError, TimeoutError, asyncio.IncompleteReadError)
"""What a connection the server dropped raises."""
PAUSE_EVERY = 2.0
BIG = {"dataset": {"points": 5000}}
"""The heaviest dataset a client may ask for: its export is about 225 KB."""


@dataclass
class Shared:
    """What every task of the bench reports into."""

    url: str
    port: int
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    frames: list[list[float]] = field(default_factory=list)
    pauses: list[tuple[float, float]] = field(default_factory=list)
    """(when the pause was sent, ms until its status)."""
    errors: Counter[str] = field(default_factory=Counter)
    """Error codes any client received."""
    notes: dict[str, str] = field(default_factory=dict)
    """One line per attack: what the attacker saw."""


async def read_until(ws: ClientConnection, kind: str, id: str, shared: Shared,
                     frames: list[float] | None = None) -> dict[str, Any]:
    while True:
        message = await ws.recv()
        if isinstance(message, bytes):
            if frames is not None:
                frames.append(time.monotonic())
            await ack(ws, message)
            continue
        reply: dict[str, Any] = json.loads(message)
        if reply["type"] == "error":
            shared.errors[reply["code"]] += 1
        if reply["type"] in (kind, "error") and reply.get("id") == id:
            return reply


async def good_client(shared: Shared, ready: list[int]) -> None:
    frames: list[float] = []
    shared.frames.append(frames)
    async with connect(shared.url, max_size=None) as ws:
        await ws.send(json.dumps({"type": "configure", "id": "c", "config": CONFIG}))
        await read_until(ws, "config", "c", shared)
        await ws.send(json.dumps({"type": "play", "id": "p"}))
        await read_until(ws, "status", "p", shared)
        ready.append(1)
        n, next_pause = 0, time.monotonic() + PAUSE_EVERY
        while not shared.stop.is_set():
            now = time.monotonic()
            if now >= next_pause:
                n += 1
                await ws.send(json.dumps({"type": "pause", "id": f"pause{n}"}))
                await read_until(ws, "status", f"pause{n}", shared, frames)
                shared.pauses.append((now, (time.monotonic() - now) * 1000))
                await ws.send(json.dumps({"type": "play", "id": f"play{n}"}))
                await read_until(ws, "status", f"play{n}", shared, frames)
                next_pause += PAUSE_EVERY
                continue
            try:
                message = await asyncio.wait_for(ws.recv(), timeout=next_pause - now)
            except TimeoutError:
                continue
            if isinstance(message, bytes):
                frames.append(time.monotonic())
                await ack(ws, message)
            elif (reply := json.loads(message))["type"] == "error":
                shared.errors[reply["code"]] += 1


# ------------------------------------------------------------------------------------ attacks


async def headers(shared: Shared, until: float) -> None:
    """8 connections at a time each stream a 32 MB header line (half of them a handshake);
    one that the server closed is opened again after a second (the attacker's own copying of
    data into loopback buffers is not what this measures)."""
    sent, answers = [], Counter[str]()

    async def one(upgrade: bool) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", shared.port)
        head = (b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: "
                b"Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                b"dGhlIHNhbXBsZSBub25jZQ==\r\n") if upgrade else \
            b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        total = 0
        try:
            writer.write(head + b"X-Big: ")
            for _ in range(512):  # 512 x 64 KB = 32 MB
                writer.write(b"a" * 65536)
                await asyncio.wait_for(writer.drain(), 5)
                total += 65536
            status = "no answer after 32 MB"
        except (OSError, TimeoutError):
            status = "closed"
        with contextlib.suppress(*DROPPED):
            line = await asyncio.wait_for(reader.readline(), 2)
            status = line.decode(errors="replace").strip() or status
        answers[status] += 1
        sent.append(total)
        writer.close()
        await asyncio.sleep(1.0)

    while time.monotonic() < until:
        await asyncio.gather(*(one(i % 2 == 1) for i in range(8)))
    shared.notes["headers"] = (f"{len(sent)} connections, at most {max(sent) / 1024:.0f} KB "
                               f"sent before the server closed; answers {dict(answers)}")


async def exports(shared: Shared, until: float) -> None:
    """One client: bursts of 64 `export` of a 5,000-point session, reading every reply. The
    server reads a flood slowly, and so stops reading this socket (pongs included) while more
    than 32 messages wait: when a burst waits longer than the ping deadline it closes the
    connection (1011), and the attacker connects again."""
    bursts, closed = 0, Counter[str]()
    while time.monotonic() < until:
        try:
            async with connect(shared.url, max_size=None) as ws:
                await ws.send(json.dumps({"type": "configure", "id": "c", "config": BIG}))
                await read_until(ws, "config", "c", shared)
                while time.monotonic() < until:
                    for i in range(64):
                        await ws.send(json.dumps({"type": "export", "id": i}))
                    await asyncio.wait_for(read_until(ws, "export", 63, shared),
                                           max(0.1, until - time.monotonic()))
                    bursts += 1
        except ConnectionClosed as error:
            closed[str(error.rcvd.code if error.rcvd else "no close frame")] += 1
        except TimeoutError:
            break
    shared.notes["exports"] = (f"{bursts} bursts of 64 exports (225 KB each) answered; "
                               f"closed by the server: {dict(closed) or 'never'}")


async def non_readers(shared: Shared, until: float, held: list[ClientConnection],
                      count: int = 18) -> None:
    """Clients that play a 5,000-point session, ask for exports and never read."""
    started = time.monotonic()
    for _ in range(count):
        ws = await connect(shared.url, max_size=None, max_queue=1, ping_interval=None)
        held.append(ws)
        await ws.send(json.dumps({"type": "configure", "config": {**BIG, "view": {"fps": 60}}}))
        await ws.send(json.dumps({"type": "play"}))
    rounds = 0
    while time.monotonic() < until and rounds < 20:
        rounds += 1
        for ws in held:
            with contextlib.suppress(*DROPPED):
                await asyncio.wait_for(ws.send(json.dumps({"type": "export"})), 0.2)
        await asyncio.sleep(0.5)
    await asyncio.sleep(max(0.0, until - time.monotonic()))
    shared.notes["non_readers"] = (f"{count} clients stopped reading, asked for up to "
                                   f"{rounds} exports each; left connected (see reaping)")
    shared.notes["non_readers_since"] = str(started)


async def sessions(shared: Shared, until: float) -> None:
    """Open sessions as fast as possible (up to 60 at once), each playing, until refused."""
    outcome, opened = Counter[str](), []
    for _ in range(60):
        if time.monotonic() >= until:
            break
        try:
            ws = await connect(shared.url, max_size=None)
            first = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if first["type"] == "error":
                outcome[first["code"]] += 1
                await ws.close()
                continue
            await ws.send(json.dumps({"type": "play"}))
            opened.append(ws)
            outcome["opened"] += 1
        except (OSError, TimeoutError) as error:
            outcome[type(error).__name__] += 1
    await asyncio.sleep(max(0.0, until - time.monotonic()))
    for ws in opened:
        await ws.close()
    shared.notes["sessions"] = f"60 tries: {dict(outcome)}"


BAD_MESSAGES = [
    "[" * 10_000 + "]" * 10_000,
    '{"type": "pause", "id": "\\ud800"}',
    '{"type": "pause", "id": "' + "x" * 5000 + '"}',
    '{"type": "configure", "config": {"dataset": {"noise": true}}}',
    '{"type": "set_weight", "layer": 1, "row": 0, "col": 0, "value": true}',
    '{"type": "step", "epochs": 1e9}',
    '{"type": "nope"}',
    "not json",
]


async def malformed(shared: Shared, until: float) -> None:
    """One client floods every kind of bad message, plus ragged and huge-epoch imports."""
    codes, sent = Counter[str](), 0
    async with connect(shared.url, max_size=None) as ws:
        await ws.send(json.dumps({"type": "export", "id": "e"}))
        data = (await read_until(ws, "export", "e", shared))["data"]
        ragged = json.loads(json.dumps(data))
        ragged["model"]["W"][0][1] = ragged["model"]["W"][0][1][:1]
        huge = {**data, "epoch": 10**4000}
        imports = [json.dumps({"type": "import", "data": d}) for d in (ragged, huge)]
        while time.monotonic() < until:
            for text in BAD_MESSAGES + imports:
                await ws.send(text)
                sent += 1
            await ws.send(json.dumps({"type": "pause", "id": "sync"}))
            while True:
                reply = json.loads(message) if isinstance(message := await ws.recv(), str) \
                    else {}
                if reply.get("type") == "error":
                    codes[reply["code"]] += 1
                if reply.get("id") == "sync":
                    break
    shared.errors.update({code: n for code, n in codes.items() if code == "internal"})
    shared.notes["malformed"] = f"{sent} bad messages, replies {dict(codes)}"


async def rebinding(shared: Shared, until: float) -> None:
    """Requests and handshakes for `Host: evil.example` with a matching Origin."""
    answers = Counter[str]()
    while time.monotonic() < until:
        for path, extra in (("/", b""), ("/ws", b"Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                        b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                                        b"dGhlIHNhbXBsZSBub25jZQ==\r\n")):
            reader, writer = await asyncio.open_connection("127.0.0.1", shared.port)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: evil.example\r\nOrigin: "
                         "http://evil.example\r\n".encode() + extra + b"\r\n")
            with contextlib.suppress(*DROPPED):
                line = await asyncio.wait_for(reader.readline(), 5)
                answers[f"{path} {line.decode(errors='replace').split(' ', 2)[1]}"] += 1
            writer.close()
        await asyncio.sleep(0.01)
    shared.notes["rebinding"] = f"answers {dict(answers)}"


async def optimizer_flips(shared: Shared, until: float) -> None:
    """Slow motion on 5,000 points at batch 1 (epochs in the worker thread) while the
    optimizer flips between full batch and SGD every 50 ms, then play and pause."""
    flips = 0
    async with connect(shared.url, max_size=None) as ws:
        await ws.send(json.dumps({"type": "configure", "id": "c", "config": {
            **BIG, "optimizer": {"batch_size": 1}, "view": {"epochs_per_second": 5}}}))
        await read_until(ws, "config", "c", shared)
        await ws.send(json.dumps({"type": "play", "id": "p"}))
        await read_until(ws, "status", "p", shared)
        while time.monotonic() < until:
            flips += 1
            name = "gd" if flips % 2 else "sgd"
            await ws.send(json.dumps({"type": "configure", "id": flips,
                                      "config": {"optimizer": {"name": name}}}))
            await read_until(ws, "config", flips, shared)
            await asyncio.sleep(0.05)
        for kind in ("pause", "play", "pause"):
            await ws.send(json.dumps({"type": kind, "id": kind}))
            await read_until(ws, "status", kind, shared)
    shared.notes["optimizer_flips"] = f"{flips} optimizer changes during threaded epochs"


def maximal_space() -> dict[str, Any]:
    """A search space with every list as long as the limits allow (max_search_values)."""
    n = 64
    return {
        "learning_rate": [round(0.001 * (i + 1), 6) for i in range(n)],
        "batch_size": [1 + 15 * i for i in range(n)],
        "units": list(range(1, 9)),
        "layers": list(range(0, 7)),
        "activation": ["relu", "tanh", "sigmoid", "leaky_relu", "elu", "linear"],
        "init": ["xavier", "he", "normal", "uniform"],
        "optimizer": ["sgd", "momentum", "adam", "gd"],
        "regularization": ["none", "l1", "l2"],
        "reg_rate": [round(0.0001 * i, 6) for i in range(n)],
        "seed": list(range(n)),
        "features": [["x1", "x2"], ["x1", "x2", "x1x2"], ["x1_sq", "x2_sq"], ["sin_x1", "x2"]],
    }


async def search_client(shared: Shared, until: float, method: str, counts: Counter[str]
                        ) -> None:
    """One client's searches, as large as the server accepts, one after another: 200 trials
    over the maximal space on 5,000 points, with the most epochs the work budget allows."""
    async with connect(shared.url, max_size=None) as ws:
        await ws.send(json.dumps({"type": "configure", "id": "c", "config": {
            **BIG, "optimizer": {"batch_size": 1},
            "hidden": [{"units": 8, "activation": "tanh"}] * 6}}))
        await read_until(ws, "config", "c", shared)
        epochs, number = 2000, 0
        while time.monotonic() < until and epochs >= 1:
            number += 1
            await ws.send(json.dumps({"type": "search_start", "id": number, "method": method,
                                      "trials": 200, "epochs": epochs,
                                      "space": maximal_space()}))
            while True:
                try:
                    message = await asyncio.wait_for(ws.recv(), max(0.01, until - time.monotonic()))
                except TimeoutError:
                    message = '{"type": "timeout"}'
                if isinstance(message, bytes):
                    await ack(ws, message)  # a client that draws no frame is held back
                    continue
                reply = json.loads(message)
                if reply["type"] == "error" and reply.get("id") == number:
                    counts[reply["code"]] += 1
                    if reply["code"] != "too_large":
                        shared.notes[f"searches {method}"] = reply["message"]
                        await asyncio.sleep(0.5)
                    else:
                        epochs //= 2
                    break
                if reply["type"] == "search_trial":
                    counts["trials"] += 1
                if reply["type"] == "search_progress" and reply["state"] != "running":
                    counts[reply["state"]] += 1
                    break
                if time.monotonic() >= until:
                    await ws.send(json.dumps({"type": "search_stop", "id": "stop"}))
                    await read_until(ws, "search_progress", "stop", shared)
                    counts["stopped at the end"] += 1
                    break
        counts[f"{method} epochs"] = epochs


async def searches(shared: Shared, until: float) -> None:
    """Two clients each run the largest search the limits allow (bayesian and random), again
    and again: every list at max_search_values, 5,000 points at batch size 1 up to 6 x 8."""
    counts: Counter[str] = Counter()

    async def client(method: str) -> None:
        try:
            await search_client(shared, until, method, counts)
        except ConnectionClosed as closed:
            counts[f"{method} closed: {closed}"] += 1

    await asyncio.gather(client("bayesian"), client("random"))
    shared.notes["searches"] = f"{dict(counts)}"


# ---------------------------------------------------------------------------------------- run


def sessions_open(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as response:
        count: int = json.loads(response.read())["sessions"]
        return count


def size(log: Any) -> int:
    return os.fstat(log.fileno()).st_size


def window(shared: Shared, start: float, end: float) -> dict[str, float]:
    fps = [sum(start <= t < end for t in frames) / (end - start) for frames in shared.frames]
    pauses = [ms for t, ms in shared.pauses if start <= t < end]
    return {"fps_min": min(fps), "fps_median": statistics.median(fps),
            "pause_p95_ms": percentile(pauses, 0.95) if pauses else float("nan")}


async def sample_rss(pid: int, samples: list[tuple[float, float]], stop: asyncio.Event) -> None:
    while not stop.is_set():
        samples.append((time.monotonic(), rss_mb(pid)))
        await asyncio.sleep(0.25)


async def good_clients(url: str, port: int, ready: Any, stop: Any) -> dict[str, Any]:
    """The well-behaved clients, until `stop` (a multiprocessing.Event) is set."""
    shared = Shared(url=url, port=port)
    connected: list[int] = []
    clients = []
    for _ in range(GOOD_CLIENTS):
        clients.append(asyncio.create_task(good_client(shared, connected)))
        await asyncio.sleep(0.05)
    while len(connected) < GOOD_CLIENTS:
        await asyncio.sleep(0.05)
    ready.set()
    while not stop.is_set():
        await asyncio.sleep(0.1)
    shared.stop.set()
    await asyncio.gather(*clients, return_exceptions=True)
    return {"frames": shared.frames, "pauses": shared.pauses, "errors": dict(shared.errors)}


def good_process(url: str, port: int, ready: Any, stop: Any, out: str) -> None:
    """Runs the well-behaved clients in a process of their own: the attackers' work does not
    slow their reading (time.monotonic is the same clock in every process)."""
    result = asyncio.run(good_clients(url, port, ready, stop))
    Path(out).write_text(json.dumps(result))


async def reaped(shared: Shared, held: list[ClientConnection]) -> None:
    """Wait (at most a minute) until the server has ended the non-readers' sessions; then
    drop their connections."""
    since = float(shared.notes["non_readers_since"])
    while (await asyncio.to_thread(sessions_open, shared.port)) > GOOD_CLIENTS \
            and time.monotonic() - since < 60:
        await asyncio.sleep(0.5)
    left = await asyncio.to_thread(sessions_open, shared.port) - GOOD_CLIENTS
    print(f"reaping: {len(held) - left} of {len(held)} sessions of clients that never read "
          f"ended {time.monotonic() - since:.0f} s after they connected", flush=True)
    for ws in held:
        ws.transport.abort()
    held.clear()


async def attack_all(args: argparse.Namespace, shared: Shared, pid: int,
                     log: Any) -> list[tuple[str, float, float, int, int, float]]:
    """Each attack in turn: (name, start, end, internal errors, log bytes, RSS growth)."""
    rss: list[tuple[float, float]] = []
    sampler = asyncio.create_task(sample_rss(pid, rss, shared.stop))
    await asyncio.sleep(2.0)  # settle
    held: list[ClientConnection] = []
    attacks: dict[str, Callable[[Shared, float], Awaitable[None]]] = {
        "headers": headers, "exports": exports,
        "non_readers": lambda s, u: non_readers(s, u, held), "sessions": sessions,
        "malformed": malformed, "rebinding": rebinding, "optimizer_flips": optimizer_flips,
        "searches": searches,
    }
    windows = []
    for name in ["baseline", *(args.attack or attacks)]:
        internal_before, log_before = shared.errors["internal"], size(log)
        start = time.monotonic()
        until = start + args.duration
        if name == "baseline":
            await asyncio.sleep(args.duration)
        else:
            await attacks[name](shared, until)
        end = time.monotonic()
        before = next((m for t, m in reversed(rss) if t <= start), rss[0][1])
        peak = max((m for t, m in rss if start <= t <= end), default=before)
        windows.append((name, start, end, shared.errors["internal"] - internal_before,
                        size(log) - log_before, peak - before))
        print(f"{name}: {shared.notes.get(name, 'no attack')}", flush=True)
        if held:
            await reaped(shared, held)
    shared.stop.set()
    await sampler
    return windows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=12.0, help="seconds per attack")
    parser.add_argument("--attack", action="append",
                        choices=["headers", "exports", "non_readers", "sessions", "malformed",
                                 "rebinding", "optimizer_flips", "searches"],
                        help="run only these attacks (repeatable; default: all)")
    args = parser.parse_args()
    port = free_port()
    url = f"ws://127.0.0.1:{port}/ws"
    context = multiprocessing.get_context("spawn")
    ready, stop = context.Event(), context.Event()
    with tempfile.TemporaryFile() as log, tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "good.json")
        process = start_server(port, log, ["--log-level", "warning", "--workers", "1"])
        good = context.Process(target=good_process, args=(url, port, ready, stop, out))
        try:
            good.start()
            if not ready.wait(120):
                raise RuntimeError("the well-behaved clients did not connect")
            windows = asyncio.run(attack_all(args, Shared(url=url, port=port),
                                             process.pid, log))
            stop.set()
            good.join(60)
            result = json.loads(Path(out).read_text())
        finally:
            stop.set()
            if good.is_alive():
                good.terminate()
            stop_server(process)
        log.seek(0)
        tracebacks = log.read().count(b"Traceback")
    shared = Shared(url=url, port=port, frames=result["frames"],
                    pauses=[tuple(p) for p in result["pauses"]],  # type: ignore[misc]
                    errors=Counter(result["errors"]))
    rows = []
    for name, start, end, internal, log_bytes, growth in windows:
        stats = window(shared, start + 0.5, end)
        rows.append([name, f"{stats['fps_min']:.1f}", f"{stats['fps_median']:.1f}",
                     f"{stats['pause_p95_ms']:.0f}", f"{growth:+.0f}", str(internal),
                     str(log_bytes)])
    header = ["attack", "fps min", "fps median", "pause p95 ms", "RSS growth MB",
              "internal", "log bytes"]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
    print(f"well-behaved clients: {GOOD_CLIENTS} (standard workload, pause every "
          f"{PAUSE_EVERY:g} s), errors they got: {dict(shared.errors) or 'none'}; "
          f"tracebacks in the server log: {tracebacks}; load average "
          f"after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
