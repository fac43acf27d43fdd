"""When a session's frames are built, and what each one carries.

Two kinds of frames: a reply frame answers a message (step, reset, configure...) and is built
when the producer sends it; a periodic frame shows training, built by the scheduler once the
frame interval has passed and sent by the producer (see runner.py).

The client acknowledges the frames it has drawn (`ack`). A periodic frame is built only while
fewer than FRAMES_IN_FLIGHT frames wait for their acknowledgement: a slow client gets fewer
frames, always current ones. A client that acknowledges nothing for STALLED_SECONDS (it
stopped reading, or vanished) also stops its session's training: until it reads again, it
costs no CPU.

It reads the session's state and version from its Machine (state.py) and writes neither.
"""

from __future__ import annotations

import logging
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from server import protocol
from server.model import Model
from server.session.outbox import Outbox
from server.session.state import Machine

log = logging.getLogger(__name__)

MAX_FRAME_HISTORY = 500
"""A frame carries at most this many history points (a 300-epoch step between two frames
keeps every one; about 85 KB of JSON at most)."""
FRAMES_IN_FLIGHT = 2
"""Periodic frames wait while this many sent frames are not acknowledged: one being drawn and
one on its way keep the frame rate on a local network, and a client that does not read
costs at most this many frames."""
MAX_TRACKED = 64
"""Unacknowledged frames remembered (frames answering messages do not wait for acks)."""
STALLED_SECONDS = 1.0
"""See FrameFlow.stalled."""
HIDDEN_FPS = 1.0
"""Frames per second while the page is hidden: each one carries the history since the last, so
the loss chart stays whole, and the server builds a thirtieth of the frames."""
FLOOR_FPS = 12.0
"""Under overload, frames up to this rate (or the requested one, if lower) come before training:
a margin above the 10 frames/s that keep a class's pictures moving smoothly."""


@dataclass(frozen=True)
class Built:
    """A frame built and not yet sent: its bytes (or the text of an `internal` error, if
    building it failed), its `seq` and the epoch up to which its history goes."""

    data: bytes | str
    seq: int | None
    epoch: int


class FrameFlow:
    """The frames of one session: their timing, acknowledgements and history points."""

    def __init__(self, machine: Machine, outbox: Outbox, model: Model,
                 best_epoch: Callable[[], int | None],
                 point: Callable[[], dict[str, Any]]) -> None:
        self.machine, self.outbox, self.model = machine, outbox, model
        self.best_epoch = best_epoch
        """The epoch of the lowest validation loss so far (Training.best_validation_epoch)."""
        self.point = point
        """The history point of the current state (Training.point)."""
        self.seq = 0
        self.sent_version = -1
        """The machine's version the last frame built showed."""
        self.ready: Built | None = None
        """A periodic frame built by the scheduler, waiting for the producer to send it."""
        self.next_frame_at = 0.0
        self.last_frame_at = -math.inf
        """When the last periodic frame was built."""
        self.in_flight: deque[tuple[int, float]] = deque()
        """(seq, when it was sent) of each frame sent and not acknowledged, oldest first."""
        self._history_epoch = -1
        """The epoch of the last frame sent: the next one carries the history points after it."""
        self.hidden = False
        """No one sees the page (a `visibility` message said so): frames at HIDDEN_FPS."""

    def new_network(self, model: Model) -> None:
        """Show `model` from now on: the history starts again with it."""
        self.model = model
        self._history_epoch = -1

    # ------------------------------------------------------------------------- timing

    @property
    def fps(self) -> float:
        """Periodic frames per second: the view's rate, or HIDDEN_FPS while the page is hidden."""
        fps = self.model.config.view.fps
        return min(fps, HIDDEN_FPS) if self.hidden else fps

    def show(self, visible: bool) -> None:
        """The page is shown again (its next frame is due at once) or hidden."""
        self.hidden = not visible
        if visible:
            self.next_frame_at = min(self.next_frame_at, time.monotonic())

    def ack(self, seq: int) -> bool:
        """The client drew frame `seq` and so every one sent before it. True when that lets
        the scheduler do more: a periodic frame waited for it (FRAMES_IN_FLIGHT), or the
        training did (`stalled`)."""
        waiting = len(self.in_flight) >= FRAMES_IN_FLIGHT or self.stalled(time.monotonic())
        while self.in_flight and self.in_flight[0][0] <= seq:
            self.in_flight.popleft()
        return waiting

    def stalled(self, now: float) -> bool:
        """A frame sent STALLED_SECONDS ago is still not acknowledged (the client stopped
        reading, or vanished): training waits, so it costs no CPU until the client reads
        again or is reaped (the consumer wakes the scheduler after each message)."""
        return bool(self.in_flight) and now - self.in_flight[0][1] > STALLED_SECONDS

    def due(self) -> bool:
        """A new frame would show something new."""
        return self.machine.version != self.sent_version

    def delay(self, now: float) -> float | None:
        """For the scheduler: None (no periodic frame wanted: nothing new, the last one is
        not sent yet, or FRAMES_IN_FLIGHT wait for their acknowledgement), else the seconds
        until the frame interval has passed (negative: the frame is that late)."""
        if self.ready is not None or len(self.in_flight) >= FRAMES_IN_FLIGHT \
                or not self.due():
            return None
        return self.next_frame_at - now

    def next_tick(self) -> float | None:
        """When the next periodic frame will be built once something new is there: the
        frame interval's end, or None when no periodic frame is coming soon (one is built
        and not sent, FRAMES_IN_FLIGHT wait for their acknowledgement)."""
        if self.ready is not None or len(self.in_flight) >= FRAMES_IN_FLIGHT:
            return None
        return self.next_frame_at

    def owed(self, now: float) -> bool:
        """The last periodic frame is older than the floor rate's interval."""
        return now - self.last_frame_at >= 1 / min(self.fps, FLOOR_FPS)

    def schedule_from(self, now: float) -> None:
        """Frames were not late while nothing changed: the schedule starts now."""
        self.next_frame_at = max(self.next_frame_at, now)

    # ------------------------------------------------------------------------- building

    def build_periodic(self, light: bool = False) -> None:
        """Build the periodic frame (the scheduler calls this); the producer sends it.
        `light`: the scheduler is behind, build a cheaper frame (see render.py)."""
        now = time.monotonic()
        self.ready = self.build(light, periodic=True)
        self.next_frame_at = max(self.next_frame_at + 1 / self.fps, now)
        self.last_frame_at = now
        self.outbox.wake()

    def take(self) -> bytes | str | None:
        """The periodic frame, if one is built, for the producer to send now."""
        built, self.ready = self.ready, None
        if built is None:
            return None
        self.sent(built)
        return built.data

    def reply_frame(self) -> bytes | str:
        """A frame to send now (after a step, a reset...). It supersedes a prebuilt periodic
        frame, which is dropped unsent: its history points come with this one."""
        self.ready = None
        built = self.build()
        self.sent(built)
        self.next_frame_at = time.monotonic() + 1 / self.fps
        return built.data

    def frame(self, light: bool = False, periodic: bool = False) -> bytes:
        """A frame of the current state, counted as sent (for tests and tools)."""
        built = self.build(light, periodic)
        self.sent(built)
        assert isinstance(built.data, bytes), built.data
        return built.data

    def sent(self, built: Built) -> None:
        """`built` goes to the client now: it waits for its acknowledgement, and the next
        frame's history starts after its epoch."""
        if built.seq is not None:
            if len(self.in_flight) >= MAX_TRACKED:
                self.in_flight.pop()  # a client that acknowledges nothing: bounded memory
            self.in_flight.append((built.seq, time.monotonic()))
            self._history_epoch = built.epoch

    def build(self, light: bool = False, periodic: bool = False) -> Built:
        """The current state as one frame, or an `internal` error message if building it
        failed (a bug). Records the metrics in the trainer's history. `periodic`: a frame of
        the scheduler's (see Renderer.frame)."""
        try:
            return self._build(light, periodic)
        except Exception as error:  # a bug in one frame must not end the session
            log.exception("frame failed")
            self.sent_version = self.machine.version
            return Built(protocol.ErrorMessage(code="internal", message=f"frame failed: {error}",
                                               field=None).model_dump_json(), None,
                         self.model.trainer.epoch)

    def _build(self, light: bool, periodic: bool) -> Built:
        machine, model = self.machine, self.model
        config, epoch = model.config, model.trainer.epoch
        points = self._unsent_history()
        metrics = self.point()
        metrics = {k: v for k, v in metrics.items() if k != "epoch"}
        model.renderer.refresh_diagnostics(
            machine.version, machine.state == "playing", config.optimizer.learning_rate,
            config.output.resolved_loss or "mse", light)
        self.seq += 1
        self.sent_version = machine.version
        data = model.renderer.frame(self.seq, machine.state, metrics, self.best_epoch(), light,
                                    periodic, points)
        return Built(data, self.seq, epoch)

    def _unsent_history(self) -> list[dict[str, Any]]:
        """The history points after the epoch of the last frame sent and before the current
        one (the frame carries the current one), evenly thinned to MAX_FRAME_HISTORY."""
        history, epoch = self.model.trainer.history, self.model.trainer.epoch
        since = self._history_epoch
        start = len(history)
        while start > 0 and history[start - 1]["epoch"] > since:
            start -= 1
        points = [p for p in history[start:] if p["epoch"] < epoch]
        if len(points) > MAX_FRAME_HISTORY:
            step = len(points) / MAX_FRAME_HISTORY
            points = [points[int(i * step)] for i in range(MAX_FRAME_HISTORY)]
        return points
