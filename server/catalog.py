"""What the server offers: every pickable name, the limits and the default config."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from engine import activations, losses
from engine.datasets import DATASETS, MAX_CLASSES, MIN_CLASSES, preview
from engine.features import LABELS
from server import config, limits, names
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


def _dataset(name: str, kind: str) -> dict[str, Any]:
    """A dataset's entry: its task and thumbnail points (2 classes; 3 to 6 in class_previews)."""
    entry: dict[str, Any] = {"name": name, "task": kind, "has_classes": kind == "classes",
                             "preview": preview(name).tolist()}
    if kind == "classes":
        entry["class_previews"] = {str(k): preview(name, k).tolist()
                                   for k in range(MIN_CLASSES + 1, MAX_CLASSES + 1)}
    return entry


@cache
def _catalog() -> dict[str, Any]:
    return {
        "datasets": [_dataset(name, kind) for name, kind in DATASETS.items()],
        "activations": list(names.ACTIVATIONS),
        "hidden_activations": list(names.HIDDEN_ACTIVATIONS),
        "activation_facts": {name: activations.get(name).facts() for name in names.ACTIVATIONS},
        "output_defaults": {task: {"activation": activation, "loss": loss}
                            for task, (activation, loss) in losses.DEFAULTS.items()},
        "losses": list(names.LOSSES),
        "initializers": list(names.INITIALIZERS),
        "optimizers": [
            {"name": name, "params": list(OPTIMIZER_PARAMS.get(name, ("learning_rate",)))}
            for name in names.OPTIMIZERS
        ],
        "features": [{"name": name, "label": LABELS.get(name, name)} for name in names.FEATURES],
        "regularization": list(names.REGULARIZATIONS),
        "limits": limits.as_dict(),
        "defaults": default_config().model_dump(mode="json"),
        "experiments": [experiment.as_dict() for experiment in EXPERIMENTS.values()],
    }


def catalog() -> dict[str, Any]:
    """`GET /api/catalog` and `hello.catalog` (a fresh copy: callers may not share it)."""
    return copy.deepcopy(_catalog())
