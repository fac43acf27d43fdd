"""One training session (one websocket): its config, data and network, and what to send.

Everything here is synchronous and runs on the event loop's thread, between training slices,
so no lock is needed. Replies go to `outbox` (text messages, and FRAME where a frame must be
sent at that point); the runner's writer task sends them in order. The session's three jobs
live in their own modules: handlers.py applies client messages, training.py paces the
training, frame_flow.py times and builds the frames.
"""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from engine.datasets import Dataset
from engine.scratch import Scratch
from engine.trainer import Trainer
from server import __version__, catalog, limits, protocol
from server.frame_flow import FrameFlow
from server.handlers import HANDLERS
from server.model import Model, build, generate, point_set
from server.protocol import Config, MessageId
from server.search import SessionSearch
from server.settings import Settings
from server.training import Training

FRAME = object()
"""Outbox marker: build and send a frame of the current state here."""


class RoomLink(Protocol):
    """A connection's part in a classroom room (server/rooms/member.py)."""

    def check(self, message: protocol.ClientModel) -> None:
        """Raise ProtocolError `forbidden` when the message changes a locked control."""

    def submit(self, message: protocol.ClientModel) -> None:
        """Handle a room_* message (asynchronously: the replies follow)."""


class Session:
    """The state of one connection. Handlers raise ProtocolError for anything not applicable."""

    def __init__(self, settings: Settings, wake: Callable[[], None] = lambda: None,
                 scratch: Scratch | None = None) -> None:
        self.id = uuid.uuid4().hex[:12]
        self.settings = settings
        self.scratch = scratch or Scratch()
        """Grid working memory, shared by the sessions of a process (see app.py)."""
        self.wake = wake
        """Tells the producer that the outbox or the ready frame has something to send."""
        self.outbox: deque[str | object] = deque()
        self.state: protocol.State = "paused"
        self.custom: Dataset | None = None
        config = catalog.default_config()
        self.model = build(config, generate(config), settings, self.scratch)
        self.version = 0
        """Bumped on every change of what a frame shows."""
        self.training = Training(self)
        self.frames = FrameFlow(self)
        self.training.new_network()
        self.searches: SessionSearch | None = None
        """Hyperparameter searches (server/search.py), attached by the runner."""
        self.room: RoomLink | None = None
        self.exercise: dict[str, Any] | None = None
        """The last answer to a pushed exercise: {"id", "verdict", "tries"} (rooms' cards)."""
        """Classroom rooms (server/rooms/), attached by the runner."""

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

    def send(self, message: protocol.ServerModel) -> None:
        self.outbox.append(message.model_dump_json())
        self.wake()

    def send_frame(self) -> None:
        self.outbox.append(FRAME)
        self.wake()

    def status(self, id: MessageId = None, stopped: int | None = None) -> None:
        message = None
        if self.state == "diverged":
            message = (f"Training {self.model.trainer.diverged or 'diverged'}: the learning rate "
                       f"{self.config.optimizer.learning_rate:g} is too large. Lower it, then "
                       "reset.")
        elif stopped is not None:
            message = (f"Stopped early at epoch {stopped}: the validation loss has not improved "
                       f"for {self.config.stopping.patience} epochs.")
        self.send(protocol.StatusMessage(id=id, state=self.state, epoch=self.epoch,
                                         message=message, stopped_epoch=stopped))

    def data_message(self, id: MessageId = None) -> protocol.DataMessage:
        split, full = self.model.split, self.model.dataset
        return protocol.DataMessage(
            id=id, task=full.task, classes=full.classes,  # type: ignore[arg-type]
            domain=tuple(float(x) for x in full.domain),  # type: ignore[arg-type]
            train=point_set(split.train), validation=point_set(split.validation),
            test=point_set(split.test),
        )

    def hello(self) -> None:
        self.send(protocol.HelloMessage(session=self.id, limits=limits.as_dict(),
                                        catalog=catalog.catalog(), config=self.config,
                                        version=__version__))
        self.send(self.data_message())
        self.status()
        self.send_frame()

    # ---------------------------------------------------------------------------- changes

    def handle(self, message: protocol.ClientModel) -> None:
        """Apply one validated client message; raises ProtocolError (session unchanged)."""
        if self.room is not None:
            self.room.check(message)
        HANDLERS[type(message)](self, message)

    def install(self, model: Model) -> None:
        """Make `model` the session's network (a new one, or a reset): epoch, history and
        pace start again from it."""
        self.model = model
        self.version += 1
        if self.state == "diverged":
            self.state = "paused"
        self.training.new_network()
        self.frames.new_network()

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
