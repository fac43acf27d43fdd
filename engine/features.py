"""Input features: the network sees chosen functions of the raw point (x1, x2)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from engine.registry import lookup

F = npt.NDArray[Any]
Feature = Callable[[F, F], F]

FEATURES: dict[str, Feature] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1_sq": lambda x1, x2: x1 * x1,
    "x2_sq": lambda x1, x2: x2 * x2,
    "x1x2": lambda x1, x2: x1 * x2,
    "sin_x1": lambda x1, x2: np.sin(x1),
    "sin_x2": lambda x1, x2: np.sin(x2),
}

LABELS = {
    "x1": "x₁", "x2": "x₂", "x1_sq": "x₁²", "x2_sq": "x₂²", "x1x2": "x₁x₂",
    "sin_x1": "sin(x₁)", "sin_x2": "sin(x₂)",
}
"""How each feature is written for people."""


def check(names: Sequence[str], inputs: int | None = None) -> list[str]:
    """The feature names as a list; ValueError for an empty list, a duplicate, an unknown name
    or (given the network's number of inputs n[0]) a count that does not match it."""
    if isinstance(names, str) or not names:
        raise ValueError("features: choose at least one of " + ", ".join(FEATURES))
    seen: set[str] = set()
    for i, name in enumerate(names):
        try:
            lookup(FEATURES, name, "feature")
        except ValueError as exc:
            raise ValueError(f"features[{i}]: {exc}") from None
        if name in seen:
            raise ValueError(f"features[{i}]: {name!r} is listed twice")
        seen.add(name)
    if inputs is not None and len(names) != inputs:
        raise ValueError(f"features: the network has {inputs} inputs, "
                         f"but {len(names)} features are selected")
    return list(names)


@dataclass(frozen=True)
class Scaling:
    """Standardized inputs: each feature row becomes (row - mean) / std, with the mean and the
    standard deviation of the training inputs, so every input of the network is on the same
    scale (mean 0, std 1 on the training set) whatever its unit."""

    mean: F
    """(n[0], 1) float64."""
    std: F
    """(n[0], 1) float64; 1 for a constant feature."""

    @classmethod
    def fit(cls, inputs: F) -> "Scaling":
        """The scaling of the training inputs (n[0], m)."""
        inputs = np.asarray(inputs, dtype=np.float64)
        if inputs.ndim != 2 or inputs.shape[1] == 0:
            raise ValueError(f"inputs: expected shape (n0, m) with m >= 1, got {inputs.shape}")
        mean = inputs.mean(axis=1, keepdims=True)
        std = inputs.std(axis=1, keepdims=True)
        std[~(std > 0)] = 1.0
        return cls(mean, std)

    def apply(self, inputs: F) -> F:
        """Standardize inputs (n[0], m) in place; returns them."""
        inputs -= self.mean.astype(inputs.dtype)
        inputs /= self.std.astype(inputs.dtype)
        return inputs


def transform(X: F, names: Sequence[str], out: F | None = None,
              scaling: Scaling | None = None) -> F:
    """Network inputs (len(names), m) from raw points X (2, m), one row per feature, then
    standardized when a `scaling` is given."""
    names = check(names)
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[0] != 2:
        raise ValueError(f"X: expected shape (2, m), got {X.shape}")
    if out is None:
        out = np.empty((len(names), X.shape[1]), dtype=np.result_type(X.dtype, np.float32))
    for row, name in enumerate(names):
        out[row] = FEATURES[name](X[0], X[1])
    if scaling is not None:
        scaling.apply(out)
    return out
