"""Linear collapse: identity hidden layers make a single layer W' = W[L]···W[1], b'."""

import numpy as np
import pytest

from engine import Network, features, grid
from engine.collapse import CollapseGrid, collapse, is_collapsible


def grid_points(resolution: int = 60, half: float = 6.0) -> np.ndarray:
    """Raw points (2, R²) of an R×R grid over [-half, half]²."""
    axis = np.linspace(-half, half, resolution)
    x1, x2 = np.meshgrid(axis, axis[::-1])
    return np.vstack([x1.ravel(), x2.ravel()])


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(("output", "n_out"), [("sigmoid", 1), ("softmax", 3), ("linear", 2)])
def test_collapsed_model_matches_the_network_on_random_points_and_a_grid(
    seed: int, output: str, n_out: int
) -> None:
    rng = np.random.default_rng(seed)
    names = ["x1", "x2", "x1_sq", "x1x2"][: 2 + seed % 3]
    hidden = [int(n) for n in rng.integers(1, 7, size=1 + seed % 4)]
    sizes = [len(names), *hidden, n_out]
    net = Network(sizes, ["linear"] * len(hidden) + [output], init="uniform", seed=seed)
    for l in range(1, net.L + 1):
        net.b[l] = rng.normal(size=net.b[l].shape)
    single = collapse(net)
    assert single.W.shape == (n_out, len(names)) and single.b.shape == (n_out, 1)
    assert single.activation == output
    for raw in (rng.uniform(-6, 6, size=(2, 200)), grid_points()):
        X = features.transform(raw, names)
        np.testing.assert_allclose(single.forward(X), net.forward(X), rtol=0, atol=1e-9)


def test_two_layer_collapse_is_the_course_formula() -> None:
    net = Network([2, 3, 1], ["linear", "sigmoid"], init="uniform", seed=4)
    net.b[1] = [[0.5], [-1.0], [2.0]]
    net.b[2] = [[0.25]]
    single = collapse(net)
    # W' = W[2] W[1], b' = W[2] b[1] + b[2]
    np.testing.assert_allclose(single.W, net.W[2] @ net.W[1], rtol=0, atol=1e-15)
    np.testing.assert_allclose(single.b, net.W[2] @ net.b[1] + net.b[2], rtol=0, atol=1e-15)


def test_a_network_without_hidden_layers_is_its_own_collapse() -> None:
    net = Network([2, 1], ["sigmoid"], seed=0)
    assert is_collapsible(net)
    single = collapse(net)
    np.testing.assert_array_equal(single.W, net.W[1])
    np.testing.assert_array_equal(single.b, net.b[1])


def test_collapse_refuses_a_non_linear_hidden_layer() -> None:
    net = Network([2, 3, 3, 1], ["linear", "tanh", "sigmoid"], seed=0)
    assert not is_collapsible(net)
    with pytest.raises(ValueError, match="layer 2 is 'tanh'"):
        collapse(net)


def test_collapsed_model_does_not_follow_later_weight_changes() -> None:
    net = Network([2, 2, 1], ["linear", "linear"], seed=0)
    single = collapse(net)
    before = single.W.copy()
    net.W[1] = net.W[1] * 2.0
    np.testing.assert_array_equal(single.W, before)


def test_collapse_grid_draws_the_same_boundary_as_the_network() -> None:
    names = ["x1", "x2", "x1x2"]
    net = Network([3, 4, 3, 1], ["linear", "linear", "sigmoid"], init="xavier", seed=5)
    domain = (-6.0, 6.0, -5.0, 5.0)
    drawn = CollapseGrid(names, domain, resolution=40)
    out = drawn.evaluate(net)
    assert out.shape == (1, 40, 40) and out.dtype == np.float32
    X = features.transform(grid.grid_points(domain, 40), names)
    np.testing.assert_allclose(collapse(net).forward(X), net.forward(X), rtol=0, atol=1e-9)
    exact = net.forward(X).reshape(1, 40, 40)
    np.testing.assert_allclose(out, exact, rtol=0, atol=1e-6)
    shown = grid.GridEvaluator(net, names, domain, resolution=40, neuron_resolution=8).evaluate()
    np.testing.assert_allclose(out, shown.output, rtol=0, atol=1e-5)
    with pytest.raises(ValueError, match="activations"):
        drawn.evaluate(Network([3, 2, 1], ["tanh", "sigmoid"], seed=0))
