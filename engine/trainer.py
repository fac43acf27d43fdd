"""Training: epochs of mini-batch steps, metrics on train/validation/test, divergence stop.

Each epoch shuffles the training columns (seeded) into a preallocated buffer and steps through
batch views cut once, so a mini-batch step allocates nothing: forward and backward write into a
Workspace (engine.fast_network, the course's arithmetic on preallocated buffers), the optimizer
updates the flat parameter vector in place.

`run(epochs)` trains whole epochs; `train_for(seconds)` stops between two mini-batches when its
time is up, so a live view can show an epoch part-way (the next call goes on where it stopped).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from engine import activations, losses, optimizers
from engine import features as feats
from engine.datasets import Dataset, Split
from engine.diagnostics import DeadTracker
from engine.fast_network import TrainingPath, Workspace, fold, forward_pass
from engine.network import Network
from engine.parameters import Parameters
from engine.registry import Array, lookup
from engine.scratch import Scratch

REGULARIZATIONS = ("none", "l1", "l2")
MAX_REG_RATE = 10.0
MAX_HISTORY = 10_000
"""history keeps at most this many entries: beyond it, every other old entry is dropped."""
Batch = tuple[Workspace, Array, Array, Array, Array]


class Trainer:
    """Trains net on split.train; reports loss and accuracy on every part of the split."""

    def __init__(self, net: Network, split: Split, features: Sequence[str] = ("x1", "x2"),
                 loss: str | None = None, optimizer: optimizers.Optimizer | None = None,
                 batch_size: int = 10, regularization: str = "none", reg_rate: float = 0.0,
                 seed: int = 0, metrics_dtype: type = np.float64,
                 metrics_scratch: Scratch | None = None, standardize: bool = False) -> None:
        """`metrics_dtype=np.float32` makes metrics() about four times cheaper (cheaper
        activations, half the memory) and exact to about 1e-6: plenty for a live chart.
        Training always runs in float64. `metrics_scratch`: memory for the layers of the
        metrics pass, shared with other computations never run at the same time (see
        engine.scratch)."""
        self.net, self.split = net, split
        self.features = feats.check(features, net.sizes[0])
        self.scaling = feats.Scaling.fit(feats.transform(split.train.X, self.features)) \
            if standardize and split.train.m else None
        """The inputs' standardization (`standardize=True`), fitted on the training split and
        applied to every split; the grids use it too."""
        self.loss = losses.get(loss or losses.default_for(split.train.task)[1])
        _check_shapes(net, split.train)
        self.optimizer = optimizer or optimizers.make("sgd")
        self.rng = np.random.default_rng(seed)
        self.epoch = 0
        """Completed epochs."""
        self.position = 0
        """Mini-batches of the epoch in progress already trained (0: at an epoch boundary)."""
        self.diverged: str | None = None
        self.history: list[dict[str, Any]] = []
        self._ended_recorded: int | None = None
        """The epoch whose history entry was recorded at its end (position 0)."""
        self._path = TrainingPath(net)
        self._grads = Parameters(net.sizes, batch_norm=net.batch_norm)
        self._snapshot = net.params.flat.copy()
        self._running_snapshot = net.running.flat.copy()
        self._reg_tmp = np.zeros_like(self._snapshot)
        self._X1 = self._inputs(split.train)
        self._Xs1, self._Ys = self._X1.copy(), split.train.Y.copy()
        parts = {"train": split.train, "validation": split.validation, "test": split.test}
        self._eval = _Evaluation(net, parts, self.features, metrics_dtype, metrics_scratch,
                                 self.scaling)
        self._deaths = _DeathWatch(net, self._X1)
        self.set_regularization(regularization, reg_rate)
        self.set_batch_size(batch_size)

    def _inputs(self, part: Dataset) -> Array:
        """[features(X); 1], shape (n[0] + 1, m): the network's input with its row of ones."""
        X1 = np.ones((len(self.features) + 1, part.m))
        feats.transform(part.X, self.features, out=X1[:-1], scaling=self.scaling)
        return X1

    @property
    def last_gradients(self) -> tuple[list[Array], list[Array]]:
        """(dW, db) of the last step, regularization included, indexable by l like W and b."""
        return self._grads.W, self._grads.b

    def set_optimizer(self, optimizer: optimizers.Optimizer) -> None:
        """Switch optimizer (its state starts fresh); the weights are kept."""
        self.optimizer = optimizer
        self._cut_batches()

    def set_learning_rate(self, learning_rate: float) -> None:
        """Change the rate and keep the optimizer's state (velocity, moments)."""
        self.optimizer.learning_rate = learning_rate

    def set_batch_size(self, batch_size: int) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size: expected a positive integer, got {batch_size!r}")
        self.batch_size = batch_size
        self._cut_batches()

    def set_regularization(self, kind: str, rate: float) -> None:
        """L1 adds rate·Σ|w| to J, L2 adds (rate/2)·Σw²; biases are never penalized."""
        lookup({k: k for k in REGULARIZATIONS}, kind, "regularization")
        if isinstance(rate, bool) or not isinstance(rate, int | float) \
                or not 0 <= rate <= MAX_REG_RATE:
            raise ValueError(f"reg_rate: expected a number from 0 to {MAX_REG_RATE:g}, "
                             f"got {rate!r}")
        self.regularization, self.reg_rate = kind, float(rate)
        self._reg_scale = self.net.params.weight_mask * self.reg_rate

    def _cut_batches(self) -> None:
        """Views of the shuffled buffers, one per mini-batch, cut once (full batch: no shuffle)."""
        m = self._X1.shape[1]
        size = m if self.optimizer.full_batch else min(self.batch_size, m)
        source_X, source_Y = (self._X1, self.split.train.Y) if size == m else (self._Xs1, self._Ys)
        workspaces: dict[int, Workspace] = {}
        self._batches: list[Batch] = []
        for start in range(0, m, size):
            x1, y = source_X[:, start:start + size], source_Y[:, start:start + size]
            ws = workspaces.setdefault(x1.shape[1], self._path.workspace(x1.shape[1]))
            self._batches.append((ws, x1, x1[:-1], x1.T, y))
        self._shuffle = size < m
        self.position = 0  # a new cut starts a new epoch (the steps taken so far are kept)

    def run(self, epochs: int, max_seconds: float | None = None) -> int:
        """Train up to `epochs` epochs (or until max_seconds); returns how many ran.
        An epoch left part-way by train_for is finished first and counts as one."""
        if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
            raise ValueError(f"epochs: expected a non-negative integer, got {epochs!r}")
        deadline = None if max_seconds is None else time.perf_counter() + max_seconds
        done = 0
        with np.errstate(all="ignore"):
            while done < epochs and self.diverged is None:
                if not self._steps(len(self._batches)):
                    break
                done += 1
                if deadline is not None and time.perf_counter() >= deadline:
                    break
        return done

    def train_for(self, seconds: float, max_steps: int | None = None) -> int:
        """Mini-batch steps for about `seconds` (at least one) and at most `max_steps`,
        stopping between two batches, maybe part-way through an epoch; returns the steps
        taken (fewer when training diverged)."""
        deadline = time.perf_counter() + seconds
        left = math.inf if max_steps is None else max_steps
        steps = 0
        with np.errstate(all="ignore"):
            while self.diverged is None and left > 0:
                ran = self._steps(int(min(left, len(self._batches))), deadline)
                steps += ran
                left -= ran
                if not ran or time.perf_counter() >= deadline:
                    break
        return steps

    @property
    def batches_per_epoch(self) -> int:
        return len(self._batches)

    def _steps(self, count: int, deadline: float | None = None) -> int:
        """Up to `count` mini-batch steps, never past the end of the epoch, stopping early
        once `deadline` (perf_counter) has passed; returns the steps taken (0: diverged, the
        weights restored to the start of the epoch)."""
        theta, grad, path = self.net.params.flat, self._grads.flat, self._path
        if self.position >= len(self._batches):
            self.position = 0  # the batches were cut again meanwhile: a new epoch starts
        if self.position == 0:
            self._begin_epoch()
        stop = min(len(self._batches), self.position + count)
        taken = 0
        for ws, x1, x, x1T, y in self._batches[self.position:stop]:
            ws.A1[0], ws.A[0], ws.A1T[0] = x1, x, x1T
            path.forward(ws)
            path.backward(y, self.loss, ws, self._grads)
            if self.regularization != "none":
                self._regularize(theta, grad)
            self.optimizer.step(theta, grad)
            taken += 1
            if deadline is not None and time.perf_counter() >= deadline:
                break
        if not (math.isfinite(theta.sum()) and (taken == 0 or math.isfinite(ws.A[-1].sum()))):
            np.copyto(theta, self._snapshot)
            if self._running_snapshot.size:
                np.copyto(self.net.running.flat, self._running_snapshot)
            self.position = 0
            self.diverged = f"diverged at epoch {self.epoch + 1}"
            return 0
        self.position += taken
        if self.position >= len(self._batches):
            self.position = 0
            self.epoch += 1
            self._deaths.watch(self.epoch)
        return taken

    @property
    def deaths(self) -> DeadTracker:
        """The epoch each dead ReLU died at: checked at the end of every epoch, a long run's
        included, so it does not depend on when anyone looks (died_at {l: {j: epoch}})."""
        self._deaths.start(self.epoch)
        return self._deaths.tracker

    def _begin_epoch(self) -> None:
        """Keep the weights (restored if the epoch diverges) and shuffle the training set."""
        self._deaths.start(self.epoch)
        np.copyto(self._snapshot, self.net.params.flat)
        if self._running_snapshot.size:  # batch normalization's running μ, σ²
            np.copyto(self._running_snapshot, self.net.running.flat)
        if self._shuffle:
            order = self.rng.permutation(self._X1.shape[1])
            np.take(self._X1[:-1], order, axis=1, out=self._Xs1[:-1], mode="clip")
            np.take(self.split.train.Y, order, axis=1, out=self._Ys, mode="clip")

    def _regularize(self, theta: Array, grad: Array) -> None:
        if self.regularization == "l2":      # ∂/∂w (rate/2) w² = rate·w
            np.multiply(theta, self._reg_scale, out=self._reg_tmp)
            np.add(grad, self._reg_tmp, out=grad)
        elif self.regularization == "l1":    # ∂/∂w rate·|w| = rate·sign(w)
            np.sign(theta, out=self._reg_tmp)
            np.multiply(self._reg_tmp, self._reg_scale, out=self._reg_tmp)
            np.add(grad, self._reg_tmp, out=grad)

    def clear_divergence(self) -> None:
        """Allow training again after a divergence (the optimizer's state starts fresh)."""
        self.diverged = None
        self.optimizer = optimizers.make(self.optimizer.name, **self.optimizer.params())

    def metrics(self) -> dict[str, float | None]:
        """Loss J (data term only) and accuracy on train/validation/test; None when n/a."""
        with np.errstate(all="ignore"):
            return self._eval.metrics(self.loss)

    def record(self) -> dict[str, Any]:
        """Append {"epoch", **metrics()} to history and return it. It replaces an entry of
        the same epoch, unless that one was taken at the epoch's end and the weights are now
        part-way through the next: an epoch's entry then stays its end."""
        entry: dict[str, Any] = {"epoch": self.epoch, **self.metrics()}
        if self.history and self.history[-1]["epoch"] == self.epoch:
            if self.position == 0 or self._ended_recorded != self.epoch:
                self.history[-1] = entry
        else:
            self.history.append(entry)
        if self.position == 0:
            self._ended_recorded = self.epoch
        if len(self.history) > MAX_HISTORY:
            # Keep the whole span at half the density: the first and latest entries stay.
            self.history = self.history[::2] + ([entry] if len(self.history) % 2 == 0 else [])
        return entry


class _DeathWatch:
    """Which hidden ReLUs are dead on the training points: A[l][j] = 0 (Z[l][j] <= 0) on every
    column, with batch normalization's running statistics, as the diagnostics judge it."""

    def __init__(self, net: Network, X1: Array) -> None:
        self.net, self.tracker = net, DeadTracker()
        self.layers = [l for l in range(1, net.L) if net.g[l].can_die]
        self.ws: Workspace | None = None
        self.folded = Parameters(net.sizes) if any(net.batch_norm) else None
        self.X1 = X1
        self.started = False

    def start(self, epoch: int) -> None:
        """The first look, before any training (at the epoch the trainer starts from)."""
        if not self.started:
            self.watch(epoch)

    def watch(self, epoch: int) -> None:
        """Record the neurons dead at the end of `epoch`."""
        self.started = True
        if not self.layers:
            return
        if self.ws is None:  # a forward pass over the training set, allocated once
            self.ws = Workspace(self.net.sizes, self.X1.shape[1], backward=False, inputs=self.X1)
        Wb = fold(self.net, self.folded) if self.folded is not None else self.net.params.Wb
        # Stop at the last ReLU layer: the layers above it do not decide any death.
        forward_pass(Wb[:self.layers[-1] + 1], self.net.g, self.ws)
        self.tracker.update(epoch, {l: np.flatnonzero(~(self.ws.A[l] > 0.0).any(axis=1))
                                    .tolist() for l in self.layers})


class _Evaluation:
    """Every part of the split in one workspace, columns [train | validation | test]: one
    forward pass gives the metrics of all three (in float64, or in float32 with the
    activations' cheaper float32 forms and a float32 copy of the weights)."""

    def __init__(self, net: Network, parts: dict[str, Dataset], features: list[str],
                 dtype: type = np.float64, scratch: Scratch | None = None,
                 scaling: feats.Scaling | None = None) -> None:
        if dtype not in (np.float64, np.float32):
            raise ValueError(f"metrics_dtype: expected numpy.float64 or numpy.float32, "
                             f"got {dtype!r}")
        self.net, self.names, self.dtype = net, list(parts), dtype
        data = list(parts.values())
        self.m = m = sum(part.m for part in data)
        self.inputs = np.ones((net.sizes[0] + 1, m), dtype)
        feats.transform(np.concatenate([part.X for part in data], axis=1), features,
                        out=self.inputs[:-1], scaling=scaling)
        # Typed as Array, the engine's float array, in float32 too.
        self.Y: Array = np.concatenate([part.Y for part in data], axis=1).astype(dtype)
        self.shared = scratch is not None
        self.pool = scratch or Scratch()
        self.size = Workspace.forward_size(net.sizes, m)
        self.bound: Array | None = None
        self.ws = self._workspace()
        # A copy of the weights for the pass: in float32, or with batch normalization folded in.
        self.folded = Parameters(net.sizes, dtype) \
            if dtype == np.float32 or any(net.batch_norm) else None
        self.g = net.g if dtype != np.float32 else [activations.for_float32(g) for g in net.g]
        # The parts' sums come from one reduceat over the non-empty parts' first columns.
        counts = np.array([part.m for part in data])
        self.present = [name for name, part in parts.items() if part.m]
        self.starts = (np.cumsum(counts) - counts)[counts > 0]
        self.counts = counts[counts > 0].astype(np.float64)
        self.task = data[0].task
        self.labels = np.concatenate([part.labels for part in data]) \
            if self.task != "regression" else np.zeros(0)
        self.hits = np.empty(m, dtype=np.float64)
        self.class_one = self.labels == 1

    def _workspace(self) -> Workspace:
        """The workspace on the pool's memory (cut again if the pool had to grow)."""
        memory = self.pool.at_least(self.size, self.dtype)
        if memory is not self.bound:
            self.ws = Workspace(self.net.sizes, self.m, self.dtype, backward=False,
                                memory=memory, inputs=self.inputs)
            self.bound = memory
        elif self.shared:
            self.ws.restore_ones()  # another user of the memory wrote over them
        return self.ws

    def _means(self, values: Array) -> dict[str, float]:
        """{part: mean of values over its columns} for every non-empty part."""
        means = np.add.reduceat(values, self.starts, dtype=np.float64) / self.counts
        return dict(zip(self.present, means.tolist(), strict=True))

    def metrics(self, loss: losses.Loss) -> dict[str, float | None]:
        """{part_loss, ..., part_accuracy, ...}: None for empty parts (and regression)."""
        ws, L, Wb = self._workspace(), self.net.L, self.net.params.Wb
        if self.folded is not None:
            Wb = fold(self.net, self.folded)
        A_L = forward_pass(Wb, self.g, ws)
        loss_of = self._means(losses.per_sample(loss, self.g[L], ws.Z[L], A_L, self.Y))
        accuracy_of: dict[str, float] = {}
        if self.task != "regression":
            if self.task == "binary":
                np.equal(A_L[0] > 0.5, self.class_one, out=self.hits)
            else:
                np.equal(np.argmax(A_L, axis=0), self.labels, out=self.hits)
            accuracy_of = self._means(self.hits)
        return {**{f"{name}_loss": _finite(loss_of.get(name)) for name in self.names},
                **{f"{name}_accuracy": _finite(accuracy_of.get(name)) for name in self.names}}


def _finite(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


def _check_shapes(net: Network, train: Dataset) -> None:
    if train.m == 0:
        raise ValueError("split.train: the training set has no points")
    if net.sizes[-1] != train.Y.shape[0]:
        raise ValueError(f"sizes: the output layer has {net.sizes[-1]} units, "
                         f"but the {train.task} data needs {train.Y.shape[0]}")
