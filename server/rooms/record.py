"""The session's record a teacher downloads: the roster and the challenges' standings as CSV,
and which students' networks are the best (their session files are fetched from them)."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import math
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from server import protocol
from server.protocol import ChallengeMetric
from server.rooms import channel
from server.rooms.room import Student
from server.rooms.scoring import leaderboard

RECORD_NETWORKS = 3
"""The best networks a record carries."""
RECORD_WAIT = 5.0
"""Seconds the record waits for the students' session files."""


def _when(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _table(header: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


UNKNOWN = "unknown"
"""The roster's `left` of a student who left while the teacher's page was closed."""


def roster_csv(roster: list[dict[str, Any]], present: list[Student],
               now: float | None = None) -> str:
    """One row per stay in the class: name, joined, left (empty while in), minutes. A student
    in the room that the roster missed (its teacher was away) is listed from its join; one
    that left while the teacher was away has `unknown` for its departure and no minutes."""
    now = time.time() if now is None else now
    known, here = {entry["id"] for entry in roster}, {s.id for s in present}
    stays = [*roster, *({"id": s.id, "name": s.name, "joined": s.joined, "left": None}
                        for s in present if s.id not in known)]
    rows = []
    for stay in sorted(stays, key=lambda stay: stay["joined"]):
        left = stay["left"]
        if left is None and stay["id"] not in here:
            rows.append([stay["name"], _when(stay["joined"]), UNKNOWN, ""])
        else:
            rows.append([stay["name"], _when(stay["joined"]), _when(left),
                         f"{((left or now) - stay['joined']) / 60:.1f}"])
    return _table(["name", "joined", "left", "minutes"], rows)


def standings_csv(standings: list[dict[str, Any]]) -> str:
    """Each challenge's standings, one row per student, in rank order."""
    rows = [[entry["challenge"], entry["metric"], row["rank"], row["name"],
             "" if row["score"] is None else f"{row['score']:.6g}", row["params"],
             row["epoch"], "yes" if row["eligible"] else "no"]
            for entry in standings for row in entry["rows"]]
    return _table(["challenge", "metric", "rank", "name", "score", "params", "epoch",
                   "eligible"], rows)


def standings(challenge: dict[str, Any], students: list[Student],
              cards: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A challenge's standings now, as the room keeps them once it ends."""
    rows = leaderboard(challenge, students, cards)
    return {"challenge": challenge["title"], "metric": challenge["metric"],
            "rows": [row.model_dump(mode="json") for row in rows]}


def best(standings: list[dict[str, Any]], students: list[Student],
         cards: dict[str, dict[str, Any]]) -> list[tuple[Student, float | None, ChallengeMetric]]:
    """The RECORD_NETWORKS best students still in the room: the last challenge's leaders
    (eligible, with a score), else the best test accuracy (test loss for regression)."""
    here = {student.id: student for student in students}
    if standings:
        last = standings[-1]
        return [(here[row["student"]], row["score"], last["metric"]) for row in last["rows"]
                if row["eligible"] and row["student"] in here][:RECORD_NETWORKS]
    scored: list[tuple[float, Student, float | None, ChallengeMetric]] = []
    for student in students:
        card = cards.get(student.id, {})
        metric: ChallengeMetric = "test_loss" if card.get("task") == "regression" \
            else "test_accuracy"
        score = card.get(metric)
        if score is not None and math.isfinite(score):
            order = -score if metric == "test_accuracy" else score
            scored.append((order, student, score, metric))
    scored.sort(key=lambda entry: (entry[0], entry[1].joined))
    return [(student, score, metric) for _, student, score, metric in scored][:RECORD_NETWORKS]


class FileRequests:
    """The teacher's requests for students' session files, and the answers on their way."""

    def __init__(self) -> None:
        self.open: dict[str, asyncio.Queue[channel.SessionFile]] = {}

    def answer(self, file: channel.SessionFile) -> None:
        answers = self.open.get(file.request)
        if answers is not None:
            answers.put_nowait(file)

    async def gather(self, students: list[str],
                     publish: Callable[[channel.Fetch], Awaitable[None]]
                     ) -> dict[str, protocol.ExportPayload]:
        """Ask each student for its session file; those that answer within RECORD_WAIT."""
        if not students:
            return {}
        request = secrets.token_hex(6)
        answers: asyncio.Queue[channel.SessionFile] = asyncio.Queue()
        self.open[request] = answers
        files: dict[str, protocol.ExportPayload] = {}
        try:
            for student in students:
                await publish(channel.Fetch(to=student, request=request))
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(RECORD_WAIT):
                    while len(files) < len(students):
                        answer = await answers.get()
                        files[answer.student] = answer.session
        finally:
            del self.open[request]
        return files
