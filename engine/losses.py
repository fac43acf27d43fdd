"""Losses L(ŷ, y) per sample and the cost J = (1/m) Σ L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾).

Ŷ and Y have shape (n[L], m). With the matching output activation (sigmoid+bce, softmax+cce,
linear+mse) the output gradient fuses to dZ[L] = Ŷ - Y, which is both exact and safe for
saturated outputs; the cost of those pairs is computed from Z[L] without log(0).
"""

from typing import Any

import numpy as np
import numpy.typing as npt

from engine.activations import Activation
from engine.registry import Array, lookup

F = npt.NDArray[Any]

EPS = 1e-12
"""Ŷ is clipped to [EPS, 1 - EPS] before a log when the loss is not fused with its activation."""


class Loss:
    name = ""
    fused_with = ""
    """The output activation whose gradient fuses with this loss to dZ = Ŷ - Y."""

    def per_sample(self, A: Array, Y: Array) -> Array:
        """L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾) for each column, shape (m,)."""
        raise NotImplementedError

    def per_sample_from_z(self, Z: Array, Y: Array) -> Array:
        """L computed from Z[L] through the fused activation (stable for large |z|)."""
        raise NotImplementedError

    def gradient(self, A: Array, Y: Array, out: Array) -> Array:
        """∂L/∂ŷ elementwise into out, shape (n[L], m)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"Loss({self.name!r})"


class MSE(Loss):
    """Squared error L = ½ Σ_k (ŷ_k - y_k)², the ½ so that ∂L/∂ŷ = ŷ - y."""

    name = "mse"
    fused_with = "linear"

    def per_sample(self, A: Array, Y: Array) -> Array:
        d = A - Y
        return np.asarray(0.5 * np.einsum("km,km->m", d, d))

    def per_sample_from_z(self, Z: Array, Y: Array) -> Array:
        return self.per_sample(Z, Y)

    def gradient(self, A: Array, Y: Array, out: Array) -> Array:
        np.subtract(A, Y, out=out)
        return out


class BCE(Loss):
    """Binary cross-entropy L = -[y log ŷ + (1 - y) log(1 - ŷ)], summed over outputs."""

    name = "bce"
    fused_with = "sigmoid"

    def per_sample(self, A: Array, Y: Array) -> Array:
        P = np.clip(A, EPS, 1.0 - EPS)
        return np.asarray(-(Y * np.log(P) + (1.0 - Y) * np.log1p(-P)).sum(axis=0))

    def per_sample_from_z(self, Z: Array, Y: Array) -> Array:
        # With ŷ = σ(z): L = log(1 + e^z) - y z, and logaddexp never overflows.
        return np.asarray((np.logaddexp(0.0, Z) - Y * Z).sum(axis=0))

    def gradient(self, A: Array, Y: Array, out: Array) -> Array:
        P = np.clip(A, EPS, 1.0 - EPS)
        np.divide(P - Y, P * (1.0 - P), out=out)
        return out


class CCE(Loss):
    """Categorical cross-entropy L = -Σ_k y_k log ŷ_k for one-hot y."""

    name = "cce"
    fused_with = "softmax"

    def per_sample(self, A: Array, Y: Array) -> Array:
        return np.asarray(-(Y * np.log(np.clip(A, EPS, 1.0))).sum(axis=0))

    def per_sample_from_z(self, Z: Array, Y: Array) -> Array:
        # log softmax(z)_k = z_k - log Σ_j e^{z_j}, with the max subtracted first.
        shifted = Z - Z.max(axis=0, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
        return np.asarray(-(Y * log_p).sum(axis=0))

    def gradient(self, A: Array, Y: Array, out: Array) -> Array:
        np.divide(-Y, np.clip(A, EPS, 1.0), out=out)
        return out


LOSSES: dict[str, Loss] = {loss.name: loss for loss in (MSE(), BCE(), CCE())}

DEFAULTS = {
    "binary": ("sigmoid", "bce"),
    "multiclass": ("softmax", "cce"),
    "regression": ("linear", "mse"),
}


def get(name: str) -> Loss:
    """The loss registered under name; ValueError lists the valid names."""
    return lookup(LOSSES, name, "loss")


def default_for(task: str) -> tuple[str, str]:
    """The (output activation, loss) pair the course uses for a task."""
    return lookup(DEFAULTS, task, "task")


def per_sample(loss: Loss, g: Activation, Z: Array, A: Array, Y: Array) -> Array:
    """L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾) for each column, from Z[L] when the pair is fused (no log(0))."""
    fused = g.name == loss.fused_with
    return loss.per_sample_from_z(Z, Y) if fused else loss.per_sample(A, Y)


def cost(loss: Loss, g: Activation, Z: Array, A: Array, Y: Array) -> float:
    """J = (1/m) Σ L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾), from Z[L] when the pair is fused (no log(0))."""
    per = per_sample(loss, g, Z, A, Y)
    return float(per.mean()) if per.size else 0.0


def output_delta(loss: Loss, g: Activation, Z: F, A: F, Y: F, dA: F, dZ: F, scale: float) -> F:
    """dZ[L] = scale · ∂L/∂Z[L] into dZ (dA is scratch); scale is 1/m for the cost J."""
    if g.name == loss.fused_with:
        # σ+bce, softmax+cce and identity+mse all give ∂L/∂z = ŷ - y.
        np.subtract(A, Y, out=dZ)
        np.multiply(dZ, scale, out=dZ)
        return dZ
    loss.gradient(A, Y, out=dA)
    np.multiply(dA, scale, out=dA)
    return g.backward(dA, Z, A, out=dZ)
