"""A search space: which config fields vary, over which values; and the course's presets.

A trial's config is a flat `TrialConfig` (the playground's config, one width for every hidden
layer). A space maps some of its fields to a `Choice` (a list of values) or a `Range` (low..high,
sampled continuously by random and bayesian search, cut into `steps` values for grid and local
search); the other fields keep the base config's value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

import numpy as np

from engine import activations, features, initializers, optimizers
from engine.registry import lookup

Value = float | int | str


@dataclass(frozen=True)
class TrialConfig:
    """Everything a trial trains with (the data and the epochs aside)."""

    learning_rate: float = 0.03
    optimizer: str = "sgd"
    batch_size: int = 10
    layers: int = 2
    units: int = 4
    activation: str = "tanh"
    init: str = "xavier"
    regularization: str = "none"
    reg_rate: float = 0.0
    features: tuple[str, ...] = ("x1", "x2")
    seed: int = 1

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["features"] = list(self.features)
        return out

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> TrialConfig:
        """A config from a dict of some fields (the others default); unknown keys raise."""
        known = {f.name for f in fields(cls)}
        for key in values:
            if key not in known:
                raise ValueError(f"config.{key}: unknown field; valid: {', '.join(known)}")
        config = cls()
        for key, value in values.items():
            config = replace(config, **{key: _checked(key, value)})
        return config

    def with_value(self, name: str, value: Value) -> TrialConfig:
        """This config with one field set from its parameter form (features as 'x1,x2')."""
        return replace(self, **{name: _checked(name, decode(name, value))})


def _positive_int(low: int, high: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | np.integer) \
                or not low <= value <= high:
            raise ValueError(f"expected an integer from {low} to {high}, got {value!r}")
        return int(value)
    return check


def _number(low: float, high: float) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float | np.floating) \
                or not (math.isfinite(value) and low <= value <= high):
            raise ValueError(f"expected a number from {low:g} to {high:g}, got {value!r}")
        return float(value)
    return check


def _name(registry: Mapping[str, Any], kind: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        lookup(registry, value, kind)
        return str(value)
    return check


def _features(value: Any) -> tuple[str, ...]:
    names = tuple(value.split(",")) if isinstance(value, str) else tuple(value)
    features.check(list(names), len(names))
    if len(set(names)) != len(names):
        raise ValueError("features must not repeat")
    return names


MAX_LAYERS = 6
MAX_UNITS = 8
MAX_VALUES = 64
"""Values in one list of a space: a search over more is no lesson, and a sampler's work
grows with them (TPE weighs every value of every list at every trial)."""
RANGES: dict[str, tuple[float, float]] = {
    "learning_rate": optimizers.LEARNING_RATE_RANGE,
    "batch_size": (1, 1000),
    "layers": (0, MAX_LAYERS),
    "units": (1, MAX_UNITS),
    "reg_rate": (0.0, 10.0),
    "seed": (0, 2**31 - 1),
}
"""The numeric fields a Range may cover, and their bounds."""
INTEGER = ("batch_size", "layers", "units", "seed")
LOG_SCALE = ("learning_rate", "batch_size", "reg_rate")
"""Fields whose useful values span decades: a log range suits them (low > 0)."""
NAMES: dict[str, tuple[str, ...]] = {
    "optimizer": tuple(optimizers.OPTIMIZERS),
    "activation": tuple(activations.HIDDEN),
    "init": tuple(initializers.INITIALIZERS),
    "regularization": ("none", "l1", "l2"),
}
"""The fields whose values are names, and the names."""


def _range_check(name: str) -> Callable[[Any], Any]:
    low, high = RANGES[name]
    return _positive_int(int(low), int(high)) if name in INTEGER else _number(low, high)


CHECKS: dict[str, Callable[[Any], Any]] = {
    "learning_rate": _range_check("learning_rate"),
    "optimizer": _name(optimizers.OPTIMIZERS, "optimizer"),
    "batch_size": _range_check("batch_size"),
    "layers": _range_check("layers"),
    "units": _range_check("units"),
    "activation": _name({k: k for k in NAMES["activation"]}, "activation"),
    "init": _name(initializers.INITIALIZERS, "initializer"),
    "regularization": _name({k: k for k in NAMES["regularization"]}, "regularization"),
    "reg_rate": _range_check("reg_rate"),
    "features": _features,
    "seed": _range_check("seed"),
}
"""Each field's check: returns the value in its config form, or raises ValueError."""
NUMERIC = tuple(RANGES)
"""The fields a Range may cover."""
MIN_STEPS, MAX_STEPS = 2, 100
"""A range's grid steps."""


def _checked(name: str, value: Any) -> Any:
    try:
        return CHECKS[name](value)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None


def encode(name: str, value: Any) -> Value:
    """A config value as an Optuna parameter (a set of features joins into one string; a
    string is one already, "x1" or "x1,x2": its characters are no features)."""
    if name == "features" and not isinstance(value, str):
        return ",".join(value)
    return value  # type: ignore[no-any-return,unused-ignore]


def decode(name: str, value: Any) -> Any:
    return tuple(value.split(",")) if name == "features" and isinstance(value, str) else value


@dataclass(frozen=True)
class Choice:
    """Some values of one field, in the order local search steps through them."""

    values: tuple[Any, ...]

    def grid(self) -> list[Value]:
        return list(self.values)


@dataclass(frozen=True)
class Range:
    """low..high (log scale: evenly spaced exponents); `steps` values on the grid."""

    low: float
    high: float
    log: bool = False
    steps: int = 5
    integer: bool = False

    def grid(self) -> list[Value]:
        spaced = np.geomspace(self.low, self.high, self.steps) if self.log \
            else np.linspace(self.low, self.high, self.steps)
        if self.integer:
            return list(dict.fromkeys(int(round(v)) for v in spaced))
        return [float(f"{v:.6g}") for v in spaced]


Dimension = Choice | Range


@dataclass(frozen=True)
class Space:
    """The fields that vary (in order) over a base config."""

    dimensions: dict[str, Dimension]
    base: TrialConfig = field(default_factory=TrialConfig)

    def grids(self) -> dict[str, list[Value]]:
        """Each field's grid values in their parameter form."""
        return {name: [encode(name, v) for v in dim.grid()]
                for name, dim in self.dimensions.items()}

    @property
    def size(self) -> int:
        """Configs on the grid."""
        return math.prod(len(values) for values in self.grids().values())

    def config(self, params: Mapping[str, Value]) -> TrialConfig:
        """The base config with the parameters' values."""
        config = self.base
        for name, value in params.items():
            config = config.with_value(name, value)
        return config


def make_space(dimensions: Mapping[str, Any], base: TrialConfig | None = None) -> Space:
    """A checked Space from {field: Choice | Range | list of values | {"low", "high", ...}}.
    Errors name the field: `space.layers: ...`."""
    if not dimensions:
        raise ValueError("space: name at least one field to search")
    out: dict[str, Dimension] = {}
    for name, spec in dimensions.items():
        where = f"space.{name}"
        if name not in CHECKS:
            raise ValueError(f"{where}: unknown field; valid: {', '.join(CHECKS)}")
        dim = _dimension(where, name, spec)
        ends = (dim.low, dim.high) if isinstance(dim, Range) else ()
        if isinstance(dim, Range) and dim.integer:
            ends = (int(dim.low), int(dim.high))
        for value in dim.grid() if isinstance(dim, Choice) else ends:
            try:
                CHECKS[name](decode(name, value))
            except ValueError as error:
                raise ValueError(f"{where}: {error}") from None
        out[name] = dim
    return Space(out, base or TrialConfig())


def _value(name: str, value: Any) -> Any:
    """A listed value in its config form: features are a set of names, given as a list or
    as one string ("x1", "x1,x2")."""
    if name == "features":
        return decode(name, value) if isinstance(value, str) else tuple(value) \
            if isinstance(value, list | tuple) else value
    return tuple(value) if isinstance(value, list) else value


def _dimension(where: str, name: str, spec: Any) -> Dimension:
    if isinstance(spec, Choice | Range):
        dim = spec
    elif isinstance(spec, Sequence) and not isinstance(spec, str):
        if len(spec) > MAX_VALUES:
            raise ValueError(f"{where}: at most {MAX_VALUES} values, got {len(spec)}")
        dim = Choice(tuple(_value(name, v) for v in spec))
    elif isinstance(spec, Mapping):
        unknown = set(spec) - {"low", "high", "log", "steps"}
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}; "
                             "a range has low, high, log, steps")
        if name not in NUMERIC:
            raise ValueError(f"{where}: a range needs a numeric field; give a list of values")
        integer = name != "learning_rate" and name != "reg_rate"
        try:
            dim = Range(float(spec["low"]), float(spec["high"]), bool(spec.get("log", False)),
                        int(spec.get("steps", 5)), integer)
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"{where}: a range needs numbers low and high") from None
        if integer and not (dim.low.is_integer() and dim.high.is_integer()):
            raise ValueError(f"{where}: {name} needs whole numbers low and high")
    else:
        raise ValueError(f"{where}: expected a list of values or a range {{low, high}}")
    if isinstance(dim, Choice):
        if not dim.values:
            raise ValueError(f"{where}: the list of values is empty")
        if len(set(dim.values)) != len(dim.values):
            raise ValueError(f"{where}: values must not repeat")
    else:
        if not dim.low < dim.high:
            raise ValueError(f"{where}: expected low < high, got {dim.low:g}..{dim.high:g}")
        if dim.log and dim.low <= 0:
            raise ValueError(f"{where}: a log range needs low > 0")
        if not MIN_STEPS <= dim.steps <= MAX_STEPS:
            raise ValueError(f"{where}: steps must be from {MIN_STEPS} to {MAX_STEPS}")
    return dim


# ---------------------------------------------------------------------------------- presets

COURSE_LEARNING_RATES = (0.0001, 0.001, 0.01, 0.1)


def course_grid(base: TrialConfig) -> Space:
    """The course's worked example: 4 learning rates × 1..5 hidden layers × 3 activations."""
    return make_space({"learning_rate": list(COURSE_LEARNING_RATES),
                       "layers": [1, 2, 3, 4, 5],
                       "activation": ["relu", "tanh", "sigmoid"]}, base)


def seeds(base: TrialConfig, n: int = 10) -> Space:
    """The current config from n initial weights: the spread of final costs shows that the
    cost is not convex (other initial weights, other minimum)."""
    return make_space({"seed": list(range(base.seed, base.seed + n))}, base)


def same_start(base: TrialConfig) -> Space:
    """The current config at five learning rates around its own, from the same weights."""
    rates = [base.learning_rate * k for k in (0.1, 0.3, 1.0, 3.0, 10.0)]
    low, high = optimizers.LEARNING_RATE_RANGE
    return make_space({"learning_rate": [float(f"{r:.6g}") for r in rates
                                         if low <= r <= high]}, base)


def same_start_optimizers(base: TrialConfig) -> Space:
    """The current config with each optimizer, from the same weights."""
    return make_space({"optimizer": list(optimizers.OPTIMIZERS)}, base)


PRESETS: dict[str, Callable[[TrialConfig], Space]] = {
    "course-grid": course_grid,
    "seeds": seeds,
    "same-start": same_start,
    "same-start-optimizers": same_start_optimizers,
}


def preset(name: str, base: TrialConfig | None = None) -> Space:
    return lookup(PRESETS, name, "preset")(base or TrialConfig())
