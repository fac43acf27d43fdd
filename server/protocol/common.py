"""What every message is built from: strict scalars, message ids, the engine's names as
validated strings, and the client and server base models."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    WithJsonSchema,
)

from engine.registry import lookup
from server import limits
from server.names import (
    ACTIVATIONS,
    DATASETS,
    FEATURES,
    HIDDEN_ACTIVATIONS,
    INITIALIZERS,
    LOSSES,
    OPTIMIZERS,
)

PROTOCOL_VERSION = 2

Int = Annotated[int, Strict()]
"""An integer: JSON true, 2.0 or "2" are not one (pydantic's lax mode would take them)."""
Float = Annotated[float, Strict()]
"""A number: a JSON integer is fine, true is not (pydantic's lax mode would take it as 1)."""
Bool = Annotated[bool, Strict()]
"""true or false: not 1, "yes" or "true"."""


def _message_id(value: Any) -> Any:
    """A string of at most MAX_ID_LENGTH characters (text: no lone UTF-16 surrogate such as
    JSON "\\ud800", which could not be echoed), an integer a JavaScript number holds, or null."""
    if value is None:
        return value
    if isinstance(value, str):
        if len(value) > limits.MAX_ID_LENGTH:
            raise ValueError(f"at most {limits.MAX_ID_LENGTH} characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("a lone UTF-16 surrogate is not text") from None
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > limits.MAX_ID_INT:
            raise ValueError(f"an integer of at most {limits.MAX_ID_INT} in size")
        return value
    raise ValueError("a string, an integer or null")


MessageId = Annotated[
    str | int | None,
    BeforeValidator(_message_id),
    Field(description=f"echoed in every reply: a string of at most {limits.MAX_ID_LENGTH} "
          f"characters or an integer of at most {limits.MAX_ID_INT} in size"),
]


def _valid(kind: str, names: tuple[str, ...]) -> AfterValidator:
    """Restricts a string to one engine registry's keys (an error lists the valid ones)."""
    table = {name: name for name in names}
    return AfterValidator(lambda value: lookup(table, value, kind))


def _enum(names: tuple[str, ...]) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "enum": list(names)})


OUTPUT_ACTIVATIONS = ("auto", *ACTIVATIONS)
OUTPUT_LOSSES = ("auto", *LOSSES)
ActivationName = Annotated[str, _valid("activation", ACTIVATIONS), _enum(ACTIVATIONS)]
HiddenActivationName = Annotated[
    str, _valid("hidden activation", HIDDEN_ACTIVATIONS), _enum(HIDDEN_ACTIVATIONS)
]
OutputActivationName = Annotated[
    str, _valid("output activation", OUTPUT_ACTIVATIONS), _enum(OUTPUT_ACTIVATIONS)
]
LossName = Annotated[str, _valid("loss", LOSSES), _enum(LOSSES)]
OutputLossName = Annotated[str, _valid("loss", OUTPUT_LOSSES), _enum(OUTPUT_LOSSES)]
InitName = Annotated[str, _valid("initializer", INITIALIZERS), _enum(INITIALIZERS)]
OptimizerName = Annotated[str, _valid("optimizer", OPTIMIZERS), _enum(OPTIMIZERS)]
DatasetName = Annotated[str, _valid("dataset", DATASETS), _enum(DATASETS)]
FeatureName = Annotated[str, _valid("feature", FEATURES), _enum(FEATURES)]
Task = Literal["binary", "multiclass", "regression"]
Seed = Annotated[Int, Field(ge=0, le=limits.MAX_SEED)]


def _unique(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("features must not repeat")
    return values


class ClientModel(BaseModel):
    """Unknown fields and non-finite numbers are errors in everything a client sends."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


State = Literal["playing", "paused", "diverged"]
ErrorCode = Literal[
    "bad_json", "unknown_type", "invalid", "too_large", "bad_data", "not_applicable",
    "too_many_sessions", "internal", "room_not_found", "room_full", "room_limit",
    "room_client_limit", "rate_limited", "forbidden", "not_in_room", "rooms_unavailable",
]


class ServerModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
