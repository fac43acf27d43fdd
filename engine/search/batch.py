"""Trials of one architecture trained together: a leading trial axis on every array.

K trials that share the layers, widths, activations, features, optimizer, batch size and kind
of regularization (they may differ in learning rate, seed, initialization and rate) train as
one: W[l] is a (K, n[l], n[l-1] + 1) stack, each mini-batch one np.matmul per layer for all K,
each trial with its own shuffled batch. Every operation is the trainer's, in the trainer's
order (the optimizers' formulas with a column of learning rates), so a trial trained here ends
where its standalone Trainer run does (the products may round differently: about 1e-15).
Each trial's own Trainer shuffles its batches (its seeded generator) and computes its metrics.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np

from engine import losses
from engine.datasets import Split
from engine.network import Network
from engine.registry import Array
from engine.search.space import TrialConfig
from engine.search.trial import CURVE_POINTS, TrialResult, build, result_of, without_test
from engine.trainer import Trainer

Key = tuple[object, ...]


def batch_key(config: TrialConfig) -> Key:
    """Trials with the same key can train together."""
    return (config.features, config.layers, config.units, config.activation, config.optimizer,
            config.batch_size, config.regularization)


def batchable(split: Split) -> bool:
    """Softmax mixes a column's rows (not elementwise): multiclass trials train one by one."""
    return split.train.task != "multiclass"


class _Buffers:
    """A1[l] = [A[l]; 1], Z[l], dZ[l] and dA1[l] (with a spare row) for K trials × b columns."""

    def __init__(self, sizes: list[int], K: int, b: int) -> None:
        none = np.zeros((0, 0, 0))
        self.A1: list[Array] = [none] + [np.ones((K, n + 1, b)) for n in sizes[1:]]
        self.A: list[Array] = [none] + [a1[:, :-1] for a1 in self.A1[1:]]
        self.Z: list[Array] = [none] + [np.empty((K, n, b)) for n in sizes[1:]]
        self.dZ: list[Array] = [none] + [np.empty((K, n, b)) for n in sizes[1:]]
        self.dA1: list[Array] = [none] + [np.empty((K, n + 1, b)) for n in sizes[1:]]
        self.dA: list[Array] = [none] + [d[:, :-1] for d in self.dA1[1:]]
        self.dA_L = np.empty((K, sizes[-1], b))


class _Stack:
    """The K trials' parameters, optimizer state and per-batch buffers."""

    def __init__(self, nets: list[Network], trainers: list[Trainer]) -> None:
        net, trainer = nets[0], trainers[0]
        self.sizes, self.L, self.g = net.sizes, net.L, net.g
        self.loss = trainer.loss
        self.name = trainer.optimizer.name
        self.theta = np.stack([n.params.flat for n in nets])
        self.grad = np.zeros_like(self.theta)
        self.tmp = np.zeros_like(self.theta)
        self.snapshot = self.theta.copy()
        self.lr = np.array([[t.optimizer.learning_rate] for t in trainers])
        self.reg_scale = np.stack([t._reg_scale for t in trainers])
        self.reg_tmp = np.zeros_like(self.theta)
        self.m1 = np.zeros_like(self.theta)
        self.v = np.zeros_like(self.theta)
        self.t = 0
        first = trainer.optimizer
        self.momentum = getattr(first, "momentum", 0.0)
        self.beta1 = getattr(first, "beta1", 0.9)
        self.beta2 = getattr(first, "beta2", 0.999)
        self.epsilon = getattr(first, "epsilon", 1e-8)
        self.Wb = self._views(self.theta)
        self.dWb = self._views(self.grad)
        self._ws: dict[int, _Buffers] = {}

    def _views(self, flat: Array) -> list[Array]:
        out: list[Array] = [np.zeros((0, 0, 0))]
        start = 0
        for l in range(1, self.L + 1):
            rows, cols = self.sizes[l], self.sizes[l - 1] + 1
            out.append(flat[:, start:start + rows * cols].reshape(-1, rows, cols))
            start += rows * cols
        return out

    def keep(self, rows: np.ndarray) -> None:
        """Drop the trials not in `rows` (they diverged)."""
        for name in ("theta", "grad", "tmp", "snapshot", "lr", "reg_scale", "reg_tmp", "m1",
                     "v"):
            setattr(self, name, getattr(self, name)[rows].copy())
        self.Wb = self._views(self.theta)
        self.dWb = self._views(self.grad)
        self._ws = {}

    def _buffers(self, b: int) -> _Buffers:
        """The layers' arrays for batches of b columns (made once per width and trial count)."""
        buffers = self._ws.get(b)
        if buffers is None:
            buffers = self._ws[b] = _Buffers(self.sizes, self.theta.shape[0], b)
        return buffers

    def step(self, X1: Array, Y: Array, regularization: str) -> Array:
        """One mini-batch step for every trial: X1 (K, n[0] + 1, b), Y (K, n[L], b); returns Ŷ."""
        ws, L, g = self._buffers(X1.shape[2]), self.L, self.g
        A1, Z, A, dZ = ws.A1, ws.Z, ws.A, ws.dZ
        A1[0], A[0] = X1, X1[:, :-1]
        for l in range(1, L + 1):
            np.matmul(self.Wb[l], A1[l - 1], out=Z[l])           # Z[l] = W[l] A[l-1] + b[l]
            g[l].forward(Z[l], out=A[l])                         # A[l] = g[l](Z[l])
        losses.output_delta(self.loss, g[L], Z[L], A[L], Y, ws.dA_L, dZ[L], 1.0 / X1.shape[2])
        for l in range(L, 0, -1):
            np.matmul(dZ[l], A1[l - 1].transpose(0, 2, 1), out=self.dWb[l])
            if l > 1:
                np.matmul(self.Wb[l].transpose(0, 2, 1), dZ[l], out=ws.dA1[l - 1])
                g[l - 1].backward(ws.dA[l - 1], Z[l - 1], A[l - 1], out=dZ[l - 1])
        if regularization == "l2":
            np.multiply(self.theta, self.reg_scale, out=self.reg_tmp)
            np.add(self.grad, self.reg_tmp, out=self.grad)
        elif regularization == "l1":
            np.sign(self.theta, out=self.reg_tmp)
            np.multiply(self.reg_tmp, self.reg_scale, out=self.reg_tmp)
            np.add(self.grad, self.reg_tmp, out=self.grad)
        self._update()
        return A[L]

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


def run_batch(configs: Sequence[TrialConfig], split: Split, epochs: int) -> list[TrialResult]:
    """run_trial of each config (all with the same batch_key), trained together."""
    if len({batch_key(c) for c in configs}) != 1:
        raise ValueError("configs: trials trained together need the same batch_key")
    if split.validation.m == 0:
        raise ValueError("split.validation: a search scores trials on validation data; "
                         "give a validation fraction above 0")
    start = time.perf_counter()
    split = without_test(split)
    built = [build(c, split) for c in configs]
    nets, trainers = [n for n, _ in built], [t for _, t in built]
    stack = _Stack(nets, trainers)
    active = list(range(len(configs)))
    curves: list[list[tuple[int, float | None]]] = [
        [(0, t.metrics()["validation_loss"])] for t in trainers]
    every = max(1, math.ceil(epochs / CURVE_POINTS))
    X, Y = trainers[0]._X1, split.train.Y
    m, first = X.shape[1], trainers[0]
    size = m if first.optimizer.full_batch else min(first.batch_size, m)
    K = len(configs)
    Xs, Ys = np.repeat(X[None], K, axis=0), np.repeat(Y[None], K, axis=0)
    with np.errstate(all="ignore"):
        for epoch in range(1, epochs + 1):
            np.copyto(stack.snapshot, stack.theta)
            if size < m:
                for row, k in enumerate(active):
                    order = trainers[k].rng.permutation(m)
                    np.take(X[:-1], order, axis=1, out=Xs[row, :-1], mode="clip")
                    np.take(Y, order, axis=1, out=Ys[row], mode="clip")
            for s in range(0, m, size):
                A_L = stack.step(Xs[:, :, s:s + size], Ys[:, :, s:s + size], first.regularization)
            ok = np.isfinite(stack.theta.sum(axis=1)) & np.isfinite(A_L.sum(axis=(1, 2)))
            for bad in np.flatnonzero(~ok).tolist():
                k = active[bad]
                nets[k].params.flat[...] = stack.snapshot[bad]  # as the trainer restores them
                trainers[k].diverged = f"diverged at epoch {epoch}"
                if epoch - 1 > curves[k][-1][0]:  # run_trial's last chunk ended early
                    curves[k].append((epoch - 1, trainers[k].metrics()["validation_loss"]))
            if not ok.all():
                active = [k for k, good in zip(active, ok, strict=True) if good]
                stack.keep(np.flatnonzero(ok))
                Xs, Ys = Xs[ok].copy(), Ys[ok].copy()
            for row, k in enumerate(active):
                trainers[k].epoch = epoch
                if epoch % every == 0 or epoch == epochs:
                    nets[k].params.flat[...] = stack.theta[row]
                    curves[k].append((epoch, trainers[k].metrics()["validation_loss"]))
            if not active:
                break
    seconds = (time.perf_counter() - start) / K
    return [result_of(c, n, t, curves[i], seconds, split)
            for i, (c, n, t) in enumerate(zip(configs, nets, trainers, strict=True))]
