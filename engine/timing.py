"""The course's two forward passes: one example at a time (forwardPassIterative) or all at once.

The loop computes z[l](i) = W[l] a[l-1](i) + b[l] for each example i in turn, as the course's
forwardPassIterative does; the vectorized pass computes Z[l] = W[l] A[l-1] + b[l] for the m
columns of X in one matrix product. Both give the same Ŷ; the second is much faster, because
each of its operations runs once, in compiled code, over all m examples.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from engine.network import Network

Array = npt.NDArray[np.float64]


MAX_EXAMPLES = 250
"""time_forward times the first this many columns of X: the loop stays a few milliseconds, a
short pause for a server that runs it between frames."""


@dataclass(frozen=True)
class TimedForward:
    """The two passes over the same X (n[0], m): best wall times of `repeats` runs."""

    examples: int
    loop_seconds: float
    vectorized_seconds: float
    max_difference: float
    """max |Ŷ_loop - Ŷ_vectorized| over every output and example."""


def forward_loop(net: Network, X: Array) -> Array:
    """Ŷ (n[L], m), one example at a time: for i in 1..m, a forward pass of column i."""
    out = np.empty((net.sizes[-1], X.shape[1]))
    for i in range(X.shape[1]):
        out[:, i:i + 1] = net.forward(X[:, i:i + 1], training=False)
    return out


def forward_vectorized(net: Network, X: Array) -> Array:
    """Ŷ (n[L], m), every example at once: Z[l] = W[l] A[l-1] + b[l] over the m columns."""
    return net.forward(X, training=False).copy()


def time_forward(net: Network, X: Array, repeats: int = 3) -> TimedForward:
    """Both passes on the first MAX_EXAMPLES columns of X, on a copy of net (the session's own
    keeps its saved Z[l], A[l])."""
    twin, X = net.copy(), X[:, :MAX_EXAMPLES]
    loop, vectorized = _best(forward_loop, twin, X, repeats), _best(forward_vectorized, twin, X,
                                                                    repeats)
    with np.errstate(all="ignore"):
        difference = float(np.max(np.abs(loop[1] - vectorized[1]), initial=0.0))
    return TimedForward(X.shape[1], loop[0], vectorized[0], difference)


def _best(pass_: Callable[[Network, Array], Array], net: Network, X: Array,
          repeats: int) -> tuple[float, Array]:
    best, Y_hat = float("inf"), np.empty(0)
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        Y_hat = pass_(net, X)
        best = min(best, time.perf_counter() - start)
    return best, Y_hat
