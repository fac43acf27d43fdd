"""The numbers an experiment card quotes (`facts`) are the engine's: the standardization card's
x₁², x₂² reach the square of the circle's radius, on every seed."""

from __future__ import annotations

import numpy as np
import pytest

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
