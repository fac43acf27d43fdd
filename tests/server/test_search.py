"""Searches from the websocket: start, trials, progress, stop, load, limits and bad input."""

from __future__ import annotations

import base64
import dataclasses
import typing
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engine.search.space import TrialConfig
from server import limits, protocol
from server.protocol import Config, SearchStartMessage
from server.search import base_config, session_config
from tests.server.conftest import Peer

SMALL = {"method": "grid", "space": {"learning_rate": [0.01, 0.1, 0.3]}, "epochs": 5}


def _until_end(peer: Peer) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The search_trial messages up to the search's last search_progress."""
    trials = []
    while True:
        message = peer.receive()
        if message["type"] == "search_trial":
            trials.append(message)
        elif message["type"] == "search_progress" and message["state"] != "running":
            return trials, message


def test_a_small_grid_streams_its_trials_then_the_best_with_its_test_score(peer: Peer) -> None:
    started = peer.request("search_start", "search_progress", **SMALL)
    assert started["state"] == "running" and started["total"] == 3
    trials, end = _until_end(peer)
    assert end["state"] == "done" and end["done"] == 3
    assert sorted(t["trial"] for t in trials) == [0, 1, 2]
    assert sorted(t["config"]["learning_rate"] for t in trials) == [0.01, 0.1, 0.3]
    best = min(trials, key=lambda t: t["val_loss"])
    assert end["best"] == {"trial": best["trial"], "score": best["val_loss"]}
    assert end["test_loss"] is not None and end["test_accuracy"] is not None
    assert len(base64.b64decode(trials[0]["thumbnail"])) == 32 * 32
    assert trials[0]["curve"][0][0] == 0 and trials[0]["curve"][-1][0] == 5


def test_load_puts_the_trials_config_and_final_weights_into_the_session(peer: Peer) -> None:
    peer.request("search_start", "search_progress", **SMALL)
    trials, _ = _until_end(peer)
    chosen = trials[-1]
    config = peer.request("search_load", "config", trial=chosen["trial"])["config"]
    assert config["optimizer"]["learning_rate"] == chosen["config"]["learning_rate"]
    status = peer.until("status")
    assert status["state"] == "paused" and status["epoch"] == 5
    frame = peer.until("frame")
    assert frame["header"]["metrics"]["validation_loss"] == pytest.approx(chosen["val_loss"],
                                                                         rel=1e-5)


def test_a_loaded_trial_brings_its_validation_curve_as_its_loss_history(peer: Peer) -> None:
    peer.request("search_start", "search_progress", **{**SMALL, "epochs": 30})
    trials, _ = _until_end(peer)
    peer.request("search_load", "config", trial=trials[0]["trial"])
    header = peer.until("frame")["header"]
    history = header["history"]
    epochs = [point["epoch"] for point in history]
    # Every few epochs from 0, then the frame's own epoch: not a line from epoch 0 to epoch 30.
    assert epochs[0] == 0 and len(epochs) > 5 and epochs == sorted(set(epochs))
    assert epochs[-1] < header["epoch"] == 30
    assert all(point["validation_loss"] is not None for point in history)
    # The trial kept no training loss along the way; the final epoch is measured whole.
    assert all(point["train_loss"] is None for point in history)
    assert header["metrics"]["train_loss"] is not None


def test_stop_ends_the_search_early(peer: Peer) -> None:
    peer.request("search_start", "search_progress", method="random", trials=50, epochs=200,
                 space={"learning_rate": {"low": 0.001, "high": 1, "log": True}})
    peer.send(type="search_stop")
    trials, end = _until_end(peer)
    assert end["state"] == "stopped"
    assert end["done"] < 50


def test_a_second_search_while_one_runs_is_an_error(peer: Peer) -> None:
    peer.request("search_start", "search_progress", method="random", trials=40, epochs=200,
                 space={"learning_rate": {"low": 0.001, "high": 1, "log": True}})
    error = peer.request("search_start", "error", **SMALL)
    assert error["code"] == "not_applicable" and error["field"] == "search"
    peer.send(type="search_stop")
    _until_end(peer)


@pytest.mark.parametrize(("fields", "field"), [
    ({"space": {"speed": [1, 2]}}, "space.speed"),
    ({"space": {"layers": []}}, "space.layers"),
    ({"space": {"learning_rate": {"low": 0.1, "high": 0.01}}}, "space.learning_rate"),
    ({"space": {"units": [1, 2, 3, 4, 5, 6, 7, 8], "layers": [0, 1, 2, 3, 4, 5, 6],
                "activation": ["relu", "tanh", "sigmoid", "linear"]}}, "space"),
    ({"trials": limits.MAX_SEARCH_TRIALS + 1}, "trials"),
    ({"epochs": 0}, "epochs"),
    ({"method": "annealing"}, "method"),
    ({"colour": "red"}, "colour"),
    ({"preset": "seeds", "space": {"seed": [1, 2]}}, "space"),
])
def test_bad_search_input_gets_one_error_naming_the_field(peer: Peer, fields: dict[str, Any],
                                                          field: str) -> None:
    error = peer.request("search_start", "error", **fields)
    assert error["field"] == field, error
    assert error["code"] in ("invalid", "too_large")


def test_stop_or_load_without_a_search_is_an_error(peer: Peer) -> None:
    assert peer.request("search_stop", "error")["field"] == "search"
    assert peer.request("search_load", "error", trial=0)["field"] == "trial"


def test_search_limits_are_published_in_the_catalog(client: TestClient) -> None:
    published = client.get("/api/catalog").json()["limits"]
    assert published["max_search_trials"] == limits.MAX_SEARCH_TRIALS
    assert published["max_search_epochs"] == limits.MAX_SEARCH_EPOCHS
    assert published["max_searches"] == limits.MAX_SEARCHES


def test_a_session_config_round_trips_through_a_trial_config() -> None:
    config = Config.model_validate({"hidden": [{"units": 5, "activation": "relu"}] * 3,
                                    "optimizer": {"name": "adam", "learning_rate": 0.01}})
    trial = base_config(config)
    assert (trial.layers, trial.units, trial.activation, trial.optimizer) == (3, 5, "relu",
                                                                              "adam")
    assert session_config(config, trial).hidden == config.hidden
    assert SearchStartMessage.model_validate({"type": "search_start"}).preset is None


def test_a_search_from_the_wide_layer_lesson_starts_at_the_usual_width() -> None:
    """One hidden layer may have 64 neurons, but a search's trials may add layers: they start
    from MAX_UNITS."""
    wide = Config.model_validate({"hidden": [{"units": limits.MAX_WIDE_UNITS}]})
    trial = base_config(wide)
    assert (trial.layers, trial.units) == (1, limits.MAX_UNITS)
    deeper = dataclasses.replace(trial, layers=3)
    Config.model_validate(session_config(wide, deeper).model_dump())


def test_a_trial_message_publishes_every_field_of_a_trial_config() -> None:
    """The published TrialFields, the search space's fields and the engine's TrialConfig are
    one list: a field added to one and not the others fails here, not in a finished search."""
    engine_fields = [field.name for field in dataclasses.fields(TrialConfig)]
    assert list(protocol.TrialFields.model_fields) == engine_fields
    assert list(protocol.SEARCH_FIELDS) == engine_fields
    assert list(typing.get_args(protocol.SearchField)) == engine_fields
    protocol.TrialFields.model_validate(TrialConfig().as_dict())
