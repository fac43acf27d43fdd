"""The messages of one training session: the client's commands and the server's replies."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from server import limits
from server.protocol.catalog import Catalog, Limits
from server.protocol.common import (
    Bool,
    ClientModel,
    ErrorCode,
    Float,
    Int,
    MessageId,
    ServerModel,
    State,
    Task,
)
from server.protocol.config import (
    Config,
    ExportPayload,
)


class ConfigureMessage(ClientModel):
    type: Literal["configure"]
    id: MessageId = None
    config: Config = Field(description="full or partial: only the fields sent are merged")


class PlayMessage(ClientModel):
    type: Literal["play"]
    id: MessageId = None


class PauseMessage(ClientModel):
    type: Literal["pause"]
    id: MessageId = None


class StepMessage(ClientModel):
    type: Literal["step"]
    id: MessageId = None
    epochs: Int = Field(default=1, ge=1, le=limits.MAX_STEP_EPOCHS)


class ResetMessage(ClientModel):
    type: Literal["reset"]
    id: MessageId = None


class SetWeightMessage(ClientModel):
    """Sets W[layer][row, col], or b[layer][row] when `bias` is true."""

    type: Literal["set_weight"]
    id: MessageId = None
    layer: Int = Field(ge=1)
    row: Int = Field(ge=0)
    col: Int | None = Field(default=None, ge=0)
    bias: Bool = False
    value: Float = Field(ge=-1000, le=1000)


class AddPointsMessage(ClientModel):
    """Custom data: `points` ([[x1, x2, label], ...]) or `csv` text with lines `x1,x2,label`."""

    type: Literal["add_points"]
    id: MessageId = None
    points: list[tuple[Float, Float, Float]] | None = Field(
        default=None, max_length=limits.MAX_POINTS
    )
    csv: str | None = None
    task: Task | None = Field(default=None, description="default: the current task")
    classes: Int | None = Field(default=None, ge=limits.MIN_CLASSES, le=limits.MAX_CLASSES)
    replace: Bool = Field(default=False, description="true: replace the data; false: add to it")


class ExportMessage(ClientModel):
    type: Literal["export"]
    id: MessageId = None
    code: Literal["numpy", "keras"] | None = Field(
        default=None, description="also write the session as a Python script: numpy (the "
        "course's notation, the playground's predictions to rounding) or keras (Keras 3)")


class ImportMessage(ClientModel):
    type: Literal["import"]
    id: MessageId = None
    data: ExportPayload


class ReviveMessage(ClientModel):
    """Bring dead ReLU neurons back, keeping every other weight and the epoch."""

    type: Literal["revive"]
    id: MessageId = None
    rule: Literal["redraw", "leaky"] = Field(
        default="redraw", description="redraw: new incoming weights for each dead neuron "
        "(He), its outgoing weights 0, the learning rate divided by 10; leaky: every ReLU "
        "hidden layer to Leaky ReLU, every weight kept")


class InspectMessage(ClientModel):
    type: Literal["inspect"]
    id: MessageId = None
    sample_limit: Int = Field(default=4, ge=1, le=limits.MAX_INSPECT_SAMPLES)


class TimeForwardMessage(ClientModel):
    """Time the course's two forward passes on the current network and training points."""

    type: Literal["time_forward"]
    id: MessageId = None


ExerciseKind = Literal["shapes", "params", "forward", "output"]
"""The page's exercises (web/exercises.js): shapes of W, b, Z, A; parameter counts; a forward
pass by hand; the output activation or loss for the task."""


class ExerciseAnswerMessage(ClientModel):
    """The student checked an answer to the exercise a room pushed (`exercise`: its id): the
    verdict shows, counted, on the teacher's page (no reply)."""

    type: Literal["exercise_answer"]
    id: MessageId = None
    exercise: str = Field(min_length=1, max_length=32)
    verdict: Literal["right", "wrong"]


class AckMessage(ClientModel):
    """The client has drawn frame `frame` (and so every frame before it): the server sends
    a new periodic frame only while fewer than 2 frames wait for this (no reply)."""

    type: Literal["ack"]
    id: MessageId = None
    frame: Int = Field(ge=0, description="the `seq` of the latest frame the client drew")


class VisibilityMessage(ClientModel):
    """The page is shown (`visible`) or hidden (a background tab, a minimized window): while
    hidden, training goes on and frames come once a second, enough to keep the loss history
    whole, at a thirtieth of the cost (no reply)."""

    type: Literal["visibility"]
    id: MessageId = None
    visible: Bool = Field(description="false while no one can see the page")


class HelloMessage(ServerModel):
    type: Literal["hello"] = "hello"
    protocol: Literal[2] = 2
    version: str = Field(description="the server's package version, as `playground --version`")
    session: str
    limits: Limits = Field(description="the same as catalog.limits")
    catalog: Catalog = Field(description="the same as GET /api/catalog")
    config: Config


class ConfigMessage(ServerModel):
    type: Literal["config"] = "config"
    id: MessageId = None
    config: Config


class PointSet(ServerModel):
    x1: list[float]
    x2: list[float]
    label: list[float]


class DataMessage(ServerModel):
    type: Literal["data"] = "data"
    id: MessageId = None
    task: Task
    classes: int
    domain: tuple[float, float, float, float] = Field(description="x1min, x1max, x2min, x2max")
    train: PointSet
    validation: PointSet
    test: PointSet


class StatusMessage(ServerModel):
    type: Literal["status"] = "status"
    id: MessageId = None
    state: State
    epoch: int
    message: str | None = None
    stopped_epoch: int | None = Field(
        default=None, description="set when training stopped early (config.stopping): the "
        "epoch it stopped at; the best validation epoch is `patience` epochs or more before",
    )


class ErrorMessage(ServerModel):
    type: Literal["error"] = "error"
    id: MessageId = None
    code: ErrorCode
    message: str
    field: str | None = Field(description="dotted path of the offending field, e.g. config.seed")


class ExportReply(ServerModel):
    type: Literal["export"] = "export"
    id: MessageId = None
    data: ExportPayload
    code: str | None = Field(default=None, description="the script asked for by `code`")


class Matrix(ServerModel):
    shape: list[int]
    values: list[list[float]]


class InspectedNorm(ServerModel):
    """A normalized layer's step: Z̃ = γ Ẑ + β, Ẑ = (Z - μ)/σ, σ = √(σ² + ε), with the inspected
    points' μ, σ²; dγ, dβ its gradients (A = g(Z̃), and the dZ shown is after the chain rule
    through Ẑ)."""

    gamma: Matrix
    beta: Matrix
    mu: Matrix
    sigma: Matrix
    Z_tilde: Matrix
    dgamma: Matrix
    dbeta: Matrix


class InspectedLayer(ServerModel):
    l: int
    activation: str
    W: Matrix
    b: Matrix
    Z: Matrix
    A: Matrix
    dZ: Matrix
    dW: Matrix
    db: Matrix
    batch_norm: InspectedNorm | None = Field(
        default=None, description="the layer's batch normalization (null: none)")


class InspectionMessage(ServerModel):
    type: Literal["inspection"] = "inspection"
    id: MessageId = None
    loss: str
    cost: float
    X: Matrix
    Y: Matrix
    Y_hat: Matrix
    layers: list[InspectedLayer]


class ForwardTimingMessage(ServerModel):
    """The reply to `time_forward`: the course's forwardPassIterative (a loop over the
    training examples, one matrix-vector product per layer each) against the vectorized pass
    (one matrix product per layer for all of them), each the best of a few runs."""

    type: Literal["forward_timing"] = "forward_timing"
    id: MessageId = None
    examples: int = Field(description="training points both passes computed Ŷ for (the first "
                          "250 at most)")
    loop_ms: float
    vectorized_ms: float
    max_difference: float = Field(description="max |Ŷ_loop - Ŷ_vectorized|")
