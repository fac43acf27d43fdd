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
    with pytest.raises(ValueError, match="valid: zeros, uniform, normal, xavier, he"):
        initializers.get("glorot")
