"""Lookup in the string-keyed registries, with an error that lists the valid keys."""

from collections.abc import Mapping
from typing import TypeVar

import numpy as np
import numpy.typing as npt

T = TypeVar("T")

Array = npt.NDArray[np.float64]
"""Training arrays are float64; display grids reuse the same code in float32."""


def lookup(registry: Mapping[str, T], key: str, kind: str) -> T:
    """Return registry[key]; an unknown key raises ValueError naming the valid ones."""
    if not isinstance(key, str) or key not in registry:
        valid = ", ".join(registry)
        raise ValueError(f"unknown {kind} {key!r}; valid: {valid}")
    return registry[key]
