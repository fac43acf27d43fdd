"""Display grids agree with the network's own forward pass on the same points."""

import numpy as np
import pytest

from engine import Network, features
from engine.grid import GridEvaluator, Scratch, grid_points

DOMAIN = (-6.0, 6.0, -6.0, 6.0)


def _net(names: tuple[str, ...] = ("tanh", "relu", "softmax")) -> Network:
    return Network([3, 5, 4, 2], list(names), init="xavier", seed=4)


def test_grid_points_run_from_top_left_pixel_centres():
    P = grid_points((0.0, 4.0, -2.0, 2.0), 4)
    assert P.shape == (2, 16)
    np.testing.assert_allclose(P[:, 0], [0.5, 1.5])     # top-left: x1 = min, x2 = max
    np.testing.assert_allclose(P[:, 3], [3.5, 1.5])     # end of the first row
    np.testing.assert_allclose(P[:, 15], [3.5, -1.5])   # bottom-right


@pytest.mark.parametrize("layers", [("tanh", "relu", "softmax"), ("sigmoid", "elu", "sigmoid"),
                                    ("leaky_relu", "tanh", "linear")])
def test_output_and_neuron_grids_match_forward(layers):
    net, names = _net(layers), ["x1", "x2", "x1x2"]
    net.W[3] = net.W[3] * 30    # saturate the output too
    frame = GridEvaluator(net, names, DOMAIN, resolution=20, neuron_resolution=7).evaluate()
    assert frame.output.shape == (2, 20, 20) and frame.output.dtype == np.float32
    assert {l: a.shape for l, a in frame.neurons.items()} == {1: (5, 7, 7), 2: (4, 7, 7)}
    Y_hat = net.forward(features.transform(grid_points(DOMAIN, 20), names))
    np.testing.assert_allclose(frame.output.reshape(2, -1), Y_hat, rtol=1e-5, atol=1e-5)
    net.forward(features.transform(grid_points(DOMAIN, 7), names))
    for l in (1, 2):
        np.testing.assert_allclose(frame.neurons[l].reshape(net.sizes[l], -1), net.A[l],
                                   rtol=1e-5, atol=1e-5)


def test_wide_layers_are_evaluated_in_several_blocks_with_the_same_result():
    # 64 × 65 weights per product leave room for 62 columns on one BLAS thread: blocks of 3
    # output rows (20 wide, 7 blocks) and of 6 neuron rows (9 wide, 2 blocks).
    net = Network([2, 64, 64, 1], ["tanh", "relu", "sigmoid"], init="xavier", seed=1)
    grid = GridEvaluator(net, ["x1", "x2"], DOMAIN, resolution=20, neuron_resolution=9)
    assert len(grid._slabs) == 7 + 2
    frame = grid.evaluate()
    Y_hat = net.forward(features.transform(grid_points(DOMAIN, 20), ["x1", "x2"]))
    np.testing.assert_allclose(frame.output.reshape(1, -1), Y_hat, rtol=1e-5, atol=1e-5)
    net.forward(features.transform(grid_points(DOMAIN, 9), ["x1", "x2"]))
    np.testing.assert_allclose(frame.neurons[2].reshape(64, -1), net.A[2], rtol=1e-5, atol=1e-5)


def test_evaluators_sharing_one_scratch_give_their_own_results():
    small_net, big_net = _net(), Network([3, 40, 30, 2], ["tanh", "relu", "softmax"], seed=2)
    names = ["x1", "x2", "x1x2"]
    alone = [GridEvaluator(n, names, DOMAIN, resolution=r, neuron_resolution=6).evaluate()
             for n, r in ((small_net, 12), (big_net, 30))]
    expected = [(f.output.copy(), {l: a.copy() for l, a in f.neurons.items()}) for f in alone]
    scratch = Scratch()

    def check(grid: GridEvaluator, output, neurons) -> None:
        frame = grid.evaluate()
        np.testing.assert_array_equal(frame.output, output)
        for l, values in neurons.items():
            np.testing.assert_array_equal(frame.neurons[l], values)

    small = GridEvaluator(small_net, names, DOMAIN, resolution=12, neuron_resolution=6,
                          scratch=scratch)
    check(small, *expected[0])
    first = scratch.at_least(0)
    big = GridEvaluator(big_net, names, DOMAIN, resolution=30, neuron_resolution=6,
                        scratch=scratch)
    assert scratch.at_least(0) is not first  # the big one made it grow
    # In turns, as the sessions of a server process build their frames; the small one cuts
    # its views again from the grown scratch.
    for _ in range(2):
        check(big, *expected[1])
        check(small, *expected[0])
    assert scratch.at_least(0).size >= max(small._scratch_size, big._scratch_size)


def test_evaluate_follows_weight_changes_and_reuses_its_buffers():
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    grid = GridEvaluator(net, ["x1", "x2"], DOMAIN, resolution=8, neuron_resolution=4)
    first = grid.evaluate()
    output, neurons = first.output, first.neurons[1]
    net.W[2] = np.zeros((1, 3))
    net.b[2] = [[3.0]]
    second = grid.evaluate()
    assert second is first and second.output is output and second.neurons[1] is neurons
    np.testing.assert_allclose(second.output, 1 / (1 + np.exp(-3.0)), rtol=1e-6)


def test_matches_says_when_to_rebuild():
    net = _net()
    grid = GridEvaluator(net, ["x1", "x2", "x1x2"], DOMAIN, resolution=4, neuron_resolution=2)
    assert grid.matches(net, ["x1", "x2", "x1x2"], list(DOMAIN))
    assert not grid.matches(net, ["x1", "x2", "x1_sq"], DOMAIN)
    assert not grid.matches(net.copy(), ["x1", "x2", "x1x2"], DOMAIN)


def test_row_zero_is_the_top_of_the_plane():
    net = Network([2, 1], ["linear"], init="zeros")
    net.W[1] = [[0.0, 1.0]]     # output = x2
    out = GridEvaluator(net, ["x1", "x2"], DOMAIN, resolution=6, neuron_resolution=2).evaluate()
    assert out.output[0, 0, 0] == pytest.approx(5.0) and out.output[0, -1, 0] == pytest.approx(-5.0)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"features": ["x1"]}, "features: the network has 2 inputs"),
    ({"domain": (1, 0, -1, 1)}, "domain"),
    ({"domain": (0, 1)}, "domain"),
    ({"resolution": 0}, "resolution"),
    ({"neuron_resolution": 10_000}, "neuron_resolution"),
])
def test_bad_arguments_raise(kwargs, message):
    args = {"features": ["x1", "x2"], "domain": DOMAIN, "resolution": 10, "neuron_resolution": 5}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        GridEvaluator(Network([2, 2, 1], ["tanh", "sigmoid"]), **args)


def test_the_grid_standardizes_its_points_as_the_trainer_does():
    from engine.features import Scaling

    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=2)
    scaling = Scaling(np.array([[1.0], [-2.0]]), np.array([[3.0], [0.5]]))
    domain = (-6.0, 6.0, -6.0, 6.0)
    grid = GridEvaluator(net, ["x1", "x2"], domain, resolution=8, neuron_resolution=4,
                         scaling=scaling)
    expected = net.forward(scaling.apply(grid_points(domain, 8).copy()))
    np.testing.assert_allclose(grid.evaluate().output.reshape(1, -1), expected, rtol=1e-4,
                               atol=1e-6)
