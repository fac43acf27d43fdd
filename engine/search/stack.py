"""K networks of one width as one stack of weights: a leading trial axis on every array.

The K networks share the input features, the width of every hidden layer and the output; they
may differ in depth and hidden activation. Slot l (1..H, H the deepest) holds every trial's
W[l] as one (K, n[l], n[l-1] + 1) array, and slot H + 1 every trial's output layer, so a
mini-batch is one np.matmul per slot for all K. A trial of depth d < H carries its A[d]
unchanged through slots d + 1..H (a copy, where a mask says so), and its gradient back
the same way; its weights in those slots stay 0 (their gradient is set to 0). The trials
are ordered by activation, so each hidden activation applies to one run of rows (deepest
first: a slot's activation runs only on the rows that reach it); softmax normalizes each
trial's columns. Every operation a trial's own layers see is the trainer's,
in the trainer's order (the products may round differently: about 1e-15).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from engine import losses
from engine.activations import Activation
from engine.network import Network
from engine.registry import Array
from engine.trainer import Trainer

Mask = npt.NDArray[np.bool_]
Rows = npt.NDArray[Any]
Run = tuple[Activation, slice]
"""One hidden activation and the rows (trials) it applies to."""
_NONE = np.zeros((0, 0, 0))


def softmax_columns(Z: Array, out: Array) -> Array:
    """Softmax of each trial's columns (Z is K × n × b): Softmax.forward with a trial axis."""
    np.subtract(Z, Z.max(axis=1, keepdims=True), out=out)
    np.exp(out, out=out)
    np.divide(out, out.sum(axis=1, keepdims=True), out=out)
    return out


def runs(gs: Sequence[Activation]) -> list[Run]:
    """Consecutive rows of one activation, as (g, rows)."""
    out: list[Run] = []
    start = 0
    for _, group in itertools.groupby(gs, key=lambda g: g.name):
        items = list(group)
        out.append((items[0], slice(start, start + len(items))))
        start += len(items)
    return out


def reaching(rows: slice, depth: Rows, l: int) -> slice:
    """The rows of a run that have a layer l: its first ones when the run is ordered deepest
    first (the others only carry their activations), else all of them."""
    deep = np.flatnonzero(depth[rows] >= l)
    if deep.size and deep[-1] == deep.size - 1:
        return slice(rows.start, rows.start + deep.size)
    return rows


class Buffers:
    """A1[l] = [A[l]; 1], Z[l], dZ[l] and dA1[l] (with a spare row) for K trials × b columns,
    and each hidden slot's views cut by run of one activation (the rows that reach it)."""

    def __init__(self, sizes: list[int], hidden: list[Run], depth: Rows, K: int, b: int
                 ) -> None:
        self.A1: list[Array] = [_NONE] + [np.ones((K, n + 1, b)) for n in sizes[1:]]
        self.A1T: list[Array] = [_NONE] + [a1.transpose(0, 2, 1) for a1 in self.A1[1:]]
        self.A: list[Array] = [_NONE] + [a1[:, :-1] for a1 in self.A1[1:]]
        self.Z: list[Array] = [_NONE] + [np.empty((K, n, b)) for n in sizes[1:]]
        self.dZ: list[Array] = [_NONE] + [np.empty((K, n, b)) for n in sizes[1:]]
        self.dA1: list[Array] = [_NONE] + [np.empty((K, n + 1, b)) for n in sizes[1:]]
        self.dA: list[Array] = [_NONE] + [d[:, :-1] for d in self.dA1[1:]]
        self.dA_L = np.empty((K, sizes[-1], b))
        cut = {l: [(g, reaching(rows, depth, l)) for g, rows in hidden]
               for l in range(1, len(sizes) - 1)}
        self.forward = {l: [(g.forward, self.Z[l][r], self.A[l][r]) for g, r in runs]
                        for l, runs in cut.items()}
        self.backward = {l: [(g.backward, self.dA[l][r], self.Z[l][r], self.A[l][r],
                              self.dZ[l][r]) for g, r in runs] for l, runs in cut.items()}


class Stack:
    """The K trials' parameters (padded to the deepest), optimizer state and buffers."""

    def __init__(self, nets: list[Network], trainers: list[Trainer]) -> None:
        net, trainer = nets[0], trainers[0]
        self.depth = np.array([n.L - 1 for n in nets])
        self.H = H = int(self.depth.max())
        self.sizes = [net.sizes[0]] + [net.sizes[1]] * H + [net.sizes[-1]]
        self.L = H + 1
        self.g_out = net.g[net.L]
        self.output = softmax_columns if self.g_out.name == "softmax" else self.g_out.forward
        self.hidden = [n.g[1] for n in nets] if H else []
        self.loss = trainer.loss
        self.name = trainer.optimizer.name
        self.index: list[Rows] = [self._index(n.L - 1) for n in nets]
        """Each trial's parameters in the padded row: its net.params.flat is theta[k, index[k]]."""
        self.theta = np.zeros((len(nets), sum(self._size(l) for l in range(1, self.L + 1))))
        self.reg_scale = np.zeros_like(self.theta)
        for k, (n, t) in enumerate(zip(nets, trainers, strict=True)):
            self.theta[k, self.index[k]] = n.params.flat
            self.reg_scale[k, self.index[k]] = t._reg_scale
        self.grad = np.zeros_like(self.theta)
        self.tmp = np.zeros_like(self.theta)
        self.snapshot = self.theta.copy()
        self.lr = np.array([[t.optimizer.learning_rate] for t in trainers])
        self.reg_tmp = np.zeros_like(self.theta)
        self.m1 = np.zeros_like(self.theta)
        self.v = np.zeros_like(self.theta)
        self.t = 0
        first = trainer.optimizer
        self.momentum = getattr(first, "momentum", 0.0)
        self.beta1 = getattr(first, "beta1", 0.9)
        self.beta2 = getattr(first, "beta2", 0.999)
        self.epsilon = getattr(first, "epsilon", 1e-8)
        self._cut()

    def _size(self, l: int) -> int:
        return self.sizes[l] * (self.sizes[l - 1] + 1)

    def _index(self, depth: int) -> Rows:
        """Where a net of `depth` hidden layers keeps its parameters in the padded row."""
        starts = np.cumsum([0] + [self._size(l) for l in range(1, self.L + 1)])
        slots = [*range(1, depth + 1), self.L]
        return np.concatenate([np.arange(starts[l - 1], starts[l]) for l in slots])

    def params(self, row: int, k: int, source: Array | None = None) -> Array:
        """Trial k's flat parameters (its Network's layout) from row `row` of theta."""
        params: Array = (self.theta if source is None else source)[row, self.index[k]]
        return params

    def _cut(self) -> None:
        """Views of the flat stacks (W[l] and its transpose), the runs and the carry masks;
        buffers made anew."""
        self.Wb = self._views(self.theta)
        self.WbT = [W.transpose(0, 2, 1) for W in self.Wb]
        self.dWb = self._views(self.grad)
        self.runs = runs(self.hidden)
        self.carry: list[Mask | None] = [None] * (self.L + 1)
        for l in range(1, self.L):
            mask = (self.depth < l)[:, None, None]
            self.carry[l] = mask if mask.any() else None
        self._ws: dict[int, Buffers] = {}

    def _views(self, flat: Array) -> list[Array]:
        out: list[Array] = [_NONE]
        start = 0
        for l in range(1, self.L + 1):
            rows, cols = self.sizes[l], self.sizes[l - 1] + 1
            out.append(flat[:, start:start + rows * cols].reshape(-1, rows, cols))
            start += rows * cols
        return out

    def keep(self, rows: Rows) -> None:
        """Drop the trials not in `rows` (they diverged); `index` keeps every trial's."""
        for name in ("theta", "grad", "tmp", "snapshot", "lr", "reg_scale", "reg_tmp", "m1",
                     "v", "depth"):
            setattr(self, name, getattr(self, name)[rows].copy())
        self.hidden = [self.hidden[i] for i in rows.tolist()] if self.hidden else []
        self._cut()

    def _buffers(self, b: int) -> Buffers:
        """The slots' arrays for batches of b columns (made once per width and trial count)."""
        buffers = self._ws.get(b)
        if buffers is None:
            buffers = self._ws[b] = Buffers(self.sizes, self.runs, self.depth,
                                            self.theta.shape[0], b)
        return buffers

    def step(self, X1: Array, X1T: Array, Y: Array, regularization: str) -> Array:
        """One mini-batch step for every trial: X1 (K, n[0] + 1, b) and its transpose X1T,
        Y (K, n[L], b); returns Ŷ."""
        ws, L, WbT, dWb = self._buffers(X1.shape[-1]), self.L, self.WbT, self.dWb
        A1T, Z, A, dZ, dA, carry = ws.A1T, ws.Z, ws.A, ws.dZ, ws.dA, self.carry
        A1T[0] = X1T
        self._forward(ws, X1)
        losses.output_delta(self.loss, self.g_out, Z[L], A[L], Y, ws.dA_L, dZ[L],
                            1.0 / X1.shape[2])
        for l in range(L, 0, -1):
            if carry[l] is not None:
                np.copyto(dZ[l], 0.0, where=carry[l])            # no gradient for its padding
            np.matmul(dZ[l], A1T[l - 1], out=dWb[l])             # [dW[l] db[l]]
            if l > 1:
                np.matmul(WbT[l], dZ[l], out=ws.dA1[l - 1])      # dA[l-1] = W[l]ᵀ dZ[l]
                if carry[l] is not None:
                    np.copyto(dA[l - 1], dA[l], where=carry[l])
                for backward, da, z, a, dz in ws.backward[l - 1]:
                    backward(da, z, a, out=dz)                   # dZ = dA ⊙ g'(Z)
        self._regularize(regularization)
        self._update()
        return A[L]

    def _forward(self, ws: Buffers, X1: Array) -> Array:
        """Ŷ = A[L] of every trial for the input X1 (K, n[0] + 1, b), or one X1 for all."""
        L, Wb, A1, Z, A, carry = self.L, self.Wb, ws.A1, ws.Z, ws.A, self.carry
        A1[0] = X1
        for l in range(1, L):
            np.matmul(Wb[l], A1[l - 1], out=Z[l])                # Z[l] = W[l] A[l-1] + b[l]
            for forward, z, a in ws.forward[l]:
                forward(z, out=a)                                # A[l] = g[l](Z[l])
            if carry[l] is not None:                             # past a trial's last layer
                np.copyto(A[l], A[l - 1], where=carry[l])
        np.matmul(Wb[L], A1[L - 1], out=Z[L])
        return self.output(Z[L], out=A[L])

    def costs(self, X1: Array, Y: Array) -> list[float | None]:
        """Each trial's cost J on the data X1 (n[0] + 1, m), Y (n[L], m), as the trainer's
        metrics compute it (None when not finite): the points of a validation curve."""
        ws = self._buffers(X1.shape[1])
        A_L = self._forward(ws, X1)
        K, n, m = A_L.shape
        Z_L = ws.Z[self.L]
        # The losses sum over each sample's rows (axis 0): rows first, trials × samples after.
        per = losses.per_sample(self.loss, self.g_out,
                                Z_L.transpose(1, 0, 2).reshape(n, K * m),
                                A_L.transpose(1, 0, 2).reshape(n, K * m),
                                np.tile(Y, (1, K))).reshape(K, m)
        return [float(j) if math.isfinite(j) else None for j in per.mean(axis=1).tolist()]

    def _regularize(self, regularization: str) -> None:
        if regularization == "l2":
            np.multiply(self.theta, self.reg_scale, out=self.reg_tmp)
            np.add(self.grad, self.reg_tmp, out=self.grad)
        elif regularization == "l1":
            np.sign(self.theta, out=self.reg_tmp)
            np.multiply(self.reg_tmp, self.reg_scale, out=self.reg_tmp)
            np.add(self.grad, self.reg_tmp, out=self.grad)

    def _update(self) -> None:
        """The optimizer's step, as engine.optimizers writes it, with a column of rates."""
        theta, grad, tmp = self.theta, self.grad, self.tmp
        if self.name == "momentum":
            np.multiply(self.v, self.momentum, out=self.v)
            np.add(self.v, grad, out=self.v)
            np.multiply(self.v, self.lr, out=tmp)
        elif self.name == "adam":
            b1, b2 = self.beta1, self.beta2
            self.t += 1
            np.multiply(self.m1, b1, out=self.m1)
            np.multiply(grad, 1.0 - b1, out=tmp)
            np.add(self.m1, tmp, out=self.m1)
            np.multiply(self.v, b2, out=self.v)
            np.multiply(grad, grad, out=tmp)
            np.multiply(tmp, 1.0 - b2, out=tmp)
            np.add(self.v, tmp, out=self.v)
            step = self.lr * np.sqrt(1.0 - b2**self.t) / (1.0 - b1**self.t)
            np.sqrt(self.v, out=tmp)
            np.add(tmp, self.epsilon * np.sqrt(1.0 - b2**self.t), out=tmp)
            np.divide(self.m1, tmp, out=tmp)
            np.multiply(tmp, step, out=tmp)
        else:
            np.multiply(grad, self.lr, out=tmp)
        np.subtract(theta, tmp, out=theta)
