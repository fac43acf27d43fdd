"""The session as one self-contained NumPy script in the course's notation.

It runs the playground's forward pass operation for operation (features, standardization,
batch normalization with the running statistics, each activation as engine/activations.py
computes it), so its outputs equal the playground's to rounding.
"""

from __future__ import annotations

from string import Template

from engine.activations import ELU_ALPHA, LEAKY_SLOPE
from engine.network import EPSILON, NORM_KEYS, Network
from server.export.common import data_block, decide, features_function, matrix, settings_comment
from server.model import Model

NUMPY_ACTIVATIONS = {
    "sigmoid": '''def sigmoid(Z):
    """sigma(z) = 1 / (1 + e^-z), written with tanh so that e^-z never overflows."""
    return np.tanh(Z * 0.5) * 0.5 + 0.5''',
    "tanh": '''def tanh(Z):
    return np.tanh(Z)''',
    "relu": '''def relu(Z):
    """ReLU(z) = max(0, z)."""
    return np.maximum(Z, 0.0)''',
    "leaky_relu": f'''LEAKY_SLOPE = {LEAKY_SLOPE!r}


def leaky_relu(Z):
    """LeakyReLU(z) = max(LEAKY_SLOPE z, z)."""
    return np.maximum(Z * LEAKY_SLOPE, Z)''',
    "elu": f'''ELU_ALPHA = {ELU_ALPHA!r}


def elu(Z):
    """ELU(z) = z if z > 0, ELU_ALPHA (e^z - 1) otherwise (e^min(z, 0): no overflow)."""
    return np.maximum(np.expm1(np.minimum(Z, 0.0)) * ELU_ALPHA, Z)''',
    "linear": '''def linear(Z):
    """The identity: a regression's output is Z itself."""
    return Z''',
    "softmax": '''def softmax(Z):
    """e^z_k / sum_j e^z_j in each column (its max subtracted first: no overflow)."""
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)''',
}
"""g in NumPy, the same operations as engine/activations.py (so the same rounding)."""


NUMPY = Template('''"""A neural network trained in NN Playground, as NumPy in the course's notation.

X has shape (n[0], m), one column per point; for l = 1..L:
    Z[l] = W[l] A[l-1] + b[l],   A[l] = g[l](Z[l]),   A[0] = X,   Y_hat = A[L].
W[l] has shape (n[l], n[l-1]) and b[l] shape (n[l], 1).$norm_note
Run this file with Python: it needs NumPy only, and prints the accuracy (or the error)
on each part of the data, as the playground showed them.
"""

import numpy as np

# The session:
$settings

L = $L
n = $sizes  # n[l]: units of layer l (n[0]: the inputs)

W = [None] * (L + 1)  # W[0] and b[0] are unused: layers are numbered 1..L
b = [None] * (L + 1)
$norm_lists
$parameters


$activations


$features


def forward(X):
    """Y_hat = A[L] for X of shape (n[0], m); every Z[l] and A[l] is returned too."""
    Z = [None] * (L + 1)
    A = [None] * (L + 1)
    A[0] = X
$forward
    return A[L], Z, A


def predict(x1, x2):
    """The playground's decision for each point (x1, x2)."""
    Y_hat, _, _ = forward(features(x1, x2))
    return $decide


$data


def main():
    for name, points in (("train", TRAIN), ("validation", VALIDATION), ("test", TEST)):
        if len(points) == 0:
            continue
        x1, x2, y = points[:, 0], points[:, 1], points[:, 2]
        predicted = predict(x1, x2)
$report


if __name__ == "__main__":
    main()
''')

NORM_NOTE = (" Batch-normalized layers use the\nrunning mean and variance "
             "of training: Z~[l] = gamma[l] Z_hat + beta[l], with\n"
             "Z_hat = (Z[l] - running_mean[l]) / sqrt(running_var[l] + EPSILON).")

NORM_LISTS = f'''
# Batch normalization of Z[l] before g[l], with the running statistics of training.
EPSILON = {EPSILON!r}
gamma = [None] * (L + 1)
beta = [None] * (L + 1)
running_mean = [None] * (L + 1)
running_var = [None] * (L + 1)'''

REPORT = {
    "regression": '''        error = np.mean((predicted - y) ** 2)
        print(f"{name}: mean squared error {error:.6g} on {len(y)} points")''',
    "classes": '''        accuracy = np.mean(predicted == y)
        print(f"{name}: accuracy {accuracy:.4f} on {len(y)} points")''',
}


def numpy_script(model: Model) -> str:
    """The session as one NumPy script (see the module's docstring)."""
    net = model.net
    normalized = any(net.batch_norm)
    return NUMPY.substitute(
        norm_note=NORM_NOTE if normalized else "",
        settings=settings_comment(model),
        L=net.L, sizes=repr(list(net.sizes)),
        norm_lists=NORM_LISTS if normalized else "",
        parameters="\n".join(_numpy_layer(net, l) for l in range(1, net.L + 1)),
        activations="\n\n\n".join(NUMPY_ACTIVATIONS[name]
                                  for name in dict.fromkeys(net.activations)),
        features=features_function(model),
        forward="\n".join(_numpy_forward(net, l) for l in range(1, net.L + 1)),
        decide=decide(model.dataset.task),
        data=data_block(model),
        report=REPORT["regression" if model.dataset.task == "regression" else "classes"],
    )


def _numpy_layer(net: Network, l: int) -> str:
    units = net.sizes[l]
    lines = [f"\n# Layer {l}{' (output)' if l == net.L else ''}: {units} "
             f"unit{'s' if units > 1 else ''}, {net.activations[l - 1]}"
             + (", batch-normalized" if net.normalizes(l) else ""),
             matrix(f"W[{l}]", net.W[l]), matrix(f"b[{l}]", net.b[l])]
    if net.normalizes(l):
        lines += [matrix(f"{key}[{l}]", getattr(net, key)[l]) for key in NORM_KEYS]
    return "\n".join(lines)


def _numpy_forward(net: Network, l: int) -> str:
    g = net.activations[l - 1]
    lines = [f"    Z[{l}] = W[{l}] @ A[{l - 1}] + b[{l}]"]
    if net.normalizes(l):
        lines += [f"    Z_hat = (Z[{l}] - running_mean[{l}]) / np.sqrt(running_var[{l}] "
                  "+ EPSILON)",
                  f"    A[{l}] = {g}(gamma[{l}] * Z_hat + beta[{l}])"]
    else:
        lines.append(f"    A[{l}] = {g}(Z[{l}])")
    return "\n".join(lines)


