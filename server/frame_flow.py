"""When a session's frames are built, and what each one carries.

Two kinds of frames: a reply frame answers a message (step, reset, configure...) and is built
when the producer sends it; a periodic frame shows training, built by the scheduler once the
frame interval has passed and sent by the producer (see runner.py).
"""

from __future__ import annotations

import logging
import math
import time
from typing import TYPE_CHECKING, Any

from server import protocol

if TYPE_CHECKING:
    from server.session import Session

log = logging.getLogger(__name__)

MAX_FRAME_HISTORY = 500
"""A frame carries at most this many history points (a 300-epoch step between two frames
keeps every one; about 85 KB of JSON at most)."""
STALLED_SECONDS = 1.0
"""See FrameFlow.stalled."""
FLOOR_FPS = 12.0
"""Under overload, frames up to this rate (or the requested one, if lower) come before training:
a margin above the 10 frames/s that keep a class's pictures moving smoothly."""


class FrameFlow:
    """The frames of one session: their timing, their numbering and their history points."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.seq = 0
        self.sent_version = -1
        """The session's version the last frame showed."""
        self.ready_frame: bytes | str | None = None
        """A periodic frame built by the scheduler, waiting for the producer to send it."""
        self.next_frame_at = 0.0
        self.last_frame_at = -math.inf
        """When the last periodic frame was built."""
        self._history_sent = (-1, -1)
        """The epochs of the last two frames: later history points go with the next frame."""

    def new_network(self) -> None:
        """The history starts again with a new network."""
        self._history_sent = (-1, -1)

    # ------------------------------------------------------------------------- timing

    def stalled(self, now: float) -> bool:
        """The client has not taken the periodic frame built STALLED_SECONDS ago (it stopped
        reading, or vanished): training waits, so it costs no CPU until it reads again or is
        reaped (the producer wakes the scheduler when it sends the frame)."""
        return self.ready_frame is not None and now - self.last_frame_at > STALLED_SECONDS

    def due(self) -> bool:
        """A new frame would show something new."""
        return self.session.version != self.sent_version

    def delay(self, now: float) -> float | None:
        """For the scheduler: None (no periodic frame wanted: nothing new, or the last one is
        not sent yet), else the seconds until the frame interval has passed (negative: the
        frame is that late)."""
        if self.ready_frame is not None or not self.due():
            return None
        return self.next_frame_at - now

    def owed(self, now: float) -> bool:
        """The last periodic frame is older than the floor rate's interval."""
        return now - self.last_frame_at >= 1 / min(self.session.config.view.fps, FLOOR_FPS)

    def schedule_from(self, now: float) -> None:
        """Frames were not late while nothing changed: the schedule starts now."""
        self.next_frame_at = max(self.next_frame_at, now)

    # ------------------------------------------------------------------------- building

    def build_periodic(self, light: bool = False) -> None:
        """Build the periodic frame (the scheduler calls this); the producer sends it.
        `light`: the scheduler is behind, build a cheaper frame (see render.py)."""
        now = time.monotonic()
        self.ready_frame = self.safe_frame(light, periodic=True)
        self.next_frame_at = max(self.next_frame_at + 1 / self.session.config.view.fps, now)
        self.last_frame_at = now
        self.session.wake()

    def reply_frame(self) -> bytes | str:
        """A frame to send now (after a step, a reset...): it supersedes a prebuilt one."""
        self.ready_frame = None
        frame = self.safe_frame()
        self.next_frame_at = time.monotonic() + 1 / self.session.config.view.fps
        return frame

    def take(self) -> bytes | str | None:
        """The periodic frame, if one is built, for the producer to send now."""
        frame, self.ready_frame = self.ready_frame, None
        return frame

    def safe_frame(self, light: bool = False, periodic: bool = False) -> bytes | str:
        """frame(), or an `internal` error message if building it failed (a bug)."""
        try:
            return self.frame(light, periodic)
        except Exception as error:  # a bug in one frame must not end the session
            log.exception("frame failed")
            self.sent_version = self.session.version
            return protocol.ErrorMessage(code="internal", message=f"frame failed: {error}",
                                         field=None).model_dump_json()

    def frame(self, light: bool = False, periodic: bool = False) -> bytes:
        """The current state as one frame; records the metrics in the trainer's history.
        `periodic`: a frame of the scheduler's (see Renderer.frame)."""
        session = self.session
        model, config = session.model, session.config
        points = self._unsent_history()
        metrics = model.trainer.record()
        metrics = {k: v for k, v in metrics.items() if k != "epoch"}
        model.renderer.refresh_diagnostics(
            session.version, session.state == "playing", config.optimizer.learning_rate,
            config.output.resolved_loss or "mse", light)
        self.seq += 1
        self.sent_version = session.version
        return model.renderer.frame(self.seq, session.state, metrics,
                                    session.training.best_validation_epoch(), light, periodic,
                                    points)

    def _unsent_history(self) -> list[dict[str, Any]]:
        """The history points after the epoch of the frame before the last one and before the
        current one (the frame carries the current one), evenly thinned to MAX_FRAME_HISTORY.
        The overlap with the last frame covers a prebuilt frame that a fresher one replaced
        before it was sent (the runner drops it): the client keeps each epoch once."""
        history, epoch = self.session.model.trainer.history, self.session.epoch
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
