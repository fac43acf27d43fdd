"""One training session (one websocket): its config, data and network, and what to send.

Everything here is synchronous and runs on the event loop's thread, between training slices,
so no lock is needed. Replies go to `outbox` (text messages, and FRAME where a frame must be
sent at that point); the runner's writer task sends them in order.

`Session` assembles the parts, each in its own module: state.py (what the session is doing,
the one table of its transitions, the version of what frames show), outbox.py (what to send),
training.py (pace and slices) and frames.py (their timing and building). The parts know the
state machine and the outbox, and each other only through the one callable each is given
here. handlers.py, above this module, applies the client's messages to a session.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Protocol

from engine.datasets import Dataset
from engine.scratch import Scratch
from engine.trainer import Trainer
from server import __version__, catalog, protocol
from server.model import Model, build, generate, point_set
from server.protocol import Config, MessageId, State
from server.search import SessionSearch
from server.session.frames import FrameFlow
from server.session.outbox import Outbox
from server.session.state import Machine, status_message
from server.session.training import Training
from server.settings import Settings


class RoomLink(Protocol):
    """A connection's part in a classroom room (server/rooms/member.py)."""

    def check(self, message: protocol.ClientModel) -> None:
        """Raise ProtocolError `forbidden` when the message changes a locked control."""

    def submit(self, message: protocol.ClientModel) -> None:
        """Handle a room_* message (asynchronously: the replies follow)."""


class Session:
    """The parts of one connection (see the module's docstring)."""

    def __init__(self, settings: Settings, scratch: Scratch | None = None) -> None:
        self.id = uuid.uuid4().hex[:12]
        self.settings = settings
        self.scratch = scratch or Scratch()
        """Grid working memory, shared by the sessions of a process (see app.py)."""
        self.machine = Machine()
        self.outbox = Outbox()
        self.custom: Dataset | None = None
        config = catalog.default_config()
        model = build(config, generate(config), settings, self.scratch)
        self.frames = FrameFlow(self.machine, self.outbox, model,
                                best_epoch=lambda: self.training.best_validation_epoch(),
                                point=lambda: self.training.point())
        self.training = Training(self.machine, self.outbox, model, self.frames.stalled,
                                 name=self.id, next_frame=self.frames.next_tick)
        self.searches: SessionSearch | None = None
        """Hyperparameter searches (server/search.py), attached by the runner."""
        self.room: RoomLink | None = None
        """Classroom rooms (server/rooms/), attached by the runner."""
        self.exercise: dict[str, Any] | None = None
        """The last answer to a pushed exercise: {"id", "verdict", "tries"} (rooms' cards)."""

    @property
    def state(self) -> State:
        return self.machine.state

    @property
    def version(self) -> int:
        return self.machine.version

    @property
    def model(self) -> Model:
        return self.training.model

    @property
    def config(self) -> Config:
        return self.model.config

    @property
    def trainer(self) -> Trainer:
        return self.model.trainer

    @property
    def epoch(self) -> int:
        return self.model.trainer.epoch

    # ---------------------------------------------------------------------------- replies

    @property
    def wake(self) -> Callable[[], None]:
        """Tells the producer that the outbox or the ready frame has something to send."""
        return self.outbox.wake

    @wake.setter
    def wake(self, wake: Callable[[], None]) -> None:
        self.outbox.wake = wake

    def send(self, message: protocol.ServerModel) -> None:
        self.outbox.send(message)

    def send_frame(self) -> None:
        self.outbox.send_frame()

    def relay(self, frame: bytes) -> None:
        self.outbox.relay(frame)

    @property
    def backlog(self) -> int:
        """Replies waiting to be sent."""
        return len(self.outbox)

    def status(self, id: MessageId = None, stopped: int | None = None) -> None:
        self.outbox.send(status_message(self.state, self.model, id, stopped))

    def data_message(self, id: MessageId = None) -> protocol.DataMessage:
        split, full = self.model.split, self.model.dataset
        return protocol.DataMessage(
            id=id, task=full.task, classes=full.classes,  # type: ignore[arg-type]
            domain=tuple(float(x) for x in full.domain),  # type: ignore[arg-type]
            train=point_set(split.train), validation=point_set(split.validation),
            test=point_set(split.test),
        )

    def hello(self) -> None:
        published = catalog.published()
        self.send(protocol.HelloMessage(session=self.id, limits=published.limits,
                                        catalog=published, config=self.config,
                                        version=__version__))
        self.send(self.data_message())
        self.status()
        self.send_frame()

    # ---------------------------------------------------------------------------- changes

    def install(self, model: Model) -> None:
        """Make `model` the session's network (a new one, or a reset): epoch, history and
        pace start again from it."""
        self.machine.changed()
        self.machine.fire("new_network")
        self.training.new_network(model)
        self.frames.new_network(model)

    def replace(self, model: Model, id: MessageId, data: bool) -> None:
        """Install model and tell the client: its config, its data (if `data` changed), the
        status and a frame."""
        self.install(model)
        self.send(protocol.ConfigMessage(id=id, config=self.config))
        if data:
            self.send(self.data_message(id))
        self.status(id)
        self.send_frame()

    # ------------------------------------------------------- what the scheduler asks (Trainable)

    @property
    def busy(self) -> bool:
        return self.training.busy

    @busy.setter
    def busy(self, value: bool) -> None:
        self.training.busy = value

    @property
    def unit_seconds(self) -> float:
        return self.training.unit_seconds

    @property
    def step_left(self) -> int:
        return self.training.step_left

    def training_delay(self, now: float) -> float | None:
        return self.training.delay(now)

    def train_slice(self, budget: float, behind: bool = False) -> None:
        self.training.train_slice(budget, behind)

    run = staticmethod(Training.run)

    def trained(self, trainer: Trainer, ran: int, seconds: float) -> None:
        self.training.trained(trainer, ran, seconds)

    def training_failed(self, error: Exception) -> None:
        self.training.failed(error)

    def frame_delay(self, now: float) -> float | None:
        return self.frames.delay(now)

    def frame_owed(self, now: float) -> bool:
        return self.frames.owed(now)

    def build_frame(self, light: bool = False) -> None:
        self.frames.build_periodic(light)

    def frame_due(self) -> bool:
        return self.frames.due()

    def frame(self, light: bool = False, periodic: bool = False) -> bytes:
        """The current state as one frame (see FrameFlow.frame)."""
        return self.frames.frame(light, periodic)
