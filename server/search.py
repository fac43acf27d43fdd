"""Hyperparameter searches started from the page: trials in worker processes beside sessions.

Each process has one `SearchPool`: a ProcessPoolExecutor with a worker per core, started at
the first search, its workers at a lower scheduling priority so the sessions' training and
frames come first (the page that started a search keeps its frame rate). A session's
`SessionSearch` drives one search at a time from a thread (engine.search's ask-and-tell loop:
it only waits on the workers) and posts each finished trial to the session on the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

import optuna

from engine import search as engine_search
from engine.datasets import Dataset, Split
from engine.network import Network
from engine.scratch import Scratch
from engine.search import Finished, Outcome, SearchSpec, TrialConfig, TrialResult, work
from server import limits, protocol
from server.config import ProtocolError
from server.model import Model, build
from server.protocol import Config, HiddenLayer
from server.settings import Settings

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.5
"""search_progress goes out at most this often while a search runs (and at its end)."""
WORKER_NICENESS = 10
PARENT_POLL_SECONDS = 1.0
"""How often a search worker checks that its server still runs."""
LOGGED_FAILURES = 3
"""Tracebacks of failed searches a session logs, and the process in a minute (then a line)."""

_worker_tokens: Any = None
"""In a worker process only: the pool's shared array of running searches' tokens (set once
by _start_worker, as a process pool's initializer can only hand it over at the start)."""


def _start_worker(server: int, tokens: Any) -> None:
    """Each worker process yields the CPU to the server's own (sessions first), ends with
    the server, process `server`, and reads which searches still run in `tokens`. (Workers
    inherit one BLAS thread from the server's environment: cli.single_threaded_blas.)"""
    global _worker_tokens
    _worker_tokens = tokens
    with contextlib.suppress(OSError):  # not allowed here: run at the same priority
        os.nice(max(0, WORKER_NICENESS - os.nice(0)))  # started at it already, usually
    threading.Thread(target=_exit_with_parent, args=(server,), daemon=True,
                     name="exit-with-server").start()


def _start_at_low_priority(executor: Executor, workers: int) -> None:
    """Start the pool's workers from a thread at their priority: a process inherits the
    niceness of the thread that starts it, so even their start (importing NumPy, Optuna and
    the engine: seconds of CPU) yields to the sessions. (A pool starts a worker at each task
    it is given while none is idle.)"""
    def start() -> None:
        with contextlib.suppress(OSError):  # a thread's own niceness, on Linux
            os.nice(WORKER_NICENESS)
        for _ in range(workers):
            executor.submit(os.getpid)

    thread = threading.Thread(target=start, name="search-workers-start")
    thread.start()
    thread.join()


def _worker_task(slot: int, token: int, configs: list[TrialConfig], split: Split,
                 epochs: int) -> list[dict[str, Any]]:
    """A search's task in a worker: it stops part-way (between two mini-batches, within
    engine.search's STOP_CHECK_SECONDS) once its search no longer holds `token` in `slot`."""
    tokens = _worker_tokens

    def stopped() -> bool:
        return tokens is not None and tokens[slot] != token

    if stopped():
        return []
    return engine_search.trial_task(configs, split, epochs, stopped)


def _exit_with_parent(parent: int) -> None:
    """A pool's workers wait for work on a queue they also hold the writing end of, so they
    outlive a server that stops without joining them (stopped, killed): each one leaves
    within PARENT_POLL_SECONDS of its server."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(0)


class SearchPool:
    """The process's worker pools for search trials and its running searches.

    Each running search holds a slot, with a pool of its own (its share of the cores:
    cores ÷ max_searches workers, at least one; started at the slot's first search and
    kept), and a token, which the workers read in shared
    memory: a task whose search no longer holds its token stops part-way, so a stopped
    search (or a closed session's) frees its workers within a fraction of a second. Two
    searches never wait for each other's tasks: their workers share the cores, at the same
    low priority, as the system shares them.
    """

    def __init__(self, workers: int | None = None) -> None:
        # Every search's workers together are one per core at most: more would only take
        # more of the machine's memory and caches from the sessions.
        self.workers = workers or max(1, (os.cpu_count() or 1) // limits.MAX_SEARCHES)
        # Optuna logs a line for every study it creates, on a handler of its own whatever the
        # server's log level: one per search_start, which a client could repeat at will.
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self._context = multiprocessing.get_context("spawn")
        self.tokens: Any = self._context.RawArray("q", limits.MAX_SEARCHES)
        self._executors: list[Executor | None] = [None] * limits.MAX_SEARCHES
        self._slots: list[bool] = [False] * limits.MAX_SEARCHES
        self._next_token = 0
        self._lock = threading.Lock()
        self._failures: list[float] = []

    @property
    def running(self) -> int:
        return sum(self._slots)

    def executor(self, slot: int = 0) -> Executor:
        """The pool of `slot`, started at its first search (spawned: the server has
        threads)."""
        with self._lock:
            executor = self._executors[slot]
            if executor is None:
                executor = self._executors[slot] = ProcessPoolExecutor(
                    self.workers, mp_context=self._context,
                    initializer=_start_worker, initargs=(os.getpid(), self.tokens))
                _start_at_low_priority(executor, self.workers)
            return executor

    def acquire(self) -> tuple[int, int]:
        """A free slot and a new token for a search, or ProtocolError at max_searches."""
        with self._lock:
            if all(self._slots):
                raise ProtocolError(
                    "not_applicable", f"search: this server already runs "
                    f"{limits.MAX_SEARCHES} searches (max_searches); try again when one ends",
                    "search")
            slot = self._slots.index(False)
            self._slots[slot] = True
            self._next_token += 1
            self.tokens[slot] = self._next_token
            return slot, self._next_token

    def cancel(self, slot: int, token: int) -> None:
        """The search in `slot` stops: its tasks end part-way (its slot stays taken until its
        thread releases it)."""
        with self._lock:
            if self.tokens[slot] == token:
                self.tokens[slot] = 0

    def release(self, slot: int) -> None:
        with self._lock:
            self.tokens[slot] = 0
            self._slots[slot] = False

    def may_log_failure(self) -> bool:
        """Whether a failed search may log its traceback: LOGGED_FAILURES a minute in this
        process (each session logs LOGGED_FAILURES at most as well)."""
        now = time.monotonic()
        with self._lock:
            self._failures = [t for t in self._failures if t > now - 60.0]
            if len(self._failures) >= LOGGED_FAILURES:
                return False
            self._failures.append(now)
            return True

    def shutdown(self) -> None:
        for slot, executor in enumerate(self._executors):
            if executor is not None:
                executor.shutdown(wait=False, cancel_futures=True)
                self._executors[slot] = None


def base_config(config: Config) -> TrialConfig:
    """The session's config as a trial config (the width of its first hidden layer, at most
    MAX_UNITS: a trial may add layers, and only a single layer may be wider)."""
    hidden = config.hidden
    return TrialConfig(
        learning_rate=config.optimizer.learning_rate, optimizer=config.optimizer.name,
        batch_size=config.optimizer.batch_size, layers=len(hidden),
        units=min(hidden[0].units, limits.MAX_UNITS) if hidden else 4,
        activation=hidden[0].activation if hidden else "tanh", init=config.init,
        regularization=config.regularization.kind, reg_rate=config.regularization.rate,
        features=tuple(config.features), seed=config.seed)


def session_config(config: Config, trial: TrialConfig) -> Config:
    """The session's config running `trial` (output activation and loss back to auto, as
    every trial trains with them)."""
    return config.model_copy(update={
        "hidden": [HiddenLayer(units=trial.units, activation=trial.activation)
                   for _ in range(trial.layers)],
        "optimizer": config.optimizer.model_copy(update={
            "name": trial.optimizer, "learning_rate": trial.learning_rate,
            "batch_size": trial.batch_size}),
        "regularization": config.regularization.model_copy(update={
            "kind": trial.regularization, "rate": trial.reg_rate}),
        "output": config.output.model_copy(update={"activation": "auto", "loss": "auto"}),
        "init": trial.init, "features": list(trial.features), "seed": trial.seed})


def loaded_model(result: TrialResult, config: Config, dataset: Dataset, settings: Settings,
                 scratch: Scratch | None) -> Model:
    """A session model running the trial's config with its final weights and epoch, its loss
    history the trial's validation curve (the only loss the trial kept along the way) up to
    the final epoch, whose every metric is measured: the loss chart draws the run, not a line
    from epoch 0 to the end."""
    new = session_config(config, TrialConfig.from_dict(result.config))
    model = build(new, dataset, settings, scratch)
    model.net.params.flat[...] = Network.from_dict(result.weights).params.flat
    trainer = model.trainer
    blank = dict.fromkeys(trainer.metrics(), None)
    trainer.history = [{**blank, "epoch": epoch, "validation_loss": loss}
                       for epoch, loss in result.curve if epoch < result.epochs]
    trainer.epoch = result.epochs
    trainer.record()
    return model


def spec_for(message: protocol.SearchStartMessage, config: Config, split: Split) -> SearchSpec:
    """The engine's search spec for a search_start over config (ProtocolError naming the
    field on a bad space, a space or a cost larger than the limits)."""
    base = base_config(config)
    task = split.train.task
    try:
        if message.space is not None:
            if message.preset is not None:
                raise ProtocolError("invalid", "space: give a preset or a space, not both",
                                    "space")
            dims: dict[str, Any] = {
                name: dim.model_dump() if isinstance(dim, protocol.SearchRange) else dim
                for name, dim in message.space.items()}
            space = engine_search.make_space(dims, base)
        else:
            space = engine_search.preset(message.preset or "course-grid", base)
    except ValueError as error:
        text = str(error)
        field = text.split(":", 1)[0] if text.startswith("space") else "space"
        raise ProtocolError("invalid", text, field) from None
    if message.method == "grid" and space.size > limits.MAX_SEARCH_TRIALS:
        raise ProtocolError("too_large", f"space: the grid has {space.size} configs, more than "
                            f"max_search_trials ({limits.MAX_SEARCH_TRIALS})", "space")
    if message.objective == "accuracy" and task == "regression":
        raise ProtocolError("invalid", "objective: regression data has no accuracy; "
                            "search on the loss", "objective")
    spec = SearchSpec(message.method, space, message.epochs, message.trials, message.objective,
                      message.seed)
    check_work(spec, split)
    return spec


def check_work(spec: SearchSpec, split: Split) -> None:
    """Refuse (too_large, naming `epochs`) a search whose estimated work passes
    max_trial_seconds for its costliest trial or max_search_seconds for all of them."""
    m, outputs = split.train.m, split.train.Y.shape[0]
    worst = work.costliest(spec.space, m, outputs, spec.epochs)
    trial = work.trial_seconds(worst, m, outputs, spec.epochs)
    total = trial * spec.budget
    what = (f"{spec.epochs} epochs of {m} training points in "
            f"{work.steps(worst, m)} mini-batches, through {worst.layers} hidden layers of "
            f"{worst.units} neurons")
    if trial > limits.MAX_TRIAL_SECONDS:
        raise ProtocolError(
            "too_large", f"epochs: one trial ({what}) is about {trial:,.0f} s of work, more "
            f"than max_trial_seconds ({limits.MAX_TRIAL_SECONDS:g}); use fewer epochs or "
            "points, a larger batch size or a smaller network", "epochs")
    if total > limits.MAX_SEARCH_SECONDS:
        raise ProtocolError(
            "too_large", f"epochs: {spec.budget} trials of {what} are about {total:,.0f} s "
            f"of work, more than max_search_seconds ({limits.MAX_SEARCH_SECONDS:g}); use "
            "fewer trials or epochs, fewer points, a larger batch size or a smaller network",
            "epochs")


class SessionSearch:
    """One session's searches: at most one running; the last one's trials can be loaded."""

    def __init__(self, pool: SearchPool, send: Callable[[protocol.ServerModel], None]) -> None:
        self.pool, self.send = pool, send
        self.number = 0
        self.results: dict[int, TrialResult] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._spec: SearchSpec | None = None
        self._started = 0.0
        self._last_progress = 0.0
        self._done = 0
        self._best: Finished | None = None
        self._slot: tuple[int, int] | None = None
        self._stop_id: protocol.MessageId = None
        self._logged = 0

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, message: protocol.SearchStartMessage, config: Config, split: Split
              ) -> None:
        if self.running:
            raise ProtocolError("not_applicable", "search: a search is already running; send "
                                "search_stop first", "search")
        if split.validation.m == 0:
            raise ProtocolError("invalid", "config.dataset.validation_fraction: a search "
                                "scores trials on the validation split; give it points",
                                "config.dataset.validation_fraction")
        spec = spec_for(message, config, split)
        study = engine_search.create(spec)
        self._slot = self.pool.acquire()
        self.number += 1
        self.results, self._spec, self._best, self._done = {}, spec, None, 0
        self._stop_id = None
        self._stop.clear()
        self._loop = asyncio.get_running_loop()
        self._started = time.monotonic()
        self.progress("running", id=message.id)
        self._thread = threading.Thread(
            target=self._run, args=(study, spec, split, self.number, self._slot),
            name=f"search-{self.number}", daemon=True)
        self._thread.start()

    def stop(self, id: protocol.MessageId = None) -> None:
        """Stop the running search: its tasks end part-way in the workers; `stopped`
        echoes `id`."""
        if not self.running:
            raise ProtocolError("not_applicable", "search: no search is running", "search")
        self._stop_id = id
        self._halt()

    def close(self) -> None:
        """The session ends: stop its search (the trials in progress end part-way)."""
        self._halt()

    def _halt(self) -> None:
        self._stop.set()
        if self._slot is not None:
            self.pool.cancel(*self._slot)

    def trial(self, number: int) -> TrialResult:
        result = self.results.get(number)
        if result is None:
            raise ProtocolError("invalid", f"trial: no finished trial {number} in the last "
                                "search", "trial")
        return result

    # ------------------------------------------------------------------ the search's thread

    def _run(self, study: optuna.Study, spec: SearchSpec, split: Split, number: int,
             slot: tuple[int, int]) -> None:
        outcome: Outcome | None = None
        error: Exception | None = None
        try:
            outcome = engine_search.run(
                study, spec, split, self.pool.executor(slot[0]), self.pool.workers,
                on_trial=lambda f: self._post(self._finished, number, f),
                should_stop=self._stop.is_set, task=functools.partial(_worker_task, *slot))
        except Exception as failure:  # reported to the page, the session goes on
            self._logged += 1
            if self._logged <= LOGGED_FAILURES and self.pool.may_log_failure():
                log.exception("search failed")
            else:
                log.warning("search failed: %s", type(failure).__name__)
            error = failure
        finally:
            self.pool.release(slot[0])
        self._post(self._ended, number, outcome, error)

    def _post(self, callback: Callable[..., None], *args: Any) -> None:
        if self._loop is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                self._loop.call_soon_threadsafe(callback, *args)

    # ------------------------------------------------------------------ on the event loop

    def _finished(self, number: int, finished: Finished) -> None:
        if number != self.number or self._spec is None:
            return
        r = finished.result
        self.results[finished.number] = r
        self._done += 1
        if r.diverged is None and (self._best is None or _better(
                finished.score, self._best.score, self._spec.objective)):
            self._best = finished
        self.send(protocol.SearchTrialMessage(
            search=number, trial=finished.number,
            config=protocol.TrialFields.model_validate(r.config), seed=r.seed,
            epochs=r.epochs, val_loss=r.val_loss, val_accuracy=r.val_accuracy,
            train_loss=r.train_loss, train_accuracy=r.train_accuracy,
            score=None if r.diverged else finished.score, diverged=r.diverged,
            params=r.params, seconds=round(r.seconds, 4), curve=r.curve,
            thumbnail=r.thumbnail))
        if time.monotonic() - self._last_progress >= PROGRESS_INTERVAL:
            self.progress("running")

    def _ended(self, number: int, outcome: Outcome | None, error: Exception | None) -> None:
        if number != self.number:
            return
        self._thread = None
        if error is not None or outcome is None:
            self.progress("failed", message=f"search failed: {error}")
            return
        if self._stop.is_set():
            self.progress("stopped", id=self._stop_id, test=outcome.test)
        else:
            self.progress("done", test=outcome.test)

    def progress(self, state: str, id: protocol.MessageId = None,
                 test: dict[str, float | None] | None = None, message: str | None = None
                 ) -> None:
        spec = self._spec
        assert spec is not None
        self._last_progress = now = time.monotonic()
        elapsed = now - self._started
        total = spec.budget
        remaining = elapsed / self._done * (total - self._done) if self._done else None
        if state != "running":
            remaining = 0.0
        best = protocol.SearchBest(trial=self._best.number, score=self._best.score) \
            if self._best is not None else None
        self.send(protocol.SearchProgressMessage(
            id=id, search=self.number, state=state,  # type: ignore[arg-type]
            method=spec.method, objective=spec.objective,  # type: ignore[arg-type]
            done=self._done, total=total, elapsed=round(elapsed, 3),
            remaining=None if remaining is None else round(remaining, 3), best=best,
            test_loss=(test or {}).get("test_loss"),
            test_accuracy=(test or {}).get("test_accuracy"), message=message))


def _better(a: float, b: float, objective: str) -> bool:
    return a < b if objective == "loss" else a > b


__all__ = ["SearchPool", "SessionSearch", "base_config", "loaded_model", "session_config",
           "spec_for"]
