"""Evaluate the network over a grid of the input plane, for the decision boundary and thumbnails.

One vectorized float32 forward pass covers both grids: the R×R output grid points and the r×r
neuron grid points, cut into a few blocks of whole grid rows. Each block is small enough that
OpenBLAS multiplies it on one thread (its threads cost far more than they save for these thin
products on a busy 2-core machine) and that its buffers stay in cache. Only each block's
featurized inputs are kept; the layers' buffers are one scratch shared by every block (a
block's grids are copied out before the next block runs), so an evaluator holds about 3 floats
per grid point plus one block's layers. Evaluators that never run at the same time (the views
of one network at two resolutions; every session of a server process, whose frames are built
on one thread) can share one `Scratch`: a server with a class of sessions then touches one hot
buffer instead of one per session. Every view is prepared once (again only if the shared
scratch had to grow).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from engine import activations
from engine import features as feats
from engine.activations import Activation
from engine.fast_network import fold
from engine.network import Network
from engine.parameters import Parameters
from engine.registry import Array
from engine.scratch import Scratch

F32 = npt.NDArray[np.float32]
Domain = tuple[float, float, float, float]
MAX_RESOLUTION = 512
BLAS_ONE_THREAD = 1 << 18
"""OpenBLAS keeps a product (n × k)(k × m) on one thread while n·k·m is below this."""
MAX_BLOCK_COLUMNS = 4096


@dataclass
class GridFrame:
    """Display grids, overwritten by the next evaluate() of the same evaluator."""

    output: F32
    """(C, R, R), C = n[L]; row 0 is x2 = max (top), column 0 is x1 = min (left)."""
    neurons: dict[int, F32]
    """{l: (n[l], r, r)} for every hidden layer l in 1..L-1, same orientation."""


def grid_points(domain: Domain, resolution: int) -> npt.NDArray[np.float64]:
    """(2, R²) pixel centres, row by row from the top (x2 = max) and left (x1 = min)."""
    x1_min, x1_max, x2_min, x2_max = domain
    step1, step2 = (x1_max - x1_min) / resolution, (x2_max - x2_min) / resolution
    x1 = x1_min + (np.arange(resolution) + 0.5) * step1
    x2 = x2_max - (np.arange(resolution) + 0.5) * step2
    X1, X2 = np.meshgrid(x1, x2)
    return np.stack([X1.ravel(), X2.ravel()])


@dataclass
class _Slab:
    """Whole grid rows top..bottom of a resolution×resolution grid: their network inputs
    [features; 1] and the frame arrays {l: target} their A[l] fill."""

    inputs: F32
    top: int
    bottom: int
    resolution: int
    targets: dict[int, F32]


@dataclass
class _Block:
    """A slab bound to a scratch: A1[l] = [A[l]; 1] (A1[0] the slab's inputs, the rest views of
    the scratch), Z[l] (scratch views), where each g[l] writes A[l] (A[l] in A1[l], or the
    frame's own array for the output layer when its rows are contiguous there: nothing reads
    A[L] afterwards) and the (frame view, A[l] view) pairs left to copy."""

    A1: list[F32]
    Z: list[F32]
    A: list[F32]
    copies: list[tuple[F32, F32]]

    @classmethod
    def bind(cls, slab: _Slab, sizes: list[int], scratch: F32) -> _Block:
        m = slab.inputs.shape[1]
        A1, start = [slab.inputs], 0
        for k in sizes[1:]:
            A1.append(scratch[start:start + (k + 1) * m].reshape(k + 1, m))
            start += (k + 1) * m
        Z = [slab.inputs[:-1]] + [scratch[start:start + k * m].reshape(k, m) for k in sizes[1:]]
        A = [a1[:-1] for a1 in A1]
        rows, L = slab.bottom - slab.top, len(sizes) - 1
        copies = []
        for l, target in slab.targets.items():
            view = target[:, slab.top:slab.bottom]
            if l == L and view.flags.c_contiguous:
                A[L] = view.reshape(sizes[L], m)
            else:
                copies.append((view, A[l].reshape(sizes[l], rows, slab.resolution)))
        return cls(A1, Z, A, copies)

    def forward(self, Wb: list[Array], g: list[Activation]) -> None:
        """Z[l] = [W b][l] A1[l-1], A[l] = g[l](Z[l]), as the network's forward pass."""
        for a1 in self.A1[1:]:
            a1[-1] = 1.0  # the previous block (maybe another evaluator's) wrote over it
        for l in range(1, len(Wb)):
            np.dot(Wb[l], self.A1[l - 1], out=self.Z[l])
            g[l].forward(self.Z[l], out=self.A[l])


class GridEvaluator:
    """Output grid (C×R×R) and every hidden neuron's grid (n[l]×r×r) in one vectorized pass."""

    def __init__(self, net: Network, features: Sequence[str], domain: Domain,
                 resolution: int = 100, neuron_resolution: int = 32,
                 scratch: Scratch | None = None, scaling: feats.Scaling | None = None) -> None:
        """`scratch`: working memory shared with other evaluators that are never evaluated
        at the same time as this one (default: its own); `scaling`: the trainer's input
        standardization, if any."""
        names = feats.check(features, net.sizes[0])
        _check_domain(domain)
        for field, value in (("resolution", resolution), ("neuron_resolution", neuron_resolution)):
            if isinstance(value, bool) or not isinstance(value, int) \
                    or not 1 <= value <= MAX_RESOLUTION:
                raise ValueError(f"{field}: expected an integer from 1 to {MAX_RESOLUTION}")
        self.net, self.features, self.scaling = net, names, scaling
        x1_min, x1_max, x2_min, x2_max = (float(v) for v in domain)
        self.domain: Domain = (x1_min, x1_max, x2_min, x2_max)
        self.resolution, self.neuron_resolution = resolution, neuron_resolution
        self._g: list[Activation] = [activations.for_float32(g) for g in net.g]
        self._params = Parameters(net.sizes, np.float32)
        L, n = net.L, net.sizes
        self.frame = GridFrame(
            np.empty((n[L], resolution, resolution), np.float32),
            {l: np.empty((n[l], neuron_resolution, neuron_resolution), np.float32)
             for l in range(1, L)})
        widest = max(n[l] * (n[l - 1] + 1) for l in range(1, L + 1))
        columns = min(MAX_BLOCK_COLUMNS, BLAS_ONE_THREAD // widest - 1)
        self._rows = {res: max(1, min(res, columns // res))
                      for res in (resolution, neuron_resolution)}
        width = max(self._rows[resolution] * resolution,
                    self._rows[neuron_resolution] * neuron_resolution if L > 1 else 0)
        # One flat scratch for all blocks: A1[l] for l >= 1 (with its row of ones), then Z[l],
        # each contiguous (np.dot writes only into contiguous arrays).
        self._scratch_size = (sum(k + 1 for k in n[1:]) + max(n[1:])) * width
        self._pool = scratch or Scratch()
        self._pool.at_least(self._scratch_size, np.float32)
        self._slabs = self._cut(resolution, {L: self.frame.output}) \
            + self._cut(neuron_resolution, self.frame.neurons)
        self._bound: F32 | None = None
        self._blocks: list[_Block] = []

    def _cut(self, resolution: int, targets: dict[int, F32]) -> list[_Slab]:
        """Slabs of whole rows of the resolution×resolution grid, filling targets[l] from A[l]."""
        if not targets:
            return []
        rows = self._rows[resolution]
        points = grid_points(self.domain, resolution)
        slabs = []
        for top in range(0, resolution, rows):
            bottom = min(resolution, top + rows)
            inputs = np.ones((self.net.sizes[0] + 1, (bottom - top) * resolution), np.float32)
            feats.transform(points[:, top * resolution:bottom * resolution], self.features,
                            out=inputs[:-1], scaling=self.scaling)
            slabs.append(_Slab(inputs, top, bottom, resolution, targets))
        return slabs

    def evaluate(self) -> GridFrame:
        """Evaluate with the network's current weights; no allocation per call (unless a
        shared scratch had to grow for another evaluator)."""
        scratch = self._pool.at_least(self._scratch_size, np.float32)
        if scratch is not self._bound:
            self._blocks = [_Block.bind(slab, self.net.sizes, scratch) for slab in self._slabs]
            self._bound = scratch
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            # A diverged weight beyond float32's range becomes inf, as the grid shows it.
            Wb = fold(self.net, self._params)  # batch normalization, if any, folded in
            for block in self._blocks:
                block.forward(Wb, self._g)
                for target, source in block.copies:
                    np.copyto(target, source)
        return self.frame

    def matches(self, net: Network, features: Sequence[str], domain: Any) -> bool:
        """True when this evaluator still fits (same architecture, features and domain)."""
        return (net is self.net and list(features) == self.features
                and tuple(domain) == self.domain)


def _check_domain(domain: Domain) -> None:
    try:
        x1_min, x1_max, x2_min, x2_max = (float(v) for v in domain)
    except (TypeError, ValueError):
        raise ValueError("domain: expected (x1_min, x1_max, x2_min, x2_max)") from None
    if not (np.isfinite([x1_min, x1_max, x2_min, x2_max]).all()
            and x1_min < x1_max and x2_min < x2_max):
        raise ValueError("domain: expected finite bounds with min < max on each axis")
