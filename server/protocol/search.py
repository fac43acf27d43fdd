"""The hyperparameter search's messages: start, stop, load, and its trials and progress."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    Discriminator,
    Field,
    Strict,
    Tag,
)

from server import limits
from server.names import FEATURES
from server.protocol.common import (
    Bool,
    ClientModel,
    Float,
    Int,
    MessageId,
    Seed,
    ServerModel,
)

SEARCH_METHODS = ("grid", "random", "local", "bayesian")
SEARCH_PRESETS = ("course-grid", "seeds", "same-start", "same-start-optimizers")


class TrialFields(ServerModel):
    """Everything a trial trained with, the data and the epochs aside: every field a search
    space may vary (engine.search.space.TrialConfig)."""

    learning_rate: float
    optimizer: str
    batch_size: int
    layers: int = Field(description="hidden layers")
    units: int = Field(description="neurons in each hidden layer")
    activation: str = Field(description="the hidden layers' activation")
    init: str
    regularization: str
    reg_rate: float
    features: list[str]
    seed: int = Field(description="the initial weights' seed")


SEARCH_FIELDS = tuple(TrialFields.model_fields)
"""The fields a search space may vary: a trial's, in its order (SearchField names them again
for the type checker; a test holds the two to the engine's TrialConfig)."""

SearchField = Literal["learning_rate", "optimizer", "batch_size", "layers", "units",
                      "activation", "init", "regularization", "reg_rate", "features", "seed"]
SearchNumber = Annotated[Float, Field(ge=-limits.MAX_SEARCH_NUMBER, le=limits.MAX_SEARCH_NUMBER)]
SearchInt = Annotated[Int, Field(ge=-limits.MAX_SEED, le=limits.MAX_SEED)]
SearchText = Annotated[str, Strict(), Field(max_length=limits.MAX_SEARCH_TEXT)]
FeatureSet = Annotated[list[SearchText], Field(min_length=1, max_length=len(FEATURES))]


class SearchRange(ClientModel):
    """low..high of a numeric field: random and bayesian search sample anywhere in it; grid
    and local search use `steps` evenly spaced values (log: evenly spaced exponents)."""

    low: SearchNumber
    high: SearchNumber
    log: Bool = False
    steps: Int = Field(default=5, ge=2, le=100)


def _value_kind(value: Any) -> str:
    """Which kind of search value this is (true and false are no numbers: an integer's
    check refuses them)."""
    if isinstance(value, float):
        return "<number>"
    if isinstance(value, int):
        return "<integer>"
    return "<features>" if isinstance(value, list) else "<text>"


SearchValue = Annotated[
    Annotated[SearchInt, Tag("<integer>")] | Annotated[SearchNumber, Tag("<number>")]
    | Annotated[SearchText, Tag("<text>")] | Annotated[FeatureSet, Tag("<features>")],
    Discriminator(_value_kind),
]
SearchValues = Annotated[list[SearchValue], Field(min_length=1,
                                                  max_length=limits.MAX_SEARCH_VALUES)]
SearchDimension = Annotated[
    Annotated[SearchValues, Tag("<values>")] | Annotated[SearchRange, Tag("<range>")],
    Discriminator(lambda value: "<range>" if isinstance(value, dict | SearchRange)
                  else "<values>"),
    Field(description=f"the values to try (at most {limits.MAX_SEARCH_VALUES}; features: "
          "lists of feature names), or a range"),
]
"""A union whose member each value picks by its JSON kind: an error names the field's own
path (`space.layers.low`), never the union's members (the tags, in <>, are left out)."""


class SearchStartMessage(ClientModel):
    """Start a hyperparameter search over the session's current config and data: each trial
    trains a copy in a worker process and is scored on the validation split. Its cost is
    estimated before it starts (engine.search.work) and must stay within
    max_search_seconds, each trial within max_trial_seconds."""

    type: Literal["search_start"]
    id: MessageId = None
    method: Literal["grid", "random", "local", "bayesian"] = "grid"
    preset: Literal["course-grid", "seeds", "same-start", "same-start-optimizers"] | None = \
        Field(default=None, description="a ready-made space (default course-grid without space)")
    space: dict[SearchField, SearchDimension] | None = Field(
        default=None, description=f"field -> values or range; fields: {', '.join(SEARCH_FIELDS)}")
    trials: Int = Field(default=60, ge=1, le=limits.MAX_SEARCH_TRIALS)
    epochs: Int = Field(default=100, ge=1, le=limits.MAX_SEARCH_EPOCHS)
    objective: Literal["loss", "accuracy"] = Field(
        default="loss", description="validation loss (minimized) or accuracy (maximized)")
    seed: Seed = Field(default=0, description="the sampler's seed")


class SearchStopMessage(ClientModel):
    type: Literal["search_stop"]
    id: MessageId = None


class SearchLoadMessage(ClientModel):
    """Load a finished trial of the session's last search: its config and final weights."""

    type: Literal["search_load"]
    id: MessageId = None
    trial: Int = Field(ge=0, le=limits.MAX_ID_INT)


class SearchTrialMessage(ServerModel):
    """One finished trial (in the order they finish, which may differ from `trial`)."""

    type: Literal["search_trial"] = "search_trial"
    search: int = Field(description="the session's search number (1, 2, ...)")
    trial: int
    config: TrialFields
    seed: int
    epochs: int = Field(description="epochs trained (fewer when it diverged)")
    val_loss: float | None
    val_accuracy: float | None
    train_loss: float | None
    train_accuracy: float | None
    score: float | None = Field(description="the objective's value (None: diverged)")
    diverged: str | None
    params: int
    seconds: float
    curve: list[tuple[int, float | None]] = Field(description="[epoch, validation loss]")
    thumbnail: str = Field(description="base64 of 32x32 bytes, row 0 on top: 255·ŷ (binary), "
                           "255·(ŷ+1)/2 (regression) or the class index (multiclass)")


class SearchBest(ServerModel):
    trial: int
    score: float


class SearchProgressMessage(ServerModel):
    type: Literal["search_progress"] = "search_progress"
    id: MessageId = None
    search: int
    state: Literal["running", "done", "stopped", "failed"]
    method: str
    objective: Literal["loss", "accuracy"]
    done: int
    total: int
    elapsed: float
    remaining: float | None = Field(description="estimated seconds left")
    best: SearchBest | None
    test_loss: float | None = Field(default=None, description="the best trial's, at the end")
    test_accuracy: float | None = None
    message: str | None = None
