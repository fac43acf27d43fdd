"""What the server offers: every pickable name, the limits and the default config."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from engine.datasets import DATASETS
from engine.features import LABELS
from server import config, limits, names
from server.experiments import EXPERIMENTS
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
    """The landing page's config: TF Playground's (circle, 4-2 tanh, lr 0.03, batch 10)."""
    base = Config()
    return config.normalized(base, generate(base).task)


@cache
def _catalog() -> dict[str, Any]:
    return {
        "datasets": [
            {"name": name, "task": kind, "has_classes": kind == "classes"}
            for name, kind in DATASETS.items()
        ],
        "activations": list(names.ACTIVATIONS),
        "hidden_activations": list(names.HIDDEN_ACTIVATIONS),
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
