"""The controls a teacher can lock, and the check of a locked student's messages.

Each control covers config fields; a student's message that would change a covered field is
refused (`forbidden`, naming the field), unless the field takes the value the teacher pushed
last: the page applies a push as an ordinary `configure`. The `experiments` control is the
page's menu: an experiment is a `configure`, checked field by field like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, get_args

from pydantic import BaseModel

from server import protocol
from server.config import ProtocolError, updated
from server.protocol import LOCKABLE_CONTROLS, Config, LockableControl

Extract = Callable[[Config], Any]
FIELDS: dict[str, tuple[tuple[str, Extract], ...]] = {
    "dataset": (("config.dataset", lambda c: c.dataset),),
    "features": (("config.features", lambda c: c.features),
                 ("config.standardize", lambda c: c.standardize)),
    "layers": (("config.hidden", lambda c: [(layer.units, layer.batch_norm)
                                            for layer in c.hidden]),),
    "activation": (("config.hidden", lambda c: {layer.activation for layer in c.hidden}),),
    "learning_rate": (("config.optimizer.learning_rate", lambda c: c.optimizer.learning_rate),),
    "optimizer": (("config.optimizer", lambda c: c.optimizer.model_copy(
        update={"learning_rate": 0.0})),),
    "init": (("config.init", lambda c: c.init),),
    "regularization": (("config.regularization", lambda c: c.regularization),),
    "output": (("config.output", lambda c: (c.output.activation, c.output.loss)),),
    "data_edit": (),
    "experiments": (),
}
"""Each lockable control's config fields: (error field, the value compared)."""
assert set(FIELDS) == set(LOCKABLE_CONTROLS)
CONFIG_CONTROLS = frozenset(name for name, fields in FIELDS.items() if fields)


def ordered(controls: Iterable[LockableControl]) -> list[LockableControl]:
    """Each control once, in the catalog's order."""
    chosen = set(controls)
    return [name for name in get_args(LockableControl) if name in chosen]


def _first_difference(field: str, old: Any, new: Any) -> str:
    """The dotted field where two values differ (a model's first differing member)."""
    if isinstance(old, BaseModel) and isinstance(new, BaseModel):
        for name in type(old).model_fields:
            if getattr(old, name) != getattr(new, name):
                return f"{field}.{name}"
    return field


def check_config(old: Config, new: Config, locks: Iterable[str],
                 pushed: Config | None) -> None:
    """Raise `forbidden` when `new` changes a field of a locked control (to anything but the
    value pushed last)."""
    for control in locks:
        for field, extract in FIELDS.get(control, ()):
            before, after = extract(old), extract(new)
            if before == after or (pushed is not None and after == extract(pushed)):
                continue
            name = _first_difference(field, before, after)
            raise ProtocolError("forbidden", f"{name}: your teacher locked the {control} "
                                "control", name)


def check(message: protocol.ClientModel, config: Config, locks: list[LockableControl],
          pushed: Config | None) -> None:
    """Raise `forbidden` when a student's message would change a locked control."""
    if not locks:
        return
    if isinstance(message, protocol.ConfigureMessage):
        check_config(config, updated(config, message.config), locks, pushed)
    elif isinstance(message, protocol.AddPointsMessage | protocol.ImportMessage):
        field = "points" if isinstance(message, protocol.AddPointsMessage) else "data"
        if "data_edit" in locks:
            raise ProtocolError("forbidden", f"{field}: your teacher locked the data", field)
        if isinstance(message, protocol.ImportMessage):
            check_config(config, message.data.config, locks, None)
        else:
            check_config(config, config.model_copy(update={"dataset": config.dataset.model_copy(
                update={"name": "custom"})}), locks, None)
    elif isinstance(message, protocol.ReviveMessage) and message.rule == "leaky" \
            and "activation" in locks:
        raise ProtocolError("forbidden", "config.hidden: your teacher locked the activation "
                            "control", "config.hidden")
    elif isinstance(message, protocol.ReviveMessage) and "learning_rate" in locks:
        raise ProtocolError("forbidden", "config.optimizer.learning_rate: your teacher locked "
                            "the learning_rate control", "config.optimizer.learning_rate")
    elif isinstance(message, protocol.SearchLoadMessage) and CONFIG_CONTROLS & set(locks):
        raise ProtocolError("forbidden", "trial: your teacher locked controls that a search "
                            "result would change", "trial")
