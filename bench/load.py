"""Load test: N websocket clients each play the standard workload against one server.

    python bench/load.py                    # 40 clients for 20 s
    python bench/load.py --clients 1 --duration 10
    python bench/load.py --workers 1        # one server process (default: as for a class)
    python bench/load.py --json             # one JSON line at the end as well

The standard workload (bench/workload.py) is TF Playground's largest network: spiral, 500
points, half for training, noise 0, inputs x1 and x2, 6 hidden layers of 8 tanh, tanh output
with squared error, learning rate 0.03, batch 10. Each client plays, counts its frames and
bytes, and every `--pause-every` seconds pauses (timing how long the `status: paused` takes) and
plays again. The server runs in its own process on a free port, with as many worker processes
as `playground --host 0.0.0.0` starts for a class on this machine unless `--workers` says
otherwise; its RSS (with its workers') is read from /proc before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import struct
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.engine import standard_trainer  # noqa: E402
from bench.workload import CONFIG  # noqa: E402
from server.cli import default_workers  # noqa: E402
from tests.server_process import server_process  # noqa: E402


@dataclass
class ClientStats:
    frames: int = 0
    bytes: int = 0
    first_epoch: int | None = None
    last_epoch: int = 0
    played: float = 0.0
    pause_ms: list[float] = field(default_factory=list)


def frame_header(message: bytes) -> dict[str, Any]:
    (n,) = struct.unpack_from("<I", message, 0)
    header: dict[str, Any] = json.loads(message[4:4 + n])
    return header


def frame_epoch(message: bytes) -> int:
    return int(frame_header(message)["epoch"])


SEQ = re.compile(rb'\{"seq":(\d+),')
"""A frame header starts with its `seq`: read without parsing the header (the bench's
clients share the server's cores, so their own cost counts)."""


def frame_seq(message: bytes) -> int:
    found = SEQ.match(message, 4, 40)
    return int(found[1]) if found else int(frame_header(message)["seq"])


async def ack(ws: ClientConnection, message: bytes) -> None:
    """Acknowledge a frame on arrival, as the page does once it drew it: the server sends the
    next frames only then (docs/protocol.md, flow control)."""
    await ws.send(f'{{"type":"ack","frame":{frame_seq(message)}}}')


async def wait_for(ws: ClientConnection, kind: str, id: str, stats: ClientStats) -> dict[str, Any]:
    """Read until the reply `kind` with this id; frames on the way are counted."""
    while True:
        message = await ws.recv()
        if isinstance(message, bytes):
            count(message, stats)
            await ack(ws, message)
            continue
        reply: dict[str, Any] = json.loads(message)
        if reply["type"] == "error":
            raise RuntimeError(f"server error: {reply}")
        if reply["type"] == kind and reply.get("id") == id:
            return reply


def count(message: bytes, stats: ClientStats) -> None:
    stats.frames += 1
    stats.bytes += len(message)
    stats.last_epoch = frame_epoch(message)
    if stats.first_epoch is None:
        stats.first_epoch = stats.last_epoch


async def client(url: str, duration: float, pause_every: float, start: asyncio.Event,
                 ready: list[int]) -> ClientStats:
    stats = ClientStats()
    async with connect(url, max_size=None) as ws:
        await ws.send(json.dumps({"type": "configure", "id": "c", "config": CONFIG}))
        await wait_for(ws, "config", "c", ClientStats())
        ready.append(1)
        await start.wait()
        await ws.send(json.dumps({"type": "play", "id": "p0"}))
        await wait_for(ws, "status", "p0", stats)
        began = time.perf_counter()
        end, next_pause, n = began + duration, began + pause_every, 0
        while (now := time.perf_counter()) < end:
            if now >= next_pause:
                n += 1
                sent = time.perf_counter()
                await ws.send(json.dumps({"type": "pause", "id": f"pause{n}"}))
                await wait_for(ws, "status", f"pause{n}", stats)
                stats.pause_ms.append((time.perf_counter() - sent) * 1000)
                await ws.send(json.dumps({"type": "play", "id": f"play{n}"}))
                await wait_for(ws, "status", f"play{n}", stats)
                next_pause += pause_every
                continue
            try:
                message = await asyncio.wait_for(ws.recv(), timeout=min(end, next_pause) - now)
            except TimeoutError:
                continue
            if isinstance(message, bytes):
                count(message, stats)
                await ack(ws, message)
        stats.played = time.perf_counter() - began
    return stats


def rss_mb(pid: int) -> float:
    """Resident memory of the process and all its descendants (the workers of `--workers`)."""
    total = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1]) / 1024
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        total += sum(rss_mb(int(child)) for child in children)
    return total


def bare_engine_epochs_per_second(seconds: float = 2.0) -> float:
    """The engine alone on the standard workload, in this process."""
    trainer = standard_trainer()
    trainer.run(20)
    start = time.perf_counter()
    ran = trainer.run(10**9, max_seconds=seconds)
    return ran / (time.perf_counter() - start)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(args: argparse.Namespace, url: str, pid: int) -> dict[str, Any]:
    start, ready = asyncio.Event(), []
    tasks = []
    for _ in range(args.clients):
        # One after another, as a class connects: with --workers, a burst of connections
        # all lands in the worker that wakes first.
        tasks.append(asyncio.create_task(client(url, args.duration, args.pause_every, start,
                                                ready)))
        await asyncio.sleep(args.connect_every)
    while len(ready) < args.clients:
        await asyncio.sleep(0.05)
    rss_before = rss_mb(pid)
    start.set()
    results = await asyncio.gather(*tasks)
    rss_after = rss_mb(pid)
    fps = [r.frames / r.played for r in results]
    eps = [(r.last_epoch - (r.first_epoch or 0)) / r.played for r in results]
    pauses = [ms for r in results for ms in r.pause_ms]
    frames = sum(r.frames for r in results)
    return {
        "clients": args.clients,
        "duration_s": args.duration,
        "fps_min": min(fps),
        "fps_median": statistics.median(fps),
        "epochs_per_s_min": min(eps),
        "epochs_per_s_median": statistics.median(eps),
        "epochs_per_s_total": sum(eps),
        "bytes_per_frame": sum(r.bytes for r in results) / max(frames, 1),
        "pause_ack_ms_median": statistics.median(pauses) if pauses else None,
        "pause_ack_ms_p95": percentile(pauses, 0.95) if pauses else None,
        "rss_start_mb": rss_before,
        "rss_end_mb": rss_after,
        "rss_growth_mb": rss_after - rss_before,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of play")
    parser.add_argument("--pause-every", type=float, default=2.0,
                        help="seconds between pause/play cycles of each client")
    parser.add_argument("--workers", type=int, default=default_workers("0.0.0.0"),
                        help="server processes (default: as the server starts for a class "
                             "on this machine)")
    parser.add_argument("--connect-every", type=float, default=0.05,
                        help="seconds between two clients' connections")
    parser.add_argument("--no-compression", action="store_true",
                        help="run the server (and clients) without permessage-deflate")
    parser.add_argument("--json", action="store_true", help="also print one JSON line")
    args = parser.parse_args()

    bare = bare_engine_epochs_per_second()
    extra = ["--log-level", "warning", "--workers", str(args.workers)]
    if args.no_compression:
        extra.append("--no-compression")
    with server_process(extra_args=extra) as (process, base_url):
        url = base_url.replace("http://", "ws://") + "/ws"
        result = asyncio.run(run(args, url, process.pid))
    result["bare_engine_epochs_per_s"] = bare
    result["load_average"] = list(os.getloadavg())
    result["workers"] = args.workers
    rows = [
        ("clients", f"{result['clients']} for {result['duration_s']:g} s"),
        ("server processes", f"{args.workers}"),
        ("bare engine (this process)", f"{bare:.0f} epochs/s"),
        ("frames/s per client", f"min {result['fps_min']:.1f}, median "
                                f"{result['fps_median']:.1f}"),
        ("epochs/s per client", f"min {result['epochs_per_s_min']:.0f}, median "
                                f"{result['epochs_per_s_median']:.0f}, total "
                                f"{result['epochs_per_s_total']:.0f}"),
        ("bytes per frame", f"{result['bytes_per_frame']:.0f}"),
        ("pause to ack", f"median {result['pause_ack_ms_median']:.1f} ms, p95 "
                         f"{result['pause_ack_ms_p95']:.1f} ms"),
        ("server RSS", f"{result['rss_start_mb']:.1f} MB -> {result['rss_end_mb']:.1f} MB "
                       f"({result['rss_growth_mb']:+.1f} MB)"),
        ("load average after", " ".join(f"{x:.2f}" for x in result["load_average"])),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
