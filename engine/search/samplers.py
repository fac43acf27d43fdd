"""The four search methods as Optuna samplers: grid, random, local (hill climbing), bayesian.

Grid, random and bayesian are Optuna's own (GridSampler, RandomSampler, TPESampler). Local
search is a small sampler on Optuna's interface: each trial takes the best config so far and
moves one field by one step of its grid (a neighbour not tried yet, when there is one).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import optuna
from optuna.distributions import BaseDistribution, CategoricalDistribution
from optuna.samplers import BaseSampler, GridSampler, RandomSampler, TPESampler
from optuna.trial import FrozenTrial, TrialState

from engine.registry import lookup
from engine.search.space import Range, Space, Value, encode

METHODS = ("grid", "random", "local", "bayesian")
CONTINUOUS = ("random", "bayesian")
"""Methods that sample a Range anywhere in low..high (the others use its grid)."""


class LocalSampler(BaseSampler):
    """Hill climbing on the grid: the best config so far with one field moved one step."""

    def __init__(self, grids: dict[str, list[Value]], start: dict[str, Value],
                 seed: int | None = None) -> None:
        self.grids = grids
        self.start = {name: values.index(start[name]) if start.get(name) in values else 0
                      for name, values in grids.items()}
        self.rng = np.random.default_rng(seed)
        self._fallback = RandomSampler(seed=seed)

    def infer_relative_search_space(self, study: optuna.Study, trial: FrozenTrial
                                    ) -> dict[str, BaseDistribution]:
        return {name: CategoricalDistribution(values) for name, values in self.grids.items()}

    def sample_relative(self, study: optuna.Study, trial: FrozenTrial,
                        search_space: dict[str, BaseDistribution]) -> dict[str, Any]:
        if not search_space:
            return {}
        others = [t for t in study.get_trials(deepcopy=False) if t.number != trial.number]
        tried = {self._key(t.params) for t in others if len(t.params) == len(self.grids)}
        done = [t for t in others if t.state == TrialState.COMPLETE]
        if done:
            best = study.best_trial
            here = {name: self.grids[name].index(best.params[name]) for name in self.grids}
        else:
            here = dict(self.start)
            if not others:
                return self._values(here)
        moves = self.neighbours(here)
        if not moves:
            return self._values(here)
        fresh = [m for m in moves if self._key(self._values(m)) not in tried]
        pool = fresh or moves
        return self._values(pool[int(self.rng.integers(len(pool)))])

    def neighbours(self, here: dict[str, int]) -> list[dict[str, int]]:
        """Every config one step away on one field's grid."""
        out = []
        for name, values in self.grids.items():
            for step in (-1, 1):
                if 0 <= here[name] + step < len(values):
                    out.append({**here, name: here[name] + step})
        return out

    def _values(self, index: dict[str, int]) -> dict[str, Any]:
        return {name: self.grids[name][i] for name, i in index.items()}

    def _key(self, params: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(params.get(name) for name in self.grids)

    def sample_independent(self, study: optuna.Study, trial: FrozenTrial, param_name: str,
                           param_distribution: BaseDistribution) -> Any:
        return self._fallback.sample_independent(study, trial, param_name, param_distribution)


class _Grid(GridSampler):
    """Optuna's GridSampler, without its study.stop() at the end of the grid: that call works
    only inside study.optimize, and the ask-and-tell loop stops by its budget (the grid size)."""

    def after_trial(self, study: optuna.Study, trial: FrozenTrial, state: TrialState,
                    values: Sequence[float] | None) -> None:
        pass


def make_sampler(method: str, space: Space, seed: int | None = 0,
                 startup_trials: int = 10) -> BaseSampler:
    """The sampler of one method over space (seeded: the same seed gives the same trials)."""
    lookup({m: m for m in METHODS}, method, "method")
    if method == "grid":
        return _Grid(space.grids(), seed=seed)  # type: ignore[arg-type,unused-ignore]
    if method == "random":
        return RandomSampler(seed=seed)
    if method == "local":
        start = {name: encode(name, getattr(space.base, name)) for name in space.dimensions}
        return LocalSampler(space.grids(), _snapped(space, start), seed=seed)
    return TPESampler(seed=seed, n_startup_trials=startup_trials)


def _snapped(space: Space, start: dict[str, Any]) -> dict[str, Value]:
    """The base config's value of each field, or the nearest grid value (log distance for
    positive numbers), so local search starts at the current config."""
    out: dict[str, Value] = {}
    for name, values in space.grids().items():
        value = start[name]
        if value in values or not isinstance(value, int | float):
            out[name] = value if value in values else values[0]
            continue
        numbers = [v for v in values if isinstance(v, int | float)]
        out[name] = min(numbers, key=lambda v: _distance(float(v), float(value))) \
            if numbers else values[0]
    return out


def _distance(a: float, b: float) -> float:
    if a > 0 and b > 0:
        return abs(math.log(a) - math.log(b))
    return abs(a - b)


def suggest(trial: optuna.Trial, space: Space, method: str) -> dict[str, Value]:
    """The trial's parameters, each from its field's grid (or range, for random and bayesian)."""
    params: dict[str, Value] = {}
    for name, dim in space.dimensions.items():
        if method in CONTINUOUS and isinstance(dim, Range):
            if dim.integer:
                params[name] = trial.suggest_int(name, int(dim.low), int(dim.high), log=dim.log)
            else:
                params[name] = trial.suggest_float(name, dim.low, dim.high, log=dim.log)
        else:
            grid: Sequence[Any] = [encode(name, v) for v in dim.grid()]
            params[name] = trial.suggest_categorical(name, grid)
    return params
