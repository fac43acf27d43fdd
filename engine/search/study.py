"""A search: an Optuna study driven by ask and tell, its trials trained inline or in processes.

The study lives in any Optuna storage (in memory by default, or a URL such as
`sqlite:///search.db`). The search's description (`SearchSpec`) is stored in the study, so
another process can join it with `join()` and take trials of the same study.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from typing import Any, Literal

import optuna
from optuna.trial import TrialState

from engine import datasets
from engine.datasets import Split
from engine.registry import lookup
from engine.search import work
from engine.search.batch import Key, batch_key, cost, run_batch
from engine.search.samplers import METHODS, make_sampler, suggest
from engine.search.space import Choice, Range, Space, TrialConfig, make_space
from engine.search.trial import Stopped, TrialResult, never, run_trial, score_on_test

OBJECTIVES: dict[str, Literal["minimize", "maximize"]] = {"loss": "minimize",
                                                          "accuracy": "maximize"}
SPEC_KEY = "search"
RESULT_KEY = "result"


@dataclass(frozen=True)
class DataSpec:
    """The data every trial trains on, rebuilt identically in any process."""

    name: str = "spiral"
    points: int = 500
    noise: float = 0.0
    classes: int = 2
    seed: int = 1
    train_fraction: float = 0.5
    validation_fraction: float = 0.2

    def split(self) -> Split:
        ds = datasets.make(self.name, n=self.points, noise=self.noise, seed=self.seed,
                           classes=self.classes)
        return datasets.split(ds, self.train_fraction, self.validation_fraction, seed=self.seed)


@dataclass
class SearchSpec:
    """What to search: the method, the space over a base config, the budget, the objective."""

    method: str
    space: Space
    epochs: int = 100
    trials: int = 60
    objective: str = "loss"
    seed: int = 0
    data: DataSpec = field(default_factory=DataSpec)

    def __post_init__(self) -> None:
        lookup({m: m for m in METHODS}, self.method, "method")
        lookup(OBJECTIVES, self.objective, "objective")
        for name, value in (("epochs", self.epochs), ("trials", self.trials)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}: expected a positive integer, got {value!r}")

    @property
    def budget(self) -> int:
        """Trials to run: `trials`, and never more than the grid for a grid search."""
        return min(self.trials, self.space.size) if self.method == "grid" else self.trials

    def as_dict(self) -> dict[str, Any]:
        dims: dict[str, Any] = {}
        for name, dim in self.space.dimensions.items():
            dims[name] = [list(v) if isinstance(v, tuple) else v for v in dim.values] \
                if isinstance(dim, Choice) else \
                {"low": dim.low, "high": dim.high, "log": dim.log, "steps": dim.steps}
        return {"method": self.method, "space": dims, "base": self.space.base.as_dict(),
                "epochs": self.epochs, "trials": self.trials, "objective": self.objective,
                "seed": self.seed, "data": self.data.__dict__}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SearchSpec:
        space = make_space(d["space"], TrialConfig.from_dict(d["base"]))
        return cls(d["method"], space, d["epochs"], d["trials"], d["objective"], d["seed"],
                   DataSpec(**d["data"]))


@dataclass
class Finished:
    """One finished trial as the search reports it."""

    number: int
    result: TrialResult
    score: float


@dataclass
class Outcome:
    """The search's end: its best trial (scored on the test split) and what it cost."""

    best: Finished | None
    test: dict[str, float | None]
    trials: int
    seconds: float


Task = Callable[[list[TrialConfig], Split, int], list[dict[str, Any]]]
"""Trains some trials for some epochs; picklable when it runs in a process pool."""


def trial_task(configs: list[TrialConfig], split: Split, epochs: int,
               should_stop: Callable[[], bool] = never) -> list[dict[str, Any]]:
    """Trials as a picklable task for a process pool (JSON-safe dicts back): one alone, or
    several of one layer shape trained together; none when should_stop() ends them early."""
    try:
        if len(configs) == 1:
            return [run_trial(configs[0], split, epochs, should_stop).as_dict()]
        return [r.as_dict() for r in run_batch(configs, split, epochs, should_stop)]
    except Stopped:
        return []


BATCHED = ("grid", "random")
"""Methods whose trials do not depend on each other's results: they are asked for several at
once, and those of one layer shape train together."""
MAX_BATCH = 256
MAX_TASK_SECONDS = 2.0
"""A stack of trials is split until each task is at most this much work (engine.search.work,
or one trial): tasks of several searches take turns in the workers, so this bounds how long
one search's task keeps another's waiting (a task stops part-way when its search does)."""
STOP_POLL_SECONDS = 0.2


def _batches(spec: SearchSpec, study: optuna.Study) -> bool:
    """Batch trials: a method that does not learn from results, and a study this process
    alone takes trials of (another process sharing it gets its share)."""
    return spec.method in BATCHED and _own(study)


def _own(study: optuna.Study) -> bool:
    return isinstance(study._storage, optuna.storages.InMemoryStorage)


def _at_once(spec: SearchSpec, study: optuna.Study, batch: bool, left: int) -> int:
    """Trials to ask before any is told: all of a batched search; bayesian search's random
    start (TPE draws its first trials at random whatever the scores, the same ones asked
    together or one by one); else one."""
    if batch:
        return min(left, MAX_BATCH)
    if spec.method == "bayesian" and _own(study):
        return max(1, min(left, _startup(spec) - started(study)))
    return 1


Group = list[tuple[optuna.Trial, TrialConfig]]


def _tasks(groups: list[Group], workers: int, epochs: int, split: Split) -> list[Group]:
    """The groups as tasks for `workers` processes: the costliest halved while there are
    fewer tasks than workers or it costs more than MAX_TASK_SECONDS, then the costliest
    first (so the last to start are short)."""
    m, outputs = split.train.m, split.train.Y.shape[0]

    def seconds(task: Group) -> float:
        return work.stack_seconds([c for _, c in task], m, outputs, epochs)

    tasks = list(groups)
    while (big := max((t for t in tasks if len(t) > 1), key=seconds, default=[])) \
            and (len(tasks) < workers or seconds(big) > MAX_TASK_SECONDS):
        tasks.remove(big)
        tasks += [big[::2], big[1::2]]
    return sorted(tasks, key=lambda t: cost([c for _, c in t]), reverse=True)


def create(spec: SearchSpec, storage: str | optuna.storages.BaseStorage | None = None,
           name: str | None = None) -> optuna.Study:
    """A new study for spec, or the existing one of that name in storage (spec unchanged)."""
    study = optuna.create_study(
        storage=storage, study_name=name, load_if_exists=name is not None,
        direction=OBJECTIVES[spec.objective],
        sampler=make_sampler(spec.method, spec.space, spec.seed, _startup(spec)))
    if SPEC_KEY not in study.user_attrs:
        study.set_user_attr(SPEC_KEY, spec.as_dict())
    return study


def join(storage: str | optuna.storages.BaseStorage, name: str) -> tuple[optuna.Study, SearchSpec]:
    """The study `name` in storage and its spec, with a sampler of its method."""
    spec = SearchSpec.from_dict(
        optuna.load_study(study_name=name, storage=storage).user_attrs[SPEC_KEY])
    study = optuna.load_study(study_name=name, storage=storage,
                              sampler=make_sampler(spec.method, spec.space, None,
                                                   _startup(spec)))
    return study, spec


def _startup(spec: SearchSpec) -> int:
    """TPE's random start: a quarter of the budget, 3 to 10 trials."""
    return max(3, min(10, spec.budget // 4))


def started(study: optuna.Study) -> int:
    """Trials taken so far by every process sharing the study (failed ones excluded)."""
    return sum(1 for t in study.get_trials(deepcopy=False) if t.state != TrialState.FAIL)


def run(study: optuna.Study, spec: SearchSpec, split: Split | None = None,
        executor: Executor | None = None, workers: int = 1,
        on_trial: Callable[[Finished], None] = lambda f: None,
        should_stop: Callable[[], bool] = lambda: False, task: Task = trial_task) -> Outcome:
    """Take trials of study until its budget is used (by any process) or should_stop().

    Up to `workers` tasks run at once in `executor` (inline, one at a time, without one); a
    task is one trial, or the asked trials of one width trained together (engine.search.batch;
    grid and random search, and bayesian search's random start): the same results, faster.
    `task` trains them (trial_task; a pool's may also stop part-way when the search stops).
    """
    start = time.perf_counter()
    split = split or spec.data.split()
    batch = _batches(spec, study)
    pending: dict[Future[list[dict[str, Any]]], list[optuna.Trial]] = {}
    queued: list[Group] = []
    """Tasks asked for but not yet submitted (the executor gets `workers` at once: a stop
    leaves none queued there)."""
    count = 0
    at_once = workers if executor is not None else 1

    try:
        while True:
            while len(pending) < at_once and not should_stop():
                if not queued:
                    left = spec.budget - started(study)
                    if left <= 0:
                        break
                    queued = _ask(study, spec, batch, left, at_once, split)
                    continue
                group = queued.pop(0)
                configs = [config for _, config in group]
                if executor is None:
                    future: Future[list[dict[str, Any]]] = Future()
                    future.set_result(task(configs, split, spec.epochs))
                else:
                    future = executor.submit(task, configs, split, spec.epochs)
                pending[future] = [trial for trial, _ in group]
            if not pending or should_stop():
                break
            # A timeout, so that should_stop() is heard while long trials run.
            done, _ = wait(pending, timeout=STOP_POLL_SECONDS, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: pending[f][0].number):
                for finished in _finish(study, spec, pending.pop(future), future):
                    on_trial(finished)
                    count += 1
    finally:
        for future, trials in pending.items():
            future.cancel()
            for trial in trials:
                study.tell(trial, state=TrialState.FAIL)
        for group in queued:
            for trial, _ in group:
                study.tell(trial, state=TrialState.FAIL)
    return outcome(study, spec, split, count, time.perf_counter() - start)


def _ask(study: optuna.Study, spec: SearchSpec, batch: bool, left: int, workers: int,
         split: Split) -> list[Group]:
    """The next trials to train, asked of the study, as tasks (maybe none: a grid config
    that another process took at the same time is given up)."""
    groups: dict[Key, Group] = {}
    for trial in [study.ask() for _ in range(_at_once(spec, study, batch, left))]:
        config = spec.space.config(suggest(trial, spec.space, spec.method))
        if spec.method == "grid" and not batch and _taken(study, trial):
            study.tell(trial, state=TrialState.FAIL)  # asked again if still due
            continue
        groups.setdefault(batch_key(config), []).append((trial, config))
    return _tasks(list(groups.values()), workers, spec.epochs, split)


def _taken(study: optuna.Study, trial: optuna.Trial) -> bool:
    """Another process sharing the study took the same grid config at the same time (each
    GridSampler saw it free): the later one to look gives it up. If both give it up, the
    config is free again (a failed trial does not count) and is asked again."""
    states = (TrialState.RUNNING, TrialState.COMPLETE)
    return any(t.number != trial.number and t.params == trial.params
               for t in study.get_trials(deepcopy=False, states=states))


def _finish(study: optuna.Study, spec: SearchSpec, trials: list[optuna.Trial],
            future: Future[list[dict[str, Any]]]) -> list[Finished]:
    try:
        results = [TrialResult.from_dict(d) for d in future.result()]
    except Exception:
        for trial in trials:
            study.tell(trial, state=TrialState.FAIL)
        raise
    if len(results) != len(trials):  # the task was stopped part-way
        for trial in trials:
            study.tell(trial, state=TrialState.FAIL)
        return []
    finished = []
    for trial, result in zip(trials, results, strict=True):
        trial.set_user_attr(RESULT_KEY, result.as_dict())
        score = result.score(spec.objective)
        study.tell(trial, score)
        finished.append(Finished(trial.number, result, score))
    return finished


def best(study: optuna.Study) -> Finished | None:
    """The study's best complete trial (over every process's trials), if any."""
    complete = [t for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
                if RESULT_KEY in t.user_attrs and t.value is not None]
    if not complete:
        return None
    sign = 1 if study.direction == optuna.study.StudyDirection.MINIMIZE else -1
    top = min(complete, key=lambda t: (sign * float(t.value), t.number))  # type: ignore[arg-type]
    return Finished(top.number, TrialResult.from_dict(top.user_attrs[RESULT_KEY]),
                    float(top.value))  # type: ignore[arg-type]


def outcome(study: optuna.Study, spec: SearchSpec, split: Split, count: int,
            seconds: float) -> Outcome:
    """The best trial, scored on the test split (the only test score a search computes)."""
    top = best(study)
    test: dict[str, float | None] = {"test_loss": None, "test_accuracy": None}
    if top is not None:
        test = score_on_test(top.result, split)
    return Outcome(top, test, count, seconds)


def search(spec: SearchSpec, split: Split | None = None, storage: Any = None,
           name: str | None = None, executor: Executor | None = None, workers: int = 1,
           on_trial: Callable[[Finished], None] = lambda f: None,
           should_stop: Callable[[], bool] = lambda: False) -> Outcome:
    """Create (or join) the study and run the search: the engine's one-call entry point."""
    study = create(spec, storage, name)
    return run(study, spec, split, executor, workers, on_trial, should_stop)


__all__ = ["Choice", "DataSpec", "Finished", "Outcome", "Range", "SearchSpec", "best",
           "create", "join", "run", "search"]
