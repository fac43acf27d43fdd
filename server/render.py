"""Frame content: decision boundary, neuron grids, weights, metrics and diagnostics of a session.

The grids are evaluated for every frame (the engine does it without allocating). Diagnostics
that need passes over the data (histograms, gradients, dead neurons, the coach) are refreshed
at most every `diagnostics_interval` seconds while training runs, and on every frame otherwise.

A light frame (the scheduler asks for one when it falls behind, like adaptive video) has the
output grid and the neuron grids at half the resolution, a quarter of the cost and of the
bytes: the header's shapes say so and the browser scales them like any others. Its
diagnostics are refreshed `LIGHT_DIAGNOSTICS_SLOWER` times less often.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from engine import activations, coach, diagnostics, inspector
from engine.collapse import CollapseGrid, is_collapsible
from engine.datasets import Split
from engine.features import transform
from engine.grid import GridEvaluator
from engine.network import Network
from engine.scratch import Scratch
from engine.trainer import Trainer
from server.frames import FrameArray, encode, fields_json, finite_or_none, quantize

HIST_BINS = 20
DIAGNOSTICS_EVERY_FRAMES = 3
LIGHT_DIAGNOSTICS_SLOWER = 5
LIGHT_MIN_RESOLUTION = 16
"""Light frames never make the output grid coarser than this."""
LIGHT_MIN_NEURON_RESOLUTION = 8
"""Nor a neuron's grid coarser than this."""
F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]


@dataclass
class Quantizer:
    """Reused buffers for one grid shape (no allocation per frame)."""

    shape: tuple[int, ...]
    out: npt.NDArray[np.uint8] = field(init=False)
    scratch: F32 = field(init=False)

    def __post_init__(self) -> None:
        self.out = np.empty(self.shape, dtype=np.uint8)
        self.scratch = np.empty(self.shape, dtype=np.float32)

    def __call__(self, values: npt.NDArray[Any], lo: float, hi: float) -> npt.NDArray[np.uint8]:
        with np.errstate(invalid="ignore", over="ignore"):
            quantize(values, lo, hi, self.out, self.scratch)
        return self.out


def grid_range(activation: str, values: npt.NDArray[Any]) -> tuple[float, float]:
    """The value range a grid is quantized over: the activation's own, or a 1-2-5 bound."""
    if activations.get(activation).bounded:  # a fixed range: no pass over the values
        return diagnostics.activation_range(activation, cast(F64, values))
    # The bound depends on the extremes alone (max, min, largest magnitude): two passes over
    # the float32 grid, no copy. NaN and infinities show in them; only then are they dropped.
    extremes = np.array([values.min(), values.max()])
    if not np.isfinite(extremes).all():
        finite = values[np.isfinite(values)]
        extremes = np.array([finite.min(), finite.max()]) if finite.size else finite
    return diagnostics.activation_range(activation, cast(F64, extremes))


class Renderer:
    """Builds the frames of one network (rebuild it when the network or the view changes)."""

    def __init__(self, net: Network, trainer: Trainer, split: Split, features: list[str],
                 task: str, init: str, resolution: int, neuron_resolution: int,
                 diagnostics_interval: float, scratch: Scratch | None = None) -> None:
        self.net, self.trainer, self.split, self.task, self.init = net, trainer, split, task, init
        self.scratch = scratch or Scratch()
        self.grid = GridEvaluator(net, features, split.full.domain, resolution=resolution,
                                  neuron_resolution=neuron_resolution, scratch=self.scratch,
                                  scaling=trainer.scaling)
        self._light_grid: GridEvaluator | None = None
        self._collapse_grid: CollapseGrid | None = None
        self.quantizers: dict[tuple[str, tuple[int, ...]], Quantizer] = {}
        self.diagnostics_interval = diagnostics_interval
        self._train_X = transform(split.train.X, features,
                                  scaling=trainer.scaling).astype(np.float64)
        self._diag_version = -1
        self._diag_time = -math.inf
        self._frames_since_diag = DIAGNOSTICS_EVERY_FRAMES
        self._diag: dict[str, Any] = {"dead": {}, "dead_since": {}, "diagnostics": {"layers": {}},
                                      "coach": [], "collapse": False}
        self._diag_json = fields_json(self._diag)
        self._diag_unsent = True
        """The diagnostics changed since the last frame that carried them."""
        self._series = coach.Series()

    def _quantize(self, name: str, values: npt.NDArray[Any], lo: float, hi: float) -> FrameArray:
        key = (name, values.shape)
        q = self.quantizers.get(key)
        if q is None:
            q = self.quantizers[key] = Quantizer(values.shape)
        return FrameArray(name, q(values, lo, hi), (lo, hi))

    @property
    def train_X(self) -> npt.NDArray[np.float64]:
        """The network's inputs on the training points, (n[0], m)."""
        return self._train_X

    @property
    def diagnostics(self) -> dict[str, Any]:
        """The last diagnostics computed: dead, dead_since, diagnostics, coach, collapse."""
        return self._diag

    def light_grid(self) -> GridEvaluator:
        """The evaluator of light frames: every grid at half resolution (see the floors)."""
        if self._light_grid is None:
            grid = self.grid
            resolution = _halved(grid.resolution, LIGHT_MIN_RESOLUTION)
            neurons = _halved(grid.neuron_resolution, LIGHT_MIN_NEURON_RESOLUTION)
            if (resolution, neurons) == (grid.resolution, grid.neuron_resolution):
                self._light_grid = grid
            else:
                self._light_grid = GridEvaluator(
                    self.net, grid.features, grid.domain, resolution=resolution,
                    neuron_resolution=neurons, scratch=self.scratch, scaling=grid.scaling)
        return self._light_grid

    def refresh_diagnostics(self, version: int, playing: bool, learning_rate: float,
                            loss: str, light: bool = False) -> None:
        """Recompute the heavy diagnostics if the model changed and (when playing) it is time."""
        now = time.monotonic()
        if version == self._diag_version:
            return
        self._frames_since_diag += 1
        # While playing: at most every interval, and (when frames are slow because the
        # machine is busy) on every third frame only, so frames stay cheap; light frames
        # (the server is behind) stretch both.
        slower = LIGHT_DIAGNOSTICS_SLOWER if light else 1
        if playing and (now - self._diag_time < self.diagnostics_interval * slower
                        or self._frames_since_diag < DIAGNOSTICS_EVERY_FRAMES * slower):
            return
        self._diag_version, self._diag_time = version, now
        self._frames_since_diag = 0
        net, trainer = self.net, self.trainer
        with np.errstate(all="ignore"):
            if self._train_X.shape[1] and trainer.diverged is None:
                Y = self.split.train.Y
                trace = inspector.inspect(net, self._train_X, Y, loss)
                dW = {t.l: t.dW for t in trace.layers}
                # The inspector's forward pass gives every A[l]: no second one.
                acts = [self._train_X] + [t.A for t in trace.layers]
                report = diagnostics.summary(net, dW=dW, bins=HIST_BINS, A=acts)
            else:
                report = {}
        dead = {l: r.dead for l, r in report.items() if r.dead is not None}
        # The trainer checks deaths at the end of every epoch; a neuron dead now is shown with
        # the epoch it died at (none yet if it died part-way through the epoch in progress).
        deaths = trainer.deaths
        known = deaths.died_at  # one reading: a training thread replaces it at each epoch end
        died_at = {l: {j: known[l][j] for j in js if j in known.get(l, {})}
                   for l, js in dead.items()}
        layers: dict[str, Any] = {}
        for l, r in report.items():
            if l == net.L:
                continue
            grad = r.grad_hist
            layers[str(l)] = {
                "active_share": [finite_or_none(x, 4) for x in _list(r.active_share)],
                "saturation": finite_or_none(r.saturation, 4),
                "mean": finite_or_none(r.stats.mean, 4),
                "std": finite_or_none(r.stats.std, 4),
                "hist": [int(c) for c in r.stats.hist.counts],
                "edges": [finite_or_none(x) for x in r.stats.hist.range],
                "grad_norm": finite_or_none(r.grad_norm, 4),
                "grad_hist": [int(c) for c in grad.counts] if grad is not None else [],
                "grad_edges": [finite_or_none(x) for x in grad.range] if grad else [-1, 1],
                "symmetric": r.symmetric,
            }
        snapshot = coach.Snapshot(
            task=self.task, sizes=net.sizes, activations=net.activations, loss=loss,
            init=self.init, learning_rate=learning_rate, history=trainer.history,
            dead=dead, died_at=died_at, first_epoch=deaths.first_epoch or 0,
            symmetric=[l for l, r in report.items() if r.symmetric],
            diverged=trainer.diverged,
            grad_norms={l: r.grad_norm for l, r in report.items() if r.grad_norm is not None},
            recent=self._series.update(trainer.history),
        )
        self._diag = {
            "dead": {str(l): js for l, js in dead.items() if js},
            "dead_since": {
                str(l): {str(j): e for j, e in js.items()}
                for l, js in died_at.items() if js
            },
            "diagnostics": {"layers": layers},
            "coach": [{"code": a.code, "params": json_safe(a.params)}
                      for a in coach.advise(snapshot)],
            "collapse": net.L >= 2 and is_collapsible(net),
        }
        diag_json = fields_json(self._diag)
        if diag_json != self._diag_json:
            self._diag_json, self._diag_unsent = diag_json, True

    def frame(self, seq: int, state: str, metrics: dict[str, float | None],
              best_validation_epoch: int | None, light: bool = False,
              periodic: bool = False, history: list[dict[str, Any]] | None = None) -> bytes:
        """One frame's bytes (see docs/protocol.md); `light`: every grid at half resolution.
        A `periodic` frame carries the diagnostics only when they changed since the last frame
        that did (the browser keeps the previous ones); any other frame always carries them."""
        net = self.net
        # Diverging weights can be beyond float32: their casts saturate without a warning.
        with np.errstate(all="ignore"):
            grids = (self.light_grid() if light else self.grid).evaluate()
            output_activation = net.activations[-1]
            arrays = [self._quantize("output", grids.output,
                                     *grid_range(output_activation, grids.output))]
            if self._diag["collapse"]:
                arrays.append(self._collapse_output(output_activation))
            for l in range(1, net.L):
                values = grids.neurons[l]
                arrays.append(self._quantize(f"neurons/{l}", values,
                                             *grid_range(net.activations[l - 1], values)))
            for l in range(1, net.L + 1):
                arrays.append(FrameArray(f"W/{l}", net.W[l].astype(np.float32)))
                arrays.append(FrameArray(f"b/{l}", net.b[l].astype(np.float32)))
        header = {
            "seq": seq,
            "epoch": self.trainer.epoch,
            "state": state,
            "metrics": {k: finite_or_none(v) for k, v in metrics.items()},
            "best_validation_epoch": best_validation_epoch,
            "history": [{k: finite_or_none(v) if k != "epoch" else v for k, v in point.items()}
                        for point in history or ()],
        }
        with_diagnostics = self._diag_unsent or not periodic
        self._diag_unsent = False
        return encode(header, arrays, self._diag_json if with_diagnostics else "")

    def _collapse_output(self, activation: str) -> FrameArray:
        """The collapsed single layer's output at the output grid's points."""
        if self._collapse_grid is None:
            self._collapse_grid = CollapseGrid(self.grid.features, self.grid.domain,
                                               self.grid.resolution, self.grid.scaling)
        values = self._collapse_grid.evaluate(self.net)
        return self._quantize("collapse_output", values, *grid_range(activation, values))


def _halved(resolution: int, floor: int) -> int:
    """Half the resolution, but never below the floor (nor above the resolution itself)."""
    return min(resolution, max(floor, resolution // 2))


def _list(values: npt.NDArray[Any] | None) -> list[float]:
    return [] if values is None else [float(x) for x in values]


def json_safe(value: Any) -> Any:
    """Advice params with non-finite floats as null."""
    if isinstance(value, float):
        return finite_or_none(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value
