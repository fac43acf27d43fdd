"""A fully connected network, line by line as the course writes it.

X has shape (n[0], m), one column per sample. Forward, for l = 1..L:
    Z[l] = W[l] A[l-1] + b[l],   A[l] = g[l](Z[l]),   A[0] = X,   Ŷ = A[L].
Backward, with dZ[L] = A[L] - Y for the matched output and loss (the chain rule otherwise):
    dW[l] = (1/m) dZ[l] A[l-1]ᵀ,   db[l] = (1/m) Σ_i dZ[l],
    dA[l-1] = W[l]ᵀ dZ[l],         dZ[l-1] = dA[l-1] * g'[l-1](Z[l-1]).
dZ[l] is per sample, as on the slides: the 1/m of J = (1/m) Σ L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾) comes in dW and db.
Lists W, b, Z, A, dZ, dA, dW, db are indexed by l; index 0 is a placeholder (or X for Z, A).

Batch normalization (remedy 4 of vanishing and exploding gradients) is a layer option: between
Z[l] and g[l] it puts Z̃[l] = γ[l] Ẑ[l] + β[l], Ẑ[l] = (Z[l] - μ) / √(σ² + ε), with μ and σ² the
batch's mean and variance of each unit while training, their running averages otherwise.

This is the reference, written for reading. The trainer, the grids and the metrics run the same
arithmetic on preallocated buffers (engine/fast_network.py, tested equal to this).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from engine import initializers, losses
from engine.activations import Activation
from engine.activations import get as get_activation
from engine.parameters import NONE, Parameters, RunningStatistics
from engine.registry import Array

EPSILON = 1e-5
"""ε of batch normalization: keeps √(σ² + ε) away from 0 for a unit constant over a batch."""
MOMENTUM = 0.9
"""Running averages of batch normalization: μ_run ← 0.9 μ_run + 0.1 μ (and σ² alike)."""


class Network:
    """Fully connected network: sizes [n0, ..., nL], one activation name per layer 1..L,
    and (optionally) which layers batch-normalize (never the output layer)."""

    def __init__(self, sizes: list[int], activations: list[str], init: str = "xavier",
                 seed: int | None = None, batch_norm: Sequence[bool] | None = None) -> None:
        _check_architecture(sizes, activations, batch_norm)
        self.sizes = [int(n) for n in sizes]
        self.activations = list(activations)
        self.L = L = len(self.sizes) - 1
        self.batch_norm = [bool(x) for x in batch_norm] if batch_norm else [False] * L
        """One flag per layer 1..L, like `activations`."""
        self.init, self.seed = init, seed
        # g[0] is the identity: A[0] = X.
        self.g: list[Activation] = [get_activation("linear")]
        self.g += [get_activation(name) for name in self.activations]
        self.params = Parameters(self.sizes, batch_norm=self.batch_norm)
        self.W, self.b = self.params.W, self.params.b
        self.gamma, self.beta = self.params.gamma, self.params.beta
        self.running = RunningStatistics(self.sizes, self.params.batch_norm)
        self.running_mean, self.running_var = self.running.mean, self.running.var
        make_W = initializers.get(init)
        rng = np.random.default_rng(seed)
        for l in range(1, L + 1):
            self.W[l] = make_W(self.sizes[l], self.sizes[l - 1], rng)
            if self.normalizes(l):
                self.gamma[l] = np.ones((self.sizes[l], 1))  # Ẑ as it is, to start with
        self.Z: list[Array] = []
        self.A: list[Array] = []
        self.Z_hat: list[Array] = []
        self.Z_tilde: list[Array] = []
        self.mu: list[Array] = []
        self.sigma: list[Array] = []
        self.dZ: list[Array] = []
        self.dA: list[Array] = []
        self.dW: list[Array] = []
        self.db: list[Array] = []
        self.dgamma: list[Array] = []
        self.dbeta: list[Array] = []
        self._batch_statistics = True

    def normalizes(self, l: int) -> bool:
        """True when layer l (1..L) batch-normalizes Z[l]."""
        return self.params.batch_norm[l]

    def num_params(self) -> int:
        """Σ_l n[l] (n[l-1] + 1) weights and biases, plus 2 n[l] (γ, β) per normalized layer."""
        return int(self.params.flat.size)

    def forward(self, X: Array, training: bool = True) -> Array:
        """Ŷ = A[L] for X of shape (n[0], m); keeps every Z[l], A[l] in net.Z, net.A.
        `training`: batch normalization uses the batch's μ, σ² (else the running ones);
        the trainer, not this pass, updates the running averages."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[0] != self.sizes[0]:
            raise ValueError(f"X: expected shape ({self.sizes[0]}, m), got {X.shape}")
        self._batch_statistics = training
        self.Z, self.A = [X], [X]
        self.Z_hat, self.Z_tilde, self.mu, self.sigma = [NONE], [X], [NONE], [NONE]
        for l in range(1, self.L + 1):
            self.Z.append(self.W[l] @ self.A[l - 1] + self.b[l])   # Z[l] = W[l] A[l-1] + b[l]
            self.Z_tilde.append(self._normalize(l, training))      # Z̃[l] (Z[l] itself w/o BN)
            self.A.append(self.g[l](self.Z_tilde[l]))               # A[l] = g[l](Z[l])
        return self.A[self.L]

    def _normalize(self, l: int, training: bool) -> Array:
        """Z̃[l] = γ[l] Ẑ[l] + β[l], Ẑ[l] = (Z[l] - μ) / σ, σ = √(σ² + ε), per unit."""
        Z = self.Z[l]
        if not self.normalizes(l):
            self.Z_hat.append(NONE)
            self.mu.append(NONE)
            self.sigma.append(NONE)
            return Z
        if training:
            mu = Z.mean(axis=1, keepdims=True)                     # μ = (1/m) Σ_i Z[:, i]
            var = ((Z - mu) ** 2).mean(axis=1, keepdims=True)      # σ² = (1/m) Σ_i (Z - μ)²
        else:
            mu, var = self.running_mean[l], self.running_var[l]
        self.mu.append(mu)
        self.sigma.append(np.sqrt(var + EPSILON))
        self.Z_hat.append((Z - mu) / self.sigma[l])
        return self.gamma[l] * self.Z_hat[l] + self.beta[l]

    def backward(self, Y: Array, loss: str | losses.Loss) -> tuple[list[Array], list[Array]]:
        """(dW, db) of J = (1/m) Σ L(ŷ, y) for the last forward's X; Y has shape (n[L], m).
        Every dZ[l], dA[l] stays in net.dZ, net.dA (and dγ, dβ in net.dgamma, net.dbeta)."""
        if not self.A:
            raise ValueError("backward needs a forward pass first")
        L, g, A, Z_tilde = self.L, self.g, self.A, self.Z_tilde
        if np.shape(Y) != A[L].shape:
            raise ValueError(f"Y: expected shape {A[L].shape}, got {np.shape(Y)}")
        Y = np.asarray(Y, dtype=np.float64)
        fn = losses.get(loss) if isinstance(loss, str) else loss
        m = Y.shape[1]
        self.dZ, self.dA = [NONE] * (L + 1), [NONE] * (L + 1)
        self.dW, self.db = [NONE] * (L + 1), [NONE] * (L + 1)
        self.dgamma, self.dbeta = [NONE] * (L + 1), [NONE] * (L + 1)
        self.dA[L] = fn.gradient(A[L], Y, out=np.empty_like(Y))    # dA[L] = ∂L/∂Ŷ
        if g[L].name == fn.fused_with:
            self.dZ[L] = A[L] - Y                                   # dZ[L] = A[L] - Y
        else:
            self.dZ[L] = g[L].backward(self.dA[L], Z_tilde[L], A[L],  # dA[L] * g'[L](Z[L])
                                       out=np.empty_like(Y))
        for l in range(L, 0, -1):
            self.dW[l] = (1 / m) * self.dZ[l] @ A[l - 1].T          # dW[l] = (1/m) dZ[l] A[l-1]ᵀ
            self.db[l] = (1 / m) * self.dZ[l].sum(axis=1, keepdims=True)  # db[l] = (1/m) Σ dZ[l]
            if l > 1:
                self.dA[l - 1] = self.W[l].T @ self.dZ[l]           # dA[l-1] = W[l]ᵀ dZ[l]
                # dZ[l-1] = dA[l-1] * g'[l-1](Z[l-1]), then back through BN if the layer has it
                dZ_tilde = g[l - 1].backward(self.dA[l - 1], Z_tilde[l - 1], A[l - 1],
                                             out=np.empty_like(self.dA[l - 1]))
                self.dZ[l - 1] = self._normalize_backward(l - 1, dZ_tilde, m)
        return self.dW, self.db

    def _normalize_backward(self, l: int, dZ_tilde: Array, m: int) -> Array:
        """dZ[l] from dZ̃[l] = dA[l] * g'[l](Z̃[l]); dγ[l] and dβ[l] on the way."""
        if not self.normalizes(l):
            return dZ_tilde
        Z_hat = self.Z_hat[l]
        self.dgamma[l] = (1 / m) * (dZ_tilde * Z_hat).sum(axis=1, keepdims=True)
        self.dbeta[l] = (1 / m) * dZ_tilde.sum(axis=1, keepdims=True)
        dZ_hat = self.gamma[l] * dZ_tilde
        if not self._batch_statistics:
            return dZ_hat / self.sigma[l]        # fixed μ, σ: Z̃ is an affine map of Z
        # μ and σ depend on every column: Ẑ's mean 0 and variance 1 take their share out.
        dZ: Array = (dZ_hat - dZ_hat.mean(axis=1, keepdims=True)
                     - Z_hat * (dZ_hat * Z_hat).mean(axis=1, keepdims=True)) / self.sigma[l]
        return dZ

    def cost(self, X: Array, Y: Array, loss: str | losses.Loss, training: bool = True) -> float:
        """J = (1/m) Σ L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾) on X (n[0], m) and Y (n[L], m)."""
        fn = losses.get(loss) if isinstance(loss, str) else loss
        A_L = self.forward(X, training)
        return losses.cost(fn, self.g[self.L], self.Z[self.L], A_L, np.asarray(Y, np.float64))

    def to_dict(self) -> dict[str, Any]:
        """Architecture and exact parameters as plain lists and floats (JSON-safe, bit-exact)."""
        out: dict[str, Any] = {
            "sizes": list(self.sizes),
            "activations": list(self.activations),
            "init": self.init,
            "seed": self.seed,
            "W": [self.W[l].tolist() for l in range(1, self.L + 1)],
            "b": [self.b[l].tolist() for l in range(1, self.L + 1)],
        }
        if any(self.batch_norm):
            out["batch_norm"] = list(self.batch_norm)
            for key in NORM_KEYS:
                out[key] = [getattr(self, key)[l].tolist() if self.normalizes(l) else None
                            for l in range(1, self.L + 1)]
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Network:
        """Rebuild a network saved by to_dict, parameters bit for bit."""
        for key in ("sizes", "activations", "W", "b"):
            if key not in d:
                raise ValueError(f"model.{key}: missing")
        net = cls(d["sizes"], d["activations"], init="zeros", seed=None,
                  batch_norm=d.get("batch_norm"))
        net.init, net.seed = d.get("init", "xavier"), d.get("seed")
        keys = ("W", "b", *NORM_KEYS) if any(net.batch_norm) else ("W", "b")
        for key in keys:
            values = d.get(key)
            if not isinstance(values, list) or len(values) != net.L:
                raise ValueError(f"model.{key}: expected a list of {net.L} layers")
            for l in range(1, net.L + 1):
                if key in NORM_KEYS and not net.normalizes(l):
                    continue
                try:
                    getattr(net, key)[l] = values[l - 1]
                except (ValueError, TypeError) as exc:
                    raise ValueError(f"model.{key}[{l}]: {exc}") from None
        return net

    def copy(self) -> Network:
        """An independent network with the same architecture and parameters."""
        return Network.from_dict(self.to_dict())

    def assign(self, other: Network) -> None:
        """Take other's parameters and running statistics (same sizes and normalized layers)."""
        self.params.flat[...] = other.params.flat
        self.running.flat[...] = other.running.flat

    def __repr__(self) -> str:
        shape = "-".join(str(n) for n in self.sizes)
        names = "/".join(a + ("+bn" if bn else "")
                         for a, bn in zip(self.activations, self.batch_norm, strict=True))
        return f"Network({shape}, {names}, {self.num_params()} params)"


NORM_KEYS = ("gamma", "beta", "running_mean", "running_var")
"""A normalized layer's state in to_dict: γ, β (learned) and the running μ, σ²."""


def _check_architecture(sizes: list[int], names: list[str],
                        batch_norm: Sequence[bool] | None) -> None:
    if not isinstance(sizes, list | tuple) or len(sizes) < 2:
        raise ValueError("sizes: expected [n0, n1, ..., nL] with at least one layer")
    for i, n in enumerate(sizes):
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
            raise ValueError(f"sizes[{i}]: expected a positive integer, got {n!r}")
    if not isinstance(names, list | tuple) or len(names) != len(sizes) - 1:
        raise ValueError(f"activations: expected {len(sizes) - 1} names, one per layer 1..L")
    for i, name in enumerate(names):
        try:
            get_activation(name)
        except ValueError as exc:
            raise ValueError(f"activations[{i}]: {exc}") from None
    if batch_norm is not None:
        if not isinstance(batch_norm, list | tuple) or len(batch_norm) != len(names):
            raise ValueError(f"batch_norm: expected {len(names)} flags, one per layer 1..L")
        if batch_norm[-1]:
            raise ValueError("batch_norm: the output layer is not normalized")
