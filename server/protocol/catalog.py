"""The catalog (`GET /api/catalog`, `hello.catalog`): every name the page offers, the engine's
facts the page quotes, the limits every config is checked against and the Experiments menu.

The page keeps no copy of any of it: its types are generated from this schema (`make types`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from server.protocol.common import ServerModel
from server.protocol.config import Config

Patch = dict[str, Any]
"""A partial config, merged over the current one as `configure` merges it."""


class Limits(ServerModel):
    """The limits every config and message is checked against (server/limits.py)."""

    max_hidden_layers: int
    max_units: int
    max_wide_units: int = Field(
        description="units of the hidden layer of a network that has only one")
    min_points: int
    max_points: int = Field(description="points of a dataset, generated, added or imported")
    max_noise: float
    min_classes: int
    max_classes: int
    max_batch_size: int
    min_learning_rate: float
    max_learning_rate: float
    max_regularization_rate: float
    min_resolution: int
    max_resolution: int
    min_neuron_resolution: int
    max_neuron_resolution: int
    max_fps: int
    max_epochs_per_second: float
    max_step_epochs: int
    max_seed: int
    max_inspect_samples: int
    max_message_bytes: int
    max_epoch: int
    max_id_length: int
    max_search_trials: int
    max_search_epochs: int
    max_searches: int
    max_search_values: int
    max_search_text: int
    max_search_number: float
    max_search_seconds: float
    max_trial_seconds: float


class DatasetEntry(ServerModel):
    name: str
    task: Literal["binary", "classes", "regression", "custom"] = Field(
        description="classes: binary with 2 classes, multiclass with 3 to max_classes")
    has_classes: bool
    preview: list[tuple[int, int, int]] = Field(
        description="thumbnail points [x1, x2, label], x1 and x2 in -100..100")
    class_previews: dict[str, list[tuple[int, int, int]]] | None = Field(
        default=None, description="classes datasets: the thumbnail for each number of classes")


class ActivationFacts(ServerModel):
    """One activation as the engine describes it (engine/activations.py `facts()`)."""

    name: str
    symbol: str
    short: str
    formula: str = Field(description="`{word}`: a word of the page's language; `{c}`: constants")
    derivative: str
    constants: dict[str, float]
    range: tuple[float | None, float | None] = Field(description="null: unbounded")
    odd: bool
    active: Literal["positive", "unsaturated", "always"]
    saturation_band: tuple[float, float] | None
    saturation_slope: float | None
    can_die: bool
    output_only: bool


class OutputDefault(ServerModel):
    activation: str
    loss: str


class OptimizerEntry(ServerModel):
    name: str
    params: list[str] = Field(description="the optimizer config fields it reads")


class FeatureEntry(ServerModel):
    name: str
    label: str


Bounds = dict[str, tuple[float | None, float | None]]


class PromiseEntry(ServerModel):
    """What a rehearsed run shows at its end, on every seed (server/lessons/experiments.py)."""

    coach: list[str] = Field(description="codes the coach names")
    allowed: list[str] = Field(description="codes it may name besides")
    bounds: Bounds = Field(description="measure -> [low, high], null for no bound")


class RevivePromise(PromiseEntry):
    active: float = Field(description="a revived neuron counts as active on this share of the "
                          "points or more")


class VariantEntry(ServerModel):
    label: str
    config: Patch
    promise: PromiseEntry


class ExperimentEntry(ServerModel):
    name: str
    group: Literal["lesson", "pitfall"]
    tab: str = Field(description="the instrument tab to watch")
    epochs: int = Field(description="epochs its Train button runs")
    inspect: int = Field(description="training points the matrix inspector opens on")
    seeds: int = Field(description="initial weights its seeds button trains side by side (0: "
                       "none)")
    facts: dict[str, float] = Field(description="numbers its text quotes (`{name}`)")
    config: Patch
    promise: PromiseEntry
    revive: RevivePromise | None = Field(description="what its Revive shows (null: none)")
    seeds_ratio: float | None = Field(description="with seeds: final costs spread at least "
                                      "this much, max over min")
    variants: list[VariantEntry]


class SearchRangeField(ServerModel):
    """A numeric field of a search space: values from `min` to `max`."""

    kind: Literal["range"] = "range"
    min: float
    max: float
    integer: bool
    log: bool = Field(description="a log scale applies (its values are all positive)")


class SearchListField(ServerModel):
    """A field of a search space whose values are names: the catalog's list `names`."""

    kind: Literal["list"] = "list"
    names: Literal["optimizers", "hidden_activations", "initializers", "regularization",
                   "features"] = Field(description="the catalog's key of its names")


class SearchFacts(ServerModel):
    """What a search space may hold (engine/search/space.py), for the Search panel."""

    methods: list[str]
    presets: list[str]
    objectives: list[str]
    fields: dict[str, SearchRangeField | SearchListField] = Field(
        description="each field a search space may vary, in the page's order")
    min_steps: int = Field(description="a range's grid steps, at least")
    max_steps: int
    course_grid: dict[str, list[int | float | str]] = Field(
        description="the course's worked example (preset course-grid): its values per field")


class Catalog(ServerModel):
    datasets: list[DatasetEntry]
    activations: list[str]
    hidden_activations: list[str]
    activation_facts: dict[str, ActivationFacts]
    output_defaults: dict[str, OutputDefault] = Field(description="what `auto` picks, by task")
    losses: list[str]
    initializers: list[str]
    optimizers: list[OptimizerEntry]
    features: list[FeatureEntry]
    regularization: list[str]
    limits: Limits
    defaults: Config = Field(description="the landing page's config")
    search: SearchFacts
    experiments: list[ExperimentEntry]
