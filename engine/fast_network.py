"""The network's arithmetic on preallocated buffers: what the trainer, grids and metrics run.

engine/network.py is the course's reference; this module computes the same numbers (tested
equal to 1e-12, tests/engine/test_fast_network.py) without allocating per mini-batch:
- Z[l] is one product [W[l] b[l]] [A[l-1]; 1]: θ stores the blocks [W[l] | b[l]] and every
  A[l] keeps a row of ones under it (A1[l]);
- dZ[L] carries the 1/m of J, so every [dW[l] db[l]] = dZ[l] [A[l-1]; 1]ᵀ is already averaged;
- inference (grids, metrics) folds each batch normalization with its running statistics into
  W[l] and b[l]: it is the affine map s ⊙ Z + (β - s ⊙ μ), s = γ / √(σ² + ε).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from engine import losses
from engine.activations import Activation
from engine.network import EPSILON, MOMENTUM, Network
from engine.parameters import NONE, Parameters

F = npt.NDArray[Any]


class Workspace:
    """Preallocated Z, A, dZ, dA for batches of m columns (dZ, dA only with `backward`).

    A1[l] is [A[l]; 1], shape (n[l] + 1, m): its last row of ones multiplies b[l].
    `memory` (forward only): a flat buffer of at least `forward_size(sizes, m)` elements that
    holds A1[l] and Z[l] for l >= 1, e.g. one shared by workspaces never used at the same
    time (then call `restore_ones` before a forward pass); `inputs`: A1[0] to use as it is.
    `batch_norm` (flags by l): buffers for Ẑ[l], Z̃[l], μ, 1/σ and dZ̃[l] of those layers.
    """

    def __init__(self, sizes: list[int], m: int, dtype: type = np.float64,
                 backward: bool = True, memory: F | None = None,
                 inputs: F | None = None, batch_norm: list[bool] | None = None) -> None:
        L = len(sizes) - 1
        self.m = m
        self.A1: list[F] = [inputs if inputs is not None else np.empty((sizes[0] + 1, m), dtype)]
        start = 0
        for n in sizes[1:]:
            if memory is None:
                self.A1.append(np.empty((n + 1, m), dtype))
            else:
                self.A1.append(memory[start:start + (n + 1) * m].reshape(n + 1, m))
                start += (n + 1) * m
        self.restore_ones()
        self.A: list[F] = [a1[:n] for a1, n in zip(self.A1, sizes, strict=True)]
        self.A1T: list[F] = [a1.T for a1 in self.A1]
        self.Z: list[F] = [self.A[0]]
        for n in sizes[1:]:
            if memory is None:
                self.Z.append(np.empty((n, m), dtype))
            else:
                self.Z.append(memory[start:start + n * m].reshape(n, m))
                start += n * m
        normed = batch_norm or [False] * (L + 1)
        new = [l for l in range(1, L + 1) if normed[l]]
        self.Z_hat: list[F] = [NONE] * (L + 1)
        self.Z_tilde: list[F] = list(self.Z)
        """g[l]'s input: Z[l] itself, or γ Ẑ[l] + β of a normalized layer."""
        self.mu, self.inv_sigma, self.scale = ([NONE] * (L + 1) for _ in range(3))
        for l in new:
            self.Z_hat[l], self.Z_tilde[l] = (np.empty((sizes[l], m), dtype) for _ in range(2))
            self.mu[l], self.inv_sigma[l], self.scale[l] = (np.empty((sizes[l], 1), dtype)
                                                           for _ in range(3))
        self.dZ: list[F] = []
        self.dZ_tilde: list[F] = []
        self.dA1: list[F] = []
        self.dA: list[F] = []
        if backward:
            self.dZ = [NONE] + [np.empty((sizes[l], m), dtype) for l in range(1, L + 1)]
            self.dZ_tilde = list(self.dZ)
            for l in new:
                self.dZ_tilde[l] = np.empty((sizes[l], m), dtype)
            # dA1[l] has a spare last row: [W b]ᵀ dZ is written without a copy of Wᵀ.
            self.dA1 = [NONE] + [np.empty((n + 1, m), dtype) for n in sizes[1:]]
            self.dA = [NONE] + [a1[:-1] for a1 in self.dA1[1:]]

    @staticmethod
    def forward_size(sizes: list[int], m: int) -> int:
        """Elements of `memory` that A1[l] and Z[l], l >= 1, take."""
        return sum(2 * n + 1 for n in sizes[1:]) * m

    def restore_ones(self) -> None:
        """Write the rows of ones of every A1[l] again."""
        for a1 in self.A1:
            a1[-1] = 1.0


def forward_pass(Wb: list[F], g: list[Activation], ws: Workspace) -> F:
    """Ŷ = A[L] for the input already in ws.A1[0], without batch normalization (give Wb from
    `fold`); every Z[l], A[l] stays in ws."""
    # np.dot, not matmul: with out= on small matrices it has far less overhead per call.
    for l in range(1, len(Wb)):
        np.dot(Wb[l], ws.A1[l - 1], out=ws.Z[l])       # Z[l] = W[l] A[l-1] + b[l]
        g[l].forward(ws.Z[l], out=ws.A[l])             # A[l] = g[l](Z[l])
    return ws.A[-1]


def fold(net: Network, out: Parameters) -> list[F]:
    """The blocks [W[l] | b[l]] of net as inference computes it, in out (a Parameters without
    batch normalization, any dtype): each normalized layer folded with its running statistics.
    Returns out.Wb."""
    params = net.params
    np.copyto(out.flat, params.flat[:params.blocks_size], casting="same_kind")
    for l in range(1, net.L + 1):
        if net.normalizes(l):
            s = net.gamma[l] / np.sqrt(net.running_var[l] + EPSILON)
            np.copyto(out.W[l], s * net.W[l], casting="same_kind")
            np.copyto(out.b[l], s * (net.b[l] - net.running_mean[l]) + net.beta[l],
                      casting="same_kind")
    return out.Wb


class TrainingPath:
    """One mini-batch's forward (batch statistics) and backward passes of net, in a Workspace
    made by `workspace`, gradients written into a Parameters of net's layout."""

    def __init__(self, net: Network) -> None:
        self.net = net
        self.Wb = net.params.Wb
        self.WbT = [Wb.T for Wb in net.params.Wb]
        self.normed = net.params.batch_norm
        """normed[l]: layer l batch-normalizes (index 0 is False)."""

    def workspace(self, m: int) -> Workspace:
        return Workspace(self.net.sizes, m, batch_norm=self.net.params.batch_norm)

    def forward(self, ws: Workspace) -> F:
        """Ŷ = A[L] for the input already in ws.A1[0]; updates the running statistics."""
        g = self.net.g
        for l in range(1, self.net.L + 1):
            np.dot(self.Wb[l], ws.A1[l - 1], out=ws.Z[l])      # Z[l] = W[l] A[l-1] + b[l]
            if self.normed[l]:
                self._normalize(l, ws)                         # Z̃[l] = γ Ẑ[l] + β
            g[l].forward(ws.Z_tilde[l], out=ws.A[l])           # A[l] = g[l](Z̃[l])
        return ws.A[-1]

    def _normalize(self, l: int, ws: Workspace) -> None:
        net, Z, Z_hat, Z_tilde = self.net, ws.Z[l], ws.Z_hat[l], ws.Z_tilde[l]
        mu, inv_sigma = ws.mu[l], ws.inv_sigma[l]
        # ufunc.reduce, not np.mean: far less overhead per call on these small arrays.
        np.add.reduce(Z, axis=1, keepdims=True, out=mu)
        np.multiply(mu, 1.0 / ws.m, out=mu)                    # μ = (1/m) Σ_i Z
        np.subtract(Z, mu, out=Z_hat)
        np.multiply(Z_hat, Z_hat, out=Z_tilde)                 # scratch: (Z - μ)²
        np.add.reduce(Z_tilde, axis=1, keepdims=True, out=inv_sigma)
        np.multiply(inv_sigma, 1.0 / ws.m, out=inv_sigma)      # σ², for now
        for running, batch in ((net.running_mean[l], mu), (net.running_var[l], inv_sigma)):
            np.multiply(running, MOMENTUM, out=running)        # run ← 0.9 run + 0.1 batch
            np.multiply(batch, 1.0 - MOMENTUM, out=ws.scale[l])
            np.add(running, ws.scale[l], out=running)
        np.add(inv_sigma, EPSILON, out=inv_sigma)
        np.sqrt(inv_sigma, out=inv_sigma)
        np.divide(1.0, inv_sigma, out=inv_sigma)
        np.multiply(Z_hat, inv_sigma, out=Z_hat)
        np.multiply(Z_hat, net.gamma[l], out=Z_tilde)
        np.add(Z_tilde, net.beta[l], out=Z_tilde)

    def backward(self, Y: F, loss: losses.Loss, ws: Workspace, grads: Parameters) -> None:
        """∇J of the last forward in ws into grads (same layout as net.params)."""
        L, g, Z, A, dZ, dA = self.net.L, self.net.g, ws.Z_tilde, ws.A, ws.dZ, ws.dA
        # dZ[L] carries the 1/m of J, so every dW[l] below is already averaged over the batch.
        losses.output_delta(loss, g[L], Z[L], A[L], Y, dA[L], dZ[L], 1.0 / ws.m)
        for l in range(L, 0, -1):
            np.dot(dZ[l], ws.A1T[l - 1], out=grads.Wb[l])  # [dW[l] db[l]] = dZ[l] [A[l-1]; 1]ᵀ
            if l > 1:
                np.dot(self.WbT[l], dZ[l], out=ws.dA1[l - 1])  # dA[l-1] = W[l]ᵀ dZ[l], spare row
                k = l - 1
                g[k].backward(dA[k], Z[k], A[k], out=ws.dZ_tilde[k])  # dA ⊙ g'(Z̃[l-1])
                if self.normed[k]:
                    self._normalize_backward(k, ws, grads)

    def _normalize_backward(self, l: int, ws: Workspace, grads: Parameters) -> None:
        """dZ[l] = γ/σ (dZ̃ - mean dZ̃ - Ẑ mean(dZ̃ Ẑ)); dγ = Σ dZ̃ Ẑ, dβ = Σ dZ̃ (1/m folded)."""
        dZ, dZ_tilde, Z_hat = ws.dZ[l], ws.dZ_tilde[l], ws.Z_hat[l]
        dgamma, dbeta, scale = grads.gamma[l], grads.beta[l], ws.scale[l]
        np.multiply(dZ_tilde, Z_hat, out=dZ)                   # scratch
        np.add.reduce(dZ, axis=1, keepdims=True, out=dgamma)
        np.add.reduce(dZ_tilde, axis=1, keepdims=True, out=dbeta)
        np.multiply(Z_hat, dgamma, out=dZ)                     # mean(dZ̃ Ẑ) = dγ / m
        np.add(dZ, dbeta, out=dZ)                              # mean(dZ̃) = dβ / m
        np.multiply(dZ, -1.0 / ws.m, out=dZ)
        np.add(dZ, dZ_tilde, out=dZ)
        np.multiply(self.net.gamma[l], ws.inv_sigma[l], out=scale)
        np.multiply(dZ, scale, out=dZ)
