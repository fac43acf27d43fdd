"""The matrix inspector: the actual numbers of one forward and one backward pass, layer by layer.

Meant for small data (the four-student example): every matrix of the course with its shape.
Forward: Z[l] = W[l] A[l-1] + b[l], A[l] = g[l](Z[l]).
Backward: dZ[L] = ∂L/∂Z[L] per sample (Ŷ - Y for sigmoid+bce, softmax+cce, linear+mse),
dW[l] = (1/m) dZ[l] A[l-1]ᵀ, db[l] = (1/m) Σ_i dZ[l][:, i], dA[l-1] = W[l]ᵀ dZ[l],
dZ[l-1] = dA[l-1] ⊙ g'[l-1](Z[l-1]). dZ is per sample as on the slides; the 1/m comes in dW, db.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import losses
from engine.network import Network
from engine.registry import Array


@dataclass(frozen=True)
class LayerTrace:
    """Layer l's matrices: W (n[l], n[l-1]), b (n[l], 1); Z, A, dA, dZ (n[l], m); dW, db."""

    l: int
    activation: str
    W: Array
    b: Array
    Z: Array
    A: Array
    dA: Array
    dZ: Array
    dW: Array
    db: Array
    norm: NormTrace | None = None
    """Batch normalization between Z and g, if the layer has it."""


@dataclass(frozen=True)
class NormTrace:
    """γ, β, the batch's μ and σ = √(σ² + ε) (n[l], 1), Z̃ = γ (Z - μ)/σ + β (n[l], m), and the
    gradients dγ, dβ: A = g(Z̃), and dZ is taken through the normalization."""

    gamma: Array
    beta: Array
    mu: Array
    sigma: Array
    Z_tilde: Array
    dgamma: Array
    dbeta: Array


@dataclass(frozen=True)
class Inspection:
    """X (n[0], m), Y and Ŷ (n[L], m), the cost J, and layers[l - 1] for l = 1..L."""

    X: Array
    Y: Array
    Y_hat: Array
    loss: str
    J: float
    layers: list[LayerTrace]

    @property
    def m(self) -> int:
        return int(self.X.shape[1])

    def layer(self, l: int) -> LayerTrace:
        """The trace of layer l (1..L)."""
        if not 1 <= l <= len(self.layers):
            raise ValueError(f"layer: expected 1..{len(self.layers)}, got {l}")
        return self.layers[l - 1]

    def steps(self) -> list[tuple[str, int]]:
        """The order of the course: ("Z", 1), ("A", 1), …, ("A", L), ("dZ", L), ("dW", L), …"""
        L = len(self.layers)
        out = [(name, l) for l in range(1, L + 1) for name in ("Z", "A")]
        for l in range(L, 0, -1):
            if l < L:
                out += [("dA", l), ("dZ", l)]
            else:
                out.append(("dZ", l))
            out += [("dW", l), ("db", l)]
        return out


def _check(net: Network, X: Array, Y: Array) -> tuple[Array, Array]:
    X = np.array(X, dtype=np.float64)
    Y = np.array(Y, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] != net.sizes[0] or X.shape[1] < 1:
        raise ValueError(f"X: expected shape ({net.sizes[0]}, m) with m >= 1, got {X.shape}")
    if Y.shape != (net.sizes[-1], X.shape[1]):
        raise ValueError(f"Y: expected shape ({net.sizes[-1]}, {X.shape[1]}), got {Y.shape}")
    return X, Y


def inspect(net: Network, X: Array, Y: Array, loss: str) -> Inspection:
    """One forward and one backward pass of the course (net.forward, net.backward) on X (n[0], m),
    Y (n[L], m), every matrix copied out. Batch normalization uses the batch's statistics, as a
    training step does."""
    X, Y = _check(net, X, Y)
    fn = losses.get(loss)
    L = net.L
    net.forward(X)
    net.backward(Y, fn)
    traces = [LayerTrace(l, net.activations[l - 1], net.W[l].copy(), net.b[l].copy(), net.Z[l],
                         net.A[l], net.dA[l], net.dZ[l], net.dW[l], net.db[l], _norm(net, l))
              for l in range(1, L + 1)]
    J = losses.cost(fn, net.g[L], net.Z[L], net.A[L], Y)
    return Inspection(X, Y, net.A[L], fn.name, J, traces)


def _norm(net: Network, l: int) -> NormTrace | None:
    if not net.normalizes(l):
        return None
    return NormTrace(net.gamma[l].copy(), net.beta[l].copy(), net.mu[l], net.sigma[l],
                     net.Z_tilde[l], net.dgamma[l], net.dbeta[l])
