"""What a session is doing (playing, paused, diverged), the one table of the ways that
changes, and the version of what its frames show.

Every change of state goes through `Machine.fire(event)` and the table TRANSITIONS: an event
the table refuses in a state raises ProtocolError (a client asked for something not
applicable, the session is unchanged); an event the table does not list for a state raises
TransitionError (a bug: the code fired an event that cannot happen there). The rest of the
session (training.py, frames.py, handlers.py) reads the state here and never writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from server import protocol
from server.config import ProtocolError
from server.model import Model
from server.protocol import MessageId, State

Event = Literal["play", "pause", "step", "diverge", "stop_early", "fail", "new_network", "load"]
"""play, pause, step: the client's messages. diverge: the loss became NaN or infinite.
stop_early: the validation loss stopped improving (config.stopping). fail: training raised (a
bug). new_network: a network was installed (reset, a rebuilt config, an import...). load: an
imported network or a search's trial replaces the current one."""


@dataclass(frozen=True)
class Refused:
    """An event the client may send but that does not apply in this state: the error's text."""

    message: str


TRANSITIONS: dict[Event, dict[State, State | Refused]] = {
    # event         from "playing"  from "paused"  from "diverged"
    "play":        {"playing": "playing", "paused": "playing",
                    "diverged": Refused("training diverged: lower the learning rate and reset "
                                        "before playing again")},
    "pause":       {"playing": "paused", "paused": "paused", "diverged": "diverged"},
    "step":        {"playing": "paused", "paused": "paused",
                    "diverged": Refused("training diverged: lower the learning rate and reset "
                                        "before stepping")},
    "diverge":     {"playing": "diverged", "paused": "diverged"},
    "stop_early":  {"playing": "paused", "paused": "paused"},
    "fail":        {"playing": "paused", "paused": "paused", "diverged": "paused"},
    "new_network": {"playing": "playing", "paused": "paused", "diverged": "paused"},
    "load":        {"playing": "paused", "paused": "paused", "diverged": "paused"},
}
"""The state each event leads to from each state. `step` pauses: a step runs on a paused
session (Training.step_left counts its epochs); `stop_early` from "paused" ends such a step.
A new network starts from paused when the old one had diverged: a diverged session plays
again only after a reset or a new network."""


class TransitionError(RuntimeError):
    """An event the state table does not list for the current state (a bug)."""


class Machine:
    """The state of one session and the version of what its frames show."""

    def __init__(self) -> None:
        self.state: State = "paused"
        self.version = 0
        """Bumped on every change of what a frame shows (see `changed`)."""

    def fire(self, event: Event) -> State:
        """Apply `event` (see TRANSITIONS); returns the state it left."""
        target = TRANSITIONS[event].get(self.state)
        if target is None:
            raise TransitionError(f"{event!r} cannot happen while {self.state!r}")
        if isinstance(target, Refused):
            raise ProtocolError("not_applicable", target.message, None)
        left, self.state = self.state, target
        return left

    def changed(self) -> None:
        """What a frame shows changed (weights, config, a diverged or new network): the next
        frame is due (FrameFlow.due)."""
        self.version += 1


def status_message(state: State, model: Model, id: MessageId = None,
                   stopped: int | None = None) -> protocol.StatusMessage:
    """The `status` reply: the state, the epoch and, when diverged or stopped early, why."""
    message = None
    if state == "diverged":
        message = (f"Training {model.trainer.diverged or 'diverged'}: the learning rate "
                   f"{model.config.optimizer.learning_rate:g} is too large. Lower it, then "
                   "reset.")
    elif stopped is not None:
        message = (f"Stopped early at epoch {stopped}: the validation loss has not improved "
                   f"for {model.config.stopping.patience} epochs.")
    return protocol.StatusMessage(id=id, state=state, epoch=model.trainer.epoch,
                                  message=message, stopped_epoch=stopped)
