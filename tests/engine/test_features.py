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


def test_standardized_inputs_have_mean_0_and_std_1_on_the_training_set_and_are_reversible():
    from engine.features import Scaling

    rng = np.random.default_rng(0)
    X = rng.normal(3.0, 2.0, size=(2, 50))
    raw = transform(X, ["x1", "x1_sq", "x1x2"])
    scaling = Scaling.fit(raw)
    out = transform(X, ["x1", "x1_sq", "x1x2"], scaling=scaling)
    np.testing.assert_allclose(out.mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(out * scaling.std + scaling.mean, raw, rtol=1e-12)
    constant = Scaling.fit(np.ones((1, 5)))
    assert constant.std[0, 0] == 1.0  # a constant feature is only centred


def test_a_trainer_on_standardized_inputs_equals_one_on_standardized_points():
    from engine import Network, datasets, optimizers
    from engine.features import Scaling
    from engine.trainer import Trainer

    data = datasets.make("circle", n=120, seed=3)
    split = datasets.split(data, 0.5, 0.2, seed=3)
    scaling = Scaling.fit(split.train.X)

    def moved(part):
        return datasets.Dataset(scaling.apply(part.X.copy()), part.Y, part.labels, part.task,
                                part.classes, part.domain, part.name)

    manual = datasets.Split(*(moved(p) for p in (split.train, split.validation, split.test)),
                            moved(split.full))
    runs = []
    for s, standardize in ((split, True), (manual, False)):
        net = Network([2, 4, 1], ["tanh", "sigmoid"], seed=3)
        trainer = Trainer(net, s, optimizer=optimizers.make("sgd", learning_rate=0.1), seed=3,
                          standardize=standardize)
        trainer.run(5)
        runs.append((net.params.flat.copy(), trainer.metrics()))
    np.testing.assert_allclose(runs[0][0], runs[1][0], rtol=1e-12)
    assert runs[0][1] == runs[1][1]
