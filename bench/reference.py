"""A plain preallocated NumPy MLP: the yardstick the engine's speed targets are set against.

What a competent person writes without the engine's tricks. Float64 W[l] (n[l], n[l-1]) and
b[l] (n[l], 1) are separate arrays; Z[l] = W[l] A[l-1] + b[l] is np.dot then np.add with
out=; A[l] = tanh(Z[l]); the backward pass and the SGD update (one per parameter array) use
in-place ufuncs; the shuffled copy of the data is cut into batch views once. No flat parameter
vector, no [W b] fusion, no blocking. Only the tanh network with squared error
(L = ½ (ŷ − y)², the standard workload's loss) is covered.

    mlp = PlainMLP(W, b, X, Y, batch_size=10, learning_rate=0.03, seed=0)
    mlp.epoch()                 # one pass over X (shuffled first when batches are smaller)
    mlp.cost()                  # J = (1/m) Σ ½ (ŷ − y)² on all of X
    frame = PlainFrame(mlp.W, mlp.b, domain=(-6, 6, -6, 6), resolution=100,
                       neuron_resolution=32)
    out, neurons = frame.evaluate()   # float32 (1, R, R) and {l: (n[l], r, r)}
"""
# Layers are numbered l = 1..L as in the course, so `l` is the right name here.
# ruff: noqa: E741

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from engine.grid import grid_points

F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]
Domain = tuple[float, float, float, float]


class Buffers:
    """Z[l], A[l], dZ[l], dA[l] and a g'(Z[l]) scratch for batches of m columns (index 0 unused
    except A[0], which is set to the batch's view)."""

    def __init__(self, sizes: Sequence[int], m: int, dtype: type = np.float64) -> None:
        self.m = m
        self.Z = [np.empty((n, m), dtype) for n in sizes]
        self.A = [np.empty((n, m), dtype) for n in sizes]
        self.dZ = [np.empty((n, m), dtype) for n in sizes]
        self.dA = [np.empty((n, m), dtype) for n in sizes]
        self.G = [np.empty((n, m), dtype) for n in sizes]


class PlainMLP:
    """tanh layers, squared error, mini-batch SGD; W[l], b[l] for l in 1..L (index 0 empty)."""

    def __init__(self, W: Sequence[F64], b: Sequence[F64], X: F64, Y: F64, batch_size: int,
                 learning_rate: float, seed: int = 0) -> None:
        """W, b: indexable by l = 1..L (index 0 ignored), copied. X (n[0], m), Y (n[L], m)."""
        L = len(W) - 1
        self.L = L
        self.W: list[F64] = [np.zeros((0, 0))] + [np.array(W[l], np.float64) for l in
                                                  range(1, L + 1)]
        self.b: list[F64] = [np.zeros((0, 0))] + [np.array(b[l], np.float64).reshape(-1, 1)
                                                  for l in range(1, L + 1)]
        self.sizes = [self.W[1].shape[1]] + [self.W[l].shape[0] for l in range(1, L + 1)]
        self.dW = [np.zeros_like(w) for w in self.W]
        self.db = [np.zeros_like(v) for v in self.b]
        self.X, self.Y = np.array(X, np.float64), np.array(Y, np.float64)
        self.learning_rate = learning_rate
        self.rng = np.random.default_rng(seed)
        m = self.X.shape[1]
        size = min(batch_size, m)
        self.shuffle = size < m
        self.Xs, self.Ys = self.X.copy(), self.Y.copy()
        source_X, source_Y = (self.Xs, self.Ys) if self.shuffle else (self.X, self.Y)
        buffers: dict[int, Buffers] = {}
        self.batches: list[tuple[Buffers, F64, F64]] = []
        for start in range(0, m, size):
            x, y = source_X[:, start:start + size], source_Y[:, start:start + size]
            buf = buffers.setdefault(x.shape[1], Buffers(self.sizes, x.shape[1]))
            self.batches.append((buf, x, y))
        self._all = Buffers(self.sizes, m)

    def epoch(self) -> None:
        """One pass over the training set: shuffle (seeded) into Xs, Ys, then a step per batch."""
        if self.shuffle:
            order = self.rng.permutation(self.X.shape[1])
            np.take(self.X, order, axis=1, out=self.Xs)
            np.take(self.Y, order, axis=1, out=self.Ys)
        for buf, x, y in self.batches:
            self.forward(buf, x)
            self.backward(buf, y)
            self.update()

    def forward(self, buf: Buffers, x: F64) -> F64:
        """Ŷ = A[L]; Z[l] = W[l] A[l-1] + b[l], A[l] = tanh(Z[l])."""
        A, Z = buf.A, buf.Z
        A[0] = x
        for l in range(1, self.L + 1):
            np.dot(self.W[l], A[l - 1], out=Z[l])
            np.add(Z[l], self.b[l], out=Z[l])
            np.tanh(Z[l], out=A[l])
        return A[self.L]

    def backward(self, buf: Buffers, y: F64) -> None:
        """dW[l], db[l] of J = (1/m) Σ ½ (ŷ − y)² for the batch of the last forward."""
        L, A, dZ, dA, G = self.L, buf.A, buf.dZ, buf.dA, buf.G
        np.subtract(A[L], y, out=dA[L])                 # ∂L/∂ŷ = ŷ − y
        np.multiply(dA[L], 1.0 / buf.m, out=dA[L])      # the 1/m of J, once
        for l in range(L, 0, -1):
            np.multiply(A[l], A[l], out=G[l])           # tanh'(z) = 1 − A²
            np.subtract(1.0, G[l], out=G[l])
            np.multiply(dA[l], G[l], out=dZ[l])         # dZ[l] = dA[l] ⊙ g'(Z[l])
            np.dot(dZ[l], A[l - 1].T, out=self.dW[l])   # dW[l] = dZ[l] A[l-1]ᵀ
            np.add.reduce(dZ[l], axis=1, keepdims=True, out=self.db[l])  # db[l] = Σᵢ dZ[l]
            if l > 1:
                np.dot(self.W[l].T, dZ[l], out=dA[l - 1])  # dA[l-1] = W[l]ᵀ dZ[l]

    def update(self) -> None:
        """SGD: θ ← θ − α ∇J, one call pair per parameter array."""
        for l in range(1, self.L + 1):
            np.multiply(self.dW[l], self.learning_rate, out=self.dW[l])
            np.subtract(self.W[l], self.dW[l], out=self.W[l])
            np.multiply(self.db[l], self.learning_rate, out=self.db[l])
            np.subtract(self.b[l], self.db[l], out=self.b[l])

    def cost(self) -> float:
        """J = (1/m) Σ ½ (ŷ − y)² on the whole training set."""
        Y_hat = self.forward(self._all, self.X)
        return float(0.5 * np.mean(np.sum((Y_hat - self.Y) ** 2, axis=0)))


class PlainFrame:
    """Float32 forward over the R×R output grid and the r×r neuron grid, one pass per grid.

    Inputs are the raw points (features x1, x2). Every frame copies the float64 weights into
    float32 ones, then runs np.dot, np.add and np.tanh (float32) layer by layer over each whole
    grid; the frame's arrays are reshaped views of the last layers' buffers.
    """

    def __init__(self, W: Sequence[F64], b: Sequence[F64], domain: Domain,
                 resolution: int = 100, neuron_resolution: int = 32) -> None:
        """W, b: the live float64 weights (read at every evaluate), indexable by l = 1..L."""
        self.W64, self.b64 = W, b
        self.L = L = len(W) - 1
        self.W = [np.zeros((0, 0), np.float32)] + [np.empty(W[l].shape, np.float32)
                                                   for l in range(1, L + 1)]
        self.b = [np.zeros((0, 0), np.float32)] + [np.empty((W[l].shape[0], 1), np.float32)
                                                   for l in range(1, L + 1)]
        sizes = [W[1].shape[1]] + [W[l].shape[0] for l in range(1, L + 1)]
        self.grids = []
        for res in (resolution, neuron_resolution):
            buf = Buffers(sizes, res * res, np.float32)
            buf.A[0][...] = grid_points(domain, res)  # the engine's pixel centres
            self.grids.append(buf)
        self.output = self.grids[0].A[L].reshape(sizes[L], resolution, resolution)
        self.neurons = {l: self.grids[1].A[l].reshape(sizes[l], neuron_resolution,
                                                      neuron_resolution)
                        for l in range(1, L)}

    def evaluate(self) -> tuple[F32, dict[int, F32]]:
        """(output (n[L], R, R), {l: (n[l], r, r)}), overwritten by the next call."""
        for l in range(1, self.L + 1):
            np.copyto(self.W[l], self.W64[l], casting="same_kind")
            np.copyto(self.b[l], self.b64[l], casting="same_kind")
        for buf in self.grids:
            A, Z = buf.A, buf.Z
            for l in range(1, self.L + 1):
                np.dot(self.W[l], A[l - 1], out=Z[l])
                np.add(Z[l], self.b[l], out=Z[l])
                np.tanh(Z[l], out=A[l])
        return self.output, self.neurons
