"""`playground search` and `playground search-worker`: hyperparameter searches in a terminal.

`search` runs a study (in memory, or in a storage URL that other processes may share);
`search-worker` joins a stored study and takes trials of it until its budget is used.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any, TextIO

import optuna

from engine import search
from engine.datasets import DATASETS
from engine.search import DataSpec, Finished, Outcome, SearchSpec, TrialConfig


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=1,
                        help="trials trained at once, one process each (default 1)")
    parser.add_argument("--json", action="store_true",
                        help="one JSON object per finished trial, then one for the best")


def parse_search(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="playground search",
        description="Search hyperparameters: each trial trains a network; the validation "
                    "split scores it; the test split scores only the best.")
    parser.add_argument("--dataset", default="spiral", choices=[d for d in DATASETS
                                                                 if d != "custom"])
    parser.add_argument("--points", type=int, default=500)
    parser.add_argument("--noise", type=float, default=0.0)
    parser.add_argument("--classes", type=int, default=2)
    parser.add_argument("--data-seed", type=int, default=1)
    parser.add_argument("--train-fraction", type=float, default=0.5)
    parser.add_argument("--validation-fraction", type=float, default=0.2)
    parser.add_argument("--method", default="grid", choices=search.METHODS)
    parser.add_argument("--preset", choices=list(search.PRESETS),
                        help="a ready-made space (default course-grid, unless --space)")
    parser.add_argument("--space", type=json.loads, metavar="JSON",
                        help='fields to search, e.g. \'{"learning_rate": {"low": 0.001, '
                             '"high": 1, "log": true}, "units": [2, 4, 8]}\'')
    parser.add_argument("--trials", type=int, default=60, help="trials at most (default 60)")
    parser.add_argument("--epochs", type=int, default=100, help="epochs per trial")
    parser.add_argument("--objective", default="loss", choices=list(search.OBJECTIVES),
                        help="validation loss (minimized) or accuracy (maximized)")
    parser.add_argument("--seed", type=int, default=0, help="the sampler's seed")
    parser.add_argument("--storage", help="an Optuna storage URL, e.g. sqlite:///search.db "
                                          "(default: in memory)")
    parser.add_argument("--study", help="the study's name in the storage (joined if it exists)")
    base = TrialConfig()
    for name in ("learning_rate", "optimizer", "batch_size", "layers", "units", "activation",
                 "init", "regularization", "reg_rate"):
        value = getattr(base, name)
        parser.add_argument("--" + name.replace("_", "-"), type=type(value), default=value,
                            help=f"the base config's {name} (default {value})")
    parser.add_argument("--features", default=",".join(base.features))
    parser.add_argument("--config-seed", type=int, default=base.seed,
                        help="the base config's seed (initial weights and shuffling)")
    _common(parser)
    args = parser.parse_args(argv)
    if args.study and not args.storage:
        parser.error("--study needs --storage")
    return args


def parse_worker(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="playground search-worker",
        description="Take trials of a stored study (started by `playground search --storage`).")
    parser.add_argument("--storage", required=True, help="the study's Optuna storage URL")
    parser.add_argument("--study", required=True, help="the study's name")
    _common(parser)
    return parser.parse_args(argv)


def spec_of(args: argparse.Namespace) -> SearchSpec:
    base = TrialConfig.from_dict({
        "learning_rate": args.learning_rate, "optimizer": args.optimizer,
        "batch_size": args.batch_size, "layers": args.layers, "units": args.units,
        "activation": args.activation, "init": args.init,
        "regularization": args.regularization, "reg_rate": args.reg_rate,
        "features": args.features, "seed": args.config_seed})
    if args.space is not None:
        space = search.make_space(args.space, base)
    else:
        space = search.preset(args.preset or "course-grid", base)
    data = DataSpec(args.dataset, args.points, args.noise, args.classes, args.data_seed,
                    args.train_fraction, args.validation_fraction)
    return SearchSpec(args.method, space, args.epochs, args.trials, args.objective, args.seed,
                      data)


def trial_line(finished: Finished) -> dict[str, Any]:
    r = finished.result
    return {"trial": finished.number, "config": r.config, "seed": r.seed,
            "val_loss": r.val_loss, "val_accuracy": r.val_accuracy, "train_loss": r.train_loss,
            "params": r.params, "seconds": round(r.seconds, 4)}


def best_line(outcome: Outcome) -> dict[str, Any]:
    return {"best": trial_line(outcome.best) if outcome.best else None, **outcome.test,
            "trials": outcome.trials, "seconds": round(outcome.seconds, 3)}


class Printer:
    """JSON lines, or a progress line while it runs and a table at the end."""

    def __init__(self, as_json: bool, budget: int, out: TextIO | None = None) -> None:
        self.as_json, self.budget, self.out = as_json, budget, out or sys.stdout
        self.rows: list[Finished] = []
        self.start = time.perf_counter()

    def trial(self, finished: Finished) -> None:
        self.rows.append(finished)
        if self.as_json:
            print(json.dumps(trial_line(finished)), file=self.out, flush=True)
            return
        done, elapsed = len(self.rows), time.perf_counter() - self.start
        left = elapsed / done * max(0, self.budget - done)
        best = min(r.score for r in self.rows) if self.rows else math.nan
        print(f"\rtrial {done}/{self.budget}  best {best:.4f}  {elapsed:.0f} s, "
              f"about {left:.0f} s left ", end="", file=sys.stderr, flush=True)

    def end(self, outcome: Outcome) -> None:
        if self.as_json:
            print(json.dumps(best_line(outcome)), file=self.out, flush=True)
            return
        print(file=sys.stderr)
        print(table(self.rows), file=self.out)
        if outcome.best is not None:
            b = outcome.best
            print(f"best: trial {b.number} ({_describe(b.result.config)}), validation loss "
                  f"{_num(b.result.val_loss)}, test loss {_num(outcome.test['test_loss'])}, "
                  f"test accuracy {_num(outcome.test['test_accuracy'])}", file=self.out)
        print(f"{outcome.trials} trials in {outcome.seconds:.1f} s", file=self.out)


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.4f}"


def _describe(config: dict[str, Any]) -> str:
    return (f"lr {config['learning_rate']:g}, {config['optimizer']}, {config['layers']}x"
            f"{config['units']} {config['activation']}, batch {config['batch_size']}, "
            f"seed {config['seed']}")


def table(rows: list[Finished]) -> str:
    lines = [f"{'trial':>5}  {'val loss':>8}  {'val acc':>7}  {'train loss':>10}  "
             f"{'params':>6}  {'s':>6}  config"]
    for f in sorted(rows, key=lambda f: f.number):
        r = f.result
        lines.append(f"{f.number:>5}  {_num(r.val_loss):>8}  {_num(r.val_accuracy):>7}  "
                     f"{_num(r.train_loss):>10}  {r.params:>6}  {r.seconds:>6.2f}  "
                     f"{_describe(r.config)}{'  (diverged)' if r.diverged else ''}")
    return "\n".join(lines)


def _executor(workers: int) -> Executor | None:
    return ProcessPoolExecutor(workers) if workers > 1 else None


def main(argv: Sequence[str]) -> int:
    """`argv[0]` is `search` or `search-worker`."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    command, rest = argv[0], argv[1:]
    args = parse_worker(rest) if command == "search-worker" else parse_search(rest)
    if args.workers < 1:
        print("--workers must be at least 1", file=sys.stderr)
        return 2
    try:
        if command == "search-worker":
            study, spec = search.join(args.storage, args.study)
        else:
            spec = spec_of(args)
            study = search.create(spec, args.storage, args.study)
    except (ValueError, KeyError) as error:
        print(f"playground {command}: {error}", file=sys.stderr)
        return 2
    printer = Printer(args.json, spec.budget)
    executor = _executor(args.workers)
    try:
        outcome = search.run(study, spec, executor=executor, workers=args.workers,
                             on_trial=printer.trial)
    except KeyboardInterrupt:
        return 130
    finally:
        if executor is not None:
            executor.shutdown(cancel_futures=True)
    printer.end(outcome)
    return 0
