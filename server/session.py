"""One training session (one websocket): its config, data, network, trainer and what to send.

Everything here is synchronous and runs on the event loop's thread, between training slices,
so no lock is needed. Replies go to `outbox` (text messages, and FRAME where a frame must be
sent at that point); the runner's writer task sends them in order.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from engine.datasets import Dataset
from engine.scratch import Scratch
from engine.trainer import Trainer
from server import __version__, catalog, limits, payloads, protocol
from server.config import ProtocolError, check, normalized, updated
from server.model import (
    Model,
    build,
    engine_error,
    generate,
    optimizer_for,
    point_set,
    renderer_for,
    revived,
)
from server.protocol import Config, MessageId
from server.search import SessionSearch, loaded_model
from server.settings import Settings

log = logging.getLogger(__name__)

RECORD_SECONDS = 0.005
"""A fast run records a history point (and checks early stopping) after about this much
training, at the end of an epoch: every epoch when epochs are longer. Each point costs a
metrics pass: at one per 5 ms a session at full speed keeps about 90 % of the engine's pace."""
MAX_FRAME_HISTORY = 500
"""A frame carries at most this many history points (a 300-epoch step between two frames
keeps every one; about 85 KB of JSON at most)."""
FRAME = object()
"""Outbox marker: build and send a frame of the current state here."""
MAX_BACKLOG_SECONDS = 0.5
"""Slow motion never tries to catch up more than this much lost time."""
STALLED_SECONDS = 1.0
"""See Session.stalled."""
FLOOR_FPS = 12.0
"""Under overload, frames up to this rate (or the requested one, if lower) come before training:
a margin above the 10 frames/s that keep a class's pictures moving smoothly."""


ROOM_TYPES = tuple(kind for kind in protocol.CLIENT_MESSAGES if kind.startswith("room_"))


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
        self.sent_version = -1
        self.seq = 0
        self.step_left = 0
        self.step_id: MessageId = None
        self.epoch_seconds = 0.0
        self._busy = False
        self._deferred: list[Callable[[], None]] = []
        """Trainer changes waiting for the threaded epoch to end (see `busy`)."""
        self.ready_frame: bytes | str | None = None
        """A periodic frame built by the scheduler, waiting for the producer to send it."""
        self.next_frame_at = 0.0
        self.last_frame_at = -math.inf
        """When the last periodic frame was built."""
        self._estimate_epoch()
        self._pace_start = 0.0
        self._pace_epoch = 0
        self._best: tuple[int, float] | None = None
        self._history_seen = 0
        self._recorded_epoch = -1
        self._stop_from = 0
        """Early stopping counts epochs without improvement from here at most (a new play or
        step gives at least `patience` epochs)."""
        self._history_sent = (-1, -1)
        """The epochs of the last two frames: later history points go with the next frame."""
        self._handlers = self.handlers()
        self.searches: SessionSearch | None = None
        """Hyperparameter searches (server/search.py), attached by the runner."""
        self.room: RoomLink | None = None
        """Classroom rooms (server/rooms/), attached by the runner."""

    # ---------------------------------------------------------------------------- helpers

    @property
    def config(self) -> Config:
        return self.model.config

    @property
    def busy(self) -> bool:
        """An epoch runs in a worker thread (epochs too long for one slice). Meanwhile the
        trainer must not change under it: changes wait, and apply when it is cleared."""
        return self._busy

    @busy.setter
    def busy(self, value: bool) -> None:
        self._busy = value
        while not value and self._deferred:
            self._deferred.pop(0)()

    def _when_idle(self, change: Callable[[], None]) -> None:
        """Run `change` now, or once the threaded epoch has ended."""
        if self._busy:
            self._deferred.append(change)
        else:
            change()

    @property
    def epoch(self) -> int:
        return self.model.trainer.epoch

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

    def _install(self, model: Model) -> None:
        self.model = model
        self.version += 1
        self.step_left = 0
        self._best, self._history_seen = None, 0
        self._history_sent, self._stop_from = (-1, -1), 0
        if self.state == "diverged":
            self.state = "paused"
        self._restart_pace()
        self._estimate_epoch()

    def _replace(self, model: Model, id: MessageId, data: bool) -> None:
        """Install model and tell the client: its config, its data (if `data` changed), the
        status and a frame."""
        self._install(model)
        self.send(protocol.ConfigMessage(id=id, config=self.config))
        if data:
            self.send(self.data_message(id))
        self.status(id)
        self.send_frame()

    def _estimate_epoch(self) -> None:
        """A first guess of an epoch's duration (about 20 µs per mini-batch step), replaced by
        the measured one after the first slice: decides whether the first epoch gets a thread."""
        config, m = self.config, self.model.split.train.m
        steps = 1 if config.optimizer.name == "gd" else math.ceil(m / config.optimizer.batch_size)
        self.epoch_seconds = steps * 2e-5

    def _restart_pace(self) -> None:
        self._pace_start, self._pace_epoch = time.monotonic(), self.epoch

    # ---------------------------------------------------------------------------- handlers

    def handlers(self) -> dict[str, Callable[[Any], None]]:
        """The handler of each client message type (CLIENT_MESSAGES: a test checks they
        match, so a new message cannot go unhandled)."""
        return {
            "configure": self.on_configure, "play": self.on_play, "pause": self.on_pause,
            "step": self.on_step, "reset": self.on_reset, "set_weight": self.on_set_weight,
            "add_points": self.on_add_points, "export": self.on_export,
            "import": self.on_import, "revive": self.on_revive, "inspect": self.on_inspect,
            "search_start": self.on_search_start, "search_stop": self.on_search_stop,
            "search_load": self.on_search_load,
            **dict.fromkeys(ROOM_TYPES, self.on_room),
        }

    def handle(self, message: protocol.ClientModel) -> None:
        """Apply one validated client message; raises ProtocolError (session unchanged)."""
        if self.room is not None:
            self.room.check(message)
        self._handlers[str(getattr(message, "type"))](message)  # noqa: B009

    def on_configure(self, message: protocol.ConfigureMessage) -> None:
        old = self.config
        new = updated(old, message.config)
        data_changed = new.dataset != old.dataset
        rebuild = data_changed or any(
            getattr(new, key) != getattr(old, key)
            for key in ("features", "hidden", "init", "seed", "standardize")
        ) or (new.output.activation, new.output.loss) != (old.output.activation, old.output.loss)
        if data_changed and new.dataset.name == "custom" and self.custom is None:
            raise ProtocolError("not_applicable", "config.dataset.name: there are no custom "
                                "points yet; send add_points first", "config.dataset.name")
        if rebuild:
            dataset = self.model.dataset
            if data_changed:
                dataset = generate(new) if self.custom is None or new.dataset.name != "custom" \
                    else self.custom
            self._replace(build(new, dataset, self.settings, self.scratch), message.id,
                          data=data_changed)
            return
        self._retune(old, normalized(new, self.model.dataset.task))
        self.send(protocol.ConfigMessage(id=message.id, config=self.config))
        self.send_frame()

    def _retune(self, old: Config, new: Config) -> None:
        """Optimizer, regularization and view changes keep the weights."""
        trainer = self.model.trainer
        try:
            optimizer = optimizer_for(new) if new.optimizer.name != old.optimizer.name or any(
                getattr(new.optimizer, k) != getattr(old.optimizer, k)
                for k in ("momentum", "beta1", "beta2")
            ) else None
        except ValueError as error:
            raise engine_error(error, "config.optimizer") from None

        def change_trainer() -> None:  # the values are valid: the config was checked whole
            if optimizer is not None:
                trainer.set_optimizer(optimizer)
            elif new.optimizer.learning_rate != old.optimizer.learning_rate:
                trainer.set_learning_rate(new.optimizer.learning_rate)
            if new.optimizer.batch_size != old.optimizer.batch_size:
                trainer.set_batch_size(new.optimizer.batch_size)
            if new.regularization != old.regularization:
                trainer.set_regularization(new.regularization.kind, new.regularization.rate)

        # A threaded epoch steps through the trainer's batches: re-cutting them under it
        # would wedge the trainer, so the change waits for the epoch's end.
        self._when_idle(change_trainer)
        model = self.model
        if (new.view.resolution, new.view.neuron_resolution) != (
            old.view.resolution, old.view.neuron_resolution
        ):
            model.renderer = renderer_for(new, model.dataset, model.split, model.net, trainer,
                                          self.settings, self.scratch)
        if new.view.epochs_per_second != old.view.epochs_per_second:
            self._restart_pace()
        model.config = new
        self.version += 1
        if (new.optimizer.name, new.optimizer.batch_size) != (old.optimizer.name,
                                                             old.optimizer.batch_size):
            self._estimate_epoch()

    def on_play(self, message: protocol.PlayMessage) -> None:
        if self.state == "diverged":
            raise ProtocolError("not_applicable", "training diverged: lower the learning rate "
                                "and reset before playing again", None)
        self.step_left = 0
        if self.state != "playing":
            self.state = "playing"
            self._stop_from = self.epoch
            self._restart_pace()
            # Frames were not late while nothing changed: the schedule starts now.
            self.next_frame_at = max(self.next_frame_at, time.monotonic())
        self.status(message.id)

    def on_pause(self, message: protocol.PauseMessage) -> None:
        self.step_left = 0
        if self.state == "playing":
            self.state = "paused"
        self.status(message.id)
        if self.frame_due():
            self.send_frame()  # the last frame shows exactly the epoch the status reports

    def on_step(self, message: protocol.StepMessage) -> None:
        if self.state == "diverged":
            raise ProtocolError("not_applicable", "training diverged: lower the learning rate "
                                "and reset before stepping", None)
        self.state = "paused"
        self.step_left, self.step_id = message.epochs, message.id
        self._stop_from = self.epoch

    def on_reset(self, message: protocol.ResetMessage) -> None:
        self._install(build(self.config, self.model.dataset, self.settings, self.scratch))
        self.status(message.id)
        self.send_frame()

    def on_set_weight(self, message: protocol.SetWeightMessage) -> None:
        net = self.model.net
        if not 1 <= message.layer <= net.L:
            raise ProtocolError("invalid", f"layer: expected 1..{net.L}", "layer")
        W, b = net.W[message.layer], net.b[message.layer]
        if message.row >= W.shape[0]:
            raise ProtocolError("invalid", f"row: expected 0..{W.shape[0] - 1}", "row")
        if message.bias == (message.col is not None):
            raise ProtocolError("invalid", "col: give either col or bias: true", "col")
        if message.bias:
            b[message.row, 0] = message.value
        else:
            assert message.col is not None
            if message.col >= W.shape[1]:
                raise ProtocolError("invalid", f"col: expected 0..{W.shape[1] - 1}", "col")
            W[message.row, message.col] = message.value
        self.version += 1
        self.send_frame()

    def on_add_points(self, message: protocol.AddPointsMessage) -> None:
        added = payloads.added_points(self.model.dataset, message)
        config = self.config.model_copy(update={
            "dataset": self.config.dataset.model_copy(update={"name": "custom"})})
        model = build(config, added, self.settings, self.scratch)
        self.custom = added
        self._replace(model, message.id, data=True)

    def on_export(self, message: protocol.ExportMessage) -> None:
        self.send(protocol.ExportReply(id=message.id, data=payloads.export_payload(self.model)))

    def on_import(self, message: protocol.ImportMessage) -> None:
        payload = message.data
        check(payload.config)
        dataset = payloads.imported_dataset(payload)
        model = build(payload.config, dataset, self.settings, self.scratch)
        payloads.load_weights(model.net, payload.model)
        model.trainer.epoch = payload.epoch
        if payload.config.dataset.name == "custom":
            self.custom = dataset
        self.state = "paused"
        self._replace(model, message.id, data=True)

    def on_revive(self, message: protocol.ReviveMessage) -> None:
        self._replace(revived(self.model, self.settings, self.scratch), message.id, data=False)

    def on_inspect(self, message: protocol.InspectMessage) -> None:
        self.send(payloads.inspection(self.model, message.sample_limit, message.id))

    def on_room(self, message: protocol.ClientModel) -> None:
        if self.room is None:
            raise ProtocolError("rooms_unavailable", "rooms are not available on this server",
                                "type")
        self.room.submit(message)

    # ---------------------------------------------------------------------------- search

    def _searches(self) -> SessionSearch:
        if self.searches is None:
            raise ProtocolError("not_applicable", "search: searches are not available here",
                                "search")
        return self.searches

    def on_search_start(self, message: protocol.SearchStartMessage) -> None:
        self._searches().start(message, self.config, self.model.split)

    def on_search_stop(self, message: protocol.SearchStopMessage) -> None:
        self._searches().stop(message.id)

    def on_search_load(self, message: protocol.SearchLoadMessage) -> None:
        result = self._searches().trial(message.trial)
        model = loaded_model(result, self.config, self.model.dataset, self.settings,
                             self.scratch)
        self.state = "paused"
        self._replace(model, message.id, data=False)

    # ---------------------------------------------------------------------------- training

    def training_delay(self, now: float) -> float | None:
        if self.busy or self.stalled(now):
            return None
        if self.step_left > 0:
            return 0.0
        if self.state != "playing":
            return None
        pace = self.config.view.epochs_per_second
        if pace <= 0:
            return 0.0
        elapsed = now - self._pace_start
        if elapsed > MAX_BACKLOG_SECONDS + (self.epoch - self._pace_epoch) / pace:
            self._pace_start = now - MAX_BACKLOG_SECONDS
            self._pace_epoch = self.epoch
            elapsed = MAX_BACKLOG_SECONDS
        due = (self.epoch - self._pace_epoch + 1) / pace
        return max(0.0, due - elapsed)

    @property
    def trainer(self) -> Trainer:
        return self.model.trainer

    @property
    def slow_motion(self) -> bool:
        """Training whole epochs at the requested pace (a step goes at full speed)."""
        return self.config.view.epochs_per_second > 0 and self.step_left == 0

    def _due_epochs(self, budget: float) -> int:
        """Epochs for a slow-motion slice of about `budget` s: those due at the pace (one at
        least)."""
        want = max(1, int(budget / self.epoch_seconds)) if self.epoch_seconds > 0 else 1
        pace = self.config.view.epochs_per_second
        due = math.floor((time.monotonic() - self._pace_start) * pace)
        return max(1, min(want, due - (self.epoch - self._pace_epoch)))

    @staticmethod
    def run(trainer: Trainer, epochs: int, budget: float) -> tuple[int, float]:
        """Train (touches only the trainer: safe in a worker thread); (epochs run, CPU seconds).

        CPU time of this thread, not wall time: on a busy machine the wall time of an epoch
        says more about the other processes than about the epoch.
        """
        start = time.thread_time()
        ran = trainer.run(epochs, max_seconds=budget)
        return ran, time.thread_time() - start

    def trained(self, trainer: Trainer, ran: int, seconds: float, steps: int | None = None
                ) -> None:
        """Bookkeeping after `ran` epochs ended in `seconds` of training, on the event loop:
        the epoch's timing, frames, statuses, step counting. `steps`: the mini-batch steps of
        a slice that may stop part-way through an epoch (default: `ran` whole epochs)."""
        if trainer is not self.model.trainer:
            return  # the network was rebuilt meanwhile
        epochs = ran if steps is None else steps / trainer.batches_per_epoch
        moved = epochs > 0
        if moved:
            self.epoch_seconds = seconds / epochs
            self.version += 1
        if trainer.diverged is not None:
            if self.state != "diverged":
                self.state, self.step_left = "diverged", 0
                self.version += 1  # the frame's diagnostics and coach explain the divergence
                log.info("session %s %s", self.id, trainer.diverged)
                self.send_frame()
                self.status(self.step_id)
            return
        if moved and trainer.epoch != self._recorded_epoch:
            self._record(trainer)
            if self._stops_early():
                return
        if self.step_left > 0:
            self.step_left -= ran
            if self.step_left <= 0:
                self.step_left = 0
                self.send_frame()
                self.status(self.step_id)
        elif self.state != "playing" and moved:
            self.status()  # a pause arrived while a threaded epoch ran: the epoch moved on

    def _stops_early(self) -> bool:
        """Pause (and say so) when the validation loss has not improved for `patience` epochs."""
        patience = self.config.stopping.patience
        if not patience or (self.state != "playing" and self.step_left == 0):
            return False
        best = self._best_validation_epoch()
        if best is None or self.epoch - max(best, self._stop_from) < patience:
            return False
        reply_to = self.step_id if self.step_left > 0 else None
        self.state, self.step_left = "paused", 0
        self.send_frame()
        self.status(reply_to, stopped=self.epoch)
        return True

    def _record(self, trainer: Trainer) -> None:
        """A history point after every slice that ended an epoch, besides one per frame: a
        fast run gets the points its loss curve needs, a step one per epoch (see train_slice)."""
        trainer.record()
        self._recorded_epoch = trainer.epoch

    @property
    def unit_seconds(self) -> float:
        """The shortest piece of training a slice can run: one epoch in slow motion (it
        trains whole epochs at its pace), else one mini-batch step."""
        if self.slow_motion:
            return self.epoch_seconds
        return self.epoch_seconds / self.trainer.batches_per_epoch

    def train_slice(self, budget: float) -> None:
        """One slice on the calling thread: whole epochs in slow motion; otherwise mini-batch
        steps for about `budget` seconds, so that a slice of a long epoch still moves the
        picture (the epoch goes on at the next slice; a step still ends on its epoch)."""
        trainer = self.trainer
        if self.slow_motion:
            self.trained(trainer, *self.run(trainer, self._due_epochs(budget), budget))
            return
        deadline = time.perf_counter() + budget
        while True:
            epoch, start = trainer.epoch, time.thread_time()
            steps = trainer.train_for(max(0.0, deadline - time.perf_counter()),
                                      self._steps_to_record(trainer))
            self.trained(trainer, trainer.epoch - epoch, time.thread_time() - start, steps)
            if not steps or trainer is not self.trainer or time.perf_counter() >= deadline \
                    or (self.state != "playing" and self.step_left == 0):
                return

    def _steps_to_record(self, trainer: Trainer) -> int:
        """The mini-batch steps to the next history point: the end of this epoch in a step
        ("Train 100 epochs" draws 100 points, zigzags included), else the end of the epoch
        after about RECORD_SECONDS of training (short epochs are recorded every few)."""
        epochs = 1
        if self.step_left == 0 and self.epoch_seconds > 0:
            epochs = max(1, math.ceil(RECORD_SECONDS / self.epoch_seconds))
        return epochs * trainer.batches_per_epoch - trainer.position

    def training_failed(self, error: Exception) -> None:
        self.state, self.step_left = "paused", 0
        self.send(protocol.ErrorMessage(code="internal", message=f"training failed: {error}",
                                        field=None))
        self.status()

    # ---------------------------------------------------------------------------- frames

    def stalled(self, now: float) -> bool:
        """The client has not taken the periodic frame built STALLED_SECONDS ago (it stopped
        reading, or vanished): training waits, so it costs no CPU until it reads again or is
        reaped (the producer wakes the scheduler when it sends the frame)."""
        return self.ready_frame is not None and now - self.last_frame_at > STALLED_SECONDS

    def frame_due(self) -> bool:
        """A new frame would show something new."""
        return self.version != self.sent_version

    def frame_delay(self, now: float) -> float | None:
        """For the scheduler: None (no periodic frame wanted: nothing new, or the last one is
        not sent yet), else the seconds until the frame interval has passed (negative: the
        frame is that late)."""
        if self.ready_frame is not None or not self.frame_due():
            return None
        return self.next_frame_at - now

    def frame_owed(self, now: float) -> bool:
        """The last periodic frame is older than the floor rate's interval."""
        return now - self.last_frame_at >= 1 / min(self.config.view.fps, FLOOR_FPS)

    def build_frame(self, light: bool = False) -> None:
        """Build the periodic frame (the scheduler calls this); the producer sends it.
        `light`: the scheduler is behind, build a cheaper frame (see render.py)."""
        now = time.monotonic()
        self.ready_frame = self.safe_frame(light, periodic=True)
        self.next_frame_at = max(self.next_frame_at + 1 / self.config.view.fps, now)
        self.last_frame_at = now
        self.wake()

    def safe_frame(self, light: bool = False, periodic: bool = False) -> bytes | str:
        """frame(), or an `internal` error message if building it failed (a bug)."""
        try:
            return self.frame(light, periodic)
        except Exception as error:  # a bug in one frame must not end the session
            log.exception("frame failed")
            self.sent_version = self.version
            return protocol.ErrorMessage(code="internal", message=f"frame failed: {error}",
                                         field=None).model_dump_json()

    def _best_validation_epoch(self) -> int | None:
        history = self.model.trainer.history
        for entry in history[self._history_seen:]:
            value = entry.get("validation_loss")
            if value is not None and (self._best is None or value < self._best[1]):
                self._best = (int(entry["epoch"]), float(value))
        self._history_seen = len(history)
        return self._best[0] if self._best is not None else None

    def frame(self, light: bool = False, periodic: bool = False) -> bytes:
        """The current state as one frame; records the metrics in the trainer's history.
        `periodic`: a frame of the scheduler's (see Renderer.frame)."""
        model = self.model
        points = self._unsent_history()
        metrics = model.trainer.record()
        metrics = {k: v for k, v in metrics.items() if k != "epoch"}
        model.renderer.refresh_diagnostics(
            self.version, self.state == "playing", self.config.optimizer.learning_rate,
            self.config.output.resolved_loss or "mse", light)
        self.seq += 1
        self.sent_version = self.version
        return model.renderer.frame(self.seq, self.state, metrics, self._best_validation_epoch(),
                                    light, periodic, points)

    def _unsent_history(self) -> list[dict[str, Any]]:
        """The history points after the epoch of the frame before the last one and before the
        current one (the frame carries the current one), evenly thinned to MAX_FRAME_HISTORY.
        The overlap with the last frame covers a prebuilt frame that a fresher one replaced
        before it was sent (the runner drops it): the client keeps each epoch once."""
        history, epoch = self.model.trainer.history, self.epoch
        since = self._history_sent[0]
        start = len(history)
        while start > 0 and history[start - 1]["epoch"] > since:
            start -= 1
        points = [p for p in history[start:] if p["epoch"] < epoch]
        self._history_sent = (self._history_sent[1], epoch)
        if len(points) > MAX_FRAME_HISTORY:
            step = len(points) / MAX_FRAME_HISTORY
            points = [points[int(i * step)] for i in range(MAX_FRAME_HISTORY)]
        return points

