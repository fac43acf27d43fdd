"""NN Playground's engine: a neural network in NumPy that reads like the course.

X is (n[0], m), one column per sample; W[l] is (n[l], n[l-1]); b[l] is (n[l], 1);
Z[l] = W[l] A[l-1] + b[l]; A[l] = g[l](Z[l]); A[0] = X; Ŷ = A[L].
"""

from engine import activations, datasets, features, grid, initializers, losses, optimizers
from engine.network import Network
from engine.trainer import Trainer

__all__ = [
    "Network", "Trainer", "activations", "datasets", "features", "grid", "initializers",
    "losses", "optimizers",
]
