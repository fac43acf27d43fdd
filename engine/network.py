"""A fully connected network in the course's notation.

X has shape (n[0], m), one column per sample. For l = 1..L:
    Z[l] = W[l] A[l-1] + b[l],   A[l] = g[l](Z[l]),   A[0] = X,   Ŷ = A[L].
Lists W, b, Z, A, dZ, dW, db are indexed by l; index 0 is a placeholder (or X for A).

All W[l] and b[l] live in one flat vector θ, as the blocks [W[l] | b[l]], so that an optimizer
updates every parameter in one call and Z[l] is one product [W[l] b[l]] [A[l-1]; 1].
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from engine import initializers, losses
from engine.activations import Activation
from engine.activations import get as get_activation
from engine.registry import Array

F = npt.NDArray[Any]
_NONE = np.zeros((0, 0))


class ParamList(list[Array]):
    """W[l] or b[l] for l in 1..L. Assigning an array copies it into the existing storage."""

    def __setitem__(self, l: Any, value: Any) -> None:
        target = list.__getitem__(self, l)
        new = np.asarray(value, dtype=np.float64)
        if new.shape != target.shape:
            raise ValueError(f"layer {l}: expected shape {target.shape}, got {new.shape}")
        target[...] = new


class Parameters:
    """W[l] (n[l], n[l-1]) and b[l] (n[l], 1) as views into one flat vector (float64, or
    float32 for a copy the display passes run on)."""

    def __init__(self, sizes: list[int], dtype: type = np.float64) -> None:
        self.sizes = list(sizes)
        L = len(sizes) - 1
        self.flat: Array = np.zeros(sum(sizes[l] * (sizes[l - 1] + 1) for l in range(1, L + 1)),
                                    dtype)
        self.Wb: list[Array] = [_NONE]
        mask = np.zeros_like(self.flat)
        start = 0
        for l in range(1, L + 1):
            rows, cols = sizes[l], sizes[l - 1] + 1
            self.Wb.append(self.flat[start:start + rows * cols].reshape(rows, cols))
            mask[start:start + rows * cols].reshape(rows, cols)[:, :-1] = 1.0
            start += rows * cols
        self.W = ParamList([_NONE] + [Wb[:, :-1] for Wb in self.Wb[1:]])
        self.b = ParamList([_NONE] + [Wb[:, -1:] for Wb in self.Wb[1:]])
        self.weight_mask: Array = mask
        """1 on the entries of every W[l], 0 on the biases (regularization skips biases)."""


class Workspace:
    """Preallocated Z, A, dZ, dA for batches of m columns (dZ, dA only with `backward`).

    A1[l] is [A[l]; 1], shape (n[l] + 1, m): its last row of ones multiplies b[l].
    `memory` (forward only): a flat buffer of at least `forward_size(sizes, m)` elements that
    holds A1[l] and Z[l] for l >= 1, e.g. one shared by workspaces never used at the same
    time (then call `restore_ones` before a forward pass); `inputs`: A1[0] to use as it is.
    """

    def __init__(self, sizes: list[int], m: int, dtype: type = np.float64,
                 backward: bool = True, memory: F | None = None,
                 inputs: F | None = None) -> None:
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
        self.dZ: list[F] = []
        self.dA1: list[F] = []
        self.dA: list[F] = []
        if backward:
            self.dZ = [_NONE] + [np.empty((sizes[l], m), dtype) for l in range(1, L + 1)]
            # dA1[l] has a spare last row: [W b]ᵀ dZ is written without a copy of Wᵀ.
            self.dA1 = [_NONE] + [np.empty((n + 1, m), dtype) for n in sizes[1:]]
            self.dA = [_NONE] + [a1[:-1] for a1 in self.dA1[1:]]

    @staticmethod
    def forward_size(sizes: list[int], m: int) -> int:
        """Elements of `memory` that A1[l] and Z[l], l >= 1, take."""
        return sum(2 * n + 1 for n in sizes[1:]) * m

    def restore_ones(self) -> None:
        """Write the rows of ones of every A1[l] again."""
        for a1 in self.A1:
            a1[-1] = 1.0


def forward_pass(Wb: list[F], g: list[Activation], ws: Workspace) -> F:
    """Ŷ = A[L] for the input already in ws.A1[0]; every Z[l], A[l] stays in ws."""
    # np.dot, not matmul: with out= on small matrices it has far less overhead per call.
    for l in range(1, len(Wb)):
        np.dot(Wb[l], ws.A1[l - 1], out=ws.Z[l])       # Z[l] = W[l] A[l-1] + b[l]
        g[l].forward(ws.Z[l], out=ws.A[l])             # A[l] = g[l](Z[l])
    return ws.A[-1]


class Network:
    """Fully connected network: sizes [n0, ..., nL], one activation name per layer 1..L."""

    def __init__(self, sizes: list[int], activations: list[str], init: str = "xavier",
                 seed: int | None = None) -> None:
        _check_architecture(sizes, activations)
        self.sizes = [int(n) for n in sizes]
        self.activations = list(activations)
        self.L = len(self.sizes) - 1
        self.init = init
        self.seed = seed
        # g[0] is the identity: A[0] = X.
        self.g: list[Activation] = [get_activation("linear")]
        self.g += [get_activation(name) for name in self.activations]
        self.params = Parameters(self.sizes)
        self.W, self.b = self.params.W, self.params.b
        make_W = initializers.get(init)
        rng = np.random.default_rng(seed)
        for l in range(1, self.L + 1):
            self.W[l] = make_W(self.sizes[l], self.sizes[l - 1], rng)
        self.WbT: list[Array] = [Wb.T for Wb in self.params.Wb]
        self._ws: Workspace | None = None
        self.Z: list[Array] = []
        self.A: list[Array] = []
        self.dZ: list[Array] = []

    def num_params(self) -> int:
        """Σ_l n[l] (n[l-1] + 1): every weight and bias."""
        return int(self.params.flat.size)

    def forward(self, X: Array, ws: Workspace | None = None) -> Array:
        """Ŷ = A[L] for X of shape (n[0], m); keeps Z[l] and A[l] in net.Z, net.A."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[0] != self.sizes[0]:
            raise ValueError(f"X: expected shape ({self.sizes[0]}, m), got {X.shape}")
        if ws is None:
            ws = Workspace(self.sizes, X.shape[1])
        ws.A[0][...] = X
        return self._forward(ws)

    def _forward(self, ws: Workspace) -> Array:
        """Forward pass on the input already in ws (the trainer's allocation-free path)."""
        self._ws = ws
        self.Z, self.A, self.dZ = ws.Z, ws.A, ws.dZ
        return forward_pass(self.params.Wb, self.g, ws)

    def backward(self, Y: Array, loss: str | losses.Loss,
                 grads: Parameters | None = None) -> tuple[list[Array], list[Array]]:
        """(dW, db) of J = (1/m) Σ L(ŷ, y) for the last forward's X; Y has shape (n[L], m)."""
        ws = self._ws
        if ws is None:
            raise ValueError("backward needs a forward pass first")
        if np.shape(Y) != ws.A[self.L].shape:
            raise ValueError(f"Y: expected shape {ws.A[self.L].shape}, got {np.shape(Y)}")
        if grads is None:
            grads = Parameters(self.sizes)
        fn = losses.get(loss) if isinstance(loss, str) else loss
        self._backward(np.asarray(Y, dtype=np.float64), fn, ws, grads)
        return grads.W, grads.b

    def _backward(self, Y: Array, loss: losses.Loss, ws: Workspace, grads: Parameters) -> None:
        L, g, Z, A, dZ, dA = self.L, self.g, ws.Z, ws.A, ws.dZ, ws.dA
        # dZ[L] carries the 1/m of J, so every dW[l] below is already averaged over the batch.
        losses.output_delta(loss, g[L], Z[L], A[L], Y, dA[L], dZ[L], 1.0 / ws.m)
        for l in range(L, 0, -1):
            np.dot(dZ[l], ws.A1T[l - 1], out=grads.Wb[l])  # [dW[l] db[l]] = dZ[l] [A[l-1]; 1]ᵀ
            if l > 1:
                np.dot(self.WbT[l], dZ[l], out=ws.dA1[l - 1])  # dA[l-1] = W[l]ᵀ dZ[l], spare row
                g[l - 1].backward(dA[l - 1], Z[l - 1], A[l - 1], out=dZ[l - 1])  # ⊙ g'(Z[l-1])

    def cost(self, X: Array, Y: Array, loss: str | losses.Loss) -> float:
        """J = (1/m) Σ L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾) on X (n[0], m) and Y (n[L], m)."""
        fn = losses.get(loss) if isinstance(loss, str) else loss
        A_L = self.forward(X)
        return losses.cost(fn, self.g[self.L], self.Z[self.L], A_L, np.asarray(Y, np.float64))

    def to_dict(self) -> dict[str, Any]:
        """Architecture and exact weights as plain lists and floats (JSON-safe, bit-exact)."""
        return {
            "sizes": list(self.sizes),
            "activations": list(self.activations),
            "init": self.init,
            "seed": self.seed,
            "W": [self.W[l].tolist() for l in range(1, self.L + 1)],
            "b": [self.b[l].tolist() for l in range(1, self.L + 1)],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Network:
        """Rebuild a network saved by to_dict, weights bit for bit."""
        for key in ("sizes", "activations", "W", "b"):
            if key not in d:
                raise ValueError(f"model.{key}: missing")
        net = cls(d["sizes"], d["activations"], init="zeros", seed=None)
        net.init, net.seed = d.get("init", "xavier"), d.get("seed")
        for key in ("W", "b"):
            values = d[key]
            if not isinstance(values, list) or len(values) != net.L:
                raise ValueError(f"model.{key}: expected a list of {net.L} layers")
            for l in range(1, net.L + 1):
                try:
                    getattr(net, key)[l] = values[l - 1]
                except (ValueError, TypeError) as exc:
                    raise ValueError(f"model.{key}[{l}]: {exc}") from None
        return net

    def copy(self) -> Network:
        """An independent network with the same architecture and weights."""
        return Network.from_dict(self.to_dict())

    def __repr__(self) -> str:
        shape = "-".join(str(n) for n in self.sizes)
        return f"Network({shape}, {'/'.join(self.activations)}, {self.num_params()} params)"


def _check_architecture(sizes: list[int], names: list[str]) -> None:
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
