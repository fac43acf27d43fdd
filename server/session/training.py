"""How much a session trains, and when: its pace, its slices, steps and early stopping.

The scheduler (scheduler.py) asks each session when it wants training and gives it slices;
`Training` decides how much one slice trains (whole epochs at the pace of
`view.epochs_per_second`, else mini-batches for the slice's time), counts a step's epochs,
records history points, stops early when the validation loss no longer improves, and waits
while the client takes no frame (see FrameFlow.stalled).

It reads the session's state from its Machine (state.py) and changes it only through its
events (diverge, stop_early, fail); it replies through the session's Outbox.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any

from engine.trainer import Trainer
from server import protocol
from server.model import Model
from server.protocol import MessageId
from server.session.outbox import Outbox
from server.session.state import Machine, status_message

log = logging.getLogger(__name__)

RECORD_SECONDS = 0.005
"""A fast run records a history point (and checks early stopping) after about this much
training, at the end of an epoch: every epoch when epochs are longer. Each point costs a
metrics pass: at one per 5 ms a session at full speed keeps about 90 % of the engine's pace."""
MAX_BACKLOG_SECONDS = 0.5
"""Slow motion never tries to catch up more than this much lost time."""


class Training:
    """The training side of one session: `model` is its network."""

    def __init__(self, machine: Machine, outbox: Outbox, model: Model,
                 stalled: Callable[[float], bool], name: str = "",
                 next_frame: Callable[[], float | None] = lambda: None) -> None:
        self.machine, self.outbox, self.model = machine, outbox, model
        self.stalled = stalled
        """The client takes no frame (FrameFlow.stalled): training waits."""
        self.next_frame = next_frame
        """When the next periodic frame will be built (FrameFlow.next_tick), or None."""
        self.name = name
        """The session's id, for the log."""
        self.step_left = 0
        """Epochs left of a `step` (0: none running)."""
        self.step_ids: list[MessageId] = []
        """The ids of the steps the running step answers (one more per step sent meanwhile)."""
        self.epoch_seconds = 0.0
        """An epoch's CPU time: estimated, then measured after each slice."""
        self._busy = False
        self._deferred: list[Callable[[], None]] = []
        """Trainer changes waiting for the threaded epoch to end (see `busy`)."""
        self._pace_start = 0.0
        self._pace_epoch = 0
        self._best: tuple[int, float] | None = None
        self._history_seen = 0
        self._recorded_epoch = -1
        self._recorded: tuple[Trainer, int, dict[str, Any]] | None = None
        """(trainer, session version, entry) of the last history point a slice recorded."""
        self._stop_from = 0
        """Early stopping counts epochs without improvement from here at most (a new play or
        step gives at least `patience` epochs)."""
        self.new_network(model)

    @property
    def trainer(self) -> Trainer:
        return self.model.trainer

    @property
    def epoch(self) -> int:
        return self.trainer.epoch

    # ------------------------------------------------------------------------- changes

    def new_network(self, model: Model) -> None:
        """Train `model` from now on and forget what belonged to the previous network."""
        self.model = model
        self.step_left, self.step_ids = 0, []
        self._best, self._history_seen, self._stop_from = None, 0, 0
        self.restart_pace()
        self.estimate_epoch()

    def start(self, step: int = 0, id: MessageId = None) -> None:
        """Play (step 0) or step `step` epochs: early stopping gives them `patience` epochs.
        A step sent while another runs adds its epochs to it (three quick clicks on Step train
        three epochs), and each is answered when they are all done."""
        if step and self.step_left > 0:
            self.step_left += step
            self.step_ids.append(id)
            return
        self.step_left, self.step_ids = step, [id]
        self._stop_from = self.epoch
        if not step:
            self.restart_pace()

    def end_step(self) -> None:
        """A play or a pause ends the step that runs, if any: its reply is theirs."""
        self.step_left, self.step_ids = 0, []

    def estimate_epoch(self) -> None:
        """A first guess of an epoch's duration (about 20 µs per mini-batch step), replaced by
        the measured one after the first slice: decides whether the first epoch gets a thread."""
        config, m = self.model.config, self.model.split.train.m
        steps = 1 if config.optimizer.name == "gd" else math.ceil(m / config.optimizer.batch_size)
        self.epoch_seconds = steps * 2e-5

    def restart_pace(self) -> None:
        self._pace_start, self._pace_epoch = time.monotonic(), self.epoch

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

    def when_idle(self, change: Callable[[], None]) -> None:
        """Run `change` now, or once the threaded epoch has ended."""
        if self._busy:
            self._deferred.append(change)
        else:
            change()

    # ------------------------------------------------------------------------- pace

    def delay(self, now: float) -> float | None:
        """None: nothing to train (paused, a threaded epoch runs, or the client takes no
        frame); 0: train now; > 0: seconds until the next epoch is due at the pace."""
        if self.busy or self.stalled(now):
            return None
        if self.step_left > 0:
            return 0.0
        if self.machine.state != "playing":
            return None
        pace = self.model.config.view.epochs_per_second
        if pace <= 0:
            return 0.0
        elapsed = now - self._pace_start
        if elapsed > MAX_BACKLOG_SECONDS + (self.epoch - self._pace_epoch) / pace:
            self._pace_start = now - MAX_BACKLOG_SECONDS
            self._pace_epoch = self.epoch
            elapsed = MAX_BACKLOG_SECONDS
        due = (self.epoch - self._pace_epoch + 1) / pace
        wait = max(0.0, due - elapsed)
        # Nobody sees an epoch before the frame that shows it: one due shortly before the
        # next frame is trained just before it, in the same turn of the scheduler. One
        # wake-up instead of two, and the frame is built while the training left the
        # caches warm (on a machine idle in between, a cold turn costs about twice).
        tick = self.next_frame()
        if tick is not None and wait <= tick - now < wait + 1 / pace:
            return tick - now
        return wait

    @property
    def slow_motion(self) -> bool:
        """Training whole epochs at the requested pace (a step goes at full speed)."""
        return self.model.config.view.epochs_per_second > 0 and self.step_left == 0

    @property
    def unit_seconds(self) -> float:
        """The shortest piece of training a slice can run: one epoch in slow motion (it
        trains whole epochs at its pace), else one mini-batch step."""
        if self.slow_motion:
            return self.epoch_seconds
        return self.epoch_seconds / self.trainer.batches_per_epoch

    def _due_epochs(self, budget: float) -> int:
        """Epochs for a slow-motion slice of about `budget` s: those due at the pace (one at
        least)."""
        want = max(1, int(budget / self.epoch_seconds)) if self.epoch_seconds > 0 else 1
        pace = self.model.config.view.epochs_per_second
        due = math.floor((time.monotonic() - self._pace_start) * pace)
        return max(1, min(want, due - (self.epoch - self._pace_epoch)))

    # ------------------------------------------------------------------------- slices

    @staticmethod
    def run(trainer: Trainer, epochs: int, budget: float) -> tuple[int, float]:
        """Train (touches only the trainer: safe in a worker thread); (epochs run, CPU seconds).

        CPU time of this thread, not wall time: on a busy machine the wall time of an epoch
        says more about the other processes than about the epoch.
        """
        start = time.thread_time()
        ran = trainer.run(epochs, max_seconds=budget)
        return ran, time.thread_time() - start

    def train_slice(self, budget: float, behind: bool = False) -> None:
        """One slice on the calling thread: whole epochs in slow motion; otherwise mini-batch
        steps for about `budget` seconds, so that a slice of a long epoch still moves the
        picture (the epoch goes on at the next slice; a step still ends on its epoch).

        `behind`: the scheduler is behind and shrinks the slices so that frames keep coming
        (see scheduler.py). In slow motion a budget shorter than an epoch then trains the
        due epoch's mini-batches for the budget, never past its end: the next frame comes
        after a few mini-batches instead of a whole epoch, and the pace stays the upper
        bound."""
        trainer = self.trainer
        if self.slow_motion:
            if not behind or budget >= self.epoch_seconds:
                self.trained(trainer, *self.run(trainer, self._due_epochs(budget), budget))
                return
            epoch, start = trainer.epoch, time.thread_time()
            steps = trainer.train_for(budget, trainer.batches_per_epoch - trainer.position)
            self.trained(trainer, trainer.epoch - epoch, time.thread_time() - start, steps)
            return
        deadline = time.perf_counter() + budget
        while True:
            epoch, start = trainer.epoch, time.thread_time()
            steps = trainer.train_for(max(0.0, deadline - time.perf_counter()),
                                      self._steps_to_record(trainer))
            self.trained(trainer, trainer.epoch - epoch, time.thread_time() - start, steps)
            if not steps or trainer is not self.trainer or time.perf_counter() >= deadline \
                    or (self.machine.state != "playing" and self.step_left == 0):
                return

    def _steps_to_record(self, trainer: Trainer) -> int:
        """The mini-batch steps to the next history point: the end of this epoch in a step
        ("Train 100 epochs" draws 100 points, zigzags included), else the end of the epoch
        after about RECORD_SECONDS of training (short epochs are recorded every few)."""
        epochs = 1
        if self.step_left == 0 and self.epoch_seconds > 0:
            epochs = max(1, math.ceil(RECORD_SECONDS / self.epoch_seconds))
        return epochs * trainer.batches_per_epoch - trainer.position

    def trained(self, trainer: Trainer, ran: int, seconds: float, steps: int | None = None
                ) -> None:
        """Bookkeeping after `ran` epochs ended in `seconds` of training, on the event loop:
        the epoch's timing, frames, statuses, step counting. `steps`: the mini-batch steps of
        a slice that may stop part-way through an epoch (default: `ran` whole epochs)."""
        machine = self.machine
        if trainer is not self.trainer:
            return  # the network was rebuilt meanwhile
        epochs = ran if steps is None else steps / trainer.batches_per_epoch
        moved = epochs > 0
        if moved:
            self.epoch_seconds = seconds / epochs
            machine.changed()
        if trainer.diverged is not None:
            if machine.state != "diverged":
                machine.fire("diverge")
                self.step_left = 0
                machine.changed()  # the frame's diagnostics and coach explain the divergence
                log.info("session %s %s", self.name, trainer.diverged)
                self.outbox.send_frame()
                self._answer_steps()
            return
        if moved and trainer.epoch != self._recorded_epoch:
            self._record(trainer)
            if self._stops_early():
                return
        if self.step_left > 0:
            self.step_left -= ran
            if self.step_left <= 0:
                self.step_left = 0
                self.outbox.send_frame()
                self._answer_steps()
        elif machine.state != "playing" and moved:
            self.status()  # a pause arrived while a threaded epoch ran: the epoch moved on

    def _answer_steps(self) -> None:
        """The step is done: a status answers each step it gathered."""
        replies, self.step_ids = self.step_ids or [None], []
        for reply_to in replies:
            self.status(reply_to)

    def _record(self, trainer: Trainer) -> None:
        """A history point after every slice that ended an epoch, besides one per frame: a
        fast run gets the points its loss curve needs, a step one per epoch (see train_slice)."""
        entry = trainer.record()
        self._recorded_epoch = trainer.epoch
        self._recorded = (trainer, self.machine.version, entry)

    def point(self) -> dict[str, Any]:
        """The history point of the current state, for a frame: the one the last slice
        recorded if nothing changed since (a frame right after an epoch at a slow-motion pace
        needs no second metrics pass), else a new one."""
        trainer = self.trainer
        if self._recorded is not None:
            recorded, version, entry = self._recorded
            history = trainer.history
            if recorded is trainer and version == self.machine.version and history \
                    and history[-1] is entry:
                return entry
        return trainer.record()

    def failed(self, error: Exception) -> None:
        """An unexpected error while training: pause and tell the client."""
        self.machine.fire("fail")
        self.step_left = 0
        self.outbox.send(protocol.ErrorMessage(code="internal",
                                               message=f"training failed: {error}", field=None))
        self.status()

    def status(self, id: MessageId = None, stopped: int | None = None) -> None:
        self.outbox.send(status_message(self.machine.state, self.model, id, stopped))

    # ------------------------------------------------------------------------- early stop

    def _stops_early(self) -> bool:
        """Pause (and say so) when the validation loss has not improved for `patience` epochs."""
        patience = self.model.config.stopping.patience
        if not patience or (self.machine.state != "playing" and self.step_left == 0):
            return False
        best = self.best_validation_epoch()
        if best is None or self.epoch - max(best, self._stop_from) < patience:
            return False
        replies = self.step_ids if self.step_left > 0 else [None]
        self.machine.fire("stop_early")
        self.step_left, self.step_ids = 0, []
        self.outbox.send_frame()
        for reply_to in replies:
            self.status(reply_to, stopped=self.epoch)
        return True

    def best_validation_epoch(self) -> int | None:
        """The epoch of the lowest validation loss in the history so far."""
        history = self.trainer.history
        for entry in history[self._history_seen:]:
            value = entry.get("validation_loss")
            if value is not None and (self._best is None or value < self._best[1]):
                self._best = (int(entry["epoch"]), float(value))
        self._history_seen = len(history)
        return self._best[0] if self._best is not None else None
