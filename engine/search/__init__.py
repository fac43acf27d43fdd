"""Hyperparameter search: grid, random, local and bayesian search over config fields.

Each trial is an ordinary training run (Network + Trainer), scored on the validation split;
the test split scores only the chosen best. Optuna keeps the study (in memory, in SQLite or in
any storage it supports) and supplies the grid, random and TPE samplers.
"""

from engine.search.samplers import METHODS, LocalSampler, make_sampler
from engine.search.space import (
    PRESETS,
    Choice,
    Range,
    Space,
    TrialConfig,
    make_space,
    preset,
)
from engine.search.study import (
    OBJECTIVES,
    DataSpec,
    Finished,
    Outcome,
    SearchSpec,
    best,
    create,
    join,
    run,
    search,
    trial_task,
)
from engine.search.trial import THUMBNAIL, TrialResult, run_trial, score_on_test

__all__ = [
    "METHODS", "OBJECTIVES", "PRESETS", "THUMBNAIL", "Choice", "DataSpec", "Finished",
    "LocalSampler", "Outcome", "Range", "SearchSpec", "Space", "TrialConfig", "TrialResult",
    "best", "create", "join", "make_sampler", "make_space", "preset", "run", "run_trial",
    "search", "score_on_test", "trial_task",
]
