"""Engine benchmark on TF Playground's largest network (the standard workload).

Spiral, 500 points, half for training, noise 0, inputs x1 and x2, 6 hidden layers × 8 tanh,
tanh output with squared error, learning rate 0.03, batch 10.

    python bench/engine.py            # a readable table
    python bench/engine.py --json     # one JSON line (epochs_per_s, full_batch_epochs_per_s, ...)
    python bench/engine.py --compare-threads   # default OpenBLAS threading vs one thread
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import Network, Trainer, datasets, optimizers  # noqa: E402
from engine.grid import GridEvaluator  # noqa: E402

FEATURES = ["x1", "x2"]
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
"""`cpu` counts only this process's CPU time: steadier when other work shares the cores."""
clock = CLOCKS["wall"]


def standard_trainer(optimizer: str = "sgd", batch_size: int = 10) -> Trainer:
    data = datasets.make("spiral", n=500, noise=0.0, seed=0)
    split = datasets.split(data, train_fraction=0.5, seed=0)
    net = Network([2] + [8] * 6 + [1], ["tanh"] * 7, init="xavier", seed=0)
    return Trainer(net, split, features=FEATURES, loss="mse",
                   optimizer=optimizers.make(optimizer, 0.03), batch_size=batch_size, seed=0)


def best_rate(work: Callable[[], int], seconds: float, repeats: int = 5) -> float:
    """The best of `repeats` runs of units-per-second (the machine is shared, so noise is high)."""
    best = 0.0
    for _ in range(repeats):
        start, done = clock(), 0
        while clock() - start < seconds / repeats:
            done += work()
        best = max(best, done / (clock() - start))
    return best


def measure(seconds: float, neuron_resolution: int) -> dict[str, float | int | str | None]:
    """Every figure of the standard workload, each the best of a few timed runs."""
    tr = standard_trainer()
    tr.run(3)
    epochs_per_s = best_rate(lambda: tr.run(10), seconds)
    gd = standard_trainer("gd")
    gd.run(3)
    full_batch = best_rate(lambda: gd.run(50), seconds)
    adam = standard_trainer("adam")
    adam.run(3)
    adam_rate = best_rate(lambda: adam.run(10), seconds)
    grid = GridEvaluator(tr.net, FEATURES, (-6, 6, -6, 6), 100, neuron_resolution)

    def frames() -> int:
        for _ in range(20):
            grid.evaluate()
        return 20

    def metrics() -> int:
        for _ in range(20):
            tr.metrics()
        return 20

    return {
        "epochs_per_s": round(epochs_per_s, 1),
        "full_batch_epochs_per_s": round(full_batch, 1),
        "adam_epochs_per_s": round(adam_rate, 1),
        "frame_ms": round(1e3 / best_rate(frames, seconds), 3),
        "metrics_ms": round(1e3 / best_rate(metrics, seconds / 2), 3),
        "clock": "cpu" if clock is time.process_time else "wall",
        "resolution": 100,
        "neuron_resolution": neuron_resolution,
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
    }


def compare_threads(seconds: float, neuron_resolution: int, clock_name: str) -> None:
    """Run the benchmark in two fresh processes: OpenBLAS as configured, then one thread."""
    results = []
    for threads in (os.environ.get("OPENBLAS_NUM_THREADS"), "1"):
        env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
        if threads is not None:
            env["OPENBLAS_NUM_THREADS"] = threads
        out = subprocess.run([sys.executable, __file__, "--json", "--seconds", str(seconds),
                              "--neuron-resolution", str(neuron_resolution),
                              "--clock", clock_name],
                             env=env, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(out))
    keys = ["epochs_per_s", "full_batch_epochs_per_s", "adam_epochs_per_s", "frame_ms",
            "metrics_ms"]
    labels = [f"OPENBLAS_NUM_THREADS={r['OPENBLAS_NUM_THREADS'] or 'unset'}" for r in results]
    print(f"{'measure':<26}" + "".join(f"{label:>28}" for label in labels))
    for key in keys:
        print(f"{key:<26}" + "".join(f"{r[key]:>28}" for r in results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.add_argument("--compare-threads", action="store_true",
                        help="compare default OpenBLAS threading with one thread")
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    parser.add_argument("--neuron-resolution", type=int, default=32)
    parser.add_argument("--clock", choices=list(CLOCKS), default="wall",
                        help="wall time (default) or this process's CPU time")
    args = parser.parse_args()
    global clock
    clock = CLOCKS[args.clock]
    if args.compare_threads:
        compare_threads(args.seconds, args.neuron_resolution, args.clock)
        return
    result = measure(args.seconds, args.neuron_resolution)
    if args.json:
        print(json.dumps(result))
        return
    rows = [
        ("training, batch 10 (sgd)", f"{result['epochs_per_s']:.0f} epochs/s", "≥ 550"),
        ("training, full batch (gd)", f"{result['full_batch_epochs_per_s']:.0f} epochs/s",
         "≥ 5000"),
        ("training, batch 10 (adam)", f"{result['adam_epochs_per_s']:.0f} epochs/s", ""),
        (f"frame: 100×100 output + neurons at {args.neuron_resolution}×"
         f"{args.neuron_resolution}", f"{result['frame_ms']:.2f} ms", "≤ 0.7"),
        ("metrics(): train + test loss and accuracy", f"{result['metrics_ms']:.2f} ms", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'result':>16}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>16}  {target}")
    print(f"clock={result['clock']} OPENBLAS_NUM_THREADS={result['OPENBLAS_NUM_THREADS']} "
          f"OPENBLAS_CORETYPE={result['OPENBLAS_CORETYPE']}")


if __name__ == "__main__":
    main()
