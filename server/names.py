"""The names a user can pick: the keys of the engine's registries, in registry order."""

from __future__ import annotations

from engine.activations import ACTIVATIONS as _ACTIVATIONS
from engine.activations import HIDDEN as _HIDDEN
from engine.datasets import DATASETS as _DATASETS
from engine.features import FEATURES as _FEATURES
from engine.initializers import INITIALIZERS as _INITIALIZERS
from engine.losses import LOSSES as _LOSSES
from engine.optimizers import OPTIMIZERS as _OPTIMIZERS
from engine.trainer import REGULARIZATIONS as _REGULARIZATIONS

ACTIVATIONS: tuple[str, ...] = tuple(_ACTIVATIONS)
HIDDEN_ACTIVATIONS: tuple[str, ...] = _HIDDEN
LOSSES: tuple[str, ...] = tuple(_LOSSES)
INITIALIZERS: tuple[str, ...] = tuple(_INITIALIZERS)
OPTIMIZERS: tuple[str, ...] = tuple(_OPTIMIZERS)
DATASETS: tuple[str, ...] = tuple(_DATASETS)
FEATURES: tuple[str, ...] = tuple(_FEATURES)
REGULARIZATIONS: tuple[str, ...] = tuple(_REGULARIZATIONS)

