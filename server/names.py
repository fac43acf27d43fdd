"""The names a user can pick: the keys of the engine's registries, in registry order."""

from __future__ import annotations

from engine.activations import ACTIVATIONS as _ACTIVATIONS
from engine.datasets import DATASETS as _DATASETS
from engine.features import FEATURES as _FEATURES
from engine.initializers import INITIALIZERS as _INITIALIZERS
from engine.losses import LOSSES as _LOSSES
from engine.optimizers import OPTIMIZERS as _OPTIMIZERS
from engine.trainer import REGULARIZATIONS as _REGULARIZATIONS

ACTIVATIONS: tuple[str, ...] = tuple(_ACTIVATIONS)
# softmax couples the units of a layer: it only makes sense on the output.
HIDDEN_ACTIVATIONS: tuple[str, ...] = tuple(name for name in ACTIVATIONS if name != "softmax")
LOSSES: tuple[str, ...] = tuple(_LOSSES)
INITIALIZERS: tuple[str, ...] = tuple(_INITIALIZERS)
OPTIMIZERS: tuple[str, ...] = tuple(_OPTIMIZERS)
DATASETS: tuple[str, ...] = tuple(_DATASETS)
FEATURES: tuple[str, ...] = tuple(_FEATURES)
REGULARIZATIONS: tuple[str, ...] = tuple(_REGULARIZATIONS)


def check_name(kind: str, value: str, names: tuple[str, ...]) -> str:
    """Return value if it is one of names, else raise ValueError listing them."""
    if value not in names:
        raise ValueError(f"unknown {kind} {value!r}; valid: {', '.join(names)}")
    return value
