"""Initial weights W[l] of shape (n[l], n[l-1]); biases always start at zero."""

from collections.abc import Callable

import numpy as np

from engine.registry import Array, lookup

Initializer = Callable[[int, int, np.random.Generator], Array]

NORMAL_STD = 0.1
"""The course's 'small random numbers'."""
CONSTANT = 0.5
"""The course's "Idée 1": every weight the same value (zero is one case of it)."""
LARGE_STD = 5.0
"""The course's "Idée 2" gone wrong: random, but large."""


def zeros(n_out: int, n_in: int, rng: np.random.Generator) -> Array:
    # Every neuron of a layer then computes the same thing forever: the symmetry lesson.
    return np.zeros((n_out, n_in))


def constant(n_out: int, n_in: int, rng: np.random.Generator) -> Array:
    # Not zero, yet every neuron of a layer still computes the same thing: its gradient rows are
    # identical and non-zero (the course's (u v) rows), so the neurons move together forever.
    return np.full((n_out, n_in), CONSTANT)


def uniform(n_out: int, n_in: int, rng: np.random.Generator) -> Array:
    return rng.uniform(-1.0, 1.0, size=(n_out, n_in))


def normal(n_out: int, n_in: int, rng: np.random.Generator) -> Array:
    return rng.normal(0.0, NORMAL_STD, size=(n_out, n_in))


def large_normal(n_out: int, n_in: int, rng: np.random.Generator) -> Array:
    # Different for every neuron, but |z| is large: σ(z) sits on its flat parts, where σ'(z) is
    # nearly 0, so the gradients are tiny and learning is slow (the course's "Idée 2").
    return rng.normal(0.0, LARGE_STD, size=(n_out, n_in))


def xavier(n_out: int, n_in: int, rng: np.random.Generator) -> Array:
    # Var(W) = 1/n[l-1] keeps Var(Z) ≈ Var(A[l-1]), so tanh layers neither saturate nor fade.
    return rng.normal(0.0, np.sqrt(1.0 / n_in), size=(n_out, n_in))


def he(n_out: int, n_in: int, rng: np.random.Generator) -> Array:
    # ReLU zeroes half of its inputs, so He doubles Xavier's variance to compensate.
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))


INITIALIZERS: dict[str, Initializer] = {
    "zeros": zeros, "constant": constant, "uniform": uniform, "normal": normal,
    "large_normal": large_normal, "xavier": xavier, "he": he,
}


def get(name: str) -> Initializer:
    """The initializer registered under name; ValueError lists the valid names."""
    return lookup(INITIALIZERS, name, "initializer")
