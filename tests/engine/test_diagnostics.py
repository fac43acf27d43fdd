"""Diagnostics: dead ReLUs, saturation, histograms, gradient norms, symmetry, the Glorot lessons."""

import numpy as np
import pytest

from engine import Network
from engine import diagnostics as d

DEEP = [2] + [16] * 8 + [1]


def inputs(m: int = 500, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-3.0, 3.0, size=(2, m))


def labels(m: int = 500, seed: int = 1) -> np.ndarray:
    return (np.random.default_rng(seed).random((1, m)) < 0.5).astype(float)


def test_neuron_whose_bias_is_driven_very_negative_is_reported_dead() -> None:
    net = Network([2, 4, 3, 1], ["relu", "relu", "sigmoid"], init="he", seed=2)
    X = inputs()
    assert d.dead_neurons(net, X) == {1: [], 2: []}
    net.b[2][0, 0] = -1e3
    assert d.dead_neurons(net, X) == {1: [], 2: [0]}
    net.b[1][2, 0] = -1e3
    assert d.dead_neurons(net, X)[1] == [2]


def test_dead_neuron_has_zero_active_share_and_others_positive() -> None:
    net = Network([2, 4, 1], ["relu", "sigmoid"], init="he", seed=0)
    net.b[1][1, 0] = -1e3
    share = d.active_share(net, inputs())
    assert share[1].shape == (4,)
    assert share[1][1] == 0.0
    assert np.all(share[1][[0, 2, 3]] > 0.0)


def test_no_data_gives_no_verdict_and_empty_statistics() -> None:
    net = Network([2, 3, 1], ["relu", "sigmoid"], seed=0)
    X = np.zeros((2, 0))
    assert d.dead_neurons(net, X) == {1: []}
    np.testing.assert_array_equal(d.active_share(net, X)[1], np.zeros(3))
    stats = d.layer_stats(net, X, bins=4)
    assert (stats[1].mean, stats[1].std) == (0.0, 0.0)
    assert stats[1].hist.counts.tolist() == [0, 0, 0, 0]


def test_dead_neurons_only_reports_relu_hidden_layers() -> None:
    net = Network([2, 3, 3, 1], ["tanh", "leaky_relu", "relu"], seed=0)
    net.b[2][:] = -1e3
    # leaky_relu never dies (slope 0.01) and the output layer is not hidden.
    assert d.dead_neurons(net, inputs()) == {}


def test_a_precomputed_forward_pass_gives_the_same_answers() -> None:
    net = Network([2, 5, 5, 1], ["relu", "tanh", "sigmoid"], init="he", seed=3)
    X = inputs()
    A = d.forward_all(net, X)
    assert len(A) == net.L + 1
    assert d.dead_neurons(net, X) == d.dead_neurons(net, A=A)
    np.testing.assert_array_equal(d.active_share(net, X)[1], d.active_share(net, A=A)[1])
    assert d.saturation(net, X) == d.saturation(net, A=A)


def test_missing_inputs_name_the_field() -> None:
    net = Network([2, 3, 1], ["relu", "sigmoid"], seed=0)
    with pytest.raises(ValueError, match="X"):
        d.dead_neurons(net)
    with pytest.raises(ValueError, match="A"):
        d.dead_neurons(net, A=[inputs()])


def test_saturation_is_the_share_of_flat_region_pairs() -> None:
    net = Network([1, 2, 1], ["tanh", "sigmoid"], init="zeros", seed=0)
    net.W[1][:] = [[1.0], [1.0]]
    X = np.array([[-10.0, 0.0, 0.1, 10.0]])
    # tanh'(±10) ≈ 0 is saturated; tanh'(0) = 1 and tanh'(0.1) ≈ 0.99 are not: 4 of 8 pairs.
    assert d.saturation(net, X) == {1: 0.5}
    np.testing.assert_allclose(d.active_share(net, X)[1], [0.5, 0.5])


def test_sigmoid_saturation_threshold_is_relative_to_its_peak() -> None:
    net = Network([1, 1, 1], ["sigmoid", "linear"], init="zeros", seed=0)
    net.W[1][:] = 1.0
    # σ'(z) = 0.1 · 0.25 at |z| ≈ 3.64: 3 is not saturated, 4.5 is.
    assert d.saturation(net, np.array([[-3.0, 3.0, 4.5, -4.5]])) == {1: 0.5}


def test_linear_layers_are_always_active_and_never_saturated() -> None:
    net = Network([2, 3, 1], ["linear", "sigmoid"], seed=0)
    np.testing.assert_array_equal(d.active_share(net, inputs())[1], np.ones(3))
    assert d.saturation(net, inputs()) == {}


def test_histograms_have_fixed_edges_per_activation() -> None:
    net = Network([2, 4, 4, 4, 1], ["tanh", "relu", "sigmoid", "sigmoid"], seed=0)
    X = inputs(300)
    stats = d.layer_stats(net, X, bins=10)
    assert set(stats) == {1, 2, 3, 4}
    for l, rng in ((1, (-1.0, 1.0)), (3, (0.0, 1.0)), (4, (0.0, 1.0))):
        assert stats[l].hist.range == rng
        assert stats[l].hist.counts.shape == (10,)
        assert stats[l].hist.edges.shape == (11,)
        assert stats[l].hist.counts.sum() == 4 * 300 if l < 4 else 300
    lo, hi = stats[2].hist.range
    assert lo == 0.0 and hi >= float(net.A[2].max()) and hi in (1.0, 2.0, 5.0, 10.0, 20.0)
    assert stats[2].hist.counts.sum() == 4 * 300
    np.testing.assert_allclose(stats[1].mean, net.A[1].mean())
    np.testing.assert_allclose(stats[1].std, net.A[1].std())


def test_relu_histogram_bound_moves_in_one_two_five_steps() -> None:
    assert [d.nice_ceiling(x) for x in (0.3, 1.0, 1.1, 2.5, 7.0, 12.0)] == [
        0.5, 1.0, 2.0, 5.0, 10.0, 20.0,
    ]
    assert d.activation_range("relu", np.zeros((2, 3))) == (0.0, 1.0)
    assert d.activation_range("relu", np.full((2, 3), 3.2)) == (0.0, 5.0)
    assert d.activation_range("linear", np.array([[-7.0, 2.0]])) == (-10.0, 10.0)
    assert d.activation_range("elu", np.array([[-0.5, 0.5]])) == (-1.0, 1.0)


def test_histogram_counts_values_into_equal_bins() -> None:
    h = d.histogram(np.array([0.0, 0.1, 0.5, 0.99, 1.0, 2.0, np.nan]), 0.0, 1.0, 4)
    # [0, .25): 0, 0.1; [.5, .75): 0.5; [.75, 1]: 0.99, 1.0, and 2.0 clipped in; NaN dropped.
    assert h.counts.tolist() == [2, 0, 1, 3]
    np.testing.assert_allclose(h.edges, [0.0, 0.25, 0.5, 0.75, 1.0])
    with pytest.raises(ValueError, match="bins"):
        d.histogram(np.zeros(3), 0.0, 1.0, 0)


def test_gradient_norms_and_histograms_per_layer() -> None:
    net = Network([2, 3, 2, 1], ["tanh", "tanh", "sigmoid"], seed=0)
    X = inputs(50)
    net.forward(X)
    dW, _ = net.backward(labels(50), "bce")
    norms = d.gradient_norms(dW)
    assert set(norms) == {1, 2, 3}
    for l in (1, 2, 3):
        assert norms[l] == pytest.approx(np.sqrt((dW[l] ** 2).sum()))
    stats = d.gradient_stats(dW, bins=8)
    for l in (1, 2, 3):
        lo, hi = stats[l].range
        assert lo == -hi and hi >= np.abs(dW[l]).max()
        assert stats[l].counts.sum() == dW[l].size
    assert d.gradient_norms({2: np.array([[3.0, 4.0]])}) == {2: 5.0}


def test_gradient_norms_vanish_through_a_deep_sigmoid_network() -> None:
    net = Network(DEEP, ["sigmoid"] * 9, init="xavier", seed=1)
    net.forward(inputs())
    dW, _ = net.backward(labels(), "bce")
    norms = d.gradient_norms(dW)
    # σ' <= 1/4 at every layer: the first layer learns about a million times slower here.
    assert norms[1] < 1e-4 * norms[9]
    assert all(norms[l] < norms[l + 1] for l in range(1, 9))


def hidden_std(init: str) -> list[float]:
    net = Network(DEEP, ["tanh"] * 8 + ["sigmoid"], init=init, seed=1)
    stats = d.layer_stats(net, inputs())
    return [stats[l].std for l in range(1, 9)]


def test_xavier_keeps_activation_std_stable_over_a_deep_tanh_network() -> None:
    std = hidden_std("xavier")
    assert all(0.2 < s < 0.8 for s in std)
    assert std[-1] > 0.6 * std[2]


def test_small_normal_init_makes_the_signal_fade_and_zeros_kills_it() -> None:
    std = hidden_std("normal")
    assert std[-1] < 0.01 * std[0]
    assert hidden_std("zeros") == [0.0] * 8


def test_uniform_init_saturates_a_deep_tanh_network_while_xavier_does_not() -> None:
    X = inputs()
    uniform = d.saturation(Network(DEEP, ["tanh"] * 8 + ["sigmoid"], init="uniform", seed=1), X)
    xavier = d.saturation(Network(DEEP, ["tanh"] * 8 + ["sigmoid"], init="xavier", seed=1), X)
    assert min(uniform[l] for l in range(4, 9)) > 0.25
    assert max(xavier[l] for l in range(2, 9)) < 0.05


def test_he_keeps_a_deep_relu_signal_while_xavier_halves_its_variance_per_layer() -> None:
    sizes, acts = [2] + [32] * 8 + [1], ["relu"] * 8 + ["sigmoid"]
    for seed in (1, 2, 3):
        he = d.layer_stats(Network(sizes, acts, init="he", seed=seed), inputs())
        xavier = d.layer_stats(Network(sizes, acts, init="xavier", seed=seed), inputs())
        # ReLU zeroes half of Z: Var(W) = 1/n loses a factor √2 of std per layer, 2/n does not.
        assert 0.5 < he[8].std / he[1].std < 2.0
        assert xavier[8].std / xavier[1].std < 0.2


def test_zero_init_layers_are_symmetric_and_random_ones_are_not() -> None:
    zero = Network([2, 4, 3, 1], ["tanh", "tanh", "sigmoid"], init="zeros", seed=0)
    assert d.symmetric_layers(zero) == [1, 2]
    rand = Network([2, 4, 3, 1], ["tanh", "tanh", "sigmoid"], init="xavier", seed=0)
    assert d.symmetric_layers(rand) == []
    one = Network([2, 1, 1], ["tanh", "sigmoid"], init="zeros", seed=0)
    assert d.symmetric_layers(one) == []  # a single neuron has nobody to be identical to
    zero.b[1][0, 0] = 1e-3
    assert d.symmetric_layers(zero) == [2]
    assert d.symmetric_layers(zero, atol=1e-2) == [1, 2]


def test_zero_init_stays_symmetric_after_training() -> None:
    net = Network([2, 4, 1], ["tanh", "sigmoid"], init="zeros", seed=0)
    X, Y = inputs(100), (inputs(100)[:1] > 0).astype(float)
    for _ in range(50):
        net.forward(X)
        dW, db = net.backward(Y, "bce")
        for l in (1, 2):
            net.W[l] = net.W[l] - 0.5 * dW[l]
            net.b[l] = net.b[l] - 0.5 * db[l]
    assert d.symmetric_layers(net) == [1]


def test_dead_tracker_remembers_when_each_neuron_died_and_forgets_revivals() -> None:
    t = d.DeadTracker()
    t.update(0, {1: []})
    t.update(5, {1: [2]})
    t.update(9, {1: [0, 2]})
    assert t.died_at == {1: {2: 5, 0: 9}}
    assert t.first_epoch == 0
    t.update(12, {1: [0]})
    assert t.died_at == {1: {0: 9}}
    t.update(20, {1: [0, 2]})
    assert t.died_at == {1: {0: 9, 2: 20}}
    t.reset()
    assert t.died_at == {} and t.first_epoch is None


def test_summary_gathers_every_diagnostic_from_one_pass() -> None:
    net = Network([2, 4, 3, 1], ["relu", "tanh", "sigmoid"], init="he", seed=0)
    net.b[1][3, 0] = -1e3
    X = inputs(200)
    net.forward(X)
    dW, _ = net.backward(labels(200), "bce")
    rep = d.summary(net, X, dW, bins=5)
    assert set(rep) == {1, 2, 3}
    assert rep[1].dead == [3] and rep[1].saturation is None
    assert rep[2].dead is None and rep[2].saturation is not None
    assert rep[3].active_share is None and rep[3].dead is None
    assert rep[1].active_share is not None and rep[1].active_share[3] == 0.0
    assert rep[3].grad_norm == pytest.approx(d.gradient_norms(dW)[3])
    assert rep[2].grad_hist is not None and rep[2].grad_hist.counts.shape == (5,)
    assert rep[1].stats.hist.counts.sum() == 4 * 200
    assert not any(rep[l].symmetric for l in rep)
    assert d.summary(net, X)[1].grad_norm is None


def test_summary_reuses_a_forward_pass_whose_backward_gave_the_gradients() -> None:
    net = Network([2, 4, 1], ["relu", "sigmoid"], init="he", seed=2)
    X = inputs(100)
    A = d.forward_all(net, X)
    dW, _ = net.backward(labels(100), "bce")
    once, again = d.summary(net, dW=dW, A=A), d.summary(net, X, dW)
    assert once[1].dead == again[1].dead
    assert (once[1].stats.mean, once[1].stats.std) == (again[1].stats.mean, again[1].stats.std)
    np.testing.assert_array_equal(once[1].stats.hist.counts, again[1].stats.hist.counts)
    assert once[2].grad_norm == again[2].grad_norm


def test_revive_switches_hidden_relus_to_leaky_keeping_the_weights() -> None:
    net = Network([2, 4, 3, 1], ["relu", "relu", "sigmoid"], init="he", seed=2)
    net.b[1][1, 0] = -50.0
    X, Y = inputs(200), labels(200)
    net.forward(X)
    dW, _ = net.backward(Y, "bce")
    assert d.dead_neurons(net, X)[1] == [1]
    assert not dW[1][1].any()  # a dead ReLU gets no gradient: it can never come back
    alive = d.revive(net)
    assert alive.activations == ["leaky_relu", "leaky_relu", "sigmoid"]
    for l in (1, 2, 3):
        np.testing.assert_array_equal(alive.W[l], net.W[l])
        np.testing.assert_array_equal(alive.b[l], net.b[l])
    alive.forward(X)
    dW, db = alive.backward(Y, "bce")
    assert dW[1][1].any() and db[1][1, 0] != 0.0
    assert d.dead_neurons(alive, X) == {}
    assert net.activations == ["relu", "relu", "sigmoid"]


def test_redraw_gives_dead_neurons_new_weights_and_leaves_the_output_unchanged() -> None:
    net = Network([2, 4, 3, 1], ["relu", "relu", "sigmoid"], init="he", seed=2)
    net.b[1][1, 0] = -50.0
    net.b[2][0, 0] = -50.0
    X = inputs(200)
    dead = d.dead_neurons(net, X)
    assert dead == {1: [1], 2: [0]}
    before = net.forward(X).copy()
    W1 = net.W[1].copy()
    d.redraw(net, dead, np.random.default_rng(0))
    np.testing.assert_allclose(net.forward(X), before, rtol=0, atol=1e-15)
    assert d.dead_neurons(net, X) == {1: [], 2: []}  # zero bias, random signs: active somewhere
    assert (net.W[1][1] != W1[1]).all() and net.b[1][1, 0] == 0.0
    np.testing.assert_array_equal(net.W[1][[0, 2, 3]], W1[[0, 2, 3]])
    assert not net.W[2][1:, 1].any() and not net.W[3][:, 0].any()
    assert net.W[2][0].all()  # the re-drawn neuron of layer 2 gets a weight from the one below
