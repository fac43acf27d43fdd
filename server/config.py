"""Config updates: merge a partial config into the current one, check it whole, normalize it."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from engine import losses
from server.protocol import Config

SERVER_SET = ("resolved_activation", "resolved_loss")


class ProtocolError(Exception):
    """A client message that cannot be applied; becomes one `error` reply."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def dotted(loc: tuple[int | str, ...], prefix: str = "") -> str:
    """("config", "hidden", 2, "units") -> "config.hidden.2.units" (a tagged union's member,
    such as "<range>", and a dict's "[key]" mark are no part of the message's path)."""
    parts = [str(part) for part in loc if not str(part).startswith(("<", "[key]"))]
    return ".".join([prefix, *parts] if prefix else parts)


def first_error(error: ValidationError, prefix: str = "") -> ProtocolError:
    """The first validation error as an `invalid` ProtocolError naming its field."""
    detail = error.errors(include_url=False)[0]
    message = str(detail["msg"]).removeprefix("Value error, ")
    field = dotted(tuple(detail["loc"]), prefix) or None
    if field is not None:
        message = f"{field}: {message}"
    return ProtocolError("invalid", message, field)


def merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """base updated with patch: nested objects merge key by key, anything else is replaced."""
    out = dict(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def updated(current: Config, patch: Config) -> Config:
    """current with the fields set in `patch` (a validated partial config), checked whole."""
    changes = patch.model_dump(exclude_unset=True)
    output = changes.get("output")
    if isinstance(output, dict):
        for key in SERVER_SET:
            output.pop(key, None)
    merged = merge(current.model_dump(), changes)
    try:
        config = Config.model_validate(merged)
    except ValidationError as error:
        raise first_error(error, "config") from None
    check(config)
    return config


def check(config: Config) -> None:
    """Rules that involve several fields (each field alone is checked by the model)."""
    ds = config.dataset
    if ds.train_fraction + ds.validation_fraction >= 1:
        raise ProtocolError(
            "invalid",
            "config.dataset.validation_fraction: train and validation fractions must sum to "
            "less than 1 (the rest is the test set)",
            "config.dataset.validation_fraction",
        )


def normalized(config: Config, task: str) -> Config:
    """The config as it runs: `output.resolved_*` say what `auto` picked for the task."""
    activation, loss = losses.default_for(task)
    if config.output.activation != "auto":
        activation = config.output.activation
    if config.output.loss != "auto":
        loss = config.output.loss
    output = config.output.model_copy(
        update={"resolved_activation": activation, "resolved_loss": loss}
    )
    return config.model_copy(update={"output": output})
