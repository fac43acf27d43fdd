"""The Network in course notation: shapes, the course's numbers and lessons, serialization."""

import json

import numpy as np
import pytest

from engine import Network, Trainer, activations, datasets, optimizers


def test_two_three_one_network_has_13_parameters():
    # W[1]: 3×2 + b[1]: 3, W[2]: 1×3 + b[2]: 1 → 6 + 3 + 3 + 1 = 13
    assert Network([2, 3, 1], ["tanh", "sigmoid"]).num_params() == 13


def test_course_deep_network_has_167_parameters():
    # 4·5+5 + 5·6+6 + 6·6+6 + 6·5+5 + 5·4+4 + 4·1+1 = 25 + 36 + 42 + 35 + 24 + 5 = 167
    net = Network([4, 5, 6, 6, 5, 4, 1], ["relu"] * 5 + ["sigmoid"])
    assert net.num_params() == 167


def test_softmax_of_5_4_2_matches_the_course():
    a = activations.get("softmax")(np.array([[5.0], [4.0], [2.0]])).ravel()
    # The slides print (0.70, 0.26, 0.04); to three places it is (0.705, 0.259, 0.035).
    np.testing.assert_allclose(a, [0.705, 0.259, 0.035], atol=5e-4)
    np.testing.assert_allclose(a, [0.70, 0.26, 0.04], atol=6e-3)
    assert a.sum() == pytest.approx(1.0)


def test_forward_keeps_every_layer_in_course_shapes():
    net = Network([2, 3, 4, 1], ["tanh", "relu", "sigmoid"], seed=1)
    X = np.random.default_rng(0).normal(size=(2, 5))
    Y_hat = net.forward(X)
    assert Y_hat.shape == (1, 5)
    assert net.L == 3
    np.testing.assert_array_equal(net.A[0], X)
    for l in range(1, net.L + 1):
        assert net.W[l].shape == (net.sizes[l], net.sizes[l - 1])
        assert net.b[l].shape == (net.sizes[l], 1)
        np.testing.assert_allclose(net.Z[l], net.W[l] @ net.A[l - 1] + net.b[l])
        np.testing.assert_allclose(net.A[l], net.g[l](net.Z[l]))
    np.testing.assert_array_equal(net.A[net.L], Y_hat)


def test_biases_start_at_zero_and_seeded_weights_repeat():
    a = Network([2, 3, 1], ["tanh", "sigmoid"], init="he", seed=5)
    b = Network([2, 3, 1], ["tanh", "sigmoid"], init="he", seed=5)
    c = Network([2, 3, 1], ["tanh", "sigmoid"], init="he", seed=6)
    np.testing.assert_array_equal(a.params.flat, b.params.flat)
    assert not np.array_equal(a.params.flat, c.params.flat)
    assert all(not a.b[l].any() for l in (1, 2))


def test_assigning_a_weight_matrix_copies_it_into_the_network():
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    net.W[1] = np.ones((3, 2))
    net.b[2][0, 0] = 0.5
    assert net.params.flat[:2].tolist() == [1.0, 1.0]
    assert net.forward(np.zeros((2, 1))).shape == (1, 1)
    with pytest.raises(ValueError, match=r"expected shape \(3, 2\)"):
        net.W[1] = np.ones((2, 3))


def test_hand_worked_sgd_step():
    # One linear unit, squared error L = ½(ŷ - y)², two samples as columns:
    #   W = [0.5, -1], b = 0.25, x⁽¹⁾ = (1, 3), y⁽¹⁾ = 1, x⁽²⁾ = (2, -1), y⁽²⁾ = 0.
    data = datasets.from_points([[1, 3, 1], [2, -1, 0]], task="regression")
    split = datasets.split(data, train_fraction=1.0)
    net = Network([2, 1], ["linear"], init="zeros")
    net.W[1] = [[0.5, -1.0]]
    net.b[1] = [[0.25]]
    # Z = W X + b = [0.5 - 3 + 0.25, 1 + 1 + 0.25] = [-2.25, 2.25] = Ŷ
    # J = (1/2)(½·3.25² + ½·2.25²) = (1/2)(5.28125 + 2.53125) = 3.90625
    assert net.cost(split.train.X, split.train.Y, "mse") == pytest.approx(3.90625)
    # dZ = (Ŷ - Y)/m = [-3.25, 2.25]/2 = [-1.625, 1.125]
    # dW = dZ Xᵀ = [-1.625·1 + 1.125·2, -1.625·3 + 1.125·(-1)] = [0.625, -6.0]
    # db = Σ dZ = -0.5
    net.forward(split.train.X)
    dW, db = net.backward(split.train.Y, "mse")
    np.testing.assert_allclose(dW[1], [[0.625, -6.0]])
    np.testing.assert_allclose(db[1], [[-0.5]])
    # With α = 0.1: W ← [0.5 - 0.0625, -1 + 0.6] = [0.4375, -0.4], b ← 0.25 + 0.05 = 0.3
    tr = Trainer(net, split, loss="mse", optimizer=optimizers.make("sgd", 0.1), batch_size=2)
    assert tr.run(1) == 1
    np.testing.assert_allclose(net.W[1], [[0.4375, -0.4]])
    np.testing.assert_allclose(net.b[1], [[0.3]])


def _train_on_circle(net: Network, epochs: int = 30) -> Network:
    split = datasets.split(datasets.make("circle", n=200, seed=0), 0.5, seed=0)
    Trainer(net, split, optimizer=optimizers.make("sgd", 0.3), batch_size=10, seed=0).run(epochs)
    return net


@pytest.mark.parametrize("hidden", ["tanh", "sigmoid", "relu"])
def test_zero_initialization_keeps_hidden_neurons_identical(hidden):
    net = _train_on_circle(Network([2, 4, 3, 1], [hidden, hidden, "sigmoid"], init="zeros"))
    for l in (1, 2):
        Wb = np.hstack([net.W[l], net.b[l]])
        # Identical up to the last bit of rounding in the matrix products.
        np.testing.assert_allclose(Wb, np.repeat(Wb[:1], Wb.shape[0], axis=0), rtol=0, atol=1e-12)


def test_constant_initialization_keeps_neurons_identical_while_they_learn():
    net = Network([2, 4, 1], ["tanh", "sigmoid"], init="zeros")
    net.W[1] = np.full((4, 2), 0.3)
    net.W[2] = np.full((1, 4), 0.3)
    _train_on_circle(net)
    assert not np.allclose(net.W[1], 0.3)
    np.testing.assert_allclose(net.W[1], np.repeat(net.W[1][:1], 4, axis=0), rtol=0, atol=1e-12)


def _xor_test_accuracy(sizes: list[int], names: list[str]) -> float:
    split = datasets.split(datasets.make("xor", n=400, seed=2), 0.5, seed=2)
    net = Network(sizes, names, init="xavier", seed=2)
    tr = Trainer(net, split, optimizer=optimizers.make("adam", 0.01), batch_size=10, seed=2)
    tr.run(60)
    accuracy = tr.metrics()["test_accuracy"]
    assert accuracy is not None
    return accuracy


def test_identity_hidden_layers_are_no_better_than_logistic_regression_on_xor():
    logistic = _xor_test_accuracy([2, 1], ["sigmoid"])
    deep_linear = _xor_test_accuracy([2, 8, 8, 1], ["linear", "linear", "sigmoid"])
    deep_tanh = _xor_test_accuracy([2, 8, 8, 1], ["tanh", "tanh", "sigmoid"])
    assert logistic < 0.7
    assert deep_linear <= logistic + 0.05
    assert deep_tanh > 0.9


def test_to_dict_round_trips_bit_for_bit_through_json():
    net = Network([2, 5, 3], ["elu", "softmax"], init="he", seed=11)
    net.b[1] = np.random.default_rng(1).normal(size=(5, 1)) / 3
    text = json.dumps(net.to_dict())
    copy = Network.from_dict(json.loads(text))
    assert copy.params.flat.tobytes() == net.params.flat.tobytes()
    assert (copy.sizes, copy.activations, copy.init, copy.seed) == ([2, 5, 3], ["elu", "softmax"],
                                                                   "he", 11)
    X = np.random.default_rng(2).normal(size=(2, 9))
    assert copy.forward(X).tobytes() == net.forward(X).tobytes()
    assert json.dumps(copy.to_dict()) == text


def test_from_dict_names_the_bad_field():
    d = Network([2, 3, 1], ["tanh", "sigmoid"], seed=0).to_dict()
    d["W"][1] = [[1.0, 2.0]]
    with pytest.raises(ValueError, match=r"model\.W\[2\]"):
        Network.from_dict(d)
    with pytest.raises(ValueError, match=r"model\.b"):
        Network.from_dict({"sizes": [2, 1], "activations": ["sigmoid"], "W": [[[0.0, 0.0]]]})


def test_bad_architecture_raises_naming_the_field():
    with pytest.raises(ValueError, match=r"activations\[0\]: unknown activation 'swish'; valid: "):
        Network([2, 3, 1], ["swish", "sigmoid"])
    with pytest.raises(ValueError, match=r"sizes\[1\]"):
        Network([2, 0, 1], ["tanh", "sigmoid"])
    with pytest.raises(ValueError, match="activations"):
        Network([2, 3, 1], ["tanh"])
    with pytest.raises(ValueError, match="unknown initializer"):
        Network([2, 1], ["sigmoid"], init="ones")


def test_backward_checks_its_inputs():
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    with pytest.raises(ValueError, match="forward pass first"):
        net.backward(np.zeros((1, 4)), "bce")
    net.forward(np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"Y: expected shape \(1, 4\)"):
        net.backward(np.zeros((1, 3)), "bce")
    with pytest.raises(ValueError, match="unknown loss"):
        net.backward(np.zeros((1, 4)), "hinge")


def test_repr_shows_the_architecture():
    net = Network([2, 3, 1], ["tanh", "sigmoid"])
    assert repr(net) == "Network(2-3-1, tanh/sigmoid, 13 params)"


def test_a_normalized_network_round_trips_its_gamma_beta_and_running_statistics():
    net = Network([2, 4, 3, 1], ["tanh", "relu", "sigmoid"], seed=3,
                  batch_norm=[True, False, False])
    _train_on_circle(net, epochs=3)
    assert not np.allclose(net.gamma[1], 1.0) and net.beta[1].any()
    assert net.running_mean[1].any() and not np.allclose(net.running_var[1], 1.0)
    copy = Network.from_dict(json.loads(json.dumps(net.to_dict())))
    assert copy.params.flat.tobytes() == net.params.flat.tobytes()
    assert copy.running.flat.tobytes() == net.running.flat.tobytes()
    X = np.random.default_rng(2).normal(size=(2, 9))
    assert copy.forward(X, training=False).tobytes() == net.forward(X, training=False).tobytes()
    # 4·(2+1) + 3·(4+1) + 1·(3+1) = 31 weights and biases, + γ[1], β[1] = 39
    assert repr(net) == "Network(2-4-3-1, tanh+bn/relu/sigmoid, 39 params)"


@pytest.mark.parametrize("optimizer", ["gd", "sgd", "momentum", "adam"])
def test_every_optimizer_learns_gamma_and_beta(optimizer):
    net = Network([2, 4, 1], ["sigmoid", "sigmoid"], seed=1, batch_norm=[True, False])
    split = datasets.split(datasets.make("circle", n=100, seed=0), 0.5, seed=0)
    Trainer(net, split, optimizer=optimizers.make(optimizer, 0.1), batch_size=10).run(3)
    assert not np.allclose(net.gamma[1], 1.0) and net.beta[1].any()


def test_the_output_layer_is_never_normalized():
    with pytest.raises(ValueError, match="batch_norm"):
        Network([2, 3, 1], ["tanh", "sigmoid"], batch_norm=[True, True])
    with pytest.raises(ValueError, match="batch_norm: expected 2 flags"):
        Network([2, 3, 1], ["tanh", "sigmoid"], batch_norm=[True])
