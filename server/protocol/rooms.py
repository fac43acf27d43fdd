"""The classroom's messages: room codes, names and titles as plain text, the teacher's
commands and what students and teachers receive."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    Strict,
)

from server import limits
from server.protocol.common import (
    Bool,
    ClientModel,
    Int,
    MessageId,
    ServerModel,
    State,
    Task,
)
from server.protocol.config import (
    Config,
    DatasetConfig,
    ExportPayload,
)
from server.protocol.session import (
    DataMessage,
    ExerciseKind,
)

ROOM_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""A room code's letters: no 0/O, 1/I/L, which a class reads off a projector by mistake."""
ROOM_CODE_LENGTH = 6
MAX_ROOM_TITLE = 80
MAX_STUDENT_NAME = 40
MAX_ROOM_KEY = 64
MAX_PAUSE_MESSAGE = 200
LOCKABLE_CONTROLS = ("dataset", "features", "layers", "activation", "learning_rate",
                     "optimizer", "init", "regularization", "output", "data_edit",
                     "experiments")
"""The controls a teacher can lock (the page disables them; the server refuses changes)."""
LockableControl = Literal["dataset", "features", "layers", "activation", "learning_rate",
                          "optimizer", "init", "regularization", "output", "data_edit",
                          "experiments"]
ChallengeMetric = Literal["test_accuracy", "test_loss"]
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e"
                                 r"\u2066-\u2069]")


MAX_COMBINING = 2
"""Combining marks kept on one character (a Vietnamese letter has two; a pile of forty
covers the lines around it)."""
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u034f\u17b4\u17b5")
"""Fillers and joiners that draw nothing though not of the format category."""


def plain_text(value: str) -> str:
    """Text a name or a title may hold: NFC, without control, format (invisible: zero-width
    spaces and joiners, byte-order marks, bidirectional controls, tag characters) or
    filler characters, at most MAX_COMBINING combining marks on a character, spaces
    collapsed and trimmed."""
    out: list[str] = []
    marks = 0
    for char in unicodedata.normalize("NFC", _CONTROL_CHARACTERS.sub(" ", value)):
        category = unicodedata.category(char)
        if category in ("Cf", "Cc", "Cs", "Co", "Cn") or char in _INVISIBLE:
            continue
        if category in ("Mn", "Me"):
            marks += 1
            if marks > MAX_COMBINING or not out:
                continue
        else:
            marks = 0
        out.append(" " if category in ("Zs", "Zl", "Zp") else char)
    return " ".join("".join(out).split())


_TEACHER_NAMES = re.compile(r"^(teacher|professeur|professeure|prof|enseignant|enseignante)"
                            r"(\s*\(.*\))?$", re.IGNORECASE)


def _not_the_teacher(value: Any) -> Any:
    if isinstance(value, str) and _TEACHER_NAMES.match(value):
        raise ValueError("this name is the teacher's; pick your own")
    return value


def _room_code(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip().upper()
        if len(value) != ROOM_CODE_LENGTH or any(c not in ROOM_CODE_ALPHABET for c in value):
            raise ValueError(f"a room code is {ROOM_CODE_LENGTH} characters from "
                             f"{ROOM_CODE_ALPHABET}")
    return value


def _plain(limit: int, minimum: int) -> BeforeValidator:
    def check(value: Any) -> Any:
        if isinstance(value, str):
            value = plain_text(value)
            if len(value) < minimum:
                raise ValueError("must not be empty")
            if len(value) > limit:
                raise ValueError(f"at most {limit} characters")
        return value
    return BeforeValidator(check)


RoomCode = Annotated[str, BeforeValidator(_room_code), Field(
    description=f"{ROOM_CODE_LENGTH} characters from {ROOM_CODE_ALPHABET} (case-insensitive)",
    pattern=f"^[{ROOM_CODE_ALPHABET}]{{{ROOM_CODE_LENGTH}}}$")]
RoomKey = Annotated[str, Strict(), Field(min_length=1, max_length=MAX_ROOM_KEY,
                                         description="the teacher's key from room_created")]
RoomTitle = Annotated[str, _plain(MAX_ROOM_TITLE, 0), Field(
    max_length=MAX_ROOM_TITLE, description="plain text: control characters are dropped")]
StudentName = Annotated[str, AfterValidator(_not_the_teacher), _plain(MAX_STUDENT_NAME, 1),
                        Field(
    min_length=1, max_length=MAX_STUDENT_NAME,
    description="plain text, trimmed: control characters are dropped")]
StudentId = Annotated[str, Strict(), Field(min_length=1, max_length=32)]
PauseText = Annotated[str, _plain(MAX_PAUSE_MESSAGE, 0), Field(
    max_length=MAX_PAUSE_MESSAGE, description="plain text shown to every student")]


class RoomCreateMessage(ClientModel):
    """Open a room (this socket becomes its teacher socket); with `code` and `key`: resume a
    room this teacher opened before (e.g. after a reload)."""

    type: Literal["room_create"]
    id: MessageId = None
    title: RoomTitle | None = None
    code: RoomCode | None = Field(default=None, description="resume: the room's code")
    key: RoomKey | None = Field(default=None, description="resume: the room's key")


class RoomJoinMessage(ClientModel):
    type: Literal["room_join"]
    id: MessageId = None
    code: RoomCode
    name: StudentName


class RoomLeaveMessage(ClientModel):
    type: Literal["room_leave"]
    id: MessageId = None


class RoomPushMessage(ClientModel):
    """Send every student an experiment (by name, optionally one of its variants by label), a
    partial config or an exercise: exactly one of `experiment`, `config` and `exercise`."""

    type: Literal["room_push"]
    id: MessageId = None
    key: RoomKey
    experiment: str | None = Field(default=None, max_length=80,
                                   description="an experiment's name (catalog `experiments`)")
    variant: str | None = Field(default=None, max_length=80,
                                description="the label of one of the experiment's variants")
    config: Config | None = Field(default=None, description="a partial config")
    exercise: ExerciseKind | None = Field(
        default=None, description="an exercise of this kind: each student gets one drawn from "
        "their own network (the same seed for all), and the gallery cards say who answered")


class RoomLockMessage(ClientModel):
    type: Literal["room_lock"]
    id: MessageId = None
    key: RoomKey
    controls: list[LockableControl] = Field(max_length=len(LOCKABLE_CONTROLS),
                                            description="[] unlocks every control")


class RoomSpotlightMessage(ClientModel):
    type: Literal["room_spotlight"]
    id: MessageId = None
    key: RoomKey
    student: StudentId | None = Field(description="null ends the spotlight")


class RoomHideMessage(ClientModel):
    type: Literal["room_hide"]
    id: MessageId = None
    key: RoomKey
    student: StudentId
    hidden: Bool


class RoomRemoveMessage(ClientModel):
    type: Literal["room_remove"]
    id: MessageId = None
    key: RoomKey
    student: StudentId


class RoomChallengeMessage(ClientModel):
    """Start a challenge (its dataset is pushed to every student) or, with `stop`, end it."""

    type: Literal["room_challenge"]
    id: MessageId = None
    key: RoomKey
    dataset: DatasetConfig | None = Field(default=None, description="a partial dataset config")
    max_params: Int | None = Field(default=None, ge=1)
    max_epochs: Int | None = Field(default=None, ge=1, le=limits.MAX_EPOCH)
    metric: ChallengeMetric = "test_accuracy"
    title: RoomTitle | None = None
    stop: Bool = False


class RoomCloseMessage(ClientModel):
    type: Literal["room_close"]
    id: MessageId = None
    key: RoomKey


class RoomWaitingMessage(ClientModel):
    """Switch the waiting room: on, joiners wait until the teacher admits them; off, everyone
    waiting is let in."""

    type: Literal["room_waiting"]
    id: MessageId = None
    key: RoomKey
    on: Bool


class RoomAdmitMessage(ClientModel):
    """Let a waiting student in (`admit` false: refuse them); `student` null: everyone
    waiting."""

    type: Literal["room_admit"]
    id: MessageId = None
    key: RoomKey
    student: StudentId | None = Field(default=None, description="null: everyone waiting")
    admit: Bool = True


class RoomPauseMessage(ClientModel):
    """Pause the class: every student's training stops, their page shows `message`, and
    their play and step are refused until `room_resume` (students joining meanwhile too)."""

    type: Literal["room_pause"]
    id: MessageId = None
    key: RoomKey
    message: PauseText = ""


class RoomResumeMessage(ClientModel):
    type: Literal["room_resume"]
    id: MessageId = None
    key: RoomKey


class RoomRecordMessage(ClientModel):
    """The session's record so far (reply `room_record`)."""

    type: Literal["room_record"]
    id: MessageId = None
    key: RoomKey


class RoomLimits(ServerModel):
    students: int = Field(description="students a room holds at most")


class RoomCreatedMessage(ServerModel):
    type: Literal["room_created"] = "room_created"
    id: MessageId = None
    code: str
    key: str = Field(description="the teacher's key: keep it in the page (never in a URL)")
    title: str
    join_path: str = Field(description="the students' page: /?room=CODE")
    limits: RoomLimits


class Challenge(ServerModel):
    title: str = Field(description="the teacher's title, empty when untitled")
    dataset: dict[str, Any] = Field(description="the partial dataset config of the challenge")
    max_params: int | None
    max_epochs: int | None
    metric: ChallengeMetric
    started: float = Field(description="unix seconds")


class ClassPause(ServerModel):
    message: str = Field(description="the teacher's words, empty when none")


class RoomJoinedMessage(ServerModel):
    type: Literal["room_joined"] = "room_joined"
    id: MessageId = None
    code: str
    title: str
    student: str = Field(description="this student's id in the room")
    name: str
    locks: list[LockableControl]
    challenge: Challenge | None
    paused: ClassPause | None = Field(default=None, description="the class is paused")


class RoomWaitingReply(ServerModel):
    """To a joiner: the waiting room is on; `room_joined` follows when the teacher admits
    them (`room_closed` with `refused` if not)."""

    type: Literal["room_waiting"] = "room_waiting"
    id: MessageId = None
    code: str
    title: str
    student: str = Field(description="this student's id in the room, once admitted")
    name: str


class RoomLeftMessage(ServerModel):
    type: Literal["room_left"] = "room_left"
    id: MessageId = None
    code: str


class PushedExercise(ServerModel):
    id: str = Field(description="answers name it (`exercise_answer`, the cards' `exercise`)")
    kind: ExerciseKind
    seed: int = Field(description="the page draws the exercise with this seed")


RoomAction = Literal["push", "lock", "spotlight", "hide", "remove", "challenge", "close",
                     "waiting", "admit", "pause", "resume"]


class RoomAckMessage(ServerModel):
    type: Literal["room_ack"] = "room_ack"
    id: MessageId = None
    action: RoomAction
    delivered: int | None = Field(default=None, description="push: the students sent to; "
                                  "admit: the students admitted or refused")
    exercise: PushedExercise | None = Field(default=None,
                                            description="push of an exercise: the one sent")


class CardExercise(ServerModel):
    id: str
    verdict: Literal["right", "wrong"] = Field(description="right once any answer was right")
    tries: int


class StudentCard(ServerModel):
    id: str
    name: str
    hidden: bool
    epoch: int
    train_loss: float | None
    val_loss: float | None
    val_accuracy: float | None
    test_loss: float | None
    test_accuracy: float | None
    params: int
    dead: int = Field(description="dead hidden neurons")
    advice: list[str] = Field(description="the coach's advice codes")
    thumb: str | None = Field(default=None, description="base64 of 32x32 bytes, row 0 on top "
                              "(x2 max), row-major: 255·ŷ (binary), 255·(ŷ+1)/2 (regression), "
                              "class index · 255/(classes-1) (multiclass); null when unchanged "
                              "since the last gallery (keep the previous one)")
    task: Task
    status: State
    joined: float = Field(description="unix seconds")
    locked: bool = Field(description="controls are locked for this student")
    exercise: CardExercise | None = Field(
        default=None, description="the student's answer to the last exercise they checked")


class WaitingStudent(ServerModel):
    id: str
    name: str
    since: float = Field(description="unix seconds")


class RoomGalleryMessage(ServerModel):
    type: Literal["room_gallery"] = "room_gallery"
    code: str
    count: int
    students: list[StudentCard]
    waiting_room: bool = Field(default=False, description="joiners wait to be admitted")
    waiting: list[WaitingStudent] = Field(default_factory=list,
                                          description="who waits, first come first")
    paused: ClassPause | None = Field(default=None, description="the class is paused")


class LeaderboardRow(ServerModel):
    rank: int
    student: str
    name: str
    score: float | None = Field(description="the challenge metric on the student's test split")
    params: int
    epoch: int
    eligible: bool = Field(description="within the budget, on the challenge's dataset")


class RoomLeaderboardMessage(ServerModel):
    type: Literal["room_leaderboard"] = "room_leaderboard"
    challenge: Challenge
    rows: list[LeaderboardRow]


class RoomEventMessage(ServerModel):
    type: Literal["room_event"] = "room_event"
    event: Literal["joined", "left", "waiting"]
    student: str
    name: str


class RoomSpotlightInfo(ServerModel):
    """To the teacher: the spotlit student's config and data (binary frames follow, their
    header's `spotlight` naming the student); `student` null: the spotlight ended."""

    type: Literal["room_spotlight"] = "room_spotlight"
    student: str | None
    name: str | None = None
    config: Config | None = None
    data: DataMessage | None = None


class RoomPushed(ServerModel):
    """To a student: apply this experiment (as the Experiments menu does) or config (as a
    `configure`, then a `reset`), or open this exercise."""

    type: Literal["room_push"] = "room_push"
    experiment: str | None = None
    variant: str | None = None
    config: dict[str, Any] | None = Field(default=None, description="a partial config")
    exercise: PushedExercise | None = None


class RoomStateMessage(ServerModel):
    type: Literal["room_state"] = "room_state"
    locks: list[LockableControl]
    challenge: Challenge | None
    paused: ClassPause | None = Field(default=None, description="the class is paused")


class RoomClosedMessage(ServerModel):
    type: Literal["room_closed"] = "room_closed"
    reason: Literal["closed", "removed", "expired", "refused"] = Field(
        description="refused: the teacher did not admit this student from the waiting room")


class RecordNetwork(ServerModel):
    student: str
    name: str
    score: float | None = Field(description="what ranked it: the challenge's metric, else "
                                "the test accuracy (classification) or test loss")
    metric: ChallengeMetric
    session: ExportPayload = Field(description="a session file, as Save & share downloads it")


class RoomRecordReply(ServerModel):
    """The session's record: CSV texts of the roster and the challenges' standings, and the
    best students' networks."""

    type: Literal["room_record"] = "room_record"
    id: MessageId = None
    code: str
    title: str
    roster: str = Field(description="CSV: name, joined, left (UTC, ISO 8601; empty while in, "
                        "`unknown` when the student left while the teacher's page was closed), "
                        "minutes")
    standings: str = Field(description="CSV: challenge, metric, rank, name, score, params, "
                           "epoch, eligible (each challenge's final standings)")
    networks: list[RecordNetwork] = Field(description="the best networks, best first")
