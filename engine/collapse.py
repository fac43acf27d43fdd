"""Linear collapse: a network whose hidden activations are all linear is one layer in disguise.

With g[l] = identity for l < L, Z[L] = W[L](…(W[2](W[1]X + b[1]) + b[2])…) + b[L] = W'X + b', where
W' = W[L]···W[2]W[1] (n[L], n[0]) and b' = W[L](…(W[2]b[1] + b[2])…) + b[L] (n[L], 1).
Stacking linear layers adds parameters but no power: the boundary is still a line (a hyperplane
in the features).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from engine import activations
from engine import features as feats
from engine.fast_network import fold
from engine.grid import Domain, grid_points
from engine.network import Network
from engine.parameters import Parameters
from engine.registry import Array


@dataclass(frozen=True)
class Collapsed:
    """The equivalent single layer Ŷ = g[L](W' X + b'); W' (n[L], n[0]), b' (n[L], 1)."""

    W: Array
    b: Array
    activation: str

    def forward(self, X: Array) -> Array:
        """Ŷ (n[L], m) for inputs X (n[0], m), exactly as the collapsed network computes it."""
        Z = self.W @ np.asarray(X, dtype=np.float64) + self.b
        return activations.get(self.activation)(Z)


def is_collapsible(net: Network) -> bool:
    """True when every hidden activation (layers 1..L-1) is linear."""
    return all(net.activations[l - 1] == "linear" for l in range(1, net.L))


def collapse(net: Network) -> Collapsed:
    """The single layer equivalent to net; ValueError if a hidden layer is not linear."""
    hidden = [(l, net.activations[l - 1]) for l in range(1, net.L)]
    bad = [(l, name) for l, name in hidden if name != "linear"]
    if bad:
        where = ", ".join(f"layer {l} is {name!r}" for l, name in bad)
        raise ValueError(f"activations: collapse needs linear hidden layers ({where})")
    # A batch normalization with its running statistics is affine too: folded into W, b.
    folded = Parameters(net.sizes)
    fold(net, folded)
    Wc, bc = folded.W[1].copy(), folded.b[1].copy()
    for l in range(2, net.L + 1):
        Wc = folded.W[l] @ Wc
        bc = folded.W[l] @ bc + folded.b[l]
    return Collapsed(Wc, bc, net.activations[net.L - 1])


class CollapseGrid:
    """The collapsed model's output over the R×R display grid, oriented like GridEvaluator."""

    def __init__(self, features: Sequence[str], domain: Domain, resolution: int = 100,
                 scaling: feats.Scaling | None = None) -> None:
        self.resolution = resolution
        self.X = feats.transform(grid_points(domain, resolution), features, scaling=scaling)
        """(n[0], R²) featurized pixel centres, computed once."""

    def evaluate(self, net: Network) -> npt.NDArray[np.float32]:
        """float32 (C, R, R) of the collapse of net; row 0 is x2 = max. ValueError if not linear."""
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            Y = collapse(net).forward(self.X)
        R = self.resolution
        return Y.astype(np.float32).reshape(Y.shape[0], R, R)
