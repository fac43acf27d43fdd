"""The limits every config and message is checked against (published in the catalog); those the
engine checks too are the engine's own."""

from __future__ import annotations

from typing import Final

from engine import data, datasets, optimizers

# TF Playground's own limits: 6 hidden layers of at most 8 neurons. Its largest network
# (6 x 8) is our standard workload, and a frame of it stays under 32 KB at default settings.
MAX_HIDDEN_LAYERS: Final = 6
MAX_UNITS: Final = 8
MAX_WIDE_UNITS: Final = 64
"""A network of one hidden layer may make it this wide (the universal approximation lesson:
one layer draws any curve, given enough units); with two or more, each has MAX_UNITS."""
MIN_POINTS: Final = 4
MAX_POINTS: Final = data.MAX_POINTS
MAX_NOISE: Final = 1.0
MIN_CLASSES: Final = datasets.MIN_CLASSES
MAX_CLASSES: Final = datasets.MAX_CLASSES
MAX_BATCH_SIZE: Final = 1000
MIN_LEARNING_RATE, MAX_LEARNING_RATE = optimizers.LEARNING_RATE_RANGE
MAX_REG_RATE: Final = 10.0
MIN_RESOLUTION: Final = 10
MAX_RESOLUTION: Final = 200
MIN_NEURON_RESOLUTION: Final = 4
MAX_NEURON_RESOLUTION: Final = 64
MAX_FPS: Final = 60
MAX_EPOCHS_PER_SECOND: Final = 10_000.0
MAX_STEP_EPOCHS: Final = 10_000
MAX_SEED: Final = 2**31 - 1
MAX_INSPECT_SAMPLES: Final = 16
MAX_MESSAGE_BYTES: Final = 1_048_576
MAX_EPOCH: Final = 10**9
"""An imported epoch count above this is no real run (it is echoed in every frame header)."""
MAX_LAYER_SIZE: Final = 64
"""An exported layer's size: inputs, hidden units and outputs are all far below it."""
MAX_ID_LENGTH: Final = 200
MAX_ID_INT: Final = 2**53
"""Message ids: strings up to MAX_ID_LENGTH characters, or integers a JavaScript number holds."""
# A search trains up to this many networks (the course's grid has 60), of at most this many
# epochs each; a server process runs at most MAX_SEARCHES at once (they share its workers).
MAX_SEARCH_TRIALS: Final = 200
MAX_SEARCH_EPOCHS: Final = 2000
MAX_SEARCHES: Final = 2
MAX_SEARCH_VALUES: Final = 64
"""Values in one list of a search space (a grid holds at most MAX_SEARCH_TRIALS configs)."""
MAX_SEARCH_TEXT: Final = 64
"""Characters of one text value of a search space (a name, or features joined by commas)."""
MAX_SEARCH_NUMBER: Final = 1e9
"""A number of a search space (a range's ends, a value), in size; each field's own check is
narrower (learning rates 1e-6..10, seeds 0..2^31 - 1, ...)."""
MAX_SEARCH_SECONDS: Final = 120.0
"""A search's estimated work (engine.search.work: every trial at the space's costliest
config) in seconds of one reference core; its workers share the machine's cores."""
MAX_TRIAL_SECONDS: Final = 20.0
"""One trial's estimated work: a task holds a worker at most about this long."""


def as_dict() -> dict[str, int | float]:
    """The limits as sent in `hello.limits` and `GET /api/catalog` (each key a field of
    server.protocol.Limits, which types them for the page: a new limit goes in both)."""
    return {
        "max_hidden_layers": MAX_HIDDEN_LAYERS,
        "max_units": MAX_UNITS,
        "max_wide_units": MAX_WIDE_UNITS,
        "min_points": MIN_POINTS,
        "max_points": MAX_POINTS,
        "max_noise": MAX_NOISE,
        "min_classes": MIN_CLASSES,
        "max_classes": MAX_CLASSES,
        "max_batch_size": MAX_BATCH_SIZE,
        "min_learning_rate": MIN_LEARNING_RATE,
        "max_learning_rate": MAX_LEARNING_RATE,
        "max_regularization_rate": MAX_REG_RATE,
        "min_resolution": MIN_RESOLUTION,
        "max_resolution": MAX_RESOLUTION,
        "min_neuron_resolution": MIN_NEURON_RESOLUTION,
        "max_neuron_resolution": MAX_NEURON_RESOLUTION,
        "max_fps": MAX_FPS,
        "max_epochs_per_second": MAX_EPOCHS_PER_SECOND,
        "max_step_epochs": MAX_STEP_EPOCHS,
        "max_seed": MAX_SEED,
        "max_inspect_samples": MAX_INSPECT_SAMPLES,
        "max_message_bytes": MAX_MESSAGE_BYTES,
        "max_epoch": MAX_EPOCH,
        "max_id_length": MAX_ID_LENGTH,
        "max_search_trials": MAX_SEARCH_TRIALS,
        "max_search_epochs": MAX_SEARCH_EPOCHS,
        "max_searches": MAX_SEARCHES,
        "max_search_values": MAX_SEARCH_VALUES,
        "max_search_text": MAX_SEARCH_TEXT,
        "max_search_number": MAX_SEARCH_NUMBER,
        "max_search_seconds": MAX_SEARCH_SECONDS,
        "max_trial_seconds": MAX_TRIAL_SECONDS,
    }
