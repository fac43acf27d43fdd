"""Backpropagation agrees with central finite differences of the cost J."""

import numpy as np
import pytest

from engine import Network
from engine.activations import HIDDEN

OUTPUTS = [("sigmoid", "bce", 1), ("softmax", "cce", 3), ("linear", "mse", 2), ("tanh", "mse", 1)]


def _random_problem(hidden: str, output: str, k: int, seed: int):
    rng = np.random.default_rng(seed)
    net = Network([3, 4, 5, k], [hidden, hidden, output], init="normal", seed=seed)
    for l in range(1, net.L + 1):
        net.W[l] = rng.normal(0, 1, net.W[l].shape)
        net.b[l] = rng.normal(0, 0.5, net.b[l].shape)
    X = rng.normal(0, 1, (3, 7))
    if output == "softmax":
        Y = np.eye(k)[:, rng.integers(0, k, 7)]
    elif output == "sigmoid":
        Y = rng.integers(0, 2, (k, 7)).astype(float)
    else:
        Y = rng.normal(0, 1, (k, 7))
    return net, X, Y


def _numerical_gradient(net: Network, X, Y, loss: str, eps: float = 1e-6) -> np.ndarray:
    theta = net.params.flat
    grad = np.zeros_like(theta)
    for i in range(theta.size):
        saved = theta[i]
        theta[i] = saved + eps
        j_plus = net.cost(X, Y, loss)
        theta[i] = saved - eps
        j_minus = net.cost(X, Y, loss)
        theta[i] = saved
        grad[i] = (j_plus - j_minus) / (2 * eps)
    return grad


def _relative_error(net: Network, X, Y, loss: str) -> float:
    """|backprop - finite differences| / (|backprop| + |finite differences|) over all of θ."""
    net.forward(X)
    dW, db = net.backward(Y, loss)
    analytic = np.concatenate([np.hstack([dW[l], db[l]]).ravel() for l in range(1, net.L + 1)])
    numeric = _numerical_gradient(net, X, Y, loss)
    return float(np.linalg.norm(analytic - numeric)
                 / (np.linalg.norm(analytic) + np.linalg.norm(numeric)))


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize(("output", "loss", "k"), OUTPUTS)
def test_backprop_matches_finite_differences(hidden, output, loss, k):
    net, X, Y = _random_problem(hidden, output, k, seed=7)
    assert _relative_error(net, X, Y, loss) < 1e-6


@pytest.mark.parametrize(("output", "loss", "k"), [("softmax", "mse", 3), ("sigmoid", "mse", 2)])
def test_unfused_output_gradients_match_finite_differences(output, loss, k):
    net, X, Y = _random_problem("tanh", output, k, seed=3)
    if output == "sigmoid":
        Y = np.clip(Y, 0, 1)
    assert _relative_error(net, X, Y, loss) < 1e-6


def test_gradients_have_the_shapes_of_the_weights():
    net, X, Y = _random_problem("relu", "sigmoid", 1, seed=0)
    net.forward(X)
    dW, db = net.backward(Y, "bce")
    for l in range(1, net.L + 1):
        assert dW[l].shape == net.W[l].shape
        assert db[l].shape == net.b[l].shape == (net.sizes[l], 1)


def test_deep_network_gradients_match_finite_differences():
    rng = np.random.default_rng(5)
    names = ["tanh", "relu", "elu", "leaky_relu", "sigmoid", "softmax"]
    net = Network([2, 4, 4, 4, 4, 4, 3], names, init="xavier", seed=5)
    for l in range(1, net.L + 1):
        net.b[l] = rng.normal(0, 0.3, net.b[l].shape)
    X, Y = rng.normal(0, 1, (2, 6)), np.eye(3)[:, rng.integers(0, 3, 6)]
    assert _relative_error(net, X, Y, "cce") < 1e-6
