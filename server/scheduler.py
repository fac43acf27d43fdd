"""One loop per process for all CPU work: training slices and periodic frames, in turns.

A single task builds at most one frame (the most overdue) and trains one session for about
`slice_seconds` (round robin), then yields to the event loop, which reads the sockets and
lets the producers send. A pause therefore waits for at most one frame and one slice, however
many sessions are open; every playing session gets the same share of training (one slice per
turn), and frames go out in the order they fell due.

Under overload three things keep frames flowing. A frame owed at the floor rate (the session's
last frame is older than 1 / min(fps, 12) s) skips the turn's slice, so training gets what
the frames leave; frames above the floor keep alternating with slices. While frames are late
on average (`behind_seconds`), they are built light (see render.py), like adaptive video. And
since a session has a new frame to show only after some training, the slices then shrink
(down to `MIN_SLICE`; in slow motion, to part of an epoch) while frames miss the floor rate,
and grow back while they make it: a class of sessions converges on about the floor rate, and
training gets all the rest. A single session is never late, so it is unaffected.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

log = logging.getLogger(__name__)


class Trainable(Protocol):
    """What the scheduler needs from a session."""

    @property
    def unit_seconds(self) -> float:
        """The shortest piece of training a slice can run; above `thread_above`, a thread
        runs it."""
    busy: bool

    def training_delay(self, now: float) -> float | None:
        """None: nothing to train; 0: train now; > 0: seconds until the next epoch is due."""

    def train_slice(self, budget: float, behind: bool = False) -> None:
        """Train for about `budget` seconds (at least one unit, or part of one when
        `behind`: frames are late), on this thread."""

    @property
    def trainer(self) -> Any:
        """What `run` trains (`trained` ignores a run of a trainer replaced meanwhile)."""

    def run(self, trainer: Any, epochs: int, budget: float) -> tuple[int, float]:
        """Train; touches only the trainer (safe in a worker thread)."""

    def trained(self, trainer: Any, ran: int, seconds: float) -> None:
        """Account for a run, on the event loop."""

    def training_failed(self, error: Exception) -> None:
        """An unexpected error while training: stop and tell the client."""

    def frame_delay(self, now: float) -> float | None:
        """None: no periodic frame wanted; 0: build one now; > 0: seconds until one is."""

    def frame_owed(self, now: float) -> bool:
        """The session's last frame is older than its floor rate's interval."""

    def build_frame(self, light: bool = False) -> None:
        """Build the periodic frame for the session's producer to send (`light`: cheaper)."""


class Scheduler:
    """Shares the CPU among the sessions of this process (see the module docstring)."""

    LATENESS_SMOOTHING = 0.05
    """Weight of the latest frame in the running mean of frame lateness (about 20 frames)."""
    MAX_LATENESS = 0.5
    """One very late frame (the machine stalled) counts as this late."""
    SLICE_SHRINK, SLICE_GROW, SLICE_STEP = 0.8, 1.05, 1e-5
    """How the slice while behind adapts at each frame. A late frame shrinks it about four
    times more than a frame on time grows it back, so the slices settle where about 5 frames
    in 6 make the floor rate: the mean rate stays above it."""
    MIN_SLICE = 0.00025
    """Training never stops for frames: each slice gets at least this (about three
    mini-batches of the standard workload)."""

    def __init__(self, slice_seconds: float = 0.004, thread_above: float = 0.02,
                 behind_seconds: float = 0.05) -> None:
        self.slice_seconds = slice_seconds
        self.thread_above = thread_above
        self.behind_seconds = behind_seconds
        self.lateness = 0.0
        """Running mean of how late periodic frames are built (seconds)."""
        self.behind = False
        """Frames are built light: set above behind_seconds, cleared below half of it."""
        self.behind_slice = slice_seconds
        """The slice while behind: shrinks while frames stay late, grows back when not."""
        self._threads: set[asyncio.Task[None]] = set()
        self._executor: ThreadPoolExecutor | None = None
        self._sessions: list[Trainable] = []
        self._turn = 0
        self._wake: asyncio.Event | None = None

    @property
    def session_count(self) -> int:
        return len(self._sessions)

    def add(self, session: Trainable) -> None:
        self._sessions.append(session)
        self.wake()

    def remove(self, session: Trainable) -> None:
        with contextlib.suppress(ValueError):
            self._sessions.remove(session)

    def wake(self) -> None:
        """Call after anything that may make a session want training (play, step, ...)."""
        if self._wake is not None:
            self._wake.set()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Run the training loop while the context is open (the app's lifespan)."""
        self._wake = asyncio.Event()
        # One worker thread: more would fight the event loop for the GIL.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="long-epoch")
        task = asyncio.create_task(self._run(), name="training-scheduler")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            for thread in list(self._threads):
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await thread
            self._executor.shutdown(wait=True)
            self._wake = self._executor = None

    def _pick(self, now: float) -> tuple[Trainable | None, float | None]:
        """The next session due for a slice (round robin), or the time until one is due."""
        count = len(self._sessions)
        soonest: float | None = None
        for i in range(count):
            index = (self._turn + i) % count
            session = self._sessions[index]
            delay = session.training_delay(now)
            if delay is None or (self._threads and session.unit_seconds > self.thread_above):
                continue
            if delay <= 0:
                self._turn = index + 1
                return session, None
            soonest = delay if soonest is None else min(soonest, delay)
        return None, soonest

    def _start_thread(self, session: Trainable) -> None:
        """Run one long epoch in the worker thread: the event loop keeps serving meanwhile
        (it gets the GIL back at least every switch interval, 5 ms by default). Only one
        long epoch runs at a time; other long sessions wait their turn (see _pick)."""
        session.busy = True
        task = asyncio.create_task(self._threaded(session))
        self._threads.add(task)
        task.add_done_callback(self._threads.discard)

    async def _threaded(self, session: Trainable) -> None:
        try:
            trainer = session.trainer
            loop = asyncio.get_running_loop()
            ran, seconds = await loop.run_in_executor(
                self._executor, session.run, trainer, 1, self.slice_seconds)
            session.trained(trainer, ran, seconds)
        except Exception as error:
            log.exception("training failed")
            session.training_failed(error)
        finally:
            session.busy = False
            task = asyncio.current_task()
            if task is not None:
                self._threads.discard(task)  # before waking: _pick looks at _threads
            self.wake()

    def _pick_frame(self, now: float) -> tuple[Trainable | None, float | None]:
        """The session whose periodic frame is most overdue and by how long (a delay <= 0),
        or (None, the time until one is due)."""
        best: Trainable | None = None
        best_delay: float | None = None
        for session in self._sessions:
            delay = session.frame_delay(now)
            if delay is not None and (best_delay is None or delay < best_delay):
                best, best_delay = session, delay
        if best is not None and best_delay is not None and best_delay <= 0:
            return best, best_delay
        return None, best_delay

    def _build(self, session: Trainable, delay: float, now: float) -> bool:
        """Build its frame, light when behind; True when the frame was owed at the floor rate.
        While behind, each frame also steers the slices: owed (the floor rate was missed),
        they shrink; on time, they grow back."""
        late = min(-delay, self.MAX_LATENESS)
        self.lateness += self.LATENESS_SMOOTHING * (late - self.lateness)
        if self.lateness > self.behind_seconds:
            self.behind = True
        elif self.lateness < self.behind_seconds / 2:
            self.behind = False
        owed = session.frame_owed(now)
        if self.behind and owed:
            self.behind_slice = max(self.MIN_SLICE, self.behind_slice * self.SLICE_SHRINK)
        else:
            self.behind_slice = min(self.slice_seconds,
                                    self.behind_slice * self.SLICE_GROW + self.SLICE_STEP)
        session.build_frame(self.behind)
        return owed

    async def _run(self) -> None:
        # Each turn builds at most one frame and trains at most one slice, then yields: the
        # event loop never runs more than about one frame plus one slice between two reads
        # of the sockets, however many sessions are open.
        wake = self._wake
        assert wake is not None
        while True:
            now = time.monotonic()
            framed, frame_delay = self._pick_frame(now)
            if framed is not None:
                assert frame_delay is not None
                owed = self._build(framed, frame_delay, now)
                await asyncio.sleep(0)
                if owed:
                    continue
                frame_delay = None
            session, delay = self._pick(time.monotonic())
            if session is not None:
                if session.unit_seconds > self.thread_above:
                    self._start_thread(session)
                else:
                    try:
                        session.train_slice(self.behind_slice if self.behind
                                            else self.slice_seconds, self.behind)
                    except Exception as error:  # a bug must not stop every other session
                        log.exception("training failed")
                        session.training_failed(error)
                await asyncio.sleep(0)
                continue
            if framed is not None:
                continue
            delays = [d for d in (delay, frame_delay) if d is not None]
            wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(delays) if delays else None):
                    await wake.wait()
