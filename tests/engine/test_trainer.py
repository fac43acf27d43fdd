"""Training: fixed-seed learning results, metrics, history, settings, divergence."""

import json
import math

import numpy as np
import pytest

from engine import Network, Trainer, datasets, diagnostics, features, losses, optimizers


def _trainer(name: str, hidden: list[int], act: str, opt: str = "sgd", lr: float = 0.03,
             seed: int = 0, classes: int = 2, noise: float = 0.0, n: int = 500,
             validation: float = 0.0, **kwargs) -> Trainer:
    data = datasets.make(name, n=n, noise=noise, seed=seed, classes=classes)
    split = datasets.split(data, 0.5, validation, seed=seed)
    out, loss = losses.default_for(data.task)
    k = data.Y.shape[0]
    net = Network([2, *hidden, k], [act] * len(hidden) + [out], init="xavier", seed=seed)
    return Trainer(net, split, loss=loss, optimizer=optimizers.make(opt, lr), seed=seed, **kwargs)


def _test_accuracy(tr: Trainer) -> float:
    accuracy = tr.metrics()["test_accuracy"]
    assert accuracy is not None
    return accuracy


def test_xor_is_learned_by_one_small_hidden_layer():
    tr = _trainer("xor", [4], "tanh")
    assert tr.run(100) == 100 and tr.epoch == 100
    assert _test_accuracy(tr) >= 0.95


def test_circle_is_learned_by_relu_with_momentum():
    tr = _trainer("circle", [8, 8], "relu", opt="momentum")
    tr.run(50)
    assert _test_accuracy(tr) >= 0.97


def test_spiral_is_learned_by_six_layers_of_eight_tanh():
    tr = _trainer("spiral", [8] * 6, "tanh", opt="adam", lr=0.003)
    tr.run(100)
    assert _test_accuracy(tr) >= 0.9


def test_three_class_blobs_are_learned_with_softmax():
    tr = _trainer("blobs", [8], "tanh", opt="adam", lr=0.01, classes=3, noise=0.2)
    assert tr.net.activations[-1] == "softmax" and tr.loss.name == "cce"
    tr.run(50)
    assert _test_accuracy(tr) >= 0.9


def test_regression_loss_falls_and_has_no_accuracy():
    tr = _trainer("plane", [4], "tanh", opt="adam", lr=0.01)
    before = tr.metrics()["test_loss"]
    tr.run(30)
    after = tr.metrics()
    assert after["test_loss"] < 0.1 * before
    assert after["train_accuracy"] is None and after["test_accuracy"] is None


def test_full_batch_gradient_descent_takes_one_step_per_epoch():
    tr = _trainer("xor", [4], "tanh", opt="gd", lr=0.5, n=100)
    assert len(tr._batches) == 1
    tr.run(200)
    assert _test_accuracy(tr) > 0.9


def test_same_seed_trains_to_the_same_weights():
    a, b = _trainer("circle", [4], "tanh", seed=3), _trainer("circle", [4], "tanh", seed=3)
    a.run(5)
    b.run(5)
    assert a.net.params.flat.tobytes() == b.net.params.flat.tobytes()
    c = _trainer("circle", [4], "tanh", seed=3, batch_size=7)
    c.run(5)
    assert c.net.params.flat.tobytes() != a.net.params.flat.tobytes()


def test_metrics_cover_every_part_and_are_json_safe():
    tr = _trainer("circle", [4], "tanh", validation=0.2)
    tr.run(2)
    m = tr.metrics()
    assert list(m) == ["train_loss", "validation_loss", "test_loss",
                       "train_accuracy", "validation_accuracy", "test_accuracy"]
    assert all(isinstance(v, float) and math.isfinite(v) for v in m.values())
    json.dumps(m, allow_nan=False)
    empty = _trainer("circle", [4], "tanh").metrics()
    assert empty["validation_loss"] is None and empty["validation_accuracy"] is None


def test_history_gets_one_entry_per_record():
    tr = _trainer("xor", [4], "tanh", n=100)
    tr.record()
    tr.run(3)
    tr.record()
    tr.record()
    assert [h["epoch"] for h in tr.history] == [0, 3]
    assert set(tr.history[-1]) == {"epoch", *tr.metrics()}


def test_history_keeps_its_span_when_thinned(monkeypatch):
    monkeypatch.setattr("engine.trainer.MAX_HISTORY", 10)
    tr = _trainer("xor", [2], "tanh", n=20)
    for epoch in range(26):
        tr.epoch = epoch
        tr.record()
    epochs = [h["epoch"] for h in tr.history]
    assert len(epochs) <= 10 and epochs[0] == 0 and epochs[-1] == 25
    assert epochs == sorted(epochs)


class Clock:
    """A perf_counter that moves `tick` seconds at each reading: the budgets below run out
    after a known number of readings, however busy the machine is."""

    def __init__(self, tick: float) -> None:
        self.now, self.tick = 0.0, tick

    def perf_counter(self) -> float:
        self.now += self.tick
        return self.now


def test_run_stops_after_the_epoch_that_crosses_the_time_budget(monkeypatch):
    monkeypatch.setattr("engine.trainer.time", Clock(0.004))
    tr = _trainer("xor", [4], "tanh", n=100)
    # Readings: the deadline, then one after each epoch: the 3rd epoch ends at 0.016 > 0.01.
    assert tr.run(10**9, max_seconds=0.01) == 3 and tr.epoch == 3
    assert tr.run(0) == 0


def test_train_for_stops_between_batches_and_the_next_call_goes_on():
    whole = _trainer("xor", [4], "tanh", n=100)
    parts = _trainer("xor", [4], "tanh", n=100)
    assert parts.batches_per_epoch == 5
    steps = 0
    while parts.epoch < 3:
        steps += parts.train_for(0.0)   # no time at all: exactly one mini-batch per call
        assert parts.position == steps % 5
    whole.run(3)
    assert steps == 15 and parts.position == 0
    np.testing.assert_array_equal(parts.net.params.flat, whole.net.params.flat)


def test_run_finishes_an_epoch_left_part_way_and_counts_it_once():
    tr = _trainer("xor", [4], "tanh", n=100)
    tr.train_for(0.0)
    tr.train_for(0.0)
    assert (tr.epoch, tr.position) == (0, 2)
    assert tr.run(2) == 2 and (tr.epoch, tr.position) == (2, 0)


def test_train_for_runs_until_its_time_is_up_or_its_steps_are_done(monkeypatch):
    monkeypatch.setattr("engine.trainer.time", Clock(0.001))
    tr = _trainer("xor", [4], "tanh", n=100)
    steps = tr.train_for(0.02)
    assert 1 < steps < 20 and tr.epoch * 5 + tr.position == steps
    tr = _trainer("xor", [4], "tanh", n=100)
    assert tr.train_for(10.0, max_steps=7) == 7 and (tr.epoch, tr.position) == (1, 2)
    assert tr.train_for(10.0, max_steps=0) == 0


def test_a_new_batch_size_starts_a_new_epoch_and_keeps_the_weights():
    tr = _trainer("xor", [4], "tanh", n=100)
    tr.train_for(0.0)
    weights = tr.net.params.flat.copy()
    tr.set_batch_size(25)
    assert tr.position == 0 and tr.epoch == 0
    np.testing.assert_array_equal(tr.net.params.flat, weights)


def test_divergence_part_way_restores_the_start_of_the_epoch():
    tr = _trainer("plane", [8, 8], "relu", opt="sgd", lr=10.0)
    start = tr.net.params.flat.copy()
    for _ in range(1000):
        if tr.position == 0:
            start = tr.net.params.flat.copy()
        if not tr.train_for(0.0):
            break
    assert tr.diverged is not None and tr.position == 0
    np.testing.assert_array_equal(tr.net.params.flat, start)


def test_metrics_of_every_part_equal_the_cost_on_that_part():
    tr = _trainer("circle", [4], "tanh", validation=0.2)
    tr.run(2)
    m = tr.metrics()
    net, loss = tr.net, tr.loss
    for name, part in (("train", tr.split.train), ("validation", tr.split.validation),
                       ("test", tr.split.test)):
        assert m[f"{name}_loss"] == pytest.approx(net.cost(part.X, part.Y, loss), rel=1e-12)
        predicted = net.forward(part.X)[0] > 0.5
        assert m[f"{name}_accuracy"] == pytest.approx(np.mean(predicted == (part.labels == 1)))


@pytest.mark.parametrize("name, act", [("circle", "tanh"), ("blobs", "sigmoid"),
                                       ("plane", "relu")])
def test_float32_metrics_agree_with_float64_ones(name, act):
    exact = _trainer(name, [6, 4], act, classes=3, validation=0.2)
    fast = _trainer(name, [6, 4], act, classes=3, validation=0.2, metrics_dtype=np.float32)
    exact.run(3)
    fast.run(3)
    m64, m32 = exact.metrics(), fast.metrics()
    assert list(m64) == list(m32)
    for key, value in m64.items():
        if value is None:   # no accuracy for regression
            assert m32[key] is None and key.endswith("accuracy")
        else:
            assert m32[key] == pytest.approx(value, rel=1e-5, abs=1e-6), key
    with pytest.raises(ValueError, match="metrics_dtype"):
        _trainer(name, [4], act, classes=3, metrics_dtype=np.int32)


def test_trainers_and_grids_sharing_one_scratch_keep_their_own_metrics():
    from engine.grid import GridEvaluator
    from engine.scratch import Scratch

    scratch = Scratch()
    shared = [_trainer("circle", [4], "tanh", metrics_dtype=np.float32,
                       metrics_scratch=scratch),
              _trainer("spiral", [16, 16, 8], "relu", n=400, metrics_dtype=np.float32,
                       metrics_scratch=scratch)]
    alone = [_trainer("circle", [4], "tanh", metrics_dtype=np.float32),
             _trainer("spiral", [16, 16, 8], "relu", n=400, metrics_dtype=np.float32)]
    grid = GridEvaluator(shared[0].net, ["x1", "x2"], (-6, 6, -6, 6), 40, 8, scratch=scratch)
    for tr in shared + alone:
        tr.run(2)
    for _ in range(2):   # in turns, each writing over the others' layers
        for mine, reference in zip(shared, alone, strict=True):
            grid.evaluate()
            assert mine.metrics() == reference.metrics()


def test_last_gradients_are_those_of_the_last_step():
    tr = _trainer("xor", [3], "tanh", n=20, batch_size=20)
    before = tr.net.copy()
    tr.run(1)
    dW, db = tr.last_gradients
    before.forward(tr._X1[:-1])
    expected_dW, expected_db = before.backward(tr.split.train.Y, "bce")
    for l in (1, 2):
        np.testing.assert_allclose(dW[l], expected_dW[l])
        np.testing.assert_allclose(db[l], expected_db[l])


def test_l2_regularization_shrinks_the_weights_but_not_the_biases():
    plain = _trainer("circle", [8], "tanh", opt="sgd", lr=0.1)
    l2 = _trainer("circle", [8], "tanh", opt="sgd", lr=0.1, regularization="l2", reg_rate=0.05)
    plain.run(20)
    l2.run(20)
    norm = lambda tr: sum(float(np.sum(tr.net.W[l] ** 2)) for l in (1, 2))  # noqa: E731
    assert norm(l2) < 0.7 * norm(plain)


def test_l1_regularization_alone_drives_weights_toward_zero():
    tr = _trainer("circle", [4], "tanh", opt="sgd", lr=0.01, regularization="l1", reg_rate=1.0)
    tr.net.b[1] = np.full((4, 1), 0.5)
    w0 = np.abs(tr.net.W[1]).sum()
    tr.run(5)
    assert np.abs(tr.net.W[1]).sum() < 0.5 * w0


def test_settings_change_without_losing_weights():
    tr = _trainer("circle", [4], "tanh", opt="momentum")
    tr.run(2)
    weights = tr.net.params.flat.copy()
    tr.set_learning_rate(0.01)
    tr.set_batch_size(25)
    tr.set_regularization("l2", 0.001)
    tr.set_optimizer(optimizers.make("adam", 0.01))
    np.testing.assert_array_equal(tr.net.params.flat, weights)
    assert len(tr._batches) == 10 and tr.run(1) == 1


def test_huge_learning_rate_diverges_and_reports_the_epoch():
    tr = _trainer("plane", [8, 8], "relu", opt="sgd", lr=10.0)
    ran = tr.run(50)
    assert tr.diverged == f"diverged at epoch {ran + 1}"
    assert tr.epoch == ran < 50
    assert np.isfinite(tr.net.params.flat).all()
    m = tr.metrics()
    assert all(v is None or math.isfinite(v) for v in m.values())
    json.dumps(tr.record(), allow_nan=False)
    assert tr.run(5) == 0
    tr.clear_divergence()
    assert tr.diverged is None


def test_bad_settings_raise_naming_the_field():
    tr = _trainer("xor", [4], "tanh", n=50)
    with pytest.raises(ValueError, match="batch_size"):
        tr.set_batch_size(0)
    with pytest.raises(ValueError, match="unknown regularization 'l3'"):
        tr.set_regularization("l3", 0.1)
    with pytest.raises(ValueError, match="reg_rate"):
        tr.set_regularization("l2", -1)
    with pytest.raises(ValueError, match="epochs"):
        tr.run(-1)
    split = datasets.split(datasets.make("xor", n=50), 0.5)
    with pytest.raises(ValueError, match="features: the network has 2 inputs, but 3"):
        Trainer(Network([2, 1], ["sigmoid"]), split, features=["x1", "x2", "x1x2"])
    with pytest.raises(ValueError, match="sizes: the output layer has 2 units"):
        Trainer(Network([2, 2], ["softmax"]), split)


def test_an_empty_training_set_raises_naming_the_field():
    data = datasets.make("xor", n=50)
    empty = data.subset(np.arange(0))
    with pytest.raises(ValueError, match="split.train: the training set has no points"):
        Trainer(Network([2, 1], ["sigmoid"]), datasets.Split(empty, empty, data, data))


def test_a_position_past_the_batches_starts_a_new_epoch_instead_of_crashing():
    # A re-cut with larger batches (fewer of them) leaves the position of an epoch in progress
    # past the end: the next steps start a new epoch.
    tr = _trainer("xor", [4], "tanh", n=100, batch_size=1)
    tr.train_for(0.0, max_steps=30)
    tr.batch_size = 25
    tr._cut_batches()
    tr.position = 30
    assert tr.train_for(0.0) == 1 and (tr.epoch, tr.position) == (0, 1)
    assert tr.run(1) == 1 and (tr.epoch, tr.position) == (1, 0)


# ------------------------------------------------------------------------- death epochs


def _dying_relu(points: int = 4) -> Trainer:
    """A 2-1-1 network, ReLU then sigmoid, on points at the origin labelled 1, by plain
    gradient descent: the ReLU's input is z = b[1] on every point, and each step lowers it."""
    data = datasets.from_points([[0.0, 0.0, 1]] * points)
    split = datasets.Split(data, data.subset(np.arange(0)), data, data)
    net = Network([2, 1, 1], ["relu", "sigmoid"], seed=0)
    net.W[1][...] = 0.0
    net.b[1][...] = 1.0
    net.W[2][...] = -2.0
    net.b[2][...] = 0.0
    return Trainer(net, split, loss="bce", optimizer=optimizers.make("gd", 0.2))


def _death_epoch_by_hand() -> int:
    """The same descent on three numbers: a = max(0, b), ŷ = σ(v a + c), bce against y = 1,
    so ∂J/∂c = ŷ - 1, ∂J/∂v = (ŷ - 1) a, ∂J/∂b = (ŷ - 1) v while b > 0."""
    b, v, c, alpha = 1.0, -2.0, 0.0, 0.2
    for epoch in range(1, 100):
        a = max(0.0, b)
        y_hat = 1.0 / (1.0 + math.exp(-(v * a + c)))
        dz = y_hat - 1.0
        b, v, c = b - alpha * dz * v, v - alpha * dz * a, c - alpha * dz
        if b <= 0.0:
            return epoch
    raise AssertionError("the ReLU never dies")


def test_a_relu_is_dead_since_the_epoch_its_input_went_below_zero_on_every_point():
    expected = _death_epoch_by_hand()
    assert expected == 5  # b: 1, 0.648, 0.381, 0.179, 0.022, then -0.104 after the 5th step
    tr = _dying_relu()
    assert tr.deaths.died_at == {1: {}}  # alive at the start
    tr.run(20)  # one call, as a "Train 20 epochs" step runs them
    assert tr.deaths.died_at == {1: {0: expected}}
    assert tr.deaths.first_epoch == 0


def test_death_epochs_do_not_depend_on_how_the_epochs_are_grouped():
    from server.lessons.experiments import EXPERIMENTS
    from server.lessons.rehearsal import config_for
    from server.model import build, generate
    from server.settings import Settings

    experiment = EXPERIMENTS["dead_relu"]
    for seed in (1, 2, 3):
        config = config_for(experiment.config, seed)
        at_once, by_one, paced = (build(config, generate(config), Settings()).trainer
                                  for _ in range(3))
        at_once.run(100)
        for _ in range(100):
            by_one.run(1)
        while paced.epoch < 100:
            paced.train_for(1.0, max_steps=7)  # stops part-way through epochs
        assert at_once.deaths.died_at == by_one.deaths.died_at == paced.deaths.died_at
        assert any(at_once.deaths.died_at.values()), seed
        # Every recorded death is real: the neuron is dead now on every training point.
        X = features.transform(at_once.split.train.X, at_once.features)
        dead = diagnostics.dead_neurons(at_once.net, X)
        assert {l: sorted(js) for l, js in at_once.deaths.died_at.items()} == dead
