"""What one student costs the server: CPU milliseconds per student-second.

    python bench/student_cpu.py                   # 1 student, 15 s, the default network and view
    python bench/student_cpu.py --students 10     # ten at once
    python bench/student_cpu.py --hidden          # the page's tab hidden (visibility message)
    python bench/student_cpu.py --json            # one JSON line as well
    python bench/student_cpu.py --no-floor        # without the floors (below)

Each student opens the page's session as it comes (the default config, the default pace and
view), plays, and acknowledges every frame on arrival as the page does. The server runs in one
process on a free port; its CPU time (user + system, from /proc, its children included) is read
before and after the timed play, and divided by students × seconds.

Two floors are timed in the same run, in this process, for one student: the session's own
work (`Session.train_slice` at the pace, then the frame the server would build, deflated as
the server deflates it), with no socket and no event loop,
- paced: one epoch and one frame each 1/30 s, the thread sleeping in between as the server
  does (on many machines a turn after a sleep costs more: the caches went to others);
- back to back: the same work with no sleep.
The server's figure over the paced floor is what the socket, the event loop and the scheduler
add; the paced floor over the back-to-back one is what the rhythm itself costs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

# One BLAS thread, as in the server, before NumPy loads (the floors run in this process).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from websockets.asyncio.client import ClientConnection, connect  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import frame_header  # noqa: E402
from tests.server_process import server_process  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the process and its reaped children, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return (utime + stime + cutime + cstime) / TICKS


async def student(url: str, seconds: float, hidden: bool, start: asyncio.Event,
                  ready: list[int]) -> dict[str, float]:
    frames = 0
    async with connect(url, max_size=None) as ws:
        await until(ws, "status")
        if hidden:
            await ws.send(json.dumps({"type": "visibility", "id": "v", "visible": False}))
        ready.append(1)
        await start.wait()
        await ws.send(json.dumps({"type": "play", "id": "p"}))
        began = time.perf_counter()
        end = began + seconds
        first_epoch = last_epoch = None
        while (now := time.perf_counter()) < end:
            try:
                message = await asyncio.wait_for(ws.recv(), timeout=end - now)
            except TimeoutError:
                break
            if isinstance(message, bytes):
                header = frame_header(message)
                frames += 1
                last_epoch = int(header["epoch"])
                first_epoch = last_epoch if first_epoch is None else first_epoch
                await ws.send(json.dumps({"type": "ack", "frame": header["seq"]}))
        played = time.perf_counter() - began
    return {"fps": frames / played,
            "epochs_per_s": ((last_epoch or 0) - (first_epoch or 0)) / played}


async def until(ws: ClientConnection, kind: str) -> dict[str, Any]:
    while True:
        message = await ws.recv()
        if isinstance(message, str):
            reply: dict[str, Any] = json.loads(message)
            if reply["type"] == kind:
                return reply
        else:
            await ws.send(json.dumps({"type": "ack", "frame": frame_header(message)["seq"]}))


async def run(args: argparse.Namespace, url: str, pid: int) -> dict[str, Any]:
    start, ready = asyncio.Event(), []
    tasks = [asyncio.create_task(student(url, args.seconds, args.hidden, start, ready))
             for _ in range(args.students)]
    while len(ready) < args.students:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    cpu_before, wall_before = cpu_seconds(pid), time.perf_counter()
    start.set()
    results = await asyncio.gather(*tasks)
    cpu = cpu_seconds(pid) - cpu_before
    wall = time.perf_counter() - wall_before
    return {
        "students": args.students,
        "seconds": round(wall, 2),
        "hidden": args.hidden,
        "cpu_ms_per_student_second": round(1000 * cpu / (args.students * wall), 1),
        "fps_min": round(min(r["fps"] for r in results), 1),
        "fps_median": round(statistics.median(r["fps"] for r in results), 1),
        "epochs_per_s_median": round(statistics.median(r["epochs_per_s"] for r in results), 1),
        "load_average": os.getloadavg()[0],
    }


def work_floor(seconds: float, paced: bool) -> float:
    """CPU ms per second of one student's session work alone: training at the default pace
    and the periodic frames, deflated (see the module's docstring)."""
    import zlib

    from server.runner import parse
    from server.session import handle
    from server.session.session import Session
    from server.settings import Settings
    from server.wire import DEFLATE_LEVEL

    session = Session(Settings())
    handle(session, parse('{"type": "play", "id": "p"}', 1 << 20))
    deflate = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -12, 5)
    interval = 1 / session.model.config.view.fps
    ticks = round(seconds / interval)
    cpu = 0.0
    next_tick = time.monotonic()
    for _ in range(ticks):
        if paced:
            next_tick += interval
            time.sleep(max(0.0, next_tick - time.monotonic()))
        started = time.thread_time()
        session.train_slice(0.004)
        frame = session.frame(periodic=True)
        deflate.compress(frame)
        deflate.flush(zlib.Z_SYNC_FLUSH)
        session.frames.ack(session.frames.seq)
        cpu += time.thread_time() - started
    return 1000 * cpu / (ticks * interval)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--hidden", action="store_true",
                        help="each student's tab is hidden (the page tells the server)")
    parser.add_argument("--no-compression", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-floor", action="store_true",
                        help="skip the floors (the session's work alone, in this process)")
    args = parser.parse_args()
    # Every student comes from this machine's one address: the server's per-address and
    # per-process session limits (40 and 160 by default) would refuse the rest.
    extra = ["--workers", "1", "--log-level", "warning",
             "--max-sessions-per-client", str(args.students),
             "--max-sessions", str(max(args.students, 160))]
    if args.no_compression:
        extra.append("--no-compression")
    with server_process(extra_args=extra) as (process, base_url):
        url = base_url.replace("http", "ws", 1) + "/ws"
        result = asyncio.run(run(args, url, process.pid))
    if not args.no_floor:
        result["floor_paced_ms_per_second"] = round(work_floor(args.seconds, paced=True), 1)
        result["floor_back_to_back_ms_per_second"] = round(
            work_floor(args.seconds, paced=False), 1)
        result["server_over_paced_floor"] = round(
            result["cpu_ms_per_student_second"] / result["floor_paced_ms_per_second"], 2)
    for key, value in result.items():
        print(f"{key:28} {value}")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
