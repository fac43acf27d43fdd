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


def _bn_problem(hidden: str, seed: int, m: int = 8):
    rng = np.random.default_rng(seed)
    net = Network([3, 4, 5, 1], [hidden, hidden, "sigmoid"], init="normal", seed=seed,
                  batch_norm=[True, True, False])
    net.params.flat[...] = rng.normal(0, 1, net.params.flat.size)
    X = rng.normal(0, 1, (3, m))
    Y = rng.integers(0, 2, (1, m)).astype(float)
    return net, X, Y


def _all_gradients(net: Network) -> np.ndarray:
    """∇J in θ's layout: the blocks [dW[l] | db[l]], then dγ[l], dβ[l] of normalized layers."""
    blocks = [np.hstack([net.dW[l], net.db[l]]).ravel() for l in range(1, net.L + 1)]
    norms = [g[l].ravel() for l in range(1, net.L + 1) if net.normalizes(l)
             for g in (net.dgamma, net.dbeta)]
    return np.concatenate(blocks + norms)


@pytest.mark.parametrize("hidden", HIDDEN)
def test_batch_normalization_gradients_match_finite_differences(hidden):
    """With batch statistics: μ and σ² depend on every column, and the gradient knows it."""
    net, X, Y = _bn_problem(hidden, seed=11)
    net.forward(X)
    net.backward(Y, "bce")
    analytic = _all_gradients(net)
    numeric = _numerical_gradient(net, X, Y, "bce")
    error = np.linalg.norm(analytic - numeric) / (np.linalg.norm(analytic)
                                                   + np.linalg.norm(numeric))
    assert error < 1e-6


def test_batch_normalization_with_running_statistics_matches_finite_differences():
    net, X, Y = _bn_problem("tanh", seed=12)
    for l in (1, 2):
        net.running_mean[l] = np.full((net.sizes[l], 1), 0.3)
        net.running_var[l] = np.full((net.sizes[l], 1), 2.0)
    net.forward(X, training=False)
    net.backward(Y, "bce")
    analytic = _all_gradients(net)
    theta, numeric = net.params.flat, np.zeros(net.params.flat.size)
    for i in range(theta.size):
        saved = theta[i]
        theta[i] = saved + 1e-6
        j_plus = net.cost(X, Y, "bce", training=False)
        theta[i] = saved - 1e-6
        j_minus = net.cost(X, Y, "bce", training=False)
        theta[i] = saved
        numeric[i] = (j_plus - j_minus) / 2e-6
    error = np.linalg.norm(analytic - numeric) / (np.linalg.norm(analytic)
                                                   + np.linalg.norm(numeric))
    assert error < 1e-6


def test_a_normalized_layer_gives_mean_zero_variance_one_before_gamma_and_beta():
    net, X, _ = _bn_problem("relu", seed=13, m=50)
    net.forward(X)
    for l in (1, 2):
        np.testing.assert_allclose(net.Z_hat[l].mean(axis=1), 0, atol=1e-12)
        np.testing.assert_allclose(net.Z_hat[l].var(axis=1), 1, rtol=1e-3)
