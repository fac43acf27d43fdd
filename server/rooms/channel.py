"""What travels on a room's events channel (hub.events(code)), between the teacher's and the
students' processes: typed envelopes, validated on receipt.

An envelope names its reader (`to`: "teacher", "students" or one student's id) and carries
either a server message the reader passes on to its client (`Forward`), or a word between
members: which student the teacher watches (`Spotlight`), a joiner waiting to be let in
(`Knock`, answered by `Admit`), the teacher's record asking a student for its session file
(`Fetch`, answered by `SessionFile`). A malformed envelope raises
`Malformed`: the member logs it and drops it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from server import protocol

Forwarded = Annotated[
    protocol.RoomStateMessage
    | protocol.RoomPushed
    | protocol.RoomClosedMessage
    | protocol.RoomEventMessage
    | protocol.RoomSpotlightInfo,
    Field(discriminator="type"),
]
"""The server messages a member passes on to its client."""


class Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    to: str = Field(min_length=1, max_length=32,
                    description='"teacher", "students", or one student\'s id')


class Forward(Envelope):
    """A message for the reader's client."""

    kind: Literal["message"] = "message"
    message: Forwarded


class Spotlight(Envelope):
    """The teacher watches `student` (None: nobody): that student's member forwards frames."""

    kind: Literal["spotlight"] = "spotlight"
    student: str | None


class Knock(Envelope):
    """A joiner waits in the waiting room (repeated every tick while they wait)."""

    kind: Literal["knock"] = "knock"
    student: str = Field(min_length=1, max_length=32)
    name: str = Field(max_length=protocol.MAX_STUDENT_NAME)
    since: float


class Admit(Envelope):
    """To a waiting student: come in (`admit`), or go."""

    kind: Literal["admit"] = "admit"
    admit: bool


class Fetch(Envelope):
    """To a student: send your session file (the teacher's record asks the best)."""

    kind: Literal["fetch"] = "fetch"
    request: str = Field(max_length=32)


class SessionFile(Envelope):
    """A student's answer to Fetch."""

    kind: Literal["session_file"] = "session_file"
    request: str = Field(max_length=32)
    student: str = Field(max_length=32)
    session: protocol.ExportPayload


Message = Forward | Spotlight | Knock | Admit | Fetch | SessionFile
"""Every envelope."""


class Malformed(ValueError):
    """An envelope that does not parse (logged and dropped by the reader)."""


ChannelMessage = Annotated[Forward | Spotlight | Knock | Admit | Fetch | SessionFile,
                           Field(discriminator="kind")]
_READER: TypeAdapter[Message] = TypeAdapter(ChannelMessage)


def encode(envelope: Message) -> bytes:
    return envelope.model_dump_json().encode()


def decode(data: bytes) -> Message:
    """The envelope in `data`; raises Malformed."""
    try:
        return _READER.validate_json(data)
    except ValidationError as error:
        raise Malformed(str(error)) from None
