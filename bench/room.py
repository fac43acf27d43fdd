"""Classroom room bench: one teacher and N students (60) against a real server on this machine.

    python bench/room.py                         # both setups, 60 students, 15 s each
    python bench/room.py --setup embedded        # one server process, rooms in memory
    python bench/room.py --setup redis           # two processes sharing a redis-server
    python bench/room.py --students 10 --duration 5 --json
    python bench/room.py --baseline              # also the students' frames/s without a room
    python bench/room.py --setup embedded --teacher mosaic   # the teacher's page in Chromium

Every student joins the teacher's room and plays the default network. The teacher pushes a
config to the room every `--push-every` seconds. Printed, for the measured window:
- each student's frames/s of its own session (min and median),
- the teacher's full galleries (all N students) per second,
- the push latency from the teacher's send to each student's `room_push` (p50, p95, max),
- room bytes/s per student: the room messages a student receives, and the teacher's room
  messages (galleries, leaderboards) divided by the number of students.
In the redis setup the teacher uses the first process and the students alternate between the
two (as behind a load balancer); it needs `redis-server` (Debian's package).

`--teacher mosaic` (or `cards`) replaces the teacher's websocket client by the teacher's page
(/teach in headless Chromium at 1920x1080) showing that view: the same galleries reach it, and
it also says how long the page takes to draw one (cards, mosaic and summary) and how many tiles
or cards it shows. The page does not push; `--teacher all` runs the socket, then each view.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from collections.abc import AsyncIterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import ack  # noqa: E402
from bench.student_cpu import cpu_seconds  # noqa: E402
from tests.redis_server import redis_server  # noqa: E402
from tests.server_process import server_process  # noqa: E402


@dataclass
class Student:
    frames: int = 0
    room_bytes: int = 0
    pushes: dict[int, float] = field(default_factory=dict)
    """push number -> when it arrived (monotonic)."""


@dataclass
class Teacher:
    galleries: int = 0
    full_galleries: int = 0
    room_bytes: int = 0
    sent: dict[int, float] = field(default_factory=dict)


def room_type(text: str) -> str | None:
    """The type of a room message (cheaply, from the start of the text), else None."""
    start = text.find('"type":"')
    if start < 0 or not text.startswith("room_", start + 8):
        return None
    return text[start + 8:text.index('"', start + 8)]


async def reply(ws: ClientConnection, kind: str) -> dict[str, Any]:
    while True:
        message = await asyncio.wait_for(ws.recv(), timeout=30)
        if isinstance(message, bytes):
            await ack(ws, message)
            continue
        if isinstance(message, str):
            parsed: dict[str, Any] = json.loads(message)
            if parsed["type"] == "error":
                raise RuntimeError(f"server error: {parsed}")
            if parsed["type"] == kind:
                return parsed


async def room_messages(ws: ClientConnection, measuring: asyncio.Event, stop: asyncio.Event,
                        stats: Student | Teacher) -> AsyncIterator[tuple[str, str]]:
    """(type, text) of each room message received while measuring, until `stop`; frames are
    acknowledged as the page does once it drew them (and counted in `stats.frames`, where
    there is one), room bytes added to `stats.room_bytes`."""
    while not stop.is_set():
        try:
            message = await asyncio.wait_for(ws.recv(), timeout=0.5)
        except TimeoutError:
            continue
        if isinstance(message, bytes):
            await ack(ws, message)
            if measuring.is_set() and isinstance(stats, Student):
                stats.frames += 1
            continue
        kind = room_type(message)
        if kind is None or not measuring.is_set():
            continue
        stats.room_bytes += len(message)
        yield kind, message


async def student(url: str, code: str | None, name: str, stats: Student,
                  measuring: asyncio.Event, stop: asyncio.Event,
                  ready: asyncio.Queue[None]) -> None:
    async with connect(url + "/ws", max_size=None) as ws:
        if code is not None:
            await ws.send(json.dumps({"type": "room_join", "code": code, "name": name}))
            await reply(ws, "room_joined")
        await ws.send(json.dumps({"type": "play"}))
        ready.put_nowait(None)
        async for kind, message in room_messages(ws, measuring, stop, stats):
            if kind == "room_push":
                seed = json.loads(message)["config"]["seed"]
                stats.pushes.setdefault(seed, time.monotonic())


async def teacher_reads(ws: ClientConnection, students: int, stats: Teacher,
                        measuring: asyncio.Event, stop: asyncio.Event) -> None:
    async for kind, message in room_messages(ws, measuring, stop, stats):
        if kind == "room_gallery":
            stats.galleries += 1
            if json.loads(message)["count"] == students:
                stats.full_galleries += 1


async def classroom_page(teacher_url: str, student_urls: list[str], students: int,
                         duration: float, view: str) -> dict[str, Any]:
    """The teacher's page (/teach in Chromium) showing `view`, and the students: what reaches
    the page (its websocket's room messages) and what drawing them costs it."""
    from playwright.async_api import async_playwright

    from tests.chromium import CHROMIUM, CHROMIUM_ARGS

    measuring, stop = asyncio.Event(), asyncio.Event()
    teacher = Teacher()
    pupils = [Student() for _ in range(students)]

    def received(payload: str | bytes) -> None:
        if not measuring.is_set() or not isinstance(payload, str):
            return
        kind = room_type(payload)
        if kind is None:
            return
        teacher.room_bytes += len(payload)
        if kind == "room_gallery":
            teacher.galleries += 1
            if json.loads(payload)["count"] == students:
                teacher.full_galleries += 1

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                                   args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1920, "height": 1080})
        page.on("websocket", lambda ws: ws.on("framereceived", received))
        await page.goto(teacher_url + "/teach")
        await page.wait_for_function("() => document.querySelector("
                                     "'[data-testid=\"connection\"]').dataset.state === 'open'")
        await page.get_by_test_id("room-create").click()
        await page.wait_for_function("() => window.__teach.room !== null")
        code = await page.evaluate("() => window.__teach.room.code")
        await page.get_by_test_id(f"view-{view}").click()
        ready: asyncio.Queue[None] = asyncio.Queue()
        urls = [u.replace("http", "ws", 1) for u in student_urls]
        tasks = [asyncio.create_task(student(
            urls[i % len(urls)], code, f"student {i + 1}", pupils[i], measuring, stop, ready))
            for i in range(students)]
        for _ in range(students):
            await asyncio.wait_for(ready.get(), timeout=120)
        await asyncio.sleep(3.0)
        measuring.set()
        started = time.monotonic()
        draws: list[float] = []
        while time.monotonic() - started < duration:
            await asyncio.sleep(0.5)
            draws.append(float(await page.evaluate("() => window.__teach.drawMs")))
        elapsed = time.monotonic() - started
        measuring.clear()
        shown = await page.evaluate(
            "() => [...document.querySelectorAll('[data-testid^=\"mosaic-tile-\"],"
            " [data-testid^=\"gallery-student-\"]')].filter((el) => el.offsetParent).length")
        stop.set()
        await asyncio.gather(*tasks)
        await browser.close()
    fps = sorted(p.frames / elapsed for p in pupils)
    return {
        "students": students, "seconds": round(elapsed, 1), "teacher": view,
        "student_fps_min": round(fps[0], 1),
        "student_fps_median": round(statistics.median(fps), 1),
        "gallery_per_s": round(teacher.galleries / elapsed, 2),
        "full_gallery_per_s": round(teacher.full_galleries / elapsed, 2),
        "student_room_bytes_per_s": round(statistics.mean(p.room_bytes for p in pupils)
                                          / elapsed),
        "teacher_room_bytes_per_s_per_student": round(teacher.room_bytes / elapsed
                                                      / students),
        "page_draw_ms_median": round(statistics.median(draws), 1) if draws else None,
        "page_draw_ms_max": round(max(draws), 1) if draws else None,
        "page_shows": shown,
    }


async def baseline(urls: list[str], students: int, duration: float) -> dict[str, Any]:
    """The same sessions without a room: what the room costs the students' frames."""
    measuring, stop = asyncio.Event(), asyncio.Event()
    pupils = [Student() for _ in range(students)]
    ready: asyncio.Queue[None] = asyncio.Queue()
    tasks = [asyncio.create_task(student(urls[i % len(urls)], None, "", pupils[i], measuring,
                                         stop, ready)) for i in range(students)]
    for _ in range(students):
        await asyncio.wait_for(ready.get(), timeout=120)
    await asyncio.sleep(3.0)
    measuring.set()
    started = time.monotonic()
    await asyncio.sleep(duration)
    elapsed = time.monotonic() - started
    stop.set()
    await asyncio.gather(*tasks)
    fps = sorted(p.frames / elapsed for p in pupils)
    return {"baseline_fps_min": round(fps[0], 1),
            "baseline_fps_median": round(statistics.median(fps), 1)}


async def classroom(teacher_url: str, student_urls: list[str], students: int,
                    duration: float, push_every: float, pids: list[int]) -> dict[str, Any]:
    measuring, stop = asyncio.Event(), asyncio.Event()
    teacher = Teacher()
    pupils = [Student() for _ in range(students)]
    async with connect(teacher_url + "/ws", max_size=None) as ws:
        await ws.send(json.dumps({"type": "room_create", "title": "bench"}))
        room = await reply(ws, "room_created")
        ready: asyncio.Queue[None] = asyncio.Queue()
        tasks = [asyncio.create_task(student(
            student_urls[i % len(student_urls)], room["code"], f"student {i + 1}", pupils[i],
            measuring, stop, ready)) for i in range(students)]
        for _ in range(students):
            await asyncio.wait_for(ready.get(), timeout=120)
        reader = asyncio.create_task(teacher_reads(ws, students, teacher, measuring, stop))
        await asyncio.sleep(3.0)  # warm up: every session plays, galleries fill
        measuring.set()
        started = time.monotonic()
        servers_cpu = [cpu_seconds(pid) for pid in pids]
        bench_cpu = time.process_time()
        push = 0
        while time.monotonic() - started < duration:
            push += 1
            teacher.sent[push] = time.monotonic()
            await ws.send(json.dumps({"type": "room_push", "key": room["key"],
                                      "config": {"seed": push}}))
            await asyncio.sleep(min(push_every, max(0.0, duration - (time.monotonic()
                                                                      - started))))
        elapsed = time.monotonic() - started
        servers_cpu = [cpu_seconds(pid) - cpu for pid, cpu in zip(pids, servers_cpu,
                                                                  strict=True)]
        bench_cpu = time.process_time() - bench_cpu
        await asyncio.sleep(1.0)  # the last push arrives
        stop.set()
        await asyncio.gather(*tasks, reader)
    latencies = [(arrived - teacher.sent[n]) * 1000 for p in pupils
                 for n, arrived in p.pushes.items() if n in teacher.sent]
    missing = sum(1 for p in pupils for n in teacher.sent if n not in p.pushes)
    fps = sorted(p.frames / elapsed for p in pupils)
    return {
        "students": students, "seconds": round(elapsed, 1),
        "student_fps_min": round(fps[0], 1), "student_fps_median": round(
            statistics.median(fps), 1),
        "gallery_per_s": round(teacher.galleries / elapsed, 2),
        "full_gallery_per_s": round(teacher.full_galleries / elapsed, 2),
        "push_ms_p50": round(statistics.median(latencies), 1) if latencies else None,
        "push_ms_p95": round(statistics.quantiles(latencies, n=20)[-1], 1)
        if len(latencies) > 1 else None,
        "push_ms_max": round(max(latencies), 1) if latencies else None,
        "pushes_missed": missing,
        "student_room_bytes_per_s": round(statistics.mean(p.room_bytes for p in pupils)
                                          / elapsed),
        "teacher_room_bytes_per_s_per_student": round(teacher.room_bytes / elapsed
                                                      / students),
        "server_cpu_per_process": [round(cpu / elapsed, 2) for cpu in servers_cpu],
        "server_cpu_ms_per_student_second": round(1000 * sum(servers_cpu) / elapsed
                                                  / students, 1),
        "server_cpu_ms_per_frame": round(1000 * sum(servers_cpu)
                                         / max(1, sum(p.frames for p in pupils)), 2),
        "bench_cpu": round(bench_cpu / elapsed, 2),
        "load_average": round(os.getloadavg()[0], 1),
        "cores": os.cpu_count(),
    }


GOALS = (("student_fps_min", ">=", 10.0, "every student's own frames/s"),
         ("full_gallery_per_s", ">=", 1.0, "the teacher's galleries with every student, per s"),
         ("push_ms_p95", "<", 1000.0, "push latency p95, ms"))
"""What a class needs (docs/performance.md, classroom rooms)."""


def goals(result: dict[str, Any]) -> list[str]:
    """One line per goal: the measure, the goal and whether this run met it."""
    lines = []
    for key, op, goal, label in GOALS:
        value = result.get(key)
        if value is None:
            continue
        met = value >= goal if op == ">=" else value < goal
        lines.append(f"{label}: {value} (goal {op} {goal:g}) {'met' if met else 'NOT met'}")
    return lines


def run(setup: str, students: int, duration: float, push_every: float,
        with_baseline: bool, teacher: str = "socket") -> dict[str, Any]:
    # One address opens every socket: lift the per-address caps of a real class's NAT.
    os.environ["PLAYGROUND_ROOM_JOIN_ATTEMPTS"] = str(10 * students)
    common = ["--max-sessions-per-client", str(students + 10), "--max-sessions",
              str(students + 10), "--max-students-per-room", str(students)]
    with ExitStack() as stack:
        if setup == "embedded":
            process, base = stack.enter_context(server_process(
                extra_args=[*common, "--workers", "1"]))
            teacher_url, student_urls, pids = base, [base], [process.pid]
        else:
            url = stack.enter_context(redis_server())
            args = [*common, "--workers", "1", "--redis", url]
            one, first = stack.enter_context(server_process(extra_args=args))
            two, second = stack.enter_context(server_process(extra_args=args))
            teacher_url, student_urls, pids = first, [first, second], [one.pid, two.pid]
        ws_urls = [u.replace("http", "ws", 1) for u in student_urls]
        if teacher != "socket":
            return {"setup": setup, **asyncio.run(classroom_page(
                teacher_url, student_urls, students, duration, teacher))}
        result = asyncio.run(classroom(teacher_url.replace("http", "ws", 1), ws_urls,
                                       students, duration, push_every, pids))
        if with_baseline:
            result |= asyncio.run(baseline(ws_urls, students, duration))
    return {"setup": setup, **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--setup", choices=["embedded", "redis", "both"], default="both")
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--push-every", type=float, default=2.0)
    parser.add_argument("--baseline", action="store_true",
                        help="also the same sessions without a room (their frames/s)")
    parser.add_argument("--teacher", choices=["socket", "mosaic", "cards", "all"],
                        default="socket", help="the teacher: a websocket client, or the "
                        "teacher's page in Chromium showing the mosaic or the cards")
    parser.add_argument("--json", action="store_true", help="also one JSON line per setup")
    args = parser.parse_args()
    setups = ["embedded", "redis"] if args.setup == "both" else [args.setup]
    teachers = ["socket", "mosaic", "cards"] if args.teacher == "all" else [args.teacher]
    for setup in setups:
        for teacher in teachers:
            report(run(setup, args.students, args.duration, args.push_every,
                       args.baseline and teacher == "socket", teacher), args)


def report(result: dict[str, Any], args: argparse.Namespace) -> None:
    """Prints one run's numbers (and, with --json, its JSON line)."""
    setup = result["setup"]
    teacher = result.get("teacher", "socket")
    print(f"{setup}, teacher {teacher}: {result['students']} students, "
          f"{result['seconds']} s measured")
    print(f"  student frames/s (own session): min {result['student_fps_min']}, "
          f"median {result['student_fps_median']}")
    if "baseline_fps_min" in result:
        print(f"  without a room: min {result['baseline_fps_min']}, "
              f"median {result['baseline_fps_median']}")
    print(f"  teacher galleries/s: {result['gallery_per_s']} "
          f"(with all {result['students']} students: {result['full_gallery_per_s']})")
    if "push_ms_p50" in result:
        print(f"  push latency ms: p50 {result['push_ms_p50']}, p95 "
              f"{result['push_ms_p95']}, max {result['push_ms_max']} "
              f"({result['pushes_missed']} missed)")
    if "page_draw_ms_median" in result:
        print(f"  the page draws a gallery in {result['page_draw_ms_median']} ms (median), "
              f"{result['page_draw_ms_max']} ms (max), showing {result['page_shows']} "
              f"{'tiles' if teacher == 'mosaic' else 'cards'}")
    print(f"  room bytes/s per student: {result['student_room_bytes_per_s']} received by "
          f"the student, {result['teacher_room_bytes_per_s_per_student']} of the "
          "teacher's galleries")
    if "server_cpu_per_process" in result:
        print(f"  server CPU: {result['server_cpu_per_process']} cores (per process), "
              f"{result['server_cpu_ms_per_student_second']} ms per student-second, "
              f"{result['server_cpu_ms_per_frame']} ms per student frame (all included); the "
              f"bench's clients {result['bench_cpu']} core; load average "
              f"{result['load_average']} on {result['cores']} cores")
    for line in goals(result):
        print(f"  {line}")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
