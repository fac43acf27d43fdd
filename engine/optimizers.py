"""Optimizers: one in-place update of the flat parameter vector θ from its gradient.

θ holds every W[l] and b[l] (see network.Parameters), so each update is a handful of
vectorized calls whatever the depth. State (velocity, moments) is allocated on first use.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.registry import Array, lookup

LEARNING_RATE_RANGE = (1e-6, 10.0)


class Optimizer:
    """θ ← θ - update(∇J); `full_batch` optimizers train on the whole set at once."""

    name = ""
    full_batch = False

    def __init__(self, learning_rate: float = 0.03) -> None:
        self.learning_rate = _check_rate("learning_rate", learning_rate)
        self._tmp: Array = np.empty(0)

    @property
    def learning_rate(self) -> float:
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        # A new rate keeps the state (velocity, moments): only a new optimizer starts fresh.
        self._learning_rate = _check_rate("learning_rate", value)

    def step(self, theta: Array, grad: Array) -> None:
        """Update θ in place from the gradient ∇J (same shape, flat)."""
        if self._tmp.shape != theta.shape:
            self._allocate(theta.shape[0])
        self._step(theta, grad)

    def _allocate(self, n: int) -> None:
        self._tmp = np.zeros(n)

    def _step(self, theta: Array, grad: Array) -> None:
        # θ ← θ - α ∇J
        np.multiply(grad, self.learning_rate, out=self._tmp)
        np.subtract(theta, self._tmp, out=theta)

    def params(self) -> dict[str, Any]:
        """The settings, by keyword, as `make` takes them."""
        return {"learning_rate": self.learning_rate}

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({self.name!r}, {settings})"


class GD(Optimizer):
    """Batch gradient descent: one step per epoch on every training point."""

    name = "gd"
    full_batch = True


class SGD(Optimizer):
    """Mini-batch stochastic gradient descent: one step per batch."""

    name = "sgd"


class Momentum(Optimizer):
    """v ← β v + ∇J; θ ← θ - α v (a heavy ball that averages out the zigzag)."""

    name = "momentum"

    def __init__(self, learning_rate: float = 0.03, momentum: float = 0.9) -> None:
        super().__init__(learning_rate)
        self.momentum = _check_fraction("momentum", momentum)
        self._v: Array = np.empty(0)

    def _allocate(self, n: int) -> None:
        super()._allocate(n)
        self._v = np.zeros(n)

    def _step(self, theta: Array, grad: Array) -> None:
        np.multiply(self._v, self.momentum, out=self._v)
        np.add(self._v, grad, out=self._v)
        np.multiply(self._v, self.learning_rate, out=self._tmp)
        np.subtract(theta, self._tmp, out=theta)

    def params(self) -> dict[str, Any]:
        return {**super().params(), "momentum": self.momentum}


class Adam(Optimizer):
    """Adam: m and v are running means of ∇J and ∇J², bias-corrected (Kingma & Ba, 2015)."""

    name = "adam"

    def __init__(self, learning_rate: float = 0.03, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8) -> None:
        super().__init__(learning_rate)
        self.beta1 = _check_fraction("beta1", beta1)
        self.beta2 = _check_fraction("beta2", beta2)
        self.epsilon = _check_rate("epsilon", epsilon, low=0.0)
        self.t = 0
        self._m: Array = np.empty(0)
        self._v: Array = np.empty(0)

    def _allocate(self, n: int) -> None:
        super()._allocate(n)
        self._m, self._v, self.t = np.zeros(n), np.zeros(n), 0

    def _step(self, theta: Array, grad: Array) -> None:
        b1, b2, tmp = self.beta1, self.beta2, self._tmp
        self.t += 1
        np.multiply(self._m, b1, out=self._m)                # m ← β1 m + (1 - β1) ∇J
        np.multiply(grad, 1.0 - b1, out=tmp)
        np.add(self._m, tmp, out=self._m)
        np.multiply(self._v, b2, out=self._v)                # v ← β2 v + (1 - β2) ∇J²
        np.multiply(grad, grad, out=tmp)
        np.multiply(tmp, 1.0 - b2, out=tmp)
        np.add(self._v, tmp, out=self._v)
        # θ ← θ - α m̂ / (√v̂ + ε), with m̂ = m / (1 - β1ᵗ) and v̂ = v / (1 - β2ᵗ) folded in.
        step = self.learning_rate * np.sqrt(1.0 - b2**self.t) / (1.0 - b1**self.t)
        np.sqrt(self._v, out=tmp)
        np.add(tmp, self.epsilon * np.sqrt(1.0 - b2**self.t), out=tmp)
        np.divide(self._m, tmp, out=tmp)
        np.multiply(tmp, step, out=tmp)
        np.subtract(theta, tmp, out=theta)

    def params(self) -> dict[str, Any]:
        return {**super().params(), "beta1": self.beta1, "beta2": self.beta2,
                "epsilon": self.epsilon}


OPTIMIZERS: dict[str, type[Optimizer]] = {"gd": GD, "sgd": SGD, "momentum": Momentum, "adam": Adam}


def make(name: str, learning_rate: float = 0.03, **params: float) -> Optimizer:
    """A fresh optimizer; extra settings by keyword (momentum, beta1, beta2, epsilon)."""
    cls = lookup(OPTIMIZERS, name, "optimizer")
    try:
        return cls(learning_rate, **params)
    except TypeError:
        allowed = ", ".join(k for k in cls(learning_rate).params() if k != "learning_rate")
        raise ValueError(f"optimizer: {name!r} takes {allowed or 'only learning_rate'}, "
                         f"got {', '.join(params)}") from None


def _check_rate(field: str, value: float, low: float = LEARNING_RATE_RANGE[0],
                high: float = LEARNING_RATE_RANGE[1]) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ValueError(f"{field}: expected a number from {low:g} to {high:g}, got {value!r}")
    return float(value)


def _check_fraction(field: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
        raise ValueError(f"{field}: expected a number in [0, 1), got {value!r}")
    return float(value)
