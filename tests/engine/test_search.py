"""Hyperparameter search: the four methods, the presets, and what a trial is and scores on."""

from __future__ import annotations

import itertools
import math

import numpy as np
import optuna
import pytest

import engine.search.study as study_module
from engine import datasets, optimizers
from engine.network import Network
from engine.search import (
    DataSpec,
    SearchSpec,
    TrialConfig,
    make_sampler,
    make_space,
    preset,
    run_trial,
    score_on_test,
    search,
    work,
)
from engine.search.batch import run_batch
from engine.search.samplers import suggest
from engine.search.trial import build
from engine.trainer import Trainer

optuna.logging.set_verbosity(optuna.logging.WARNING)
DATA = DataSpec(name="circle", points=120, seed=3)


def test_grid_covers_its_space_exactly_once() -> None:
    spec = SearchSpec("grid", preset("course-grid"), epochs=1, trials=100, data=DATA)
    seen = []
    out = search(spec, on_trial=lambda f: seen.append(
        (f.result.config["learning_rate"], f.result.config["layers"],
         f.result.config["activation"])))
    expected = set(itertools.product([0.0001, 0.001, 0.01, 0.1], [1, 2, 3, 4, 5],
                                     ["relu", "tanh", "sigmoid"]))
    assert len(seen) == 60 == out.trials
    assert set(seen) == expected


def test_random_respects_bounds() -> None:
    space = make_space({"learning_rate": {"low": 0.001, "high": 0.5, "log": True},
                        "units": {"low": 2, "high": 6}, "activation": ["relu", "tanh"]})
    seen: list[dict[str, object]] = []
    search(SearchSpec("random", space, epochs=1, trials=25, data=DATA),
           on_trial=lambda f: seen.append(f.result.config))
    assert len(seen) == 25
    for config in seen:
        assert 0.001 <= config["learning_rate"] <= 0.5  # type: ignore[operator]
        assert config["units"] in range(2, 7)
        assert config["activation"] in ("relu", "tanh")
    assert len({c["learning_rate"] for c in seen}) == 25  # continuous, not the grid


def test_local_changes_one_field_by_one_step_of_the_best_so_far() -> None:
    space = make_space({"learning_rate": [0.003, 0.01, 0.03, 0.1, 0.3],
                        "units": [2, 3, 4, 6, 8], "activation": ["relu", "tanh", "sigmoid"]},
                       TrialConfig(learning_rate=0.03, units=4, activation="tanh"))
    grids = space.grids()
    finished: list[tuple[dict[str, object], float]] = []

    def check(f: object) -> None:
        config, score = f.result.config, f.score  # type: ignore[attr-defined]
        if not finished:
            assert (config["learning_rate"], config["units"], config["activation"]) \
                == (0.03, 4, "tanh")  # starts at the current config
        else:
            best = min(finished, key=lambda p: p[1])[0]
            steps = [abs(grids[k].index(config[k]) - grids[k].index(best[k])) for k in grids]
            assert sorted(steps) == [0, 0, 1]
        finished.append((config, score))

    search(SearchSpec("local", space, epochs=3, trials=10, data=DATA), on_trial=check)
    assert len(finished) == 10


def _toy(params: dict[str, object]) -> float:
    """A smooth bowl with its minimum at lr = 0.01, units = 6, tanh."""
    lr, units = float(params["learning_rate"]), float(params["units"])  # type: ignore[arg-type]
    return (math.log10(lr) + 2) ** 2 + ((units - 6) / 3) ** 2 + \
        (0.0 if params["activation"] == "tanh" else 0.5)


def _best_of(method: str, seed: int, trials: int = 40) -> float:
    space = make_space({"learning_rate": {"low": 1e-5, "high": 1.0, "log": True},
                        "units": {"low": 1, "high": 8}, "activation": ["relu", "tanh",
                                                                        "sigmoid"]})
    sampler = make_sampler(method, space, seed=seed, startup_trials=10)
    study = optuna.create_study(sampler=sampler)
    for _ in range(trials):
        trial = study.ask()
        study.tell(trial, _toy(suggest(trial, space, method)))
    return float(study.best_value)


def test_bayesian_beats_random_on_a_seeded_toy_objective_for_most_seeds() -> None:
    wins = sum(_best_of("bayesian", seed) < _best_of("random", seed) for seed in range(7))
    assert wins >= 5


def test_scoring_never_reads_the_test_split() -> None:
    split = DATA.split()
    garbage = datasets.Dataset(split.test.X, 1 - split.test.Y, 1 - split.test.labels,
                               split.test.task, split.test.classes, split.test.domain)
    poisoned = datasets.Split(split.train, split.validation, garbage, split.full)
    spec = SearchSpec("grid", make_space({"learning_rate": [0.01, 0.1, 1.0]}), epochs=5,
                      trials=3, data=DATA)
    runs = []
    for data in (split, poisoned):
        seen: list[tuple[int, float]] = []
        out = search(spec, split=data, on_trial=lambda f, s=seen: s.append((f.number, f.score)))
        runs.append((seen, out))
    (seen_a, out_a), (seen_b, out_b) = runs
    assert seen_a == seen_b
    assert out_a.best is not None and out_b.best is not None
    assert out_a.best.number == out_b.best.number
    # Only the best's test score reads the test split, after the search chose it.
    assert out_a.test["test_accuracy"] is not None and out_b.test["test_accuracy"] is not None
    assert out_a.test["test_accuracy"] + out_b.test["test_accuracy"] == pytest.approx(1.0)


@pytest.mark.parametrize("config", [
    TrialConfig(),
    TrialConfig(learning_rate=0.1, optimizer="adam", batch_size=7, layers=3, units=5,
                activation="relu", init="he", regularization="l2", reg_rate=0.01,
                features=("x1", "x2", "x1x2"), seed=4),
])
def test_a_trial_equals_a_standalone_trainer_run(config: TrialConfig) -> None:
    split = DATA.split()
    result = run_trial(config, split, epochs=12)
    sizes = [len(config.features), *[config.units] * config.layers, 1]
    net = Network(sizes, [config.activation] * config.layers + ["sigmoid"], init=config.init,
                  seed=config.seed)
    trainer = Trainer(net, split, features=config.features, loss="bce",
                      optimizer=optimizers.make(config.optimizer,
                                                learning_rate=config.learning_rate),
                      batch_size=config.batch_size, regularization=config.regularization,
                      reg_rate=config.reg_rate, seed=config.seed)
    trainer.run(12)
    metrics = trainer.metrics()
    assert result.epochs == 12 and result.seed == config.seed
    assert result.params == net.num_params()
    for got, want in ((result.train_loss, metrics["train_loss"]),
                      (result.val_loss, metrics["validation_loss"])):
        assert got == pytest.approx(want, rel=1e-9)
    np.testing.assert_allclose(Network.from_dict(result.weights).params.flat, net.params.flat,
                               rtol=1e-9, atol=0)
    assert score_on_test(result, split)["test_loss"] == pytest.approx(metrics["test_loss"],
                                                                     rel=1e-9)


def test_a_trial_records_its_curve_and_thumbnail() -> None:
    result = run_trial(TrialConfig(), DATA.split(), epochs=120)
    assert result.curve[0][0] == 0 and result.curve[-1][0] == 120
    assert len(result.curve) <= 52
    import base64
    assert len(base64.b64decode(result.thumbnail)) == 32 * 32


def test_presets_seeds_and_same_start() -> None:
    base = TrialConfig(learning_rate=0.03, seed=5)
    assert preset("seeds", base).grids() == {"seed": list(range(5, 15))}
    rates = preset("same-start", base).grids()["learning_rate"]
    assert 0.03 in rates and len(rates) == 5
    assert preset("same-start-optimizers", base).size == 4


@pytest.mark.parametrize(("space", "message"), [
    ({"speed": [1, 2]}, "space.speed: unknown field"),
    ({"layers": []}, "space.layers: the list of values is empty"),
    ({"learning_rate": {"low": 0.1, "high": 0.01}}, "space.learning_rate: expected low < high"),
    ({"activation": ["relu", "nope"]}, "space.activation"),
    ({"layers": [1, 99]}, "space.layers"),
    ({}, "space: name at least one field"),
])
def test_bad_spaces_raise_naming_the_field(space: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        make_space(space)


def _standalone(config: TrialConfig, split: datasets.Split, epochs: int) -> Trainer:
    """The Trainer run a user would write for config (no search code involved)."""
    loss = "mse" if split.train.task == "regression" else "bce"
    out = "linear" if split.train.task == "regression" else "sigmoid"
    net = Network([len(config.features), *[config.units] * config.layers, 1],
                  [config.activation] * config.layers + [out], init=config.init,
                  seed=config.seed)
    trainer = Trainer(net, split, features=config.features, loss=loss,
                      optimizer=optimizers.make(config.optimizer,
                                                learning_rate=config.learning_rate),
                      batch_size=config.batch_size, regularization=config.regularization,
                      reg_rate=config.reg_rate, seed=config.seed)
    trainer.run(epochs)
    return trainer


@pytest.mark.parametrize(("optimizer", "regularization", "data"), [
    ("sgd", "none", DATA),
    ("momentum", "l2", DATA),
    ("adam", "l1", DATA),
    ("gd", "none", DATA),
    ("momentum", "none", DataSpec(name="plane", points=200, seed=1)),  # some diverge
])
def test_trials_trained_together_equal_standalone_trainer_runs(
        optimizer: str, regularization: str, data: DataSpec) -> None:
    split = data.split()
    rate = 0.001 if regularization != "none" else 0.0
    configs = [TrialConfig(learning_rate=lr, optimizer=optimizer, layers=2, units=6,
                           activation="relu", init=init, regularization=regularization,
                           reg_rate=rate, seed=seed)
               for lr, init, seed in ((0.01, "xavier", 1), (0.3, "he", 2), (10.0, "uniform", 3),
                                      (3.0, "uniform", 4))]
    results = run_batch(configs, split, epochs=40)
    for config, result in zip(configs, results, strict=True):
        trainer = _standalone(config, split, 40)
        assert result.epochs == trainer.epoch and result.diverged == trainer.diverged
        np.testing.assert_allclose(Network.from_dict(result.weights).params.flat,
                                   trainer.net.params.flat, rtol=1e-9, atol=0)
        metrics = trainer.metrics()
        for got, want in ((result.val_loss, metrics["validation_loss"]),
                          (result.train_loss, metrics["train_loss"])):
            assert got == want or got == pytest.approx(want, rel=1e-9)
    if data.name == "plane":
        assert any(r.diverged for r in results) and not all(r.diverged for r in results)


def test_a_batched_search_finds_what_a_trial_by_trial_search_finds(
        monkeypatch: pytest.MonkeyPatch) -> None:
    spec = SearchSpec("grid", preset("course-grid"), epochs=4, trials=60, data=DATA)

    def scores() -> dict[str, float]:
        seen: dict[str, float] = {}
        search(spec, on_trial=lambda f: seen.__setitem__(repr(sorted(f.result.config.items())),
                                                        f.score))
        return seen

    together = scores()
    monkeypatch.setattr("engine.search.study.MAX_BATCH", 1)
    assert scores() == together


def _assert_equal_to_standalone(configs: list[TrialConfig], split: datasets.Split,
                                epochs: int) -> list[object]:
    """Train configs together and check each against its own Trainer run (1e-9 relative)."""
    results = run_batch(configs, split, epochs=epochs)
    for config, result in zip(configs, results, strict=True):
        net, trainer = build(config, split)
        trainer.run(epochs)
        assert result.config == config.as_dict()
        assert result.epochs == trainer.epoch and result.diverged == trainer.diverged
        assert result.params == net.num_params()
        np.testing.assert_allclose(Network.from_dict(result.weights).params.flat,
                                   net.params.flat, rtol=1e-9, atol=0)
        metrics = trainer.metrics()
        for got, want in ((result.val_loss, metrics["validation_loss"]),
                          (result.train_loss, metrics["train_loss"])):
            assert got == want or got == pytest.approx(want, rel=1e-9)
        alone = run_trial(config, split, epochs).curve
        assert [e for e, _ in result.curve] == [e for e, _ in alone]
        for (_, got), (_, want) in zip(result.curve, alone, strict=True):
            assert got == want or got == pytest.approx(want, rel=1e-9)
    return list(results)


@pytest.mark.parametrize(("optimizer", "regularization"), [
    ("sgd", "none"), ("adam", "l2"), ("momentum", "l1"), ("gd", "none")])
def test_trials_of_several_depths_and_activations_trained_together_equal_standalone_runs(
        optimizer: str, regularization: str) -> None:
    split = DATA.split()
    rate = 0.001 if regularization != "none" else 0.0
    configs = [TrialConfig(learning_rate=lr, optimizer=optimizer, layers=layers, units=3,
                           activation=activation, regularization=regularization,
                           reg_rate=rate, seed=seed)
               for seed, (lr, layers, activation) in enumerate(itertools.product(
                   (0.01, 0.3), (1, 3, 2), ("tanh", "relu", "sigmoid", "elu")), start=1)]
    _assert_equal_to_standalone(configs, split, 15)


def test_trials_of_mixed_depths_diverge_alone() -> None:
    split = DataSpec(name="plane", points=200, seed=1).split()
    configs = [TrialConfig(learning_rate=lr, optimizer="momentum", layers=layers, units=6,
                           activation=activation, init="uniform", seed=seed)
               for seed, (lr, layers, activation) in enumerate(itertools.product(
                   (0.01, 10.0), (1, 4), ("relu", "leaky_relu")), start=1)]
    results = _assert_equal_to_standalone(configs, split, 30)
    assert any(r.diverged for r in results) and not all(r.diverged for r in results)  # type: ignore[attr-defined]


def test_multiclass_trials_trained_together_equal_standalone_runs() -> None:
    split = DataSpec(name="blobs", points=150, classes=3, seed=2).split()
    assert split.train.task == "multiclass"
    configs = [TrialConfig(learning_rate=lr, layers=layers, units=4, activation=activation,
                           seed=seed)
               for seed, (lr, layers, activation) in enumerate(itertools.product(
                   (0.03, 0.3), (1, 2), ("tanh", "relu")), start=1)]
    _assert_equal_to_standalone(configs, split, 12)


def test_networks_without_hidden_layers_train_together() -> None:
    configs = [TrialConfig(learning_rate=lr, layers=0, seed=seed)
               for seed, lr in enumerate((0.01, 0.1, 1.0), start=1)]
    _assert_equal_to_standalone(configs, DATA.split(), 10)


def test_a_search_split_over_workers_finds_what_an_inline_search_finds() -> None:
    from concurrent.futures import ThreadPoolExecutor

    spec = SearchSpec("grid", preset("course-grid"), epochs=3, trials=60, data=DATA)

    def scores(**kwargs: object) -> dict[str, float]:
        seen: dict[str, float] = {}
        search(spec, on_trial=lambda f: seen.__setitem__(repr(sorted(f.result.config.items())),
                                                        f.score), **kwargs)  # type: ignore[arg-type]
        return seen

    with ThreadPoolExecutor(2) as pool:
        assert scores(executor=pool, workers=2) == scores()


def test_bayesian_search_trains_its_random_start_together_and_finds_the_same_trials(
        monkeypatch: pytest.MonkeyPatch) -> None:
    space = make_space({"learning_rate": {"low": 0.001, "high": 1.0, "log": True},
                        "layers": [1, 2], "activation": ["relu", "tanh"]})
    spec = SearchSpec("bayesian", space, epochs=3, trials=14, data=DATA, seed=5)

    def trials() -> list[tuple[int, float, float]]:
        seen: list[tuple[int, float, float]] = []
        search(spec, on_trial=lambda f: seen.append(
            (f.number, f.result.config["learning_rate"], f.score)))
        return sorted(seen)

    sizes: list[int] = []
    run_batch_of = study_module.run_batch
    monkeypatch.setattr(study_module, "run_batch",
                        lambda configs, *a: sizes.append(len(configs)) or run_batch_of(configs, *a))
    together = trials()
    assert sizes and max(sizes) == 3  # the random start (3 trials) as one stack
    monkeypatch.setattr(study_module, "_at_once", lambda *a: 1)
    alone = trials()
    assert [t[:2] for t in together] == [t[:2] for t in alone]
    for (_, _, a), (_, _, b) in zip(together, alone, strict=True):
        assert a == pytest.approx(b, rel=1e-9)


def test_tasks_split_for_the_workers_and_bound_their_work() -> None:
    split = DataSpec(points=200).split()
    m, outputs = split.train.m, split.train.Y.shape[0]
    configs = [(None, TrialConfig(learning_rate=lr, layers=n)) for lr in (0.01, 0.1)
               for n in range(1, 6)]
    halves = study_module._tasks([configs], 2, 10, split)  # type: ignore[arg-type]
    assert sorted(len(t) for t in halves) == [5, 5]
    together = [c for _, c in configs]
    per_epoch = work.stack_seconds(together, m, outputs, 1) \
        - work.stack_seconds(together, m, outputs, 0)
    epochs = math.ceil(3 * study_module.MAX_TASK_SECONDS / per_epoch)
    bounded = study_module._tasks([configs], 1, epochs, split)  # type: ignore[arg-type]
    assert len(bounded) >= 3 and sum(len(t) for t in bounded) == 10
    assert all(work.stack_seconds([c for _, c in t], m, outputs, epochs)
               <= study_module.MAX_TASK_SECONDS for t in bounded if len(t) > 1)
    assert study_module._tasks([configs], 1, 10, split) == [configs]  # type: ignore[arg-type]


def test_a_trials_work_grows_with_epochs_points_depth_and_smaller_batches() -> None:
    base = TrialConfig(layers=2, units=4, batch_size=10)
    seconds = work.trial_seconds(base, 250, 1, 100)
    assert work.trial_seconds(base, 250, 1, 200) > seconds
    assert work.trial_seconds(base, 2500, 1, 100) > seconds
    assert work.trial_seconds(TrialConfig(layers=6, units=8, batch_size=10), 250, 1, 100) > seconds
    assert work.trial_seconds(TrialConfig(layers=2, units=4, batch_size=1), 250, 1, 100) > seconds
    full = TrialConfig(layers=2, units=4, batch_size=1, optimizer="gd")
    assert work.steps(full, 250) == 1 and work.steps(base, 250) == 25
    assert work.weights(base, 1) == 4 * 3 + 4 * 5 + 1 * 5  # 2-4-4-1
    alone = sum(work.trial_seconds(c, 250, 1, 100) for c in [base] * 10)
    assert work.stack_seconds([base] * 10, 250, 1, 100) < alone


def test_a_spaces_costliest_trial_takes_each_fields_costliest_value() -> None:
    space = make_space({"batch_size": [1, 100], "layers": {"low": 1, "high": 6},
                        "units": [2, 8], "optimizer": ["gd", "sgd"],
                        "features": ["x1", ["x1", "x2", "x1x2"]]})
    worst = work.costliest(space, 2500, 1, 10)
    assert (worst.batch_size, worst.layers, worst.units, worst.optimizer) == (1, 6, 8, "sgd")
    assert worst.features == ("x1", "x2", "x1x2")


def test_a_string_of_features_is_one_feature_set() -> None:
    """["x1", "x2"] is the sets {x1} and {x2}, and "x1,x2" the set of both: a string's
    characters are no features."""
    space = make_space({"features": ["x1", "x2", "x1,x2"]})
    assert space.grids() == {"features": ["x1", "x2", "x1,x2"]}
    assert space.config({"features": "x1,x2"}).features == ("x1", "x2")
    with pytest.raises(ValueError, match="space.seed: at most 64 values"):
        make_space({"seed": list(range(65))})
