"""What a search costs before it runs: seconds of one core, estimated from the work itself.

A trial's epoch is ceil(m / batch size) mini-batch steps (one for a full-batch optimizer);
each step pays a fixed price per layer (NumPy calls on small arrays) and each example a price
per weight it meets (forward, backward, update). The prices are a reference core's (measured
with bench-sized networks: 6 x 8 at batch size 1 is about 75 us a step); a slower machine
takes longer, the ratios stay. Trials trained together (engine.search.batch) share their
steps' fixed price, so a stack costs less than its trials alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from engine import optimizers
from engine.search.space import Choice, Range, Space, TrialConfig

STEP_SECONDS = 12e-6
"""A mini-batch step's fixed price per layer."""
WEIGHT_SECONDS = 4e-9
"""One example through one weight: forward, backward and update."""
TRIAL_SECONDS = 0.01
"""Building a trial's network and its metrics, curve and thumbnail."""


def weights(config: TrialConfig, outputs: int) -> int:
    """Weights and biases of the trial's network (one width for every hidden layer)."""
    sizes = [len(config.features), *([config.units] * config.layers), outputs]
    return sum(n * (prev + 1) for prev, n in zip(sizes, sizes[1:], strict=False))


def steps(config: TrialConfig, m: int) -> int:
    """Mini-batch steps of one epoch over m training examples."""
    if optimizers.OPTIMIZERS[config.optimizer].full_batch:
        return 1
    return math.ceil(m / max(1, min(config.batch_size, m)))


def trial_seconds(config: TrialConfig, m: int, outputs: int, epochs: int) -> float:
    """A trial trained alone for `epochs` epochs on m examples."""
    per_epoch = steps(config, m) * STEP_SECONDS * (config.layers + 1) \
        + m * weights(config, outputs) * WEIGHT_SECONDS
    return TRIAL_SECONDS + epochs * per_epoch


def stack_seconds(configs: Sequence[TrialConfig], m: int, outputs: int, epochs: int) -> float:
    """Trials of one batch_key trained together: one step's fixed price per layer of the
    deepest and per activation, the examples' price per trial."""
    depth = max(c.layers for c in configs)
    runs = len({c.activation for c in configs})
    per_epoch = steps(configs[0], m) * STEP_SECONDS * (depth + 1) * runs \
        + m * sum(weights(c, outputs) for c in configs) * WEIGHT_SECONDS
    return TRIAL_SECONDS * len(configs) + epochs * per_epoch


def costliest(space: Space, m: int, outputs: int, epochs: int) -> TrialConfig:
    """The space's costliest trial, field by field (the cost grows with each field alone):
    what every trial of the search is budgeted at before it starts."""
    config = space.base
    for name, dim in space.dimensions.items():
        if isinstance(dim, Choice):
            values = list(dim.values)
        else:
            assert isinstance(dim, Range)
            ends = (dim.low, dim.high)
            values = [int(v) for v in ends] if dim.integer else list(ends)
        candidates = [config.with_value(name, v) for v in values]
        config = max(candidates, key=lambda c: trial_seconds(c, m, outputs, epochs))
    return config


__all__ = ["costliest", "stack_seconds", "steps", "trial_seconds", "weights"]
