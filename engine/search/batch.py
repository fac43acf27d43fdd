"""Trials of one width trained together (engine.search.stack): one np.matmul per layer for all.

K trials that share the features, the width of the hidden layers, the optimizer, the batch size
and the kind of regularization (they may differ in depth, activation, learning rate, seed,
initialization and rate) train as one stack, each trial with its own shuffled batch, so a trial
trained here ends where its standalone Trainer run does (to about 1e-15). Each trial's own
Trainer shuffles its batches (its seeded generator) and computes its metrics.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

import numpy as np

from engine.datasets import Split
from engine.network import Network
from engine.registry import Array
from engine.search.space import TrialConfig
from engine.search.stack import Stack
from engine.search.trial import (
    CURVE_POINTS,
    STOP_CHECK_SECONDS,
    Stopped,
    TrialResult,
    build,
    never,
    result_of,
    without_test,
)
from engine.trainer import Trainer

Key = tuple[object, ...]


def batch_key(config: TrialConfig) -> Key:
    """Trials with the same key can train together (their depths and activations may differ;
    a network without hidden layers trains with others without)."""
    return (config.features, config.units if config.layers else 0, config.optimizer,
            config.batch_size, config.regularization)


def cost(configs: Sequence[TrialConfig]) -> int:
    """A rough cost of training configs together: NumPy calls per step grow with the deepest
    network and the activations, work with the trials."""
    depth = max(c.layers for c in configs)
    runs = len({c.activation for c in configs})
    return (depth + 1) * (2 + runs) * (8 + len(configs))


def run_batch(configs: Sequence[TrialConfig], split: Split, epochs: int,
              should_stop: Callable[[], bool] = never) -> list[TrialResult]:
    """run_trial of each config (all with the same batch_key), trained together (Stopped
    when should_stop(), asked between mini-batches every STOP_CHECK_SECONDS)."""
    if len({batch_key(c) for c in configs}) != 1:
        raise ValueError("configs: trials trained together need the same batch_key")
    if split.validation.m == 0:
        raise ValueError("split.validation: a search scores trials on validation data; "
                         "give a validation fraction above 0")
    start = time.perf_counter()
    split = without_test(split)
    order = sorted(range(len(configs)), key=lambda i: (configs[i].activation, -configs[i].layers))
    ordered = [configs[i] for i in order]
    built = [build(c, split) for c in ordered]
    nets, trainers = [n for n, _ in built], [t for _, t in built]
    curves = _train(nets, trainers, epochs, should_stop)
    seconds = (time.perf_counter() - start) / len(configs)
    results = [result_of(c, n, t, curve, seconds, split)
               for c, n, t, curve in zip(ordered, nets, trainers, curves, strict=True)]
    back = {i: row for row, i in enumerate(order)}
    return [results[back[i]] for i in range(len(configs))]


class _Batches:
    """Each trial's shuffled copy of the training set, X1 (K, n[0] + 1, m), its transpose
    (contiguous: dW[1] = dZ[1] X1ᵀ reads it) and Y, and the mini-batches' views of them."""

    def __init__(self, trainer: Trainer, K: int, size: int) -> None:
        X, Y = trainer._X1, trainer.split.train.Y
        self.XT, self.YT, self.size = X[:-1].T.copy(), Y.T.copy(), size
        self.Xs, self.Ys = np.repeat(X[None], K, axis=0), np.repeat(Y[None], K, axis=0)
        self.XsT = np.ascontiguousarray(self.Xs.transpose(0, 2, 1))
        self._cut()

    def _cut(self) -> None:
        s, Xs, XsT, Ys = self.size, self.Xs, self.XsT, self.Ys
        self.views = [(Xs[:, :, i:i + s], XsT[:, i:i + s], Ys[:, :, i:i + s])
                      for i in range(0, Xs.shape[2], s)]

    def shuffle(self, trainers: Sequence[Trainer]) -> None:
        """Each trial's own shuffle, drawn from its trainer's generator as its trainer does."""
        orders = np.stack([t.rng.permutation(self.Xs.shape[2]) for t in trainers])
        np.copyto(self.XsT[:, :, :-1], self.XT[orders])
        np.copyto(self.Xs[:, :-1], self.XsT[:, :, :-1].transpose(0, 2, 1))
        np.copyto(self.Ys, self.YT[orders].transpose(0, 2, 1))

    def keep(self, rows: Array) -> None:
        """Only the trials of `rows` (the others diverged)."""
        self.Xs, self.XsT, self.Ys = self.Xs[rows].copy(), self.XsT[rows].copy(), \
            self.Ys[rows].copy()
        self._cut()


def _train(nets: list[Network], trainers: list[Trainer], epochs: int,
           should_stop: Callable[[], bool] = never) -> list[list[tuple[int, float | None]]]:
    """Train the stack of nets for `epochs` epochs (a trial that diverges leaves it at the end
    of its last good epoch, as its trainer does); returns each one's validation curve."""
    stack = Stack(nets, trainers)
    active = list(range(len(nets)))
    curves: list[list[tuple[int, float | None]]] = [
        [(0, t.metrics()["validation_loss"])] for t in trainers]
    every = max(1, math.ceil(epochs / CURVE_POINTS))
    first = trainers[0]
    m = first._X1.shape[1]
    size = m if first.optimizer.full_batch else min(first.batch_size, m)
    batches = _Batches(first, len(nets), size)
    X_val, Y_val = first._inputs(first.split.validation), first.split.validation.Y
    check = time.perf_counter() + STOP_CHECK_SECONDS
    with np.errstate(all="ignore"):
        for epoch in range(1, epochs + 1):
            np.copyto(stack.snapshot, stack.theta)
            if size < m:
                batches.shuffle([trainers[k] for k in active])
            for x1, x1T, y in batches.views:
                A_L = stack.step(x1, x1T, y, first.regularization)
                if time.perf_counter() >= check:
                    if should_stop():
                        raise Stopped
                    check = time.perf_counter() + STOP_CHECK_SECONDS
            ok = np.isfinite(stack.theta.sum(axis=1)) & np.isfinite(A_L.sum(axis=(1, 2)))
            for bad in np.flatnonzero(~ok).tolist():
                k = active[bad]
                nets[k].params.flat[...] = stack.params(bad, k, stack.snapshot)  # restored
                trainers[k].diverged = f"diverged at epoch {epoch}"
                if epoch - 1 > curves[k][-1][0]:  # run_trial's last chunk ended early
                    curves[k].append((epoch - 1, trainers[k].metrics()["validation_loss"]))
            if not ok.all():
                active = [k for k, good in zip(active, ok, strict=True) if good]
                stack.keep(np.flatnonzero(ok))
                batches.keep(ok)
            point = epoch % every == 0 or epoch == epochs
            costs = stack.costs(X_val, Y_val) if point and active else []
            for row, k in enumerate(active):
                trainers[k].epoch = epoch
                if point:
                    curves[k].append((epoch, costs[row]))
            if not active:
                break
    for row, k in enumerate(active):
        nets[k].params.flat[...] = stack.params(row, k)
    return curves

