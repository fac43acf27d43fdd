"""Initializers draw the spread the course gives them, reproducibly."""

import numpy as np
import pytest

from engine import initializers


@pytest.mark.parametrize(("name", "std"), [
    ("normal", 0.1), ("xavier", np.sqrt(1 / 400)), ("he", np.sqrt(2 / 400)),
    ("uniform", np.sqrt(1 / 3)),     # U(-1, 1) has variance (1 - (-1))² / 12 = 1/3
])
def test_spread_of_each_initializer(name, std):
    W = initializers.get(name)(300, 400, np.random.default_rng(0))
    assert W.shape == (300, 400)
    assert W.std() == pytest.approx(std, rel=0.02)
    assert abs(W.mean()) < 0.05 * std


def test_uniform_stays_in_minus_one_one_and_zeros_is_zero():
    rng = np.random.default_rng(1)
    W = initializers.get("uniform")(50, 50, rng)
    assert -1 <= W.min() < -0.9 and 0.9 < W.max() <= 1
    assert not initializers.get("zeros")(3, 4, rng).any()


def test_same_generator_state_gives_the_same_weights():
    a = initializers.get("xavier")(4, 5, np.random.default_rng(9))
    b = initializers.get("xavier")(4, 5, np.random.default_rng(9))
    np.testing.assert_array_equal(a, b)


def test_unknown_initializer_lists_the_valid_ones():
    valid = "valid: zeros, constant, uniform, normal, large_normal, xavier, he"
    with pytest.raises(ValueError, match=valid):
        initializers.get("glorot")


def test_constant_init_gives_every_neuron_the_same_non_zero_gradient_row():
    """The course's Idée 1: equal weights, equal neurons, equal gradient rows (u v): the
    neurons move, but together, and stay clones."""
    from engine import Network, datasets, losses
    from engine import diagnostics as d

    data = datasets.make("circle", n=60, seed=1)
    net = Network([2, 3, 1], ["sigmoid", "sigmoid"], init="constant", seed=1)
    net.forward(data.X)
    dW, _ = net.backward(data.Y, losses.get("bce"))
    dW1 = np.asarray(dW[1])
    assert np.abs(dW1).min() > 0
    np.testing.assert_array_equal(dW1, np.repeat(dW1[:1], 3, axis=0))
    assert d.symmetric_layers(net) == [1]


def test_zero_init_freezes_the_hidden_layers():
    """All zeros, the output layer too: no gradient reaches the hidden layers at all."""
    from engine import Network, datasets, losses

    data = datasets.make("circle", n=60, seed=1)
    net = Network([2, 3, 3, 1], ["tanh", "tanh", "sigmoid"], init="zeros", seed=1)
    # An unbalanced set: with as many 1s as 0s, db[3] = (1/m) Σ (½ - y) would be 0 too.
    X, Y = data.X[:, data.labels == 1][:, :10], data.Y[:, data.labels == 1][:, :10]
    X, Y = np.hstack([X, data.X[:, :20]]), np.hstack([Y, data.Y[:, :20]])
    net.forward(X)
    dW, db = net.backward(Y, losses.get("bce"))
    assert not np.asarray(dW[1]).any() and not np.asarray(dW[2]).any()
    assert np.asarray(db[3]).any()  # only the output bias learns


def test_large_normal_weights_saturate_a_sigmoid_layer():
    """The course's Idée 2: weights of σ 5 put most sigmoid units on their flat parts."""
    from engine import Network, datasets
    from engine.diagnostics import saturation

    data = datasets.make("circle", n=200, seed=1)
    large = Network([2, 8, 1], ["sigmoid", "sigmoid"], init="large_normal", seed=1)
    xavier = Network([2, 8, 1], ["sigmoid", "sigmoid"], init="xavier", seed=1)
    assert np.std(large.W[1]) > 2 and saturation(large, data.X)[1] > 0.5
    assert saturation(xavier, data.X)[1] < 0.5
