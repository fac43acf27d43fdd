"""The binary frame's JSON header: metrics, diagnostics and the arrays that follow it."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from server.protocol.common import (
    ServerModel,
    State,
)


class FrameArray(ServerModel):
    name: str = Field(description="output, collapse_output, neurons/<l>, W/<l> or b/<l>")
    dtype: Literal["uint8", "float32"]
    shape: list[int]
    offset: int = Field(description="bytes from the first byte after the header")
    range: tuple[float, float] | None = Field(
        default=None, description="uint8 only: q decodes as lo + q / 255 * (hi - lo)"
    )


_NOT_FINITE = "null where the value is not finite (a diverging network)"


class LayerDiagnostics(ServerModel):
    active_share: list[float | None] = Field(description=_NOT_FINITE)
    saturation: float | None = Field(description="null for activations that do not saturate; "
                                     + _NOT_FINITE)
    mean: float | None = Field(description=_NOT_FINITE)
    std: float | None = Field(description=_NOT_FINITE)
    hist: list[int]
    edges: tuple[float | None, float | None] = Field(description=_NOT_FINITE)
    grad_norm: float | None = Field(description=_NOT_FINITE)
    grad_hist: list[int]
    grad_edges: tuple[float | None, float | None] = Field(description=_NOT_FINITE)
    symmetric: bool


class Diagnostics(ServerModel):
    layers: dict[str, LayerDiagnostics]


class Metrics(ServerModel):
    train_loss: float | None
    validation_loss: float | None
    test_loss: float | None
    train_accuracy: float | None
    validation_accuracy: float | None
    test_accuracy: float | None


class HistoryPoint(Metrics):
    epoch: int


class SymmetryParams(ServerModel):
    layers: list[int] = Field(description="the hidden layers whose neurons are all identical")
    init: str


class LrTooHighParams(ServerModel):
    learning_rate: float | None
    reason: Literal["diverged", "diverging", "oscillating", "dying_relu"]
    count: int | None = Field(default=None,
                              description="dying_relu: the ReLUs that died within a few epochs")


class NoNonlinearityParams(ServerModel):
    reason: Literal["linear_hidden", "no_hidden"]
    layers: int | None = Field(default=None, description="linear_hidden: the hidden layers")
    accuracy: float | None = Field(default=None,
                                   description="no_hidden: the training accuracy it stalls at")


class OutputMismatchParams(ServerModel):
    task: str
    output: str
    expected: str


class LossMismatchParams(ServerModel):
    task: str
    loss: str
    expected: str


class VanishingGradientParams(ServerModel):
    ratio: float | None = Field(description="the first hidden layer's gradient norm over the "
                                "last's")
    layers: int
    accuracy: float | None
    epoch: int


class UnderfittingParams(ServerModel):
    accuracy: float | None
    epoch: int


class OverfittingParams(ServerModel):
    best_epoch: int
    split: Literal["validation", "test"]
    best_loss: float | None
    loss: float | None


class DeadReluParams(ServerModel):
    layer: int
    count: int
    total: int
    neurons: list[int] = Field(description="the dead neurons' indices, from 0")


class SymmetryAdvice(ServerModel):
    code: Literal["symmetry"]
    params: SymmetryParams


class LrTooHighAdvice(ServerModel):
    code: Literal["lr_too_high"]
    params: LrTooHighParams


class NoNonlinearityAdvice(ServerModel):
    code: Literal["no_nonlinearity"]
    params: NoNonlinearityParams


class OutputMismatchAdvice(ServerModel):
    code: Literal["output_mismatch"]
    params: OutputMismatchParams


class LossMismatchAdvice(ServerModel):
    code: Literal["loss_mismatch"]
    params: LossMismatchParams


class VanishingGradientAdvice(ServerModel):
    code: Literal["vanishing_gradient"]
    params: VanishingGradientParams


class UnderfittingAdvice(ServerModel):
    code: Literal["underfitting"]
    params: UnderfittingParams


class OverfittingAdvice(ServerModel):
    code: Literal["overfitting"]
    params: OverfittingParams


class DeadReluAdvice(ServerModel):
    code: Literal["dead_relu"]
    params: DeadReluParams


Advice = Annotated[
    SymmetryAdvice | LrTooHighAdvice | NoNonlinearityAdvice | OutputMismatchAdvice
    | LossMismatchAdvice | VanishingGradientAdvice | UnderfittingAdvice | OverfittingAdvice
    | DeadReluAdvice,
    Field(discriminator="code"),
]
"""One pitfall the coach found (engine/coach.py), its params by code."""


_KEPT = ("Absent from a periodic frame when unchanged since the last frame that carried it: "
         "the previous value holds. Every other frame carries it.")


class FrameHeader(ServerModel):
    seq: int
    epoch: int
    state: State
    metrics: Metrics
    best_validation_epoch: int | None
    history: list[HistoryPoint] = Field(
        default_factory=list,
        description="the metrics recorded after the previous frame's epoch and before this "
        "frame's (a fast run or a step records one point per epoch or per training slice); "
        "at most MAX_FRAME_HISTORY, evenly spaced when more were recorded",
    )
    dead: dict[str, list[int]] | None = Field(default=None, description=_KEPT)
    dead_since: dict[str, dict[str, int]] | None = Field(default=None, description=_KEPT)
    diagnostics: Diagnostics | None = Field(default=None, description=_KEPT)
    coach: list[Advice] | None = Field(default=None, description=_KEPT)
    collapse: bool | None = Field(default=None, description=_KEPT)
    spotlight: str | None = Field(default=None, description="set on a teacher socket: the "
                                  "spotlit student whose frame this is")
    arrays: list[FrameArray]
