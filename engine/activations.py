"""Activation functions g and their derivatives g', in place on (n[l], m) arrays.

Each activation writes A = g(Z) into `out` and gives dZ = dA * g'(Z) in `backward`;
derivatives are written from the saved output A where the course does (sigmoid, tanh).
The same code runs on float64 (training) and float32 (display grids).
"""

from typing import Any

import numpy as np
import numpy.typing as npt

from engine.registry import lookup

F = npt.NDArray[Any]

LEAKY_SLOPE = 0.01
ELU_ALPHA = 1.0


class Activation:
    """g and g' for one layer; subclasses write into preallocated arrays."""

    name = ""

    def forward(self, Z: F, out: F) -> F:
        """A = g(Z), written into out (may be Z itself)."""
        raise NotImplementedError

    def derivative(self, Z: F, A: F, out: F) -> F:
        """g'(Z) elementwise, from Z and the saved output A."""
        raise NotImplementedError

    def backward(self, dA: F, Z: F, A: F, out: F) -> F:
        """dZ = dA * g'(Z), written into out (out must not be dA)."""
        self.derivative(Z, A, out)
        np.multiply(out, dA, out=out)
        return out

    def __call__(self, Z: F) -> F:
        """g(Z) into a new array."""
        return self.forward(Z, np.empty_like(Z))

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


class Sigmoid(Activation):
    name = "sigmoid"

    def forward(self, Z: F, out: F) -> F:
        # σ(z) = (1 + tanh(z/2)) / 2 never overflows, unlike 1 / (1 + e^-z).
        np.multiply(Z, 0.5, out=out)
        np.tanh(out, out=out)
        np.multiply(out, 0.5, out=out)
        np.add(out, 0.5, out=out)
        return out

    def derivative(self, Z: F, A: F, out: F) -> F:
        # σ'(z) = σ(z) (1 - σ(z))
        np.subtract(1.0, A, out=out)
        np.multiply(out, A, out=out)
        return out


class Tanh(Activation):
    name = "tanh"

    def forward(self, Z: F, out: F) -> F:
        np.tanh(Z, out=out)
        return out

    def derivative(self, Z: F, A: F, out: F) -> F:
        # tanh'(z) = 1 - tanh(z)²
        np.multiply(A, A, out=out)
        np.subtract(1.0, out, out=out)
        return out


class ReLU(Activation):
    name = "relu"

    def forward(self, Z: F, out: F) -> F:
        np.maximum(Z, 0.0, out=out)
        return out

    def derivative(self, Z: F, A: F, out: F) -> F:
        # relu'(z) = 1 if z > 0 else 0 (0 at z = 0, by convention)
        np.greater(Z, 0.0, out=out)
        return out


class LeakyReLU(Activation):
    name = "leaky_relu"

    def forward(self, Z: F, out: F) -> F:
        # max(z, 0.01 z) is z for z > 0 and 0.01 z otherwise.
        np.multiply(Z, LEAKY_SLOPE, out=out)
        np.maximum(out, Z, out=out)
        return out

    def derivative(self, Z: F, A: F, out: F) -> F:
        np.greater(Z, 0.0, out=out)
        np.multiply(out, 1.0 - LEAKY_SLOPE, out=out)
        np.add(out, LEAKY_SLOPE, out=out)
        return out


class ELU(Activation):
    name = "elu"

    def forward(self, Z: F, out: F) -> F:
        # α(e^min(z,0) - 1) is 0 for z > 0, and e^z - 1 >= z, so the max picks the right branch.
        np.minimum(Z, 0.0, out=out)
        np.expm1(out, out=out)
        np.multiply(out, ELU_ALPHA, out=out)
        np.maximum(out, Z, out=out)
        return out

    def derivative(self, Z: F, A: F, out: F) -> F:
        # elu'(z) = 1 for z > 0, α e^z = A + α otherwise; A + α > 1 exactly when z > 0.
        np.add(A, ELU_ALPHA, out=out)
        np.minimum(out, 1.0, out=out)
        return out


class Linear(Activation):
    name = "linear"

    def forward(self, Z: F, out: F) -> F:
        if out is not Z:
            np.copyto(out, Z)
        return out

    def derivative(self, Z: F, A: F, out: F) -> F:
        out.fill(1.0)
        return out

    def backward(self, dA: F, Z: F, A: F, out: F) -> F:
        np.copyto(out, dA)
        return out


class Softmax(Activation):
    """softmax over each column: a_k = e^{z_k} / Σ_j e^{z_j}."""

    name = "softmax"

    def forward(self, Z: F, out: F) -> F:
        # Subtracting the column max leaves softmax unchanged and keeps e^z <= 1.
        np.subtract(Z, Z.max(axis=0, keepdims=True), out=out)
        np.exp(out, out=out)
        np.divide(out, out.sum(axis=0, keepdims=True), out=out)
        return out

    def derivative(self, Z: F, A: F, out: F) -> F:
        """Diagonal of the Jacobian, a_k (1 - a_k); backward uses the full Jacobian."""
        np.subtract(1.0, A, out=out)
        np.multiply(out, A, out=out)
        return out

    def backward(self, dA: F, Z: F, A: F, out: F) -> F:
        # dz_k = a_k (da_k - Σ_j a_j da_j): the Jacobian diag(a) - a aᵀ applied to dA.
        np.multiply(dA, A, out=out)
        s = out.sum(axis=0, keepdims=True)
        np.subtract(dA, s, out=out)
        np.multiply(out, A, out=out)
        return out


ACTIVATIONS: dict[str, Activation] = {
    a.name: a for a in (Sigmoid(), Tanh(), ReLU(), LeakyReLU(), ELU(), Linear(), Softmax())
}

HIDDEN = tuple(name for name in ACTIVATIONS if name != "softmax")
"""Activations that make sense in a hidden layer (softmax couples its units)."""


class Float32Tanh(Tanh):
    """tanh(z) = 1 - 2 / (e^{2z} + 1): in float32, NumPy's exp is much cheaper than its tanh."""

    def forward(self, Z: F, out: F) -> F:
        np.multiply(Z, 2.0, out=out)
        np.exp(out, out=out)            # overflows to inf for large z, giving exactly 1 below
        np.add(out, 1.0, out=out)
        np.divide(-2.0, out, out=out)
        np.add(out, 1.0, out=out)
        return out


class Float32Sigmoid(Sigmoid):
    """σ(z) = 1 / (1 + e^{-z}), the cheaper form in float32 (overflow gives exactly 0)."""

    def forward(self, Z: F, out: F) -> F:
        np.negative(Z, out=out)
        np.exp(out, out=out)
        np.add(out, 1.0, out=out)
        np.reciprocal(out, out=out)
        return out


FLOAT32_FORMS: dict[str, Activation] = {"tanh": Float32Tanh(), "sigmoid": Float32Sigmoid()}
"""Forms that are cheaper in float32 (display grids, metrics) and equal to ~1e-7; they warn on
overflow, so callers run them under np.errstate(over="ignore")."""


def for_float32(g: Activation) -> Activation:
    """The cheaper float32 form of g, or g itself."""
    return FLOAT32_FORMS.get(g.name, g)


def get(name: str) -> Activation:
    """The activation registered under name; ValueError lists the valid names."""
    return lookup(ACTIVATIONS, name, "activation")
