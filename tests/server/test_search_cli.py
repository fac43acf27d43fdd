"""`playground search` and `playground search-worker`: JSON lines, the table, shared studies."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import optuna
import pytest

from engine import search
from engine.search import DataSpec, SearchSpec
from server import cli, search_cli
from tests.server_process import spawn

TRIAL_KEYS = {"trial", "config", "seed", "val_loss", "val_accuracy", "train_loss", "params",
              "seconds"}


def _playground(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return spawn([sys.executable, "-m", "server", *args], cwd=cwd, text=True,
                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_search_json_prints_one_line_per_trial_then_the_best(
        capsys: pytest.CaptureFixture[str]) -> None:
    code = search_cli.main(["search", "--dataset", "circle", "--points", "100", "--method",
                            "grid", "--preset", "same-start", "--epochs", "3", "--json"])
    assert code == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    trials, last = lines[:-1], lines[-1]
    assert len(trials) == 5
    assert all(set(t) == TRIAL_KEYS for t in trials)
    assert sorted(t["trial"] for t in trials) == [0, 1, 2, 3, 4]
    assert set(last) == {"best", "test_loss", "test_accuracy", "trials", "seconds"}
    assert last["trials"] == 5
    assert last["best"]["val_loss"] == min(t["val_loss"] for t in trials)


def test_search_with_two_worker_processes_runs_every_trial_once(tmp_path: Path) -> None:
    process = _playground("search", "--dataset", "circle", "--points", "80", "--preset",
                          "course-grid", "--epochs", "2", "--workers", "2", "--json",
                          cwd=tmp_path)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert sorted(t["trial"] for t in lines[:-1]) == list(range(60))
    assert lines[-1]["trials"] == 60


def test_search_without_json_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert search_cli.main(["search", "--method", "random", "--trials", "3", "--epochs", "2",
                            "--points", "60"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:3] == ["trial", "val", "loss"]
    assert "best: trial" in out and "3 trials in" in out


def test_bad_space_is_reported_naming_the_field(capsys: pytest.CaptureFixture[str]) -> None:
    assert search_cli.main(["search", "--space", '{"layers": []}']) == 2
    assert "space.layers" in capsys.readouterr().err


def test_server_options_still_parse_without_a_subcommand() -> None:
    args = cli.parse_args(["--host", "0.0.0.0", "--port", "8100", "--no-browser"])
    assert (args.host, args.port, args.no_browser) == ("0.0.0.0", 8100, True)


@pytest.mark.slow
def test_two_worker_processes_share_one_sqlite_study(tmp_path: Path) -> None:
    storage = f"sqlite:///{tmp_path / 'search.db'}"
    spec = SearchSpec("grid", search.preset("course-grid"), epochs=2, trials=60,
                      data=DataSpec("circle", points=60))
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    search.create(spec, storage, "class")
    workers = [_playground("search-worker", "--storage", storage, "--study", "class", "--json",
                           cwd=tmp_path) for _ in range(2)]
    outputs = [worker.communicate(timeout=300) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers), outputs
    per_worker = [[json.loads(line) for line in out.splitlines()[:-1]] for out, _ in outputs]
    assert all(rows for rows in per_worker)  # both took trials
    configs = [json.dumps(row["config"], sort_keys=True) for rows in per_worker for row in rows]
    assert len(configs) == len(set(configs)) == 60  # the grid, each config exactly once
    study = optuna.load_study(study_name="class", storage=storage)
    complete = study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))
    assert len(complete) == 60  # (a config both took at once was given up by one: FAIL)
