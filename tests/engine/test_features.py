"""Input features computed from the raw point (x1, x2)."""

import numpy as np
import pytest

from engine.features import FEATURES, transform


def test_every_feature_in_registry_order():
    X = np.array([[1.0, -2.0], [3.0, 0.5]])
    out = transform(X, list(FEATURES))
    expected = [[1, -2], [3, 0.5], [1, 4], [9, 0.25], [3, -1], np.sin([1, -2]), np.sin([3, 0.5])]
    np.testing.assert_allclose(out, expected)


def test_any_subset_in_the_given_order():
    X = np.array([[2.0], [5.0]])
    np.testing.assert_array_equal(transform(X, ["x2", "x1x2"]), [[5.0], [10.0]])


@pytest.mark.parametrize(("names", "message"), [
    ([], "features: choose at least one"),
    (["x3"], r"features\[0\]: unknown feature 'x3'"),
    (["x1", "x1"], r"features\[1\]: 'x1' is listed twice"),
    ("x1", "features: choose"),
])
def test_bad_feature_lists_raise(names, message):
    with pytest.raises(ValueError, match=message):
        transform(np.zeros((2, 3)), names)


def test_points_must_have_two_rows():
    with pytest.raises(ValueError, match=r"X: expected shape \(2, m\)"):
        transform(np.zeros((3, 4)), ["x1"])
