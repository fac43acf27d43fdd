"""The binary frame's JSON header: metrics, diagnostics and the arrays that follow it."""

from __future__ import annotations

from typing import Any, Literal

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


class Advice(ServerModel):
    code: str
    params: dict[str, Any]


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
