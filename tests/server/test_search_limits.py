"""What one client's search may cost the others: its work budgeted before it starts, its
workers freed when it stops or its client leaves, and every part of its spec bounded."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from server import limits
from server.search import SearchPool
from tests.server.conftest import Peer, receive_within

BIG_DATA = {"dataset": {"points": 5000}, "optimizer": {"batch_size": 1},
            "hidden": [{"units": 8, "activation": "tanh"}] * 6}
"""The largest data, one example per step, the largest network: the costliest trials."""
LONG_SEARCH = {"method": "random", "trials": 6, "epochs": 90,
               "space": {"learning_rate": {"low": 0.001, "high": 0.1, "log": True}}}
"""Within the budget, yet minutes of work on two cores (about 20 s a trial on a fast one)."""
IDLE_CPU_SECONDS = 0.1
"""Workers that used less CPU than this over IDLE_WINDOW have nothing left to do."""
IDLE_WINDOW = 0.5


def _configured(peer: Peer, **config: Any) -> None:
    peer.request("configure", "config", config=config)


SLOW_SECONDS = 240.0
"""How long a search's next message may take on a loaded machine (its workers run at a low
priority, and a slot's first search starts them)."""


def _until_end(peer: Peer, trials: list[dict[str, Any]] | None = None,
               wait: float = SLOW_SECONDS) -> dict[str, Any]:
    """Read up to the search's end (its last search_progress); its trials go to `trials`."""
    while True:
        message = receive_within(peer.ws, wait)
        if message.get("text") is None:
            continue  # a frame (none is acknowledged: the session does not train)
        reply = json.loads(message["text"])
        if reply["type"] == "search_trial" and trials is not None:
            trials.append(reply)
        if reply["type"] == "search_progress" and reply["state"] != "running":
            return reply  # type: ignore[no-any-return]


def _worker_pids(client: TestClient) -> list[int]:
    pool: SearchPool = client.app.state.search_pool  # type: ignore[attr-defined]
    return [pid for executor in pool._executors if executor is not None
            for pid in executor._processes]  # type: ignore[attr-defined]


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of these processes so far (those that ended count 0)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def _wait_until_idle(pids: list[int], within: float = 15.0) -> None:
    """Return once the processes use (almost) no CPU over IDLE_WINDOW; fail if they still
    work after `within` seconds (a search that is not stopped works for minutes)."""
    assert pids
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        before = _cpu_seconds(pids)
        time.sleep(IDLE_WINDOW)
        if _cpu_seconds(pids) - before < IDLE_CPU_SECONDS:
            return
    raise AssertionError(f"the search's workers still work {within:g} s after it stopped")


def _busy_workers(client: TestClient, within: float = SLOW_SECONDS) -> list[int]:
    """The search workers' ids, once they train (they start at the first search)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        pids = _worker_pids(client)
        before = _cpu_seconds(pids)
        time.sleep(IDLE_WINDOW)
        if pids and _cpu_seconds(pids) - before >= IDLE_CPU_SECONDS:
            return pids
    raise AssertionError("the search's workers never started")


@pytest.fixture
def big(peer: Peer) -> Iterator[Peer]:
    _configured(peer, **BIG_DATA)
    yield peer


# --------------------------------------------------------------------------------- the budget

def test_a_search_of_hours_is_refused_before_it_starts_naming_its_cost(big: Peer) -> None:
    error = big.request("search_start", "error", method="random", trials=200, epochs=2000,
                        space={"learning_rate": {"low": 0.001, "high": 1, "log": True}})
    assert error["code"] == "too_large" and error["field"] == "epochs"
    assert "max_trial_seconds" in error["message"] and "batch size" in error["message"]


def test_many_affordable_trials_are_refused_when_their_sum_passes_the_budget(big: Peer
                                                                             ) -> None:
    error = big.request("search_start", "error", method="random", trials=200, epochs=50,
                        space={"seed": [1, 2, 3]})
    assert error["code"] == "too_large" and error["field"] == "epochs"
    assert "max_search_seconds" in error["message"]


def test_the_budget_counts_the_costliest_config_of_the_space(peer: Peer) -> None:
    """Small data, but a space that reaches batch size 1 on the largest network."""
    _configured(peer, dataset={"points": 5000})
    error = peer.request("search_start", "error", method="random", trials=100, epochs=200,
                         space={"batch_size": [1, 100], "layers": [1, 6], "units": [2, 8]})
    assert error["code"] == "too_large"
    peer.request("search_start", "search_progress", method="random", trials=3, epochs=2,
                 space={"batch_size": [1, 100], "layers": [1, 6], "units": [2, 8]})
    assert _until_end(peer)["state"] == "done"


def test_the_course_grid_fits_the_budget_many_times(peer: Peer) -> None:
    started = peer.request("search_start", "search_progress", preset="course-grid", epochs=100)
    assert started["state"] == "running" and started["total"] == 60
    peer.request("search_stop", "search_progress")


def test_the_work_limits_are_published_in_the_catalog(client: TestClient) -> None:
    published = client.get("/api/catalog").json()["limits"]
    assert published["max_search_seconds"] == limits.MAX_SEARCH_SECONDS
    assert published["max_trial_seconds"] == limits.MAX_TRIAL_SECONDS
    assert published["max_search_values"] == limits.MAX_SEARCH_VALUES
    assert published["max_search_text"] == limits.MAX_SEARCH_TEXT


# ----------------------------------------------------------------------- stop and disconnect

@pytest.mark.timeout(600)
def test_stop_ends_the_workers_work_at_once_and_echoes_its_id(client: TestClient, big: Peer
                                                              ) -> None:
    big.request("search_start", "search_progress", **LONG_SEARCH)
    pids = _busy_workers(client)
    stopped = big.request("search_stop", "search_progress")
    assert stopped["state"] == "stopped" and stopped["id"] == f"search_stop-{big.sent}"
    _wait_until_idle(pids)


@pytest.mark.timeout(600)
def test_a_closed_connection_ends_its_searchs_work(client: TestClient) -> None:
    with client.websocket_connect("/ws") as ws:
        leaving = Peer(ws)
        _configured(leaving, **BIG_DATA)
        leaving.request("search_start", "search_progress", **LONG_SEARCH)
        pids = _busy_workers(client)
    _wait_until_idle(pids)


@pytest.mark.timeout(900)
def test_a_search_does_not_wait_for_anothers(client: TestClient, big: Peer) -> None:
    """A long search holds every worker of its own; a small search started meanwhile runs
    in workers of its own (sharing the cores), and ends first."""
    big.request("search_start", "search_progress", **LONG_SEARCH)
    with client.websocket_connect("/ws") as ws:
        other = Peer(ws)
        other.request("search_start", "search_progress", method="grid", epochs=5,
                      space={"learning_rate": [0.01, 0.1, 0.3]})
        end = _until_end(other)
    assert end["state"] == "done" and end["done"] == 3
    stopped = big.request("search_stop", "search_progress")
    assert stopped["state"] == "stopped" and stopped["done"] < LONG_SEARCH["trials"]


# -------------------------------------------------------------------------- a bounded spec

@pytest.mark.parametrize(("fields", "field"), [
    ({"trials": "60"}, "trials"),
    ({"trials": 60.0}, "trials"),
    ({"trials": True}, "trials"),
    ({"epochs": "5"}, "epochs"),
    ({"space": {"seed": list(range(limits.MAX_SEARCH_VALUES + 1))}}, "space.seed"),
    ({"space": {"seed": [True, 2]}}, "space.seed.0"),
    ({"space": {"activation": ["x" * (limits.MAX_SEARCH_TEXT + 1)]}}, "space.activation.0"),
    ({"space": {"features": [["x1"] * 8]}}, "space.features.0"),
    ({"space": {"learning_rate": {"low": "0.1", "high": 1}}}, "space.learning_rate.low"),
    ({"space": {"learning_rate": {"low": 0.1, "high": 1e300}}}, "space.learning_rate.high"),
    ({"space": {"learning_rate": {"low": 0.1, "high": 1, "log": 1}}},
     "space.learning_rate.log"),
    ({"space": {"learning_rate": {"low": 0.1, "high": 1, "steps": 5.0}}},
     "space.learning_rate.steps"),
    ({"space": {"layers": {"low": 1}}}, "space.layers.high"),
    ({"space": {"layers": "1,2"}}, "space.layers"),
])
def test_every_part_of_a_spec_is_strict_and_bounded(peer: Peer, fields: dict[str, Any],
                                                    field: str) -> None:
    error = peer.request("search_start", "error", **fields)
    assert error["field"] == field, error
    assert error["message"].startswith(f"{field}: "), error
    assert "union" not in error["message"] and "<" not in error["message"], error


@pytest.mark.timeout(600)
def test_a_list_of_single_features_is_a_choice_of_feature_sets(peer: Peer,
                                                               caplog: pytest.LogCaptureFixture
                                                               ) -> None:
    """["x1", "x2"] searches the set {x1} and the set {x2}, as "x1,x2" is the set of both
    (their characters are no features)."""
    peer.request("search_start", "search_progress", method="grid", epochs=2,
                 space={"features": ["x1", "x2", "x1,x2", ["x1_sq", "x2_sq"]]})
    trials: list[dict[str, Any]] = []
    end = _until_end(peer, trials)
    assert end["state"] == "done", end
    assert sorted(t["config"]["features"] for t in trials) == [
        ["x1"], ["x1", "x2"], ["x1_sq", "x2_sq"], ["x2"]]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_failing_search_logs_few_tracebacks(peer: Peer, client: TestClient,
                                              caplog: pytest.LogCaptureFixture,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.search as engine_search

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug in the search")

    monkeypatch.setattr(engine_search, "run", broken)
    for _ in range(10):
        peer.request("search_start", "search_progress", method="grid", epochs=1,
                     space={"seed": [1]})
        assert _until_end(peer)["state"] == "failed"
    tracebacks = [r for r in caplog.records if r.exc_info and r.name == "server.search"]
    assert len(tracebacks) == 3

