"""Every experiment keeps its promise on every seed, and on another CPU's float path.

Each experiment of the menu and each of its variants is rehearsed as the page runs it (the
default config with its patch, trained for its epochs with diagnostics after every epoch) on
SEEDS seeds (data and weights), and again with its initial weights nudged by a relative 1e-9:
another CPU's matrix kernels differ from this one's in the last bits, and a chaotic run that
kept its promise by luck on one of them would fail here. A promise is what the coach says, and
nothing else, and bounds on what the run measures (server/lessons/experiments.py).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from server import catalog
from server.lessons.experiments import EXPERIMENTS, SEEDS_RATIO, Promise
from server.lessons.rehearsal import broken, rehearse, revive
from tests.server.promises import FIRST_SIGHT, FIRST_SIGHT_EPOCHS, HEALTHY, HEALTHY_EPOCHS

SEEDS = range(1, 9)
NUDGE = 1e-9


def runs() -> list[tuple[str, str]]:
    """(experiment, variant label) for every distinct config of the menu ('' is the preset)."""
    out = []
    for name, experiment in EXPERIMENTS.items():
        seen: list[str] = []
        for label, patch, promise in experiment.runs():
            key = json.dumps([patch, promise.as_dict()], sort_keys=True)
            if key not in seen:  # a variant equal to the preset is rehearsed once
                seen.append(key)
                out.append((name, label))
    return out


def kept(name: str, label: str, seed: int, nudge: float) -> list[str]:
    experiment = EXPERIMENTS[name]
    patch, promise = next((p, pr) for lb, p, pr in experiment.runs() if lb == label)
    return broken(promise, rehearse(patch, experiment.epochs, seed, nudge))


@pytest.mark.slow
@pytest.mark.parametrize(("name", "label"), runs())
def test_the_experiment_keeps_its_promise_on_every_seed_and_nudged(name: str,
                                                                   label: str) -> None:
    failures = {}
    for seed in SEEDS:
        for nudge in (0.0, NUDGE):
            failed = kept(name, label, seed, nudge)
            if failed:
                failures[f"seed {seed}" + (" nudged" if nudge else "")] = failed
    assert not failures, failures


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n, e in EXPERIMENTS.items() if e.revive])
def test_revive_keeps_its_promise_on_every_seed_and_nudged(name: str) -> None:
    """The card's Revive after its Train button, then its epochs again: the re-drawn neurons
    come back (the promise's revived_active), on every seed, nudged too."""
    experiment = EXPERIMENTS[name]
    assert experiment.revive is not None
    failures = {}
    for seed in SEEDS:
        for nudge in (0.0, NUDGE):
            dead = rehearse(experiment.config, experiment.epochs, seed, nudge)
            after = revive(dead, experiment.epochs)
            assert after.model.net.activations == dead.model.net.activations
            assert after.model.trainer.epoch == 2 * experiment.epochs
            failed = broken(experiment.revive, after)
            if failed:
                failures[f"seed {seed}" + (" nudged" if nudge else "")] = failed
    assert not failures, failures


@pytest.mark.slow
def test_the_default_network_learns_the_default_data_at_once_on_every_seed_and_nudged() -> None:
    """The landing page's config (no patch) keeps FIRST_SIGHT: 95 % of the test points right
    within FIRST_SIGHT_EPOCHS epochs, and the coach silent."""
    failures = {}
    for seed in SEEDS:
        for nudge in (0.0, NUDGE):
            failed = broken(FIRST_SIGHT, rehearse({}, FIRST_SIGHT_EPOCHS, seed, nudge))
            if failed:
                failures[f"seed {seed}" + (" nudged" if nudge else "")] = failed
    assert not failures, failures


def test_a_promise_names_what_the_run_did_not_show() -> None:
    experiment = EXPERIMENTS["zero_init"]
    run = rehearse(experiment.config, 1, seed=1)
    assert broken(Promise(coach=("symmetry",)), run) == []
    assert broken(Promise(), run) == ["the coach names symmetry"]
    assert broken(Promise(coach=("symmetry", "overfitting")), run) == [
        "the coach does not name overfitting"]
    assert broken(Promise(coach=("symmetry",), bounds={"train_accuracy": (0.99, None)}), run)[0] \
        .startswith("train_accuracy = ")


def test_every_experiment_is_in_the_catalog_with_its_promise() -> None:
    published = catalog.catalog()["experiments"]
    assert [e["name"] for e in published] == list(EXPERIMENTS)
    for entry in published:
        assert entry["group"] in ("lesson", "pitfall")
        assert entry["epochs"] >= 1 and entry["tab"]
        assert set(entry["promise"]) == {"coach", "allowed", "bounds"}
        for variant in entry["variants"]:
            assert variant["label"] and isinstance(variant["config"], dict)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(HEALTHY))
def test_a_healthy_session_gets_no_advice_on_any_seed(name: str) -> None:
    """No false advice: a config that learns its data and generalizes hears nothing."""
    said = {seed: sorted(rehearse(HEALTHY[name], HEALTHY_EPOCHS, seed).codes)
            for seed in range(1, 5)}
    assert all(not codes for codes in said.values()), said


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n, e in EXPERIMENTS.items() if e.seeds])
@pytest.mark.parametrize("seed", range(1, 6))
def test_the_same_network_from_other_initial_weights_ends_at_other_costs(name: str,
                                                                        seed: int) -> None:
    """The card's seeds button runs the search lab's `seeds` preset over the experiment's
    config: its trials end at costs spread by SEEDS_RATIO or more, on every dataset seed."""
    from engine.search.study import search
    from server.lessons.rehearsal import config_for
    from server.model import build, generate
    from server.protocol import SearchStartMessage
    from server.search import spec_for
    from server.settings import Settings

    experiment = EXPERIMENTS[name]
    config = config_for(experiment.config, seed)
    model = build(config, generate(config), Settings())
    message = SearchStartMessage(type="search_start", preset="seeds", trials=experiment.seeds,
                                 epochs=experiment.epochs)
    finished = []
    search(spec_for(message, config, model.split), model.split,
           on_trial=finished.append)
    costs = sorted(f.result.train_loss for f in finished if f.result.train_loss is not None)
    assert len(costs) == experiment.seeds
    assert costs[-1] / costs[0] >= SEEDS_RATIO, costs


def _card_params(entry: dict) -> set[str]:
    """The names web/lessons/experiments.js's promiseParams and cardParams give a card's
    text."""
    names: set[str] = set()

    def add(prefix: str, promise: dict) -> None:
        for measure, (low, high) in promise["bounds"].items():
            names.update(f"{prefix}{measure}_{end}" for end, v in (("low", low), ("high", high))
                         if v is not None)

    add("", entry["promise"])
    for variant in entry["variants"]:
        add(re.sub(r"[^A-Za-z0-9]+", "_", variant["label"]) + "_", variant["promise"])
    if entry["revive"]:
        add("revive_", entry["revive"])
        names.add("revive_active")
    if entry["seeds_ratio"]:
        names.add("seeds_ratio")
    # cardParams: the engine facts a card quotes, and a network's layer count and product.
    names.update(entry["facts"])
    if entry["config"].get("hidden") is not None:
        names.update({"L", "product"})
    return names


def test_every_number_a_card_quotes_from_a_promise_is_one_the_promise_has() -> None:
    """A card quotes a promise's bounds as {placeholders} filled from the catalog; each one it
    uses exists, in both languages, so no card shows a number its promise does not hold."""
    source = (Path(__file__).parents[2] / "web" / "lessons" / "experiments.js").read_text()
    texts = re.findall(r"'exp\.(\w+)\.(?:text|watch)': '((?:[^'\\]|\\.)*)'", source)
    published = {e["name"]: e for e in catalog.catalog()["experiments"]}
    quoted = 0
    for name, text in texts:
        used = set(re.findall(r"\{(\w+)\}", text))
        assert used <= _card_params(published[name]), (name, used - _card_params(published[name]))
        quoted += len(used)
    assert quoted >= 20


def test_no_module_that_serves_the_page_imports_the_rehearsal() -> None:
    """Rehearsal, measures and promise checks are the tests' and the benches': the server's
    modules (the catalog, which publishes the experiments, among them) never import them."""
    root = Path(__file__).parents[2]
    importers = []
    for path in (root / "server").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [f"{node.module}.{a.name}" for a in node.names] \
                if isinstance(node, ast.ImportFrom) and node.module else []
            if any(name.startswith("server.lessons.rehearsal") for name in names):
                importers.append(path.relative_to(root).as_posix())
    assert importers == []
