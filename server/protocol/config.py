"""A session's configuration and the export payload (`export`, `import`, share links)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
)

from server import limits
from server.protocol.common import (
    ActivationName,
    Bool,
    ClientModel,
    DatasetName,
    FeatureName,
    Float,
    HiddenActivationName,
    InitName,
    Int,
    LossName,
    OptimizerName,
    OutputActivationName,
    OutputLossName,
    Seed,
    Task,
    _unique,
)


def _narrow(layers: list[Any]) -> list[Any]:
    """Only a single hidden layer may be wider than MAX_UNITS (see limits.MAX_WIDE_UNITS)."""
    if len(layers) > 1:
        for i, layer in enumerate(layers):
            if layer.units > limits.MAX_UNITS:
                raise ValueError(
                    f"layer {i} has {layer.units} neurons: with {len(layers)} hidden layers each "
                    f"has at most {limits.MAX_UNITS} (one hidden layer alone may have up to "
                    f"{limits.MAX_WIDE_UNITS})")
    return layers


class DatasetConfig(ClientModel):
    name: DatasetName = "circle"
    points: Int = Field(default=500, ge=limits.MIN_POINTS, le=limits.MAX_POINTS)
    noise: Float = Field(
        default=0.0, ge=0, le=limits.MAX_NOISE,
        description="0 to 1 (TF Playground's slider stops at 0.5)",
    )
    classes: Int = Field(default=2, ge=limits.MIN_CLASSES, le=limits.MAX_CLASSES)
    train_fraction: Float = Field(default=0.5, gt=0, lt=1)
    validation_fraction: Float = Field(default=0.2, ge=0, lt=1)
    seed: Seed = 1


class HiddenLayer(ClientModel):
    units: Int = Field(default=4, ge=1, le=limits.MAX_WIDE_UNITS, description="at most "
                       f"{limits.MAX_UNITS}, or {limits.MAX_WIDE_UNITS} in a network of one "
                       "hidden layer")
    activation: HiddenActivationName = "tanh"
    batch_norm: Bool = Field(
        default=False, description="batch normalization before the activation: "
        "γ (Z - μ) / √(σ² + ε) + β, with the batch's μ and σ² while training, their running "
        "averages for the grids and the metrics")


class OutputConfig(ClientModel):
    activation: OutputActivationName = "auto"
    loss: OutputLossName = "auto"
    resolved_activation: ActivationName | None = Field(
        default=None, description="set by the server: what `auto` picked (ignored when sent)"
    )
    resolved_loss: LossName | None = Field(
        default=None, description="set by the server: what `auto` picked (ignored when sent)"
    )


class OptimizerConfig(ClientModel):
    name: OptimizerName = "sgd"
    learning_rate: Float = Field(
        default=0.03, ge=limits.MIN_LEARNING_RATE, le=limits.MAX_LEARNING_RATE
    )
    batch_size: Int = Field(default=10, ge=1, le=limits.MAX_BATCH_SIZE)
    momentum: Float = Field(default=0.9, ge=0, lt=1)
    beta1: Float = Field(default=0.9, ge=0, lt=1)
    beta2: Float = Field(default=0.999, ge=0, lt=1)


class RegularizationConfig(ClientModel):
    kind: Literal["none", "l1", "l2"] = "none"
    rate: Float = Field(default=0.0, ge=0, le=limits.MAX_REG_RATE)


DEFAULT_EPOCHS_PER_SECOND = 30.0
"""The default network gets 95 % of the test points right in 24 to 80 epochs (8 seeds), under
3 s at this pace (tests/server/promises.py: FIRST_SIGHT holds it to 150 epochs, 5 s)."""


class ViewConfig(ClientModel):
    resolution: Int = Field(default=100, ge=limits.MIN_RESOLUTION, le=limits.MAX_RESOLUTION)
    neuron_resolution: Int = Field(
        default=16, ge=limits.MIN_NEURON_RESOLUTION, le=limits.MAX_NEURON_RESOLUTION
    )
    fps: Int = Field(default=30, ge=1, le=limits.MAX_FPS)
    epochs_per_second: Float = Field(
        default=DEFAULT_EPOCHS_PER_SECOND, ge=0, le=limits.MAX_EPOCHS_PER_SECOND,
        description="0 = as fast as possible; the default lets a class watch the default "
                    "network learn the default data in a few seconds",
    )


class StoppingConfig(ClientModel):
    patience: Int = Field(
        default=0, ge=0, le=limits.MAX_STEP_EPOCHS,
        description="stop training when the validation loss has not improved for this many "
        "epochs (0: never stop early)",
    )


def _default_hidden() -> list[HiddenLayer]:
    return [HiddenLayer(units=4), HiddenLayer(units=4)]


class Config(ClientModel):
    """A session's whole configuration. Every field has a default: any subset is a valid update."""

    dataset: DatasetConfig = Field(default_factory=lambda: DatasetConfig())
    features: Annotated[
        list[FeatureName], Field(min_length=1), AfterValidator(_unique)
    ] = Field(default_factory=lambda: ["x1", "x2"])
    hidden: Annotated[list[HiddenLayer], AfterValidator(_narrow)] = Field(
        default_factory=_default_hidden, max_length=limits.MAX_HIDDEN_LAYERS
    )
    output: OutputConfig = Field(default_factory=lambda: OutputConfig())
    init: InitName = "xavier"
    optimizer: OptimizerConfig = Field(default_factory=lambda: OptimizerConfig())
    regularization: RegularizationConfig = Field(default_factory=lambda: RegularizationConfig())
    stopping: StoppingConfig = Field(default_factory=lambda: StoppingConfig())
    standardize: Bool = Field(
        default=False, description="standardize the network's inputs: each feature minus its "
        "mean, divided by its standard deviation, both measured on the training split")
    seed: Seed = 1
    view: ViewConfig = Field(default_factory=lambda: ViewConfig())


# ------------------------------------------------------------------------------- export payload


class ExportedNorm(ClientModel):
    """A normalized layer's learned γ, β and running mean and variance, each a flat list."""

    gamma: list[Float]
    beta: list[Float]
    running_mean: list[Float]
    running_var: list[Float]


class ExportedModel(ClientModel):
    """The network's parameters: `W[l-1]` is W[l] as rows, `b[l-1]` is b[l] as a flat list."""

    sizes: list[Annotated[Int, Field(ge=1, le=limits.MAX_LAYER_SIZE)]] = Field(
        min_length=2, max_length=limits.MAX_HIDDEN_LAYERS + 2)
    activations: list[ActivationName]
    W: list[list[list[Float]]]
    b: list[list[Float]]
    batch_norm: list[ExportedNorm | None] | None = Field(
        default=None, description="per layer, its batch normalization or null (left out: none)")


class ExportedData(ClientModel):
    """The session's points in generation order; the split is recomputed from the config."""

    task: Task
    classes: Int = Field(ge=1, le=limits.MAX_CLASSES)
    points: list[tuple[Float, Float, Float]] = Field(
        min_length=1, max_length=limits.MAX_POINTS, description="[x1, x2, label]"
    )


class ExportPayload(ClientModel):
    format: Literal["nn-playground"] = "nn-playground"
    version: Literal[1] = 1
    epoch: Int = Field(default=0, ge=0, le=limits.MAX_EPOCH)
    config: Config
    model: ExportedModel
    data: ExportedData | None = Field(
        default=None,
        description="left out (a shorter link), a generated dataset is regenerated from config",
    )
