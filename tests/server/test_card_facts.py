"""The numbers an experiment card quotes (`facts`) are the engine's: the standardization card's
x₁², x₂² reach the square of the circle's radius, the zigzag card's path detours as it says,
the loop and the vectorized pass agree, on every seed."""

from __future__ import annotations

import numpy as np
import pytest

from engine import timing, zigzag
from engine.datasets import make
from server.catalog import catalog
from server.lessons.experiments import EXPERIMENTS


@pytest.mark.parametrize("seed", range(8))
def test_standardize_card_quotes_the_largest_input_of_the_circle(seed: int) -> None:
    facts = EXPERIMENTS["standardize"].facts
    X = make("circle", 300, 0.0, seed).X
    assert np.abs(X).max() <= facts["radius"]
    assert (X**2).max() <= facts["square"] == facts["radius"] ** 2
    # Reached, not just a bound: the largest x₁² of 300 points is within 5 % of it.
    assert (X**2).max() >= 0.95 * facts["square"]


def test_the_catalog_publishes_each_experiments_facts() -> None:
    published = {e["name"]: e["facts"] for e in catalog()["experiments"]}
    assert published["standardize"] == {"radius": 5.0, "square": 25.0}
    assert all(isinstance(f, dict) for f in published.values())


@pytest.mark.parametrize("seed", range(1, 9))
def test_zigzag_card_quotes_the_path_gradient_descent_takes_on_every_seed(seed: int) -> None:
    """One example per step: with sigmoid inputs (positive) every step moves w₁ and w₂ the
    same way and the path detours; with tanh inputs the steps mix and the path is straighter."""
    facts = EXPERIMENTS["zigzag"].facts
    sigmoid, tanh = zigzag.path("sigmoid", seed), zigzag.path("tanh", seed)
    assert sigmoid.same_sign_steps == 1.0
    assert sigmoid.detour >= facts["path_detour"]
    assert tanh.same_sign_steps <= facts["tanh_same_sign_percent"] / 100
    assert tanh.detour <= facts["tanh_path_detour"]
    # Both reach the target's neighbourhood: the detour is the path's shape, not a failure.
    assert sigmoid.progress >= 0.9 and tanh.progress >= 0.9
    assert sigmoid.weights.shape == (facts["path_steps"] + 1, 2)


def test_zigzag_path_starts_where_it_says_and_its_cost_is_lowest_at_the_target() -> None:
    p = zigzag.path("sigmoid", 1)
    assert tuple(p.weights[0]) == zigzag.START
    row, col = np.unravel_index(np.argmin(p.cost), p.cost.shape)
    axis = np.linspace(-zigzag.EXTENT, zigzag.EXTENT, zigzag.GRID)
    assert (axis[col], axis[row]) == zigzag.TARGET
    with pytest.raises(ValueError, match="output: expected one of sigmoid, tanh"):
        zigzag.inputs("relu", 1)


@pytest.mark.parametrize("seed", range(1, 9))
def test_the_loop_over_examples_and_the_vectorized_pass_give_the_same_outputs(seed: int) -> None:
    """The loop-versus-vectorized card: the course's forwardPassIterative and the vectorized
    pass agree on every output, for every activation (batch normalization included)."""
    from engine.network import Network

    rng = np.random.default_rng(seed)
    net = Network([2, 8, 8, 3], ["relu", "sigmoid", "softmax"], "xavier",
                  seed=seed, batch_norm=[False, True, False])
    X = rng.normal(0, 3, (2, 200))
    timed = timing.time_forward(net, X, repeats=1)
    assert timed.examples == 200
    np.testing.assert_allclose(timing.forward_loop(net, X), timing.forward_vectorized(net, X),
                               rtol=0, atol=EXPERIMENTS["loop_vs_vectorized"].facts[
                                   "loop_difference"])
    assert timed.max_difference <= EXPERIMENTS["loop_vs_vectorized"].facts["loop_difference"]
    assert timed.loop_seconds > 0 and timed.vectorized_seconds > 0
    # Only the first MAX_EXAMPLES columns are timed.
    wide = rng.normal(0, 3, (2, timing.MAX_EXAMPLES + 7))
    assert timing.time_forward(net, wide, repeats=1).examples == timing.MAX_EXAMPLES


def test_the_wide_layer_card_quotes_the_catalogs_limits() -> None:
    facts = EXPERIMENTS["wide_layer"].facts
    limits = catalog()["limits"]
    assert (facts["max_units"], facts["max_wide_units"]) == (limits["max_units"],
                                                              limits["max_wide_units"])
    assert EXPERIMENTS["wide_layer"].config["hidden"][0]["units"] == limits["max_wide_units"]
