"""The course's figure "Visualisation de l'impact de l'initialisation", computed.

A deep, wide tanh network like the slide's (Glorot and Bengio, 2010): inputs X of shape
(n[0], m), four hidden tanh layers of WIDTH units, biases zero. For each of three ways to draw
W[l] (n[l], n[l-1]), one forward pass; per layer, the histogram of A[l] on fixed bins of [-1, 1]
with its mean and standard deviation.

The inputs are standard normal features (mean 0, variance 1), not handwritten digits: the
playground ships no images, and what the figure shows depends only on the spread of the inputs
once standardized, as the course standardizes its digits. Random features also keep the figure
the same on every machine for a seed, without a data file.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.diagnostics import histogram
from engine.registry import Array, lookup

N_INPUTS = 256
"""n[0]: a 16 × 16 image's worth of standardized features."""
WIDTH = 500
"""n[l] for every hidden layer: wide, as on the slide, so that the average over n[l-1] inputs
behaves like its variance says (eight units, as in the playground, are too few)."""
DEPTH = 4
"""Hidden tanh layers, as on the slide."""
SAMPLES = 200
"""m: columns of X."""
BINS = 40
"""Equal bins of [-1, 1], the range of tanh."""
SEED = 0

Draw = Callable[[int, int, np.random.Generator], Array]


def zeros(n_out: int, n_in: int, rng: np.random.Generator) -> Array:
    # Z[l] = 0 for every unit, so A[l] = tanh(0) = 0: "le signal globalement nul".
    return np.zeros((n_out, n_in))


def uniform_scaled(n_out: int, n_in: int, rng: np.random.Generator) -> Array:
    # The slide's "uniforme bornée", U[-1/√n, 1/√n] (Glorot and Bengio's "standard" init), not the
    # playground's U[-1, 1]. Its variance is 1/(3 n[l-1]), so Var(Z[l]) ≈ Var(A[l-1]) / 3: the
    # signal shrinks by about 1/√3 per tanh layer.
    bound = 1.0 / np.sqrt(n_in)
    return rng.uniform(-bound, bound, size=(n_out, n_in))


def xavier(n_out: int, n_in: int, rng: np.random.Generator) -> Array:
    # Var(W) = 1/n[l-1] keeps Var(Z[l]) ≈ Var(A[l-1]): tanh, nearly linear near 0, passes it on.
    return rng.normal(0.0, np.sqrt(1.0 / n_in), size=(n_out, n_in))


DRAWS: dict[str, Draw] = {"zeros": zeros, "uniform_scaled": uniform_scaled, "xavier": xavier}
"""The slide's three rows, in its order."""


@dataclass(frozen=True)
class LayerFigure:
    """One panel: counts (BINS,) of A[l]'s n[l] × m values on [-1, 1], and their mean and std."""

    l: int
    counts: list[int]
    mean: float
    std: float


@dataclass(frozen=True)
class InitFigure:
    """The whole figure: the network's sizes, the bin edges, and per init its layers 1..DEPTH."""

    sizes: list[int]
    samples: int
    edges: list[float]
    rows: dict[str, list[LayerFigure]]


def inputs(rng: np.random.Generator, n0: int = N_INPUTS, m: int = SAMPLES) -> Array:
    """X (n[0], m) of standard normal features."""
    return rng.standard_normal((n0, m))


def activations(X: Array, sizes: list[int], draw: Draw, rng: np.random.Generator) -> list[Array]:
    """[A[1], ..., A[L]] of a tanh network with sizes [n[0], ..., n[L]] and zero biases."""
    A, out = X, []
    for l in range(1, len(sizes)):
        W = draw(sizes[l], sizes[l - 1], rng)
        A = np.tanh(W @ A)
        out.append(A)
    return out


def row(
    X: Array, sizes: list[int], draw: Draw, rng: np.random.Generator, bins: int
) -> list[LayerFigure]:
    """The panels of one init: layer l's histogram on [-1, 1], mean and std, for l in 1..L."""
    panels = []
    for l, A in enumerate(activations(X, sizes, draw, rng), start=1):
        counts = histogram(A, -1.0, 1.0, bins).counts
        panels.append(LayerFigure(l, [int(c) for c in counts], float(A.mean()), float(A.std())))
    return panels


def figure(
    seed: int = SEED, *, n0: int = N_INPUTS, width: int = WIDTH, depth: int = DEPTH,
    m: int = SAMPLES, bins: int = BINS, inits: tuple[str, ...] = tuple(DRAWS),
) -> InitFigure:
    """The figure for a seed: every init sees the same X; each draws its weights from its own
    generator seeded by (seed, its place in DRAWS), so the rows do not depend on each other."""
    X = inputs(np.random.default_rng(seed), n0, m)
    sizes = [n0] + [width] * depth
    rows = {}
    for name in inits:
        draw = lookup(DRAWS, name, "figure initializer")
        rng = np.random.default_rng([seed, list(DRAWS).index(name) + 1])
        rows[name] = row(X, sizes, draw, rng, bins)
    edges = [float(e) for e in np.linspace(-1.0, 1.0, bins + 1)]
    return InitFigure(sizes, m, edges, rows)
