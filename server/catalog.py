"""What the server offers: every pickable name, the limits and the default config."""

from __future__ import annotations

from functools import cache
from typing import Any

from engine import activations, losses
from engine.datasets import DATASETS, MAX_CLASSES, MIN_CLASSES, preview
from engine.features import LABELS
from engine.search import space
from engine.search.samplers import METHODS
from engine.search.study import OBJECTIVES
from server import config, limits, names, protocol
from server.lessons.experiments import EXPERIMENTS
from server.model import generate
from server.protocol import Config

# The optimizer fields each optimizer reads (gd is full-batch: it ignores batch_size).
OPTIMIZER_PARAMS: dict[str, tuple[str, ...]] = {
    "gd": ("learning_rate",),
    "sgd": ("learning_rate", "batch_size"),
    "momentum": ("learning_rate", "batch_size", "momentum"),
    "adam": ("learning_rate", "batch_size", "beta1", "beta2"),
}


@cache
def default_config() -> Config:
    """The landing page's config: TF Playground's (circle, lr 0.03, batch 10), with 4-4 tanh
    where it has 4-2, which learns at once on every seed (FIRST_SIGHT, the lessons' tests)."""
    base = Config()
    return config.normalized(base, generate(base).task)


def _dataset(name: str, kind: str) -> protocol.DatasetEntry:
    """A dataset's entry: its task and thumbnail points (2 classes; 3 to 6 in class_previews)."""
    classes = {str(k): preview(name, k).tolist()
               for k in range(MIN_CLASSES + 1, MAX_CLASSES + 1)} if kind == "classes" else None
    return protocol.DatasetEntry.model_validate({
        "name": name, "task": kind, "has_classes": kind == "classes",
        "preview": preview(name).tolist(), "class_previews": classes,
    })


def _search() -> protocol.SearchFacts:
    """What a search space may hold, from engine/search/space.py."""
    lists = {"optimizer": "optimizers", "activation": "hidden_activations",
             "init": "initializers", "regularization": "regularization", "features": "features"}
    fields: dict[str, protocol.SearchRangeField | protocol.SearchListField] = {}
    for name in protocol.SEARCH_FIELDS:
        if name in space.RANGES:
            low, high = space.RANGES[name]
            fields[name] = protocol.SearchRangeField(min=low, max=high,
                                                     integer=name in space.INTEGER,
                                                     log=name in space.LOG_SCALE)
        else:
            fields[name] = protocol.SearchListField(names=lists[name])  # type: ignore[arg-type]
    course = space.course_grid(space.TrialConfig())
    return protocol.SearchFacts(
        methods=list(METHODS), presets=list(space.PRESETS), objectives=list(OBJECTIVES),
        fields=fields, min_steps=space.MIN_STEPS, max_steps=space.MAX_STEPS,
        course_grid={name: list(values) for name, values in course.grids().items()},
    )


@cache
def published() -> protocol.Catalog:
    """The catalog (`hello.catalog`); shared: callers must not change it."""
    return protocol.Catalog(
        datasets=[_dataset(name, kind) for name, kind in DATASETS.items()],
        activations=list(names.ACTIVATIONS),
        hidden_activations=list(names.HIDDEN_ACTIVATIONS),
        activation_facts={name: protocol.ActivationFacts(**activations.get(name).facts())
                          for name in names.ACTIVATIONS},
        output_defaults={task: protocol.OutputDefault(activation=activation, loss=loss)
                         for task, (activation, loss) in losses.DEFAULTS.items()},
        losses=list(names.LOSSES),
        initializers=list(names.INITIALIZERS),
        optimizers=[
            protocol.OptimizerEntry(name=name,
                                    params=list(OPTIMIZER_PARAMS.get(name, ("learning_rate",))))
            for name in names.OPTIMIZERS
        ],
        features=[protocol.FeatureEntry(name=name, label=LABELS.get(name, name))
                  for name in names.FEATURES],
        regularization=list(names.REGULARIZATIONS),
        limits=protocol.Limits.model_validate(limits.as_dict()),
        defaults=default_config(),
        search=_search(),
        experiments=[protocol.ExperimentEntry.model_validate(experiment.as_dict())
                     for experiment in EXPERIMENTS.values()],
    )


def catalog() -> dict[str, Any]:
    """`GET /api/catalog`, as JSON (a fresh copy: callers may change it)."""
    out: dict[str, Any] = published().model_dump(mode="json")
    return out
