"""What travels on a room's events channel (hub.events(code)), between the teacher's and the
students' processes: typed envelopes, validated on receipt.

An envelope names its reader (`to`: "teacher", "students" or one student's id) and carries
either a server message the reader passes on to its client (`Forward`), or a word between
members (`Spotlight`: which student the teacher watches). A malformed envelope raises
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


class Malformed(ValueError):
    """An envelope that does not parse (logged and dropped by the reader)."""


ChannelMessage = Annotated[Forward | Spotlight, Field(discriminator="kind")]
_READER: TypeAdapter[Forward | Spotlight] = TypeAdapter(ChannelMessage)


def encode(envelope: Forward | Spotlight) -> bytes:
    return envelope.model_dump_json().encode()


def decode(data: bytes) -> Forward | Spotlight:
    """The envelope in `data`; raises Malformed."""
    try:
        return _READER.validate_json(data)
    except ValidationError as error:
        raise Malformed(str(error)) from None
