"""The zigzag of the course, drawn: one neuron's two weights, its cost surface and the path of
gradient descent on it, one example per step.

The neuron ŷ = w₁a₁ + w₂a₂ learns, by squared error, targets y = w*·a from inputs that are the
outputs of a previous layer: sigmoid outputs (always positive) or tanh outputs (both signs), of
the same pre-activations z ~ N(0, Z_SPREAD²). For one example the gradient is (ŷ − y) a: with
positive a both of its components have the sign of ŷ − y, so every step moves w₁ and w₂ up
together or down together. To go from START to TARGET, where w₁ must rise while w₂ falls, the
path zigzags. With tanh outputs the steps point anywhere and the path heads for the target.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]

TARGET = (2.0, -2.0)
START = (-2.0, 2.0)
EXAMPLES = 64
STEPS = 200
LEARNING_RATE = 0.3
Z_SPREAD = 2.0
EXTENT = 4.0
"""The drawing spans w₁, w₂ in [-EXTENT, EXTENT]."""
GRID = 41
OUTPUTS = ("sigmoid", "tanh")


@dataclass(frozen=True)
class Path:
    """Gradient descent from START, one example per step: the weights after each step."""

    output: str
    weights: Array
    """(STEPS + 1, 2): w₁, w₂ from START on."""
    cost: Array
    """(GRID, GRID): J(w₁, w₂) = (1/2m) Σ (w·a − y)², rows along w₂, columns along w₁."""

    @property
    def same_sign_steps(self) -> float:
        """The share of steps that move w₁ and w₂ the same way (both up or both down)."""
        step = np.diff(self.weights, axis=0)
        moved = (step != 0).all(axis=1)
        same = np.sign(step[:, 0]) == np.sign(step[:, 1])
        return float(same[moved].mean()) if moved.any() else 0.0

    @property
    def detour(self) -> float:
        """The path's length over the straight distance it covered (1: a straight line)."""
        length = float(np.linalg.norm(np.diff(self.weights, axis=0), axis=1).sum())
        covered = float(np.linalg.norm(self.weights[-1] - self.weights[0]))
        return length / covered if covered else float("inf")

    @property
    def progress(self) -> float:
        """How much of the way to TARGET the path went: 1 − |end − target| / |start − target|."""
        target, start = np.array(TARGET), np.array(START)
        return 1.0 - float(np.linalg.norm(self.weights[-1] - target)
                           / np.linalg.norm(start - target))


def inputs(output: str, seed: int) -> Array:
    """(2, EXAMPLES): the previous layer's outputs, sigmoid or tanh of z ~ N(0, Z_SPREAD²)."""
    if output not in OUTPUTS:
        raise ValueError(f"output: expected one of {', '.join(OUTPUTS)}, got {output!r}")
    z = np.random.default_rng(seed).normal(0.0, Z_SPREAD, (2, EXAMPLES))
    return 1.0 / (1.0 + np.exp(-z)) if output == "sigmoid" else np.tanh(z)


def path(output: str, seed: int) -> Path:
    """SGD on one example at a time (examples in a seeded order), and the cost around it."""
    A = inputs(output, seed)
    y = np.array(TARGET) @ A
    order = np.random.default_rng(seed + 1).integers(0, EXAMPLES, STEPS)
    w = np.array(START, dtype=np.float64)
    out = np.empty((STEPS + 1, 2))
    out[0] = w
    for k, i in enumerate(order, start=1):
        a = A[:, i]
        w = w - LEARNING_RATE * (w @ a - y[i]) * a   # dJ/dw for one example: (ŷ − y) a
        out[k] = w
    axis = np.linspace(-EXTENT, EXTENT, GRID)
    W1, W2 = np.meshgrid(axis, axis)
    residual = np.einsum("gh,m->ghm", W1, A[0]) + np.einsum("gh,m->ghm", W2, A[1]) - y
    return Path(output, out, 0.5 * (residual**2).mean(axis=2))
