"""Search bench: trial-epochs per second of a search, and the course's grid in class conditions.

    python bench/search.py                  # everything (a few minutes on 2 cores)
    python bench/search.py --epochs 50      # shorter trials
    python bench/search.py --no-server      # skip the frame-rate part

Prints:
1. trial-epochs/s of a sequential loop of single Trainer runs over the course grid's trials,
   and of the search over the same trials: trial by trial in one process (the loop plus each
   trial's validation curve and thumbnail), with the trials of one width trained together
   in one process (the course grid: one stack), and the same with 2 worker processes (two
   stacks);
2. the time of the 60-config course grid at 200 epochs on the spiral (2 worker processes);
3. the frames per second a playing page receives while its own search runs on the server
   (its trials in the server's worker processes, at a lower priority).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import optuna  # noqa: E402

import engine.search.study as search_study  # noqa: E402
from engine import search  # noqa: E402
from engine.search import DataSpec, SearchSpec  # noqa: E402
from engine.search.trial import build  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)
DATA = DataSpec("spiral", points=500, seed=1)


def course_spec(epochs: int) -> SearchSpec:
    return SearchSpec("grid", search.preset("course-grid"), epochs=epochs, trials=60, data=DATA)


def sequential(epochs: int) -> float:
    """Seconds for single Trainer runs of the course grid's 60 configs, one after another."""
    spec, split = course_spec(epochs), DATA.split()
    grids = spec.space.grids()
    configs = [spec.space.config({"learning_rate": lr, "layers": n, "activation": g})
               for lr in grids["learning_rate"] for n in grids["layers"]
               for g in grids["activation"]]
    start = time.perf_counter()
    for config in configs:
        _, trainer = build(config, split)
        trainer.run(epochs)
    return time.perf_counter() - start


def searched(epochs: int, workers: int, together: bool = True) -> float:
    """Seconds for the course grid as a search (inline, or with worker processes), its trials
    of one width trained together or one by one."""
    search_study.MAX_BATCH = 256 if together else 1
    spec = course_spec(epochs)
    executor = ProcessPoolExecutor(workers) if workers > 1 else None
    try:
        if executor is not None:  # start the workers before the clock
            list(executor.map(abs, range(workers)))
        return search.search(spec, executor=executor, workers=workers).seconds
    finally:
        if executor is not None:
            executor.shutdown()


async def frames_during_search(url: str, seconds: float, epochs: int) -> dict[str, float]:
    """Frames/s a playing session receives, without and then with its own search running."""
    from websockets.asyncio.client import connect

    from bench.load import ack

    async def count(ws: Any, duration: float) -> int:
        frames, end = 0, time.perf_counter() + duration
        while (left := end - time.perf_counter()) > 0:
            try:
                message = await asyncio.wait_for(ws.recv(), timeout=left)
            except TimeoutError:
                break
            if isinstance(message, bytes):
                frames += 1
                await ack(ws, message)
        return frames

    async with connect(url, max_size=None) as ws:
        await ws.send(json.dumps({"type": "configure", "config": {
            "dataset": {"name": "spiral"}, "view": {"epochs_per_second": 0}}}))
        await ws.send(json.dumps({"type": "play"}))
        await count(ws, 1.0)
        alone = await count(ws, seconds) / seconds
        await ws.send(json.dumps({"type": "search_start", "preset": "course-grid",
                                  "epochs": epochs}))
        await count(ws, 1.0)
        during = await count(ws, seconds) / seconds
        await ws.send(json.dumps({"type": "search_stop"}))
    return {"fps_alone": alone, "fps_during_search": during}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=8.0, help="frame-rate window")
    parser.add_argument("--no-server", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    trial_epochs = 60 * args.epochs
    out: dict[str, Any] = {"trials": 60, "epochs": args.epochs}
    seconds = {"sequential": sequential(args.epochs),
               "search_one_by_one": searched(args.epochs, 1, together=False),
               "search_inline": searched(args.epochs, 1),
               "search_2_workers": searched(args.epochs, 2)}
    for name, s in seconds.items():
        out[f"{name}_seconds"] = round(s, 2)
        out[f"{name}_trial_epochs_per_s"] = round(trial_epochs / s)
        print(f"{name:>18}: {trial_epochs / s:8.0f} trial-epochs/s "
              f"({s:.1f} s for 60 trials x {args.epochs} epochs)")
    print(f"course grid, 60 configs x {args.epochs} epochs on the spiral, 2 workers: "
          f"{seconds['search_2_workers']:.1f} s")
    if not args.no_server:
        from tests.server_process import running_server

        with running_server() as base:
            url = base.replace("http", "ws") + "/ws"
            fps = asyncio.run(frames_during_search(url, args.seconds, args.epochs))
        out.update({k: round(v, 1) for k, v in fps.items()})
        print(f"page frames/s while playing: {fps['fps_alone']:.1f} alone, "
              f"{fps['fps_during_search']:.1f} with its search running")
    if args.json:
        print(json.dumps(out))


if __name__ == "__main__":
    main()
