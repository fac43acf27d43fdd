"""The pitfall coach: each detector fires on a session built to have the problem, not otherwise."""

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from engine import Network, datasets, features, losses, optimizers
from engine import diagnostics as d
from engine.coach import (
    CODES,
    DETECTORS,
    HISTORY_LIMIT,
    MIN_EPOCHS,
    Advice,
    Series,
    Snapshot,
    advise,
)
from engine.trainer import Trainer


def session(
    name: str = "circle", hidden: Sequence[int] = (4, 4), act: str = "tanh",
    output: str | None = None, loss: str | None = None, init: str = "xavier",
    opt: str = "sgd", lr: float = 0.03, epochs: int = 200, n: int = 200, noise: float = 0.0,
    train: float = 0.5, validation: float = 0.0, classes: int = 2, seed: int = 0,
) -> Snapshot:
    """Train a real network epoch by epoch, as the server does, and snapshot it for the coach."""
    ds = datasets.make(name, n=n, noise=noise, seed=seed, classes=classes)
    split = datasets.split(ds, train_fraction=train, validation_fraction=validation, seed=seed)
    default_output, default_loss = losses.default_for(ds.task)
    output, loss = output or default_output, loss or default_loss
    net = Network([2, *hidden, ds.Y.shape[0]], [act] * len(hidden) + [output], init=init,
                  seed=seed)
    tr = Trainer(net, split, features=["x1", "x2"], loss=loss,
                 optimizer=optimizers.make(opt, learning_rate=lr), batch_size=10, seed=seed)
    X = features.transform(split.train.X, ["x1", "x2"])
    tracker = d.DeadTracker()
    tracker.update(0, d.dead_neurons(net, X))
    tr.record()
    while tr.epoch < epochs and tr.run(1):
        tr.record()
        tracker.update(tr.epoch, d.dead_neurons(net, X))
    return Snapshot(
        task=ds.task, sizes=net.sizes, activations=net.activations, loss=loss, init=init,
        learning_rate=lr, history=tr.history, dead=d.dead_neurons(net, X),
        died_at=tracker.died_at, first_epoch=tracker.first_epoch or 0,
        symmetric=d.symmetric_layers(net), diverged=tr.diverged,
    )


def codes(snap: Snapshot) -> list[str]:
    return [a.code for a in advise(snap)]


def only(snap: Snapshot, code: str) -> Advice:
    found = [a for a in advise(snap) if a.code == code]
    assert len(found) == 1, advise(snap)
    return found[0]


@pytest.mark.parametrize(
    "kwargs",
    [
        {},  # circle, two hidden tanh layers, Xavier, sigmoid + bce, SGD at 0.03
        {"epochs": 600},
        {"opt": "adam", "lr": 0.01, "epochs": 400},
        {"name": "xor"},
        {"name": "blobs", "classes": 3},
        {"name": "plane", "hidden": (4,)},
        {"name": "gauss", "hidden": ()},
    ],
)
def test_a_healthy_session_gets_no_advice(kwargs: dict[str, Any]) -> None:
    assert advise(session(**kwargs)) == []


def test_zero_init_is_reported_as_symmetry() -> None:
    advice = only(session(init="zeros"), "symmetry")
    assert advice.params == {"layers": [1, 2], "init": "zeros"}


@pytest.mark.parametrize("seed", range(4))
def test_a_huge_learning_rate_is_blamed_and_nothing_else(seed: int) -> None:
    # At rate 10 the run is chaotic: whether the loss zigzags or climbs at a given epoch
    # depends on the last bits of every product (other CPUs, other kernels). What holds on
    # every seed and every machine: the learning rate is blamed, and nothing else is said.
    snap = session(lr=10.0, seed=seed)
    advice = only(snap, "lr_too_high")
    assert advice.params["learning_rate"] == 10.0
    assert advice.params["reason"] in ("oscillating", "diverging", "diverged")
    assert codes(snap) == ["lr_too_high"]


def test_a_zigzag_that_stays_far_above_the_start_is_oscillating() -> None:
    zigzag = [0.7] + [1.0 if e % 2 else 3.0 for e in range(1, 40)]
    hist = [{"epoch": e, "train_loss": v} for e, v in enumerate(zigzag)]
    advice = only(snap("binary", "sigmoid", "bce", history=hist, learning_rate=10.0),
                  "lr_too_high")
    assert advice.params["reason"] == "oscillating"
    # The noise of mini-batch SGD on a hard problem is no zigzag of a learning rate too high.
    noisy = [0.7] + [0.5 + (0.05 if e % 2 else 0.0) for e in range(1, 40)]
    hist = [{"epoch": e, "train_loss": v} for e, v in enumerate(noisy)]
    assert codes(snap("binary", "sigmoid", "bce", history=hist)) == []


def test_a_zigzag_is_oscillating_and_a_last_jump_to_three_times_the_best_is_diverging() -> None:
    zigzag = [0.7, 2.0] * 10 + [0.7]
    rows = history([0.5] * len(zigzag), train_loss=zigzag)
    advice = only(snap("binary", "sigmoid", "bce", learning_rate=10.0, history=rows),
                  "lr_too_high")
    assert advice.params["reason"] == "oscillating"
    rows = history([0.5] * (len(zigzag) + 1), train_loss=[*zigzag, 2.2])
    advice = only(snap("binary", "sigmoid", "bce", learning_rate=10.0, history=rows),
                  "lr_too_high")
    assert advice.params["reason"] == "diverging"


def test_a_diverged_session_is_blamed_on_the_learning_rate() -> None:
    snap = session(name="plane", hidden=(4, 4), lr=10.0, epochs=50)
    assert snap.diverged
    assert only(snap, "lr_too_high").params["reason"] == "diverged"


def test_relus_dying_within_a_few_epochs_are_blamed_on_the_learning_rate() -> None:
    snap = session(hidden=(8, 8), act="relu", init="he", opt="gd", lr=5.0, epochs=100)
    advice = only(snap, "lr_too_high")
    assert advice.params["reason"] == "dying_relu" and advice.params["count"] >= 8
    assert "dead_relu" in codes(snap)


def test_linear_hidden_layers_on_xor_have_no_nonlinearity_and_no_bigger_model_advice() -> None:
    snap = session(name="xor", act="linear")
    assert only(snap, "no_nonlinearity").params == {"reason": "linear_hidden", "layers": 2}
    # More linear units cannot help: underfitting is explained, so not advised.
    assert codes(snap) == ["no_nonlinearity"]


@pytest.mark.parametrize("explanation", ["symmetry", "dead_relu", "output_mismatch",
                                         "lr_too_high", "vanishing_gradient"])
def test_underfitting_is_withheld_when_a_specific_cause_explains_it(explanation: str) -> None:
    flat = history([0.6] * (MIN_EPOCHS + 1))
    kw: dict[str, Any] = {
        "symmetry": {"symmetric": [1]},
        "dead_relu": {"dead": {1: [0, 1]}},
        "lr_too_high": {"diverged": "diverged at epoch 3"},
        "vanishing_gradient": {"grad_norms": {1: 0.01, 2: 0.1, 3: 0.5}},
    }.get(explanation, {})
    output = "relu" if explanation == "output_mismatch" else "sigmoid"
    sizes, hidden = [2, 3, 1], ["relu" if explanation == "dead_relu" else "tanh"]
    if explanation == "vanishing_gradient":
        sizes, hidden = [2, 4, 4, 4, 1], ["sigmoid"] * 3
    found = codes(Snapshot("binary", sizes, [*hidden, output], "bce", history=flat, **kw))
    assert explanation in found and "underfitting" not in found


def test_a_mismatched_output_explains_a_climbing_loss_better_than_the_learning_rate() -> None:
    climbing = [{"epoch": e, "train_loss": 0.7 * 1.5**e} for e in range(8)]
    found = codes(snap("binary", "relu", "bce", history=climbing))
    assert found == ["output_mismatch"]


def test_no_hidden_layer_on_the_circle_lacks_a_nonlinearity() -> None:
    advice = only(session(hidden=(), epochs=300), "no_nonlinearity")
    assert advice.params["reason"] == "no_hidden" and advice.params["accuracy"] < 0.8


def test_a_tiny_network_on_the_spiral_underfits() -> None:
    advice = only(session(name="spiral", hidden=(2,), epochs=300), "underfitting")
    assert advice.params["accuracy"] < 0.8 and advice.params["epoch"] == 300


@pytest.mark.parametrize(("validation", "split"), [(0.3, "validation"), (0.0, "test")])
def test_a_big_network_on_few_noisy_points_overfits(validation: float, split: str) -> None:
    snap = session(hidden=(16, 16, 16), n=30, noise=0.5, train=0.4, validation=validation,
                   opt="adam", lr=0.01, epochs=300)
    advice = only(snap, "overfitting")
    assert advice.params["split"] == split
    assert advice.params["loss"] > 2 * advice.params["best_loss"]
    assert codes(snap) == ["overfitting"]


def test_a_dead_neuron_is_reported_per_layer() -> None:
    net = Network([2, 4, 3, 1], ["relu", "relu", "sigmoid"], init="he", seed=2)
    net.b[2][1, 0] = -1e3
    X = datasets.make("circle", n=100, seed=0).X
    snap = Snapshot("binary", net.sizes, net.activations, "bce", dead=d.dead_neurons(net, X))
    assert advise(snap) == [
        Advice("dead_relu", {"layer": 2, "count": 1, "total": 3, "neurons": [1]})
    ]


def test_tf_playground_tanh_output_with_squared_error_is_a_mismatch_for_the_course() -> None:
    snap = session(output="tanh", loss="mse", epochs=50)
    assert codes(snap) == ["output_mismatch", "loss_mismatch"]


def snap(task: str, output: str, loss: str, **kw: Any) -> Snapshot:
    return Snapshot(task, [2, 3, 1], ["tanh", output], loss, **kw)


@pytest.mark.parametrize(
    ("task", "output", "expected"),
    [("binary", "relu", "sigmoid"), ("binary", "linear", "sigmoid"),
     ("multiclass", "sigmoid", "softmax"), ("regression", "sigmoid", "linear"),
     ("regression", "relu", "linear")],
)
def test_output_activation_unfit_for_the_task(task: str, output: str, expected: str) -> None:
    loss = losses.default_for(task)[1]
    advice = only(snap(task, output, loss), "output_mismatch")
    assert advice.params == {"task": task, "output": output, "expected": expected}


@pytest.mark.parametrize(
    ("task", "loss", "expected"),
    [("binary", "mse", "bce"), ("binary", "cce", "bce"), ("multiclass", "bce", "cce"),
     ("multiclass", "mse", "cce"), ("regression", "bce", "mse")],
)
def test_loss_unfit_for_the_task(task: str, loss: str, expected: str) -> None:
    output = losses.default_for(task)[0]
    advice = only(snap(task, output, loss), "loss_mismatch")
    assert advice.params == {"task": task, "loss": loss, "expected": expected}


def history(train_acc: Sequence[float], **series: Sequence[float]) -> list[dict[str, Any]]:
    rows = []
    for e, acc in enumerate(train_acc):
        rows.append({"epoch": e, "train_accuracy": acc,
                     **{key: values[e] for key, values in series.items()}})
    return rows


def test_underfitting_waits_for_enough_epochs_and_a_plateau() -> None:
    flat = [0.6] * (MIN_EPOCHS + 1)
    assert "underfitting" in codes(snap("binary", "sigmoid", "bce", history=history(flat)))
    early = history([0.6] * (MIN_EPOCHS - 1))
    assert codes(snap("binary", "sigmoid", "bce", history=early)) == []
    climbing = history(list(np.linspace(0.5, 0.75, MIN_EPOCHS + 1)))
    assert codes(snap("binary", "sigmoid", "bce", history=climbing)) == []


def test_overfitting_needs_a_real_rise_after_the_best_epoch_while_training_improves() -> None:
    train = list(np.linspace(0.7, 0.1, 60))
    rising = list(np.linspace(0.7, 0.3, 30)) + list(np.linspace(0.3, 0.5, 30))
    hist = history([1.0] * 60, train_loss=train, validation_loss=rising)
    assert only(snap("binary", "sigmoid", "bce", history=hist), "overfitting").params[
        "best_epoch"] == 29
    # A classifier that does not fit its training points is not overfitting them.
    hist = history([0.6] * 60, train_loss=train, validation_loss=rising)
    assert "overfitting" not in codes(snap("binary", "sigmoid", "bce", history=hist))
    tiny = list(np.linspace(0.7, 0.3, 30)) + list(np.linspace(0.3, 0.31, 30))
    hist = history([1.0] * 60, train_loss=train, validation_loss=tiny)
    assert codes(snap("binary", "sigmoid", "bce", history=hist)) == []
    both_rise = list(np.linspace(0.1, 0.7, 60))
    hist = history([1.0] * 60, train_loss=both_rise, validation_loss=rising)
    assert "overfitting" not in codes(snap("binary", "sigmoid", "bce", history=hist))


def test_relus_dead_from_birth_are_not_blamed_on_the_learning_rate() -> None:
    s = Snapshot("binary", [2, 4, 1], ["relu", "sigmoid"], "bce", learning_rate=5.0,
                 dead={1: [0, 1, 2]}, died_at={1: {0: 0, 1: 0, 2: 0}}, first_epoch=0)
    assert codes(s) == ["dead_relu"]
    s = Snapshot("binary", [2, 4, 1], ["relu", "sigmoid"], "bce", learning_rate=5.0,
                 dead={1: [0, 1, 2]}, died_at={1: {0: 3, 1: 5, 2: 40}}, first_epoch=0)
    assert only(s, "lr_too_high").params["count"] == 2


def test_missing_and_nan_metrics_are_skipped_and_only_recent_history_is_read() -> None:
    hist: list[dict[str, Any]] = [{"epoch": e, "train_loss": float("nan"),
                                   "train_accuracy": None} for e in range(3)]
    assert advise(snap("binary", "sigmoid", "bce", history=hist)) == []
    # An old spike beyond HISTORY_LIMIT cannot make the last entries look like a blow-up.
    old = [{"epoch": e, "train_loss": 0.01 if e == 0 else 0.5, "train_accuracy": 1.0}
           for e in range(HISTORY_LIMIT + 10)]
    assert advise(snap("binary", "sigmoid", "bce", history=old)) == []


def test_every_code_has_a_detector_and_params_are_json_safe() -> None:
    assert set(DETECTORS) == set(CODES) and len(CODES) == 9
    s = session(name="xor", hidden=(8, 8), act="relu", init="zeros", output="relu", loss="mse",
                lr=5.0, epochs=120)
    found = advise(s)
    assert [a.code for a in found] == sorted((a.code for a in found), key=CODES.index)
    json.dumps([{"code": a.code, "params": a.params} for a in found])
    assert {"symmetry", "output_mismatch", "loss_mismatch"} <= {a.code for a in found}


def test_a_loss_climbing_far_above_its_best_is_diverging() -> None:
    losses_ = [0.7, 0.5, 0.3, 0.2, 0.4, 0.9, 1.5, 2.5]
    hist = [{"epoch": e, "train_loss": v} for e, v in enumerate(losses_)]
    advice = only(snap("binary", "sigmoid", "bce", history=hist, learning_rate=2.0),
                  "lr_too_high")
    assert advice.params == {"learning_rate": 2.0, "reason": "diverging"}
    # Zigzags while the loss keeps going down are not blamed on the learning rate.
    zigzag = [0.7 * 0.97**e * (1.3 if e % 2 else 1.0) for e in range(40)]
    hist = [{"epoch": e, "train_loss": v} for e, v in enumerate(zigzag)]
    assert codes(snap("binary", "sigmoid", "bce", history=hist)) == []
    stalled = [0.7 * (1.3 if e % 2 else 1.0) for e in range(40)]
    hist = [{"epoch": e, "train_loss": v} for e, v in enumerate(stalled)]
    assert only(snap("binary", "sigmoid", "bce", history=hist), "lr_too_high").params[
        "reason"] == "oscillating"


def test_series_kept_up_to_date_equal_the_series_read_from_the_history() -> None:
    """Series.update reads only what changed; it gives what a full read of the same history
    gives, whatever the history did between two calls: entries added (one or hundreds, some
    with None or NaN), the last one replaced, the list thinned to a new one, or cut short."""
    rng = np.random.default_rng(0)
    series, history = Series(), list[dict[str, Any]]()

    def entry(epoch: int) -> dict[str, Any]:
        loss = [float(rng.random()), None, float("nan")][int(rng.integers(3))]
        return {"epoch": epoch, "train_loss": loss, "train_accuracy": float(rng.random()),
                "validation_loss": None if epoch % 3 else float(rng.random())}

    epoch = 0
    for turn in range(300):
        kind = int(rng.integers(6))
        if kind == 0 and history:
            history[-1] = entry(history[-1]["epoch"])
        elif kind == 1 and len(history) > 2:
            history = history[::2]
        elif kind == 2 and turn % 50 == 0:
            history = history[: len(history) // 3]
        else:
            for _ in range(int(rng.integers(1, 2 if turn % 7 else 600))):
                epoch += 1
                history.append(entry(epoch))
        kept = series.update(history)
        expected = Snapshot("binary", [2, 1], ["sigmoid"], "bce", history=history).series
        assert {k: list(v) for k, v in kept.items()} == expected, turn
        assert len(history) < HISTORY_LIMIT or len(kept["train_accuracy"]) == HISTORY_LIMIT


def test_advice_is_the_same_with_series_kept_up_to_date() -> None:
    snap = session("circle", hidden=(2,), act="tanh", lr=3.0, epochs=150)
    kept = Snapshot(snap.task, snap.sizes, snap.activations, snap.loss, snap.init,
                    snap.learning_rate, snap.history, snap.dead, snap.died_at,
                    snap.first_epoch, snap.symmetric, snap.diverged,
                    recent=Series().update(snap.history))
    assert advise(kept) == advise(snap)
